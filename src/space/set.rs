//! [`PacketSet`]: an exact set of valid packets, as a BDD over header bits.

use super::Space;
use crate::model::Packet;
use biodivine_lib_bdd::Bdd;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// A set of valid packets of one [`Space`]. Sets of different spaces must not be
/// mixed. Every operation stays within the space's valid packets, so
/// [`complement`](PacketSet::complement) needs no space argument.
#[derive(Clone)]
pub struct PacketSet {
    repr: Repr,
    /// The validity constraint of the space the set belongs to.
    pub(crate) valid: Arc<Bdd>,
}

/// A diagram, or the recipe for one, built on first use (the sets reaching
/// each rule of a long list are large and rarely all needed; see
/// [`analysis`](super::analysis)).
#[derive(Clone)]
enum Repr {
    Ready(Bdd),
    Lazy(Arc<Lazy>),
}

struct Lazy {
    cell: OnceLock<Bdd>,
    make: Box<dyn Fn() -> Bdd + Send + Sync>,
    /// When the set is `raw ∧ valid`: the raw diagram. Against a set of valid
    /// packets `x`, `x ∧ set = x ∧ raw` and `x ∖ set = x ∖ raw`, so those
    /// operations need not build the (larger) conjunction with the validity
    /// constraint, and emptiness is a walk over `raw ∧ valid`.
    raw: Option<PacketSet>,
}

impl PacketSet {
    pub(crate) fn new(bdd: Bdd, valid: Arc<Bdd>) -> PacketSet {
        PacketSet {
            repr: Repr::Ready(bdd),
            valid,
        }
    }

    /// A set computed by `make` when first used; `make` must return a subset of
    /// `valid`.
    pub(crate) fn lazy(make: impl Fn() -> Bdd + Send + Sync + 'static, valid: Arc<Bdd>) -> Self {
        PacketSet {
            repr: Repr::Lazy(Arc::new(Lazy {
                cell: OnceLock::new(),
                make: Box::new(make),
                raw: None,
            })),
            valid,
        }
    }

    /// `raw ∧ valid`, built on first use; `raw` may have invalid packets.
    pub(crate) fn restricted(raw: PacketSet, valid: Arc<Bdd>) -> Self {
        let (r, v) = (raw.clone(), Arc::clone(&valid));
        PacketSet {
            repr: Repr::Lazy(Arc::new(Lazy {
                cell: OnceLock::new(),
                make: Box::new(move || r.bdd().and(&v)),
                raw: Some(raw),
            })),
            valid,
        }
    }

    /// The raw diagram of a [`PacketSet::restricted`] set not built yet.
    fn unbuilt_raw(&self) -> Option<&Bdd> {
        match &self.repr {
            Repr::Lazy(l) if l.cell.get().is_none() => l.raw.as_ref().map(PacketSet::bdd),
            _ => None,
        }
    }

    /// A diagram that agrees with `self` on every valid packet: what an
    /// operation's *other* operand needs, when the first operand is valid.
    pub(crate) fn against_valid(&self) -> &Bdd {
        self.unbuilt_raw().unwrap_or_else(|| self.bdd())
    }

    pub(crate) fn bdd(&self) -> &Bdd {
        match &self.repr {
            Repr::Ready(b) => b,
            Repr::Lazy(l) => l.cell.get_or_init(|| (l.make)()),
        }
    }

    /// Built, and empty (forces nothing).
    pub(crate) fn is_ready_and_empty(&self) -> bool {
        matches!(&self.repr, Repr::Ready(b) if b.is_false())
    }

    /// Same representation (cheap, forces nothing): a sufficient test for equality.
    pub(crate) fn same_repr(&self, other: &PacketSet) -> bool {
        match (&self.repr, &other.repr) {
            (Repr::Lazy(a), Repr::Lazy(b)) => Arc::ptr_eq(a, b),
            (Repr::Ready(a), Repr::Ready(b)) => a == b,
            _ => false,
        }
    }

    fn with(&self, bdd: Bdd) -> PacketSet {
        PacketSet::new(bdd, Arc::clone(&self.valid))
    }

    pub fn union(&self, other: &PacketSet) -> PacketSet {
        self.with(self.bdd().or(other.bdd()))
    }

    pub fn intersect(&self, other: &PacketSet) -> PacketSet {
        let (a, b) = self.operands(other);
        self.with(a.and(b))
    }

    /// For a symmetric operation: one operand exactly, the other as
    /// [`PacketSet::against_valid`] (never both raw: two raw diagrams may share
    /// an invalid packet).
    fn operands<'s>(&'s self, other: &'s PacketSet) -> (&'s Bdd, &'s Bdd) {
        if other.unbuilt_raw().is_some() {
            (self.bdd(), other.against_valid())
        } else {
            (self.against_valid(), other.bdd())
        }
    }

    /// `self ∖ other`. A [`PacketSet::restricted`] set not built yet stays so:
    /// `(raw ∧ valid) ∖ o = (raw ∖ o) ∧ valid` for any `o` that agrees with
    /// `other` on the valid packets, so the difference is taken of the raw
    /// diagram and restricted on first use, instead of first building
    /// `raw ∧ valid`.
    pub fn minus(&self, other: &PacketSet) -> PacketSet {
        if let Some(raw) = self.unbuilt_raw() {
            let rest = PacketSet::new(raw.and_not(other.against_valid()), Arc::clone(&self.valid));
            if rest.bdd().is_false() {
                return rest;
            }
            return PacketSet::restricted(rest, Arc::clone(&self.valid));
        }
        self.with(self.bdd().and_not(other.against_valid()))
    }

    /// Every valid packet not in `self`.
    pub fn complement(&self) -> PacketSet {
        self.with(self.valid.and_not(self.bdd()))
    }

    pub fn is_empty(&self) -> bool {
        match self.unbuilt_raw() {
            Some(raw) => !super::pairs::meet(raw, &self.valid, false),
            None => self.bdd().is_false(),
        }
    }

    /// True when `self` is every valid packet.
    pub fn is_all(&self) -> bool {
        self.valid.and_not(self.bdd()).is_false()
    }

    /// Is every packet of `self` in `other`? Searches for a packet of `self ∖
    /// other` without building that set, and stops at the first one.
    pub fn is_subset_of(&self, other: &PacketSet) -> bool {
        !super::pairs::meet(self.bdd(), other.against_valid(), true)
    }

    /// Do the sets share a packet? Stops at the first shared packet, without
    /// building the intersection.
    pub fn intersects(&self, other: &PacketSet) -> bool {
        let (a, b) = self.operands(other);
        super::pairs::meet(a, b, false)
    }

    /// Same packets (BDDs are canonical up to node order, so this is one XOR).
    pub fn equals(&self, other: &PacketSet) -> bool {
        self.same_repr(other) || self.bdd().xor(other.bdd()).is_false()
    }

    /// Is the concrete packet in the set? (A packet the space cannot represent,
    /// such as one outside a small test layout, is in no set.)
    pub fn contains(&self, space: &Space, p: &Packet) -> bool {
        match space.valuation(p) {
            Some(v) => self.bdd().eval_in(&v),
            None => false,
        }
    }

    /// Size of the decision diagram, for diagnostics and benchmarks.
    pub fn node_count(&self) -> usize {
        self.bdd().size()
    }

    /// Union of many sets, as a balanced tree (much cheaper than a left fold when
    /// the operands are many and the result large). `None` for no operand.
    pub fn union_all(sets: Vec<PacketSet>) -> Option<PacketSet> {
        use rayon::prelude::*;
        let mut layer = sets;
        while layer.len() > 1 {
            let pairs: Vec<(PacketSet, Option<PacketSet>)> = {
                let mut v = Vec::with_capacity(layer.len() / 2 + 1);
                let mut it = layer.into_iter();
                while let Some(a) = it.next() {
                    v.push((a, it.next()));
                }
                v
            };
            layer = pairs
                .into_par_iter()
                .map(|(a, b)| match b {
                    Some(b) => a.union(&b),
                    None => a,
                })
                .collect();
        }
        layer.pop()
    }
}

impl PartialEq for PacketSet {
    fn eq(&self, other: &Self) -> bool {
        self.equals(other)
    }
}

impl fmt::Debug for PacketSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            f.write_str("PacketSet(∅)")
        } else {
            write!(f, "PacketSet({} nodes)", self.bdd().size())
        }
    }
}

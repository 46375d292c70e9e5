//! [`PacketSet`]: an exact set of valid packets, as a BDD over header bits.

use super::Space;
use crate::model::Packet;
use biodivine_lib_bdd::Bdd;
use std::fmt;
use std::sync::Arc;

/// A set of valid packets of one [`Space`]. Sets of different spaces must not be
/// mixed. Every operation stays within the space's valid packets, so
/// [`complement`](PacketSet::complement) needs no space argument.
#[derive(Clone)]
pub struct PacketSet {
    pub(crate) bdd: Bdd,
    /// The validity constraint of the space the set belongs to.
    pub(crate) valid: Arc<Bdd>,
}

impl PacketSet {
    pub(crate) fn new(bdd: Bdd, valid: Arc<Bdd>) -> PacketSet {
        PacketSet { bdd, valid }
    }

    fn with(&self, bdd: Bdd) -> PacketSet {
        PacketSet {
            bdd,
            valid: Arc::clone(&self.valid),
        }
    }

    pub fn union(&self, other: &PacketSet) -> PacketSet {
        self.with(self.bdd.or(&other.bdd))
    }

    pub fn intersect(&self, other: &PacketSet) -> PacketSet {
        self.with(self.bdd.and(&other.bdd))
    }

    /// `self ∖ other`.
    pub fn minus(&self, other: &PacketSet) -> PacketSet {
        self.with(self.bdd.and_not(&other.bdd))
    }

    /// Every valid packet not in `self`.
    pub fn complement(&self) -> PacketSet {
        self.with(self.valid.and_not(&self.bdd))
    }

    pub fn is_empty(&self) -> bool {
        self.bdd.is_false()
    }

    /// True when `self` is every valid packet.
    pub fn is_all(&self) -> bool {
        self.valid.and_not(&self.bdd).is_false()
    }

    pub fn is_subset_of(&self, other: &PacketSet) -> bool {
        self.bdd.and_not(&other.bdd).is_false()
    }

    /// Do the sets share a packet?
    pub fn intersects(&self, other: &PacketSet) -> bool {
        !self.bdd.and(&other.bdd).is_false()
    }

    /// Same packets (BDDs are canonical up to node order, so this is one XOR).
    pub fn equals(&self, other: &PacketSet) -> bool {
        self.bdd == other.bdd || self.bdd.xor(&other.bdd).is_false()
    }

    /// Is the concrete packet in the set? (A packet the space cannot represent,
    /// such as one outside a small test layout, is in no set.)
    pub fn contains(&self, space: &Space, p: &Packet) -> bool {
        match space.valuation(p) {
            Some(v) => self.bdd.eval_in(&v),
            None => false,
        }
    }

    /// Size of the decision diagram, for diagnostics and benchmarks.
    pub fn node_count(&self) -> usize {
        self.bdd.size()
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
            write!(f, "PacketSet({} nodes)", self.bdd.size())
        }
    }
}

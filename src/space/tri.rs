//! [`Tri`]: a three-valued packet set, for matches that depend on conditions
//! fwlint cannot decide (opaque matches, unresolved symbolic keywords).
//!
//! `must` holds the packets that are in the set whatever the undecidable
//! conditions turn out to be, `may` those that are in it for at least one
//! outcome; `must ⊆ may`. Every operation is monotone in both bounds, so any
//! composition stays sound: for each way of resolving the opaque conditions, the
//! real set lies between `must` and `may`.

use super::set::PacketSet;
use super::Space;

/// Equal when both bounds are the same sets.
#[derive(Clone, Debug, PartialEq)]
pub struct Tri {
    pub must: PacketSet,
    pub may: PacketSet,
}

impl Tri {
    /// A set known exactly.
    pub fn exact(s: PacketSet) -> Tri {
        Tri {
            must: s.clone(),
            may: s,
        }
    }

    /// Nothing is known: `must = ∅`, `may = all`.
    pub fn unknown(space: &Space) -> Tri {
        Tri {
            must: space.none(),
            may: space.all(),
        }
    }

    pub fn none(space: &Space) -> Tri {
        Tri::exact(space.none())
    }

    pub fn all(space: &Space) -> Tri {
        Tri::exact(space.all())
    }

    /// True when the bounds coincide (structurally: cheap, may say `false` for
    /// equal sets built along different paths; see [`Tri::is_exact`]).
    pub(crate) fn is_trivially_exact(&self) -> bool {
        self.must.same_repr(&self.may)
    }

    /// True when `must` and `may` are the same set.
    pub fn is_exact(&self) -> bool {
        self.must.equals(&self.may)
    }

    pub fn and(&self, o: &Tri) -> Tri {
        if self.is_trivially_exact() && o.is_trivially_exact() {
            return Tri::exact(self.must.intersect(&o.must));
        }
        Tri {
            must: self.must.intersect(&o.must),
            may: self.may.intersect(&o.may),
        }
    }

    pub fn or(&self, o: &Tri) -> Tri {
        if self.is_trivially_exact() && o.is_trivially_exact() {
            return Tri::exact(self.must.union(&o.must));
        }
        Tri {
            must: self.must.union(&o.must),
            may: self.may.union(&o.may),
        }
    }

    /// Negation within the valid packets: `must' = ¬may`, `may' = ¬must`.
    pub fn not(&self) -> Tri {
        if self.is_trivially_exact() {
            return Tri::exact(self.must.complement());
        }
        Tri {
            must: self.may.complement(),
            may: self.must.complement(),
        }
    }

    /// `self ∧ ¬o`.
    pub fn minus(&self, o: &Tri) -> Tri {
        if self.is_trivially_exact() && o.is_trivially_exact() {
            return Tri::exact(self.must.minus(&o.must));
        }
        Tri {
            must: self.must.minus(&o.may),
            may: self.may.minus(&o.must),
        }
    }

    /// Restrict both bounds to an exactly known set.
    pub fn restrict(&self, s: &PacketSet) -> Tri {
        if self.is_trivially_exact() {
            return Tri::exact(self.must.intersect(s));
        }
        Tri {
            must: self.must.intersect(s),
            may: self.may.intersect(s),
        }
    }

    /// True when even the upper bound is empty.
    pub fn is_empty(&self) -> bool {
        self.may.is_empty()
    }
}

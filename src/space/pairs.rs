//! Emptiness tests of `a ∧ b` and `a ∧ ¬b` that build no diagram: a
//! depth-first walk over pairs of nodes that stops at the first path to a
//! member. `intersects` and `is_subset_of` ask only this, and on large sets a
//! full `and`/`and_not` (a new diagram, hash tables and all) costs many times
//! more, above all when the answer is found early.

use biodivine_lib_bdd::{Bdd, BddPointer};
use std::cell::RefCell;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// A multiplicative hash of one `u64` (the pair of node indices): the keys are
/// not attacker-chosen, and SipHash would dominate the walk.
#[derive(Default)]
struct PairHasher(u64);

impl Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (x ^ (x >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type PairSet = HashSet<u64, BuildHasherDefault<PairHasher>>;

thread_local! {
    /// The walk's visited pairs and stack, kept between calls: most walks are
    /// short, and allocating (and growing) a table for each one cost more than
    /// the walk itself.
    static SCRATCH: RefCell<(PairSet, Vec<(BddPointer, BddPointer)>)> =
        RefCell::new((PairSet::default(), Vec::new()));
}

/// Is `a ∧ b` (or `a ∧ ¬b` with `negate_b`) non-empty?
pub(crate) fn meet(a: &Bdd, b: &Bdd, negate_b: bool) -> bool {
    if a.is_false() {
        return false;
    }
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut s) => {
            let (seen, stack) = &mut *s;
            seen.clear();
            stack.clear();
            let found = walk(a, b, negate_b, seen, stack);
            // Do not keep a huge table for every later walk.
            if seen.capacity() > 1 << 20 {
                *seen = PairSet::default();
            }
            found
        }
        Err(_) => walk(a, b, negate_b, &mut PairSet::default(), &mut Vec::new()),
    })
}

fn walk(
    a: &Bdd,
    b: &Bdd,
    negate_b: bool,
    seen: &mut PairSet,
    stack: &mut Vec<(BddPointer, BddPointer)>,
) -> bool {
    // Terminal pointers: 0 is false, 1 is true.
    let b_true = |p: &BddPointer| if negate_b { p.is_zero() } else { p.is_one() };
    let b_false = |p: &BddPointer| if negate_b { p.is_one() } else { p.is_zero() };
    stack.push((a.root_pointer(), b.root_pointer()));
    while let Some((pa, pb)) = stack.pop() {
        if pa.is_zero() || b_false(&pb) {
            continue;
        }
        // One side takes every packet below here and the other is not empty:
        // a member. (Diagrams are reduced, so a non-terminal node has members
        // and non-members below it, and the walk need not go down to a leaf.)
        if pa.is_one() || b_true(&pb) {
            return true;
        }
        let key = ((pa.to_index() as u64) << 32) | pb.to_index() as u64;
        if !seen.insert(key) {
            continue;
        }
        let va = if pa.is_terminal() {
            usize::MAX
        } else {
            a.var_of(pa).to_index()
        };
        let vb = if pb.is_terminal() {
            usize::MAX
        } else {
            b.var_of(pb).to_index()
        };
        let v = va.min(vb);
        let (a_lo, a_hi) = if va == v {
            (a.low_link_of(pa), a.high_link_of(pa))
        } else {
            (pa, pa)
        };
        let (b_lo, b_hi) = if vb == v {
            (b.low_link_of(pb), b.high_link_of(pb))
        } else {
            (pb, pb)
        };
        stack.push((a_hi, b_hi));
        stack.push((a_lo, b_lo));
    }
    false
}

//! Field → BDD-variable layout: which bits of the packet header each BDD
//! variable stands for, and the cube/range builders over one field.
//!
//! # Variable order
//!
//! Fields are laid out in this order, each with its most significant bit first:
//!
//! 1. `family` (1 bit: 0 = IPv4, 1 = IPv6),
//! 2. `protocol` (8 bits),
//! 3. destination address (128 bits),
//! 4. destination port (16 bits),
//! 5. source address (128 bits),
//! 6. source port (16 bits),
//! 7. ICMP type and code (8 bits each),
//! 8. TCP flags (8 bits),
//! 9. ct state (3 bits, an index into [`CtStates::NAMES`](crate::model::CtStates::NAMES)),
//! 10. input and output interface ids (as few bits as the interned names need).
//!
//! Why: the validity constraint has implications *from* the family (IPv4 ⇒ the
//! upper 96 address bits are 0) and *from* the protocol (no ports ⇒ ports are 0,
//! not ICMP ⇒ type/code are 0, not TCP ⇒ flags are 0); putting the antecedents above the fields they
//! constrain keeps that constraint, and every set intersected with it, linear in
//! size instead of doubling per pair. Destination before source because rule
//! sets are mostly organised by service (destination address and port): rules
//! that share a destination share the top of the diagram. The destination port
//! follows the destination address so that "service" cubes stay compact, and
//! fields no rule of a typical ACL mentions (ICMP, TCP flags, ct, interfaces)
//! are last,
//! where an unconstrained field costs no nodes at all. High-order bits first
//! within a field makes a prefix a path of `len` nodes and a range at most
//! `2·width` nodes.

use biodivine_lib_bdd::{
    Bdd, BddNode, BddPartialValuation, BddPointer, BddVariable, BddVariableSet,
};

/// A header field of the layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Field {
    Family,
    Protocol,
    DstAddr,
    DstPort,
    SrcAddr,
    SrcPort,
    IcmpType,
    IcmpCode,
    TcpFlags,
    Ct,
    InIface,
    OutIface,
}

impl Field {
    pub(crate) const ALL: [Field; 12] = [
        Field::Family,
        Field::Protocol,
        Field::DstAddr,
        Field::DstPort,
        Field::SrcAddr,
        Field::SrcPort,
        Field::IcmpType,
        Field::IcmpCode,
        Field::TcpFlags,
        Field::Ct,
        Field::InIface,
        Field::OutIface,
    ];
    fn index(self) -> usize {
        self as usize
    }
}

/// Widths of the fields; everything else follows from them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Widths {
    pub addr: u32,
    pub port: u32,
    pub icmp: u32,
    pub flags: u32,
    pub iface: u32,
}

impl Widths {
    /// The real header widths.
    pub(crate) fn full(iface: u32) -> Widths {
        Widths {
            addr: 128,
            port: 16,
            icmp: 8,
            flags: 8,
            iface,
        }
    }
}

/// Where each field's bits live.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    /// `(first variable index, width)` per field, indexed by `Field as usize`.
    fields: [(u16, u16); 12],
    num_vars: u16,
}

impl Layout {
    pub(crate) fn new(widths: Widths) -> Layout {
        let mut fields = [(0u16, 0u16); 12];
        let mut next: u32 = 0;
        for f in Field::ALL {
            let w = match f {
                Field::Family => 1,
                Field::Protocol => 8,
                Field::DstAddr | Field::SrcAddr => widths.addr,
                Field::DstPort | Field::SrcPort => widths.port,
                Field::IcmpType | Field::IcmpCode => widths.icmp,
                Field::TcpFlags => widths.flags,
                Field::Ct => 3,
                Field::InIface | Field::OutIface => widths.iface,
            };
            fields[f.index()] = (next as u16, w as u16);
            next += w;
        }
        Layout {
            fields,
            num_vars: next as u16,
        }
    }

    pub(crate) fn num_vars(&self) -> u16 {
        self.num_vars
    }

    pub(crate) fn width(&self, f: Field) -> u32 {
        self.fields[f.index()].1 as u32
    }

    /// The variable of bit `i` of field `f`, counting from the least significant bit.
    pub(crate) fn bit(&self, f: Field, i: u32) -> BddVariable {
        let (first, width) = self.fields[f.index()];
        debug_assert!(i < width as u32);
        BddVariable::from_index(first as usize + width as usize - 1 - i as usize)
    }

    /// The variables of `f`, most significant first.
    pub(crate) fn vars(&self, f: Field) -> Vec<BddVariable> {
        let (first, width) = self.fields[f.index()];
        (first..first + width)
            .map(|v| BddVariable::from_index(v as usize))
            .collect()
    }

    /// Largest value the field holds.
    pub(crate) fn max(&self, f: Field) -> u128 {
        let w = self.width(f);
        if w >= 128 {
            u128::MAX
        } else {
            (1u128 << w) - 1
        }
    }

    /// The bits of `care` inside field `f`'s width, or `None` when "`f`
    /// equals `value` on the bits of `care`" cannot hold (a cared bit above
    /// the width is 1 in `value`).
    fn cared_bits(&self, f: Field, value: u128, care: u128) -> Option<u128> {
        let width = self.width(f);
        if width >= 128 {
            return Some(care);
        }
        let care_in = care & ((1u128 << width) - 1);
        ((care & !care_in) & value == 0).then_some(care_in)
    }

    /// Field `f` equals `value` on the bits set in `care` (bits of `care` above the
    /// field's width must be 0 in `value`, else the set is empty).
    ///
    /// Built node by node: a chain of one node per cared bit, the lowest bit
    /// first (children before parents), each with `false` on the other side.
    pub(crate) fn masked(&self, vars: &BddVariableSet, f: Field, value: u128, care: u128) -> Bdd {
        let Some(care_in) = self.cared_bits(f, value, care) else {
            return vars.mk_false();
        };
        if care_in == 0 {
            return vars.mk_true();
        }
        let mut nodes = Vec::with_capacity(care_in.count_ones() as usize + 2);
        nodes.push(BddNode::mk_zero(vars.num_vars()));
        nodes.push(BddNode::mk_one(vars.num_vars()));
        let mut below = BddPointer::one();
        let mut rest = care_in;
        while rest != 0 {
            let i = rest.trailing_zeros();
            rest &= rest - 1;
            let node = if (value >> i) & 1 == 1 {
                BddNode::mk_node(self.bit(f, i), BddPointer::zero(), below)
            } else {
                BddNode::mk_node(self.bit(f, i), below, BddPointer::zero())
            };
            nodes.push(node);
            below = BddPointer::from_index(nodes.len() - 1);
        }
        Bdd::from_nodes(&nodes).expect("a chain of literals is a well-formed diagram")
    }

    /// [`Layout::masked`] through a [`Cube`], for the tests that compare the two.
    #[cfg(test)]
    pub(crate) fn masked_by_cube(
        &self,
        vars: &BddVariableSet,
        f: Field,
        value: u128,
        care: u128,
    ) -> Bdd {
        let mut cube = Cube::default();
        if !cube.masked(self, f, value, care) {
            return vars.mk_false();
        }
        cube.build(vars)
    }

    /// Field `f` equals `value` (values wider than the field give the empty set).
    pub(crate) fn eq(&self, vars: &BddVariableSet, f: Field, value: u128) -> Bdd {
        self.masked(vars, f, value, u128::MAX)
    }

    /// `lo <= f <= hi`, exactly (see [`Layout::intervals`]).
    pub(crate) fn range(&self, vars: &BddVariableSet, f: Field, lo: u128, hi: u128) -> Bdd {
        self.intervals(vars, f, &[(lo, hi)])
    }

    /// Field `f` in any of the closed intervals `ranges` (values beyond the
    /// field are clipped), built node by node: no diagram operation, and no
    /// `or` per interval or aligned block. The field's bits are consecutive
    /// variables, most significant first, so the set is the binary trie of
    /// the values, reduced: a block of values wholly inside an interval is
    /// `true`, one outside every interval `false`, and only the blocks that
    /// an interval's end cuts get a node (at most two per interval and bit).
    pub(crate) fn intervals(
        &self,
        vars: &BddVariableSet,
        f: Field,
        ranges: &[(u128, u128)],
    ) -> Bdd {
        let max = self.max(f);
        let mut iv: Vec<(u128, u128)> = ranges
            .iter()
            .filter(|&&(lo, hi)| lo <= hi && lo <= max)
            .map(|&(lo, hi)| (lo, hi.min(max)))
            .collect();
        iv.sort_unstable();
        // Merge overlapping and adjacent intervals.
        let mut merged: Vec<(u128, u128)> = Vec::with_capacity(iv.len());
        for (lo, hi) in iv {
            match merged.last_mut() {
                Some((_, h)) if *h == u128::MAX || lo <= *h + 1 => *h = (*h).max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        let mut b = Trie {
            layout: self,
            field: f,
            width: self.width(f),
            iv: &merged,
            nodes: vec![
                BddNode::mk_zero(vars.num_vars()),
                BddNode::mk_one(vars.num_vars()),
            ],
            unique: std::collections::HashMap::new(),
        };
        let root = b.block(0, 0);
        if root.is_zero() {
            vars.mk_false()
        } else if root.is_one() {
            vars.mk_true()
        } else {
            Bdd::from_nodes(&b.nodes).expect("a trie of intervals is a well-formed diagram")
        }
    }

    /// `lo <= f <= hi` as a union of aligned blocks (prefix cubes), one `or`
    /// each: the construction [`Layout::intervals`] replaces, kept for the
    /// tests that compare the two.
    #[cfg(test)]
    pub(crate) fn range_by_cubes(
        &self,
        vars: &BddVariableSet,
        f: Field,
        lo: u128,
        hi: u128,
    ) -> Bdd {
        let max = self.max(f);
        let hi = hi.min(max);
        if lo > hi {
            return vars.mk_false();
        }
        if lo == 0 && hi == max {
            return vars.mk_true();
        }
        let width = self.width(f);
        let mut out: Option<Bdd> = None;
        let mut cur = lo;
        loop {
            // Largest aligned block starting at `cur` that stays within `hi`.
            let mut k = cur.trailing_zeros().min(width);
            while k > 0 && block_end(cur, k) > hi {
                k -= 1;
            }
            let care = if k >= 128 {
                0
            } else {
                max & !((1u128 << k) - 1)
            };
            let cube = self.masked(vars, f, cur, care);
            out = Some(match out {
                None => cube,
                Some(b) => b.or(&cube),
            });
            let end = block_end(cur, k);
            if end >= hi {
                break;
            }
            cur = end + 1;
        }
        out.unwrap_or_else(|| vars.mk_false())
    }
}

/// The reduced trie of [`Layout::intervals`], built bottom-up (children are
/// stored before their parents, as [`Bdd::from_nodes`] wants).
struct Trie<'a> {
    layout: &'a Layout,
    field: Field,
    width: u32,
    /// Sorted, disjoint, non-adjacent intervals within the field.
    iv: &'a [(u128, u128)],
    nodes: Vec<BddNode>,
    /// `(variable, low, high)` → node index, once the nodes are many.
    unique: std::collections::HashMap<(BddVariable, BddPointer, BddPointer), usize>,
}

impl Trie<'_> {
    /// The block of values sharing bits above `depth` (counting from the most
    /// significant) with `start`, whose lower bits are 0.
    fn block(&mut self, depth: u32, start: u128) -> BddPointer {
        let bits = self.width - depth;
        let end = block_end(start, bits);
        // The first interval that ends at or after the block's start.
        let i = self.iv.partition_point(|&(_, hi)| hi < start);
        match self.iv.get(i) {
            None => return BddPointer::zero(),
            Some(&(lo, _)) if lo > end => return BddPointer::zero(),
            Some(&(lo, hi)) if lo <= start && hi >= end => return BddPointer::one(),
            _ => {}
        }
        // Partly covered: then the block has at least two values.
        let half = 1u128 << (bits - 1);
        let low = self.block(depth + 1, start);
        let high = self.block(depth + 1, start | half);
        if low == high {
            return low;
        }
        let var = self.layout.bit(self.field, bits - 1);
        // No two nodes alike (a reduced diagram). Nodes are few for a few
        // intervals (at most two per interval and bit): a scan finds a twin;
        // past `SCAN` nodes, a table.
        const SCAN: usize = 64;
        let twin = if self.nodes.len() <= SCAN {
            self.nodes
                .iter()
                .skip(2)
                .position(|n| n.var == var && n.low_link == low && n.high_link == high)
                .map(|i| BddPointer::from_index(i + 2))
        } else {
            if self.unique.is_empty() {
                for (i, n) in self.nodes.iter().enumerate().skip(2) {
                    self.unique.insert((n.var, n.low_link, n.high_link), i);
                }
            }
            self.unique
                .get(&(var, low, high))
                .map(|&i| BddPointer::from_index(i))
        };
        if let Some(p) = twin {
            return p;
        }
        self.nodes.push(BddNode::mk_node(var, low, high));
        let i = self.nodes.len() - 1;
        if !self.unique.is_empty() {
            self.unique.insert((var, low, high), i);
        }
        BddPointer::from_index(i)
    }
}

/// Last value of the aligned block of `2^k` values starting at `start`.
fn block_end(start: u128, k: u32) -> u128 {
    if k >= 128 {
        u128::MAX
    } else {
        start | ((1u128 << k) - 1)
    }
}

/// A conjunction of literals, built into a BDD in one pass.
#[derive(Default)]
pub(crate) struct Cube {
    lits: BddPartialValuation,
}

impl Cube {
    /// Add "field `f` equals `value` on the bits of `care`". Returns false when
    /// the constraint cannot hold (a cared bit above the field's width is 1).
    pub(crate) fn masked(&mut self, layout: &Layout, f: Field, value: u128, care: u128) -> bool {
        let Some(care_in) = layout.cared_bits(f, value, care) else {
            return false;
        };
        let mut rest = care_in;
        while rest != 0 {
            let i = rest.trailing_zeros();
            rest &= rest - 1;
            self.lits.set_value(layout.bit(f, i), (value >> i) & 1 == 1);
        }
        true
    }

    pub(crate) fn build(&self, vars: &BddVariableSet) -> Bdd {
        vars.mk_conjunctive_clause(&self.lits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> (Layout, BddVariableSet) {
        let l = Layout::new(Widths {
            addr: 4,
            port: 4,
            icmp: 2,
            flags: 2,
            iface: 0,
        });
        let v = BddVariableSet::new_anonymous(l.num_vars());
        (l, v)
    }

    #[test]
    fn order_and_widths() {
        let l = Layout::new(Widths::full(2));
        assert_eq!(l.num_vars(), 1 + 8 + 128 + 16 + 128 + 16 + 16 + 8 + 3 + 4);
        // MSB of the protocol comes right after the family bit.
        assert_eq!(l.bit(Field::Protocol, 7).to_index(), 1);
        assert_eq!(l.bit(Field::Protocol, 0).to_index(), 8);
        assert_eq!(l.bit(Field::DstAddr, 127).to_index(), 9);
    }

    #[test]
    fn ranges_count_exactly() {
        let (l, v) = small();
        let per = 2f64.powi(l.num_vars() as i32 - 4);
        for lo in 0..16u128 {
            for hi in 0..16u128 {
                let b = l.range(&v, Field::DstPort, lo, hi);
                let want = if lo > hi { 0 } else { hi - lo + 1 };
                assert_eq!(b.cardinality() / per, want as f64, "{lo}-{hi}");
            }
        }
        // Out-of-field values are clipped.
        assert!(l.range(&v, Field::DstPort, 16, 100).is_false());
        assert!(l.range(&v, Field::DstPort, 0, 1000).is_true());
        assert!(l.eq(&v, Field::DstPort, 16).is_false());
    }

    /// The node-by-node trie is exactly the union of the intervals' aligned
    /// blocks, for every interval and for sets of intervals (overlapping,
    /// adjacent, out of order, beyond the field).
    #[test]
    fn intervals_equal_the_union_of_cubes() {
        let (l, v) = small();
        let cubes = |iv: &[(u128, u128)]| {
            iv.iter().fold(v.mk_false(), |acc, &(lo, hi)| {
                acc.or(&l.range_by_cubes(&v, Field::DstPort, lo, hi))
            })
        };
        for lo in 0..18u128 {
            for hi in 0..18u128 {
                let b = l.intervals(&v, Field::DstPort, &[(lo, hi)]);
                assert!(b.xor(&cubes(&[(lo, hi)])).is_false(), "{lo}-{hi}");
            }
        }
        let mut seed = 0x1234_5678_9abc_def0u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as u128
        };
        for _ in 0..2_000 {
            let iv: Vec<(u128, u128)> = (0..next(5)).map(|_| (next(18), next(18))).collect();
            let b = l.intervals(&v, Field::DstPort, &iv);
            assert!(b.xor(&cubes(&iv)).is_false(), "{iv:?}");
            // Reduced: as small as the diagram the operations build.
            assert_eq!(b.size(), cubes(&iv).size(), "{iv:?}");
        }
        // Full-width fields: a 128-bit address range, and ports at full width.
        let full = Layout::new(Widths::full(0));
        let fv = BddVariableSet::new_anonymous(full.num_vars());
        for (lo, hi) in [
            (1, u128::MAX),
            (5, 1 << 100),
            (0, 0),
            (u128::MAX, u128::MAX),
        ] {
            let a = full.intervals(&fv, Field::SrcAddr, &[(lo, hi)]);
            assert!(a
                .xor(&full.range_by_cubes(&fv, Field::SrcAddr, lo, hi))
                .is_false());
        }
        for (lo, hi) in [(1, 1023), (1024, 65535), (80, 80), (49152, 70000)] {
            let a = full.intervals(&fv, Field::DstPort, &[(lo, hi)]);
            assert!(a
                .xor(&full.range_by_cubes(&fv, Field::DstPort, lo, hi))
                .is_false());
        }
        // Many intervals: past the scan, the table of nodes finds the twins.
        for n in [10, 60, 300] {
            let iv: Vec<(u128, u128)> = (0..n)
                .map(|_| {
                    let lo = next(65536);
                    (lo, lo + next(4) * next(300))
                })
                .collect();
            let a = full.intervals(&fv, Field::DstPort, &iv);
            let b = iv.iter().fold(fv.mk_false(), |acc, &(lo, hi)| {
                acc.or(&full.range_by_cubes(&fv, Field::DstPort, lo, hi))
            });
            assert!(a.xor(&b).is_false(), "{n} intervals");
            assert_eq!(a.size(), b.size(), "{n} intervals");
        }
    }

    /// The chain of literals is the cube, on small and full-width fields,
    /// contiguous and non-contiguous masks, and values beyond the field.
    #[test]
    fn masked_chain_equals_the_cube() {
        let (l, v) = small();
        for value in 0..40u128 {
            for care in 0..40u128 {
                let a = l.masked(&v, Field::SrcAddr, value, care);
                let b = l.masked_by_cube(&v, Field::SrcAddr, value, care);
                assert!(a.xor(&b).is_false(), "{value} {care}");
                assert_eq!(a.size(), b.size(), "{value} {care}");
            }
        }
        let full = Layout::new(Widths::full(0));
        let fv = BddVariableSet::new_anonymous(full.num_vars());
        for (f, value, care) in [
            (Field::DstAddr, 0x0a00_0000u128, 0xff00_0000u128),
            (Field::DstAddr, 0x0a01_0203, 0xffff_ffff),
            (Field::SrcAddr, 0x0a00_0005, 0xff00_00ff),
            (Field::SrcAddr, u128::MAX, u128::MAX),
            (Field::DstPort, 80, u128::MAX),
            (Field::DstPort, 1 << 20, u128::MAX),
            (Field::Protocol, 6, 0xff),
        ] {
            let a = full.masked(&fv, f, value, care);
            let b = full.masked_by_cube(&fv, f, value, care);
            assert!(a.xor(&b).is_false(), "{f:?} {value} {care}");
            assert_eq!(a.size(), b.size(), "{f:?} {value} {care}");
        }
    }

    #[test]
    fn full_width_range() {
        let l = Layout::new(Widths::full(0));
        let v = BddVariableSet::new_anonymous(l.num_vars());
        let b = l.range(&v, Field::SrcAddr, 1, u128::MAX);
        assert!(!b.is_true());
        let z = l.eq(&v, Field::SrcAddr, 0);
        assert!(b.and(&z).is_false());
        assert!(b.or(&z).is_true());
    }
}

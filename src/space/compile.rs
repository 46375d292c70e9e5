//! Conditions and matches → three-valued packet sets.
//!
//! Header conditions compile exactly (`must == may`); `Opaque` and unresolved
//! `Symbolic` conditions give `must = ∅, may = all`; `Not` swaps the bounds
//! (complemented within the valid packets), conjunctions and `AnyOf` compose
//! componentwise. Port, ICMP and TCP flags conditions imply their protocols by
//! construction.

use super::layout::Field;
use super::{PacketSet, Space, Tri};
use crate::model::eval::Symbols;
use crate::model::rule::SymbolicField;
use crate::model::{Cond, Match, Rule};
use biodivine_lib_bdd::Bdd;
use std::collections::HashMap;
use std::sync::Arc;

/// The fast path for matches that are a product of per-field sets (most
/// rules).
mod per_field {
    use super::super::builders::{ICMP_PROTOS, PORT_PROTOS};
    use super::super::layout::Field;
    use super::super::Space;
    use crate::model::values::proto;
    use crate::model::{AddrPattern, Cond, Family, Match};
    use biodivine_lib_bdd::{Bdd, BddNode, BddPointer};

    /// The match as a product of one set per header field (a protocol, one
    /// family's addresses, port ranges, ct states), each built over its own
    /// field's variables and spliced below the previous one (the fields
    /// occupy consecutive blocks of variables, in [`Field::ALL`] order), so
    /// that the conjunction takes no diagram operation at all: exactly the
    /// diagram the general path builds (diagrams are canonical). `None` when a
    /// condition is not of that form (addresses of both families, interfaces,
    /// negations, alternatives, symbols, opaque conditions).
    pub(super) fn match_bdd(space: &Space, m: &Match) -> Option<Bdd> {
        let l = space.layout();
        let vars = space.vars();
        let mut families = 3u8;
        let mut protocols = [u128::MAX; 2];
        // The fields after the protocol up to the ct state, in layout order
        // (`Field::ALL`: consecutive discriminants).
        const FIRST: usize = Field::DstAddr as usize;
        const LATER: usize = Field::Ct as usize - FIRST + 1;
        let mut fields: [Option<Bdd>; LATER] = Default::default();
        let mut constrain = |f: Field, b: Bdd| {
            let i = f as usize - FIRST;
            fields[i] = Some(match fields[i].take() {
                None => b,
                Some(a) => a.and(&b),
            });
        };
        let family_bit = |f: Family| match f {
            Family::Ipv4 => 1u8,
            Family::Ipv6 => 2,
        };
        for c in &m.conds {
            match c {
                Cond::Family(f) => families &= family_bit(*f),
                Cond::Protocol(r) => {
                    let values = r
                        .ranges()
                        .iter()
                        .flat_map(|&(a, b)| a..=b.min(255))
                        .map(|p| p as u8);
                    protocols = meet(protocols, bits(values));
                }
                // Without the flags field: the general path's answer.
                Cond::TcpFlags(_) if !space.has_tcp_flags() => return None,
                Cond::SrcPort(r)
                | Cond::DstPort(r)
                | Cond::IcmpType(r)
                | Cond::IcmpCode(r)
                | Cond::TcpFlags(r) => {
                    let (f, ps): (Field, &[u8]) = match c {
                        Cond::SrcPort(_) => (Field::SrcPort, &PORT_PROTOS),
                        Cond::DstPort(_) => (Field::DstPort, &PORT_PROTOS),
                        Cond::IcmpType(_) => (Field::IcmpType, &ICMP_PROTOS),
                        Cond::IcmpCode(_) => (Field::IcmpCode, &ICMP_PROTOS),
                        _ => (Field::TcpFlags, &[proto::TCP]),
                    };
                    protocols = meet(protocols, bits(ps.iter().copied()));
                    constrain(f, space.ranges(f, r));
                }
                Cond::SrcAddr(p) | Cond::DstAddr(p) => {
                    let f = if matches!(c, Cond::SrcAddr(_)) {
                        Field::SrcAddr
                    } else {
                        Field::DstAddr
                    };
                    let Some(family) = p.first().map(AddrPattern::family) else {
                        return Some(vars.mk_false());
                    };
                    if p.iter().any(|q| q.family() != family) {
                        return None;
                    }
                    families &= family_bit(family);
                    let set = p
                        .iter()
                        .map(|q| space.addr_field(f, q))
                        .reduce(|a, b| a.or(&b))
                        .unwrap_or_else(|| vars.mk_false());
                    constrain(f, set);
                }
                Cond::CtState(st) => constrain(Field::Ct, space.raw_ct(*st)),
                _ => return None,
            }
        }
        let family = match families {
            0 => return Some(vars.mk_false()),
            3 => None,
            f => Some(l.eq(vars, Field::Family, (f >> 1) as u128)),
        };
        let protocol = (protocols != [u128::MAX; 2]).then(|| {
            let values = (0..=255u128)
                .filter(|&p| protocols[(p >> 7) as usize] & (1 << (p & 127)) != 0)
                .map(|p| (p, p));
            l.intervals(vars, Field::Protocol, &values.collect::<Vec<_>>())
        });
        let mut parts: Vec<Bdd> = family.into_iter().chain(protocol).collect();
        parts.extend(fields.into_iter().flatten());
        Some(splice(vars.num_vars(), &parts))
    }

    /// A set of protocol numbers as a bitmap.
    fn bits(values: impl Iterator<Item = u8>) -> [u128; 2] {
        let mut out = [0u128; 2];
        for p in values {
            out[(p >> 7) as usize] |= 1 << (p & 127);
        }
        out
    }

    fn meet(a: [u128; 2], b: [u128; 2]) -> [u128; 2] {
        [a[0] & b[0], a[1] & b[1]]
    }

    /// The conjunction of diagrams over consecutive blocks of variables, in
    /// order: each one's `true` leaf becomes the root of the next.
    fn splice(num_vars: u16, parts: &[Bdd]) -> Bdd {
        let mut nodes = vec![BddNode::mk_zero(num_vars), BddNode::mk_one(num_vars)];
        let mut root = BddPointer::one();
        for part in parts.iter().rev() {
            if part.is_false() {
                nodes.truncate(1);
                root = BddPointer::zero();
                break;
            }
            let offset = nodes.len() - 2;
            let map = |q: BddPointer| {
                if q.is_zero() {
                    q
                } else if q.is_one() {
                    root
                } else {
                    BddPointer::from_index(q.to_index() + offset)
                }
            };
            for i in 2..part.size() {
                let p = BddPointer::from_index(i);
                nodes.push(BddNode::mk_node(
                    part.var_of(p),
                    map(part.low_link_of(p)),
                    map(part.high_link_of(p)),
                ));
            }
            if part.size() > 2 {
                root = BddPointer::from_index(nodes.len() - 1);
            }
        }
        debug_assert!(root.is_terminal() || root.to_index() == nodes.len() - 1);
        Bdd::from_nodes(&nodes).expect("a spliced diagram is well formed")
    }
}

/// Symbols resolving to symbols: stop (as opaque) past this depth.
const MAX_SYMBOL_DEPTH: u32 = 16;

/// Where compiled sets live: the valid packets (public API), or the raw
/// Boolean space (analysis: no validity constraint until the end, which keeps
/// every intermediate diagram small; restricting to the valid packets commutes
/// with every Boolean operation, so the final result is the same).
pub(crate) struct Universe<'s> {
    pub space: &'s Space,
    valid: Arc<Bdd>,
    raw: bool,
}

impl<'s> Universe<'s> {
    pub(crate) fn valid(space: &'s Space) -> Self {
        Universe {
            space,
            valid: Arc::clone(&space.valid),
            raw: false,
        }
    }

    pub(crate) fn raw(space: &'s Space) -> Self {
        Universe {
            space,
            valid: Arc::new(space.vars().mk_true()),
            raw: true,
        }
    }

    pub(crate) fn set(&self, b: Bdd) -> PacketSet {
        let b = if self.raw { b } else { b.and(&self.valid) };
        PacketSet::new(b, Arc::clone(&self.valid))
    }

    pub(crate) fn exact(&self, b: Bdd) -> Tri {
        Tri::exact(self.set(b))
    }

    pub(crate) fn none(&self) -> Tri {
        Tri::exact(PacketSet::new(
            self.space.vars().mk_false(),
            Arc::clone(&self.valid),
        ))
    }

    pub(crate) fn all(&self) -> Tri {
        Tri::exact(PacketSet::new(
            (*self.valid).clone(),
            Arc::clone(&self.valid),
        ))
    }

    pub(crate) fn unknown(&self) -> Tri {
        Tri {
            must: self.none().must,
            may: self.all().may,
        }
    }

    /// A raw set restricted to the valid packets, as the public API hands
    /// out, deferred to the first use of each bound.
    pub(crate) fn finish(&self, t: &Tri) -> Tri {
        let lazy = |s: &PacketSet| {
            if !self.raw || Arc::ptr_eq(&s.valid, &self.space.valid) {
                return s.clone();
            }
            // Forcing a lazy set would do this much; an empty one needs nothing.
            if s.is_ready_and_empty() {
                return self.space.none();
            }
            PacketSet::restricted(s.clone(), Arc::clone(&self.space.valid))
        };
        if t.is_trivially_exact() {
            Tri::exact(lazy(&t.must))
        } else {
            Tri {
                must: lazy(&t.must),
                may: lazy(&t.may),
            }
        }
    }
}

pub(crate) fn compile_match(u: &Universe, m: &Match, symbols: &dyn Symbols, depth: u32) -> Tri {
    if let Some(b) = per_field::match_bdd(u.space, m) {
        debug_assert!(
            {
                let general = conjunction(u, m, symbols, depth);
                general.is_trivially_exact()
                    && general
                        .must
                        .bdd()
                        .xor(&u.exact(b.clone()).must.bdd().clone())
                        .is_false()
            },
            "the per-field path and the conjunction disagree on {m:?}"
        );
        return u.exact(b);
    }
    conjunction(u, m, symbols, depth)
}

/// The general path: the conjunction of the conditions' diagrams.
fn conjunction(u: &Universe, m: &Match, symbols: &dyn Symbols, depth: u32) -> Tri {
    let mut acc: Option<Tri> = None;
    for c in &m.conds {
        let t = compile_cond(u, c, symbols, depth);
        acc = Some(match acc {
            None => t,
            Some(a) => a.and(&t),
        });
        if acc.as_ref().is_some_and(Tri::is_empty) {
            break;
        }
    }
    acc.unwrap_or_else(|| u.all())
}

pub(crate) fn compile_cond(u: &Universe, c: &Cond, symbols: &dyn Symbols, depth: u32) -> Tri {
    let s = u.space;
    match c {
        Cond::Family(f) => u.exact(s.raw_family(*f)),
        Cond::Protocol(r) => u.exact(s.raw_protocol(r)),
        Cond::SrcAddr(p) => u.exact(s.raw_addr(Field::SrcAddr, p)),
        Cond::DstAddr(p) => u.exact(s.raw_addr(Field::DstAddr, p)),
        Cond::SrcPort(r) => u.exact(s.raw_l4(Field::SrcPort, r)),
        Cond::DstPort(r) => u.exact(s.raw_l4(Field::DstPort, r)),
        Cond::IcmpType(r) => u.exact(s.raw_l4(Field::IcmpType, r)),
        Cond::IcmpCode(r) => u.exact(s.raw_l4(Field::IcmpCode, r)),
        // A space without the flags field (`Space::for_rulesets` saw no
        // flags condition) cannot tell: unknown, never a wrong exact answer.
        Cond::TcpFlags(_) if !s.has_tcp_flags() => u.unknown(),
        Cond::TcpFlags(r) => u.exact(s.raw_l4(Field::TcpFlags, r)),
        Cond::CtState(st) => u.exact(s.raw_ct(*st)),
        Cond::InIface(n) | Cond::OutIface(n) => {
            let f = if matches!(c, Cond::InIface(_)) {
                Field::InIface
            } else {
                Field::OutIface
            };
            let (must, may) = s.raw_iface(f, n);
            if must == may {
                u.exact(must)
            } else {
                Tri {
                    must: u.set(must),
                    may: u.set(may),
                }
            }
        }
        Cond::Not(inner) => compile_cond(u, inner, symbols, depth).not(),
        Cond::AnyOf(ms) => {
            let mut acc = u.none();
            for m in ms {
                acc = acc.or(&compile_match(u, m, symbols, depth));
            }
            acc
        }
        Cond::Symbolic { field, keyword } => {
            if depth >= MAX_SYMBOL_DEPTH {
                return u.unknown();
            }
            match symbols.resolve(*field, keyword) {
                Some(resolved) => compile_cond(u, &resolved, symbols, depth + 1),
                None => u.unknown(),
            }
        }
        Cond::Opaque { .. } => u.unknown(),
    }
}

/// Every symbol the rules mention, resolved once up front, so that rules can be
/// compiled in parallel (the caller's resolver need not be `Sync`).
pub(crate) struct SymbolCache(HashMap<(SymbolicField, String), Option<Cond>>);

impl SymbolCache {
    pub(crate) fn new<'a>(rules: impl Iterator<Item = &'a Rule>, symbols: &dyn Symbols) -> Self {
        let mut cache = SymbolCache(HashMap::new());
        for r in rules {
            for c in &r.matches.conds {
                cache.visit(c, symbols, 0);
            }
        }
        cache
    }

    fn visit(&mut self, c: &Cond, symbols: &dyn Symbols, depth: u32) {
        match c {
            Cond::Not(inner) => self.visit(inner, symbols, depth),
            Cond::AnyOf(ms) => {
                for m in ms {
                    for c in &m.conds {
                        self.visit(c, symbols, depth);
                    }
                }
            }
            Cond::Symbolic { field, keyword } => {
                let key = (*field, keyword.clone());
                if depth >= MAX_SYMBOL_DEPTH || self.0.contains_key(&key) {
                    return;
                }
                let resolved = symbols.resolve(*field, keyword);
                self.0.insert(key, resolved.clone());
                if let Some(r) = resolved {
                    self.visit(&r, symbols, depth + 1);
                }
            }
            _ => {}
        }
    }
}

impl Symbols for SymbolCache {
    fn resolve(&self, field: SymbolicField, keyword: &str) -> Option<Cond> {
        self.0.get(&(field, keyword.to_string())).cloned().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::eval::NoSymbols;
    use crate::model::values::proto;
    use crate::model::{AddrPattern, Family, Ranges};

    struct Lan;
    impl Symbols for Lan {
        fn resolve(&self, field: SymbolicField, keyword: &str) -> Option<Cond> {
            (field == SymbolicField::DstAddr && keyword == "LocalSubnet")
                .then(|| Cond::DstAddr(vec![AddrPattern::prefix("10.0.0.0".parse().unwrap(), 8)]))
        }
    }

    #[test]
    fn opaque_and_negation() {
        let s = Space::new(Vec::new());
        let op = Cond::Opaque {
            what: "mark".into(),
        };
        let t = s.cond(&op, &NoSymbols);
        assert!(t.must.is_empty() && t.may.is_all());
        let n = s.cond(&Cond::Not(Box::new(op.clone())), &NoSymbols);
        assert!(n.must.is_empty() && n.may.is_all());
        let tcp = Cond::Protocol(Ranges::single(proto::TCP as u16));
        let m = s.compile(&Match::new(vec![tcp.clone(), op]), &NoSymbols);
        assert!(m.must.is_empty());
        assert!(m.may.equals(&s.cond(&tcp, &NoSymbols).must));
        let not_tcp = s.cond(&Cond::Not(Box::new(tcp.clone())), &NoSymbols);
        assert!(not_tcp.is_exact());
        assert!(not_tcp.must.union(&s.cond(&tcp, &NoSymbols).must).is_all());
    }

    #[test]
    fn ports_imply_port_protocols() {
        let s = Space::new(Vec::new());
        let p = s
            .cond(&Cond::DstPort(Ranges::range(0, 65535)), &NoSymbols)
            .must;
        let gre = s.protocol(&Ranges::single(proto::GRE as u16));
        assert!(!p.intersects(&gre));
        let tcp = s.protocol(&Ranges::single(proto::TCP as u16));
        assert!(tcp.is_subset_of(&p));
    }

    #[test]
    fn symbols_resolve_or_stay_opaque() {
        let s = Space::new(Vec::new());
        let c = Cond::Symbolic {
            field: SymbolicField::DstAddr,
            keyword: "LocalSubnet".into(),
        };
        let t = s.cond(&c, &Lan);
        assert!(t.is_exact());
        assert!(t.must.is_subset_of(&s.family(Family::Ipv4)));
        assert!(!s.cond(&c, &NoSymbols).is_exact());
    }
}

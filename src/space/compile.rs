//! Conditions and matches → three-valued packet sets.
//!
//! Header conditions compile exactly (`must == may`); `Opaque` and unresolved
//! `Symbolic` conditions give `must = ∅, may = all`; `Not` swaps the bounds
//! (complemented within the valid packets), conjunctions and `AnyOf` compose
//! componentwise. Port and ICMP conditions imply their protocols by construction.

use super::{Space, Tri};
use crate::model::eval::Symbols;
use crate::model::rule::SymbolicField;
use crate::model::{Cond, Match, Rule};
use std::collections::HashMap;

/// Symbols resolving to symbols: stop (as opaque) past this depth.
const MAX_SYMBOL_DEPTH: u32 = 16;

pub(crate) fn compile_match(space: &Space, m: &Match, symbols: &dyn Symbols, depth: u32) -> Tri {
    let mut acc: Option<Tri> = None;
    for c in &m.conds {
        let t = compile_cond(space, c, symbols, depth);
        acc = Some(match acc {
            None => t,
            Some(a) => a.and(&t),
        });
        if acc.as_ref().is_some_and(Tri::is_empty) {
            break;
        }
    }
    acc.unwrap_or_else(|| Tri::all(space))
}

pub(crate) fn compile_cond(space: &Space, c: &Cond, symbols: &dyn Symbols, depth: u32) -> Tri {
    let exact = Tri::exact;
    match c {
        Cond::Family(f) => exact(space.family(*f)),
        Cond::Protocol(r) => exact(space.protocol(r)),
        Cond::SrcAddr(p) => exact(space.src_addr(p)),
        Cond::DstAddr(p) => exact(space.dst_addr(p)),
        Cond::SrcPort(r) => exact(space.src_port(r)),
        Cond::DstPort(r) => exact(space.dst_port(r)),
        Cond::IcmpType(r) => exact(space.icmp_type(r)),
        Cond::IcmpCode(r) => exact(space.icmp_code(r)),
        Cond::CtState(s) => exact(space.ct_state(*s)),
        Cond::InIface(n) => space.in_iface(n),
        Cond::OutIface(n) => space.out_iface(n),
        Cond::Not(inner) => compile_cond(space, inner, symbols, depth).not(),
        Cond::AnyOf(ms) => {
            let mut acc = Tri::none(space);
            for m in ms {
                acc = acc.or(&compile_match(space, m, symbols, depth));
            }
            acc
        }
        Cond::Symbolic { field, keyword } => {
            if depth >= MAX_SYMBOL_DEPTH {
                return Tri::unknown(space);
            }
            match symbols.resolve(*field, keyword) {
                Some(resolved) => compile_cond(space, &resolved, symbols, depth + 1),
                None => Tri::unknown(space),
            }
        }
        Cond::Opaque { .. } => Tri::unknown(space),
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

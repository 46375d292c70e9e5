//! A cheap, conservative per-field summary of a match (address hulls, port
//! hulls, protocol and family sets) read off the model, to tell which rules
//! *cannot* share a packet without touching a BDD. Subtracting only the earlier
//! rules that may overlap gives exactly the same region as subtracting all of
//! them: a rule that shares no packet with rule `i` removes nothing from it.

use crate::model::values::{full_mask, proto};
use crate::model::{AddrPattern, Cond, Family, Match, Ranges};

/// Over-approximation of the packets a match may take (its `may` bound).
#[derive(Clone, Debug)]
pub(crate) struct Summary {
    /// Bit 0: IPv4, bit 1: IPv6.
    families: u8,
    protos: [u128; 2],
    dport: (u16, u16),
    sport: (u16, u16),
    /// Per family, the hull of the addresses.
    dst: [(u128, u128); 2],
    src: [(u128, u128); 2],
}

const FULL_PORTS: (u16, u16) = (0, u16::MAX);

fn fam_idx(f: Family) -> usize {
    match f {
        Family::Ipv4 => 0,
        Family::Ipv6 => 1,
    }
}

fn proto_set(r: &Ranges) -> [u128; 2] {
    let mut s = [0u128; 2];
    for &(a, b) in r.ranges() {
        for v in a..=b.min(255) {
            s[(v >> 7) as usize] |= 1u128 << (v & 127);
        }
    }
    s
}

fn protos_of(ps: &[u8]) -> [u128; 2] {
    let mut s = [0u128; 2];
    for &v in ps {
        s[(v >> 7) as usize] |= 1u128 << (v & 127);
    }
    s
}

fn hull(r: &Ranges) -> (u16, u16) {
    match (r.ranges().first(), r.ranges().last()) {
        (Some(&(a, _)), Some(&(_, b))) => (a, b),
        _ => (1, 0), // empty
    }
}

fn meet(a: (u16, u16), b: (u16, u16)) -> (u16, u16) {
    (a.0.max(b.0), a.1.min(b.1))
}

fn addr_hulls(pats: &[AddrPattern]) -> ([(u128, u128); 2], u8) {
    let mut h = [(u128::MAX, 0u128); 2];
    let mut fams = 0u8;
    for p in pats {
        let (lo, hi) = match *p {
            AddrPattern::Masked {
                family,
                addr,
                wildcard,
            } => {
                let w = wildcard & full_mask(family);
                let lo = addr & !w & full_mask(family);
                (lo, lo | w)
            }
            AddrPattern::Range { family, lo, hi } => (lo, hi.min(full_mask(family))),
        };
        if lo > hi {
            continue;
        }
        let i = fam_idx(p.family());
        fams |= 1 << i;
        h[i] = (h[i].0.min(lo), h[i].1.max(hi));
    }
    (h, fams)
}

impl Summary {
    pub(crate) fn of(m: &Match) -> Summary {
        let mut s = Summary {
            families: 3,
            protos: [u128::MAX; 2],
            dport: FULL_PORTS,
            sport: FULL_PORTS,
            dst: [(0, full_mask(Family::Ipv4)), (0, u128::MAX)],
            src: [(0, full_mask(Family::Ipv4)), (0, u128::MAX)],
        };
        let ports = protos_of(&[
            proto::TCP,
            proto::UDP,
            proto::SCTP,
            proto::UDPLITE,
            proto::DCCP,
        ]);
        let icmps = protos_of(&[proto::ICMP, proto::ICMPV6]);
        let and = |a: [u128; 2], b: [u128; 2]| [a[0] & b[0], a[1] & b[1]];
        for c in &m.conds {
            match c {
                Cond::Family(f) => s.families &= 1 << fam_idx(*f),
                Cond::Protocol(r) => s.protos = and(s.protos, proto_set(r)),
                Cond::DstPort(r) => {
                    s.protos = and(s.protos, ports);
                    s.dport = meet(s.dport, hull(r));
                }
                Cond::SrcPort(r) => {
                    s.protos = and(s.protos, ports);
                    s.sport = meet(s.sport, hull(r));
                }
                Cond::IcmpType(_) | Cond::IcmpCode(_) => s.protos = and(s.protos, icmps),
                Cond::DstAddr(p) | Cond::SrcAddr(p) => {
                    let (h, fams) = addr_hulls(p);
                    s.families &= fams;
                    let cur = if matches!(c, Cond::DstAddr(_)) {
                        &mut s.dst
                    } else {
                        &mut s.src
                    };
                    for i in 0..2 {
                        cur[i] = (cur[i].0.max(h[i].0), cur[i].1.min(h[i].1));
                    }
                }
                // Anything else may be anything, as far as the summary knows.
                _ => {}
            }
        }
        s
    }

    /// False only when no packet can be in both matches.
    pub(crate) fn may_overlap(&self, o: &Summary) -> bool {
        let ov = |a: (u16, u16), b: (u16, u16)| a.0.max(b.0) <= a.1.min(b.1);
        let ova = |a: (u128, u128), b: (u128, u128)| a.0.max(b.0) <= a.1.min(b.1);
        if !ov(self.dport, o.dport) || !ov(self.sport, o.sport) {
            return false;
        }
        if (self.protos[0] & o.protos[0]) | (self.protos[1] & o.protos[1]) == 0 {
            return false;
        }
        let fams = self.families & o.families;
        (0..2).any(|i| {
            fams & (1 << i) != 0 && ova(self.dst[i], o.dst[i]) && ova(self.src[i], o.src[i])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(conds: Vec<Cond>) -> Summary {
        Summary::of(&Match::new(conds))
    }

    #[test]
    fn disjoint_fields_do_not_overlap() {
        let net = |s: &str, l| AddrPattern::prefix(s.parse().unwrap(), l);
        let a = m(vec![
            Cond::DstAddr(vec![net("10.0.0.0", 8)]),
            Cond::DstPort(Ranges::single(22)),
        ]);
        let b = m(vec![Cond::DstAddr(vec![net("11.0.0.0", 8)])]);
        let c = m(vec![Cond::DstPort(Ranges::single(23))]);
        let d = m(vec![Cond::IcmpType(Ranges::single(8))]);
        let e = m(vec![Cond::DstAddr(vec![net("10.1.0.0", 16)])]);
        let v6 = m(vec![Cond::DstAddr(vec![net("::", 0)])]);
        assert!(!a.may_overlap(&b));
        assert!(!a.may_overlap(&c));
        assert!(!a.may_overlap(&d));
        assert!(!a.may_overlap(&v6));
        assert!(a.may_overlap(&e));
        assert!(a.may_overlap(&m(vec![Cond::Opaque { what: "x".into() }])));
    }
}

//! Cheap bounding boxes of matches, to skip pairs of rules that cannot overlap
//! before asking the exact packet-set engine. A box over-approximates: boxes
//! that do not meet prove the matches are disjoint; boxes that meet prove
//! nothing.

use super::rule::{Cond, Match};
use super::values::{proto, AddrPattern, Family, Ranges};

/// An over-approximation of the packets a match can hold.
#[derive(Clone, Debug, PartialEq)]
pub struct Bounds {
    /// Bit 0: IPv4 possible, bit 1: IPv6 possible.
    families: u8,
    /// One bit per protocol number.
    protocols: [u64; 4],
    /// Hull of source addresses per family (index 0: IPv4, 1: IPv6).
    src: [Option<(u128, u128)>; 2],
    dst: [Option<(u128, u128)>; 2],
    sport: (u16, u16),
    dport: (u16, u16),
}

const ALL_PROTOCOLS: [u64; 4] = [u64::MAX; 4];

impl Bounds {
    /// Every packet.
    pub fn all() -> Bounds {
        Bounds {
            families: 3,
            protocols: ALL_PROTOCOLS,
            src: [Some((0, u32::MAX as u128)), Some((0, u128::MAX))],
            dst: [Some((0, u32::MAX as u128)), Some((0, u128::MAX))],
            sport: (0, u16::MAX),
            dport: (0, u16::MAX),
        }
    }

    /// The box of a match (a conjunction: the meet of its conditions' boxes).
    pub fn of(m: &Match) -> Bounds {
        m.conds
            .iter()
            .fold(Bounds::all(), |acc, c| acc.meet(&Bounds::of_cond(c)))
    }

    fn of_cond(c: &Cond) -> Bounds {
        let mut b = Bounds::all();
        match c {
            Cond::Family(f) => {
                b.families = family_bit(*f);
            }
            Cond::Protocol(r) => b.protocols = proto_bits(r),
            Cond::SrcAddr(p) => {
                b.src = hull(p);
                b.families = families_of(&b.src);
            }
            Cond::DstAddr(p) => {
                b.dst = hull(p);
                b.families = families_of(&b.dst);
            }
            Cond::SrcPort(r) => {
                b.sport = range_hull(r);
                b.protocols = port_protocols();
            }
            Cond::DstPort(r) => {
                b.dport = range_hull(r);
                b.protocols = port_protocols();
            }
            Cond::IcmpType(_) | Cond::IcmpCode(_) => {
                b.protocols = [0; 4];
                set_bit(&mut b.protocols, proto::ICMP);
                set_bit(&mut b.protocols, proto::ICMPV6);
            }
            Cond::TcpFlags(_) => {
                b.protocols = [0; 4];
                set_bit(&mut b.protocols, proto::TCP);
            }
            Cond::AnyOf(ms) => {
                let mut it = ms.iter().map(Bounds::of);
                b = match it.next() {
                    Some(first) => it.fold(first, |acc, x| acc.join(&x)),
                    None => Bounds::empty(),
                };
            }
            // Negations, interfaces, states and opaque conditions: no bound.
            _ => {}
        }
        b
    }

    fn empty() -> Bounds {
        Bounds {
            families: 0,
            protocols: [0; 4],
            src: [None, None],
            dst: [None, None],
            sport: (1, 0),
            dport: (1, 0),
        }
    }

    fn meet(&self, o: &Bounds) -> Bounds {
        Bounds {
            families: self.families & o.families,
            protocols: std::array::from_fn(|i| self.protocols[i] & o.protocols[i]),
            src: [
                meet_iv(self.src[0], o.src[0]),
                meet_iv(self.src[1], o.src[1]),
            ],
            dst: [
                meet_iv(self.dst[0], o.dst[0]),
                meet_iv(self.dst[1], o.dst[1]),
            ],
            sport: (self.sport.0.max(o.sport.0), self.sport.1.min(o.sport.1)),
            dport: (self.dport.0.max(o.dport.0), self.dport.1.min(o.dport.1)),
        }
    }

    fn join(&self, o: &Bounds) -> Bounds {
        let port = |a: (u16, u16), b: (u16, u16)| {
            if a.0 > a.1 {
                b
            } else if b.0 > b.1 {
                a
            } else {
                (a.0.min(b.0), a.1.max(b.1))
            }
        };
        Bounds {
            families: self.families | o.families,
            protocols: std::array::from_fn(|i| self.protocols[i] | o.protocols[i]),
            src: [
                join_iv(self.src[0], o.src[0]),
                join_iv(self.src[1], o.src[1]),
            ],
            dst: [
                join_iv(self.dst[0], o.dst[0]),
                join_iv(self.dst[1], o.dst[1]),
            ],
            sport: port(self.sport, o.sport),
            dport: port(self.dport, o.dport),
        }
    }

    /// True when the box does not restrict protocol, ports, or the addresses of
    /// at least one family: a necessary condition for a catch-all match.
    pub fn is_unbounded(&self) -> bool {
        let all = Bounds::all();
        self.protocols == ALL_PROTOCOLS
            && self.sport == all.sport
            && self.dport == all.dport
            && (0..2).any(|f| {
                self.families & (1 << f) != 0
                    && self.src[f] == all.src[f]
                    && self.dst[f] == all.dst[f]
            })
    }

    /// True when every source address the box allows lies inside one of
    /// `nets` (of its family): the match has no packet from outside them.
    pub fn src_inside_any(&self, nets: &[AddrPattern]) -> bool {
        (0..2).all(|f| {
            let Some((lo, hi)) = self.src[f].filter(|_| self.families & (1 << f) != 0) else {
                return true;
            };
            nets.iter().any(|n| {
                let (nf, nlo, nhi) = pattern_hull(n);
                // A non-contiguous mask's hull holds addresses it does not.
                let exact = match *n {
                    AddrPattern::Masked { wildcard, .. } => {
                        wildcard & wildcard.wrapping_add(1) == 0
                    }
                    AddrPattern::Range { .. } => true,
                };
                exact && family_bit(nf) == 1 << f && nlo <= lo && hi <= nhi
            })
        })
    }

    /// False only when the two matches certainly share no packet.
    pub fn may_overlap(&self, o: &Bounds) -> bool {
        // The meet's fields, tested one by one without building it (this runs
        // for most pairs of rules of a filter).
        let ranges_meet = |a: (u16, u16), b: (u16, u16)| a.0.max(b.0) <= a.1.min(b.1);
        // A port bound on either side restricted the protocols to port
        // protocols, so disjoint port ranges mean disjoint matches.
        if !ranges_meet(self.dport, o.dport) || !ranges_meet(self.sport, o.sport) {
            return false;
        }
        if (0..4).all(|i| self.protocols[i] & o.protocols[i] == 0) {
            return false;
        }
        let families = self.families & o.families;
        (0..2).any(|f| {
            families & (1 << f) != 0
                && meet_iv(self.src[f], o.src[f]).is_some()
                && meet_iv(self.dst[f], o.dst[f]).is_some()
        })
    }
}

fn family_bit(f: Family) -> u8 {
    match f {
        Family::Ipv4 => 1,
        Family::Ipv6 => 2,
    }
}

fn families_of(iv: &[Option<(u128, u128)>; 2]) -> u8 {
    (iv[0].is_some() as u8) | ((iv[1].is_some() as u8) << 1)
}

/// The family and the lowest and highest address of a pattern.
fn pattern_hull(p: &AddrPattern) -> (Family, u128, u128) {
    match *p {
        AddrPattern::Masked {
            family,
            addr,
            wildcard,
        } => (family, addr & !wildcard, addr | wildcard),
        AddrPattern::Range { family, lo, hi } => (family, lo, hi),
    }
}

fn hull(pats: &[AddrPattern]) -> [Option<(u128, u128)>; 2] {
    let mut out = [None, None];
    for p in pats {
        let (f, lo, hi) = pattern_hull(p);
        if lo > hi {
            continue;
        }
        let i = (family_bit(f) - 1) as usize;
        out[i] = join_iv(out[i], Some((lo, hi)));
    }
    out
}

fn meet_iv(a: Option<(u128, u128)>, b: Option<(u128, u128)>) -> Option<(u128, u128)> {
    let (a, b) = (a?, b?);
    let lo = a.0.max(b.0);
    let hi = a.1.min(b.1);
    (lo <= hi).then_some((lo, hi))
}

fn join_iv(a: Option<(u128, u128)>, b: Option<(u128, u128)>) -> Option<(u128, u128)> {
    match (a, b) {
        (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
        (x, None) | (None, x) => x,
    }
}

fn range_hull(r: &Ranges) -> (u16, u16) {
    match (r.ranges().first(), r.ranges().last()) {
        (Some(a), Some(b)) => (a.0, b.1),
        _ => (1, 0),
    }
}

fn set_bit(bits: &mut [u64; 4], p: u8) {
    bits[p as usize / 64] |= 1 << (p % 64);
}

fn proto_bits(r: &Ranges) -> [u64; 4] {
    let mut bits = [0u64; 4];
    for &(a, b) in r.ranges() {
        for p in a..=b.min(255) {
            set_bit(&mut bits, p as u8);
        }
    }
    bits
}

fn port_protocols() -> [u64; 4] {
    let mut bits = [0u64; 4];
    for p in [
        proto::TCP,
        proto::UDP,
        proto::SCTP,
        proto::UDPLITE,
        proto::DCCP,
    ] {
        set_bit(&mut bits, p);
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dport(p: u16) -> Match {
        Match::new(vec![
            Cond::Protocol(Ranges::single(proto::TCP as u16)),
            Cond::DstPort(Ranges::single(p)),
        ])
    }

    #[test]
    fn disjoint_ports_and_prefixes_are_proved_disjoint() {
        assert!(!Bounds::of(&dport(22)).may_overlap(&Bounds::of(&dport(23))));
        assert!(Bounds::of(&dport(22)).may_overlap(&Bounds::of(&Match::any())));
        let net = |s: &str, l| {
            Match::new(vec![Cond::DstAddr(vec![AddrPattern::prefix(
                s.parse().unwrap(),
                l,
            )])])
        };
        assert!(!Bounds::of(&net("10.0.0.0", 8)).may_overlap(&Bounds::of(&net("11.0.0.0", 8))));
        assert!(Bounds::of(&net("10.0.0.0", 8)).may_overlap(&Bounds::of(&net("10.1.0.0", 16))));
        assert!(!Bounds::of(&net("10.0.0.0", 8)).may_overlap(&Bounds::of(&net("::", 0))));
        let icmp = Match::new(vec![Cond::IcmpType(Ranges::single(8))]);
        assert!(!Bounds::of(&icmp).may_overlap(&Bounds::of(&dport(22))));
        // A port alone (no protocol), against another address and an opaque
        // condition (from the engine's former per-rule summary).
        let port_only = Bounds::of(&Match::new(vec![
            Cond::DstAddr(vec![AddrPattern::prefix("10.0.0.0".parse().unwrap(), 8)]),
            Cond::DstPort(Ranges::single(22)),
        ]));
        assert!(
            !port_only.may_overlap(&Bounds::of(&Match::new(vec![Cond::DstPort(
                Ranges::single(23)
            )])))
        );
        assert!(!port_only.may_overlap(&Bounds::of(&net("11.0.0.0", 8))));
        assert!(!port_only.may_overlap(&Bounds::of(&icmp)));
        assert!(
            port_only.may_overlap(&Bounds::of(&Match::new(vec![Cond::Opaque {
                what: "x".into()
            }])))
        );
    }
}

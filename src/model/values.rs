//! Value sets used by matches: ranges of integers (ports, protocols, ICMP types)
//! and address patterns (prefixes, wildcard masks, ranges).

use serde::Serialize;
use std::fmt;
use std::net::IpAddr;

/// A union of inclusive ranges of `u16` values (ports) or `u8` values widened to
/// `u16` (protocol numbers, ICMP types and codes). Kept sorted and merged.
#[derive(Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Ranges(Vec<(u16, u16)>);

impl Ranges {
    pub fn empty() -> Self {
        Ranges(Vec::new())
    }
    pub fn single(v: u16) -> Self {
        Ranges(vec![(v, v)])
    }
    /// `lo..=hi`; an inverted range is empty.
    pub fn range(lo: u16, hi: u16) -> Self {
        if lo > hi {
            Ranges::empty()
        } else {
            Ranges(vec![(lo, hi)])
        }
    }
    pub fn from_ranges(it: impl IntoIterator<Item = (u16, u16)>) -> Self {
        let mut v: Vec<(u16, u16)> = it.into_iter().filter(|(a, b)| a <= b).collect();
        v.sort_unstable();
        let mut out: Vec<(u16, u16)> = Vec::with_capacity(v.len());
        for (a, b) in v {
            if let Some(last) = out.last_mut() {
                if a as u32 <= last.1 as u32 + 1 {
                    last.1 = last.1.max(b);
                    continue;
                }
            }
            out.push((a, b));
        }
        Ranges(out)
    }
    pub fn union(&self, other: &Ranges) -> Ranges {
        Ranges::from_ranges(self.0.iter().chain(other.0.iter()).copied())
    }
    /// Everything in `0..=max` that is not in `self`.
    pub fn complement(&self, max: u16) -> Ranges {
        let mut out = Vec::new();
        let mut next: u32 = 0;
        for &(a, b) in &self.0 {
            if a as u32 > next {
                out.push((next as u16, a - 1));
            }
            next = b as u32 + 1;
        }
        if next <= max as u32 {
            out.push((next as u16, max));
        }
        Ranges(out)
    }
    pub fn contains(&self, v: u16) -> bool {
        self.0.iter().any(|&(a, b)| a <= v && v <= b)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn ranges(&self) -> &[(u16, u16)] {
        &self.0
    }
    /// Number of values covered.
    pub fn count(&self) -> u32 {
        self.0.iter().map(|&(a, b)| b as u32 - a as u32 + 1).sum()
    }
}

impl fmt::Debug for Ranges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Ranges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, &(a, b)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if a == b {
                write!(f, "{a}")?;
            } else {
                write!(f, "{a}-{b}")?;
            }
        }
        Ok(())
    }
}

/// The address family of a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Ipv4,
    Ipv6,
}

impl Family {
    pub fn of(addr: &IpAddr) -> Family {
        match addr {
            IpAddr::V4(_) => Family::Ipv4,
            IpAddr::V6(_) => Family::Ipv6,
        }
    }
    pub fn bits(self) -> u32 {
        match self {
            Family::Ipv4 => 32,
            Family::Ipv6 => 128,
        }
    }
}

/// One address pattern. Addresses are held as `u128` (IPv4 in the low 32 bits).
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
pub enum AddrPattern {
    /// Matches `a` when `a & !wildcard == addr & !wildcard`. A prefix `p/len` is a
    /// wildcard of the low `bits - len` bits; Cisco wildcard masks may be
    /// non-contiguous and are kept exactly.
    Masked {
        family: Family,
        #[serde(serialize_with = "ser_u128")]
        addr: u128,
        #[serde(serialize_with = "ser_u128")]
        wildcard: u128,
    },
    /// Inclusive range `lo..=hi`.
    Range {
        family: Family,
        #[serde(serialize_with = "ser_u128")]
        lo: u128,
        #[serde(serialize_with = "ser_u128")]
        hi: u128,
    },
}

/// JSON numbers cannot hold IPv6-sized values (serde_json refuses them with
/// "number out of range"): write them as decimal strings.
fn ser_u128<S: serde::Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

impl AddrPattern {
    pub fn family(&self) -> Family {
        match self {
            AddrPattern::Masked { family, .. } | AddrPattern::Range { family, .. } => *family,
        }
    }

    /// Every address of `family`.
    pub fn any(family: Family) -> Self {
        AddrPattern::Masked {
            family,
            addr: 0,
            wildcard: full_mask(family),
        }
    }

    pub fn host(addr: IpAddr) -> Self {
        let family = Family::of(&addr);
        AddrPattern::Masked {
            family,
            addr: ip_to_u128(&addr),
            wildcard: 0,
        }
    }

    /// `addr/len`; host bits of `addr` are ignored. `len` is clamped to the family.
    pub fn prefix(addr: IpAddr, len: u8) -> Self {
        let family = Family::of(&addr);
        let bits = family.bits();
        let len = (len as u32).min(bits);
        let wildcard = if len == bits {
            0
        } else {
            full_mask(family) >> len
        };
        AddrPattern::Masked {
            family,
            addr: ip_to_u128(&addr) & !wildcard,
            wildcard,
        }
    }

    /// A Cisco-style address and wildcard mask (bits set in `wildcard` are ignored).
    pub fn wildcard(addr: IpAddr, wildcard: IpAddr) -> Self {
        let family = Family::of(&addr);
        let w = ip_to_u128(&wildcard) & full_mask(family);
        AddrPattern::Masked {
            family,
            addr: ip_to_u128(&addr) & !w,
            wildcard: w,
        }
    }

    /// An inclusive range; `None` if the families differ.
    pub fn range(lo: IpAddr, hi: IpAddr) -> Option<Self> {
        let family = Family::of(&lo);
        if family != Family::of(&hi) {
            return None;
        }
        Some(AddrPattern::Range {
            family,
            lo: ip_to_u128(&lo),
            hi: ip_to_u128(&hi),
        })
    }

    pub fn contains(&self, addr: &IpAddr) -> bool {
        if Family::of(addr) != self.family() {
            return false;
        }
        let a = ip_to_u128(addr);
        match *self {
            AddrPattern::Masked { addr, wildcard, .. } => a & !wildcard == addr & !wildcard,
            AddrPattern::Range { lo, hi, .. } => lo <= a && a <= hi,
        }
    }

    /// Number of addresses matched, as `f64` (IPv6 counts overflow `u64`).
    pub fn size(&self) -> f64 {
        match *self {
            AddrPattern::Masked { wildcard, .. } => 2f64.powi(wildcard.count_ones() as i32),
            AddrPattern::Range { lo, hi, .. } => {
                if hi < lo {
                    0.0
                } else {
                    (hi - lo) as f64 + 1.0
                }
            }
        }
    }

    /// True when this is every address of its family.
    pub fn is_any(&self) -> bool {
        match *self {
            AddrPattern::Masked {
                family, wildcard, ..
            } => wildcard == full_mask(family),
            AddrPattern::Range { family, lo, hi } => lo == 0 && hi == full_mask(family),
        }
    }
}

impl fmt::Debug for AddrPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for AddrPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            AddrPattern::Masked {
                family,
                addr,
                wildcard,
            } => {
                let bits = family.bits();
                let host = full_mask(family);
                if wildcard == host {
                    return f.write_str(match family {
                        Family::Ipv4 => "0.0.0.0/0",
                        Family::Ipv6 => "::/0",
                    });
                }
                let a = u128_to_ip(family, addr);
                // Contiguous low-bit wildcard: print as a prefix.
                if wildcard & (wildcard.wrapping_add(1)) == 0 {
                    let len = bits - wildcard.count_ones();
                    if len == bits {
                        write!(f, "{a}")
                    } else {
                        write!(f, "{a}/{len}")
                    }
                } else {
                    write!(f, "{a} wildcard {}", u128_to_ip(family, wildcard))
                }
            }
            AddrPattern::Range { family, lo, hi } => {
                write!(f, "{}-{}", u128_to_ip(family, lo), u128_to_ip(family, hi))
            }
        }
    }
}

/// All-ones over the family's address width.
pub fn full_mask(family: Family) -> u128 {
    match family {
        Family::Ipv4 => u32::MAX as u128,
        Family::Ipv6 => u128::MAX,
    }
}

pub fn ip_to_u128(addr: &IpAddr) -> u128 {
    match addr {
        IpAddr::V4(a) => u32::from(*a) as u128,
        IpAddr::V6(a) => u128::from(*a),
    }
}

pub fn u128_to_ip(family: Family, v: u128) -> IpAddr {
    match family {
        Family::Ipv4 => IpAddr::V4((v as u32).into()),
        Family::Ipv6 => IpAddr::V6(v.into()),
    }
}

/// Connection-tracking states, as a bit set.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct CtStates(pub u8);

impl CtStates {
    pub const NEW: CtStates = CtStates(1);
    pub const ESTABLISHED: CtStates = CtStates(2);
    pub const RELATED: CtStates = CtStates(4);
    pub const INVALID: CtStates = CtStates(8);
    pub const UNTRACKED: CtStates = CtStates(16);
    pub const ALL: CtStates = CtStates(31);
    /// Names in nftables order, with their bits.
    pub const NAMES: [(&'static str, CtStates); 5] = [
        ("new", Self::NEW),
        ("established", Self::ESTABLISHED),
        ("related", Self::RELATED),
        ("invalid", Self::INVALID),
        ("untracked", Self::UNTRACKED),
    ];
    pub fn contains(self, other: CtStates) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }
    pub fn union(self, other: CtStates) -> CtStates {
        CtStates(self.0 | other.0)
    }
    pub fn from_name(name: &str) -> Option<CtStates> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
    }
}

impl fmt::Debug for CtStates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Self::NAMES
            .iter()
            .filter(|(_, s)| self.0 & s.0 != 0)
            .map(|(n, _)| *n)
            .collect();
        write!(f, "{}", names.join(","))
    }
}

/// Well-known IP protocol numbers.
pub mod proto {
    pub const ICMP: u8 = 1;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const GRE: u8 = 47;
    pub const ESP: u8 = 50;
    pub const AH: u8 = 51;
    pub const ICMPV6: u8 = 58;
    pub const SCTP: u8 = 132;
    pub const UDPLITE: u8 = 136;
    pub const DCCP: u8 = 33;

    /// Protocols whose headers carry 16-bit source and destination ports.
    pub fn has_ports(p: u8) -> bool {
        matches!(p, TCP | UDP | SCTP | UDPLITE | DCCP)
    }

    /// Protocols whose headers carry an ICMP type and code.
    pub fn has_icmp(p: u8) -> bool {
        matches!(p, ICMP | ICMPV6)
    }

    /// IANA protocol names as the command line and the dialects spell them.
    pub const NAMES: &[(&str, u8)] = &[
        ("hopopt", 0),
        ("icmp", 1),
        ("igmp", 2),
        ("ggp", 3),
        ("ipip", 4),
        ("ipinip", 4),
        ("ipv4", 4),
        ("tcp", 6),
        ("egp", 8),
        ("igp", 9),
        ("pup", 12),
        ("udp", 17),
        ("hmp", 20),
        ("xns-idp", 22),
        ("rdp", 27),
        ("dccp", 33),
        ("ipv6", 41),
        ("ipv6-route", 43),
        ("ipv6-frag", 44),
        ("idrp", 45),
        ("rsvp", 46),
        ("gre", 47),
        ("esp", 50),
        ("ah", 51),
        ("skip", 57),
        ("icmpv6", 58),
        ("ipv6-icmp", 58),
        ("ipv6-nonxt", 59),
        ("ipv6-opts", 60),
        ("eigrp", 88),
        ("ospf", 89),
        ("ospfigp", 89),
        ("ax.25", 93),
        ("nos", 94),
        ("ipip-nos", 94),
        ("etherip", 97),
        ("encap", 98),
        ("pim", 103),
        ("ipcomp", 108),
        ("vrrp", 112),
        ("l2tp", 115),
        ("isis", 124),
        ("sctp", 132),
        ("fc", 133),
        ("mobility-header", 135),
        ("udplite", 136),
        ("mpls-in-ip", 137),
        ("manet", 138),
        ("hip", 139),
        ("shim6", 140),
        ("wesp", 141),
        ("rohc", 142),
    ];

    pub fn by_name(name: &str) -> Option<u8> {
        let lower = name.to_ascii_lowercase();
        NAMES.iter().find(|(n, _)| *n == lower).map(|(_, v)| *v)
    }

    pub fn name(p: u8) -> Option<&'static str> {
        NAMES.iter().find(|(_, v)| *v == p).map(|(n, _)| *n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_merge_and_complement() {
        let r = Ranges::from_ranges([(5, 10), (1, 3), (4, 4), (20, 30)]);
        assert_eq!(r.ranges(), &[(1, 10), (20, 30)]);
        assert_eq!(
            r.complement(65535).ranges(),
            &[(0, 0), (11, 19), (31, 65535)]
        );
        assert_eq!(Ranges::range(0, 65535).complement(65535), Ranges::empty());
        assert_eq!(r.count(), 21);
    }

    #[test]
    fn non_contiguous_wildcards_are_exact() {
        let p = AddrPattern::wildcard("10.0.0.1".parse().unwrap(), "0.0.255.0".parse().unwrap());
        assert!(p.contains(&"10.0.77.1".parse().unwrap()));
        assert!(!p.contains(&"10.0.77.2".parse().unwrap()));
        assert_eq!(p.to_string(), "10.0.0.1 wildcard 0.0.255.0");
        let q = AddrPattern::prefix("10.1.2.3".parse().unwrap(), 16);
        assert_eq!(q.to_string(), "10.1.0.0/16");
        assert!(!q.contains(&"::1".parse().unwrap()));
    }
}

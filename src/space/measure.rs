//! Sizes of a packet set, in total and per dimension (by projection: the number
//! of distinct values a field takes over the set), so that a finding can say
//! "allows 64,512 TCP ports to 0.0.0.0/0".

use super::layout::Field;
use super::{PacketSet, Space};
use biodivine_lib_bdd::{Bdd, BddVariable};

/// Counts, as `f64` (IPv6 counts overflow every integer type worth using).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measure {
    /// Packets (distinct valid header assignments; interfaces count by class).
    pub packets: f64,
    /// Distinct (family, source address) pairs.
    pub src_addrs: f64,
    /// Distinct (family, destination address) pairs.
    pub dst_addrs: f64,
    /// Distinct source ports among the port-carrying packets.
    pub src_ports: f64,
    /// Distinct destination ports among the port-carrying packets.
    pub dst_ports: f64,
    /// Distinct protocol numbers.
    pub protocols: f64,
    /// Distinct ICMP types among the ICMP/ICMPv6 packets.
    pub icmp_types: f64,
}

impl Space {
    /// Sizes of `s`.
    pub fn measure(&self, s: &PacketSet) -> Measure {
        let ports = s.bdd().and(&self.port_protos);
        let icmp = s.bdd().and(&self.icmp_protos);
        Measure {
            packets: s.bdd().cardinality(),
            src_addrs: self.count(s.bdd(), &[Field::Family, Field::SrcAddr]),
            dst_addrs: self.count(s.bdd(), &[Field::Family, Field::DstAddr]),
            src_ports: self.count(&ports, &[Field::SrcPort]),
            dst_ports: self.count(&ports, &[Field::DstPort]),
            protocols: self.count(s.bdd(), &[Field::Protocol]),
            icmp_types: self.count(&icmp, &[Field::IcmpType]),
        }
    }

    /// Distinct destination ports among the port-carrying packets of `s`: the
    /// `dst_ports` of [`Space::measure`] alone, for callers that need no other
    /// count.
    ///
    /// For a valid `s`, `s ∧ port_protos` is `s ∧ port_protos_raw`, a condition
    /// on the protocol alone: so everything but the protocol and the port is
    /// projected away first (one pass over the large diagram), and the
    /// protocols are restricted on the small projection.
    pub fn dst_port_count(&self, s: &PacketSet) -> f64 {
        let l = self.layout();
        let kept: Vec<BddVariable> = [Field::Protocol, Field::DstPort]
            .iter()
            .flat_map(|f| l.vars(*f))
            .collect();
        let others: Vec<BddVariable> = (0..l.num_vars() as usize)
            .map(BddVariable::from_index)
            .filter(|v| !kept.contains(v))
            .collect();
        let projected = s.bdd().exists(&others).and(&self.port_protos_raw);
        self.count(&projected, &[Field::DstPort])
    }

    /// Number of distinct values of the fields `keep` over `b`.
    fn count(&self, b: &Bdd, keep: &[Field]) -> f64 {
        if b.is_false() {
            return 0.0;
        }
        let l = self.layout();
        let kept: Vec<BddVariable> = keep.iter().flat_map(|f| l.vars(*f)).collect();
        let others: Vec<BddVariable> = (0..l.num_vars() as usize)
            .map(BddVariable::from_index)
            .filter(|v| !kept.contains(v))
            .collect();
        let projected = b.exists(&others);
        projected.cardinality() / 2f64.powi(others.len() as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::values::proto;
    use crate::model::{AddrPattern, Family, Ranges};

    #[test]
    fn tcp_ports_to_anywhere() {
        let s = Space::new(Vec::new());
        let set = s
            .protocol(&Ranges::single(proto::TCP as u16))
            .intersect(&s.dst_port(&Ranges::range(1024, 65535)))
            .intersect(&s.dst_addr(&[AddrPattern::any(Family::Ipv4)]));
        let m = s.measure(&set);
        assert_eq!(m.dst_ports, 64512.0);
        assert_eq!(s.dst_port_count(&set), 64512.0);
        assert_eq!(m.dst_addrs, 2f64.powi(32));
        assert_eq!(m.protocols, 1.0);
        assert_eq!(m.src_ports, 65536.0);
        assert_eq!(m.icmp_types, 0.0);
        // The destination pattern makes the packets IPv4, sources too.
        assert_eq!(m.src_addrs, 2f64.powi(32));
        let any = s.measure(&s.all());
        assert_eq!(any.src_addrs, 2f64.powi(32) + 2f64.powi(128));
        assert_eq!(any.protocols, 256.0);
        assert_eq!(s.measure(&s.none()).packets, 0.0);
    }
}

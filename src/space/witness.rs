//! A concrete member of a set, chosen to read well in a finding: a new
//! connection, TCP or UDP before other protocols, source port 49152 when the set
//! allows it, ICMP echo requests, and otherwise the lowest value of each field.

use super::layout::Field;
use super::{PacketSet, Space};
use crate::model::packet::DEFAULT_SPORT;
use crate::model::values::{proto, u128_to_ip};
use crate::model::{CtStates, Family, Packet};
use biodivine_lib_bdd::{Bdd, BddValuation};

impl Space {
    /// A concrete packet of `s`, or `None` when `s` is empty.
    pub fn witness(&self, s: &PacketSet) -> Option<Packet> {
        if s.is_empty() {
            return None;
        }
        let mut cur = s.bdd.clone();
        self.prefer(&mut cur, Field::Ct, &[0]);
        self.prefer(
            &mut cur,
            Field::Protocol,
            &[
                proto::TCP as u128,
                proto::UDP as u128,
                proto::ICMP as u128,
                proto::ICMPV6 as u128,
            ],
        );
        let v6 = self.has_value(&cur, Field::Protocol, proto::ICMPV6 as u128);
        // ICMPv6 reads best over IPv6, everything else over IPv4.
        self.prefer(&mut cur, Field::Family, &[v6 as u128]);
        self.lowest(&mut cur, Field::DstAddr);
        self.lowest(&mut cur, Field::DstPort);
        self.lowest(&mut cur, Field::SrcAddr);
        self.prefer(&mut cur, Field::SrcPort, &[DEFAULT_SPORT as u128]);
        let echo = if v6 { [128, 8] } else { [8, 128] };
        self.prefer(&mut cur, Field::IcmpType, &echo);
        for f in [Field::IcmpCode, Field::InIface, Field::OutIface] {
            self.lowest(&mut cur, f);
        }
        let v = cur.first_valuation()?;
        Some(self.decode(&v))
    }

    /// Fix `f` to the first of `values` the set allows, else to its lowest value.
    fn prefer(&self, cur: &mut Bdd, f: Field, values: &[u128]) {
        let l = self.layout();
        for &v in values {
            let c = cur.and(&l.eq(self.vars(), f, v));
            if !c.is_false() {
                *cur = c;
                return;
            }
        }
        self.lowest(cur, f);
    }

    /// Does the set allow `f == v`?
    fn has_value(&self, cur: &Bdd, f: Field, v: u128) -> bool {
        !cur.and(&self.layout().eq(self.vars(), f, v)).is_false()
    }

    /// Fix `f` to the lowest value the (non-empty) set allows, bit by bit.
    fn lowest(&self, cur: &mut Bdd, f: Field) {
        for var in self.layout().vars(f) {
            let zero = cur.var_select(var, false);
            *cur = if zero.is_false() {
                cur.var_select(var, true)
            } else {
                zero
            };
        }
    }

    fn field_value(&self, v: &BddValuation, f: Field) -> u128 {
        let l = self.layout();
        (0..l.width(f)).fold(0u128, |acc, i| acc | ((v.value(l.bit(f, i)) as u128) << i))
    }

    /// The packet of one valid valuation.
    pub(crate) fn decode(&self, v: &BddValuation) -> Packet {
        let family = if self.field_value(v, Field::Family) == 1 {
            Family::Ipv6
        } else {
            Family::Ipv4
        };
        let protocol = self.field_value(v, Field::Protocol) as u8;
        let ports = proto::has_ports(protocol);
        let icmp = proto::has_icmp(protocol);
        let ct = self.field_value(v, Field::Ct) as usize;
        let iface = |f| self.ifaces().example(self.field_value(v, f) as u32);
        Packet {
            protocol,
            src: u128_to_ip(family, self.field_value(v, Field::SrcAddr)),
            dst: u128_to_ip(family, self.field_value(v, Field::DstAddr)),
            sport: ports.then(|| self.field_value(v, Field::SrcPort) as u16),
            dport: ports.then(|| self.field_value(v, Field::DstPort) as u16),
            icmp_type: icmp.then(|| self.field_value(v, Field::IcmpType) as u8),
            icmp_code: icmp.then(|| self.field_value(v, Field::IcmpCode) as u8),
            ct_state: CtStates::NAMES
                .get(ct)
                .map(|(_, s)| *s)
                .unwrap_or(CtStates::NEW),
            iif: iface(Field::InIface),
            oif: iface(Field::OutIface),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AddrPattern, Ranges};

    #[test]
    fn nice_witnesses() {
        let s = Space::new(vec!["eth*".to_string(), "lo".to_string()]);
        let dst = s.dst_addr(&[AddrPattern::prefix("192.0.2.0".parse().unwrap(), 24)]);
        let p = s
            .witness(&dst.intersect(&s.dst_port(&Ranges::range(22, 25))))
            .unwrap();
        assert_eq!(p.to_string(), "tcp 0.0.0.0:49152 192.0.2.0:22");
        assert_eq!(p.ct_state, CtStates::NEW);
        let udp_low = s
            .protocol(&Ranges::single(proto::UDP as u16))
            .intersect(&s.src_port(&Ranges::range(1, 100)));
        let p = s.witness(&udp_low).unwrap();
        assert_eq!((p.protocol, p.sport), (proto::UDP, Some(1)));
        let icmp6 = s
            .icmp_type(&Ranges::range(0, 255))
            .intersect(&s.protocol(&Ranges::single(proto::ICMPV6 as u16)));
        let p = s.witness(&icmp6).unwrap();
        assert_eq!((p.protocol, p.icmp_type), (proto::ICMPV6, Some(128)));
        let icmp = s.icmp_type(&Ranges::range(0, 255));
        let p = s.witness(&icmp).unwrap();
        assert_eq!((p.protocol, p.icmp_type), (proto::ICMP, Some(8)));
        let eth = s.in_iface(&["eth*".to_string()]).must.minus(&s.packet(&p));
        let p = s.witness(&eth).unwrap();
        assert!(p.iif.as_deref().is_some_and(|n| n.starts_with("eth")));
        assert!(eth.contains(&s, &p));
        assert!(s.witness(&s.none()).is_none());
    }
}

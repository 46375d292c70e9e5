//! The [`Space`] constructor with its validity constraint, the per-field set
//! builders that checks use directly, and concrete packets ↔ valuations.
//!
//! Validity (what [`Space::all`] is): IPv4 addresses have their upper 96 bits 0;
//! protocols without ports have both ports 0; protocols other than ICMP/ICMPv6
//! have ICMP type and code 0; protocols other than TCP have TCP flags 0; the ct state is one of the five states; interface
//! ids are interned ids. So every valid assignment is exactly one packet (up to
//! interface classes), and counting assignments counts packets.

use super::iface::Ifaces;
use super::layout::{Field, Layout, Widths};
use super::{PacketSet, Space, Tri};
use crate::model::tcp_flags;
use crate::model::values::{ip_to_u128, proto};
use crate::model::{AddrPattern, CtStates, Family, Packet};
use biodivine_lib_bdd::{Bdd, BddValuation, BddVariableSet};
use std::sync::Arc;

/// Protocols that carry ports, per [`proto::has_ports`].
pub(super) const PORT_PROTOS: [u8; 5] = [
    proto::TCP,
    proto::UDP,
    proto::SCTP,
    proto::UDPLITE,
    proto::DCCP,
];
pub(super) const ICMP_PROTOS: [u8; 2] = [proto::ICMP, proto::ICMPV6];

impl Space {
    pub(super) fn build(widths: Widths, ifaces: Ifaces, protocols: Option<Vec<u8>>) -> Space {
        let layout = Layout::new(widths);
        let vars = BddVariableSet::new_anonymous(layout.num_vars());
        let any_of = |ps: &[u8]| {
            ps.iter().fold(vars.mk_false(), |acc, p| {
                acc.or(&layout.eq(&vars, Field::Protocol, *p as u128))
            })
        };
        debug_assert!(PORT_PROTOS.iter().all(|p| proto::has_ports(*p)));
        debug_assert!(ICMP_PROTOS.iter().all(|p| proto::has_icmp(*p)));
        let port_protos = any_of(&PORT_PROTOS);
        let icmp_protos = any_of(&ICMP_PROTOS);
        let zero = |f: Field| layout.eq(&vars, Field::ALL[f as usize], 0);
        let mut valid = vars.mk_true();
        if let Some(ps) = &protocols {
            valid = valid.and(&any_of(ps));
        }
        if widths.addr > 32 {
            let v4 = layout.eq(&vars, Field::Family, 0);
            let high = !(u32::MAX as u128);
            let upper_zero = layout
                .masked(&vars, Field::DstAddr, 0, high)
                .and(&layout.masked(&vars, Field::SrcAddr, 0, high));
            valid = valid.and(&v4.imp(&upper_zero));
        }
        let ports_zero = zero(Field::SrcPort).and(&zero(Field::DstPort));
        valid = valid.and(&port_protos.or(&ports_zero));
        let icmp_zero = zero(Field::IcmpType).and(&zero(Field::IcmpCode));
        valid = valid.and(&icmp_protos.or(&icmp_zero));
        let tcp = layout.eq(&vars, Field::Protocol, proto::TCP as u128);
        valid = valid.and(&tcp.or(&zero(Field::TcpFlags)));
        valid = valid.and(&layout.range(&vars, Field::Ct, 0, CtStates::NAMES.len() as u128 - 1));
        let ids = ifaces.count() as u128 - 1;
        valid = valid.and(&layout.range(&vars, Field::InIface, 0, ids));
        valid = valid.and(&layout.range(&vars, Field::OutIface, 0, ids));
        Space {
            vars,
            layout,
            ifaces,
            port_protos: port_protos.and(&valid),
            icmp_protos: icmp_protos.and(&valid),
            port_protos_raw: port_protos,
            icmp_protos_raw: icmp_protos,
            valid: Arc::new(valid),
            protocols,
        }
    }

    pub(crate) fn layout(&self) -> &Layout {
        &self.layout
    }

    pub(crate) fn vars(&self) -> &BddVariableSet {
        &self.vars
    }

    pub(crate) fn ifaces(&self) -> &Ifaces {
        &self.ifaces
    }

    /// Packets of one address family.
    pub fn family(&self, f: Family) -> PacketSet {
        self.set(self.raw_family(f))
    }

    pub(crate) fn raw_family(&self, f: Family) -> Bdd {
        let v = match f {
            Family::Ipv4 => 0,
            Family::Ipv6 => 1,
        };
        self.layout.eq(&self.vars, Field::Family, v)
    }

    /// Field `f` in `r`, over that field's variables alone.
    pub(crate) fn ranges(&self, f: Field, r: &crate::model::Ranges) -> Bdd {
        let iv: Vec<(u128, u128)> = r
            .ranges()
            .iter()
            .map(|&(a, b)| (a as u128, b as u128))
            .collect();
        self.layout.intervals(&self.vars, f, &iv)
    }

    /// Protocol number in `r`.
    pub fn protocol(&self, r: &crate::model::Ranges) -> PacketSet {
        self.set(self.raw_protocol(r))
    }

    pub(crate) fn raw_protocol(&self, r: &crate::model::Ranges) -> Bdd {
        self.ranges(Field::Protocol, r)
    }

    /// One address pattern on `f`, over that field's variables alone (without
    /// the family bit).
    pub(crate) fn addr_field(&self, f: Field, p: &AddrPattern) -> Bdd {
        let full = crate::model::values::full_mask(p.family());
        match *p {
            AddrPattern::Masked { addr, wildcard, .. } => {
                self.layout.masked(&self.vars, f, addr, full & !wildcard)
            }
            AddrPattern::Range { lo, hi, .. } => self.layout.range(&self.vars, f, lo, hi.min(full)),
        }
    }

    /// Address patterns on `f` (`Field::SrcAddr` or `Field::DstAddr`), without
    /// the validity constraint.
    pub(crate) fn raw_addr(&self, f: Field, pats: &[AddrPattern]) -> Bdd {
        let l = &self.layout;
        pats.iter().fold(self.vars.mk_false(), |acc, p| {
            let fam = match p.family() {
                Family::Ipv4 => 0,
                Family::Ipv6 => 1,
            };
            let one = match *p {
                AddrPattern::Masked {
                    family,
                    addr,
                    wildcard,
                } => {
                    let care = crate::model::values::full_mask(family) & !wildcard;
                    let mut cube = super::layout::Cube::default();
                    if !cube.masked(l, Field::Family, fam, 1) || !cube.masked(l, f, addr, care) {
                        self.vars.mk_false()
                    } else {
                        cube.build(&self.vars)
                    }
                }
                AddrPattern::Range { .. } => l
                    .eq(&self.vars, Field::Family, fam)
                    .and(&self.addr_field(f, p)),
            };
            acc.or(&one)
        })
    }

    /// Source address in any of the patterns (each pattern implies its family).
    pub fn src_addr(&self, pats: &[AddrPattern]) -> PacketSet {
        self.set(self.raw_addr(Field::SrcAddr, pats))
    }

    pub fn dst_addr(&self, pats: &[AddrPattern]) -> PacketSet {
        self.set(self.raw_addr(Field::DstAddr, pats))
    }

    /// Source port in `r`; only port-carrying protocols.
    pub fn src_port(&self, r: &crate::model::Ranges) -> PacketSet {
        self.set(self.raw_l4(Field::SrcPort, r))
    }

    pub fn dst_port(&self, r: &crate::model::Ranges) -> PacketSet {
        self.set(self.raw_l4(Field::DstPort, r))
    }

    /// ICMP/ICMPv6 type in `r`; only ICMP protocols.
    pub fn icmp_type(&self, r: &crate::model::Ranges) -> PacketSet {
        self.set(self.raw_l4(Field::IcmpType, r))
    }

    pub fn icmp_code(&self, r: &crate::model::Ranges) -> PacketSet {
        self.set(self.raw_l4(Field::IcmpCode, r))
    }

    /// TCP flags byte in `r`; only TCP.
    pub fn tcp_flags(&self, r: &crate::model::Ranges) -> PacketSet {
        self.set(self.raw_l4(Field::TcpFlags, r))
    }

    /// Ports, ICMP type/code or TCP flags in `r`, implying the protocols that
    /// have them.
    pub(crate) fn raw_l4(&self, f: Field, r: &crate::model::Ranges) -> Bdd {
        match f {
            Field::SrcPort | Field::DstPort => self.ranges(f, r).and(&self.port_protos_raw),
            Field::TcpFlags => self.ranges(f, r).and(&self.layout.eq(
                &self.vars,
                Field::Protocol,
                proto::TCP as u128,
            )),
            _ => self.ranges(f, r).and(&self.icmp_protos_raw),
        }
    }

    /// First packets of new connections, as `fwlint query` reads a packet
    /// line: conntrack state `new`, and for TCP a SYN (flags exactly 0x02,
    /// [`tcp_flags::DEFAULT`]). What the checks mean by "a connection".
    pub fn new_connections(&self) -> PacketSet {
        if !self.has_tcp_flags() {
            return self.set(self.raw_ct(CtStates::NEW));
        }
        let syn = self.raw_l4(
            Field::TcpFlags,
            &crate::model::Ranges::single(tcp_flags::DEFAULT as u16),
        );
        let tcp = self
            .layout
            .eq(&self.vars, Field::Protocol, proto::TCP as u128);
        self.set(self.raw_ct(CtStates::NEW).and(&tcp.not().or(&syn)))
    }

    /// Packets whose ct state is one of `s`.
    pub fn ct_state(&self, s: CtStates) -> PacketSet {
        self.set(self.raw_ct(s))
    }

    pub(crate) fn raw_ct(&self, s: CtStates) -> Bdd {
        CtStates::NAMES
            .iter()
            .enumerate()
            .filter(|(_, (_, st))| s.0 & st.0 != 0)
            .fold(self.vars.mk_false(), |acc, (i, _)| {
                acc.or(&self.layout.eq(&self.vars, Field::Ct, i as u128))
            })
    }

    fn iface(&self, f: Field, names: &[String]) -> Tri {
        let (must, may) = self.raw_iface(f, names);
        if must == may {
            Tri::exact(self.set(must))
        } else {
            Tri {
                must: self.set(must),
                may: self.set(may),
            }
        }
    }

    /// `(must, may)` of an interface condition on `f`, without validity.
    pub(crate) fn raw_iface(&self, f: Field, names: &[String]) -> (Bdd, Bdd) {
        let ids = |v: &[u32]| {
            v.iter().fold(self.vars.mk_false(), |acc, id| {
                acc.or(&self.layout.eq(&self.vars, f, *id as u128))
            })
        };
        let (mut must, mut may) = (Vec::new(), Vec::new());
        for n in names {
            let m = self.ifaces.matching(n);
            must.extend(m.must);
            may.extend(m.may);
        }
        must.sort_unstable();
        must.dedup();
        may.sort_unstable();
        may.dedup();
        (ids(&must), ids(&may))
    }

    /// Input interface is one of `names` (exact for interned names and
    /// wildcards; a sound approximation for others).
    pub fn in_iface(&self, names: &[String]) -> Tri {
        self.iface(Field::InIface, names)
    }

    pub fn out_iface(&self, names: &[String]) -> Tri {
        self.iface(Field::OutIface, names)
    }

    /// Exactly one packet (the empty set if the space cannot represent it: an
    /// inconsistent packet, or one outside a small test layout).
    pub fn packet(&self, p: &Packet) -> PacketSet {
        match self.valuation(p) {
            Some(v) => self.set(v.mk_bdd()),
            None => self.none(),
        }
    }

    /// The valuation of a concrete packet, `None` when it is not representable.
    pub(crate) fn valuation(&self, p: &Packet) -> Option<BddValuation> {
        let l = &self.layout;
        let family = p.family();
        if Family::of(&p.dst) != family {
            return None;
        }
        if let Some(ps) = &self.protocols {
            if !ps.contains(&p.protocol) {
                return None;
            }
        }
        let ports = proto::has_ports(p.protocol);
        let icmp = proto::has_icmp(p.protocol);
        if (p.protocol == proto::TCP) != p.tcp_flags.is_some() {
            return None;
        }
        if ports != (p.sport.is_some() && p.dport.is_some())
            || (!ports && (p.sport.is_some() || p.dport.is_some()))
            || icmp != (p.icmp_type.is_some() && p.icmp_code.is_some())
            || (!icmp && (p.icmp_type.is_some() || p.icmp_code.is_some()))
        {
            return None;
        }
        let ct = CtStates::NAMES
            .iter()
            .position(|(_, s)| p.ct_state.0 == s.0)?;
        let mut v = BddValuation::all_false(l.num_vars());
        let mut put = |f: Field, value: u128| -> Option<()> {
            let w = l.width(f);
            if w < 128 && value >> w != 0 {
                return None;
            }
            for i in 0..w {
                v.set_value(l.bit(f, i), (value >> i) & 1 == 1);
            }
            Some(())
        };
        put(Field::Family, (family == Family::Ipv6) as u128)?;
        put(Field::Protocol, p.protocol as u128)?;
        put(Field::SrcAddr, ip_to_u128(&p.src))?;
        put(Field::DstAddr, ip_to_u128(&p.dst))?;
        put(Field::SrcPort, p.sport.unwrap_or(0) as u128)?;
        put(Field::DstPort, p.dport.unwrap_or(0) as u128)?;
        put(Field::IcmpType, p.icmp_type.unwrap_or(0) as u128)?;
        put(Field::IcmpCode, p.icmp_code.unwrap_or(0) as u128)?;
        if self.has_tcp_flags() {
            put(Field::TcpFlags, p.tcp_flags.unwrap_or(0) as u128)?;
        }
        put(Field::Ct, ct as u128)?;
        put(
            Field::InIface,
            self.ifaces.class_of(p.iif.as_deref()) as u128,
        )?;
        put(
            Field::OutIface,
            self.ifaces.class_of(p.oif.as_deref()) as u128,
        )?;
        Some(v)
    }
}

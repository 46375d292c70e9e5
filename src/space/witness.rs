//! A concrete member of a set, chosen to read well in a finding: a new
//! connection, TCP or UDP before other protocols, source port 49152 when the set
//! allows it, ICMP echo requests, TCP SYNs, and otherwise the lowest value of each field.

use super::layout::Field;
use super::{PacketSet, Space};
use crate::model::packet::DEFAULT_SPORT;
use crate::model::tcp_flags;
use crate::model::values::{proto, u128_to_ip};
use crate::model::{CtStates, Family, Packet};
use biodivine_lib_bdd::{Bdd, BddPointer, BddValuation, BddVariable};

impl Space {
    /// A concrete packet of `s`, or `None` when `s` is empty.
    ///
    /// Fields are fixed one bit at a time, in order of preference; each choice
    /// is checked against the diagram under the choices so far (see [`Pick`]),
    /// so no diagram is built.
    pub fn witness(&self, s: &PacketSet) -> Option<Packet> {
        if s.is_empty() {
            return None;
        }
        let mut p = Pick::new(s.bdd(), self.layout().num_vars());
        self.prefer(&mut p, Field::Ct, &[0]);
        self.prefer(
            &mut p,
            Field::Protocol,
            &[
                proto::TCP as u128,
                proto::UDP as u128,
                proto::ICMP as u128,
                proto::ICMPV6 as u128,
            ],
        );
        let v6 = self.field_fixed_to(&p, Field::Protocol, proto::ICMPV6 as u128);
        // ICMPv6 reads best over IPv6, everything else over IPv4.
        self.prefer(&mut p, Field::Family, &[v6 as u128]);
        self.lowest(&mut p, Field::DstAddr);
        self.lowest(&mut p, Field::DstPort);
        self.lowest(&mut p, Field::SrcAddr);
        self.prefer(&mut p, Field::SrcPort, &[DEFAULT_SPORT as u128]);
        let echo = if v6 { [128, 8] } else { [8, 128] };
        self.prefer(&mut p, Field::IcmpType, &echo);
        self.prefer(&mut p, Field::TcpFlags, &[tcp_flags::DEFAULT as u128]);
        for f in [Field::IcmpCode, Field::InIface, Field::OutIface] {
            self.lowest(&mut p, f);
        }
        Some(self.decode(&p.valuation()?))
    }

    /// Fix `f` to the first of `values` the set allows, else to its lowest value.
    fn prefer(&self, p: &mut Pick, f: Field, values: &[u128]) {
        let l = self.layout();
        let vars = l.vars(f);
        for &v in values {
            if v > l.max(f) {
                continue;
            }
            let bits: Vec<(BddVariable, bool)> = (0..l.width(f))
                .map(|i| (l.bit(f, i), (v >> i) & 1 == 1))
                .collect();
            if p.try_fix(&bits) {
                return;
            }
        }
        debug_assert!(vars.iter().all(|v| p.fixed[v.to_index()].is_none()));
        self.lowest(p, f);
    }

    /// Was `f` fixed to `v`?
    fn field_fixed_to(&self, p: &Pick, f: Field, v: u128) -> bool {
        let l = self.layout();
        (0..l.width(f)).all(|i| p.fixed[l.bit(f, i).to_index()] == Some((v >> i) & 1 == 1))
    }

    /// Fix `f` to the lowest value the (non-empty) set allows, bit by bit.
    fn lowest(&self, p: &mut Pick, f: Field) {
        for var in self.layout().vars(f) {
            if !p.try_fix(&[(var, false)]) {
                p.force(var, true);
            }
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
            tcp_flags: (protocol == proto::TCP).then(|| match self.has_tcp_flags() {
                true => self.field_value(v, Field::TcpFlags) as u8,
                false => tcp_flags::DEFAULT,
            }),
            ct_state: CtStates::NAMES
                .get(ct)
                .map(|(_, s)| *s)
                .unwrap_or(CtStates::NEW),
            iif: iface(Field::InIface),
            oif: iface(Field::OutIface),
        }
    }
}

/// Variables fixed one by one, keeping the set non-empty: a partial valuation
/// and a satisfiability test under it.
///
/// The test is one pass over the nodes (children are stored before their
/// parents, so index order is a topological order) that records which nodes
/// have a member under the fixes. After that, a fix changes only the nodes at
/// or above its variable; when every variable on the way down from the root to
/// below the changed ones is fixed, that way is one path, and the recorded
/// answer of the node it ends at still holds. Fields are mostly fixed from the
/// top variable down, so most tests are such a walk, not a pass.
struct Pick<'a> {
    fixed: Vec<Option<bool>>,
    part: Part<'a>,
}

/// The diagram of a [`Pick`], with what its tests have learnt.
struct Part<'a> {
    bdd: &'a Bdd,
    /// Per node: has a member under the fixes of the last pass.
    sat: Vec<bool>,
    /// A pass has filled `sat`.
    passed: bool,
    /// The highest variable whose fix changed since the last pass.
    dirty: Option<usize>,
    /// Where walks start: the node that following the fixes from the root
    /// reached, while no variable above it has changed since (`moved`, the
    /// lowest variable changed since it was set). Fields are fixed top down,
    /// so walks resume where the last one left the fixed part, instead of
    /// going down from the root each time.
    anchor: Option<BddPointer>,
    moved: Option<usize>,
    /// Variables that label some node: fixing any other changes nothing.
    present: Vec<bool>,
}

impl<'a> Part<'a> {
    fn new(bdd: &'a Bdd, num_vars: u16) -> Self {
        let mut present = vec![false; num_vars as usize];
        for i in 2..bdd.size() {
            present[bdd.var_of(BddPointer::from_index(i)).to_index()] = true;
        }
        Part {
            bdd,
            sat: vec![false; bdd.size()],
            passed: false,
            dirty: None,
            anchor: None,
            moved: None,
            present,
        }
    }

    fn touched(&mut self, i: usize) {
        self.dirty = Some(self.dirty.map_or(i, |d| d.max(i)));
        self.moved = Some(self.moved.map_or(i, |m| m.min(i)));
    }

    /// The variable of a node (terminals: below every variable).
    fn level(&self, p: BddPointer) -> usize {
        if p.is_terminal() {
            usize::MAX
        } else {
            self.bdd.var_of(p).to_index()
        }
    }

    /// Is some valuation that agrees with `fixed` in the diagram?
    fn satisfiable(&mut self, fixed: &[Option<bool>]) -> bool {
        let b = self.bdd;
        if b.size() <= 2 {
            return b.is_true();
        }
        if self.passed {
            if let Some(answer) = self.walk(fixed) {
                debug_assert_eq!(
                    answer,
                    pass_over(b, fixed, &mut vec![false; b.size()]),
                    "walk and pass disagree"
                );
                return answer;
            }
        }
        self.pass(fixed)
    }

    /// The answer without a pass, when the way down past the changed variables
    /// is one path of fixed variables.
    fn walk(&mut self, fixed: &[Option<bool>]) -> Option<bool> {
        let b = self.bdd;
        let mut p = match self.anchor {
            Some(a) if self.moved.is_none_or(|m| m >= self.level(a)) => a,
            _ => b.root_pointer(),
        };
        let Some(d) = self.dirty else {
            return Some(self.sat[b.root_pointer().to_index()]);
        };
        // The first node at or below the changed variables: the way to it
        // follows fixes above `d` only, which later fixes (top down) keep.
        let mut reached = None;
        let answer = loop {
            if reached.is_none() && self.level(p) >= d {
                reached = Some(p);
            }
            if p.is_terminal() {
                break p.is_one();
            }
            let v = b.var_of(p).to_index();
            if v > d {
                break self.sat[p.to_index()];
            }
            p = match fixed[v]? {
                false => b.low_link_of(p),
                true => b.high_link_of(p),
            };
        };
        if reached.is_some() {
            self.anchor = reached;
            self.moved = None;
        }
        Some(answer)
    }

    fn pass(&mut self, fixed: &[Option<bool>]) -> bool {
        self.passed = true;
        self.dirty = None;
        pass_over(self.bdd, fixed, &mut self.sat)
    }
}

/// Fill `sat` (one entry per node of `b`, at least 3 nodes): which nodes have a
/// member under `fixed`; the root's answer.
fn pass_over(b: &Bdd, fixed: &[Option<bool>], sat: &mut [bool]) -> bool {
    let n = b.size();
    sat[0] = false;
    sat[1] = true;
    for i in 2..n {
        let ptr = BddPointer::from_index(i);
        let lo = sat[b.low_link_of(ptr).to_index()];
        let hi = sat[b.high_link_of(ptr).to_index()];
        sat[i] = match fixed[b.var_of(ptr).to_index()] {
            Some(false) => lo,
            Some(true) => hi,
            None => lo || hi,
        };
    }
    sat[n - 1]
}

impl<'a> Pick<'a> {
    /// Over a non-empty diagram.
    fn new(bdd: &'a Bdd, num_vars: u16) -> Self {
        Pick {
            fixed: vec![None; num_vars as usize],
            part: Part::new(bdd, num_vars),
        }
    }

    fn set(&mut self, v: BddVariable, value: Option<bool>) {
        let i = v.to_index();
        self.fixed[i] = value;
        self.part.touched(i);
    }

    /// Fix a variable without a test (the caller knows the set keeps a member).
    fn force(&mut self, v: BddVariable, value: bool) {
        self.set(v, Some(value));
    }

    /// Fix the variables to these values if the set still has a member; else
    /// leave them free and say so.
    fn try_fix(&mut self, bits: &[(BddVariable, bool)]) -> bool {
        let before: Vec<Option<bool>> =
            bits.iter().map(|(v, _)| self.fixed[v.to_index()]).collect();
        for &(v, val) in bits {
            self.set(v, Some(val));
        }
        // The set had a member under the earlier choices; variables that no
        // node tests cannot empty it.
        if bits.iter().all(|(v, _)| !self.part.present[v.to_index()])
            || self.part.satisfiable(&self.fixed)
        {
            return true;
        }
        for ((v, _), old) in bits.iter().zip(before) {
            self.set(*v, old);
        }
        false
    }

    /// The valuation: the fixed variables, and the lowest values for the rest.
    fn valuation(mut self) -> Option<BddValuation> {
        for i in 0..self.fixed.len() {
            if self.fixed[i].is_none() {
                let v = BddVariable::from_index(i);
                if !self.try_fix(&[(v, false)]) {
                    self.force(v, true);
                }
            }
        }
        if !self.part.satisfiable(&self.fixed) {
            return None;
        }
        Some(BddValuation::new(
            self.fixed.iter().map(|b| b.unwrap_or(false)).collect(),
        ))
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

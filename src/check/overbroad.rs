//! `overbroad-rule`: allow rules that serve required flows but open far more.

use super::human_count;
use super::site::{allow_rules, describe_addrs, RuleAtGate, Site};
use crate::finding::{Finding, Kind, Severity};
use crate::model::values::proto;
use crate::model::Ranges;
use crate::space::PacketSet;
use crate::suggest::{render, Opening};

declare_check! {
    /// ## What it does
    /// Reports an allow rule that serves required flows but opens much more
    /// than they need: any source where a few hosts need it, whole subnets where
    /// one host needs it, port ranges where one port is needed, or every
    /// protocol. It quantifies the difference ("allows 64,512 TCP ports from
    /// any IPv4 address; the flows it serves need 3 ports from 2 addresses")
    /// and shows the tighter rule in the config's dialect.
    ///
    /// ## Why is this bad?
    /// Every extra port and source is attack surface that no application needs.
    /// Over-wide rules are how lateral movement gets through segmented networks.
    ///
    /// ## Example
    /// ```text
    /// permit tcp any host 10.0.1.10 range 1024 65535
    /// ```
    ///
    /// Use instead (the flows need tcp/5555 from the clients):
    /// ```text
    /// permit tcp 10.20.0.0 0.0.255.255 host 10.0.1.10 eq 5555
    /// ```
    ///
    /// ## How to fix
    /// Replace the rule with the suggested one. If the extra reach is needed by
    /// something the topology does not describe, add that flow to `[[flows]]`.
    pub OVERBROAD_RULE, "FW102", "overbroad-rule", Kind::Overbroad, Severity::Warning, topology: true,
    "an allow rule opens far more than the flows it serves"
}

/// How many times wider (in addresses) a rule must be before it is reported.
const ADDR_FACTOR: f64 = 16.0;
/// How many more ports than needed a rule must open before it is reported.
const EXTRA_PORTS: f64 = 16.0;

/// Why a rule is overbroad, in words; `None` when it is not.
pub fn excess(site: &Site, r: &RuleAtGate, need: &PacketSet) -> Option<String> {
    let space = site.space;
    if r.region.minus(need).is_empty() {
        return None;
    }
    let have = space.measure(&r.region);
    let used = space.measure(&r.region.intersect(need));
    let mut reasons = Vec::new();
    if have.protocols > used.protocols {
        reasons.push(format!(
            "{} protocols where {} {} needed",
            human_count(have.protocols),
            human_count(used.protocols),
            if used.protocols == 1.0 { "is" } else { "are" }
        ));
    }
    if have.dst_ports >= used.dst_ports + EXTRA_PORTS {
        reasons.push(format!(
            "{} destination ports where {} {} needed",
            human_count(have.dst_ports),
            human_count(used.dst_ports),
            if used.dst_ports == 1.0 { "is" } else { "are" }
        ));
    }
    if have.src_addrs >= used.src_addrs * ADDR_FACTOR {
        reasons.push(format!(
            "sources: {} where the flows come from {}",
            describe_addrs(space, &r.region, true),
            describe_addrs(space, &r.region.intersect(need), true)
        ));
    }
    if have.dst_addrs >= used.dst_addrs * ADDR_FACTOR {
        reasons.push(format!(
            "destinations: {} where the flows go to {}",
            describe_addrs(space, &r.region, false),
            describe_addrs(space, &r.region.intersect(need), false)
        ));
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

pub fn run(site: &Site, out: &mut Vec<Finding>) {
    for fw in &site.firewalls {
        for gate in &fw.gates {
            for r in allow_rules(site, fw, gate) {
                if r.served.is_empty() || super::rpc_dynamic::opens_rpc_range(site, &r) {
                    continue;
                }
                let need = gate
                    .flows
                    .iter()
                    .filter(|(i, _)| r.served.contains(i))
                    .fold(site.space.none(), |acc, (_, s)| acc.union(s));
                let Some(why) = excess(site, &r, &need) else {
                    continue;
                };
                let mut f = Finding::new(
                    &OVERBROAD_RULE,
                    format!(
                        "this rule serves {} required flow(s) but opens far more: {why}",
                        r.served.len()
                    ),
                )
                .at_rule(&r.rule.origin)
                .label("wider than the flows it serves")
                .filter(fw.rules.filters[gate.filter].name.clone());
                if let Some(w) = site.space.witness(&r.region.minus(&need)) {
                    f = f.note(format!("not needed by any flow, yet allowed: {w}"));
                }
                let flow = &site.flows[r.served[0]];
                f.flow = Some(super::missing_flow::flow_ref(flow));
                f = f.related(&flow.origin, "a flow this rule serves");
                f = f.help(format!(
                    "replace it with rules for the flows it serves:\n{}",
                    tighter(site, &fw.dialect, gate.inbound, &r.served)
                ));
                out.push(f);
            }
        }
    }
}

/// The tighter rules: one per protocol, from the union of the served flows.
pub fn tighter(site: &Site, dialect: &str, inbound: bool, served: &[usize]) -> String {
    let mut by_proto: Vec<(u8, Opening)> = Vec::new();
    for &i in served {
        let flow = &site.flows[i];
        match by_proto.iter_mut().find(|(p, _)| *p == flow.protocol) {
            Some((_, o)) => {
                for a in &flow.src {
                    if !o.src.contains(a) {
                        o.src.push(a.clone());
                    }
                }
                for a in &flow.dst {
                    if !o.dst.contains(a) {
                        o.dst.push(a.clone());
                    }
                }
                o.ports = o.ports.union(&flow.ports);
                o.rpc_keyword &= flow.rpc_dynamic;
            }
            None => by_proto.push((
                flow.protocol,
                Opening {
                    name: format!(
                        "{} {}",
                        flow.to_role,
                        proto::name(flow.protocol).unwrap_or("ip")
                    ),
                    protocol: flow.protocol,
                    src: flow.src.clone(),
                    dst: flow.dst.clone(),
                    ports: if flow.ports.is_empty() {
                        Ranges::empty()
                    } else {
                        flow.ports.clone()
                    },
                    rpc_keyword: flow.rpc_dynamic && dialect.starts_with("winfw"),
                    inbound,
                },
            )),
        }
    }
    by_proto
        .iter()
        .map(|(_, o)| render(dialect, o))
        .collect::<Vec<_>>()
        .join("\n")
}

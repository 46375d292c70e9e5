//! The site: firewalls from a topology, the filters ("gates") that required
//! flows cross, and each flow's packets at each gate. The flow checks
//! (`missing-flow`, `overbroad-rule`, `unneeded-rule`, `rpc-dynamic-open`)
//! read this; it is computed once.

use super::{rule_at, Context};
use crate::catalog::Phase;
use crate::model::eval::Symbols;
use crate::model::values::proto;
use crate::model::{AddrPattern, Cond, Family, Ranges, RuleSet, SymbolicField};
use crate::space::{PacketSet, Space};
use crate::topology::{FirewallDef, FirewallKind, RequiredFlow, Topology};

/// Source ports assumed for clients: the ephemeral range of every OS.
pub const CLIENT_PORTS: (u16, u16) = (1024, 65535);

/// Resolves Windows keywords for one firewall from the topology: `RPC` is the
/// site's RPC dynamic range, `RPC-EPMap` is TCP 135. Address keywords stay
/// opaque (the topology does not say what `LocalSubnet` is).
pub struct TopologySymbols {
    pub rpc_dynamic: Ranges,
}

impl Symbols for TopologySymbols {
    fn resolve(&self, field: SymbolicField, keyword: &str) -> Option<Cond> {
        let ports = match keyword.to_ascii_lowercase().as_str() {
            "rpc" => self.rpc_dynamic.clone(),
            "rpc-epmap" | "rpcepmap" => Ranges::single(135),
            _ => return None,
        };
        match field {
            SymbolicField::SrcPort => Some(Cond::SrcPort(ports)),
            SymbolicField::DstPort => Some(Cond::DstPort(ports)),
            _ => None,
        }
    }
}

/// One firewall of the topology, loaded.
pub struct Firewall<'a> {
    pub def: &'a FirewallDef,
    pub rules: &'a RuleSet,
    pub cx: Context<'a>,
    /// The dialect name of the config (for suggestions).
    pub dialect: String,
    pub gates: Vec<Gate>,
}

/// A filter of a firewall that some required flows cross.
pub struct Gate {
    /// Index into the firewall's `rules.filters` (and `cx.facts`).
    pub filter: usize,
    /// Windows direction of the traffic (for suggestions).
    pub inbound: bool,
    /// The packets the topology describes at this gate (for `unneeded`).
    pub scope: PacketSet,
    /// Restriction applied to a rule's region before measuring (a host
    /// firewall only ever sees its own host's traffic).
    pub view: PacketSet,
    /// Flows crossing the gate: index into `Site::flows`, and their packets here.
    pub flows: Vec<(usize, PacketSet)>,
}

/// Everything the flow checks read.
pub struct Site<'a> {
    pub topology: &'a Topology,
    pub space: &'a Space,
    pub flows: Vec<RequiredFlow>,
    /// Each flow's packets ([`flow_packets`]), index-aligned with `flows`.
    pub flow_sets: Vec<PacketSet>,
    pub firewalls: Vec<Firewall<'a>>,
    pub phase: Phase,
}

impl<'a> Site<'a> {
    /// Flows that must be open in the topology's phase.
    pub fn is_active(&self, flow: &RequiredFlow) -> bool {
        self.phase == Phase::Setup || flow.phase == Phase::Operation
    }
}

/// The packets of a flow: its sources and destinations, protocol and ports,
/// new connections, any source port (see [`client_ports`]).
pub fn flow_packets(space: &Space, flow: &RequiredFlow) -> PacketSet {
    let mut s = space
        .src_addr(&flow.src)
        .intersect(&space.dst_addr(&flow.dst))
        .intersect(&space.protocol(&Ranges::single(flow.protocol as u16)))
        .intersect(&space.new_connections());
    if proto::has_ports(flow.protocol) {
        s = s.intersect(&space.dst_port(&flow.ports));
    } else if flow.protocol == proto::ICMP {
        s = s.intersect(&space.icmp_type(&Ranges::single(8)));
    } else if flow.protocol == proto::ICMPV6 {
        s = s.intersect(&space.icmp_type(&Ranges::single(128)));
    }
    s
}

/// Packets whose source port is a client's ephemeral port, or that carry no
/// ports. `missing-flow` asks whether these get through: a filter that admits
/// only ephemeral source ports still serves real clients.
pub fn client_ports(space: &Space) -> PacketSet {
    let ported = space.src_port(&Ranges::range(0, u16::MAX));
    space
        .src_port(&Ranges::range(CLIENT_PORTS.0, CLIENT_PORTS.1))
        .union(&space.all().minus(&ported))
}

/// Build the gates of one firewall.
pub fn gates(
    space: &Space,
    topo: &Topology,
    def: &FirewallDef,
    rules: &RuleSet,
    flows: &[RequiredFlow],
    flow_sets: &[PacketSet],
) -> Result<Vec<Gate>, String> {
    let new = space.new_connections();
    let mut out = Vec::new();
    match &def.kind {
        FirewallKind::Host { hosts } => {
            let addrs: Vec<AddrPattern> = hosts
                .iter()
                .flat_map(|h| topo.addresses(h).map(<[_]>::to_vec).unwrap_or_default())
                .collect();
            let is_windows = rules.filters.iter().any(|f| f.dialect.starts_with("winfw"));
            let profile = def.profile.as_deref();
            for inbound in [true, false] {
                let name = match (is_windows, inbound) {
                    (true, true) => "in",
                    (true, false) => "out",
                    (false, true) => "input",
                    (false, false) => "output",
                };
                let Some(filter) = find(rules, name, if is_windows { profile } else { None })
                else {
                    continue;
                };
                let here = if inbound {
                    space.dst_addr(&addrs)
                } else {
                    space.src_addr(&addrs)
                };
                let crossing: Vec<(usize, PacketSet)> = flows
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| {
                        let ends = if inbound { &f.dst_hosts } else { &f.src_hosts };
                        ends.iter().any(|h| hosts.contains(h))
                    })
                    .map(|(i, _)| (i, flow_sets[i].intersect(&here)))
                    .filter(|(_, s)| !s.is_empty())
                    .collect();
                out.push(Gate {
                    filter,
                    inbound,
                    scope: here.intersect(&new),
                    view: here,
                    flows: crossing,
                });
            }
        }
        FirewallKind::Network { filter, from, to } => {
            let idx = rules
                .select_filter(filter.as_deref(), def.profile.as_deref())
                .ok()
                .and_then(|f| rules.filters.iter().position(|g| std::ptr::eq(g, f)))
                .ok_or_else(|| {
                    format!(
                        "firewall `{}`: no filter {} in {}",
                        def.name,
                        filter
                            .as_deref()
                            .map(|f| format!("`{f}`"))
                            .unwrap_or_else(|| "to pick".into()),
                        def.config.display()
                    )
                })?;
            let src: Vec<AddrPattern> = from
                .iter()
                .flat_map(|n| topo.addresses(n).map(<[_]>::to_vec).unwrap_or_default())
                .collect();
            let dst: Vec<AddrPattern> = to
                .iter()
                .flat_map(|n| topo.addresses(n).map(<[_]>::to_vec).unwrap_or_default())
                .collect();
            let scope = space.src_addr(&src).intersect(&space.dst_addr(&dst));
            let crossing: Vec<(usize, PacketSet)> = flows
                .iter()
                .enumerate()
                .filter(|(_, f)| def.governs(f, topo))
                .map(|(i, _)| (i, flow_sets[i].intersect(&scope)))
                .filter(|(_, s)| !s.is_empty())
                .collect();
            out.push(Gate {
                filter: idx,
                inbound: true,
                scope: scope.intersect(&new),
                view: space.all(),
                flows: crossing,
            });
        }
    }
    Ok(out)
}

fn find(rules: &RuleSet, name: &str, profile: Option<&str>) -> Option<usize> {
    let f = rules.select_filter(Some(name), profile).ok()?;
    rules.filters.iter().position(|g| std::ptr::eq(g, f))
}

/// What one allow rule does at a gate, for the overbroad/unneeded checks.
pub struct RuleAtGate<'r> {
    pub rule: &'r crate::model::Rule,
    /// The new connections it may allow here (decided region ∩ view ∩ new).
    pub region: PacketSet,
    /// Active flows it serves, with the part of each it serves.
    pub served: Vec<usize>,
    /// Setup-only flows it serves while the phase is operation.
    pub setup_only: Vec<usize>,
}

/// The allow rules of a gate and the flows each serves.
pub fn allow_rules<'r>(site: &Site, fw: &'r Firewall, gate: &Gate) -> Vec<RuleAtGate<'r>> {
    let f = &fw.rules.filters[gate.filter];
    let facts = &fw.cx.facts[gate.filter];
    let new = site.space.new_connections();
    let mut out = Vec::new();
    for region in &facts.analysis.rules {
        let rule = rule_at(f, region.chain, region.index);
        if !rule.enabled || rule.effect != crate::model::Effect::Allow {
            continue;
        }
        let d = region.effective.may.intersect(&gate.view).intersect(&new);
        if d.is_empty() {
            continue;
        }
        let mut served = Vec::new();
        let mut setup_only = Vec::new();
        for (i, set) in &gate.flows {
            if set.intersects(&d) {
                if site.is_active(&site.flows[*i]) {
                    served.push(*i);
                } else {
                    setup_only.push(*i);
                }
            }
        }
        out.push(RuleAtGate {
            rule,
            region: d,
            served,
            setup_only,
        });
    }
    out
}

/// "any IPv4 address (0.0.0.0/0)", "1 address", "65,536 addresses": the
/// sources (or destinations) of a set, in words.
pub fn describe_addrs(space: &Space, set: &PacketSet, src: bool) -> String {
    for (f, all, text) in [
        (Family::Ipv4, 2f64.powi(32), "any IPv4 address (0.0.0.0/0)"),
        (Family::Ipv6, 2f64.powi(128), "any IPv6 address (::/0)"),
    ] {
        let m = space.measure(&space.family(f).intersect(set));
        if (if src { m.src_addrs } else { m.dst_addrs }) >= all {
            return text.into();
        }
    }
    let m = space.measure(set);
    let n = if src { m.src_addrs } else { m.dst_addrs };
    if n == 1.0 {
        "1 address".into()
    } else {
        format!("{} addresses", super::human_count(n))
    }
}

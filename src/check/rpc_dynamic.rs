//! `rpc-dynamic-open`: a wide RPC dynamic port range opened by a rule.

use super::site::{allow_rules, describe_addrs, RuleAtGate, Site};
use crate::finding::{Finding, Kind, Severity};
use crate::model::values::proto;
use crate::model::Ranges;

declare_check! {
    /// ## What it does
    /// Reports an allow rule that opens a wide RPC dynamic port range: most of
    /// 49152–65535 (Windows Vista / Server 2008 and later), of 1025–5000
    /// (older Windows), or 1024–65535, when the site's flows need less.
    ///
    /// ## Why is this bad?
    /// Windows services reached through RPC (Active Directory replication,
    /// Netlogon, DFS-R, DCOM, WMI, ...) first ask the endpoint mapper on TCP
    /// 135, then connect to a port it hands out from the dynamic range. Opening
    /// the whole range to everyone opens every RPC service on the host. The
    /// vendor documents give three options: open the range wide (the default
    /// they describe, and the riskiest), **restrict the range**, or
    /// **encapsulate RPC in IPsec** and allow only IPsec between the hosts.
    ///
    /// ## Example
    /// ```text
    /// permit tcp any host 10.0.0.10 range 49152 65535
    /// ```
    ///
    /// ## How to fix
    /// - Allow TCP 135 (the endpoint mapper) plus a restricted range, only from
    ///   the hosts that need it.
    /// - Restrict the range on the servers: registry
    ///   `HKLM\Software\Microsoft\Rpc\Internet` (`Ports`, `PortsInternetAvailable`,
    ///   `UseInternetPorts`; at least 100 ports above 5000), or
    ///   `netsh int ipv4 set dynamicport tcp start=N num=M` (at least 255 ports);
    ///   then set `rpc-dynamic` in the topology's `[settings]`.
    /// - Pin services to fixed ports: AD replication with `TCP/IP Port` under
    ///   `HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Parameters`, Netlogon with
    ///   `DCTcpipPort` (a different port), DFS-R with `dfsrdiag StaticRPC`.
    /// - On Windows host firewalls, use the `RPC` keyword (`LPort=RPC`,
    ///   `localport=RPC`, `-LocalPort RPC`): it admits exactly the ports the
    ///   endpoint mapper hands out, and nothing else.
    /// - Or require IPsec between the hosts and allow only IPsec.
    pub RPC_DYNAMIC_OPEN, "FW104", "rpc-dynamic-open", Kind::Overbroad, Severity::Warning, topology: true,
    "a wide RPC dynamic port range is open"
}

/// The ranges that count as "the RPC dynamic range", and how many of their
/// ports a rule must open to be reported.
const RANGES: [(u16, u16, f64); 2] = [(49152, 65535, 1024.0), (1025, 5000, 1024.0)];

/// Does the rule open many ports of an RPC dynamic range that none of the
/// flows it serves needs (for those sources and destinations)?
pub fn opens_rpc_range(site: &Site, r: &RuleAtGate) -> bool {
    let tcp = site.space.protocol(&Ranges::single(proto::TCP as u16));
    let need = r
        .served
        .iter()
        .fold(site.space.none(), |acc, &i| acc.union(&site.flow_sets[i]));
    RANGES.iter().any(|&(lo, hi, min)| {
        let range = tcp.intersect(&site.space.dst_port(&Ranges::range(lo, hi)));
        let excess = r.region.intersect(&range).minus(&need);
        site.space.measure(&excess).dst_ports >= min
    })
}

pub fn run(site: &Site, out: &mut Vec<Finding>) {
    for fw in &site.firewalls {
        for gate in &fw.gates {
            for r in allow_rules(site, fw, gate) {
                if !opens_rpc_range(site, &r) {
                    continue;
                }
                let m = site.space.measure(&r.region);
                let windows = fw.dialect.starts_with("winfw");
                let mut f = Finding::new(
                    &RPC_DYNAMIC_OPEN,
                    format!(
                        "this rule opens {} TCP ports of the RPC dynamic range from {}",
                        super::human_count(m.dst_ports),
                        describe_addrs(site.space, &r.region, true)
                    ),
                )
                .at_rule(&r.rule.origin)
                .label("wide RPC dynamic range")
                .filter(fw.rules.filters[gate.filter].name.clone())
                .note(format!(
                    "the site's RPC dynamic range is {} (topology `[settings] rpc-dynamic`)",
                    site.topology.settings.rpc_dynamic
                ))
                .note("options from the vendor documents: open the range wide (riskiest), restrict it (registry HKLM\\Software\\Microsoft\\Rpc\\Internet, or `netsh int ipv4 set dynamicport tcp start=N num=M`; pin AD replication with NTDS\\Parameters `TCP/IP Port` and Netlogon with `DCTcpipPort`), or encapsulate RPC in IPsec");
                if let Some(&i) = r.served.first() {
                    f.flow = Some(super::missing_flow::flow_ref(&site.flows[i]));
                    f = f.related(&site.flows[i].origin, "a flow this rule serves");
                }
                let help = if r.served.is_empty() {
                    "no required flow uses this range: remove the rule".to_string()
                } else {
                    format!(
                        "allow TCP 135 plus only the RPC range the site uses, from the hosts that need it:\n{}",
                        super::overbroad::tighter(site, &fw.dialect, gate.inbound, &r.served)
                    )
                };
                f = f.help(if windows {
                    format!("{help}\n(on Windows host firewalls the `RPC` keyword admits exactly the ports the endpoint mapper hands out)")
                } else {
                    help
                });
                out.push(f);
            }
        }
    }
}

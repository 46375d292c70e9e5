//! `risky-service-exposed`: well-known risky services reachable from public
//! addresses, whatever the topology says.

use super::{each_filter, rule_at, rule_key, Context};
use crate::finding::{Finding, Kind, Severity};
use crate::model::bounds::Bounds;
use crate::model::eval::NoSymbols;
use crate::model::values::proto;
use crate::model::{AddrPattern, Cond, Effect, Match, Ranges};
use crate::space::{FilterAnalysis, PacketSet};

declare_check! {
    /// ## What it does
    /// Reports a risky service that a filter lets new connections reach from
    /// public (non-private) source addresses: SMB 445, NetBIOS 137–139, RDP
    /// 3389, WinRM 5985/5986, SQL Server 1433/1434, the RPC endpoint mapper
    /// 135, wide RPC dynamic ranges (49152–65535, 1024–65535), Telnet 23, TFTP
    /// 69, SNMP 161, LDAP 389. It says whether the service is open to *every*
    /// address or to some public addresses, and which allow rules open it.
    ///
    /// ## Why is this bad?
    /// These services are the usual way in for ransomware and worms, and they
    /// are rarely meant to be reachable from the internet. The check needs no
    /// topology: it is computed exactly from what the filter permits.
    ///
    /// ## Example
    /// ```text
    /// netsh advfirewall firewall add rule name="SMB" dir=in action=allow protocol=tcp localport=445
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// netsh advfirewall firewall add rule name="SMB" dir=in action=allow protocol=tcp localport=445 remoteip=10.20.0.0/16
    /// ```
    ///
    /// ## How to fix
    /// Restrict the rule's source to the networks that need the service. For
    /// RPC, allow the endpoint mapper (135) plus a restricted dynamic range
    /// (registry `HKLM\Software\Microsoft\Rpc\Internet`, or
    /// `netsh int ipv4 set dynamicport`), or `LPort=RPC` on Windows hosts.
    ///
    /// ## Known problems
    /// "Public" means outside 10/8, 172.16/12, 192.168/16, 100.64/10,
    /// loopback, link-local and fc00::/7. Outbound filters are not checked.
    pub RISKY_SERVICE_EXPOSED, "FW301", "risky-service-exposed", Kind::Exposure, Severity::Warning, topology: false,
    "a risky service is reachable from public addresses"
}

/// A risky service: protocol, ports, and how many of its ports must be open
/// before it counts (1 for a single service; many for a dynamic range).
struct Risky {
    name: &'static str,
    protocol: u8,
    ports: (u16, u16),
    min_ports: u32,
}

const RISKY: &[Risky] = &[
    Risky {
        name: "Telnet",
        protocol: proto::TCP,
        ports: (23, 23),
        min_ports: 1,
    },
    Risky {
        name: "TFTP",
        protocol: proto::UDP,
        ports: (69, 69),
        min_ports: 1,
    },
    Risky {
        name: "RPC endpoint mapper",
        protocol: proto::TCP,
        ports: (135, 135),
        min_ports: 1,
    },
    Risky {
        name: "NetBIOS name service",
        protocol: proto::UDP,
        ports: (137, 137),
        min_ports: 1,
    },
    Risky {
        name: "NetBIOS datagram",
        protocol: proto::UDP,
        ports: (138, 138),
        min_ports: 1,
    },
    Risky {
        name: "NetBIOS session",
        protocol: proto::TCP,
        ports: (139, 139),
        min_ports: 1,
    },
    Risky {
        name: "SNMP",
        protocol: proto::UDP,
        ports: (161, 161),
        min_ports: 1,
    },
    Risky {
        name: "LDAP",
        protocol: proto::TCP,
        ports: (389, 389),
        min_ports: 1,
    },
    Risky {
        name: "LDAP",
        protocol: proto::UDP,
        ports: (389, 389),
        min_ports: 1,
    },
    Risky {
        name: "SMB",
        protocol: proto::TCP,
        ports: (445, 445),
        min_ports: 1,
    },
    Risky {
        name: "SQL Server",
        protocol: proto::TCP,
        ports: (1433, 1433),
        min_ports: 1,
    },
    Risky {
        name: "SQL Server Browser",
        protocol: proto::UDP,
        ports: (1434, 1434),
        min_ports: 1,
    },
    Risky {
        name: "RDP",
        protocol: proto::TCP,
        ports: (3389, 3389),
        min_ports: 1,
    },
    Risky {
        name: "RDP",
        protocol: proto::UDP,
        ports: (3389, 3389),
        min_ports: 1,
    },
    Risky {
        name: "WinRM",
        protocol: proto::TCP,
        ports: (5985, 5986),
        min_ports: 1,
    },
    Risky {
        name: "the RPC dynamic range",
        protocol: proto::TCP,
        ports: (49152, 65535),
        min_ports: 1024,
    },
    Risky {
        name: "the legacy RPC dynamic range",
        protocol: proto::TCP,
        ports: (1025, 5000),
        min_ports: 1024,
    },
];

/// Source ranges that are not reachable from the public internet.
const PRIVATE: &[(&str, u8)] = &[
    ("10.0.0.0", 8),
    ("172.16.0.0", 12),
    ("192.168.0.0", 16),
    ("100.64.0.0", 10),
    ("127.0.0.0", 8),
    ("169.254.0.0", 16),
    ("0.0.0.0", 8),
    ("::1", 128),
    ("fe80::", 10),
    ("fc00::", 7),
    ("::", 128),
];

/// One risky service found open in a filter.
struct Opened {
    what: String,
    from_anywhere: bool,
    witness: String,
    wide_range: bool,
}

pub fn run(cx: &Context, out: &mut Vec<Finding>) {
    let private: Vec<AddrPattern> = PRIVATE
        .iter()
        .filter_map(|(a, l)| a.parse().ok().map(|ip| AddrPattern::prefix(ip, *l)))
        .collect();
    let public_new = cx
        .space
        .src_addr(&private)
        .complement()
        .intersect(&cx.space.new_connections());
    // Per service: its packets, its new connections from public sources, and
    // its bounding box (to skip rules that cannot touch it without a diagram).
    // `risky_public`: those of every service.
    let services: Vec<(&Risky, PacketSet, PacketSet, Bounds)> = RISKY
        .iter()
        .map(|svc| {
            let m = Match::new(vec![
                Cond::Protocol(Ranges::single(svc.protocol as u16)),
                Cond::DstPort(Ranges::range(svc.ports.0, svc.ports.1)),
            ]);
            let set = cx
                .space
                .protocol(&Ranges::single(svc.protocol as u16))
                .intersect(&cx.space.dst_port(&Ranges::range(svc.ports.0, svc.ports.1)));
            let public = set.intersect(&public_new);
            (svc, set, public, Bounds::of(&m))
        })
        .collect();
    let risky_public = services
        .iter()
        .fold(cx.space.none(), |acc, (_, _, public, _)| acc.union(public));
    each_filter(cx, out, |fi| {
        let (f, facts) = (&cx.rules.filters[fi], &cx.facts[fi]);
        let mut out = Vec::new();
        if !cx.is_exposure_relevant(f) {
            return out;
        }
        let an = &facts.analysis;
        // What the filter permits of the risky services from public sources:
        // one union per filter, over the allow rules that may touch a service
        // from a public address (rules whose sources are all private cannot),
        // not the whole `permitted`, a union over the whole filter.
        let permitted = an.may_permit_within(&risky_public, |pos| {
            let b = &facts.bounds[pos];
            !b.src_inside_any(&private) && services.iter().any(|(_, _, _, sb)| b.may_overlap(sb))
        });
        if permitted.is_empty() {
            return out;
        }
        // Rule position (or None for the default) → what it opens.
        let mut by_rule: Vec<(Option<usize>, Vec<Opened>)> = Vec::new();
        for (svc, service, service_public, sbounds) in &services {
            if !permitted.intersects(service_public) {
                continue;
            }
            let exposed = permitted.intersect(service_public);
            let wide_range = svc.min_ports > 1;
            let ports_open = if wide_range {
                cx.space.dst_port_count(&exposed)
            } else {
                1.0
            };
            if (ports_open as u32) < svc.min_ports {
                continue;
            }
            let Some(witness) = cx.space.witness(&exposed) else {
                continue;
            };
            let from_anywhere = from_anywhere(cx, an, &facts.bounds, service, &witness);
            let what = if svc.ports.0 == svc.ports.1 {
                format!(
                    "{} ({}/{})",
                    svc.name,
                    proto_name(svc.protocol),
                    svc.ports.0
                )
            } else if !wide_range {
                format!(
                    "{} ({}/{}-{})",
                    svc.name,
                    proto_name(svc.protocol),
                    svc.ports.0,
                    svc.ports.1
                )
            } else {
                format!(
                    "{} ({}/{}-{}, {} ports)",
                    svc.name,
                    proto_name(svc.protocol),
                    svc.ports.0,
                    svc.ports.1,
                    super::human_count(ports_open)
                )
            };
            // The first allow rule that takes effect on the exposed packets. A
            // wide range is opened by a rule that opens much of it, not by one
            // that happens to allow a port inside it (3389 lies in 1025-5000).
            let opens_enough =
                |s: &PacketSet| !wide_range || cx.space.dst_port_count(s) >= svc.min_ports as f64;
            let key = an.rules.iter().enumerate().position(|(pos, r)| {
                let rule = rule_at(f, r.chain, r.index);
                rule.enabled
                    && rule.effect == Effect::Allow
                    && facts.bounds[pos].may_overlap(sbounds)
                    && r.effective.may.intersects(&exposed)
                    && opens_enough(&r.effective.may.intersect(&exposed))
            });
            let opened = Opened {
                what,
                from_anywhere,
                witness: witness.to_string(),
                wide_range,
            };
            match by_rule.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(opened),
                None => by_rule.push((key, vec![opened])),
            }
        }
        for (pos, opened) in by_rule {
            let rule = pos.map(|p| {
                let r = &facts.analysis.rules[p];
                rule_at(f, r.chain, r.index)
            });
            let anywhere: Vec<&str> = opened
                .iter()
                .filter(|o| o.from_anywhere)
                .map(|o| o.what.as_str())
                .collect();
            let some: Vec<&str> = opened
                .iter()
                .filter(|o| !o.from_anywhere)
                .map(|o| o.what.as_str())
                .collect();
            let mut parts = Vec::new();
            if !anywhere.is_empty() {
                parts.push(format!("{} from any address", anywhere.join(", ")));
            }
            if !some.is_empty() {
                parts.push(format!("{} from some public addresses", some.join(", ")));
            }
            let subject = if rule.is_some() {
                "this rule exposes"
            } else {
                "the default action exposes"
            };
            let mut finding = Finding::new(
                &RISKY_SERVICE_EXPOSED,
                format!("{subject} {}", parts.join("; ")),
            )
            .filter(f.name.clone())
            .severity(if anywhere.is_empty() {
                Severity::Note
            } else {
                Severity::Warning
            });
            finding.witness = opened.first().map(|o| o.witness.clone());
            match rule {
                Some(r) => {
                    finding = finding
                        .at_rule(&r.origin)
                        .label("reachable from public addresses")
                }
                None => {
                    if let Some(o) = &f.origin {
                        finding = finding.at(o).label("the default action allows it");
                    }
                }
            }
            finding = finding.help(if opened.iter().any(|o| o.wide_range) {
                "allow TCP 135 plus a restricted RPC range (HKLM\\Software\\Microsoft\\Rpc\\Internet, or `netsh int ipv4 set dynamicport`), or `LPort=RPC` on Windows hosts, and only from the networks that need it"
            } else {
                "restrict the source to the networks that need these services"
            });
            out.push((rule.map(rule_key), finding));
        }
        out
    });
}

/// Is the witness's destination and port open to every source address of its
/// family? Asked of the allow rules that may touch that one destination.
fn from_anywhere(
    cx: &Context,
    an: &FilterAnalysis,
    bounds: &[Bounds],
    service: &PacketSet,
    w: &crate::model::Packet,
) -> bool {
    let fam = w.family();
    let dst = Match::new(vec![
        Cond::Protocol(Ranges::single(w.protocol as u16)),
        Cond::DstAddr(vec![AddrPattern::host(w.dst)]),
        Cond::DstPort(Ranges::single(w.dport.unwrap_or(0))),
    ]);
    let one = cx
        .space
        .compile(&dst, &NoSymbols)
        .must
        .intersect(&cx.space.src_addr(&[AddrPattern::any(fam)]))
        .intersect(&cx.space.family(fam))
        .intersect(service);
    let one_bounds = Bounds::of(&dst);
    one.is_subset_of(&an.may_permit_within(&one, |pos| bounds[pos].may_overlap(&one_bounds)))
}

fn proto_name(p: u8) -> &'static str {
    proto::name(p).unwrap_or("ip")
}

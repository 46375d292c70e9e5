//! Suggested rules, written in the syntax of the config they would go into.
//! Checks describe what to allow in neutral terms ([`Opening`]); this module
//! spells it for a dialect, keyed by the dialect's name, so that checks stay
//! free of dialect code.

use crate::model::values::{full_mask, proto, u128_to_ip};
use crate::model::{AddrPattern, Family, Ranges};

/// An allow rule to suggest, in neutral terms.
#[derive(Clone, Debug)]
pub struct Opening {
    /// Short name for dialects that name rules (Windows).
    pub name: String,
    pub protocol: u8,
    /// Empty: any source.
    pub src: Vec<AddrPattern>,
    /// Empty: any destination.
    pub dst: Vec<AddrPattern>,
    /// Destination ports; empty for portless protocols.
    pub ports: Ranges,
    /// Use the Windows `RPC` keyword instead of numeric ports.
    pub rpc_keyword: bool,
    /// Windows direction: inbound (`true`) or outbound.
    pub inbound: bool,
}

/// The rule for `dialect` (a dialect name such as `nft`, `cisco-ios`,
/// `winfw-netsh`). Unknown dialects get the neutral form.
pub fn render(dialect: &str, o: &Opening) -> String {
    match dialect {
        "nft" | "nft-json" => nft(o),
        "cisco-ios" | "cisco-nxos" | "cisco-xr" => cisco(o, false),
        "cisco-asa" => cisco(o, true),
        "winfw-netsh" => netsh(o),
        "winfw-ps" => powershell(o),
        d if d.starts_with("winfw") => rule_string(o),
        _ => neutral(o),
    }
}

fn proto_name(p: u8) -> String {
    proto::name(p)
        .map(str::to_string)
        .unwrap_or_else(|| p.to_string())
}

fn nft(o: &Opening) -> String {
    let mut parts = Vec::new();
    for (dir, pats) in [("saddr", &o.src), ("daddr", &o.dst)] {
        for fam in [Family::Ipv4, Family::Ipv6] {
            let v: Vec<String> = pats
                .iter()
                .filter(|p| p.family() == fam)
                .map(|p| p.to_string())
                .collect();
            if v.is_empty() {
                continue;
            }
            let kw = if fam == Family::Ipv4 { "ip" } else { "ip6" };
            parts.push(if v.len() == 1 {
                format!("{kw} {dir} {}", v[0])
            } else {
                format!("{kw} {dir} {{ {} }}", v.join(", "))
            });
        }
    }
    if proto::has_ports(o.protocol) && !o.ports.is_empty() {
        let ports = o.ports.to_string();
        let ports = if o.ports.ranges().len() > 1 {
            format!("{{ {} }}", ports.replace(',', ", "))
        } else {
            ports
        };
        parts.push(format!("{} dport {ports}", proto_name(o.protocol)));
    } else {
        parts.push(format!("meta l4proto {}", proto_name(o.protocol)));
    }
    parts.push("ct state new accept".into());
    parts.join(" ")
}

/// Cisco address: `any`, `host A`, `A WILDCARD` (IOS) or `A MASK` (ASA).
fn cisco_addr(p: &AddrPattern, asa: bool) -> String {
    match *p {
        AddrPattern::Masked {
            family,
            addr,
            wildcard,
        } => {
            if wildcard == full_mask(family) {
                return "any".into();
            }
            if wildcard == 0 {
                return format!("host {}", u128_to_ip(family, addr));
            }
            if family == Family::Ipv6 {
                return p.to_string();
            }
            let shown = if asa {
                !wildcard & full_mask(family)
            } else {
                wildcard
            };
            format!("{} {}", u128_to_ip(family, addr), u128_to_ip(family, shown))
        }
        AddrPattern::Range { .. } => format!("object-group <{p}>"),
    }
}

fn cisco(o: &Opening, asa: bool) -> String {
    let srcs: Vec<String> = if o.src.is_empty() {
        vec!["any".into()]
    } else {
        o.src.iter().map(|p| cisco_addr(p, asa)).collect()
    };
    let dsts: Vec<String> = if o.dst.is_empty() {
        vec!["any".into()]
    } else {
        o.dst.iter().map(|p| cisco_addr(p, asa)).collect()
    };
    let ports: Vec<String> = if proto::has_ports(o.protocol) && !o.ports.is_empty() {
        o.ports
            .ranges()
            .iter()
            .map(|&(a, b)| {
                if a == b {
                    format!(" eq {a}")
                } else {
                    format!(" range {a} {b}")
                }
            })
            .collect()
    } else {
        vec![String::new()]
    };
    let mut lines = Vec::new();
    for s in &srcs {
        for d in &dsts {
            for p in &ports {
                let head = if asa {
                    "access-list ACL extended permit"
                } else {
                    "permit"
                };
                lines.push(format!("{head} {} {s} {d}{p}", proto_name(o.protocol)));
            }
        }
    }
    lines.join("\n")
}

fn win_ports(o: &Opening) -> String {
    if o.rpc_keyword {
        "RPC".into()
    } else {
        o.ports.to_string()
    }
}

fn win_addrs(pats: &[AddrPattern]) -> String {
    if pats.is_empty() {
        "any".into()
    } else {
        pats.iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn netsh(o: &Opening) -> String {
    let (local, remote) = if o.inbound {
        (&o.dst, &o.src)
    } else {
        (&o.src, &o.dst)
    };
    let mut s = format!(
        "netsh advfirewall firewall add rule name=\"{}\" dir={} action=allow protocol={}",
        o.name,
        if o.inbound { "in" } else { "out" },
        proto_name(o.protocol)
    );
    if proto::has_ports(o.protocol) && !o.ports.is_empty() {
        let kw = if o.inbound { "localport" } else { "remoteport" };
        s.push_str(&format!(" {kw}={}", win_ports(o)));
    }
    if !remote.is_empty() {
        s.push_str(&format!(" remoteip={}", win_addrs(remote)));
    }
    if !local.is_empty() {
        s.push_str(&format!(" localip={}", win_addrs(local)));
    }
    s
}

fn powershell(o: &Opening) -> String {
    let (local, remote) = if o.inbound {
        (&o.dst, &o.src)
    } else {
        (&o.src, &o.dst)
    };
    let mut s = format!(
        "New-NetFirewallRule -DisplayName \"{}\" -Direction {} -Action Allow -Protocol {}",
        o.name,
        if o.inbound { "Inbound" } else { "Outbound" },
        proto_name(o.protocol).to_uppercase()
    );
    if proto::has_ports(o.protocol) && !o.ports.is_empty() {
        let kw = if o.inbound {
            "-LocalPort"
        } else {
            "-RemotePort"
        };
        let ports = if o.rpc_keyword {
            "RPC".to_string()
        } else {
            o.ports.to_string()
        };
        s.push_str(&format!(" {kw} {ports}"));
    }
    if !remote.is_empty() {
        s.push_str(&format!(" -RemoteAddress {}", win_addrs(remote)));
    }
    if !local.is_empty() {
        s.push_str(&format!(" -LocalAddress {}", win_addrs(local)));
    }
    s
}

fn rule_string(o: &Opening) -> String {
    let (local, remote) = if o.inbound {
        (&o.dst, &o.src)
    } else {
        (&o.src, &o.dst)
    };
    let mut s = format!(
        "v2.30|Action=Allow|Active=TRUE|Dir={}|Protocol={}|",
        if o.inbound { "In" } else { "Out" },
        o.protocol
    );
    if proto::has_ports(o.protocol) && !o.ports.is_empty() {
        let kw = if o.inbound { "LPort" } else { "RPort" };
        if o.rpc_keyword {
            s.push_str(&format!("{kw}=RPC|"));
        } else {
            for &(a, b) in o.ports.ranges() {
                if a == b {
                    s.push_str(&format!("{kw}={a}|"));
                } else {
                    s.push_str(&format!("{kw}={a}-{b}|"));
                }
            }
        }
    }
    for (kw4, kw6, pats) in [("RA4", "RA6", remote), ("LA4", "LA6", local)] {
        for p in pats {
            let kw = if p.family() == Family::Ipv4 { kw4 } else { kw6 };
            s.push_str(&format!("{kw}={p}|"));
        }
    }
    s.push_str(&format!("Name={}|", o.name));
    s
}

fn neutral(o: &Opening) -> String {
    format!(
        "allow {} from {} to {}{}",
        proto_name(o.protocol),
        win_addrs(&o.src),
        win_addrs(&o.dst),
        if o.ports.is_empty() {
            String::new()
        } else {
            format!(" port {}", o.ports)
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opening() -> Opening {
        Opening {
            name: "CRM web".into(),
            protocol: proto::TCP,
            src: vec![AddrPattern::prefix("10.20.0.0".parse().unwrap(), 16)],
            dst: vec![AddrPattern::host("10.0.1.10".parse().unwrap())],
            ports: Ranges::single(5555),
            rpc_keyword: false,
            inbound: true,
        }
    }

    #[test]
    fn renders_in_each_dialect() {
        let o = opening();
        assert_eq!(
            render("nft", &o),
            "ip saddr 10.20.0.0/16 ip daddr 10.0.1.10 tcp dport 5555 ct state new accept"
        );
        assert_eq!(
            render("cisco-ios", &o),
            "permit tcp 10.20.0.0 0.0.255.255 host 10.0.1.10 eq 5555"
        );
        assert_eq!(
            render("cisco-asa", &o),
            "access-list ACL extended permit tcp 10.20.0.0 255.255.0.0 host 10.0.1.10 eq 5555"
        );
        assert_eq!(
            render("winfw-netsh", &o),
            "netsh advfirewall firewall add rule name=\"CRM web\" dir=in action=allow protocol=tcp localport=5555 remoteip=10.20.0.0/16 localip=10.0.1.10"
        );
        assert_eq!(
            render("winfw-reg", &o),
            "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=5555|RA4=10.20.0.0/16|LA4=10.0.1.10|Name=CRM web|"
        );
        let mut rpc = o.clone();
        rpc.rpc_keyword = true;
        assert!(render("winfw-ps", &rpc).contains("-LocalPort RPC"));
    }
}

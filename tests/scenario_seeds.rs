//! The catalog's "Done when": for every built-in profile, a site that uses
//! every role of the profile behind a firewall whose config is generated to
//! open exactly the flows the profile requires gives no flow finding; taking
//! any one opening away gives exactly the `missing` finding(s) of the flow(s)
//! that opening served, pointing at the rule or default that now blocks them.
//!
//! The configs are generated in every dialect family: nftables (forward hook,
//! policy drop), Cisco IOS extended ACL, Cisco ASA access-list, and a Windows
//! host firewall written as `netsh advfirewall firewall add rule` lines (with
//! `localport=RPC` for RPC dynamic flows).

mod scenario_util;

use fwlint::catalog::{builtin, Phase};
use fwlint::model::values::proto;
use fwlint::model::Ranges;
use fwlint::topology::RequiredFlow;
use scenario_util::{check, flow_kinds, show, F};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Roles played by a population rather than one machine: given to a /24 group.
fn is_group_role(id: &str) -> bool {
    let short = id.rsplit('.').next().unwrap_or(id);
    matches!(
        short,
        "client"
            | "mac-client"
            | "mobile-device"
            | "internet"
            | "microsoft-cloud"
            | "microsoft-intune"
            | "exchange-online"
            | "ip-phone"
            | "admin"
            | "radius-client"
    )
}

/// A host (/32) or a group (/24) of the generated site.
#[derive(Clone)]
struct Entity {
    addr: [u8; 4],
    group: bool,
}

impl Entity {
    fn cidr(&self) -> String {
        let [a, b, c, d] = self.addr;
        if self.group {
            format!("{a}.{b}.{c}.0/24")
        } else {
            format!("{a}.{b}.{c}.{d}")
        }
    }
    fn ios(&self) -> String {
        let [a, b, c, d] = self.addr;
        if self.group {
            format!("{a}.{b}.{c}.0 0.0.0.255")
        } else {
            format!("host {a}.{b}.{c}.{d}")
        }
    }
    fn asa(&self) -> String {
        let [a, b, c, d] = self.addr;
        if self.group {
            format!("{a}.{b}.{c}.0 255.255.255.0")
        } else {
            format!("host {a}.{b}.{c}.{d}")
        }
    }
}

/// One opening of a generated config: one source, one destination, one
/// protocol, one port range (or none).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct Opening {
    src: String,
    dst: String,
    protocol: u8,
    ports: Option<(u16, u16)>,
    rpc: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Dialect {
    Nft,
    Ios,
    Asa,
    Netsh,
}

/// A generated config: its lines, and for each line the opening it holds.
struct Config {
    dialect: Dialect,
    file: String,
    lines: Vec<(String, Option<Opening>)>,
    /// 1-based line of the default action a missing flow points at.
    default_line: u64,
}

impl Config {
    fn text(&self, skip: Option<usize>) -> String {
        let mut s = String::new();
        for (i, (l, _)) in self.lines.iter().enumerate() {
            // A removed opening becomes a comment so line numbers stay put.
            if Some(i) == skip {
                s.push_str(match self.dialect {
                    Dialect::Nft => "# removed",
                    Dialect::Ios | Dialect::Asa => "!",
                    Dialect::Netsh => "REM removed",
                });
            } else {
                s.push_str(l);
            }
            s.push('\n');
        }
        s
    }
}

fn rule_line(d: Dialect, o: &Opening, ents: &BTreeMap<String, Entity>, n: usize) -> String {
    let (s, t) = (&ents[&o.src], &ents[&o.dst]);
    match d {
        Dialect::Nft => {
            let what = match (o.protocol, o.ports) {
                (proto::ICMP, _) => "icmp type echo-request".to_string(),
                (p, Some((lo, hi))) => {
                    let name = proto::name(p).unwrap();
                    if lo == hi {
                        format!("{name} dport {lo}")
                    } else {
                        format!("{name} dport {lo}-{hi}")
                    }
                }
                (p, None) => format!("meta l4proto {p}"),
            };
            format!(
                "    ip saddr {} ip daddr {} {what} accept",
                s.cidr(),
                t.cidr()
            )
        }
        Dialect::Ios | Dialect::Asa => {
            let (sa, da) = if d == Dialect::Ios {
                (s.ios(), t.ios())
            } else {
                (s.asa(), t.asa())
            };
            let name = proto::name(o.protocol)
                .map(str::to_string)
                .unwrap_or_else(|| o.protocol.to_string());
            let tail = match (o.protocol, o.ports) {
                (proto::ICMP, _) => " echo".to_string(),
                (_, Some((lo, hi))) if lo == hi => format!(" eq {lo}"),
                (_, Some((lo, hi))) => format!(" range {lo} {hi}"),
                (_, None) => String::new(),
            };
            if d == Dialect::Ios {
                format!(" permit {name} {sa} {da}{tail}")
            } else {
                format!("access-list FLOWS extended permit {name} {sa} {da}{tail}")
            }
        }
        Dialect::Netsh => {
            let proto = match o.protocol {
                proto::TCP => "TCP".to_string(),
                proto::UDP => "UDP".to_string(),
                proto::ICMP => "icmpv4:8,any".to_string(),
                p => p.to_string(),
            };
            let port = match o.ports {
                _ if o.rpc => " localport=RPC".to_string(),
                Some((lo, hi)) if lo == hi => format!(" localport={lo}"),
                Some((lo, hi)) => format!(" localport={lo}-{hi}"),
                None => String::new(),
            };
            format!(
                "netsh advfirewall firewall add rule name=\"flow {n}\" dir=in action=allow protocol={proto}{port} remoteip={} localip={} profile=domain",
                s.cidr(),
                t.cidr()
            )
        }
    }
}

/// The openings of a flow: one per port range.
fn openings(f: &RequiredFlow) -> Vec<Opening> {
    let base = Opening {
        src: f.from_name.clone(),
        dst: f.to_name.clone(),
        protocol: f.protocol,
        ports: None,
        rpc: f.rpc_dynamic,
    };
    if !proto::has_ports(f.protocol) {
        return vec![base];
    }
    f.ports
        .ranges()
        .iter()
        .map(|&r| Opening {
            ports: Some(r),
            ..base.clone()
        })
        .collect()
}

fn generate(
    d: Dialect,
    file: &str,
    flows: &[RequiredFlow],
    ents: &BTreeMap<String, Entity>,
) -> Config {
    // Merge the port ranges of the flows between the same ends on the same
    // protocol: overlapping openings would be (rightly) reported shadowed.
    let mut merged: BTreeMap<(String, String, u8, bool), Option<Ranges>> = BTreeMap::new();
    for f in flows {
        let key = (
            f.from_name.clone(),
            f.to_name.clone(),
            f.protocol,
            f.rpc_dynamic,
        );
        let e = merged.entry(key).or_insert(None);
        if proto::has_ports(f.protocol) {
            *e = Some(e.take().unwrap_or_else(Ranges::empty).union(&f.ports));
        }
    }
    let ops: Vec<Opening> = merged
        .into_iter()
        .flat_map(|((src, dst, protocol, rpc), ports)| {
            let base = Opening {
                src,
                dst,
                protocol,
                ports: None,
                rpc,
            };
            match ports {
                None => vec![base],
                Some(r) => r
                    .ranges()
                    .iter()
                    .map(|&p| Opening {
                        ports: Some(p),
                        ..base.clone()
                    })
                    .collect(),
            }
        })
        .collect();
    let mut lines: Vec<(String, Option<Opening>)> = Vec::new();
    let head: &[&str] = match d {
        Dialect::Nft => &[
            "table inet f {",
            "  chain forward {",
            "    type filter hook forward priority 0; policy drop;",
            "    ct state established,related accept",
        ],
        Dialect::Ios => &["hostname gen", "!", "ip access-list extended FLOWS"],
        Dialect::Asa => &["hostname gen", "!"],
        Dialect::Netsh => &[
            "@echo off",
            "netsh advfirewall set domainprofile firewallpolicy blockinbound,allowoutbound",
        ],
    };
    lines.extend(head.iter().map(|l| (l.to_string(), None)));
    for (n, o) in ops.iter().enumerate() {
        lines.push((rule_line(d, o, ents, n), Some(o.clone())));
    }
    match d {
        Dialect::Nft => lines.extend(["  }".into(), "}".into()].map(|l: String| (l, None))),
        Dialect::Ios | Dialect::Asa => lines.push(("!".into(), None)),
        Dialect::Netsh => {}
    }
    let default_line = match d {
        Dialect::Nft => 3,
        Dialect::Ios => 3,
        Dialect::Asa => 0,
        Dialect::Netsh => 2,
    };
    Config {
        dialect: d,
        file: file.into(),
        lines,
        default_line,
    }
}

/// Does `ops` cover every packet of flow `f`?
fn covered(f: &RequiredFlow, ops: &[&Opening]) -> bool {
    openings(f).iter().all(|need| {
        let same: Vec<&&Opening> = ops
            .iter()
            .filter(|o| o.src == need.src && o.dst == need.dst && o.protocol == need.protocol)
            .collect();
        match need.ports {
            None => !same.is_empty(),
            Some((lo, hi)) => (lo..=hi).all(|p| {
                same.iter()
                    .any(|o| o.ports.is_some_and(|(a, b)| a <= p && p <= b))
            }),
        }
    })
}

struct Scenario {
    dir: tempfile::TempDir,
    topo: PathBuf,
    flows: Vec<RequiredFlow>,
    configs: Vec<(Config, Vec<RequiredFlow>)>,
}

fn flow_key(f: &RequiredFlow) -> (String, String, String, String) {
    (
        f.from_role.clone(),
        f.to_role.clone(),
        proto::name(f.protocol)
            .map(str::to_string)
            .unwrap_or_else(|| f.protocol.to_string()),
        f.ports.to_string(),
    )
}

/// Build the site of one profile: every role, one firewall per dialect given
/// (`Netsh` as a host firewall on every host, the others as a network filter
/// from and to everything).
fn scenario(profile: &str, dialects: &[Dialect]) -> Scenario {
    let cat = builtin();
    let p = cat.profile(profile).expect("profile");
    let mut ents = BTreeMap::new();
    let mut toml = String::from("[settings]\nphase = \"operation\"\n\n[groups]\n");
    let (mut nh, mut ng) = (0u8, 0u8);
    let mut roles = String::from("[roles]\n");
    let mut hosts = String::new();
    for r in &p.roles {
        let short = r.id.rsplit('.').next().unwrap();
        if is_group_role(&r.id) {
            ng += 1;
            let name = format!("g-{short}");
            let e = Entity {
                addr: [10, 200, ng, 0],
                group: true,
            };
            toml.push_str(&format!("{name} = [\"{}\"]\n", e.cidr()));
            roles.push_str(&format!("\"{}\" = [\"{name}\"]\n", r.id));
            ents.insert(name, e);
        } else {
            nh += 1;
            let name = format!("h-{short}");
            let e = Entity {
                addr: [10, 100, 0, nh],
                group: false,
            };
            hosts.push_str(&format!(
                "[hosts.{name}]\naddress = \"{}\"\nroles = [\"{}\"]\n\n",
                e.cidr(),
                r.id
            ));
            ents.insert(name, e);
        }
    }
    toml.push('\n');
    toml.push_str(&hosts);
    toml.push_str(&roles);
    let all: Vec<String> = ents.keys().map(|k| format!("\"{k}\"")).collect();
    let host_names: Vec<String> = ents
        .iter()
        .filter(|(_, e)| !e.group)
        .map(|(k, _)| format!("\"{k}\""))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let topo = dir.path().join("topology.toml");
    let mut fw_toml = String::new();
    let mut files = Vec::new();
    for &d in dialects {
        let (file, entry) = match d {
            Dialect::Nft => (
                "net.nft",
                format!(
                    "filter = \"forward\"\nfrom = [{0}]\nto = [{0}]\n",
                    all.join(", ")
                ),
            ),
            Dialect::Ios => (
                "net.ios",
                format!(
                    "dialect = \"cisco-ios\"\nfilter = \"FLOWS\"\nfrom = [{0}]\nto = [{0}]\n",
                    all.join(", ")
                ),
            ),
            Dialect::Asa => (
                "net.asa",
                format!(
                    "dialect = \"cisco-asa\"\nfilter = \"FLOWS\"\nfrom = [{0}]\nto = [{0}]\n",
                    all.join(", ")
                ),
            ),
            Dialect::Netsh => (
                "hosts.bat",
                format!(
                    "hosts = [{}]\nprofile = \"domain\"\n",
                    host_names.join(", ")
                ),
            ),
        };
        fw_toml.push_str(&format!(
            "\n[[firewalls]]\nname = \"{}\"\nconfig = \"{file}\"\n{entry}",
            file.replace('.', "-")
        ));
        files.push((d, file));
    }
    // Load the topology (without firewalls first: the configs are generated
    // from its flows) to learn the flows of the active phase.
    std::fs::write(&topo, &toml).unwrap();
    let t = fwlint::topology::load(&topo).expect("generated topology loads");
    let flows: Vec<RequiredFlow> = t
        .required_flows(cat)
        .into_iter()
        .filter(|f| f.phase == Phase::Operation)
        .collect();
    assert!(!flows.is_empty());
    std::fs::write(&topo, format!("{toml}{fw_toml}")).unwrap();
    let mut configs = Vec::new();
    for (d, file) in files {
        // A host firewall sees only the flows into its hosts.
        let here: Vec<RequiredFlow> = flows
            .iter()
            .filter(|f| d != Dialect::Netsh || !ents[&f.to_name].group)
            .filter(|f| f.from_name != f.to_name || ents[&f.to_name].group)
            .cloned()
            .collect();
        let c = generate(
            d,
            &dir.path().join(file).display().to_string(),
            &here,
            &ents,
        );
        std::fs::write(&c.file, c.text(None)).unwrap();
        configs.push((c, here));
    }
    Scenario {
        dir,
        topo,
        flows,
        configs,
    }
}

/// The whole scenario: no flow finding with every opening in place; then
/// each opening removed in turn. `every` is how many openings to skip
/// between removals (1 = all of them; the last is always removed). Returns
/// (openings removed, missing findings checked).
fn run(profile: &str, dialects: &[Dialect], every: usize) -> (usize, usize) {
    let sc = scenario(profile, dialects);
    let _keep = &sc.dir;
    let base = check(&sc.topo);
    let fk = flow_kinds(&base);
    assert!(
        fk.is_empty(),
        "{profile}: a config opening exactly the required flows gives flow findings:\n{}",
        show(&fk)
    );
    assert!(
        base.is_empty(),
        "{profile}: a generated config gives findings:\n{}",
        show(&base)
    );
    let mut removals = 0;
    let mut expected_missing = 0;
    for (ci, (c, here)) in sc.configs.iter().enumerate() {
        let idx: Vec<usize> = c
            .lines
            .iter()
            .enumerate()
            .filter(|(_, (_, o))| o.is_some())
            .map(|(i, _)| i)
            .collect();
        for (k, &i) in idx.iter().enumerate() {
            if k % every != 0 && k + 1 != idx.len() {
                continue;
            }
            removals += 1;
            std::fs::write(&c.file, c.text(Some(i))).unwrap();
            let rest: Vec<&Opening> = c
                .lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .filter_map(|(_, (_, o))| o.as_ref())
                .collect();
            let mut want: Vec<(String, String, String, String)> = here
                .iter()
                .filter(|f| f.required && !covered(f, &rest))
                .map(flow_key)
                .collect();
            want.sort();
            let got = check(&sc.topo);
            let mut missing: Vec<&F> = got.iter().filter(|f| f.kind == "missing").collect();
            missing.sort();
            let mut got_flows: Vec<_> = missing.iter().filter_map(|f| f.flow.clone()).collect();
            got_flows.sort();
            let removed = &c.lines[i].0;
            assert_eq!(
                got_flows,
                want,
                "{profile}: removing `{removed}` from {}:\n{}",
                c.file,
                show(&got)
            );
            for m in &missing {
                assert_eq!(m.code, "FW101");
                assert_eq!(m.file, c.file, "{profile}: removing `{removed}`");
                // The ASA's implicit deny sits on the ACL's first line.
                let default = if c.dialect == Dialect::Asa {
                    c.lines
                        .iter()
                        .enumerate()
                        .position(|(j, (l, _))| j != i && l.starts_with("access-list"))
                        .map_or(0, |j| j as u64 + 1)
                } else {
                    c.default_line
                };
                assert_eq!(
                    m.line, default,
                    "{profile}: removing `{removed}`: the default action blocks it"
                );
            }
            let extra: Vec<F> = flow_kinds(&got)
                .into_iter()
                .filter(|f| f.kind != "missing")
                .collect();
            assert!(
                extra.is_empty(),
                "{profile}: removing `{removed}` gives other findings:\n{}",
                show(&extra)
            );
            let _ = ci;
            expected_missing += want.len();
        }
        std::fs::write(&c.file, c.text(None)).unwrap();
    }
    eprintln!(
        "{profile}: {} flows, {removals} removals, {expected_missing} missing findings checked",
        sc.flows.len()
    );
    assert!(
        expected_missing >= removals / 2,
        "{profile}: most removals must break a required flow"
    );
    (removals, expected_missing)
}

#[test]
fn windows_core_nft_and_netsh() {
    // (openings removed, missing findings checked)
    assert_eq!(
        run("windows-core", &[Dialect::Nft, Dialect::Netsh], 1),
        (70, 46)
    );
}

#[test]
fn dynamics_crm_cisco_ios() {
    // (openings removed, missing findings checked)
    assert_eq!(run("dynamics-crm", &[Dialect::Ios], 1), (20, 16));
}

#[test]
fn configmgr_cisco_asa() {
    // (openings removed, missing findings checked)
    assert_eq!(run("configmgr", &[Dialect::Asa], 5), (34, 36));
}

#[test]
fn skype_for_business_nft() {
    // (openings removed, missing findings checked)
    assert_eq!(run("skype-for-business", &[Dialect::Nft], 3), (20, 23));
}

//! Every flow finding (`missing` FW101, `overbroad` FW102, `unneeded` FW103
//! incl. setup-only, `rpc-dynamic-open` FW104) on every dialect family (nft,
//! Cisco IOS, Cisco ASA, Windows netsh), with exact rule lines and flows:
//! `corpus/scenarios/kinds/` (its README lists what each rule is for).

mod scenario_util;

use scenario_util::{check, show, F};
use std::path::Path;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/scenarios/kinds");

type Flow = Option<(&'static str, &'static str, &'static str, &'static str)>;

/// (file, code, kind, line, flow) of one finding.
type Row = (String, String, String, u64, Flow);
/// (file, code, line, flow) of one finding.
type Row2 = (
    String,
    String,
    u64,
    Option<(String, String, String, String)>,
);

const WEB_SQL_1433: Flow = Some(("dynamics-crm.web", "dynamics-crm.sql", "tcp", "1433"));
const WEB_SQL_1025: Flow = Some(("dynamics-crm.web", "dynamics-crm.sql", "udp", "1025"));
const WEB_SQL_1434: Flow = Some(("dynamics-crm.web", "dynamics-crm.sql", "udp", "1434"));
const CRM_DC_RPC: Flow = Some(("crm01", "dc01", "tcp", "5000-5100"));

/// The flow-check findings (FW101–FW104) of a topology: (file, code, kind, line, flow).
fn flow_findings(topology: &str) -> (Vec<F>, Vec<Row>) {
    let all = check(&Path::new(DIR).join(topology));
    let mut v: Vec<_> = all
        .iter()
        .filter(|f| ["FW101", "FW102", "FW103", "FW104"].contains(&f.code.as_str()))
        .map(|f| {
            let flow: Flow = f.flow.as_ref().map(|(a, b, p, ports)| {
                let leak = |s: &String| -> &'static str { Box::leak(s.clone().into_boxed_str()) };
                (leak(a), leak(b), leak(p), leak(ports))
            });
            (
                Path::new(&f.file)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                f.code.clone(),
                f.kind.clone(),
                f.line,
                flow,
            )
        })
        .collect();
    v.sort();
    (all, v)
}

fn expect(rows: &[(&str, &str, u64, Flow)]) -> Vec<Row> {
    let mut v: Vec<_> = rows
        .iter()
        .map(|&(file, code, line, flow)| {
            let kind = match code {
                "FW101" => "missing",
                "FW103" => "unneeded",
                _ => "overbroad",
            };
            (
                file.to_string(),
                code.to_string(),
                kind.to_string(),
                line,
                flow,
            )
        })
        .collect();
    v.sort();
    v
}

/// The findings every dialect gives in both topologies.
fn common() -> Vec<(&'static str, &'static str, u64, Flow)> {
    vec![
        // nftables: policy drop on line 3.
        ("router.nft", "FW102", 7, WEB_SQL_1433),
        ("router.nft", "FW101", 9, WEB_SQL_1025),
        ("router.nft", "FW103", 11, WEB_SQL_1434),
        ("router.nft", "FW103", 12, None),
        ("router.nft", "FW104", 15, None),
        // Cisco IOS: the ACL starts on line 3.
        ("core.ios", "FW102", 6, WEB_SQL_1433),
        ("core.ios", "FW101", 8, WEB_SQL_1025),
        ("core.ios", "FW103", 10, WEB_SQL_1434),
        ("core.ios", "FW103", 11, None),
        ("core.ios", "FW104", 14, None),
        // Cisco ASA: the ACL starts on line 3.
        ("edge.asa", "FW102", 5, WEB_SQL_1433),
        ("edge.asa", "FW101", 8, WEB_SQL_1025),
        ("edge.asa", "FW103", 10, WEB_SQL_1434),
        ("edge.asa", "FW103", 11, None),
        ("edge.asa", "FW104", 14, None),
        // Windows netsh: block beats allow; `localport=RPC` serves the RPC flow.
        ("servers.bat", "FW102", 5, WEB_SQL_1433),
        ("servers.bat", "FW101", 7, WEB_SQL_1025),
        ("servers.bat", "FW103", 9, WEB_SQL_1434),
        ("servers.bat", "FW103", 10, None),
        ("servers.bat", "FW104", 13, None),
    ]
}

#[test]
fn every_kind_on_every_dialect() {
    let (all, got) = flow_findings("topology.toml");
    assert_eq!(got, expect(&common()), "\n{}", show(&all));
}

#[test]
fn restricted_rpc_range_reports_the_wide_rule_and_the_missing_range() {
    let (all, got) = flow_findings("restricted.toml");
    let mut rows = common();
    rows.extend([
        // 49152-65535 no longer serves the RPC flow: it is reported open, and
        // the flow's 5000-5100 is blocked by the default action.
        ("router.nft", "FW104", 14, None),
        ("router.nft", "FW101", 3, CRM_DC_RPC),
        ("core.ios", "FW104", 13, None),
        ("core.ios", "FW101", 3, CRM_DC_RPC),
        ("edge.asa", "FW104", 13, None),
        ("edge.asa", "FW101", 3, CRM_DC_RPC),
        // servers.bat: `localport=RPC` follows the site's range: nothing new.
    ]);
    assert_eq!(got, expect(&rows), "\n{}", show(&all));
}

#[test]
fn recommended_flows_are_never_missing_nor_their_rules_unneeded() {
    for topo in ["topology.toml", "restricted.toml"] {
        let all = check(&Path::new(DIR).join(topo));
        // The CRM HTTPS rule (recommended flow) is on line 6 (nft), 5 (IOS),
        // 4 (ASA, netsh): no flow finding there.
        for (file, line) in [
            ("router.nft", 6),
            ("core.ios", 5),
            ("edge.asa", 4),
            ("servers.bat", 4),
        ] {
            let at: Vec<&F> = all
                .iter()
                .filter(|f| f.file.ends_with(file) && f.line == line)
                .collect();
            assert!(at.is_empty(), "{topo}: {file}:{line}: {at:?}");
        }
        // No missing finding ever names a recommended flow (CRM HTTPS, clients
        // to SQL for the Excel export).
        for f in all.iter().filter(|f| f.kind == "missing") {
            let (_, _, p, ports) = f.flow.as_ref().unwrap();
            assert!(
                !(p == "tcp" && (ports == "443" || ports == "1433")),
                "{topo}: recommended flow reported missing: {f:?}"
            );
        }
    }
}

#[test]
fn setup_phase_requires_setup_flows_and_keeps_their_rules() {
    let (all, got) = flow_findings("setup.toml");
    let web_sql = |p: &'static str, ports: &'static str| -> Flow {
        Some(("dynamics-crm.web", "dynamics-crm.sql", p, ports))
    };
    let mut rows: Vec<_> = common()
        .into_iter()
        // SQL Browser (udp/1434) is needed during setup: no longer unneeded.
        .filter(|r| r.3 != WEB_SQL_1434)
        .collect();
    // The setup-only NetBIOS flows nobody opened are missing, at the default.
    for (file, line) in [
        ("router.nft", 3),
        ("core.ios", 3),
        ("edge.asa", 3),
        ("servers.bat", 2),
    ] {
        for (p, ports) in [("tcp", "139"), ("udp", "137"), ("udp", "138")] {
            rows.push((file, "FW101", line, web_sql(p, ports)));
        }
    }
    assert_eq!(got, expect(&rows), "\n{}", show(&all));
}

const HOSTFW: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/scenarios/hostfw");

fn codes(fs: &[F]) -> Vec<Row2> {
    let mut v: Vec<_> = fs
        .iter()
        .map(|f| {
            (
                Path::new(&f.file)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                f.code.clone(),
                f.line,
                f.flow.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

fn s(x: &str) -> String {
    x.to_string()
}

/// `LPort=RPC` on a Windows host firewall serves the restricted RPC range
/// exactly: not missing, not overbroad; the old wide-range rule is reported.
/// An nftables host firewall (input hook) reports the rule nobody needs.
#[test]
fn host_firewalls_rpc_keyword_and_nft_input() {
    let all = check(&Path::new(HOSTFW).join("topology.toml"));
    assert_eq!(
        codes(&all),
        vec![
            (s("app01.nft"), s("FW103"), 6, None),
            (s("dc01.reg"), s("FW104"), 3, None),
        ],
        "\n{}",
        show(&all)
    );
    // Without the `LPort=RPC` rule the restricted range is blocked (by the
    // default action: a rule-string file has no line for it).
    let dir = tempfile::tempdir().unwrap();
    for f in ["topology.toml", "app01.nft", "dc01.reg"] {
        std::fs::copy(Path::new(HOSTFW).join(f), dir.path().join(f)).unwrap();
    }
    let reg = std::fs::read_to_string(dir.path().join("dc01.reg")).unwrap();
    let kept: Vec<&str> = reg.lines().filter(|l| !l.contains("LPort=RPC|")).collect();
    assert_eq!(kept.len(), 2);
    std::fs::write(dir.path().join("dc01.reg"), kept.join("\n") + "\n").unwrap();
    let all = check(&dir.path().join("topology.toml"));
    assert_eq!(
        codes(&all),
        vec![
            (s("app01.nft"), s("FW103"), 6, None),
            (
                s("dc01.reg"),
                s("FW101"),
                0,
                Some((s("app01"), s("dc01"), s("tcp"), s("5000-5100")))
            ),
            (s("dc01.reg"), s("FW104"), 2, None),
        ],
        "\n{}",
        show(&all)
    );
}

const NFT_CHAINS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/scenarios/nft-chains");

/// Flows reach their accept rules through a verdict map, jumps and a named
/// set: no finding at all. Take udp/1025 out of the anonymous set and the
/// flow falls back (`return`) to the base chain's `counter drop` on line 8.
#[test]
fn nft_verdict_maps_and_jumps() {
    let all = check(&Path::new(NFT_CHAINS).join("topology.toml"));
    assert!(all.is_empty(), "\n{}", show(&all));
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(NFT_CHAINS).join("topology.toml"),
        dir.path().join("topology.toml"),
    )
    .unwrap();
    let text = std::fs::read_to_string(Path::new(NFT_CHAINS).join("e.nft")).unwrap();
    assert!(text.contains("{ 445, 1025 }"));
    std::fs::write(
        dir.path().join("e.nft"),
        text.replace("{ 445, 1025 }", "{ 445 }"),
    )
    .unwrap();
    let all = check(&dir.path().join("topology.toml"));
    assert_eq!(
        codes(&all),
        vec![(
            s("e.nft"),
            s("FW101"),
            8,
            Some((
                s("dynamics-crm.web"),
                s("dynamics-crm.sql"),
                s("udp"),
                s("1025")
            ))
        )],
        "\n{}",
        show(&all)
    );
}

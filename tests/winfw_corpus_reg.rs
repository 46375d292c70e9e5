//! Real public `.reg` exports (`../shared/corpus-real/winfw/*.reg`) and the
//! MS-GPFAS sample rule string, plus the samples under `corpus/winfw/`, read
//! with no parse finding except the constructs named in `EXPECTED`.

use fwlint::dialect::winfw;
use fwlint::model::{Action, Cond, FilterBody, IssueLevel, RuleSet, SymbolicField};
use fwlint::read::Input;
use std::path::{Path, PathBuf};

const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus-real/winfw");
const OURS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/winfw");

/// Every corpus file read as winfw-reg, with the findings it is expected to
/// give (level, part of the message) and the number of rules it holds.
type Expectation = (&'static str, &'static [(IssueLevel, &'static str)], usize);

const EXPECTED: &[Expectation] = &[
    ("malton33__CyberPatriot-windows__Firewall.reg", &[], 0),
    (
        "yossidoctor__Windows-Setup-Automation-for-Security-and-Privacy__FirewallRules.reg",
        &[],
        31,
    ),
    (
        "microsoft__openspecs-ms-gpfas__4.2-firewall-rule-message.txt",
        &[],
        1,
    ),
];

fn load(path: &Path) -> RuleSet {
    let input = Input::read(path).unwrap();
    winfw::load_reg(&input).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Distinct rules (by origin) over all six filters.
fn rule_count(rs: &RuleSet) -> usize {
    let mut spans: Vec<(String, usize)> = rs
        .filters
        .iter()
        .flat_map(|f| f.rules())
        .map(|r| (r.origin.file_name().to_string(), r.origin.span.start))
        .collect();
    spans.sort();
    spans.dedup();
    spans.len()
}

#[test]
fn every_real_reg_export_is_named_and_reads_as_expected() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(REAL)
        .expect("../shared/corpus-real/winfw")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "reg"))
        .collect();
    files
        .push(Path::new(REAL).join("microsoft__openspecs-ms-gpfas__4.2-firewall-rule-message.txt"));
    files.sort();
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let (_, expected, rules) = EXPECTED
            .iter()
            .find(|(n, _, _)| *n == name)
            .unwrap_or_else(|| panic!("{name} is not in the expectation list"));
        let rs = load(path);
        let got: Vec<(IssueLevel, String)> = rs
            .issues
            .iter()
            .map(|i| (i.level, i.message.clone()))
            .collect();
        assert_eq!(got.len(), expected.len(), "{name}: {got:#?}");
        for ((l, m), (el, em)) in got.iter().zip(expected.iter()) {
            assert!(l == el && m.contains(em), "{name}: {l:?} {m}");
        }
        assert_eq!(rule_count(&rs), *rules, "{name}");
        assert_eq!(rs.filters.len(), 6, "{name}");
    }
}

fn first_match(rs: &RuleSet, name: &str) -> fwlint::model::FirstMatch {
    match &rs.filter(name).unwrap().body {
        FilterBody::FirstMatch(fm) => fm.clone(),
        _ => panic!("{name} is not first-match"),
    }
}

#[test]
fn real_exports_keep_their_meaning() {
    // Profile keys only: the documented defaults, stated explicitly.
    let rs = load(&Path::new(REAL).join("malton33__CyberPatriot-windows__Firewall.reg"));
    for p in ["domain", "private", "public"] {
        let inb = first_match(&rs, &format!("in/{p}"));
        let out = first_match(&rs, &format!("out/{p}"));
        assert_eq!(
            (inb.default, out.default),
            (Action::Deny, Action::Allow),
            "{p}"
        );
        assert_eq!(inb.default_origin.unwrap().text(), "dword:00000001");
    }
    // 31 block rules, 15 inbound and 16 outbound, all program/package scoped.
    let rs =
        load(&Path::new(REAL).join(
            "yossidoctor__Windows-Setup-Automation-for-Security-and-Privacy__FirewallRules.reg",
        ));
    let inb = first_match(&rs, "in/public");
    let out = first_match(&rs, "out/public");
    assert_eq!((inb.rules.len(), out.rules.len()), (15, 16));
    for r in inb.rules.iter().chain(out.rules.iter()) {
        assert_eq!(r.effect, fwlint::model::Effect::Deny);
        assert!(r.matches.is_uncertain(), "{:?}", r.origin);
    }
    let telemetry = out
        .rules
        .iter()
        .find(|r| {
            r.origin
                .text()
                .starts_with("\"Microsoft-Windows-Unified-Telemetry-Client\"")
        })
        .unwrap();
    assert!(telemetry
        .notes
        .iter()
        .any(|n| n == "scoped to service DiagTrack"));
    assert!(telemetry
        .matches
        .conds
        .contains(&Cond::DstPort(fwlint::model::Ranges::single(443))));
    // The MS-GPFAS sample: public only, RPC keyword, LocalSubnet in both families.
    let rs =
        load(&Path::new(REAL).join("microsoft__openspecs-ms-gpfas__4.2-firewall-rule-message.txt"));
    assert!(first_match(&rs, "in/domain").rules.is_empty());
    let r = &first_match(&rs, "in/public").rules[0];
    assert_eq!(r.label.as_deref(), Some("Firewall Rule Test"));
    assert!(r.matches.conds.contains(&Cond::Symbolic {
        field: SymbolicField::DstPort,
        keyword: "RPC".into()
    }));
    assert!(r.matches.conds.contains(&Cond::Symbolic {
        field: SymbolicField::SrcAddr,
        keyword: "LocalSubnet".into()
    }));
    assert!(r
        .notes
        .iter()
        .any(|n| n == "scoped to program c:\\path\\foo.exe"));
}

#[test]
fn authored_samples_read_without_findings() {
    let mut n = 0;
    for e in std::fs::read_dir(OURS).unwrap() {
        let path = e.unwrap().path();
        let input = Input::read(&path).unwrap();
        let rs = match path.extension().and_then(|e| e.to_str()) {
            Some("reg") | Some("txt") => winfw::load_reg(&input).unwrap(),
            Some("wfw") => winfw::load_wfw(&input).unwrap(),
            _ => continue,
        };
        let findings: Vec<_> = rs
            .issues
            .iter()
            .filter(|i| i.level != IssueLevel::Note)
            .collect();
        assert!(findings.is_empty(), "{}: {findings:#?}", path.display());
        assert!(rule_count(&rs) > 0, "{}", path.display());
        n += 1;
    }
    assert!(n >= 2);
}

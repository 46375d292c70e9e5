//! The hygiene checks' findings on the generated Cisco config of
//! `benches/hygiene.rs` (its first 3,000 entries: three ACLs of 1,000), in
//! full (position, code, severity, message, label, witness, related rules,
//! notes, help), against `tests/expect/hygiene-generated-3k.txt`. Pins the
//! findings across performance work on the engine and the checks: every
//! shortcut must give exactly the same findings. `FWLINT_BLESS=1` rewrites
//! the file (after review).

#[path = "../benches/common/mod.rs"]
mod common;

use fwlint::check::{run_hygiene, Context};
use fwlint::dialect::cisco::{load, Flavor};
use fwlint::finding::Finding;
use fwlint::model::eval::NoSymbols;
use fwlint::model::Origin;
use fwlint::read::Input;
use fwlint::space::Space;
use std::fmt::Write;

fn line(o: &Origin) -> u32 {
    o.file.line_col(o.span.start).0
}

fn render(f: &Finding) -> String {
    let mut s = String::new();
    let at = f.origin.as_ref().map_or(0, line);
    write!(s, "{at}: {} {:?} {}", f.code, f.severity, f.message).unwrap();
    for (name, v) in [
        ("label", &f.label),
        ("witness", &f.witness),
        ("filter", &f.filter),
        ("help", &f.help),
    ] {
        if let Some(v) = v {
            write!(s, "\n    {name}: {v}").unwrap();
        }
    }
    for r in &f.related {
        write!(s, "\n    related {}: {}", line(&r.origin), r.label).unwrap();
    }
    for n in &f.notes {
        write!(s, "\n    note: {n}").unwrap();
    }
    s.push('\n');
    s
}

#[test]
fn generated_acl_findings_are_exactly_the_expected_ones() {
    let text = common::cisco_acl::generated(3_000);
    let rules = load(
        &Input::from_bytes("generated.ios", text.into_bytes()),
        Flavor::Ios,
    )
    .unwrap();
    let space = Space::for_rulesets([&rules]);
    let cx = Context::new(&rules, &space, &NoSymbols);
    let findings = run_hygiene(&cx);
    // Every check with something to say on such a config says it.
    for code in ["FW201", "FW202", "FW203", "FW204", "FW301"] {
        assert!(findings.iter().any(|f| f.code == code), "no {code}");
    }
    let rendered: String = findings.iter().map(render).collect();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/expect/hygiene-generated-3k.txt"
    );
    if std::env::var_os("FWLINT_BLESS").is_some() {
        std::fs::write(path, &rendered).unwrap();
    }
    let want = std::fs::read_to_string(path).expect("tests/expect/hygiene-generated-3k.txt");
    if rendered != want {
        let first = rendered
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(rendered.lines().count().min(want.lines().count()));
        panic!(
            "findings differ from tests/expect/hygiene-generated-3k.txt from line {} \
             (got {:?}, want {:?}); FWLINT_BLESS=1 rewrites it after review",
            first + 1,
            rendered.lines().nth(first),
            want.lines().nth(first)
        );
    }
}

//! Mistakes in a topology are errors that point at the text (line and column)
//! and suggest the name that was probably meant.

use fwlint::catalog::builtin;
use fwlint::topology::{self, TopologyError};
use std::path::Path;

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/corpus/topology/spec-example.toml"
);

fn example_with(from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(EXAMPLE).unwrap();
    assert!(text.contains(from), "example lacks {from:?}");
    text.replacen(from, to, 1)
}

fn error(text: &str) -> TopologyError {
    match topology::parse_str("topo.toml", text, Path::new("topo.toml"), builtin()) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e,
    }
}

/// Line and column (1-based) of the first occurrence of `needle` in `text`.
fn pos(text: &str, needle: &str) -> (u32, u32) {
    let at = text.find(needle).unwrap();
    let line = text[..at].matches('\n').count() as u32 + 1;
    let col = at - text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, col as u32 + 1)
}

#[test]
fn unknown_key_points_at_it_and_suggests() {
    let text = example_with("address = \"10.0.1.10\"", "adress = \"10.0.1.10\"");
    let e = error(&text);
    assert_eq!(e.message, "unknown key `adress` in [hosts.crm01]");
    assert_eq!((e.line, e.column), pos(&text, "adress"));
    assert_eq!(e.help.as_deref(), Some("did you mean `address`?"));
    assert_eq!(&text[e.span.clone().unwrap()], "adress");
    // The missing address is reported too.
    assert!(e
        .others
        .iter()
        .any(|o| o.message == "host `crm01` has no address"));
    let shown = e.render(false);
    let (l, c) = pos(&text, "adress");
    assert!(shown.contains(&format!("topo.toml:{l}:{c}")), "{shown}");
    assert!(shown.contains("unknown key"), "{shown}");
    assert!(shown.contains("did you mean `address`?"), "{shown}");
}

#[test]
fn unknown_top_level_and_settings_keys() {
    let text = example_with("[settings]", "[setings]");
    let e = error(&text);
    assert_eq!(e.message, "unknown key `setings` in a topology");
    assert_eq!((e.line, e.column), (1, 2));
    assert_eq!(e.help.as_deref(), Some("did you mean `settings`?"));

    let text = example_with("rpc-dynamic =", "rpc_dynamic =");
    let e = error(&text);
    assert_eq!(e.message, "unknown key `rpc_dynamic` in [settings]");
    assert_eq!((e.line, e.column), (3, 1));
    assert_eq!(e.help.as_deref(), Some("did you mean `rpc-dynamic`?"));

    let text = example_with("reason  =", "reasn  =");
    let e = error(&text);
    assert_eq!(e.message, "unknown key `reasn` in [[flows]]");
    assert_eq!((e.line, e.column), pos(&text, "reasn"));
    assert_eq!(e.help.as_deref(), Some("did you mean `reason`?"));
}

#[test]
fn unknown_role_suggests_the_catalog_role() {
    let text = example_with(
        "\"dynamics-crm.client\" = [\"clients\"]",
        "\"dynamics-crm.clent\" = [\"clients\"]",
    );
    let e = error(&text);
    assert_eq!(e.message, "unknown role `dynamics-crm.clent`");
    assert_eq!((e.line, e.column), pos(&text, "\"dynamics-crm.clent\""));
    assert_eq!(
        e.help.as_deref(),
        Some("did you mean `dynamics-crm.client`?")
    );

    let text = example_with(
        "roles   = [\"windows-core.domain-controller\"]",
        "roles   = [\"windows-core.domain-controler\"]",
    );
    let e = error(&text);
    assert_eq!(e.message, "unknown role `windows-core.domain-controler`");
    assert_eq!(
        (e.line, e.column),
        pos(&text, "\"windows-core.domain-controler\"")
    );
    assert_eq!(
        e.help.as_deref(),
        Some("did you mean `windows-core.domain-controller`?")
    );
}

#[test]
fn unknown_host_suggests_the_host() {
    let text = example_with("hosts   = [\"crm01\"]", "hosts   = [\"crm1\"]");
    let e = error(&text);
    assert_eq!(e.message, "unknown host `crm1`");
    assert_eq!((e.line, e.column), pos(&text, "\"crm1\""));
    assert_eq!(e.help.as_deref(), Some("did you mean `crm01`?"));
    let shown = e.render(false);
    assert!(
        shown.contains("not defined") && shown.contains("did you mean `crm01`?"),
        "{shown}"
    );
}

#[test]
fn unknown_group_suggests_the_group() {
    let text = example_with("from    = \"admins\"", "from    = \"admin\"");
    let e = error(&text);
    assert_eq!(e.message, "unknown host or group `admin`");
    assert_eq!((e.line, e.column), pos(&text, "\"admin\""));
    assert_eq!(e.help.as_deref(), Some("did you mean `admins`?"));

    let text = example_with(
        "from    = [\"clients\", \"admins\"]",
        "from    = [\"client\", \"admins\"]",
    );
    let e = error(&text);
    assert_eq!(e.message, "unknown host or group `client`");
    assert_eq!((e.line, e.column), pos(&text, "\"client\""));
    assert_eq!(e.help.as_deref(), Some("did you mean `clients`?"));
}

#[test]
fn bad_values_are_errors_with_spans() {
    let text = example_with(
        "ports   = { \"dynamics-crm.web-http\" = 5555 }",
        "ports   = { \"dynamics-crm.web-htp\" = 5555 }",
    );
    let e = error(&text);
    assert_eq!(e.message, "unknown service `dynamics-crm.web-htp`");
    assert_eq!(
        e.help.as_deref(),
        Some("did you mean `dynamics-crm.web-http`?")
    );
    assert_eq!((e.line, e.column), pos(&text, "\"dynamics-crm.web-htp\""));

    let text = example_with("service = [\"tcp/3389\"]", "service = [\"tpc/3389\"]");
    let e = error(&text);
    assert_eq!(e.message, "unknown protocol `tpc`");
    assert_eq!(e.help.as_deref(), Some("did you mean `tcp`?"));

    let text = example_with("address = \"10.0.2.10\"", "address = \"10.0.2.300\"");
    let e = error(&text);
    assert!(e.message.starts_with("bad address"), "{}", e.message);
    assert_eq!((e.line, e.column), pos(&text, "\"10.0.2.300\""));

    let text = example_with("phase = \"operation\"", "phase = \"operations\"");
    let e = error(&text);
    assert_eq!(e.message, "unknown phase `operations`");
    assert_eq!(e.help.as_deref(), Some("did you mean `operation`?"));

    let text = example_with(
        "rpc-dynamic = \"49152-65535\"",
        "rpc-dynamic = \"65535-49152\"",
    );
    let e = error(&text);
    assert!(
        e.message.starts_with("bad rpc-dynamic range"),
        "{}",
        e.message
    );
}

#[test]
fn syntax_errors_have_line_and_column() {
    let text = example_with("address = \"10.0.0.10\"", "address = \"10.0.0.10");
    let e = error(&text);
    assert!(e.message.starts_with("invalid TOML"), "{}", e.message);
    assert_eq!(e.line, pos(&text, "address = \"10.0.0.10").0);
    assert!(e.render(false).contains("topo.toml:"));
}

#[test]
fn firewall_kind_must_be_clear() {
    let text = example_with(
        "hosts   = [\"crm01\"]",
        "hosts   = [\"crm01\"]\nfrom = [\"clients\"]",
    );
    let e = error(&text);
    assert!(
        e.message.contains("both `hosts` and `from`/`to`"),
        "{}",
        e.message
    );
    let text = example_with("hosts   = [\"crm01\"]", "hosts   = [\"clients\"]");
    let e = error(&text);
    assert_eq!(e.message, "unknown host `clients`");
    assert_eq!(
        e.help.as_deref(),
        Some("`clients` is a group; a host firewall lists hosts")
    );
}

#[test]
fn fwlint_catalog_topology_reports_errors_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.toml");
    std::fs::write(
        &path,
        example_with("hosts   = [\"crm01\"]", "hosts   = [\"crm1\"]"),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fwlint"))
        .args(["catalog", "--topology"])
        .arg(&path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown host `crm1`") && err.contains("did you mean `crm01`?"),
        "{err}"
    );
    std::fs::write(&path, std::fs::read_to_string(EXAMPLE).unwrap()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fwlint"))
        .args(["catalog", "--topology"])
        .arg(&path)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["flows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["from"] == "clients" && f["to"] == "crm01" && f["ports"] == "5555"));
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        /// Arbitrary text: an error or a topology, never a panic.
        #[test]
        fn arbitrary_text(text in "\\PC{0,200}") {
            let _ = topology::parse_str("t.toml", &text, Path::new("t.toml"), builtin());
        }

        /// The example with one byte range cut out: errors point inside the text.
        #[test]
        fn damaged_example(start in 0usize..1800, len in 0usize..40) {
            let text = std::fs::read_to_string(EXAMPLE).unwrap();
            let start = start.min(text.len());
            let end = (start + len).min(text.len());
            if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                return Ok(());
            }
            let damaged = format!("{}{}", &text[..start], &text[end..]);
            match topology::parse_str("t.toml", &damaged, Path::new("t.toml"), builtin()) {
                Ok(t) => { let _ = t.required_flows(builtin()); }
                Err(e) => {
                    if let Some(span) = &e.span {
                        prop_assert!(span.end <= damaged.len());
                    }
                    let _ = e.render(false);
                }
            }
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = format!("a = {}{}", "[".repeat(5000), "]".repeat(5000));
        let e = error(&text);
        assert!(e.message.starts_with("invalid TOML"), "{}", e.message);
    }
}

//! `fwlint explain CODE` and `fwlint explain --list`.

use fwlint::check::{doc_text, registry};
use serde_json::Value;
use std::process::{Command, Output};

fn fwlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fwlint"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn explains_every_check_by_code_and_name_in_any_case() {
    for c in registry() {
        for typed in [
            c.code.to_string(),
            c.code.to_lowercase(),
            c.name.to_string(),
            c.name.to_uppercase(),
        ] {
            let o = fwlint(&["explain", &typed]);
            assert_eq!(o.status.code(), Some(0), "{typed}");
            let out = stdout(&o);
            assert!(
                out.starts_with(&format!("{} {}\n", c.code, c.name)),
                "{typed}: {out}"
            );
            assert!(out.contains(&format!("  kind: {}\n", c.kind.as_str())));
            assert!(out.contains(&format!("  default severity: {}\n", c.severity.as_str())));
            assert!(out.contains(&doc_text(c)), "{typed}: the whole doc text");
        }
    }
}

#[test]
fn unknown_code_exits_2_with_a_suggestion_and_the_list() {
    let o = fwlint(&["explain", "FW0001"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("unknown check `FW0001`; did you mean `FW001` (unreadable-input)?"),
        "{err}"
    );
    for c in registry() {
        assert!(
            err.contains(c.code) && err.contains(c.name),
            "{} listed",
            c.code
        );
    }
    let o = fwlint(&["explain", "syntax-eror"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `FW002` (syntax-error)?"));
    let o = fwlint(&["explain", "qqqqqqqqqqqqqqqqqqqq"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("did you mean"));
}

#[test]
fn list_names_every_check() {
    let o = fwlint(&["explain", "--list"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let reg = registry();
    assert_eq!(out.lines().count(), reg.len());
    for (line, c) in out.lines().zip(&reg) {
        assert!(line.starts_with(c.code), "{line}");
        assert!(
            line.contains(c.name) && line.contains(c.summary) && line.contains(c.severity.as_str())
        );
    }
    let o = fwlint(&["explain", "--list", "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), reg.len());
    assert_eq!(arr[0]["code"], reg[0].code);
    assert_eq!(arr[0]["doc"], doc_text(reg[0]));
}

#[test]
fn explain_needs_a_code_or_list() {
    let o = fwlint(&["explain"]);
    assert_eq!(o.status.code(), Some(2));
    let o = fwlint(&["explain", "FW001", "--list"]);
    assert_eq!(o.status.code(), Some(2));
    let o = fwlint(&["explain", "fw002", "--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["name"], "syntax-error");
    assert_eq!(v["kind"], "parse");
}

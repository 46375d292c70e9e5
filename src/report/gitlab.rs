//! `--format gitlab`: a GitLab Code Quality report (a JSON array), for the
//! merge-request widget.
//!
//! # Format
//! One object per finding: `type` (`issue`), `check_name` (`CODE name`),
//! `description` (the message), `content.body` (help, notes, witness),
//! `categories`, `fingerprint` (unique within the report, stable across line
//! shifts), `severity` (`critical` for errors, `major` for warnings, `minor` for
//! notes) and `location` (`path` relative to the current directory,
//! `lines.begin`; 1 for findings with no position).

use super::markdown::code_span;
use super::{display_path, unique_fingerprints};
use crate::finding::{Finding, Kind, Severity};
use serde_json::{json, Value};

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Note => "minor",
    }
}

fn category(k: Kind) -> &'static str {
    match k {
        Kind::Exposure | Kind::Overbroad => "Security",
        Kind::Missing => "Bug Risk",
        Kind::Parse => "Compatibility",
        Kind::Shadowed | Kind::Redundant | Kind::Unneeded | Kind::Hygiene => "Clarity",
    }
}

fn body(f: &Finding) -> String {
    let mut parts = Vec::new();
    if let Some(r) = &f.rule {
        parts.push(format!("rule: {}", code_span(&r.text)));
    }
    if let Some(w) = &f.witness {
        parts.push(format!("example packet: {}", code_span(w)));
    }
    for r in &f.related {
        parts.push(format!(
            "{} ({}:{})",
            r.label,
            display_path(r.origin.file_name()),
            r.origin.line
        ));
    }
    for n in &f.notes {
        parts.push(format!("note: {n}"));
    }
    if let Some(h) = &f.help {
        parts.push(format!("help: {h}"));
    }
    parts.join("\n\n")
}

pub fn to_value(findings: &[Finding]) -> Value {
    let fps = unique_fingerprints(findings);
    Value::Array(
        findings
            .iter()
            .zip(fps)
            .map(|(f, fp)| {
                let mut v = json!({
                    "type": "issue",
                    "check_name": format!("{} {}", f.code, f.name),
                    "description": f.message,
                    "categories": [category(f.kind)],
                    "fingerprint": fp,
                    "severity": severity(f.severity),
                    "location": {
                        "path": display_path(f.file_name()),
                        "lines": { "begin": f.line().max(1) },
                    },
                });
                let b = body(f);
                if !b.is_empty() {
                    v["content"] = json!({ "body": b });
                }
                v
            })
            .collect(),
    )
}

pub fn render(findings: &[Finding]) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(findings)).unwrap_or_default();
    s.push('\n');
    s
}

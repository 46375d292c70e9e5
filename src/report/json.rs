//! `--format json`: `{"findings": [...], "summary": {...}}`.
//!
//! # Format
//! Each finding has `code`, `name`, `severity` (`error`|`warning`|`note`), `kind`,
//! `message`, `file`, `line`, `column` (1-based; 0 when the finding has no
//! position), and where they apply `label`, `help`, `notes`, `flow` (from, to,
//! protocol, ports, service, cite, phase), `rule` (file, line, text), `witness`
//! (a packet line as `fwlint query` takes it), `filter` and `related` (file,
//! line, column, text, label).

use super::Summary;
use crate::finding::Finding;
use serde_json::{json, Value};

pub fn finding_value(f: &Finding) -> Value {
    let mut v = serde_json::to_value(f).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("file".into(), json!(f.file_name()));
        m.insert("line".into(), json!(f.line()));
        m.insert("column".into(), json!(f.column()));
        let related: Vec<Value> = f
            .related
            .iter()
            .map(|r| {
                json!({
                    "file": r.origin.file_name(),
                    "line": r.origin.line,
                    "column": r.origin.column,
                    "text": r.origin.text().trim_end(),
                    "label": r.label,
                })
            })
            .collect();
        m.insert("related".into(), Value::Array(related));
    }
    v
}

pub fn render(findings: &[Finding], summary: &Summary) -> String {
    let doc = json!({
        "findings": findings.iter().map(finding_value).collect::<Vec<_>>(),
        "summary": summary,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

//! Baselines: a previous `--format json` report whose findings are accepted
//! for now. `fwlint check --baseline FILE` leaves out every finding the
//! baseline already holds and counts them in the summary.
//!
//! Findings are matched on their code, file, and the rule's text with
//! whitespace collapsed (the message when no rule is named) plus the flow —
//! never on line numbers, so edits above a rule keep it baselined (see
//! [`crate::report::fingerprint_key`]). Matching counts: a baseline holding a
//! finding once suppresses it once, so a second copy of a baselined rule is
//! still reported.

use crate::finding::Finding;
use crate::report::{display_path, fingerprint_key, key_of};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// The accepted findings, as fingerprint keys with their counts.
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    counts: HashMap<String, usize>,
    /// How many findings the baseline holds.
    pub len: usize,
}

impl Baseline {
    /// Read a baseline from a file.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the baseline {}: {e}", path.display()))?;
        Baseline::from_json(&text).map_err(|e| format!("baseline {}: {e}", path.display()))
    }

    /// Read a baseline from the text of a `--format json` report (an object
    /// with `findings`, or a bare array of findings).
    pub fn from_json(text: &str) -> Result<Baseline, String> {
        let doc: Value = serde_json::from_str(text).map_err(|e| {
            format!(
                "not a JSON report (line {}, column {}): {e}",
                e.line(),
                e.column()
            )
        })?;
        let findings = match &doc {
            Value::Object(m) => m.get("findings").and_then(Value::as_array).ok_or_else(|| {
                "expected a `fwlint check --format json` report with a `findings` array".to_string()
            })?,
            Value::Array(a) => a,
            _ => return Err("expected a `fwlint check --format json` report".into()),
        };
        let mut b = Baseline::default();
        for (i, f) in findings.iter().enumerate() {
            let key = key_from_json(f).ok_or_else(|| {
                format!(
                    "finding #{} has no `code` (is this a fwlint JSON report?)",
                    i + 1
                )
            })?;
            *b.counts.entry(key).or_default() += 1;
            b.len += 1;
        }
        Ok(b)
    }

    /// Split findings into those to report and the number suppressed.
    pub fn filter(&self, findings: Vec<Finding>) -> (Vec<Finding>, usize) {
        let mut left = self.counts.clone();
        let mut kept = Vec::with_capacity(findings.len());
        let mut suppressed = 0;
        for f in findings {
            match left.get_mut(&fingerprint_key(&f)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    suppressed += 1;
                }
                _ => kept.push(f),
            }
        }
        (kept, suppressed)
    }
}

fn str_at<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The fingerprint key of one finding of a JSON report.
fn key_from_json(f: &Value) -> Option<String> {
    let code = f.get("code")?.as_str()?;
    let file = display_path(str_at(f, "file"));
    let subject = f
        .get("rule")
        .and_then(|r| r.get("text"))
        .and_then(Value::as_str)
        .unwrap_or_else(|| str_at(f, "message"));
    let flow = match f.get("flow") {
        Some(fl) if fl.is_object() => format!(
            "{}>{} {}/{}",
            str_at(fl, "from"),
            str_at(fl, "to"),
            str_at(fl, "protocol"),
            str_at(fl, "ports")
        ),
        _ => String::new(),
    };
    Some(key_of(code, &file, subject, &flow))
}

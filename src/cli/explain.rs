//! `fwlint explain CODE` and `fwlint explain --list`: a check's code, name,
//! kind, default severity and documentation, from the check registry.

use super::args::{ExplainArgs, ExplainFormat};
use super::EXIT_OK;
use crate::check::{doc_text, lookup, registry, CheckInfo};
use serde_json::{json, Value};

pub fn run(a: ExplainArgs) -> Result<i32, String> {
    if a.list {
        write_stdout(&list(a.format))?;
        return Ok(EXIT_OK);
    }
    let code = a.code.unwrap_or_default();
    let info = lookup(code.trim()).ok_or_else(|| unknown(&code))?;
    write_stdout(&explain(info, a.format))?;
    Ok(EXIT_OK)
}

/// Write a report to standard output; a closed pipe (`| head`) is not an error.
pub fn write_stdout(text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {e}"))
        }
        _ => Ok(()),
    }
}

fn info_value(c: &CheckInfo) -> Value {
    json!({
        "code": c.code,
        "name": c.name,
        "kind": c.kind.as_str(),
        "severity": c.severity.as_str(),
        "needs_topology": c.needs_topology,
        "summary": c.summary,
        "doc": doc_text(c),
    })
}

/// The explanation of one check.
pub fn explain(c: &CheckInfo, format: ExplainFormat) -> String {
    match format {
        ExplainFormat::Json => {
            serde_json::to_string_pretty(&info_value(c)).unwrap_or_default() + "\n"
        }
        ExplainFormat::Text => format!(
            "{} {}\n  kind: {}\n  default severity: {}\n  needs a topology: {}\n  summary: {}\n\n{}\n",
            c.code,
            c.name,
            c.kind.as_str(),
            c.severity.as_str(),
            if c.needs_topology { "yes" } else { "no" },
            c.summary,
            doc_text(c)
        ),
    }
}

/// Every check, one a line (or a JSON array).
pub fn list(format: ExplainFormat) -> String {
    let all = registry();
    match format {
        ExplainFormat::Json => {
            serde_json::to_string_pretty(&all.iter().map(|c| info_value(c)).collect::<Vec<_>>())
                .unwrap_or_default()
                + "\n"
        }
        ExplainFormat::Text => {
            let name_w = all.iter().map(|c| c.name.len()).max().unwrap_or(0);
            let kind_w = all.iter().map(|c| c.kind.as_str().len()).max().unwrap_or(0);
            let mut out = String::new();
            for c in &all {
                out.push_str(&format!(
                    "{:<6} {:<name_w$}  {:<kind_w$}  {:<7}  {}\n",
                    c.code,
                    c.name,
                    c.kind.as_str(),
                    c.severity.as_str(),
                    c.summary
                ));
            }
            out
        }
    }
}

/// Edit distance (Levenshtein) between two ASCII-lowercased strings.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest check to what was typed, if any is close.
pub fn suggest(typed: &str) -> Option<&'static CheckInfo> {
    let t = typed.trim().to_lowercase();
    if t.is_empty() {
        return None;
    }
    let mut best: Option<(usize, &'static CheckInfo)> = None;
    for c in registry() {
        let name = c.name.to_lowercase();
        let d = if name.contains(&t) || (t.len() >= 4 && t.contains(&name)) {
            0
        } else {
            distance(&t, c.code).min(distance(&t, c.name))
        };
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let limit = (t.chars().count() / 3).max(2);
    best.filter(|(d, _)| *d <= limit).map(|(_, c)| c)
}

fn unknown(typed: &str) -> String {
    let mut msg = format!("unknown check `{typed}`");
    if let Some(c) = suggest(typed) {
        msg.push_str(&format!("; did you mean `{}` ({})?", c.code, c.name));
    }
    msg.push_str("\nknown checks:\n");
    for line in list(ExplainFormat::Text).lines() {
        msg.push_str("  ");
        msg.push_str(line);
        msg.push('\n');
    }
    msg.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("FW001", "fw001"), 0);
    }

    #[test]
    fn suggests_close_codes_and_names() {
        assert_eq!(suggest("FW0001").map(|c| c.code), Some("FW001"));
        assert_eq!(suggest("syntax").map(|c| c.code), Some("FW002"));
        assert_eq!(
            suggest("unmodeled-construct").map(|c| c.code),
            Some("FW003")
        );
        assert!(suggest("zzzzzzzzzzzzzz").is_none());
    }
}

//! `docs/rules.md`, generated from the check registry: every check's code,
//! name, kind, default severity and documentation. `tests/explain_docs.rs`
//! regenerates it and fails when the committed file differs.

use crate::check::{doc_text, registry, CheckInfo};
use std::fmt::Write;

/// The documentation of a check with its Markdown headings moved `levels`
/// deeper (fenced code blocks are left alone).
pub fn demote_headings(doc: &str, levels: usize) -> String {
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for line in doc.lines() {
        let t = line.trim_start();
        let run: String = t.chars().take_while(|c| *c == '`' || *c == '~').collect();
        if run.len() >= 3 && run.chars().all(|c| c == run.chars().next().unwrap_or('`')) {
            match &fence {
                None => fence = Some(run),
                Some(open) if run.starts_with(open.as_str()) && t.trim_end() == run => fence = None,
                Some(_) => {}
            }
            out.push(line.to_string());
            continue;
        }
        if fence.is_none() && t.starts_with('#') {
            let hashes = t.chars().take_while(|c| *c == '#').count();
            if hashes <= 6 && t[hashes..].starts_with(' ') {
                out.push(format!("{}{}", "#".repeat(levels), t));
                continue;
            }
        }
        out.push(line.to_string());
    }
    out.join("\n")
}

/// The GitHub anchor of a check's heading.
pub fn anchor(info: &CheckInfo) -> String {
    format!("{}-{}", info.code, info.name).to_ascii_lowercase()
}

/// `docs/rules.md` as text.
pub fn render() -> String {
    let checks = registry();
    let mut out = String::new();
    out.push_str("# fwlint checks\n\n");
    out.push_str(
        "<!-- Generated from the check registry by `FWLINT_BLESS=1 cargo test --test explain_docs`; do not edit by hand. -->\n\n",
    );
    out.push_str(
        "Every check fwlint runs, with its stable code and name (either works with \
         `fwlint explain`, `ignore = [...]` and `[severity]` in `fwlint.toml`), its kind, \
         its default severity, and whether it needs a topology (`--topology`).\n\n",
    );
    out.push_str("| code | name | kind | severity | topology | summary |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for c in &checks {
        let _ = writeln!(
            out,
            "| [`{}`](#{}) | `{}` | {} | {} | {} | {} |",
            c.code,
            anchor(c),
            c.name,
            c.kind.as_str(),
            c.severity.as_str(),
            if c.needs_topology { "yes" } else { "no" },
            c.summary.replace('|', "\\|")
        );
    }
    for c in &checks {
        let _ = write!(
            out,
            "\n## {} {}\n\n- kind: `{}`\n- default severity: `{}`\n- needs a topology: {}\n- summary: {}\n\n{}\n",
            c.code,
            c.name,
            c.kind.as_str(),
            c.severity.as_str(),
            if c.needs_topology { "yes" } else { "no" },
            c.summary,
            demote_headings(&doc_text(c), 1)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_move_down_outside_fences_only() {
        let doc = "## What\ntext\n```text\n## not a heading\n```\n# Top";
        assert_eq!(
            demote_headings(doc, 1),
            "### What\ntext\n```text\n## not a heading\n```\n## Top"
        );
    }

    #[test]
    fn every_check_has_a_section() {
        let doc = render();
        for c in registry() {
            assert!(
                doc.contains(&format!("\n## {} {}\n", c.code, c.name)),
                "{}",
                c.code
            );
        }
    }
}

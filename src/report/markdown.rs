//! `--format markdown`: an auditor's report in CommonMark (GitHub flavour).
//!
//! # Format
//! A title and the run's summary; a table of findings by kind and severity;
//! then one section per file, one subsection per finding (severity, code and
//! name, line and column, message), with the rule's text in a fenced code
//! block, the witness packet, the flow, related locations, notes and help.
//! Text from the input is escaped: inline code spans keep their content as
//! written, everything else has Markdown and HTML punctuation escaped, and
//! fences are longer than any backtick run they enclose.

use super::{display_path, Context};
use crate::check::lookup;
use crate::finding::{Finding, Kind, Severity};
use std::collections::BTreeMap;
use std::fmt::Write;

const KINDS: [Kind; 8] = [
    Kind::Missing,
    Kind::Overbroad,
    Kind::Unneeded,
    Kind::Shadowed,
    Kind::Redundant,
    Kind::Exposure,
    Kind::Parse,
    Kind::Hygiene,
];

/// Escape plain text (no code spans) for inline Markdown.
pub fn escape_plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '|' | '~' | '!' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Escape text for inline Markdown, keeping balanced `` `code` `` spans (as
/// checks write them in messages) as code spans with the same content.
pub fn escape_inline(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(open) = rest.find('`') {
        let after = &rest[open + 1..];
        match after.find('`') {
            Some(close) if close > 0 => {
                out.push_str(&escape_plain(&rest[..open]));
                out.push_str(&code_span(&after[..close]));
                rest = &after[close + 1..];
            }
            _ => {
                out.push_str(&escape_plain(&rest[..open + 1]));
                rest = after;
            }
        }
    }
    out.push_str(&escape_plain(rest));
    out
}

/// A code span holding `s` literally (newlines become spaces). Not for table
/// cells, where `|` would end the cell.
pub fn code_span(s: &str) -> String {
    let content: String = s
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let longest = longest_run(&content, '`');
    let ticks = "`".repeat(longest + 1);
    let pad = if content.starts_with('`') || content.ends_with('`') || content.starts_with(' ') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{content}{pad}{ticks}")
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for x in s.chars() {
        if x == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// A fenced code block holding `s` literally.
pub fn fence(s: &str, info: &str) -> String {
    let n = (longest_run(s, '`') + 1).max(3);
    let f = "`".repeat(n);
    format!("{f}{info}\n{}\n{f}\n", s.trim_end_matches(['\n', '\r']))
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Note => "Note",
    }
}

fn summary_table(findings: &[Finding], out: &mut String) {
    let mut counts: BTreeMap<(usize, Severity), usize> = BTreeMap::new();
    for f in findings {
        let k = KINDS.iter().position(|k| *k == f.kind).unwrap_or(0);
        *counts.entry((k, f.severity)).or_default() += 1;
    }
    out.push_str("| kind | errors | warnings | notes | total |\n");
    out.push_str("| --- | ---: | ---: | ---: | ---: |\n");
    let (mut te, mut tw, mut tn) = (0, 0, 0);
    for (i, kind) in KINDS.iter().enumerate() {
        let e = counts.get(&(i, Severity::Error)).copied().unwrap_or(0);
        let w = counts.get(&(i, Severity::Warning)).copied().unwrap_or(0);
        let n = counts.get(&(i, Severity::Note)).copied().unwrap_or(0);
        if e + w + n == 0 {
            continue;
        }
        te += e;
        tw += w;
        tn += n;
        let _ = writeln!(
            out,
            "| {} | {e} | {w} | {n} | {} |",
            kind.as_str(),
            e + w + n
        );
    }
    let _ = writeln!(out, "| **total** | {te} | {tw} | {tn} | {} |", te + tw + tn);
}

fn finding_section(f: &Finding, out: &mut String) {
    let pos = if f.origin.is_some() {
        format!(" (line {}, column {})", f.line(), f.column())
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "### {} `{}` {}{}\n",
        severity_word(f.severity),
        f.code,
        f.name,
        pos
    );
    let _ = writeln!(out, "{}\n", escape_inline(&f.message));
    let _ = writeln!(out, "- kind: {}", f.kind.as_str());
    if let Some(x) = &f.filter {
        let _ = writeln!(out, "- filter: {}", code_span(x));
    }
    if let Some(flow) = &f.flow {
        let mut s = format!(
            "{} → {} {}/{}",
            code_span(&flow.from),
            code_span(&flow.to),
            escape_plain(&flow.protocol),
            escape_plain(&flow.ports)
        );
        if let Some(svc) = &flow.service {
            s.push_str(&format!(" (service {})", code_span(svc)));
        }
        if let Some(ph) = &flow.phase {
            s.push_str(&format!(", phase {}", escape_plain(ph)));
        }
        if let Some(c) = &flow.cite {
            s.push_str(&format!(", source: {}", escape_inline(c)));
        }
        let _ = writeln!(out, "- flow: {s}");
    }
    if let Some(w) = &f.witness {
        let _ = writeln!(out, "- example packet: {}", code_span(w));
    }
    if let Some(l) = &f.label {
        let _ = writeln!(out, "- at the rule: {}", escape_inline(l));
    }
    out.push('\n');
    let rule_text = f
        .rule
        .as_ref()
        .map(|r| r.text.clone())
        .or_else(|| f.origin.as_ref().map(|o| o.text().trim_end().to_string()));
    if let Some(t) = rule_text.filter(|t| !t.is_empty()) {
        out.push_str(&fence(&t, "text"));
        out.push('\n');
    }
    for r in &f.related {
        let _ = writeln!(
            out,
            "{} — {}:{}:\n",
            escape_inline(&r.label),
            escape_plain(&display_path(r.origin.file_name())),
            r.origin.line
        );
        out.push_str(&fence(r.origin.text().trim_end(), "text"));
        out.push('\n');
    }
    for n in &f.notes {
        let _ = writeln!(out, "> **note:** {}\n", escape_inline(n));
    }
    if let Some(h) = &f.help {
        let _ = writeln!(out, "> **help:** {}\n", escape_inline(h));
    }
}

pub fn render(findings: &[Finding], ctx: &Context) -> String {
    let mut out = String::from("# fwlint report\n\n");
    let s = &ctx.summary;
    let _ = writeln!(
        out,
        "fwlint {} checked {} file(s), {} filter(s) and {} rule(s): {} error(s), {} warning(s), {} note(s).",
        env!("CARGO_PKG_VERSION"),
        s.files,
        s.filters,
        s.rules,
        s.errors,
        s.warnings,
        s.notes
    );
    if s.suppressed > 0 {
        let _ = writeln!(
            out,
            "{} finding(s) were suppressed by the baseline.",
            s.suppressed
        );
    }
    if s.ignored > 0 {
        let _ = writeln!(
            out,
            "{} finding(s) were ignored by the configuration.",
            s.ignored
        );
    }
    out.push('\n');
    if findings.is_empty() {
        out.push_str("No findings.\n");
        return out;
    }
    out.push_str("## Summary\n\n");
    summary_table(findings, &mut out);
    out.push('\n');

    let mut by_file: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_file
            .entry(display_path(f.file_name()))
            .or_default()
            .push(f);
    }
    for (file, fs) in &by_file {
        let title = if file.is_empty() {
            "(no file)".to_string()
        } else {
            code_span(file)
        };
        let _ = writeln!(out, "## {title}\n");
        for f in fs {
            finding_section(f, &mut out);
        }
    }

    let mut codes: Vec<&str> = findings.iter().map(|f| f.code).collect();
    codes.sort();
    codes.dedup();
    out.push_str("## Checks\n\n");
    for code in codes {
        if let Some(info) = lookup(code) {
            let _ = writeln!(
                out,
                "- `{}` {} ({}, {}): {}",
                info.code,
                info.name,
                info.kind.as_str(),
                info.severity.as_str(),
                info.summary
            );
        }
    }
    out.push_str("\nRun `fwlint explain CODE` for what a check looks for and how to fix it.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_escaping_keeps_code_spans() {
        assert_eq!(
            escape_inline("`meta mark` <b>*x*"),
            "`meta mark` &lt;b&gt;\\*x\\*"
        );
        assert_eq!(escape_inline("a ` b"), "a \\` b");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
    }

    #[test]
    fn fences_outgrow_backtick_runs() {
        assert_eq!(fence("a ```` b", ""), "`````\na ```` b\n`````\n");
    }
}

//! `--format github`: GitHub Actions workflow commands, one per finding, so
//! that findings show as annotations on the pull request.
//!
//! # Format
//! `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=CODE name::message`
//! (`warning` and `notice` for the other severities). The message carries the
//! help, notes and witness on further lines. Data is escaped as the runner
//! expects (`%`, CR, LF); property values also escape `:` and `,`. A finding
//! with no position carries only `file=`; one with no file only `title=`. The
//! last line is a `::notice` with the summary.

use super::{display_path, end_line_col, Context};
use crate::finding::{Finding, Severity};

/// Escape the data part of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value of a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

fn message(f: &Finding) -> String {
    let mut m = f.message.clone();
    if let Some(w) = &f.witness {
        m.push_str(&format!("\nexample packet: {w}"));
    }
    for r in &f.related {
        m.push_str(&format!(
            "\n{} ({}:{})",
            r.label,
            display_path(r.origin.file_name()),
            r.origin.line
        ));
    }
    for n in &f.notes {
        m.push_str(&format!("\nnote: {n}"));
    }
    if let Some(h) = &f.help {
        m.push_str(&format!("\nhelp: {h}"));
    }
    m
}

/// One workflow command line for a finding.
pub fn line(f: &Finding) -> String {
    let mut props: Vec<String> = Vec::new();
    let file = display_path(f.file_name());
    if !file.is_empty() {
        props.push(format!("file={}", escape_property(&file)));
    }
    if let Some(o) = &f.origin {
        let (end_line, end_col) = end_line_col(o);
        props.push(format!("line={}", o.line));
        props.push(format!("col={}", o.column));
        props.push(format!("endLine={end_line}"));
        if end_line == o.line {
            props.push(format!("endColumn={end_col}"));
        }
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("{} {}", f.code, f.name))
    ));
    format!(
        "::{} {}::{}",
        command(f.severity),
        props.join(","),
        escape_data(&message(f))
    )
}

pub fn render(findings: &[Finding], ctx: &Context) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&line(f));
        out.push('\n');
    }
    out.push_str(&format!(
        "::notice title=fwlint::{}\n",
        escape_data(&ctx.summary.line())
    ));
    out
}

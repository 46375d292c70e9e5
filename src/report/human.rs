//! `--format human`: compiler-style diagnostics rendered by miette, with the
//! rule's own text labelled, related rules labelled in their own files, and
//! help and notes.

use super::Summary;
use crate::finding::{Finding, Severity};
use crate::model::Origin;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;

/// A finding adapted to miette. Labels in the primary file go in `labels`;
/// labels in other files become related diagnostics with their own source.
struct Rendered<'a> {
    finding: &'a Finding,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<RelatedDiag>,
    help: Option<String>,
}

#[derive(Debug)]
struct RelatedDiag {
    message: String,
    source: NamedSource<String>,
    label: LabeledSpan,
}

impl fmt::Display for RelatedDiag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for RelatedDiag {}
impl Diagnostic for RelatedDiag {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.label.clone())))
    }
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}
impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}
impl std::error::Error for Rendered<'_> {}

impl Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}({})",
            self.finding.code, self.finding.name
        )))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.as_str()) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
        }
    }
}

fn named_source(o: &Origin) -> NamedSource<String> {
    NamedSource::new(o.file_name(), o.file.text.clone())
}

/// Trim the span so that a label never covers a trailing newline.
fn span_of(o: &Origin) -> (usize, usize) {
    let text = o.text();
    let len = text
        .trim_end()
        .len()
        .max(if text.is_empty() { 0 } else { 1 });
    (o.span.start, len.min(text.len()))
}

fn adapt(f: &Finding) -> Rendered<'_> {
    let mut labels = Vec::new();
    let mut related = Vec::new();
    let source = f.origin.as_ref().map(named_source);
    if let Some(o) = &f.origin {
        labels.push(LabeledSpan::new_primary_with_span(
            Some(f.label.clone().unwrap_or_else(|| "here".into())),
            span_of(o),
        ));
    }
    for r in &f.related {
        let same_file = f
            .origin
            .as_ref()
            .is_some_and(|o| std::sync::Arc::ptr_eq(&o.file, &r.origin.file));
        if same_file {
            labels.push(LabeledSpan::new_with_span(
                Some(r.label.clone()),
                span_of(&r.origin),
            ));
        } else {
            related.push(RelatedDiag {
                message: format!("{} ({}:{})", r.label, r.origin.file_name(), r.origin.line),
                source: named_source(&r.origin),
                label: LabeledSpan::new_primary_with_span(
                    Some(r.label.clone()),
                    span_of(&r.origin),
                ),
            });
        }
    }
    // miette prints one help block: the fix first, then the circumstances.
    let mut help_lines: Vec<String> = Vec::new();
    if let Some(h) = &f.help {
        help_lines.push(h.clone());
    }
    if f.origin.is_none() && !f.file_name().is_empty() {
        help_lines.push(format!("in {}", f.file_name()));
    }
    if let Some(w) = &f.witness {
        help_lines.push(format!("example packet: {w}"));
    }
    for n in &f.notes {
        help_lines.push(format!("note: {n}"));
    }
    let help = (!help_lines.is_empty()).then(|| help_lines.join("\n"));
    Rendered {
        finding: f,
        source,
        labels,
        related,
        help,
    }
}

/// Render findings and a closing summary line.
pub fn render(findings: &[Finding], summary: &Summary, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for f in findings {
        let r = adapt(f);
        if handler.render_report(&mut out, &r).is_err() {
            out.push_str(&format!(
                "{}: {}:{}:{}: {}\n",
                f.severity.as_str(),
                f.file_name(),
                f.line(),
                f.column(),
                f.message
            ));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "fwlint: {} error(s), {} warning(s), {} note(s) in {} file(s), {} filter(s), {} rule(s)\n",
        summary.errors,
        summary.warnings,
        summary.notes,
        summary.files,
        summary.filters,
        summary.rules
    ));
    out
}

/// `--format concise`: one line per finding, `FILE:LINE:COL: severity[CODE] message`.
pub fn render_concise(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&format!(
            "{}:{}:{}: {}[{}] {} ({})\n",
            f.file_name(),
            f.line(),
            f.column(),
            f.severity.as_str(),
            f.code,
            f.message,
            f.kind.as_str()
        ));
    }
    out
}

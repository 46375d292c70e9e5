//! `TopologyError`: a problem in a topology file, with the span of the offending
//! text, a label, and a help line (often "did you mean ...?"). It is a miette
//! [`Diagnostic`]; [`TopologyError::render`] gives the compiler-style rendering.

use crate::model::SourceFile;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// A topology that cannot be used. `others` holds further errors found in the
/// same file (shown as related diagnostics).
#[derive(Debug, Clone)]
pub struct TopologyError {
    /// The file name as the user gave it.
    pub file: String,
    pub message: String,
    /// 1-based line and column of the span's start (0 when there is no span).
    pub line: u32,
    pub column: u32,
    /// Byte range in the file's text.
    pub span: Option<Range<usize>>,
    /// What the label under the span says.
    pub label: String,
    pub help: Option<String>,
    pub others: Vec<TopologyError>,
    source: Option<NamedSource<String>>,
}

impl TopologyError {
    /// An error about the whole file (unreadable, ...).
    pub fn file_error(file: &str, message: impl Into<String>) -> Self {
        TopologyError {
            file: file.to_string(),
            message: message.into(),
            line: 0,
            column: 0,
            span: None,
            label: String::new(),
            help: None,
            others: Vec::new(),
            source: None,
        }
    }

    /// An error at `span` of `src`.
    pub fn at(
        src: &Arc<SourceFile>,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        let o = src.origin(span);
        TopologyError {
            file: src.name.clone(),
            message: message.into(),
            line: o.line,
            column: o.column,
            span: Some(o.span.clone()),
            label: label.into(),
            help: None,
            others: Vec::new(),
            source: Some(NamedSource::new(src.name.clone(), src.text.clone())),
        }
    }

    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// The error and its companions, rendered like a compiler diagnostic.
    pub fn render(&self, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
        let mut out = String::new();
        if handler.render_report(&mut out, self).is_err() {
            out = format!("{self}\n");
        }
        out
    }
}

impl fmt::Display for TopologyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )?;
        } else {
            write!(f, "{}: {}", self.file, self.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for TopologyError {}

impl Diagnostic for TopologyError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("fwlint::topology"))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.as_str()) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span.clone()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(self.label.clone()), span.start..span.end),
        )))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.others.is_empty() {
            return None;
        }
        Some(Box::new(self.others.iter().map(|e| e as &dyn Diagnostic)))
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest candidate to `word`, if it is close enough to be a likely typo
/// (distance at most a third of the word's length, and at least 1 allowed; or a
/// candidate that ends with `.word`, for a role given without its profile).
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = if c.rsplit_once('.').is_some_and(|(_, tail)| tail == word) {
            1
        } else {
            edit_distance(&word.to_ascii_lowercase(), &c.to_ascii_lowercase())
        };
        let better = match best {
            None => true,
            Some((bd, _)) => d < bd,
        };
        if d <= limit && better {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `did you mean `X`?` or nothing. A bare name that several candidates end with
/// (`client` for `dynamics-crm.client`, `configmgr.client`, ...) lists them all.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let tails: Vec<&str> = candidates
        .iter()
        .copied()
        .filter(|c| c.rsplit_once('.').is_some_and(|(_, t)| t == word))
        .collect();
    if tails.len() > 1 {
        let list: Vec<String> = tails.iter().map(|t| format!("`{t}`")).collect();
        return Some(format!("did you mean one of {}?", list.join(", ")));
    }
    suggest(word, candidates).map(|s| format!("did you mean `{s}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(
            suggest("adress", ["address", "roles", "ports"]),
            Some("address")
        );
        assert_eq!(suggest("zzz", ["address", "roles"]), None);
        assert_eq!(
            did_you_mean(
                "client",
                [
                    "dynamics-crm.client",
                    "configmgr.client",
                    "configmgr.console"
                ]
            )
            .unwrap(),
            "did you mean one of `dynamics-crm.client`, `configmgr.client`?"
        );
        assert_eq!(
            suggest("web", ["dynamics-crm.web", "dynamics-crm.sql"]),
            Some("dynamics-crm.web")
        );
    }
}

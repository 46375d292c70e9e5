//! Parse problems: unreadable input, syntax errors and unmodelled constructs
//! become `parse`-kind findings, so that nothing is dropped in silence.

use crate::finding::{Finding, Kind, Severity};
use crate::model::{IssueLevel, RuleSet};
use crate::read::LoadError;

declare_check! {
    /// ## What it does
    /// Reports an input file that could not be read at all: missing, a
    /// directory, binary where text was expected, in an unknown encoding, or in
    /// no dialect fwlint can recognise.
    ///
    /// ## Why is this bad?
    /// Nothing in the file was checked. A linter that skips a file quietly would
    /// report "all clear" for rules it never saw.
    ///
    /// ## Example
    /// ```text
    /// error[FW001]: cannot tell which firewall dialect this is
    ///   --> firewalls/edge.conf
    /// ```
    ///
    /// ## How to fix
    /// Name the dialect with `--dialect`, fix the path, or convert the export
    /// to one of the supported formats (see `fwlint --help`).
    pub UNREADABLE_INPUT, "FW001", "unreadable-input", Kind::Parse, Severity::Error, topology: false,
    "an input file could not be read"
}

declare_check! {
    /// ## What it does
    /// Reports a statement that does not follow the dialect's grammar, with the
    /// file, line and column, what was expected, and the offending text.
    ///
    /// ## Why is this bad?
    /// The device itself would refuse the config (or, for exports, the export
    /// is damaged). fwlint skips the broken statement and goes on, so the
    /// analysis of the rest is incomplete.
    ///
    /// ## Example
    /// ```text
    /// chain input { tcp dport 22 acept }
    ///                            ^^^^^ expected a statement or verdict
    /// ```
    ///
    /// ## How to fix
    /// Correct the statement; `nft -c -f FILE` and the device's own parser say
    /// the same.
    pub SYNTAX_ERROR, "FW002", "syntax-error", Kind::Parse, Severity::Error, topology: false,
    "a statement does not follow the dialect's grammar"
}

declare_check! {
    /// ## What it does
    /// Reports a construct that fwlint reads but does not model exactly, such
    /// as `meta mark`, `limit rate`, an ASA `fqdn` object, or a Windows rule
    /// scoped to a program.
    ///
    /// ## Why is this bad?
    /// The analysis stays sound: an unmodelled match in an allow rule is assumed
    /// to match anything when fwlint asks "what could be open", and nothing when
    /// it asks "is this flow surely open". The results around that rule may
    /// therefore be less precise than elsewhere.
    ///
    /// ## Example
    /// ```text
    /// meta mark 0x1 accept
    /// ^^^^^^^^^^^^^ `meta mark` is not modelled: treated as unknown
    /// ```
    ///
    /// ## How to fix
    /// Nothing is wrong with the config. If precision matters here, express the
    /// intent with header matches fwlint models, or accept the note.
    pub UNMODELLED_CONSTRUCT, "FW003", "unmodelled-construct", Kind::Parse, Severity::Warning, topology: false,
    "a construct is read but not modelled exactly"
}

/// A finding for a file that could not be loaded.
pub fn from_load_error(e: &LoadError) -> Finding {
    let mut f = Finding::new(&UNREADABLE_INPUT, e.message.clone()).in_file(e.file.clone());
    if let Some(o) = &e.origin {
        f = Finding::new(&SYNTAX_ERROR, e.message.clone()).at(o);
    }
    if let Some(h) = &e.help {
        f = f.help(h.clone());
    }
    f
}

/// Findings for the parse issues recorded in a rule set.
pub fn check(rs: &RuleSet, out: &mut Vec<Finding>) {
    for issue in &rs.issues {
        let (info, sev) = match issue.level {
            IssueLevel::Error => (&SYNTAX_ERROR, Severity::Error),
            IssueLevel::Warning => (&UNMODELLED_CONSTRUCT, Severity::Warning),
            IssueLevel::Note => (&UNMODELLED_CONSTRUCT, Severity::Note),
        };
        let mut f = Finding::new(info, issue.message.clone())
            .at(&issue.origin)
            .severity(sev);
        if let Some(e) = &issue.expected {
            f = f.label(format!("expected {e}"));
        }
        if let Some(h) = &issue.help {
            f = f.help(h.clone());
        }
        out.push(f);
    }
}

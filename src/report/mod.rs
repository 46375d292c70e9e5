//! Reporters: turn findings into output. They never re-run checks.
//!
//! Every reporter takes the findings and a [`Context`] (summary counts, the
//! checks that ran, the files that were read) and returns the whole document as
//! a string; `fwlint check` writes it to standard output or `--output`.

pub mod github;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod rules_doc;
pub mod sarif;

use crate::check::CheckInfo;
use crate::finding::{Finding, Severity};
use crate::model::Origin;
use serde::Serialize;

/// Counts for the summary block of every format.
#[derive(Debug, Default, Serialize, Clone)]
pub struct Summary {
    pub files: usize,
    pub filters: usize,
    pub rules: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Findings left out because the `--baseline` report already holds them.
    pub suppressed: usize,
    /// Findings left out by `ignore` / `per-path-ignores` in `--config`.
    pub ignored: usize,
}

impl Summary {
    pub fn count(&mut self, findings: &[Finding]) {
        for f in findings {
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Note => self.notes += 1,
            }
        }
    }

    /// The one-line summary the text formats end with.
    pub fn line(&self) -> String {
        let mut s = format!(
            "{} error(s), {} warning(s), {} note(s) in {} file(s), {} filter(s), {} rule(s)",
            self.errors, self.warnings, self.notes, self.files, self.filters, self.rules
        );
        if self.suppressed > 0 {
            s.push_str(&format!("; {} suppressed by the baseline", self.suppressed));
        }
        if self.ignored > 0 {
            s.push_str(&format!("; {} ignored by the config", self.ignored));
        }
        s
    }
}

/// What a reporter knows beyond the findings.
#[derive(Debug, Clone)]
pub struct Context {
    pub summary: Summary,
    /// The checks that ran (for JUnit's passing test cases). Empty means
    /// every registered check.
    pub checks: Vec<&'static CheckInfo>,
    /// The files that were read, as the user named them.
    pub files: Vec<String>,
    /// `--fail-on`: the least severity that fails (JUnit test cases); `None`
    /// for `never`.
    pub fail_on: Option<Severity>,
}

impl Default for Context {
    fn default() -> Self {
        Context::new(Summary::default())
    }
}

impl Context {
    /// A context where every finding fails and every registered check ran.
    pub fn new(summary: Summary) -> Context {
        Context {
            summary,
            checks: Vec::new(),
            files: Vec::new(),
            fail_on: Some(Severity::Note),
        }
    }

    /// The checks that ran, or every registered check when none were named.
    pub fn checks_run(&self) -> Vec<&'static CheckInfo> {
        if self.checks.is_empty() {
            crate::check::registry()
        } else {
            self.checks.clone()
        }
    }

    /// Every file named by the context or by a finding, sorted and unique, as
    /// [`display_path`] shows them.
    pub fn all_files(&self, findings: &[Finding]) -> Vec<String> {
        let mut files: Vec<String> = self
            .files
            .iter()
            .map(|f| display_path(f))
            .chain(findings.iter().map(|f| display_path(f.file_name())))
            .filter(|f| !f.is_empty())
            .collect();
        files.sort();
        files.dedup();
        files
    }
}

/// A file name as reports show it: relative to the current directory when it
/// lies below it, with `/` separators and no leading `./`.
pub fn display_path(name: &str) -> String {
    if name.is_empty() {
        return String::new();
    }
    let p = std::path::Path::new(name);
    let rel = if p.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| p.strip_prefix(&cwd).ok().map(|r| r.to_path_buf()))
            .unwrap_or_else(|| p.to_path_buf())
    } else {
        p.to_path_buf()
    };
    let mut s = rel.to_string_lossy().into_owned();
    if cfg!(windows) {
        s = s.replace('\\', "/");
    }
    while let Some(rest) = s.strip_prefix("./") {
        s = rest.to_string();
    }
    s
}

/// The end of an origin's span as a 1-based (line, column) pair, column
/// exclusive, with a trailing line break left out so the region stays on the
/// span's last line.
pub fn end_line_col(o: &Origin) -> (u32, u32) {
    let text = o.text();
    let trimmed = text.trim_end_matches(['\n', '\r']);
    o.file.line_col(o.span.start + trimmed.len())
}

/// The text a fingerprint is taken over: the code, the file, and what the
/// finding is about with whitespace runs collapsed — the rule's text if it
/// names one, else its message — plus the flow. Line numbers are left out, so
/// an edit above a rule keeps its fingerprint. Everything in the key is also in
/// a `--format json` report, so a baseline can recompute it.
pub fn fingerprint_key(f: &Finding) -> String {
    let subject = match &f.rule {
        Some(r) => r.text.as_str(),
        None => f.message.as_str(),
    };
    let flow = f
        .flow
        .as_ref()
        .map(|fl| format!("{}>{} {}/{}", fl.from, fl.to, fl.protocol, fl.ports))
        .unwrap_or_default();
    key_of(f.code, &display_path(f.file_name()), subject, &flow)
}

/// Assemble a fingerprint key from its parts (shared with the baseline reader).
pub fn key_of(code: &str, file: &str, subject: &str, flow: &str) -> String {
    format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}",
        code.to_ascii_uppercase(),
        file,
        normalize_ws(subject),
        normalize_ws(flow)
    )
}

/// Collapse whitespace runs to one space and trim.
pub fn normalize_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// 64-bit FNV-1a, printed as 16 hex digits. Not cryptographic: fingerprints
/// only need to be stable and rarely collide.
pub fn fnv1a_hex(s: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The stable fingerprint of a finding (see [`fingerprint_key`]).
pub fn fingerprint(f: &Finding) -> String {
    fnv1a_hex(&fingerprint_key(f))
}

/// Fingerprints made unique within one report: the second finding with the
/// same key gets `…:1`, the third `…:2`, in report order.
pub fn unique_fingerprints(findings: &[Finding]) -> Vec<String> {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    findings
        .iter()
        .map(|f| {
            let fp = fingerprint(f);
            let n = seen.entry(fp.clone()).or_insert(0);
            let out = if *n == 0 {
                fp.clone()
            } else {
                format!("{fp}:{n}")
            };
            *n += 1;
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_reference_vectors() {
        assert_eq!(fnv1a_hex(""), "cbf29ce484222325");
        assert_eq!(fnv1a_hex("a"), "af63dc4c8601ec8c");
        assert_eq!(fnv1a_hex("foobar"), "85944171f73967e8");
    }

    #[test]
    fn display_path_strips_dot_slash() {
        assert_eq!(display_path("./a/b.conf"), "a/b.conf");
        assert_eq!(display_path("a.conf"), "a.conf");
        let cwd = std::env::current_dir().unwrap();
        let abs = cwd.join("x").join("y.nft");
        assert_eq!(display_path(&abs.to_string_lossy()), "x/y.nft");
    }

    #[test]
    fn whitespace_is_normalized() {
        assert_eq!(
            normalize_ws("  tcp   dport 22\taccept \n"),
            "tcp dport 22 accept"
        );
    }
}

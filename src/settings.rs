//! `fwlint.toml`: project settings for `fwlint check --config FILE`.
//!
//! ```toml
//! fail-on = "error"                    # error | warning | note | never
//! ignore = ["FW203", "unneeded-rule"]  # codes or names, case-insensitive
//!
//! [per-path-ignores]                   # glob = codes or names
//! "legacy/**" = ["shadowed-rule"]
//! "*.wfw" = ["FW003"]                  # no `/`: matched against the file name too
//!
//! [severity]                           # code or name = error | warning | note
//! FW003 = "note"
//! ```
//!
//! Paths are matched against the file as reports show it (relative to the
//! current directory, `/` separators). Unknown keys, unknown checks and bad
//! values are errors that name the file, line and column.

use crate::check::{lookup, registry, CheckInfo};
use crate::finding::{Finding, Severity};
use crate::model::SourceFile;
use crate::report::display_path;
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

/// The keys `fwlint.toml` accepts.
pub const KEYS: [&str; 4] = ["fail-on", "ignore", "per-path-ignores", "severity"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    per_path_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// A settings error with the span of the offending text.
#[derive(Debug, Clone)]
pub struct SettingsError {
    pub message: String,
    pub span: Option<Range<usize>>,
}

impl SettingsError {
    fn at(span: Range<usize>, message: impl Into<String>) -> SettingsError {
        SettingsError {
            message: message.into(),
            span: Some(span),
        }
    }

    /// `FILE:LINE:COL: message`, then the line with the span underlined.
    pub fn render(&self, name: &str, text: &str) -> String {
        let Some(span) = &self.span else {
            return format!("{name}: {}", self.message);
        };
        let file = SourceFile::new(name, text);
        let o = file.origin(span.clone());
        let line_text = &text[file.line_span(o.line)];
        let width = o
            .text()
            .lines()
            .next()
            .map_or(1, |l| l.chars().count().max(1));
        let gutter = o.line.to_string();
        format!(
            "{name}:{}:{}: {}\n{pad} |\n{gutter} | {line_text}\n{pad} | {}{}",
            o.line,
            o.column,
            self.message,
            " ".repeat(o.column as usize - 1),
            "^".repeat(width),
            pad = " ".repeat(gutter.len()),
        )
    }
}

/// Resolved settings.
#[derive(Debug, Default)]
pub struct Settings {
    /// `fail-on`: `Some(None)` is `never`.
    pub fail_on: Option<Option<Severity>>,
    /// Checks ignored everywhere.
    pub ignore: Vec<&'static CheckInfo>,
    /// Checks ignored in matching files: (pattern, matcher, checks).
    pub per_path_ignores: Vec<(String, GlobMatcher, Vec<&'static CheckInfo>)>,
    /// Severity overrides by code.
    pub severity: HashMap<&'static str, Severity>,
}

fn check_named(s: &Spanned<String>) -> Result<&'static CheckInfo, SettingsError> {
    lookup(s.get_ref().trim()).ok_or_else(|| {
        let known: Vec<String> = registry()
            .iter()
            .map(|c| format!("{} ({})", c.code, c.name))
            .collect();
        SettingsError::at(
            s.span(),
            format!(
                "unknown check `{}`; known checks: {}",
                s.get_ref(),
                known.join(", ")
            ),
        )
    })
}

fn severity_named(s: &Spanned<String>) -> Result<Severity, SettingsError> {
    match s.get_ref().to_ascii_lowercase().as_str() {
        "error" => Ok(Severity::Error),
        "warning" => Ok(Severity::Warning),
        "note" => Ok(Severity::Note),
        other => Err(SettingsError::at(
            s.span(),
            format!("unknown severity `{other}`; expected error, warning or note"),
        )),
    }
}

impl Settings {
    /// Read and resolve a settings file; the error is rendered with its span.
    pub fn load(path: &Path) -> Result<Settings, String> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the config {name}: {e}"))?;
        Settings::parse(&text).map_err(|e| e.render(&name, &text))
    }

    /// Parse and resolve the text of a settings file.
    pub fn parse(text: &str) -> Result<Settings, SettingsError> {
        let raw: Raw = toml::from_str(text).map_err(|e| SettingsError {
            message: e.message().trim().replace("field", "key"),
            span: e.span(),
        })?;
        let mut s = Settings::default();
        if let Some(f) = &raw.fail_on {
            s.fail_on = Some(match f.get_ref().to_ascii_lowercase().as_str() {
                "never" => None,
                _ => Some(severity_named(f).map_err(|e| SettingsError {
                    message: format!(
                        "unknown `fail-on` value `{}`; expected error, warning, note or never",
                        f.get_ref()
                    ),
                    span: e.span,
                })?),
            });
        }
        for c in &raw.ignore {
            s.ignore.push(check_named(c)?);
        }
        for (pat, codes) in &raw.per_path_ignores {
            let glob = Glob::new(pat.get_ref())
                .map_err(|e| SettingsError::at(pat.span(), format!("bad glob: {e}")))?;
            let checks = codes
                .iter()
                .map(check_named)
                .collect::<Result<Vec<_>, _>>()?;
            s.per_path_ignores
                .push((pat.get_ref().clone(), glob.compile_matcher(), checks));
        }
        for (code, sev) in &raw.severity {
            let info = check_named(code)?;
            s.severity.insert(info.code, severity_named(sev)?);
        }
        Ok(s)
    }

    /// Whether `finding` is ignored by `ignore` or `per-path-ignores`.
    pub fn ignores(&self, f: &Finding) -> bool {
        if self.ignore.iter().any(|c| c.code == f.code) {
            return true;
        }
        if self.per_path_ignores.is_empty() {
            return false;
        }
        let path = display_path(f.file_name());
        let base = path.rsplit('/').next().unwrap_or(&path).to_string();
        self.per_path_ignores.iter().any(|(pat, m, checks)| {
            checks.iter().any(|c| c.code == f.code)
                && (m.is_match(&path) || (!pat.contains('/') && m.is_match(&base)))
        })
    }

    /// Drop ignored findings and apply severity overrides; returns the
    /// findings kept and how many were ignored.
    pub fn apply(&self, findings: Vec<Finding>) -> (Vec<Finding>, usize) {
        let before = findings.len();
        let kept: Vec<Finding> = findings
            .into_iter()
            .filter(|f| !self.ignores(f))
            .map(|mut f| {
                if let Some(s) = self.severity.get(f.code) {
                    f.severity = *s;
                }
                f
            })
            .collect();
        let ignored = before - kept.len();
        (kept, ignored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_key() {
        let s = Settings::parse(
            "fail-on = \"never\"\nignore = [\"fw001\"]\n[per-path-ignores]\n\"legacy/**\" = [\"syntax-error\"]\n[severity]\nUNMODELLED-CONSTRUCT = \"note\"\n",
        )
        .unwrap();
        assert_eq!(s.fail_on, Some(None));
        assert_eq!(s.ignore[0].code, "FW001");
        assert_eq!(s.per_path_ignores[0].2[0].code, "FW002");
        assert_eq!(s.severity.get("FW003"), Some(&Severity::Note));
    }

    #[test]
    fn unknown_key_has_a_span() {
        let text = "ignore = []\nfail_on = \"note\"\n";
        let e = Settings::parse(text).unwrap_err();
        assert_eq!(&text[e.span.clone().unwrap()], "fail_on");
        let r = e.render("fwlint.toml", text);
        assert!(
            r.starts_with("fwlint.toml:2:1: unknown key `fail_on`"),
            "{r}"
        );
        assert!(r.contains("2 | fail_on = \"note\"\n  | ^^^^^^^"), "{r}");
    }

    #[test]
    fn unknown_check_in_severity_key_has_a_span() {
        let text = "[severity]\nFW999 = \"note\"\n";
        let e = Settings::parse(text).unwrap_err();
        assert_eq!(&text[e.span.clone().unwrap()], "FW999");
        assert!(e.message.contains("unknown check `FW999`"));
    }

    #[test]
    fn bad_severity_value_has_a_span() {
        let text = "[severity]\nFW001 = \"fatal\"\n";
        let e = Settings::parse(text).unwrap_err();
        assert_eq!(&text[e.span.clone().unwrap()], "\"fatal\"");
    }
}

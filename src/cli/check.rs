//! `fwlint check`: load, analyse, run checks, report, and pick the exit code.

use super::args::{CheckArgs, CheckFormat, FailOn};
use super::load::load_paths;
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE};
use crate::baseline::Baseline;
use crate::check::{parse_problem, registry};
use crate::finding::{Finding, Severity};
use crate::model::IssueLevel;
use crate::read::LoadError;
use crate::report::{self, Context, Summary};
use crate::settings::Settings;
use std::io::IsTerminal;
use std::path::PathBuf;

pub fn run(a: CheckArgs) -> Result<i32, String> {
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.paths.clone()
    };
    // Settings and baseline first: a bad one stops the run before any work.
    let settings = match &a.config {
        Some(p) => Settings::load(p)?,
        None => Settings::default(),
    };
    let baseline = a.baseline.as_deref().map(Baseline::load).transpose()?;
    // With a topology, the configs it names are checked; PATHS only when given.
    let paths = if a.topology.is_some() {
        a.paths.clone()
    } else {
        paths
    };
    let loaded = load_paths(&paths, a.dialect.0);
    let mut findings: Vec<Finding> = loaded
        .errors
        .iter()
        .map(parse_problem::from_load_error)
        .collect();
    let space = crate::space::Space::for_rulesets([&loaded.rules]);
    let cx = crate::check::Context::new(&loaded.rules, &space, &crate::model::eval::NoSymbols);
    findings.extend(crate::check::run_hygiene(&cx));
    let mut could_not_read = !loaded.errors.is_empty()
        || loaded
            .rules
            .issues
            .iter()
            .any(|i| i.level == IssueLevel::Error);
    let mut counts = (
        loaded.files,
        loaded.rules.filters.len(),
        loaded
            .rules
            .filters
            .iter()
            .map(|f| f.rules().count())
            .sum::<usize>(),
    );
    if let Some(t) = &a.topology {
        match super::site::check_site(t) {
            Ok(o) => {
                findings.extend(o.findings);
                could_not_read |= o.trouble;
                counts = (counts.0 + o.files, counts.1 + o.filters, counts.2 + o.rules);
            }
            Err(rendered) => {
                eprint!("{rendered}");
                return Ok(EXIT_TROUBLE);
            }
        }
    }

    let (mut findings, ignored) = settings.apply(findings);
    let suppressed = match &baseline {
        Some(b) => {
            let (kept, n) = b.filter(findings);
            findings = kept;
            n
        }
        None => 0,
    };

    findings.sort_by(|x, y| {
        (x.file_name(), x.line(), x.column(), x.code).cmp(&(
            y.file_name(),
            y.line(),
            y.column(),
            y.code,
        ))
    });
    let mut summary = Summary {
        files: counts.0,
        filters: counts.1,
        rules: counts.2,
        suppressed,
        ignored,
        ..Summary::default()
    };
    summary.count(&findings);
    let threshold = match a.fail_on {
        Some(FailOn::Error) => Some(Severity::Error),
        Some(FailOn::Warning) => Some(Severity::Warning),
        Some(FailOn::Note) => Some(Severity::Note),
        Some(FailOn::Never) => None,
        None => settings.fail_on.unwrap_or(Some(Severity::Warning)),
    };
    let ctx = Context {
        summary: summary.clone(),
        checks: registry()
            .into_iter()
            .filter(|c| a.topology.is_some() || !c.needs_topology)
            .filter(|c| !settings.ignore.iter().any(|i| i.code == c.code))
            .collect(),
        files: files_read(&loaded),
        fail_on: threshold,
    };

    let color = a.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let out = match a.format {
        CheckFormat::Human => {
            let mut s = report::human::render(&findings, &summary, color);
            if suppressed + ignored > 0 {
                // Replace the closing summary line with one that counts them.
                let body = s.trim_end_matches('\n');
                let cut = body.rfind("\nfwlint: ").map_or(0, |i| i + 1);
                s.truncate(cut);
                s.push_str(&format!("fwlint: {}\n", summary.line()));
            }
            s
        }
        CheckFormat::Concise => report::human::render_concise(&findings),
        CheckFormat::Json => report::json::render(&findings, &summary),
        CheckFormat::Sarif => report::sarif::render(&findings, &ctx),
        CheckFormat::Github => report::github::render(&findings, &ctx),
        CheckFormat::Gitlab => report::gitlab::render(&findings),
        CheckFormat::Junit => report::junit::render(&findings, &ctx)?,
        CheckFormat::Markdown => report::markdown::render(&findings, &ctx),
        CheckFormat::Html => report::html::render(&findings, &ctx),
    };
    match &a.output {
        Some(p) => {
            std::fs::write(p, out).map_err(|e| format!("cannot write {}: {e}", p.display()))?
        }
        None => super::explain::write_stdout(&out)?,
    }
    if could_not_read
        && !findings
            .iter()
            .any(|f| f.kind == crate::finding::Kind::Parse)
    {
        eprintln!(
            "fwlint: error: some input could not be read or parsed; its findings are hidden by \
             the baseline or the config, but the check is incomplete"
        );
    }
    Ok(exit_code(&findings, threshold, could_not_read))
}

/// 2 when an input could not be read, else 1 when a finding is at or above
/// `fail_on` (`None`: never), else 0.
fn exit_code(findings: &[Finding], fail_on: Option<Severity>, could_not_read: bool) -> i32 {
    if could_not_read {
        return EXIT_TROUBLE;
    }
    let failing = fail_on.is_some_and(|t| findings.iter().any(|f| f.severity >= t));
    if failing {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// The files that were read (or failed to), as the user named them.
fn files_read(loaded: &super::load::Loaded) -> Vec<String> {
    let mut files: Vec<String> = loaded.errors.iter().map(|e| e.file.clone()).collect();
    for f in &loaded.rules.filters {
        files.extend(f.origin.iter().map(|o| o.file_name().to_string()));
        files.extend(f.rules().map(|r| r.origin.file_name().to_string()));
    }
    files.extend(
        loaded
            .rules
            .issues
            .iter()
            .map(|i| i.origin.file_name().to_string()),
    );
    files.sort();
    files.dedup();
    files
}

/// A load error as a rendered diagnostic, for subcommands that stop on one.
pub fn render_load_error(e: &LoadError) -> String {
    let f = parse_problem::from_load_error(e);
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut s = Summary::default();
    s.count(std::slice::from_ref(&f));
    let text = report::human::render(std::slice::from_ref(&f), &s, color);
    // Drop the summary line: one error needs none.
    text.lines()
        .take_while(|l| !l.starts_with("fwlint: "))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::parse_problem::UNMODELLED_CONSTRUCT;

    #[test]
    fn exit_code_follows_fail_on() {
        let warn = vec![Finding::new(&UNMODELLED_CONSTRUCT, "w")];
        let note = vec![Finding::new(&UNMODELLED_CONSTRUCT, "n").severity(Severity::Note)];
        assert_eq!(exit_code(&warn, Some(Severity::Error), false), EXIT_OK);
        assert_eq!(
            exit_code(&warn, Some(Severity::Warning), false),
            EXIT_FINDINGS
        );
        assert_eq!(exit_code(&warn, Some(Severity::Note), false), EXIT_FINDINGS);
        assert_eq!(exit_code(&note, Some(Severity::Warning), false), EXIT_OK);
        assert_eq!(exit_code(&note, Some(Severity::Note), false), EXIT_FINDINGS);
        assert_eq!(exit_code(&warn, None, false), EXIT_OK);
        assert_eq!(exit_code(&[], Some(Severity::Note), false), EXIT_OK);
        assert_eq!(exit_code(&[], None, true), EXIT_TROUBLE);
    }
}

//! `fwlint check`: load, analyse, run checks, report, and pick the exit code.

use super::args::{CheckArgs, CheckFormat, FailOn};
use super::load::load_paths;
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE};
use crate::check::parse_problem;
use crate::finding::{Finding, Severity};
use crate::model::IssueLevel;
use crate::read::LoadError;
use crate::report::{self, Summary};
use std::io::IsTerminal;
use std::path::PathBuf;

pub fn run(a: CheckArgs) -> Result<i32, String> {
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.paths.clone()
    };
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
        ..Summary::default()
    };
    summary.count(&findings);

    let color = a.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let out = match a.format {
        CheckFormat::Human => report::human::render(&findings, &summary, color),
        CheckFormat::Concise => report::human::render_concise(&findings),
        CheckFormat::Json => report::json::render(&findings, &summary),
        other => return Err(format!("--format {other:?} is not available yet").to_lowercase()),
    };
    match &a.output {
        Some(p) => {
            std::fs::write(p, out).map_err(|e| format!("cannot write {}: {e}", p.display()))?
        }
        None => print!("{out}"),
    }
    if could_not_read {
        return Ok(EXIT_TROUBLE);
    }
    let threshold = match a.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Note => Some(Severity::Note),
        FailOn::Never => None,
    };
    let failing = threshold.is_some_and(|t| findings.iter().any(|f| f.severity >= t));
    Ok(if failing { EXIT_FINDINGS } else { EXIT_OK })
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

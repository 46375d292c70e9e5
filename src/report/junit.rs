//! `--format junit`: JUnit XML for CI test dashboards.
//!
//! # Format
//! One `<testsuite>` per file (named by its path), holding one `<testcase>`
//! per check that ran (`name` = `CODE name`, `classname` = the path). A test
//! case passes when the check found nothing at or above `--fail-on` in that
//! file; otherwise it has one `<failure>` whose `type` is the highest severity,
//! whose `message` is the finding's message (or `N findings`), and whose text
//! lists every finding as `FILE:LINE:COL: severity[CODE] message` (`FILE:` alone
//! when it has no position) with its help,
//! notes and witness. Findings below `--fail-on` go into the passing test
//! case's `<system-out>`. Findings with no file go into a suite named `fwlint`.

use super::{display_path, Context};
use crate::finding::{Finding, Severity};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::collections::BTreeMap;

fn describe(f: &Finding) -> String {
    let place = match &f.origin {
        Some(o) => format!("{}:{}:{}", display_path(f.file_name()), o.line, o.column),
        None => display_path(f.file_name()),
    };
    let mut s = format!("{place}: {}[{}] {}", f.severity.as_str(), f.code, f.message);
    if let Some(r) = &f.rule {
        s.push_str(&format!("\n    rule: {}", r.text));
    }
    if let Some(w) = &f.witness {
        s.push_str(&format!("\n    example packet: {w}"));
    }
    for r in &f.related {
        s.push_str(&format!(
            "\n    {} ({}:{})",
            r.label,
            display_path(r.origin.file_name()),
            r.origin.line
        ));
    }
    for n in &f.notes {
        s.push_str(&format!("\n    note: {n}"));
    }
    if let Some(h) = &f.help {
        s.push_str(&format!("\n    help: {h}"));
    }
    s
}

fn test_case(suite: &str, name: String, found: &[&Finding], fail_on: Option<Severity>) -> TestCase {
    let failing: Vec<&Finding> = found
        .iter()
        .copied()
        .filter(|f| fail_on.is_some_and(|t| f.severity >= t))
        .collect();
    let status = if failing.is_empty() {
        TestCaseStatus::success()
    } else {
        let mut st = TestCaseStatus::non_success(NonSuccessKind::Failure);
        let worst = failing
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Note);
        st.set_type(worst.as_str());
        if failing.len() == 1 {
            st.set_message(failing[0].message.as_str());
        } else {
            st.set_message(format!("{} findings", failing.len()));
        }
        st.set_description(
            failing
                .iter()
                .map(|f| describe(f))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        st
    };
    let mut tc = TestCase::new(name, status);
    tc.set_classname(suite);
    let quiet: Vec<String> = found
        .iter()
        .filter(|f| fail_on.is_none_or(|t| f.severity < t))
        .map(|f| describe(f))
        .collect();
    if !quiet.is_empty() {
        tc.set_system_out(quiet.join("\n"));
    }
    tc
}

pub fn to_report(findings: &[Finding], ctx: &Context) -> Report {
    let checks = ctx.checks_run();
    let mut by_file: BTreeMap<String, Vec<&Finding>> = ctx
        .all_files(findings)
        .into_iter()
        .map(|f| (f, Vec::new()))
        .collect();
    for f in findings {
        let file = display_path(f.file_name());
        let key = if file.is_empty() {
            "fwlint".into()
        } else {
            file
        };
        by_file.entry(key).or_default().push(f);
    }
    let mut report = Report::new("fwlint");
    for (file, found) in &by_file {
        let mut suite = TestSuite::new(file.as_str());
        let mut codes: Vec<(&str, &str)> = checks.iter().map(|c| (c.code, c.name)).collect();
        // A finding of a check not in the list still gets its test case.
        for f in found {
            if !codes.iter().any(|(c, _)| *c == f.code) {
                codes.push((f.code, f.name));
            }
        }
        codes.sort();
        for (code, name) in codes {
            let of_check: Vec<&Finding> =
                found.iter().copied().filter(|f| f.code == code).collect();
            suite.add_test_case(test_case(
                file,
                format!("{code} {name}"),
                &of_check,
                ctx.fail_on,
            ));
        }
        report.add_test_suite(suite);
    }
    report
}

pub fn render(findings: &[Finding], ctx: &Context) -> Result<String, String> {
    let mut s = to_report(findings, ctx)
        .to_string()
        .map_err(|e| format!("cannot write the JUnit report: {e}"))?;
    if !s.ends_with('\n') {
        s.push('\n');
    }
    Ok(s)
}

//! `any-to-any-allow`: rules that allow every protocol from anywhere to anywhere.

use super::{rule_at, Context};
use crate::finding::{Finding, Kind, Severity};

declare_check! {
    /// ## What it does
    /// Reports an allow rule that matches every protocol, every source and
    /// every destination of an address family for new connections, and decides
    /// at least some packets.
    ///
    /// ## Why is this bad?
    /// It turns the filter off for everything that reaches it. On a host
    /// firewall it exposes every listening service; on a network ACL every
    /// host behind it.
    ///
    /// ## Example
    /// ```text
    /// access-list 101 permit ip any any
    /// ```
    ///
    /// ## How to fix
    /// Replace it with rules for the flows that are needed (`fwlint check
    /// --topology` lists them), and let the default action deny the rest.
    pub ANY_TO_ANY_ALLOW, "FW302", "any-to-any-allow", Kind::Exposure, Severity::Warning, topology: false,
    "a rule allows everything from anywhere to anywhere"
}

pub fn run(cx: &Context, out: &mut Vec<Finding>) {
    let mut reported = std::collections::HashSet::new();
    for (fi, (f, facts)) in cx.rules.filters.iter().zip(&cx.facts).enumerate() {
        if !cx.is_exposure_relevant(f) {
            continue;
        }
        for (pos, region) in facts.analysis.rules.iter().enumerate() {
            let rule = rule_at(f, region.chain, region.index);
            // The catch-all test first: its bounding box rules out most rules
            // without a diagram.
            if !rule.enabled
                || rule.effect != crate::model::Effect::Allow
                || !cx.is_catch_all(fi, pos)
                || region.effective.must.is_empty()
            {
                continue;
            }
            if !reported.insert((
                rule.origin.file_name().to_string(),
                rule.origin.span.clone(),
            )) {
                continue;
            }
            out.push(
                Finding::new(
                    &ANY_TO_ANY_ALLOW,
                    "this rule allows every protocol from any source to any destination",
                )
                .at_rule(&rule.origin)
                .label("allows everything")
                .filter(f.name.clone())
                .help(
                    "allow only the flows that are needed and let the default action deny the rest",
                ),
            );
        }
    }
}

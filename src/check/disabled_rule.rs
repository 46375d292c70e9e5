//! `disabled-rule`: rules that are present but switched off.

use super::Context;
use crate::finding::{Finding, Kind, Severity};

declare_check! {
    /// ## What it does
    /// Reports rules that exist in the config but are disabled: Windows rules
    /// with `Active=FALSE` / `enable=no` / `-Enabled False`, ASA entries marked
    /// `inactive`.
    ///
    /// ## Why is this bad?
    /// A disabled rule decides nothing, yet reviewers read it as policy. Old
    /// disabled allow rules are also one click away from being re-enabled.
    ///
    /// ## Example
    /// ```text
    /// access-list OUTSIDE extended permit tcp any host 10.0.0.5 eq 3389 inactive
    /// ```
    ///
    /// ## How to fix
    /// Delete the rule, or enable it if it is still needed. Keep history in
    /// version control rather than in disabled rules.
    pub DISABLED_RULE, "FW210", "disabled-rule", Kind::Hygiene, Severity::Note, topology: false,
    "a rule is present but disabled"
}

pub fn run(cx: &Context, out: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    for f in &cx.rules.filters {
        for r in f.rules().filter(|r| !r.enabled) {
            // Windows rules appear in one filter per profile: report each once.
            if !seen.insert((r.origin.file_name().to_string(), r.origin.span.clone())) {
                continue;
            }
            out.push(
                Finding::new(&DISABLED_RULE, "this rule is disabled and decides nothing")
                    .at_rule(&r.origin)
                    .label("disabled")
                    .filter(f.name.clone())
                    .help("delete it, or enable it if it is still needed"),
            );
        }
    }
}

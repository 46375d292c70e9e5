//! `empty-filter`: filters with no rules at all.

use super::Context;
use crate::finding::{Finding, Kind, Severity};
use crate::model::FilterBody;

declare_check! {
    /// ## What it does
    /// Reports an ACL (or other first-match filter) that has no entries.
    ///
    /// ## Why is this bad?
    /// Devices disagree on what an empty ACL does: on Cisco IOS an empty or
    /// undefined ACL applied to an interface permits everything, while an ACL
    /// with one entry gets an implicit deny. An empty filter is almost always a
    /// leftover or a half-finished change.
    ///
    /// ## Example
    /// ```text
    /// ip access-list extended SERVERS-IN
    /// !
    /// interface Gi0/1
    ///  ip access-group SERVERS-IN in
    /// ```
    ///
    /// ## How to fix
    /// Add the intended entries, or remove the ACL and its bindings.
    pub EMPTY_FILTER, "FW211", "empty-filter", Kind::Hygiene, Severity::Warning, topology: false,
    "a filter has no rules"
}

pub fn run(cx: &Context, out: &mut Vec<Finding>) {
    for f in &cx.rules.filters {
        let FilterBody::FirstMatch(fm) = &f.body else {
            continue;
        };
        // Windows filters are per profile and legitimately empty; only ACLs count.
        if !fm.rules.is_empty() || f.dialect.starts_with("winfw") {
            continue;
        }
        let Some(origin) = &f.origin else { continue };
        let mut finding = Finding::new(&EMPTY_FILTER, format!("filter `{}` has no rules", f.name))
            .at(origin)
            .label("defined here with no entries")
            .filter(f.name.clone())
            .help("add the intended entries, or remove the filter and its bindings");
        for b in &f.bindings {
            if let Some(o) = &b.origin {
                finding = finding.related(o, format!("applied {} here", b.direction));
            }
        }
        out.push(finding);
    }
}

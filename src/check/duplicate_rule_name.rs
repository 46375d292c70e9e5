//! `duplicate-rule-name`: Windows rules sharing a name but not a meaning.

use super::Context;
use crate::finding::{Finding, Kind, Severity};

declare_check! {
    /// ## What it does
    /// Reports Windows Firewall rules that share a display name but differ in
    /// content (ports, addresses, action, profiles, ...).
    ///
    /// ## Why is this bad?
    /// `netsh advfirewall firewall set rule name=X` and `delete rule name=X`
    /// act on every rule with that name at once, and admins reviewing the GUI
    /// see one name with different behaviours. Changes meant for one rule hit
    /// the others.
    ///
    /// ## Example
    /// ```text
    /// netsh advfirewall firewall add rule name="SQL" dir=in action=allow protocol=tcp localport=1433
    /// netsh advfirewall firewall add rule name="SQL" dir=in action=allow protocol=tcp localport=1433-1434 remoteip=any
    /// ```
    ///
    /// ## How to fix
    /// Give each rule a distinct name that says what it is for.
    pub DUPLICATE_RULE_NAME, "FW214", "duplicate-rule-name", Kind::Hygiene, Severity::Warning, topology: false,
    "rules share a name but differ in content"
}

pub fn run(cx: &Context, out: &mut Vec<Finding>) {
    for clash in &cx.rules.name_clashes {
        let Some((first, rest)) = clash.origins.split_first() else {
            continue;
        };
        let mut f = Finding::new(
            &DUPLICATE_RULE_NAME,
            format!(
                "{} rules are named `{}` but differ in content",
                clash.origins.len(),
                clash.name
            ),
        )
        .at_rule(first)
        .label("first rule with this name")
        .help("give each rule a distinct name; `set rule` and `delete rule` act on all of them");
        for o in rest {
            f = f.related(o, "same name, different content");
        }
        out.push(f);
    }
}

//! `unused-object`: named objects that nothing refers to.

use super::Context;
use crate::finding::{Finding, Kind, Severity};

declare_check! {
    /// ## What it does
    /// Reports object-groups, objects, named sets, maps and variables that are
    /// defined but never used.
    ///
    /// ## Why is this bad?
    /// Unused objects make a config longer and harder to audit, and they are
    /// often the trace of a rule that was removed by mistake or never written.
    ///
    /// ## Example
    /// ```text
    /// object-group network LEGACY-DMZ
    ///  network-object 192.0.2.0 255.255.255.0
    /// ```
    ///
    /// ## How to fix
    /// Remove the object, or add the rule that was meant to use it.
    pub UNUSED_OBJECT, "FW212", "unused-object", Kind::Hygiene, Severity::Note, topology: false,
    "a named object is never used"
}

pub fn run(cx: &Context, out: &mut Vec<Finding>) {
    // Chains that nothing jumps to are `unreachable-chain`'s to report.
    for o in cx
        .rules
        .objects
        .iter()
        .filter(|o| o.uses == 0 && o.kind != "chain")
    {
        out.push(
            Finding::new(
                &UNUSED_OBJECT,
                format!("{} `{}` is defined but never used", o.kind, o.name),
            )
            .at(&o.origin)
            .label("never referenced")
            .help("remove it, or add the rule that was meant to use it"),
        );
    }
}

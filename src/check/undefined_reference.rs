//! `undefined-reference`: references to names the config never defines.

use super::Context;
use crate::finding::{Finding, Kind, Severity};

declare_check! {
    /// ## What it does
    /// Reports a rule or binding that refers to an object-group, set, chain,
    /// variable or ACL that is not defined in the files read.
    ///
    /// ## Why is this bad?
    /// The device either refuses the config or, worse, applies something other
    /// than what the author meant (on Cisco IOS an undefined ACL bound to an
    /// interface permits everything). fwlint cannot know what the name holds,
    /// so the rule is analysed as matching unknown packets.
    ///
    /// ## Example
    /// ```text
    /// ip saddr @trusted_hosts accept     # no `set trusted_hosts` in the table
    /// ```
    ///
    /// ## How to fix
    /// Define the object (or include the file that defines it), or correct the
    /// name.
    pub UNDEFINED_REFERENCE, "FW213", "undefined-reference", Kind::Hygiene, Severity::Error, topology: false,
    "a reference names something that is not defined"
}

pub fn run(cx: &Context, out: &mut Vec<Finding>) {
    for d in &cx.rules.dangling {
        out.push(
            Finding::new(
                &UNDEFINED_REFERENCE,
                format!("{} `{}` is not defined", d.kind, d.name),
            )
            .at(&d.origin)
            .label("undefined")
            .help(format!(
                "define {} `{}`, or correct the name",
                d.kind, d.name
            )),
        );
    }
}

//! `unreachable-chain`: nftables regular chains that no reachable rule jumps to.

use super::Context;
use crate::finding::{Finding, Kind, Severity};
use crate::model::{Effect, FilterBody};

declare_check! {
    /// ## What it does
    /// Reports a regular nftables chain that is never the target of a `jump`
    /// or `goto` from a base chain, directly or through other chains, on any
    /// hook.
    ///
    /// ## Why is this bad?
    /// Its rules never see a packet. Usually a `jump` was removed or misspelt,
    /// so the policy the chain holds is silently not applied.
    ///
    /// ## Example
    /// ```text
    /// chain ssh_guard { ip saddr != 10.0.0.0/8 tcp dport 22 drop }
    /// chain input { type filter hook input priority 0; }   # no `jump ssh_guard`
    /// ```
    ///
    /// ## How to fix
    /// Add the missing `jump`, or delete the chain.
    pub UNREACHABLE_CHAIN, "FW215", "unreachable-chain", Kind::Hygiene, Severity::Warning, topology: false,
    "a chain is never jumped to"
}

pub fn run(cx: &Context, out: &mut Vec<Finding>) {
    // A chain is reachable if any hook's pipeline reaches it; chains are keyed
    // by name because each hook's pipeline holds its own copy of the chains.
    let mut reachable = std::collections::HashSet::new();
    let mut all: Vec<(&str, &crate::model::Chain)> = Vec::new();
    for f in &cx.rules.filters {
        let FilterBody::Pipeline(p) = &f.body else {
            continue;
        };
        let mut stack: Vec<usize> = p.base.iter().map(|b| b.chain).collect();
        let mut seen = vec![false; p.chains.len()];
        while let Some(c) = stack.pop() {
            if std::mem::replace(&mut seen[c], true) {
                continue;
            }
            reachable.insert(p.chains[c].name.clone());
            for r in p.chains[c].rules.iter().filter(|r| r.enabled) {
                if let Effect::Jump(t) | Effect::Goto(t) = r.effect {
                    if t < p.chains.len() {
                        stack.push(t);
                    }
                }
            }
        }
        all.extend(p.chains.iter().map(|c| (c.name.as_str(), c)));
    }
    let mut reported = std::collections::HashSet::new();
    for (name, chain) in all {
        if reachable.contains(name) || !reported.insert(name) {
            continue;
        }
        out.push(
            Finding::new(
                &UNREACHABLE_CHAIN,
                format!("chain `{name}` is never jumped to, so its rules see no packet"),
            )
            .at(&chain.origin)
            .label("no reachable `jump` or `goto` targets this chain")
            .help("add the missing `jump`, or delete the chain"),
        );
    }
}

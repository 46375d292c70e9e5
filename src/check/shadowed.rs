//! `shadowed-rule` and `dead-rule`: rules that can never decide a packet.

use super::{each_filter, rule_at, rule_key, Context};
use crate::finding::{Finding, Kind, Severity};
use crate::model::{Action, FilterBody};

declare_check! {
    /// ## What it does
    /// Reports a rule that can never decide any packet because the rules above
    /// it already decide every packet it matches, **and at least one of those
    /// rules has the opposite action**. The covering rules may be several rules
    /// together; all of them are labelled.
    ///
    /// ## Why is this bad?
    /// The rule's intent is never applied. A `deny` placed below a broader
    /// `permit` blocks nothing; a `permit` below a broader `deny` opens nothing.
    /// This is almost always an ordering bug.
    ///
    /// ## Example
    /// ```text
    /// 10 permit tcp 10.0.0.0 0.0.255.255 any
    /// 20 deny   tcp host 10.0.5.5 any eq 22     ! never applies: 10 takes all of it
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// 10 deny   tcp host 10.0.5.5 any eq 22
    /// 20 permit tcp 10.0.0.0 0.0.255.255 any
    /// ```
    ///
    /// ## How to fix
    /// Move the rule above the rules that cover it, or delete it if its intent
    /// is obsolete.
    ///
    /// ## Known problems
    /// Rules that contain conditions fwlint cannot model are reported only when
    /// they are shadowed whatever those conditions are.
    pub SHADOWED_RULE, "FW201", "shadowed-rule", Kind::Shadowed, Severity::Error, topology: false,
    "a rule is fully covered by earlier rules with the opposite action"
}

declare_check! {
    /// ## What it does
    /// Reports a rule that can never decide any packet because the rules above
    /// it, all with the same action, already decide every packet it matches
    /// (or because its own conditions contradict each other).
    ///
    /// ## Why is this bad?
    /// It changes nothing today, but readers take it for policy, and it hides
    /// intent: when the covering rules are later narrowed, this rule silently
    /// comes back to life.
    ///
    /// ## Example
    /// ```text
    /// tcp dport { 22, 80, 443 } accept
    /// tcp dport 443 accept      # dead: the set above already accepts it
    /// ```
    ///
    /// ## How to fix
    /// Delete the rule, or narrow the covering rules if this one states the real
    /// intent.
    pub DEAD_RULE, "FW202", "dead-rule", Kind::Shadowed, Severity::Warning, topology: false,
    "a rule is fully covered by earlier rules with the same action"
}

/// How many covering rules get their own label.
const MAX_LABELS: usize = 8;

pub fn run(cx: &Context, out: &mut Vec<Finding>) {
    each_filter(cx, out, |fi| {
        let (f, facts) = (&cx.rules.filters[fi], &cx.facts[fi]);
        let mut out = Vec::new();
        let an = &facts.analysis;
        for (pos, region) in an.rules.iter().enumerate() {
            let rule = rule_at(f, region.chain, region.index);
            let Some(action) = rule.effect.action() else {
                continue;
            };
            if !rule.enabled || !region.effective.may.is_empty() {
                continue;
            }
            // A pipeline rule no packet reaches sits in a chain nothing jumps to
            // (`unreachable-chain` reports it). In a first-match list every rule
            // is reached unless the rules above take everything, which is
            // shadowing too; reached sets are built on demand and costly, so
            // they are looked at only for pipelines.
            if matches!(f.body, FilterBody::Pipeline(_)) && region.reached.may.is_empty() {
                continue;
            }
            let key = Some(rule_key(rule));
            let own = &facts.matches[pos];
            if own.may.is_empty() {
                out.push((
                    key,
                    Finding::new(
                        &DEAD_RULE,
                        "this rule matches no packet at all: its conditions contradict each other or name something undefined",
                    )
                    .at_rule(&rule.origin)
                    .label("can never match")
                    .filter(f.name.clone())
                    .help("fix the conditions, or delete the rule"),
                ));
                continue;
            }
            // The rules that actually decide this rule's packets: earlier rules
            // (same chain for pipelines) whose decided region meets its match,
            // looking at first packets when the rule matches any (so that
            // `ct state established accept` is not named for a port rule).
            let own_new = own.may.intersect(&cx.new_connections());
            let own_may = if own_new.is_empty() {
                &own.may
            } else {
                &own_new
            };
            let deciders: Vec<(&crate::model::Rule, Option<Action>)> = an.rules[..pos]
                .iter()
                .filter(|r| matches!(f.body, FilterBody::FirstMatch(_)) || r.chain == region.chain)
                .enumerate()
                .filter(|(j, r)| {
                    facts.bounds[*j].may_overlap(&facts.bounds[pos])
                        && r.effective.may.intersects(own_may)
                })
                .map(|(_, r)| r)
                .map(|r| {
                    let rr = rule_at(f, r.chain, r.index);
                    (rr, rr.effect.action())
                })
                .filter(|(rr, _)| rr.enabled)
                .collect();
            let conflicting = deciders.iter().any(|(_, a)| a.is_some_and(|a| a != action));
            let info = if conflicting {
                &SHADOWED_RULE
            } else {
                &DEAD_RULE
            };
            let msg = match (deciders.len(), conflicting) {
                (0, _) => format!(
                    "this {} rule never decides a packet: no packet it matches reaches it",
                    action.as_str()
                ),
                (1, true) => format!(
                    "this {} rule never applies: an earlier {} rule decides all of its packets",
                    action.as_str(),
                    action.other().as_str()
                ),
                (n, true) => format!(
                    "this {} rule never applies: {n} earlier rules together decide all of its packets",
                    action.as_str()
                ),
                (1, false) => "this rule is dead: an earlier rule with the same action already decides all of its packets".to_string(),
                (n, false) => format!("this rule is dead: {n} earlier rules with the same action together decide all of its packets"),
            };
            let mut finding = Finding::new(info, msg)
                .at_rule(&rule.origin)
                .label(if conflicting {
                    "never applied"
                } else {
                    "never decides a packet"
                })
                .filter(f.name.clone());
            for (rr, a) in deciders.iter().take(MAX_LABELS) {
                let what = match a {
                    Some(a) if *a == action => "covers part of it with the same action".to_string(),
                    Some(a) => format!("{} part of its packets first", a.verb()),
                    None => "takes part of its packets first".to_string(),
                };
                finding = finding.related(&rr.origin, what);
            }
            if deciders.len() > MAX_LABELS {
                finding = finding.note(format!(
                    "{} more covering rules are not labelled",
                    deciders.len() - MAX_LABELS
                ));
            }
            finding = finding.help(if conflicting {
                "move this rule above the rules that cover it, or delete it if its intent is obsolete"
            } else {
                "delete this rule; it changes nothing"
            });
            out.push((key, finding));
        }
        out
    });
}

//! `redundant-rule`: rules whose removal would change no verdict.

use super::{each_filter, rule_at, rule_key, Context, RuleKey};
use crate::finding::{Finding, Kind, Severity};
use crate::model::FilterBody;
use crate::space::{pipeline_verdicts_without, PacketSet, Tri};

declare_check! {
    /// ## What it does
    /// Reports a rule that does decide packets, but whose removal would change
    /// no verdict: the rules below it (and in the end the default action) would
    /// give every one of those packets the same verdict anyway.
    ///
    /// ## Why is this bad?
    /// It is dead weight that readers must reason about. Typical cases: a
    /// `deny` for a range that the implicit deny at the end also drops, or a
    /// narrow `permit` above a broader `permit` of the same packets.
    ///
    /// ## Example
    /// ```text
    /// 10 deny   tcp any any eq 23
    /// 20 permit tcp any any eq 443
    /// ! implicit deny: rule 10 is redundant
    /// ```
    ///
    /// ## How to fix
    /// Delete the rule. Keep it only if it documents an intent on purpose (for
    /// example an explicit deny with `log`), and then add it to the baseline.
    ///
    /// In nftables pipelines, where a verdict can depend on later rules, chains
    /// and base chains, the packets the rule decides are run through the
    /// filter again without it and their verdicts compared; a rule in a chain
    /// that several hooks run is reported only if it is redundant under each.
    ///
    /// ## Known problems
    /// In nftables, only `accept` and `drop`/`reject` rules are checked (not
    /// jumps), and only in filters of at most 2,000 rules (each candidate
    /// costs a run of its packets through the filter).
    pub REDUNDANT_RULE, "FW203", "redundant-rule", Kind::Redundant, Severity::Warning, topology: false,
    "removing the rule would change no verdict"
}

pub fn run(cx: &Context, out: &mut Vec<Finding>) {
    each_filter(cx, out, |fi| {
        let (f, facts) = (&cx.rules.filters[fi], &cx.facts[fi]);
        let mut out = Vec::new();
        let FilterBody::FirstMatch(fm) = &f.body else {
            return out;
        };
        let an = &facts.analysis;
        let compiled = &facts.matches;
        for (i, rule) in fm.rules.iter().enumerate() {
            let Some(action) = rule.effect.action() else {
                continue;
            };
            let decided = &an.rules[i].effective.may;
            if !rule.enabled || decided.is_empty() {
                continue;
            }
            // An explicit catch-all with the default's action (`deny ip any any
            // log`) states the default on purpose, usually to log it.
            if action == fm.default && cx.is_catch_all(fi, i) {
                continue;
            }
            // Follow the packets this rule decides down the list: if any of them
            // could get a different verdict without the rule, it matters.
            let mut rest: PacketSet = decided.clone();
            let mut same_as: Vec<usize> = Vec::new();
            let mut matters = false;
            for (j, below) in fm.rules.iter().enumerate().skip(i + 1) {
                if !below.enabled || !facts.bounds[j].may_overlap(&facts.bounds[i]) {
                    continue;
                }
                let Some(m) = compiled.get(j) else { continue };
                if !m.may.intersects(&rest) {
                    continue;
                }
                match below.effect.action() {
                    Some(a) if a == action => {
                        same_as.push(j);
                        rest = rest.minus(&m.must);
                    }
                    _ => {
                        matters = true;
                        break;
                    }
                }
                if rest.is_empty() {
                    break;
                }
            }
            if matters || (!rest.is_empty() && fm.default != action) {
                continue;
            }
            // Two copies of one rule: the second is reported dead (shadowed);
            // do not also call the first redundant because of its dead twin.
            if rest.is_empty()
                && !same_as.is_empty()
                && same_as
                    .iter()
                    .all(|&j| an.rules[j].effective.may.is_empty())
            {
                continue;
            }
            let by_default = !rest.is_empty();
            let mut finding = Finding::new(
                &REDUNDANT_RULE,
                if by_default && same_as.is_empty() {
                    format!(
                        "this {} rule is redundant: the default action ({}) gives its packets the same verdict",
                        action.as_str(),
                        fm.default.as_str()
                    )
                } else {
                    format!(
                        "this {} rule is redundant: the rules below it give its packets the same verdict",
                        action.as_str()
                    )
                },
            )
            .at_rule(&rule.origin)
            .label("removing it changes no verdict")
            .filter(f.name.clone())
            .help("delete it, or keep it on purpose and record it in a baseline");
            for &j in same_as.iter().take(8) {
                finding = finding.related(
                    &fm.rules[j].origin,
                    format!("also {} these packets", action.verb()),
                );
            }
            if by_default {
                if let Some(o) = &fm.default_origin {
                    finding =
                        finding.related(o, format!("the default {} the rest", fm.default.verb()));
                } else {
                    finding = finding.note(format!(
                        "the implicit default {} the rest",
                        fm.default.verb()
                    ));
                }
            }
            out.push((Some(rule_key(rule)), finding));
        }
        out
    });
    pipelines(cx, out);
}

/// Pipelines with more rules are not checked: each candidate costs one
/// analysis of the whole filter.
const MAX_PIPELINE_RULES: usize = 2_000;

/// Redundant rules of the nftables pipelines. A chain can run under several
/// hooks (one filter each): a rule is redundant only if it is in every filter
/// where it takes effect.
fn pipelines(cx: &Context, out: &mut Vec<Finding>) {
    use rayon::prelude::*;
    let per_filter: Vec<Vec<(RuleKey, Option<Finding>)>> = (0..cx.rules.filters.len())
        .into_par_iter()
        .map(|fi| pipeline(cx, fi))
        .collect();
    let matters: std::collections::HashSet<&RuleKey> = per_filter
        .iter()
        .flatten()
        .filter(|(_, f)| f.is_none())
        .map(|(k, _)| k)
        .collect();
    let mut reported = std::collections::HashSet::new();
    for (key, finding) in per_filter.iter().flatten() {
        if let Some(f) = finding {
            if !matters.contains(key) && reported.insert(key) {
                out.push(f.clone());
            }
        }
    }
}

/// One pipeline filter: for each rule that takes effect, a finding when
/// removing it changes no verdict, else `None`. The packets the rule decides
/// are run through the filter again without it, and what it permits and
/// denies of them compared (exact; the same three-valued bounds on both
/// sides; no other packet's verdict can change).
fn pipeline(cx: &Context, fi: usize) -> Vec<(RuleKey, Option<Finding>)> {
    let (f, facts) = (&cx.rules.filters[fi], &cx.facts[fi]);
    let an = &facts.analysis;
    let mut out = Vec::new();
    if an.rules.len() > MAX_PIPELINE_RULES {
        return out;
    }
    if !matches!(f.body, FilterBody::Pipeline(_)) {
        return out;
    }
    for (pos, region) in an.rules.iter().enumerate() {
        let rule = rule_at(f, region.chain, region.index);
        let Some(action) = rule.effect.action() else {
            continue;
        };
        // A rule that decides nothing is reported as shadowed; an explicit
        // catch-all states a verdict on purpose.
        if !rule.enabled || region.effective.may.is_empty() || cx.is_catch_all(fi, pos) {
            continue;
        }
        // Only the packets the rule decides can change verdict without it.
        let decided = &region.effective.may;
        let Some((permitted, denied)) = pipeline_verdicts_without(
            cx.space,
            f,
            &facts.matches,
            pos,
            &Tri::exact(decided.clone()),
        ) else {
            continue;
        };
        if an.permitted.restrict(decided) != permitted || an.denied.restrict(decided) != denied {
            out.push((rule_key(rule), None));
            continue;
        }
        let finding = Finding::new(
            &REDUNDANT_RULE,
            format!(
                "this {} rule is redundant: without it, every packet gets the same verdict from the later rules, chains and policies",
                action.as_str()
            ),
        )
        .at_rule(&rule.origin)
        .label("removing it changes no verdict")
        .filter(f.name.clone())
        .help("delete it, or keep it on purpose and record it in a baseline");
        out.push((rule_key(rule), Some(finding)));
    }
    out
}

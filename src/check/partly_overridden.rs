//! `partly-overridden`: a rule whose packets are partly taken by an earlier
//! rule with the opposite action (correlation and generalization anomalies).

use super::{each_filter, rule_at, rule_key, Context};
use crate::finding::{Finding, Kind, Severity};
use crate::model::FilterBody;

declare_check! {
    /// ## What it does
    /// Notes a rule that still decides some packets, but part of what it
    /// matches is decided first by an earlier rule with the opposite action.
    /// In the firewall-anomaly literature these are *correlation* (the two
    /// rules partly overlap) and *generalization* (the later rule is a
    /// superset of the earlier one). The note shows the overlapping packets.
    ///
    /// ## Why is this bad?
    /// Often it is intended: an exception above a broader rule. But when it is
    /// not, part of the rule's intent silently does not apply, and the overlap
    /// is hard to see by reading.
    ///
    /// ## Example
    /// ```text
    /// 10 deny   tcp any 10.0.0.0 0.0.0.255 eq 443
    /// 20 permit tcp 10.1.0.0 0.0.255.255 10.0.0.0 0.0.255.255 eq 443
    /// ! rule 20 never permits 10.1.x.x → 10.0.0.x: rule 10 denies it first
    /// ```
    ///
    /// ## How to fix
    /// If the overlap is intended, nothing; record it in a baseline. Otherwise
    /// reorder the rules or narrow the earlier one.
    pub PARTLY_OVERRIDDEN, "FW204", "partly-overridden", Kind::Shadowed, Severity::Note, topology: false,
    "part of a rule's packets are decided earlier with the opposite action"
}

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
            if !rule.enabled || region.effective.may.is_empty() {
                continue;
            }
            let own = &facts.matches[pos];
            // A catch-all (`deny ip any any`) overlaps everything by design.
            if cx.is_catch_all(fi, pos) {
                continue;
            }
            // Candidates first, from the model and the bounding boxes alone.
            let candidates: Vec<usize> = (0..pos)
                .filter(|&j| {
                    let r = &an.rules[j];
                    let other = rule_at(f, r.chain, r.index);
                    (matches!(f.body, FilterBody::FirstMatch(_)) || r.chain == region.chain)
                        && other.enabled
                        && other.effect.action().is_some_and(|a| a != action)
                        && facts.bounds[j].may_overlap(&facts.bounds[pos])
                })
                .collect();
            if candidates.is_empty() {
                continue;
            }
            // Only first packets count: `ct state invalid drop` above every
            // rule overlaps them all, harmlessly.
            let own_new = own.must.intersect(&cx.new_connections());
            let overriding: Vec<usize> = candidates
                .into_iter()
                .filter(|&j| an.rules[j].effective.must.intersects(&own_new))
                .collect();
            if overriding.is_empty() {
                continue;
            }
            let first = &an.rules[overriding[0]];
            let overlap = first.effective.must.intersect(&own_new);
            let mut finding = Finding::new(
                &PARTLY_OVERRIDDEN,
                format!(
                    "part of this {} rule's packets are decided ({}) by {} earlier rule(s)",
                    action.as_str(),
                    action.other().as_str(),
                    overriding.len()
                ),
            )
            .at_rule(&rule.origin)
            .label(format!("{} only for the rest", action.as_str()))
            .filter(f.name.clone())
            .help("if the exception is intended, nothing to do; otherwise reorder the rules or narrow the earlier one");
            if let Some(p) = cx.space.witness(&overlap) {
                finding.witness = Some(p.to_string());
            }
            for &j in overriding.iter().take(5) {
                let other = rule_at(f, an.rules[j].chain, an.rules[j].index);
                finding = finding.related(
                    &other.origin,
                    format!("{} the overlap first", action.other().verb()),
                );
            }
            out.push((Some(rule_key(rule)), finding));
        }
        out
    });
}

//! Per-rule regions of a filter: which packets reach each rule, on which it takes
//! effect, and what the filter permits, denies and leaves to its default.
//!
//! First-match lists: rule `i` decides `match_i ∖ ∪_{j<i} match_j` over the
//! enabled rules with a verdict. Regions are computed per rule, in parallel,
//! subtracting only the earlier rules whose [`Summary`] may overlap (exact: a
//! rule sharing no packet with `match_i` removes nothing from it); the sets that
//! reach each rule are computed by one sequential sweep.
//!
//! nftables pipelines: a symbolic run of the kernel's evaluation on sets (see
//! [`Exec`]), base chain after base chain.
//!
//! Three-valued throughout: with `m = (must, may)` for a match and `r` the set
//! reaching a rule, the rule takes effect on `r ∧ m` and lets `r ∧ ¬m =
//! (r.must ∖ m.may, r.may ∖ m.must)` through.

use super::compile::{compile_match, SymbolCache};
use super::overlap::Summary;
use super::{Space, Tri};
use crate::model::eval::Symbols;
use crate::model::{Action, Effect, Filter, FilterBody, FirstMatch, Pipeline, Rule};
use rayon::prelude::*;

/// The kernel's limit on nested jumps (as [`crate::model::eval`] has it).
const MAX_JUMP_DEPTH: usize = 64;

/// The regions of one rule.
#[derive(Clone, Debug)]
pub struct RuleRegion {
    /// Chain index (0 for first-match lists) and rule index within the chain.
    pub chain: usize,
    pub index: usize,
    /// Packets that reach the rule.
    pub reached: Tri,
    /// `reached ∧ match`: packets on which the rule takes effect (for an allow
    /// or deny rule, the region it decides).
    pub effective: Tri,
}

/// What a filter does to every packet.
#[derive(Clone, Debug)]
pub struct FilterAnalysis {
    /// One per rule, in [`Filter::rules`] order.
    pub rules: Vec<RuleRegion>,
    /// Packets the filter allows (`must`: surely, `may`: possibly).
    pub permitted: Tri,
    pub denied: Tri,
    /// Packets decided by the default action or a base-chain policy.
    pub by_default: Tri,
}

/// Analyse one filter.
pub fn analyze(space: &Space, filter: &Filter, symbols: &dyn Symbols) -> FilterAnalysis {
    let cache = SymbolCache::new(filter.rules(), symbols);
    match &filter.body {
        FilterBody::FirstMatch(fm) => first_match(space, fm, &cache),
        FilterBody::Pipeline(p) => pipeline(space, p, &cache),
    }
}

/// Compile every rule's match in parallel (disabled rules: `None`).
fn compile_rules(space: &Space, rules: &[Rule], cache: &SymbolCache) -> Vec<Option<Tri>> {
    rules
        .par_iter()
        .map(|r| {
            r.enabled
                .then(|| compile_match(space, &r.matches, cache, 0))
        })
        .collect()
}

fn first_match(space: &Space, fm: &FirstMatch, cache: &SymbolCache) -> FilterAnalysis {
    let n = fm.rules.len();
    let matches = compile_rules(space, &fm.rules, cache);
    let decisive: Vec<bool> = fm
        .rules
        .iter()
        .zip(&matches)
        .map(|(r, m)| m.is_some() && r.effect.action().is_some())
        .collect();
    let summaries: Vec<Option<Summary>> = fm
        .rules
        .par_iter()
        .zip(&decisive)
        .map(|(r, d)| d.then(|| Summary::of(&r.matches)))
        .collect();

    // Decided regions: each rule minus the earlier decisive rules it may overlap.
    let effective: Vec<Tri> = (0..n)
        .into_par_iter()
        .map(|i| {
            let Some(m) = &matches[i] else {
                return Tri::none(space);
            };
            let mine = Summary::of(&fm.rules[i].matches);
            let mut must = m.must.clone();
            let mut may = m.may.clone();
            let mut same = m.is_trivially_exact();
            for j in 0..i {
                let Some(sj) = &summaries[j] else { continue };
                if !sj.may_overlap(&mine) {
                    continue;
                }
                let Some(mj) = &matches[j] else { continue };
                if same && mj.is_trivially_exact() {
                    must = must.minus(&mj.must);
                    may = must.clone();
                } else {
                    same = false;
                    must = must.minus(&mj.may);
                    may = may.minus(&mj.must);
                }
                if may.is_empty() {
                    break;
                }
            }
            if same {
                Tri::exact(must)
            } else {
                Tri { must, may }
            }
        })
        .collect();

    // Reached sets: one sweep (each is "everything not decided above").
    let mut reached: Vec<Tri> = Vec::with_capacity(n);
    let mut rest = Tri::all(space);
    for i in 0..n {
        match &matches[i] {
            None => reached.push(Tri::none(space)),
            Some(m) => {
                reached.push(rest.clone());
                if decisive[i] {
                    rest = rest.minus(m);
                }
            }
        }
    }
    let by_default = rest;

    let verdict = |a: Action| {
        let mut parts: Vec<Tri> = (0..n)
            .filter(|&i| decisive[i] && fm.rules[i].effect.action() == Some(a))
            .map(|i| effective[i].clone())
            .collect();
        if fm.default == a {
            parts.push(by_default.clone());
        }
        Tri::union_all(space, parts)
    };
    let permitted = verdict(Action::Allow);
    let denied = verdict(Action::Deny);
    let rules = reached
        .into_iter()
        .zip(effective)
        .enumerate()
        .map(|(index, (reached, effective))| {
            // Non-decisive rules take effect where reached and matched.
            let effective = match &matches[index] {
                Some(m) if !decisive[index] => reached.and(m),
                _ => effective,
            };
            RuleRegion {
                chain: 0,
                index,
                reached,
                effective,
            }
        })
        .collect();
    FilterAnalysis {
        rules,
        permitted,
        denied,
        by_default,
    }
}

/// Where the packets entering a chain end up.
struct Outcome {
    accepted: Tri,
    denied: Tri,
    /// Returned, or ran off the end.
    returned: Tri,
}

/// Symbolic execution of a pipeline on sets.
struct Exec<'a> {
    space: &'a Space,
    p: &'a Pipeline,
    matches: Vec<Vec<Option<Tri>>>,
    /// Accumulated `(reached, effective)` per chain and rule.
    regions: Vec<Vec<Option<(Tri, Tri)>>>,
}

fn or_into(slot: &mut Option<Tri>, t: &Tri) {
    *slot = Some(match slot.take() {
        None => t.clone(),
        Some(s) => s.or(t),
    });
}

impl Exec<'_> {
    /// Run `chain` on `input`. `jumps` counts the jumps on the call stack (as the
    /// kernel does; gotos do not push); `path` holds every chain being run, to
    /// stop at cycles (a model the kernel would refuse).
    fn run(&mut self, chain: usize, input: Tri, jumps: usize, path: &mut Vec<usize>) -> Outcome {
        let space = self.space;
        let mut accepted: Option<Tri> = None;
        let mut denied: Option<Tri> = None;
        let mut returned: Option<Tri> = None;
        let mut cur = input;
        let n = self.p.chains[chain].rules.len();
        for i in 0..n {
            if cur.is_empty() {
                break;
            }
            let Some(m) = self.matches[chain][i].clone() else {
                continue;
            };
            let eff = cur.and(&m);
            match &mut self.regions[chain][i] {
                Some((r, e)) => {
                    *r = r.or(&cur);
                    *e = e.or(&eff);
                }
                slot @ None => *slot = Some((cur.clone(), eff.clone())),
            }
            if eff.is_empty() {
                continue;
            }
            let rest = cur.minus(&m);
            let target_ok =
                |t: usize, path: &Vec<usize>| t < self.p.chains.len() && !path.contains(&t);
            match &self.p.chains[chain].rules[i].effect {
                Effect::Allow => {
                    or_into(&mut accepted, &eff);
                    cur = rest;
                }
                Effect::Deny => {
                    or_into(&mut denied, &eff);
                    cur = rest;
                }
                Effect::Return => {
                    or_into(&mut returned, &eff);
                    cur = rest;
                }
                Effect::Continue => {}
                Effect::Jump(t) => {
                    let t = *t;
                    if jumps >= MAX_JUMP_DEPTH || !target_ok(t, path) {
                        continue;
                    }
                    path.push(t);
                    let sub = self.run(t, eff, jumps + 1, path);
                    path.pop();
                    or_into(&mut accepted, &sub.accepted);
                    or_into(&mut denied, &sub.denied);
                    cur = rest.or(&sub.returned);
                }
                Effect::Goto(t) => {
                    let t = *t;
                    if !target_ok(t, path) {
                        continue;
                    }
                    path.push(t);
                    let sub = self.run(t, eff, jumps, path);
                    path.pop();
                    or_into(&mut accepted, &sub.accepted);
                    or_into(&mut denied, &sub.denied);
                    or_into(&mut returned, &sub.returned);
                    cur = rest;
                }
            }
        }
        or_into(&mut returned, &cur);
        let none = || Tri::none(space);
        Outcome {
            accepted: accepted.unwrap_or_else(none),
            denied: denied.unwrap_or_else(none),
            returned: returned.unwrap_or_else(none),
        }
    }
}

fn pipeline(space: &Space, p: &Pipeline, cache: &SymbolCache) -> FilterAnalysis {
    let matches: Vec<Vec<Option<Tri>>> = p
        .chains
        .iter()
        .map(|c| compile_rules(space, &c.rules, cache))
        .collect();
    let regions = p.chains.iter().map(|c| vec![None; c.rules.len()]).collect();
    let mut exec = Exec {
        space,
        p,
        matches,
        regions,
    };
    // Packets still going, split by what let them through last: a rule's accept
    // or a policy (or no base chain at all), for `by_default`.
    let mut by_rule = Tri::none(space);
    let mut by_policy = Tri::all(space);
    let mut denied = Tri::none(space);
    let mut denied_by_policy = Tri::none(space);
    for base in &p.base {
        if base.chain >= p.chains.len() {
            continue;
        }
        let fam = match base.family {
            Some(f) => space.family(f),
            None => space.all(),
        };
        let input = by_rule.or(&by_policy).restrict(&fam);
        let skip = fam.complement();
        let out = exec.run(base.chain, input, 0, &mut vec![base.chain]);
        denied = denied.or(&out.denied);
        by_rule = by_rule.restrict(&skip).or(&out.accepted);
        by_policy = by_policy.restrict(&skip);
        match base.policy {
            Action::Allow => by_policy = by_policy.or(&out.returned),
            Action::Deny => {
                denied = denied.or(&out.returned);
                denied_by_policy = denied_by_policy.or(&out.returned);
            }
        }
    }
    let rules = exec
        .regions
        .into_iter()
        .enumerate()
        .flat_map(|(chain, rs)| {
            rs.into_iter().enumerate().map(move |(index, r)| {
                let (reached, effective) =
                    r.unwrap_or_else(|| (Tri::none(space), Tri::none(space)));
                RuleRegion {
                    chain,
                    index,
                    reached,
                    effective,
                }
            })
        })
        .collect();
    FilterAnalysis {
        rules,
        permitted: by_rule.or(&by_policy),
        denied,
        by_default: denied_by_policy.or(&by_policy),
    }
}

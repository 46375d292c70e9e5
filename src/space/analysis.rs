//! Per-rule regions of a filter: which packets reach each rule, on which it takes
//! effect, and what the filter permits, denies and leaves to its default.
//!
//! First-match lists: rule `i` decides `match_i ∖ ∪_{j<i} match_j` over the
//! enabled rules with a verdict. Regions are computed per rule, in parallel,
//! subtracting only the earlier rules that share a packet with `match_i` (a
//! rule sharing none removes nothing from it; see [`decided_region`]); the
//! sets that reach each rule are built on first use.
//!
//! nftables pipelines: a symbolic run of the kernel's evaluation on sets (see
//! [`Exec`]), base chain after base chain.
//!
//! Three-valued throughout: with `m = (must, may)` for a match and `r` the set
//! reaching a rule, the rule takes effect on `r ∧ m` and lets `r ∧ ¬m =
//! (r.must ∖ m.may, r.may ∖ m.must)` through.

use super::compile::{compile_match, SymbolCache, Universe};
use super::{PacketSet, Space, Tri};
use crate::model::bounds::Bounds;
use crate::model::eval::Symbols;
use crate::model::{Action, Effect, Filter, FilterBody, FirstMatch, Pipeline, Rule};
use biodivine_lib_bdd::Bdd;
use rayon::prelude::*;
use std::sync::{Arc, OnceLock};

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
    /// Each rule's own match, as compiled for the analysis (`None` for a
    /// disabled rule), in the same order as `rules`. Restricted to the valid
    /// packets on first use, so callers need not compile the rules again.
    pub matches: Vec<Option<Tri>>,
    /// First-match lists: the allow rules (positions in `rules`), and whether
    /// the default allows; `permitted` is their regions' union.
    allow_parts: Option<(Vec<usize>, bool)>,
}

impl FilterAnalysis {
    /// `permitted.may ∧ within`. On a first-match list, the union of the
    /// regions of the allow rules that `may_touch` (a cheap pre-filter by
    /// position, false only for rules sharing no packet with `within`) lets
    /// through, without building `permitted`, a union over the whole list.
    pub fn may_permit_within(
        &self,
        within: &PacketSet,
        may_touch: impl Fn(usize) -> bool,
    ) -> PacketSet {
        let Some((allow, default_allows)) = &self.allow_parts else {
            return self.permitted.may.intersect(within);
        };
        // `∪ (region ∧ within) = (∪ region) ∧ within`, and against the valid
        // packets of `within` a region not restricted yet is its raw diagram:
        // the union of the raw regions is far smaller than that of the parts,
        // each of which carries a copy of `within` (every service's ports, the
        // public sources) below its own addresses.
        let mut parts: Vec<&Bdd> = allow
            .iter()
            .filter(|&&pos| may_touch(pos))
            .map(|&pos| &self.rules[pos].effective.may)
            .filter(|e| e.intersects(within))
            .map(PacketSet::against_valid)
            .collect();
        if *default_allows && self.by_default.may.intersects(within) {
            parts.push(self.by_default.may.against_valid());
        }
        match union_bdds(&parts) {
            Some(u) => PacketSet::new(within.bdd().and(&u), Arc::clone(&within.valid)),
            None => within.minus(within),
        }
    }
}

/// Analyse one filter.
pub fn analyze(space: &Space, filter: &Filter, symbols: &dyn Symbols) -> FilterAnalysis {
    let cache = SymbolCache::new(filter.rules(), symbols);
    let u = Universe::raw(space);
    let raw = match &filter.body {
        FilterBody::FirstMatch(fm) => first_match(&u, fm, &cache),
        FilterBody::Pipeline(p) => pipeline(&u, p, &cache),
    };
    // Everything above ran without the validity constraint; it is added to
    // each set on first use (most are never looked at, or are empty).
    let rules = raw
        .rules
        .into_iter()
        .map(|r| RuleRegion {
            reached: u.finish(&r.reached),
            effective: u.finish(&r.effective),
            ..r
        })
        .collect();
    let matches = raw
        .matches
        .iter()
        .map(|m| m.as_ref().map(|t| u.finish(t)))
        .collect();
    FilterAnalysis {
        rules,
        permitted: u.finish(&raw.permitted),
        denied: u.finish(&raw.denied),
        by_default: u.finish(&raw.by_default),
        matches,
        allow_parts: raw.allow_parts,
    }
}

/// Compile every rule's match in parallel (disabled rules: `None`).
fn compile_rules(u: &Universe, rules: &[Rule], cache: &SymbolCache) -> Vec<Option<Tri>> {
    rules
        .par_iter()
        .map(|r| r.enabled.then(|| compile_match(u, &r.matches, cache, 0)))
        .collect()
}

fn first_match(u: &Universe, fm: &FirstMatch, cache: &SymbolCache) -> FilterAnalysis {
    let n = fm.rules.len();
    let matches = compile_rules(u, &fm.rules, cache);
    let decisive: Vec<bool> = fm
        .rules
        .iter()
        .zip(&matches)
        .map(|(r, m)| m.is_some() && r.effect.action().is_some())
        .collect();
    let bounds: Vec<Bounds> = fm
        .rules
        .par_iter()
        .map(|r| Bounds::of(&r.matches))
        .collect();

    // Decided regions: each rule minus the earlier decisive rules it overlaps.
    let effective: Vec<Tri> = (0..n)
        .into_par_iter()
        .map(|i| match &matches[i] {
            None => u.none(),
            Some(m) => decided_region(u, m, i, &bounds, &matches, &decisive),
        })
        .collect();

    // With uncertain matches, `by_default` needs the matches themselves.
    let all_exact = (0..n)
        .filter(|&i| decisive[i])
        .all(|i| matches[i].as_ref().is_none_or(Tri::is_trivially_exact));
    let deciding = |a: Action| -> Vec<usize> {
        (0..n)
            .filter(|&i| decisive[i] && fm.rules[i].effect.action() == Some(a))
            .collect()
    };
    let (allow_rules, deny_rules) = (deciding(Action::Allow), deciding(Action::Deny));
    let regions = |rules: &[usize]| -> Vec<Tri> {
        rules
            .iter()
            .filter(|&&i| !effective[i].is_empty())
            .map(|&i| effective[i].clone())
            .collect()
    };
    let verdicts = Verdicts {
        allow: regions(&allow_rules),
        deny: regions(&deny_rules),
        matches: (!all_exact).then(|| {
            (0..n)
                .filter(|&i| decisive[i])
                .filter_map(|i| matches[i].clone())
                .collect()
        }),
        default: fm.default,
        all: u.all(),
        none: u.none(),
    };
    let [permitted, denied, by_default] = verdicts.lazy(all_exact);
    let reached = lazy_reached(u.space, &matches, &decisive);
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
        matches,
        allow_parts: Some((allow_rules, fm.default == Action::Allow)),
    }
}

/// What `permitted`, `denied` and `by_default` of a first-match list are made
/// of, kept to build them on first use: they are unions over the whole list,
/// and the hygiene checks need none of them.
struct Verdicts {
    /// The non-empty decided regions of the allow and of the deny rules.
    allow: Vec<Tri>,
    deny: Vec<Tri>,
    /// With uncertain matches: every decisive rule's match (see `by_default`).
    matches: Option<Vec<Tri>>,
    default: Action,
    all: Tri,
    none: Tri,
}

impl Verdicts {
    /// `[permitted, denied, by_default]`.
    ///
    /// Sequential: this runs inside a lazy set's initialisation, and a rayon
    /// worker waiting for a stolen job may pick up another job that forces the
    /// same set, which would initialise it reentrantly.
    fn compute(&self) -> [Tri; 3] {
        let union = |ts: &[Tri]| {
            let bound = |pick: fn(&Tri) -> &PacketSet| {
                let bdds: Vec<&Bdd> = ts.iter().map(|t| pick(t).bdd()).collect();
                match union_bdds(&bdds) {
                    Some(b) => PacketSet::new(b, Arc::clone(&self.none.must.valid)),
                    None => self.none.must.clone(),
                }
            };
            if ts.iter().all(Tri::is_trivially_exact) {
                Tri::exact(bound(|t| &t.must))
            } else {
                Tri {
                    must: bound(|t| &t.must),
                    may: bound(|t| &t.may),
                }
            }
        };
        let (allowed, denied) = (union(&self.allow), union(&self.deny));
        // Packets no rule decides. With exact matches the decided regions
        // partition the union of the matches; with unknowns they do not (a
        // region's `may` excludes only what earlier rules surely take).
        let by_default = match &self.matches {
            None => self.all.minus(&allowed.or(&denied)),
            Some(ms) => self.all.minus(&union(ms)),
        };
        let with_default = |by_rules: Tri, a: Action| {
            if self.default == a {
                by_rules.or(&by_default)
            } else {
                by_rules
            }
        };
        [
            with_default(allowed, Action::Allow),
            with_default(denied, Action::Deny),
            by_default.clone(),
        ]
    }

    /// The three sets, each built (all three at once) on first use.
    fn lazy(self, exact: bool) -> [Tri; 3] {
        let valid = Arc::clone(&self.all.must.valid);
        let cell: Arc<OnceLock<[Tri; 3]>> = Arc::new(OnceLock::new());
        let this = Arc::new(self);
        let bound = |k: usize, must: bool| {
            let (cell, this) = (Arc::clone(&cell), Arc::clone(&this));
            PacketSet::lazy(
                move || {
                    let t = &cell.get_or_init(|| this.compute())[k];
                    let s = if must { &t.must } else { &t.may };
                    s.bdd().clone()
                },
                Arc::clone(&valid),
            )
        };
        [0, 1, 2].map(|k| {
            if exact {
                Tri::exact(bound(k, true))
            } else {
                Tri {
                    must: bound(k, true),
                    may: bound(k, false),
                }
            }
        })
    }
}

/// `m`, rule `i`'s match, minus the matches of the earlier decisive rules.
///
/// Exact and cheap where it matters: the rules' bounding boxes rule out most
/// pairs without a diagram; a walk that stops at the first shared packet rules
/// out most of the rest (boxes are hulls); a rule inside one earlier rule is
/// decided empty by a subset walk, with nothing built; and what remains is one
/// balanced union of the overlapping rules and one subtraction, instead of a
/// chain of subtractions from a diagram that grows with every step.
fn decided_region(
    u: &Universe,
    m: &Tri,
    i: usize,
    bounds: &[Bounds],
    matches: &[Option<Tri>],
    decisive: &[bool],
) -> Tri {
    let exact = m.is_trivially_exact();
    // Both lists stay the same while every overlapping rule is exact too.
    let mut same = exact;
    // The earlier rules' bounds that cut into `must` and into `may`.
    let mut cut_must: Vec<&Bdd> = Vec::new();
    let mut cut_may: Vec<&Bdd> = Vec::new();
    for j in (0..i).filter(|&j| decisive[j]) {
        let Some(mj) = &matches[j] else {
            continue;
        };
        if !bounds[j].may_overlap(&bounds[i]) {
            continue;
        }
        if exact && mj.is_trivially_exact() {
            if !m.must.intersects(&mj.must) {
                continue;
            }
            if m.must.is_subset_of(&mj.must) {
                return u.none();
            }
            cut_must.push(mj.must.bdd());
            cut_may.push(mj.must.bdd());
        } else {
            same = false;
            // must ∖ mj.may, may ∖ mj.must: empty once `may ⊆ mj.must`.
            if m.may.is_subset_of(&mj.must) {
                return u.none();
            }
            if m.must.intersects(&mj.may) {
                cut_must.push(mj.may.bdd());
            }
            if m.may.intersects(&mj.must) {
                cut_may.push(mj.must.bdd());
            }
        }
    }
    let cut = |s: &PacketSet, by: &[&Bdd]| match union_bdds(by) {
        None => s.clone(),
        Some(b) => u.set(s.bdd().and_not(&b)),
    };
    if same {
        Tri::exact(cut(&m.must, &cut_must))
    } else {
        Tri {
            must: cut(&m.must, &cut_must),
            may: cut(&m.may, &cut_may),
        }
    }
}

/// The sets reaching each rule of a first-match list, built on first use:
/// `all ∖ ∪_{j<i} match_j` over the earlier decisive rules (`must` subtracts the
/// `may` bounds and conversely). Each is a large diagram that few checks need,
/// so a 10,000-rule list does not pay for 10,000 of them up front.
fn lazy_reached(space: &Space, matches: &[Option<Tri>], decisive: &[bool]) -> Vec<Tri> {
    let bounds = |pick: fn(&Tri) -> &PacketSet| -> Arc<Vec<Option<Bdd>>> {
        Arc::new(
            matches
                .iter()
                .zip(decisive)
                .map(|(m, &d)| m.as_ref().filter(|_| d).map(|t| pick(t).bdd().clone()))
                .collect(),
        )
    };
    let mays = bounds(|t| &t.may);
    let musts = bounds(|t| &t.must);
    let valid = Arc::clone(&space.valid);
    let make = |sub: &Arc<Vec<Option<Bdd>>>, i: usize| {
        let (sub, valid2) = (Arc::clone(sub), Arc::clone(&valid));
        PacketSet::lazy(
            move || {
                let above: Vec<&Bdd> = sub[..i].iter().flatten().collect();
                match union_bdds(&above) {
                    Some(u) => valid2.and_not(&u),
                    None => (*valid2).clone(),
                }
            },
            Arc::clone(&valid),
        )
    };
    let mut exact_so_far = true;
    let mut out = Vec::with_capacity(matches.len());
    for (i, m) in matches.iter().enumerate() {
        out.push(match m {
            None => Tri::none(space),
            Some(_) if exact_so_far => Tri::exact(make(&mays, i)),
            Some(_) => Tri {
                must: make(&mays, i),
                may: make(&musts, i),
            },
        });
        if let Some(m) = m {
            exact_so_far &= !decisive[i] || m.is_trivially_exact();
        }
    }
    out
}

/// Balanced union of diagrams.
fn union_bdds(v: &[&Bdd]) -> Option<Bdd> {
    match v {
        [] => None,
        [one] => Some((*one).clone()),
        _ => {
            let (a, b) = v.split_at(v.len() / 2);
            match (union_bdds(a), union_bdds(b)) {
                (Some(a), Some(b)) => Some(a.or(&b)),
                (a, b) => a.or(b),
            }
        }
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
    u: &'a Universe<'a>,
    p: &'a Pipeline,
    matches: Vec<Vec<Option<Tri>>>,
    /// Accumulated `(reached, effective)` per chain and rule (when `record`).
    regions: Vec<Vec<Option<(Tri, Tri)>>>,
    record: bool,
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
        let u = self.u;
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
            // Without regions to record, a walk skips the rules the packets
            // miss before any diagram is built.
            if !self.record && !cur.may.intersects(&m.may) {
                continue;
            }
            let eff = cur.and(&m);
            if self.record {
                match &mut self.regions[chain][i] {
                    Some((r, e)) => {
                        *r = r.or(&cur);
                        *e = e.or(&eff);
                    }
                    slot @ None => *slot = Some((cur.clone(), eff.clone())),
                }
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
        let none = || u.none();
        Outcome {
            accepted: accepted.unwrap_or_else(none),
            denied: denied.unwrap_or_else(none),
            returned: returned.unwrap_or_else(none),
        }
    }
}

fn pipeline(u: &Universe, p: &Pipeline, cache: &SymbolCache) -> FilterAnalysis {
    let matches: Vec<Vec<Option<Tri>>> = p
        .chains
        .iter()
        .map(|c| compile_rules(u, &c.rules, cache))
        .collect();
    let regions = p.chains.iter().map(|c| vec![None; c.rules.len()]).collect();
    let mut exec = Exec {
        u,
        p,
        matches,
        regions,
        record: true,
    };
    let hook = exec.run_hook(u.all());
    let matches: Vec<Option<Tri>> = std::mem::take(&mut exec.matches)
        .into_iter()
        .flatten()
        .collect();
    let rules = exec
        .regions
        .into_iter()
        .enumerate()
        .flat_map(|(chain, rs)| {
            rs.into_iter().enumerate().map(move |(index, r)| {
                let (reached, effective) = r.unwrap_or_else(|| (u.none(), u.none()));
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
        permitted: hook.permitted,
        denied: hook.denied,
        by_default: hook.by_default,
        matches,
        allow_parts: None,
    }
}

/// What the base chains of a hook do to the packets entering it.
struct HookVerdicts {
    permitted: Tri,
    denied: Tri,
    by_default: Tri,
}

impl Exec<'_> {
    /// Run every base chain, in order, on the packets of `entering`.
    fn run_hook(&mut self, entering: Tri) -> HookVerdicts {
        let (u, p) = (self.u, self.p);
        // Packets still going, split by what let them through last: a rule's
        // accept or a policy (or no base chain at all), for `by_default`.
        let mut by_rule = u.none();
        let mut by_policy = entering;
        let mut denied = u.none();
        let mut denied_by_policy = u.none();
        for base in &p.base {
            if base.chain >= p.chains.len() {
                continue;
            }
            let fam = match base.family {
                Some(f) => u.exact(u.space.raw_family(f)).must,
                None => u.all().must,
            };
            let input = by_rule.or(&by_policy).restrict(&fam);
            let skip = fam.complement();
            let out = self.run(base.chain, input, 0, &mut vec![base.chain]);
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
        HookVerdicts {
            permitted: by_rule.or(&by_policy),
            denied,
            by_default: denied_by_policy.or(&by_policy),
        }
    }
}

/// What a pipeline filter permits and denies of `entering` (packets entering
/// its hook) with the rule at position `removed` (in [`Filter::rules`] order)
/// taken out; `None` for a first-match list. `matches` are the rules' compiled
/// matches in the same order (disabled rules are skipped). Follows only
/// `entering`, with matches already compiled: far cheaper than a new analysis
/// when `entering` is one rule's region.
pub fn pipeline_verdicts_without(
    space: &Space,
    filter: &Filter,
    matches: &[Tri],
    removed: usize,
    entering: &Tri,
) -> Option<(Tri, Tri)> {
    let FilterBody::Pipeline(p) = &filter.body else {
        return None;
    };
    let mut flat = filter.rules().zip(matches).enumerate();
    let per_chain: Vec<Vec<Option<Tri>>> = p
        .chains
        .iter()
        .map(|c| {
            (0..c.rules.len())
                .map(|_| {
                    let (pos, (rule, m)) = flat.next()?;
                    (rule.enabled && pos != removed).then(|| m.clone())
                })
                .collect()
        })
        .collect();
    let u = Universe::valid(space);
    let mut exec = Exec {
        u: &u,
        p,
        matches: per_chain,
        regions: Vec::new(),
        record: false,
    };
    let hook = exec.run_hook(entering.clone());
    Some((hook.permitted, hook.denied))
}

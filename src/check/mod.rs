//! Checks: one file each. Every check is declared with [`declare_check!`], whose
//! doc comment (what it does, why it matters, example, fix) is kept as the
//! check's documentation for `fwlint explain`, `docs/rules.md` and SARIF.
//!
//! Checks read the model and the packet-set engine; they never see a dialect.

use crate::finding::{Kind, Severity};

/// Static description of a check.
#[derive(Debug)]
pub struct CheckInfo {
    /// Stable code, e.g. `FW201`.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `shadowed-rule`.
    pub name: &'static str,
    pub kind: Kind,
    /// Default severity.
    pub severity: Severity,
    /// One-line summary.
    pub summary: &'static str,
    /// The full documentation (Markdown), from the declaring doc comment.
    pub doc: &'static str,
    /// Whether the check needs a topology.
    pub needs_topology: bool,
}

/// Declare a check: `declare_check! { /// docs... pub NAME, "FW201", "shadowed-rule", Kind::Shadowed, Severity::Warning, topology: false, "summary" }`.
#[macro_export]
macro_rules! declare_check {
    (
        $(#[doc = $doc:literal])*
        pub $ident:ident, $code:literal, $name:literal, $kind:expr, $sev:expr, topology: $topo:literal, $summary:literal
    ) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::check::CheckInfo = $crate::check::CheckInfo {
            code: $code,
            name: $name,
            kind: $kind,
            severity: $sev,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            needs_topology: $topo,
        };
    };
}

pub mod any_to_any;
pub mod disabled_rule;
pub mod duplicate_rule_name;
pub mod empty_filter;
pub mod exposure;
pub mod missing_flow;
pub mod overbroad;
pub mod parse_problem;
pub mod partly_overridden;
pub mod redundant;
pub mod rpc_dynamic;
pub mod shadowed;
pub mod site;
pub mod undefined_reference;
pub mod unneeded;
pub mod unreachable_chain;
pub mod unused_object;

use crate::finding::Finding;
use crate::model::bounds::Bounds;
use crate::model::eval::Symbols;
use crate::model::{Family, Filter, FilterBody, Rule, RuleSet};
use crate::space::{analyze, FilterAnalysis, PacketSet, Space, Tri};

/// What the engine computed for one filter, shared by the checks.
pub struct FilterFacts {
    pub analysis: FilterAnalysis,
    /// Each rule's own match, in `Filter::rules()` order.
    pub matches: Vec<Tri>,
    /// Each rule's bounding box, in the same order.
    pub bounds: Vec<Bounds>,
}

/// What every check reads: the rule set, the engine, and per-filter facts
/// (index-aligned with `rules.filters`).
pub struct Context<'a> {
    pub rules: &'a RuleSet,
    pub space: &'a Space,
    pub symbols: &'a dyn Symbols,
    pub facts: Vec<FilterFacts>,
    /// New connections of IPv4, and of IPv6.
    new_by_family: [PacketSet; 2],
    /// Their union.
    new_all: PacketSet,
}

impl<'a> Context<'a> {
    /// Analyse every filter of `rules`.
    pub fn new(rules: &'a RuleSet, space: &'a Space, symbols: &'a dyn Symbols) -> Context<'a> {
        use rayon::prelude::*;
        let t = std::time::Instant::now();
        let facts = rules
            .filters
            .par_iter()
            .map(|f| {
                let mut analysis = analyze(space, f, symbols);
                // The analysis compiled every enabled rule already; only
                // disabled rules are compiled here.
                let matches = std::mem::take(&mut analysis.matches)
                    .into_iter()
                    .zip(f.rules())
                    .map(|(m, r)| m.unwrap_or_else(|| space.compile(&r.matches, symbols)))
                    .collect();
                FilterFacts {
                    analysis,
                    matches,
                    bounds: f.rules().map(|r| Bounds::of(&r.matches)).collect(),
                }
            })
            .collect();
        timing("analysis", t);
        let new = space.new_connections();
        let new_by_family = [Family::Ipv4, Family::Ipv6].map(|f| space.family(f).intersect(&new));
        Context {
            rules,
            space,
            symbols,
            facts,
            new_all: new_by_family[0].union(&new_by_family[1]),
            new_by_family,
        }
    }

    /// Does rule `pos` of filter `fi` surely match every new connection of some
    /// family (`permit ip any any`)? The bounding box rules most rules out
    /// before the engine is asked.
    pub fn is_catch_all(&self, fi: usize, pos: usize) -> bool {
        let facts = &self.facts[fi];
        if !facts.bounds[pos].is_unbounded() {
            return false;
        }
        let m = &facts.matches[pos];
        self.new_by_family.iter().any(|s| s.is_subset_of(&m.must))
    }

    /// Every new connection (first packets), of both families.
    pub fn new_connections(&self) -> PacketSet {
        self.new_all.clone()
    }

    /// Exposure is about traffic coming in: outbound filters are skipped.
    pub fn is_exposure_relevant(&self, f: &Filter) -> bool {
        let n = f.name.to_ascii_lowercase();
        // A hook with no chain at all is not configured; nothing to report on.
        f.is_configured() && !(n.starts_with("out/") || n == "output" || n == "postrouting")
    }
}

/// "4,294,967,296" style counts, and "2^96" beyond what reads well (the
/// checks' messages count ports, addresses and protocols this way).
pub fn human_count(x: f64) -> String {
    if x >= 1e15 {
        return format!("2^{:.0}", x.log2());
    }
    let s = format!("{}", x as u64);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The rule at a position of a filter (`chain` is 0 for first-match filters).
pub fn rule_at(f: &Filter, chain: usize, index: usize) -> &Rule {
    match &f.body {
        FilterBody::FirstMatch(fm) => &fm.rules[index],
        FilterBody::Pipeline(p) => &p.chains[chain].rules[index],
    }
}

/// Identifies a rule's text (file and byte span), to report each rule once:
/// Windows rules sit in one filter per profile.
pub type RuleKey = (String, std::ops::Range<usize>);

/// The key of a rule.
pub fn rule_key(r: &Rule) -> RuleKey {
    (r.origin.file_name().to_string(), r.origin.span.clone())
}

/// Run `check` on every filter (by index) in parallel and keep its findings in
/// filter order, dropping a finding whose rule key was reported before (`None`:
/// not about one rule, always kept). The same findings as a sequential run.
pub fn each_filter(
    cx: &Context,
    out: &mut Vec<Finding>,
    check: impl Fn(usize) -> Vec<(Option<RuleKey>, Finding)> + Sync + Send,
) {
    use rayon::prelude::*;
    let per_filter: Vec<Vec<(Option<RuleKey>, Finding)>> = (0..cx.rules.filters.len())
        .into_par_iter()
        .map(check)
        .collect();
    let mut reported = std::collections::HashSet::new();
    for (key, finding) in per_filter.into_iter().flatten() {
        if key.is_none_or(|k| reported.insert(k)) {
            out.push(finding);
        }
    }
}

/// Run every check that needs no topology.
pub fn run_hygiene(cx: &Context) -> Vec<Finding> {
    type CheckFn = fn(&Context, &mut Vec<Finding>);
    let checks: [(&str, CheckFn); 12] = [
        ("shadowed", shadowed::run),
        ("redundant", redundant::run),
        ("partly-overridden", partly_overridden::run),
        ("exposure", exposure::run),
        ("any-to-any", any_to_any::run),
        ("disabled", disabled_rule::run),
        ("empty-filter", empty_filter::run),
        ("unused-object", unused_object::run),
        ("undefined-reference", undefined_reference::run),
        ("duplicate-rule-name", duplicate_rule_name::run),
        ("unreachable-chain", unreachable_chain::run),
        ("parse", |cx, out| parse_problem::check(cx.rules, out)),
    ];
    let mut out = Vec::new();
    for (name, check) in checks {
        let t = std::time::Instant::now();
        check(cx, &mut out);
        timing(name, t);
    }
    out
}

/// With `FWLINT_TIMINGS` set, report how long a stage took (for profiling;
/// benchmarks are in `benches/`).
pub fn timing(stage: &str, since: std::time::Instant) {
    if std::env::var_os("FWLINT_TIMINGS").is_some() {
        eprintln!("fwlint: {stage}: {:.3}s", since.elapsed().as_secs_f64());
    }
}

/// Run every check that compares the site with the flows it requires.
pub fn run_flows(site: &site::Site) -> Vec<Finding> {
    let mut out = Vec::new();
    missing_flow::run(site, &mut out);
    overbroad::run(site, &mut out);
    rpc_dynamic::run(site, &mut out);
    unneeded::run(site, &mut out);
    out
}

/// Every check, in code order.
pub fn registry() -> Vec<&'static CheckInfo> {
    let mut all: Vec<&'static CheckInfo> = vec![
        &parse_problem::UNREADABLE_INPUT,
        &parse_problem::SYNTAX_ERROR,
        &parse_problem::UNMODELLED_CONSTRUCT,
        &missing_flow::MISSING_FLOW,
        &overbroad::OVERBROAD_RULE,
        &unneeded::UNNEEDED_RULE,
        &rpc_dynamic::RPC_DYNAMIC_OPEN,
        &shadowed::SHADOWED_RULE,
        &shadowed::DEAD_RULE,
        &redundant::REDUNDANT_RULE,
        &partly_overridden::PARTLY_OVERRIDDEN,
        &exposure::RISKY_SERVICE_EXPOSED,
        &any_to_any::ANY_TO_ANY_ALLOW,
        &disabled_rule::DISABLED_RULE,
        &empty_filter::EMPTY_FILTER,
        &unused_object::UNUSED_OBJECT,
        &undefined_reference::UNDEFINED_REFERENCE,
        &duplicate_rule_name::DUPLICATE_RULE_NAME,
        &unreachable_chain::UNREACHABLE_CHAIN,
    ];
    all.sort_by_key(|c| c.code);
    all
}

/// Find a check by code or name (case-insensitive).
pub fn lookup(code_or_name: &str) -> Option<&'static CheckInfo> {
    registry().into_iter().find(|c| {
        c.code.eq_ignore_ascii_case(code_or_name) || c.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// The documentation of a check with the doc comment's one-space indent removed.
pub fn doc_text(info: &CheckInfo) -> String {
    info.doc
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

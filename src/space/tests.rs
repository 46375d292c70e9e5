//! Property tests against brute force: small layouts (a few address, port and
//! ICMP bits, five protocols) whose every packet can be enumerated and run
//! through [`crate::model::eval::evaluate`].

use super::{analyze, PacketSet, Space, Tri, SMALL_PROTOCOLS};
use crate::model::eval::{evaluate, NoSymbols};
use crate::model::values::{full_mask, proto};
use crate::model::{
    Action, AddrPattern, BaseChain, Chain, Cond, CtStates, Effect, Family, Filter, FilterBody,
    FirstMatch, Match, Packet, Pipeline, Ranges, Rule, SourceFile,
};
use proptest::prelude::*;
use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const A: u32 = 2;
const P: u32 = 2;

fn ip(f: Family, v: u128) -> IpAddr {
    match f {
        Family::Ipv4 => IpAddr::V4(Ipv4Addr::from(v as u32)),
        Family::Ipv6 => IpAddr::V6(Ipv6Addr::from(v)),
    }
}

/// Source and destination port, ICMP type and code, TCP flags.
type L4 = (Option<u16>, Option<u16>, Option<u8>, Option<u8>, Option<u8>);

/// One reading of `evaluate`: the verdict and the deciding rule.
type Run<'a> = (Action, Option<&'a Rule>);

/// Every packet of `Space::small(a, p)`, for each of `ifaces` as input interface.
fn domain(a: u32, p: u32, ifaces: &[Option<&str>]) -> Vec<Packet> {
    let mut out = Vec::new();
    for fam in [Family::Ipv4, Family::Ipv6] {
        for &pr in &SMALL_PROTOCOLS {
            for src in 0..1u128 << a {
                for dst in 0..1u128 << a {
                    let mut l4: Vec<L4> = Vec::new();
                    if proto::has_ports(pr) {
                        // TCP flags: as many bits as ports in the small layouts.
                        let flags: Vec<Option<u8>> = if pr == proto::TCP {
                            (0..1u8 << p).map(Some).collect()
                        } else {
                            vec![None]
                        };
                        for s in 0..1u16 << p {
                            for d in 0..1u16 << p {
                                for &fl in &flags {
                                    l4.push((Some(s), Some(d), None, None, fl));
                                }
                            }
                        }
                    } else if proto::has_icmp(pr) {
                        for t in 0..1u8 << p {
                            for c in 0..1u8 << p {
                                l4.push((None, None, Some(t), Some(c), None));
                            }
                        }
                    } else {
                        l4.push((None, None, None, None, None));
                    }
                    for &(sport, dport, icmp_type, icmp_code, tcp_flags) in &l4 {
                        for (_, ct) in CtStates::NAMES {
                            for iif in ifaces {
                                out.push(Packet {
                                    protocol: pr,
                                    src: ip(fam, src),
                                    dst: ip(fam, dst),
                                    sport,
                                    dport,
                                    icmp_type,
                                    icmp_code,
                                    tcp_flags,
                                    ct_state: ct,
                                    iif: iif.map(str::to_string),
                                    oif: None,
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

fn origin() -> crate::model::Origin {
    SourceFile::new("test", "rule\n").line_origin(1)
}

fn rule(m: Match, effect: Effect, enabled: bool) -> Rule {
    let mut r = Rule::new(m, effect, origin());
    r.enabled = enabled;
    r
}

fn filter(body: FilterBody) -> Filter {
    Filter {
        name: "t".into(),
        aliases: Vec::new(),
        dialect: "test".into(),
        semantics: "test".into(),
        body,
        bindings: Vec::new(),
        origin: None,
    }
}

/// The oracle for one match: does `evaluate` let the packet through a
/// one-rule allow list with a deny default?
fn oracle(m: &Match) -> impl Fn(&Packet) -> bool + '_ {
    let body = FilterBody::FirstMatch(FirstMatch {
        rules: vec![rule(m.clone(), Effect::Allow, true)],
        default: Action::Deny,
        default_origin: None,
    });
    move |p| evaluate(&body, p, &NoSymbols).verdict == Action::Allow
}

// ---- strategies ----------------------------------------------------------

fn arb_family() -> impl Strategy<Value = Family> {
    prop_oneof![Just(Family::Ipv4), Just(Family::Ipv6)]
}

fn arb_ranges(max: u16) -> impl Strategy<Value = Ranges> {
    prop::collection::vec((0..=max, 0..=max), 0..3).prop_map(Ranges::from_ranges)
}

fn arb_protocols() -> impl Strategy<Value = Ranges> {
    prop_oneof![
        prop::sample::subsequence(SMALL_PROTOCOLS.to_vec(), 0..3)
            .prop_map(|v| Ranges::from_ranges(v.into_iter().map(|p| (p as u16, p as u16)))),
        arb_ranges(60),
    ]
}

fn arb_pattern() -> impl Strategy<Value = AddrPattern> {
    let max = (1u128 << A) - 1;
    prop_oneof![
        (
            arb_family(),
            0..=max,
            0..=max,
            any::<bool>(),
            prop::bool::weighted(0.1)
        )
            .prop_map(move |(family, addr, wild, wide, high)| {
                // Random, usually non-contiguous wildcards; sometimes the bits
                // above the small layout are wildcards too, sometimes a cared
                // bit up there is 1 (no address of the small layout matches).
                let upper = full_mask(family) & !max;
                let wildcard = if wide { wild | upper } else { wild };
                let addr = if high && !wide {
                    addr | (1u128 << A)
                } else {
                    addr
                };
                AddrPattern::Masked {
                    family,
                    addr,
                    wildcard,
                }
            }),
        (arb_family(), 0..=max + 2, 0..=max + 2).prop_map(|(family, lo, hi)| AddrPattern::Range {
            family,
            lo,
            hi
        }),
    ]
}

fn arb_leaf(ifaces: bool) -> BoxedStrategy<Cond> {
    let pmax = (1u16 << P) + 1;
    let mut leaves = vec![
        arb_family().prop_map(Cond::Family).boxed(),
        arb_protocols().prop_map(Cond::Protocol).boxed(),
        prop::collection::vec(arb_pattern(), 0..3)
            .prop_map(Cond::SrcAddr)
            .boxed(),
        prop::collection::vec(arb_pattern(), 0..3)
            .prop_map(Cond::DstAddr)
            .boxed(),
        arb_ranges(pmax).prop_map(Cond::SrcPort).boxed(),
        arb_ranges(pmax).prop_map(Cond::DstPort).boxed(),
        arb_ranges(pmax).prop_map(Cond::IcmpType).boxed(),
        arb_ranges(pmax).prop_map(Cond::IcmpCode).boxed(),
        arb_ranges(pmax).prop_map(Cond::TcpFlags).boxed(),
        (0u8..32).prop_map(|b| Cond::CtState(CtStates(b))).boxed(),
    ];
    if ifaces {
        let names = prop::sample::subsequence(vec!["eth0", "eth*", "lo", "e*", "wlan0"], 1..3)
            .prop_map(|v| v.into_iter().map(str::to_string).collect::<Vec<_>>());
        leaves.push(names.clone().prop_map(Cond::InIface).boxed());
    }
    prop::strategy::Union::new(leaves).boxed()
}

fn arb_cond(ifaces: bool) -> impl Strategy<Value = Cond> {
    arb_leaf(ifaces).prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| Cond::Not(Box::new(c))),
            prop::collection::vec(
                prop::collection::vec(inner, 1..3).prop_map(Match::new),
                0..3
            )
            .prop_map(Cond::AnyOf),
        ]
    })
}

fn arb_match(ifaces: bool) -> impl Strategy<Value = Match> {
    prop::collection::vec(arb_cond(ifaces), 0..4).prop_map(Match::new)
}

/// A match that is sometimes uncertain (an opaque condition, maybe negated).
fn arb_match_opaque(ifaces: bool) -> impl Strategy<Value = Match> {
    (arb_match(ifaces), 0u8..6).prop_map(|(mut m, k)| {
        let op = Cond::Opaque {
            what: "mark".into(),
        };
        match k {
            0 => m.conds.push(op),
            1 => m.conds.push(Cond::Not(Box::new(op))),
            _ => {}
        }
        m
    })
}

fn set_of(space: &Space, m: &Match) -> PacketSet {
    let t = space.compile(m, &NoSymbols);
    assert!(t.is_exact(), "certain match compiled uncertain");
    t.must
}

fn brute_measure(pkts: &[&Packet]) -> [f64; 7] {
    let count = |f: &dyn Fn(&Packet) -> Option<String>| {
        pkts.iter()
            .filter_map(|p| f(p))
            .collect::<HashSet<_>>()
            .len() as f64
    };
    [
        pkts.len() as f64,
        count(&|p| Some(format!("{:?}", p.src))),
        count(&|p| Some(format!("{:?}", p.dst))),
        count(&|p| p.sport.map(|v| v.to_string())),
        count(&|p| p.dport.map(|v| v.to_string())),
        count(&|p| Some(p.protocol.to_string())),
        count(&|p| p.icmp_type.map(|v| v.to_string())),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn set_operations_match_brute_force(a in arb_match(false), b in arb_match(false)) {
        let space = Space::small(A, P);
        let dom = domain(A, P, &[None]);
        let (sa, sb) = (set_of(&space, &a), set_of(&space, &b));
        let (oa, ob) = (oracle(&a), oracle(&b));
        let (u, i, d, c) = (sa.union(&sb), sa.intersect(&sb), sa.minus(&sb), sa.complement());
        let mut members = Vec::new();
        let (mut any_a, mut a_in_b) = (false, true);
        for p in &dom {
            let (ia, ib) = (oa(p), ob(p));
            prop_assert_eq!(sa.contains(&space, p), ia, "{} in {:?}", p, a);
            prop_assert_eq!(u.contains(&space, p), ia || ib);
            prop_assert_eq!(i.contains(&space, p), ia && ib);
            prop_assert_eq!(d.contains(&space, p), ia && !ib);
            prop_assert_eq!(c.contains(&space, p), !ia);
            if p.src == p.dst && p.sport == p.dport {
                // A sample of single-packet sets, too.
                let one = space.packet(p);
                prop_assert!(!one.is_empty() && one.is_subset_of(&space.all()));
                prop_assert_eq!(one.is_subset_of(&sa), ia);
                prop_assert_eq!(space.measure(&one).packets, 1.0);
            }
            any_a |= ia;
            a_in_b &= !ia || ib;
            if ia {
                members.push(p);
            }
        }
        prop_assert_eq!(sa.is_empty(), !any_a);
        prop_assert_eq!(sa.is_subset_of(&sb), a_in_b);
        prop_assert_eq!(sa.equals(&sb), a_in_b && sb.is_subset_of(&sa));
        prop_assert!(c.union(&sa).is_all() && c.intersect(&sa).is_empty());
        match space.witness(&sa) {
            Some(w) => {
                prop_assert!(sa.contains(&space, &w), "witness {} not in set", w);
                prop_assert!(oa(&w), "eval disagrees on witness {}", w);
            }
            None => prop_assert!(!any_a),
        }
        let m = space.measure(&sa);
        let want = brute_measure(&members);
        let got = [m.packets, m.src_addrs, m.dst_addrs, m.src_ports, m.dst_ports, m.protocols, m.icmp_types];
        prop_assert_eq!(got, want);
    }

    #[test]
    fn address_patterns_are_exact(pats in prop::collection::vec(arb_pattern(), 0..4)) {
        let a = 4;
        let space = Space::small(a, 1);
        let src = space.src_addr(&pats);
        let mut n = 0.0;
        for fam in [Family::Ipv4, Family::Ipv6] {
            for v in 0..1u128 << a {
                let addr = ip(fam, v);
                let truth = pats.iter().any(|p| p.contains(&addr));
                let p = Packet {
                    protocol: proto::GRE, src: addr, dst: ip(fam, 0), sport: None, dport: None,
                    icmp_type: None, icmp_code: None, tcp_flags: None, ct_state: CtStates::NEW, iif: None, oif: None,
                };
                prop_assert_eq!(src.contains(&space, &p), truth, "{} vs {:?}", addr, pats);
                n += truth as u8 as f64;
            }
        }
        prop_assert_eq!(space.measure(&src).src_addrs, n);
    }

    #[test]
    fn port_ranges_are_exact(r in arb_ranges(20)) {
        let space = Space::small(1, 4);
        let s = space.dst_port(&r);
        let truth = (0..16u16).filter(|v| r.contains(*v)).count() as f64;
        prop_assert_eq!(space.measure(&s).dst_ports, truth);
        let gre = space.protocol(&Ranges::single(proto::GRE as u16));
        prop_assert!(!s.intersects(&gre));
    }

    #[test]
    fn first_match_regions_match_eval(
        rules in prop::collection::vec(
            (arb_match_opaque(true), 0u8..10, prop::bool::weighted(0.9)), 0..7),
        default_allow in any::<bool>(),
    ) {
        let names = ["eth0", "eth*", "lo", "e*", "wlan0"].map(str::to_string);
        let space = Space::small_with_ifaces(A, 1, names);
        let ifs = [None, Some("eth0"), Some("eth1"), Some("lo"), Some("ex")];
        let dom = domain(A, 1, &ifs);
        let rules: Vec<Rule> = rules
            .into_iter()
            .map(|(m, e, en)| {
                let effect = match e {
                    0..=4 => Effect::Allow,
                    5..=8 => Effect::Deny,
                    _ => Effect::Continue,
                };
                rule(m, effect, en)
            })
            .collect();
        let f = filter(FilterBody::FirstMatch(FirstMatch {
            rules,
            default: if default_allow { Action::Allow } else { Action::Deny },
            default_origin: None,
        }));
        let an = analyze(&space, &f, &NoSymbols);
        let FilterBody::FirstMatch(fm) = &f.body else { unreachable!() };
        prop_assert_eq!(an.rules.len(), fm.rules.len());
        let exact = !fm.rules.iter().any(|r| r.matches.is_uncertain());
        check_bounds(&an)?;
        for p in &dom {
            check_packet(&space, &f, &an, p, exact, true)?;
        }
    }

    #[test]
    fn pipeline_regions_match_eval(pl in arb_pipeline()) {
        let space = Space::small(A, 1);
        let dom = domain(A, 1, &[None]);
        let exact = !pl.chains.iter().flat_map(|c| &c.rules).any(|r| r.matches.is_uncertain());
        let single = pl.base.len() == 1;
        let f = filter(FilterBody::Pipeline(pl));
        let an = analyze(&space, &f, &NoSymbols);
        prop_assert_eq!(an.rules.len(), f.rules().count());
        check_bounds(&an)?;
        for p in &dom {
            check_packet(&space, &f, &an, p, exact, single)?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Running only one rule's decided packets through the pipeline without
    /// it gives, on those packets, exactly what a new analysis of the pipeline
    /// without the rule gives (and no other packet's verdict changes).
    #[test]
    fn pipeline_verdicts_without_a_rule_match_a_new_analysis(
        pl in arb_pipeline(),
        pick in any::<prop::sample::Index>(),
    ) {
        let space = Space::small(A, 1);
        let f = filter(FilterBody::Pipeline(pl));
        let n = f.rules().count();
        prop_assume!(n > 0);
        let removed = pick.index(n);
        let an = analyze(&space, &f, &NoSymbols);
        let matches: Vec<Tri> = f.rules().map(|r| space.compile(&r.matches, &NoSymbols)).collect();
        let decided = an.rules[removed].effective.may.clone();
        let (permitted, denied) = super::pipeline_verdicts_without(
            &space, &f, &matches, removed, &Tri::exact(decided.clone()),
        ).unwrap();
        let mut without = f.clone();
        if let FilterBody::Pipeline(q) = &mut without.body {
            let r = &an.rules[removed];
            std::sync::Arc::make_mut(&mut q.chains)[r.chain].rules[r.index].enabled = false;
        }
        let again = analyze(&space, &without, &NoSymbols);
        prop_assert!(again.permitted.restrict(&decided) == permitted);
        prop_assert!(again.denied.restrict(&decided) == denied);
        let outside = decided.complement();
        prop_assert!(again.permitted.restrict(&outside) == an.permitted.restrict(&outside));
        prop_assert!(again.denied.restrict(&outside) == an.denied.restrict(&outside));
    }
}

/// `must ⊆ may` everywhere, and a rule only takes effect where it is reached.
fn check_bounds(an: &super::FilterAnalysis) -> Result<(), TestCaseError> {
    for t in [&an.permitted, &an.denied, &an.by_default] {
        prop_assert!(t.must.is_subset_of(&t.may));
    }
    for region in &an.rules {
        prop_assert!(region.effective.must.is_subset_of(&region.effective.may));
        prop_assert!(region.reached.must.is_subset_of(&region.reached.may));
        prop_assert!(region.effective.must.is_subset_of(&region.reached.must));
        prop_assert!(region.effective.may.is_subset_of(&region.reached.may));
    }
    Ok(())
}

/// Compare the analysis with `evaluate` on one packet. With uncertain rules,
/// both of evaluate's readings (opaque conditions all holding / none holding)
/// must lie between the bounds. `allow_exact`: an allow rule's region is exactly
/// the packets it decides (not so across several base chains, where a later
/// chain may still drop what an earlier one accepted).
fn check_packet(
    space: &Space,
    f: &Filter,
    an: &super::FilterAnalysis,
    p: &Packet,
    exact: bool,
    allow_exact: bool,
) -> Result<(), TestCaseError> {
    let d = evaluate(&f.body, p, &NoSymbols);
    let runs = [
        (d.verdict, d.rule),
        d.otherwise.unwrap_or((d.verdict, d.rule)),
    ];
    if exact {
        prop_assert!(d.otherwise.is_none());
    }
    let within = |t: &Tri, truth: &dyn Fn(&Run) -> bool| {
        let must = t.must.contains(space, p);
        let may = t.may.contains(space, p);
        let all = runs.iter().all(truth);
        let any = runs.iter().any(truth);
        (!must || all) && (!any || may) && (!exact || must == may)
    };
    prop_assert!(
        within(&an.permitted, &|r| r.0 == Action::Allow),
        "permitted {}",
        p
    );
    prop_assert!(within(&an.denied, &|r| r.0 == Action::Deny), "denied {}", p);
    prop_assert!(
        within(&an.by_default, &|r| r.1.is_none()),
        "by_default {}",
        p
    );
    for (region, r) in an.rules.iter().zip(f.rules()) {
        let decided = |x: &Run| x.1.is_some_and(|q| std::ptr::eq(q, r));
        let may = region.effective.may.contains(space, p);
        if !r.enabled {
            prop_assert!(!may);
            continue;
        }
        match r.effect {
            Effect::Deny => prop_assert!(
                within(&region.effective, &decided),
                "rule {} {}",
                region.index,
                p
            ),
            Effect::Allow if allow_exact => {
                prop_assert!(
                    within(&region.effective, &decided),
                    "rule {} {}",
                    region.index,
                    p
                )
            }
            Effect::Allow => {
                // Decided here ⇒ in the region (a later base chain may still
                // decide what this rule accepted, so not conversely).
                prop_assert!(
                    !runs.iter().any(decided) || may,
                    "rule {} {}",
                    region.index,
                    p
                );
            }
            _ => {}
        }
    }
    Ok(())
}

/// Random acyclic pipelines: `nb` base chains then regular chains; rules jump
/// or go only to later regular chains.
fn arb_pipeline() -> impl Strategy<Value = Pipeline> {
    (1usize..3, 1usize..4).prop_flat_map(|(nb, nr)| {
        let total = nb + nr;
        let chains = (0..total)
            .map(|c| {
                let targets: Vec<usize> = (nb.max(c + 1)..total).collect();
                prop::collection::vec(
                    (
                        arb_match_opaque(false),
                        0u8..12,
                        0usize..4,
                        prop::bool::weighted(0.9),
                    ),
                    0..5,
                )
                .prop_map(move |rs| {
                    let rules = rs
                        .into_iter()
                        .map(|(m, e, t, en)| {
                            let target = (!targets.is_empty()).then(|| targets[t % targets.len()]);
                            let effect = match (e, target) {
                                (0..=2, _) => Effect::Allow,
                                (3..=4, _) => Effect::Deny,
                                (5..=6, Some(t)) => Effect::Jump(t),
                                (7..=8, Some(t)) => Effect::Goto(t),
                                (9, _) => Effect::Return,
                                _ => Effect::Continue,
                            };
                            rule(m, effect, en)
                        })
                        .collect();
                    Chain {
                        name: format!("c{c}"),
                        rules,
                        origin: origin(),
                    }
                })
            })
            .collect::<Vec<_>>();
        let bases = prop::collection::vec(
            (
                any::<bool>(),
                prop_oneof![Just(None), arb_family().prop_map(Some)],
            ),
            nb,
        );
        (chains, bases).prop_map(move |(chains, bases)| Pipeline {
            chains: chains.into(),
            base: bases
                .into_iter()
                .enumerate()
                .map(|(i, (allow, family))| BaseChain {
                    chain: i,
                    priority: i as i32,
                    policy: if allow { Action::Allow } else { Action::Deny },
                    family,
                    policy_origin: None,
                })
                .collect(),
        })
    })
}

#[test]
fn deep_jumps_stop_at_the_kernel_limit() {
    // 70 chains, each jumping to the next: evaluation stops descending at 64.
    let n = 70;
    let space = Space::small(A, 1);
    let chains: Vec<Chain> = (0..n)
        .map(|c| Chain {
            name: format!("c{c}"),
            rules: if c + 1 < n {
                vec![rule(Match::any(), Effect::Jump(c + 1), true)]
            } else {
                vec![rule(Match::any(), Effect::Deny, true)]
            },
            origin: origin(),
        })
        .collect();
    let f = filter(FilterBody::Pipeline(Pipeline {
        chains: chains.into(),
        base: vec![BaseChain {
            chain: 0,
            priority: 0,
            policy: Action::Allow,
            family: None,
            policy_origin: None,
        }],
    }));
    let an = analyze(&space, &f, &NoSymbols);
    let p = domain(A, 1, &[None]).remove(0);
    let d = evaluate(&f.body, &p, &NoSymbols);
    assert_eq!(d.verdict, Action::Allow);
    assert!(an.permitted.must.is_all());
    assert!(an.denied.may.is_empty());
}

#[test]
fn cycles_do_not_hang() {
    let space = Space::small(A, 1);
    let chains = vec![
        Chain {
            name: "base".into(),
            rules: vec![rule(Match::any(), Effect::Goto(1), true)],
            origin: origin(),
        },
        Chain {
            name: "loop".into(),
            rules: vec![
                rule(Match::any(), Effect::Goto(1), true),
                rule(Match::any(), Effect::Jump(0), true),
                rule(Match::any(), Effect::Deny, true),
            ],
            origin: origin(),
        },
    ];
    let f = filter(FilterBody::Pipeline(Pipeline {
        chains: chains.into(),
        base: vec![BaseChain {
            chain: 0,
            priority: 0,
            policy: Action::Allow,
            family: None,
            policy_origin: None,
        }],
    }));
    let an = analyze(&space, &f, &NoSymbols);
    assert!(an.denied.must.is_all());
}

#[test]
fn opaque_first_match_bounds() {
    let space = Space::small(A, P);
    let op = Match::new(vec![Cond::Opaque {
        what: "limit".into(),
    }]);
    let f = filter(FilterBody::FirstMatch(FirstMatch {
        rules: vec![rule(op, Effect::Deny, true)],
        default: Action::Allow,
        default_origin: None,
    }));
    let an = analyze(&space, &f, &NoSymbols);
    assert!(an.permitted.must.is_empty() && an.permitted.may.is_all());
    assert!(an.denied.must.is_empty() && an.denied.may.is_all());
    assert!(an.rules[0].reached.must.is_all());
    let _ = Tri::unknown(&space);
}

/// Rule sets without a TCP flags condition get a layout without the flags
/// field (`Space::for_rulesets`): the same regions for every packet as the
/// full layout (packets are SYNs when TCP, as `query` reads them), the same
/// witnesses' flags, and a flags condition compiled there anyway is unknown,
/// never a wrong exact answer.
#[test]
fn layouts_without_tcp_flags_give_the_same_regions() {
    let m = |conds: Vec<Cond>| Match { conds };
    let rules = vec![
        rule(
            m(vec![
                Cond::Protocol(Ranges::single(proto::TCP as u16)),
                Cond::DstPort(Ranges::single(22)),
            ]),
            Effect::Allow,
            true,
        ),
        rule(
            m(vec![
                Cond::Protocol(Ranges::single(proto::UDP as u16)),
                Cond::DstPort(Ranges::range(50, 60)),
            ]),
            Effect::Deny,
            true,
        ),
        rule(
            m(vec![Cond::CtState(CtStates::ESTABLISHED)]),
            Effect::Allow,
            true,
        ),
        rule(
            m(vec![
                Cond::Family(Family::Ipv6),
                Cond::Protocol(Ranges::single(proto::ICMPV6 as u16)),
            ]),
            Effect::Allow,
            true,
        ),
    ];
    let f = filter(FilterBody::FirstMatch(FirstMatch {
        rules,
        default: Action::Deny,
        default_origin: None,
    }));
    let rs = crate::model::RuleSet {
        filters: vec![f],
        ..Default::default()
    };
    let lean = Space::for_rulesets([&rs]);
    let full = Space::new(Vec::new());
    assert!(!lean.has_tcp_flags() && full.has_tcp_flags());
    let f = &rs.filters[0];
    let (a, b) = (analyze(&lean, f, &NoSymbols), analyze(&full, f, &NoSymbols));
    let lines = [
        "tcp 10.0.0.1:1000 10.0.0.2:22",
        "tcp 10.0.0.1:1000 10.0.0.2:23",
        "udp 10.0.0.1:1000 10.0.0.2:55",
        "udp [2001:db8::1]:5 [2001:db8::2]:61",
        "58 2001:db8::1 2001:db8::2 128/0",
        "1 10.0.0.1 10.0.0.2 8/0",
    ];
    for line in lines {
        let p = Packet::parse(line).unwrap();
        for (ra, rb) in a.rules.iter().zip(&b.rules) {
            assert_eq!(
                ra.effective.may.contains(&lean, &p),
                rb.effective.may.contains(&full, &p),
                "{line}"
            );
        }
        assert_eq!(
            lean.new_connections().contains(&lean, &p),
            full.new_connections().contains(&full, &p),
            "{line}"
        );
    }
    let flags = lean.cond(&Cond::TcpFlags(Ranges::single(0x12)), &NoSymbols);
    assert!(flags.must.is_empty() && !flags.may.is_empty());
}

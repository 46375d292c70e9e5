//! `analyze` on a generated 10,000-rule first-match filter with realistic
//! prefixes (/8–/32, many hosts) and port ranges (mostly single ports, some
//! ranges, some any).

mod common;

use common::Rng;
use criterion::{criterion_group, criterion_main, Criterion};
use fwlint::model::eval::NoSymbols;
use fwlint::model::values::proto;
use fwlint::model::{
    Action, AddrPattern, Cond, Effect, Filter, FilterBody, FirstMatch, Match, Ranges, Rule,
    SourceFile,
};
use fwlint::space::{analyze, Space};
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

/// An address from a few site blocks, as real ACLs have them.
fn prefix(rng: &mut Rng) -> AddrPattern {
    let base: u32 = match rng.below(4) {
        0 => 0x0a00_0000,       // 10/8
        1 => 0xac10_0000,       // 172.16/12
        2 => 0xc0a8_0000,       // 192.168/16
        _ => rng.next() as u32, // public space
    };
    // Real ACLs name hosts and small subnets; whole /8s are rare.
    let len = match rng.below(100) {
        0..=1 => 8 + rng.below(8) as u8,    // /8–/15: 2%
        2..=16 => 16 + rng.below(8) as u8,  // /16–/23: 15%
        17..=49 => 24 + rng.below(8) as u8, // /24–/31: 33%
        _ => 32,                            // hosts: 50%
    };
    let addr = base | (rng.next() as u32 & 0x00ff_ffff);
    AddrPattern::prefix(IpAddr::V4(Ipv4Addr::from(addr)), len)
}

const COMMON: [u16; 16] = [
    22, 25, 53, 80, 110, 123, 143, 161, 389, 443, 445, 636, 993, 3306, 3389, 8080,
];

fn ports(rng: &mut Rng) -> Option<Ranges> {
    match rng.below(10) {
        0..=4 => Some(Ranges::single(COMMON[rng.below(16) as usize])),
        5..=6 => Some(Ranges::single(1 + rng.below(65535) as u16)),
        7..=8 => {
            let lo = rng.below(60000) as u16;
            Some(Ranges::range(lo, lo + rng.below(5000) as u16))
        }
        _ => None,
    }
}

pub fn generate(n: usize, seed: u64) -> Filter {
    let file = SourceFile::new("bench.acl", "permit\n");
    let origin = file.line_origin(1);
    let mut rng = Rng(seed | 1);
    let rules = (0..n)
        .map(|_| {
            let mut conds = Vec::new();
            let p = match rng.below(20) {
                0..=11 => Some(proto::TCP),
                12..=16 => Some(proto::UDP),
                17 => Some(proto::ICMP),
                _ => None,
            };
            if let Some(p) = p {
                conds.push(Cond::Protocol(Ranges::single(p as u16)));
            }
            if !rng.chance(15) {
                conds.push(Cond::SrcAddr(vec![prefix(&mut rng)]));
            }
            // "Any destination" is rare, and never for whole-IP rules (a
            // `permit ip any any` would end the list early).
            if p.is_none() || !rng.chance(5) {
                conds.push(Cond::DstAddr(vec![prefix(&mut rng)]));
            }
            if matches!(p, Some(proto::TCP) | Some(proto::UDP)) {
                if let Some(r) = ports(&mut rng) {
                    conds.push(Cond::DstPort(r));
                }
                if rng.chance(5) {
                    conds.push(Cond::SrcPort(Ranges::range(1024, 65535)));
                }
            }
            let effect = if rng.chance(80) {
                Effect::Allow
            } else {
                Effect::Deny
            };
            Rule::new(Match::new(conds), effect, origin.clone())
        })
        .collect();
    Filter {
        name: "bench".into(),
        aliases: Vec::new(),
        dialect: "cisco-ios".into(),
        semantics: "first match".into(),
        body: FilterBody::FirstMatch(FirstMatch {
            rules,
            default: Action::Deny,
            default_origin: None,
        }),
        bindings: Vec::new(),
        origin: None,
    }
}

fn bench(c: &mut Criterion) {
    let filter = generate(10_000, 0x5eed);
    // The layout `fwlint check` builds for these rules (`Space::for_rulesets`).
    let rules = fwlint::model::RuleSet {
        filters: vec![filter],
        ..Default::default()
    };
    let space = Space::for_rulesets([&rules]);
    let filter = &rules.filters[0];
    // One run up front, with the sizes worth reporting.
    let t = Instant::now();
    let an = analyze(&space, filter, &NoSymbols);
    let analyzed = t.elapsed();
    let t = Instant::now();
    let shadowed = an
        .rules
        .iter()
        .filter(|r| r.effective.may.is_empty())
        .count();
    let nodes: usize = an.rules.iter().map(|r| r.effective.must.node_count()).sum();
    // Forcing one reached set (they are built on first use).
    let t_last = Instant::now();
    let last = an.rules.last().map(|r| r.reached.must.node_count());
    println!(
        "10000 rules: first analyze {:?}; then {:?} to count {} fully shadowed, effective nodes {}, permitted {} nodes, by_default {} nodes (built on first use); reached set of the last rule: {:?} nodes in {:?}",
        analyzed,
        t.elapsed(),
        shadowed,
        nodes,
        an.permitted.must.node_count(),
        an.by_default.must.node_count(),
        last,
        t_last.elapsed(),
    );
    let mut g = c.benchmark_group("space");
    g.sample_size(10);
    g.bench_function("analyze_first_match_10k", |b| {
        b.iter(|| analyze(&space, filter, &NoSymbols))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

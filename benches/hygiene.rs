//! Every hygiene check (`Context::new` + `run_hygiene`, as `fwlint check` runs
//! them) on the real ~15,000-line Cisco config `sample_05.ios` of the shared
//! corpus, and on a generated 100,000-entry extended ACL with realistic
//! prefixes and ports (mostly hosts and small subnets, common service ports,
//! some ranges). Set `FWLINT_BENCH_DUMP=DIR` to also write the generated
//! config to `DIR/generated_100k.ios`, to time `fwlint check` on it.

mod common;

use common::cisco_acl::generated;
use criterion::{criterion_group, criterion_main, Criterion};
use fwlint::check::{run_hygiene, Context};
use fwlint::dialect::cisco::{load, Flavor};
use fwlint::model::eval::NoSymbols;
use fwlint::model::RuleSet;
use fwlint::read::Input;
use fwlint::space::Space;
use std::time::Instant;

fn hygiene(rules: &RuleSet) -> usize {
    let space = Space::for_rulesets([rules]);
    let cx = Context::new(rules, &space, &NoSymbols);
    run_hygiene(&cx).len()
}

fn bench(c: &mut Criterion) {
    let real = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus-real/cisco-ios/mpenning__ciscoconfparse__tests__fixtures__configs__sample_05.ios"
    );
    let bytes = std::fs::read(real).expect("shared corpus");
    let sample = load(&Input::from_bytes("sample_05.ios", bytes), Flavor::Ios).unwrap();
    let gen = generated(100_000);
    if let Some(dir) = std::env::var_os("FWLINT_BENCH_DUMP") {
        let path = std::path::Path::new(&dir).join("generated_100k.ios");
        std::fs::write(&path, &gen).expect("write the generated config");
    }
    let big = load(
        &Input::from_bytes("generated.ios", gen.into_bytes()),
        Flavor::Ios,
    )
    .unwrap();
    for (name, rs) in [("sample_05.ios", &sample), ("generated 100k", &big)] {
        let t = Instant::now();
        let n = hygiene(rs);
        println!(
            "{name}: {} filters, {} rules: {n} findings, first run {:?}",
            rs.filters.len(),
            rs.filters.iter().map(|f| f.rules().count()).sum::<usize>(),
            t.elapsed()
        );
    }
    let mut g = c.benchmark_group("hygiene");
    g.sample_size(10);
    g.bench_function("sample_05.ios", |b| b.iter(|| hygiene(&sample)));
    g.bench_function("generated_100k_entries", |b| b.iter(|| hygiene(&big)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

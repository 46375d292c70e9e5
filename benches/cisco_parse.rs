//! Throughput of the Cisco dialects on the large real IOS config of the
//! shared corpus and on a generated 100,000-entry extended ACL, measured three
//! ways: `parse` (text → vendor tree, the figure the 100 MB/s target is about),
//! `lower` (vendor tree → model, on a tree parsed once) and `load` (decode +
//! parse + lower, what `fwlint` does per file). Before criterion's wall-clock
//! figures it prints the mean per-run CPU time of each (`cpu ...` lines), the
//! figure to compare on a shared, loaded machine. `cargo bench --bench
//! cisco_parse -- none` prints only those. With `FWLINT_BENCH_PROFILE=parse`
//! (or `lower`, `load`) the binary runs only that stage, once per input, and
//! exits: the form to run under `valgrind --tool=callgrind`.

mod common;

use common::cpu_throughput;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fwlint::dialect::cisco::{load, lower, parse, Flavor};
use fwlint::read::Input;

fn generated(n: usize) -> String {
    let mut s = String::with_capacity(n * 64);
    s.push_str("ip access-list extended BIG\n");
    for i in 0..n {
        let a = (i >> 8) & 0xff;
        let b = i & 0xff;
        match i % 4 {
            0 => s.push_str(&format!(
                " {} permit tcp 10.{a}.{b}.0 0.0.0.255 host 192.0.2.{b} eq {}\n",
                (i + 1) * 10,
                1 + i % 60000
            )),
            1 => s.push_str(&format!(
                " {} deny udp any 172.16.{a}.{b} 0.0.255.0 range 1000 {}\n",
                (i + 1) * 10,
                1000 + i % 5000
            )),
            2 => s.push_str(&format!(
                " {} permit icmp host 10.{a}.{b}.1 any echo\n",
                (i + 1) * 10
            )),
            _ => s.push_str(&format!(
                " {} permit ip 10.{a}.{b}.0 0.0.0.127 any log\n",
                (i + 1) * 10
            )),
        }
    }
    s
}

fn bench(c: &mut Criterion) {
    let real = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus-real/cisco-ios/mpenning__ciscoconfparse__tests__fixtures__configs__sample_05.ios"
    );
    let bytes = std::fs::read(real).expect("shared corpus");
    let gen = generated(100_000);
    let profile = std::env::var("FWLINT_BENCH_PROFILE").ok();
    if let Some(stage) = profile.as_deref() {
        for bytes in [&bytes, gen.as_bytes()] {
            let input = Input::from_bytes("profile", bytes.to_vec());
            let file = input.text().expect("utf-8");
            match stage {
                "parse" => drop(std::hint::black_box(parse::parse(&file.text, Flavor::Ios))),
                "lower" => {
                    let cfg = parse::parse(&file.text, Flavor::Ios);
                    drop(std::hint::black_box(lower::lower(
                        &cfg,
                        Flavor::Ios,
                        file.clone(),
                    )));
                }
                _ => drop(std::hint::black_box(load(&input, Flavor::Ios).unwrap())),
            }
        }
        return;
    }
    for (label, bytes) in [
        ("sample_05.ios", bytes),
        ("generated_100k_entries", gen.into_bytes()),
    ] {
        let mut g = c.benchmark_group(format!("cisco_parse/{label}"));
        g.sample_size(10);
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        let len = bytes.len();
        let input = Input::from_bytes(label, bytes);
        let file = input.text().expect("utf-8");
        let cfg = parse::parse(&file.text, Flavor::Ios);
        cpu_throughput(&format!("cisco {label} parse"), len, || {
            std::hint::black_box(parse::parse(&file.text, Flavor::Ios));
        });
        cpu_throughput(&format!("cisco {label} lower"), len, || {
            std::hint::black_box(lower::lower(&cfg, Flavor::Ios, file.clone()));
        });
        cpu_throughput(&format!("cisco {label} load"), len, || {
            std::hint::black_box(load(&input, Flavor::Ios).unwrap());
        });
        g.bench_function("parse", |b| {
            b.iter(|| parse::parse(&file.text, Flavor::Ios))
        });
        g.bench_function("lower", |b| {
            b.iter(|| lower::lower(&cfg, Flavor::Ios, file.clone()))
        });
        g.bench_function("load", |b| b.iter(|| load(&input, Flavor::Ios).unwrap()));
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Parse throughput of the nft text dialect (parse only, and parse + lower)
//! on the largest real ruleset of the corpus and on a generated
//! 100,000-rule ruleset; and, for comparison, `nft -c -f` on the same files
//! inside a throwaway network namespace (printed once, when root and nft are
//! available). Before criterion's wall-clock figures it prints the mean
//! per-run CPU time of reading (text to `SourceFile`), of parsing (into a
//! new arena, and into a reused one) and of lowering (`cpu ...` lines), the
//! figures to compare on a shared, loaded machine, and the size of the tree.
//! Run: `cargo bench --bench nft_parse` (`-- none` skips criterion; `nft -c`
//! is still timed unless `FWLINT_BENCH_SKIP_NFT=1`).

mod common;

use common::cpu_throughput;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fwlint::dialect::nft::ast::Arena;
use fwlint::dialect::nft::{lower, parse};
use fwlint::model::SourceFile;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus-real/nft");

fn largest() -> PathBuf {
    std::fs::read_dir(CORPUS)
        .expect("corpus")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .expect("a file")
}

/// A realistic generated ruleset: sets, jumps, ranges, `nft list` style.
fn generated(rules: usize) -> String {
    let mut s = String::with_capacity(rules * 80);
    s.push_str("table inet filter {\n\tset allowed {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { 10.0.0.0/8, 192.168.0.0/16 }\n\t}\n");
    s.push_str("\tchain svc {\n\t\ttcp dport { 80, 443 } accept\n\t}\n");
    s.push_str("\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tct state established,related accept\n");
    for i in 0..rules {
        let a = (i >> 8) & 255;
        let b = i & 255;
        match i % 4 {
            0 => s.push_str(&format!(
                "\t\tip saddr 10.{a}.{b}.0/24 tcp dport {} counter packets 0 bytes 0 accept # handle {}\n",
                1024 + (i % 60000),
                i + 10
            )),
            1 => s.push_str(&format!(
                "\t\tip6 daddr 2001:db8:{a:x}:{b:x}::/64 udp dport {{ 53, 123, {} }} drop\n",
                2000 + (i % 1000)
            )),
            2 => s.push_str(&format!(
                "\t\tiifname \"eth{}\" ip saddr @allowed tcp dport {}-{} jump svc\n",
                i % 8,
                i % 1000,
                i % 1000 + 10
            )),
            _ => s.push_str(&format!(
                "\t\tmeta l4proto tcp ip daddr 172.16.{a}.{b} ct state new log prefix \"r{i} \" reject with tcp reset\n"
            )),
        }
    }
    s.push_str("\t}\n}\n");
    s
}

/// Time `nft -c -f FILE` inside a fresh network namespace, when possible.
/// (`FWLINT_BENCH_SKIP_NFT=1` skips it: 100k rules take minutes.)
fn nft_check_time(file: &Path) -> Option<f64> {
    if std::env::var_os("FWLINT_BENCH_SKIP_NFT").is_some() {
        return None;
    }
    let ns = format!("fwlint-nftbench-{}", std::process::id());
    let ok = std::process::Command::new("ip")
        .args(["netns", "add", &ns])
        .status()
        .ok()?
        .success();
    if !ok {
        return None;
    }
    let t = Instant::now();
    let st = std::process::Command::new("ip")
        .args(["netns", "exec", &ns, "nft", "-c", "-f"])
        .arg(file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    let dt = t.elapsed().as_secs_f64();
    let _ = std::process::Command::new("ip")
        .args(["netns", "del", &ns])
        .status();
    st.ok()?;
    Some(dt)
}

/// One parse of a file already read into memory, into a new arena, tree
/// and arena dropped (what a `cpu ... parse` run costs), for profiles.
#[inline(never)]
fn parse_and_drop(file: &Arc<SourceFile>) {
    let arena = Arena::new();
    drop(std::hint::black_box(parse::parse_source(
        &arena, file, false,
    )));
}

/// One lowering of a parsed tree, for profiles.
#[inline(never)]
fn lower_once(ast: &fwlint::dialect::nft::ast::Ruleset<'_>) {
    drop(std::hint::black_box(lower::lower(ast)));
}

fn bench(c: &mut Criterion) {
    let big = largest();
    let big_text = std::fs::read_to_string(&big).expect("read");
    let gen_text = generated(100_000);
    // `FWLINT_BENCH_PROFILE=1`: parse each input once and stop (for
    // `valgrind --tool=callgrind`, which counts instructions repeatably).
    // (`FWLINT_BENCH_PROFILE=real` or `=generated`: that input only;
    // `=lower-real` or `=lower-generated`: parse, then lower once inside
    // `lower_once`.)
    if let Some(which) = std::env::var_os("FWLINT_BENCH_PROFILE") {
        for (label, text) in [("real", &big_text), ("generated", &gen_text)] {
            let file = SourceFile::new("bench.nft", text.as_str());
            if which == "1" || which == label {
                parse_and_drop(&file);
            }
            if which.to_str() == Some(&format!("lower-{label}")) {
                let arena = Arena::new();
                lower_once(&parse::parse_source(&arena, &file, false));
            }
        }
        return;
    }
    let gen_path =
        std::env::temp_dir().join(format!("fwlint-nft-bench-{}.nft", std::process::id()));
    std::fs::write(&gen_path, &gen_text).expect("write generated");

    for (label, path, text) in [
        ("largest-corpus", big.as_path(), &big_text),
        ("generated-100k", gen_path.as_path(), &gen_text),
    ] {
        // Reading: the text copied into a `SourceFile` and its lines
        // indexed (what `Input::text` does after decoding); parsing starts
        // from that file in memory.
        cpu_throughput(&format!("nft {label} read"), text.len(), || {
            std::hint::black_box(SourceFile::new("bench.nft", text.as_str()));
        });
        let file = SourceFile::new("bench.nft", text.as_str());
        // A new arena per parse (what one `fwlint` run on one file does:
        // every page of the tree is touched for the first time), and one
        // arena reset between parses (what a thread that reads several
        // files does, `dialect::nft::with_arena`: no new pages).
        cpu_throughput(&format!("nft {label} parse"), text.len(), || {
            parse_and_drop(&file);
        });
        let mut reused = Arena::new();
        cpu_throughput(
            &format!("nft {label} parse (arena reused)"),
            text.len(),
            || {
                reused.reset();
                std::hint::black_box(parse::parse_source(&reused, &file, false));
            },
        );
        let mut arena = Arena::new();
        let used = {
            let ast = parse::parse_source(&arena, &file, false);
            std::hint::black_box(&ast);
            drop(ast);
            arena
                .iter_allocated_chunks()
                .map(|c| c.len())
                .sum::<usize>()
        };
        println!(
            "tree {label}: {} bytes of text, {used} bytes of tree",
            text.len()
        );
        let ast = parse::parse_source(&arena, &file, false);
        cpu_throughput(&format!("nft {label} lower"), text.len(), || {
            std::hint::black_box(lower::lower(&ast));
        });
        let mut g = c.benchmark_group(format!("nft/{label}"));
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.sample_size(10);
        g.bench_function("parse", |b| b.iter(|| parse_and_drop(&file)));
        g.bench_function("parse+lower", |b| {
            b.iter(|| {
                let arena = Arena::new();
                lower::lower(&parse::parse_str(&arena, "bench.nft", text))
            })
        });
        g.finish();
        match nft_check_time(path) {
            Some(s) => println!(
                "nft -c -f {} ({} bytes): {:.3} s = {:.1} MB/s",
                label,
                text.len(),
                s,
                text.len() as f64 / s / 1e6
            ),
            None => println!("nft -c -f {label}: not measured (needs root, iproute2 and nft)"),
        }
    }
    let _ = std::fs::remove_file(&gen_path);
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Robustness: truncations and byte flips of every real nft ruleset (and of
//! the feature rulesets) never panic the parser or the lowering, and nested
//! input far deeper than any real ruleset is refused with a finding, not a
//! stack overflow. Deterministic (a fixed seed) so failures repeat.

#[path = "common/rng.rs"]
mod rng;

use fwlint::read::Input;
use rng::Rng;
use std::path::PathBuf;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus-real/nft");
const FEATURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/nft/features");

fn files() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for d in [CORPUS, FEATURES] {
        if let Ok(rd) = std::fs::read_dir(d) {
            v.extend(
                rd.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.is_file()),
            );
        }
    }
    v.sort();
    v
}

fn load(name: &str, bytes: Vec<u8>) -> usize {
    let input = Input::from_bytes(name, bytes);
    match fwlint::dialect::nft::load_text(&input) {
        Ok(rs) => rs.filters.len(),
        Err(_) => 0,
    }
}

#[test]
fn truncations_and_byte_flips_never_panic() {
    let mut rng = Rng::new(1);
    let mut runs = 0;
    for f in files() {
        let bytes = std::fs::read(&f).unwrap();
        if bytes.is_empty() {
            continue;
        }
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        // Keep big files to a few mutations so the test stays fast.
        let n = if bytes.len() > 50_000 { 2 } else { 12 };
        for _ in 0..n {
            let cut = (rng.next() as usize) % bytes.len();
            load(&name, bytes[..cut].to_vec());
            let mut m = bytes.clone();
            for _ in 0..4 {
                let k = (rng.next() as usize) % m.len();
                m[k] = b"{}()\";#$@.-:,\n \\x"[(rng.next() % 17) as usize];
            }
            load(&name, m);
            runs += 2;
        }
    }
    assert!(runs > 1000, "only {runs} mutated inputs");
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let deep = format!(
        "table ip t {{ chain c {{ type filter hook input priority 0; ip saddr {}1.2.3.4{} accept\n}} }}\n",
        "{ ".repeat(5000),
        " }".repeat(5000)
    );
    let input = Input::from_bytes("deep.nft", deep.into_bytes());
    let rs = fwlint::dialect::nft::load_text(&input).unwrap();
    assert!(
        rs.issues.iter().any(|i| i.message.contains("nested")),
        "{:?}",
        rs.issues
    );
    let parens = format!(
        "table ip t {{ chain c {{ tcp dport {}1{} accept\n}} }}\n",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let rs =
        fwlint::dialect::nft::load_text(&Input::from_bytes("p.nft", parens.into_bytes())).unwrap();
    assert!(!rs.issues.is_empty());
}

#[test]
fn exponential_defines_are_bounded() {
    let mut s = String::from("define a0 = { 1, 2 }\n");
    for k in 1..40 {
        s.push_str(&format!("define a{k} = {{ $a{}, $a{} }}\n", k - 1, k - 1));
    }
    s.push_str(
        "table ip t { chain c { type filter hook input priority 0; tcp dport $a39 accept\n } }\n",
    );
    let rs = fwlint::dialect::nft::load_text(&Input::from_bytes("x.nft", s.into_bytes())).unwrap();
    assert!(
        rs.issues.iter().any(|i| i.message.contains("too large")),
        "{:?}",
        rs.issues
    );
}

//! Bad input never panics, hangs or explodes: every dialect gets mutated copies
//! of the real corpus (truncations, byte flips, duplicated and deleted spans,
//! deep nesting, wrong encodings) and must answer with a rule set or an error.
//!
//! This is a deterministic fuzzer (a fixed-seed PRNG), so failures reproduce;
//! the seed and the mutation are printed on a panic.

#[path = "common/rng.rs"]
mod rng;

use fwlint::dialect::Dialect;
use fwlint::read::Input;
use rng::Rng;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn corpus_files() -> Vec<(PathBuf, Dialect)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus-real");
    let dirs = [
        ("nft", Dialect::Nft),
        ("nft-json", Dialect::NftJson),
        ("cisco-ios", Dialect::CiscoIos),
        ("cisco-asa", Dialect::CiscoAsa),
        ("cisco-nxos", Dialect::CiscoNxos),
        ("cisco-xr", Dialect::CiscoXr),
        ("winfw", Dialect::WinfwReg),
    ];
    let mut out = Vec::new();
    for (dir, d) in dirs {
        let Ok(rd) = std::fs::read_dir(root.join(dir)) else {
            panic!(
                "missing {}: the shared corpus must sit beside the repository",
                root.join(dir).display()
            );
        };
        let mut files: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for f in files {
            // Windows files come in several dialects: let detection pick.
            let d = if d == Dialect::WinfwReg {
                match fwlint::dialect::detect(&Input::read(&f).unwrap()) {
                    Some(d) => d,
                    None => continue,
                }
            } else {
                d
            };
            out.push((f, d));
        }
    }
    out
}

fn mutate(rng: &mut Rng, data: &[u8]) -> (String, Vec<u8>) {
    let mut d = data.to_vec();
    let n = d.len();
    match rng.below(7) {
        0 => {
            let at = rng.below(n + 1);
            d.truncate(at);
            (format!("truncate at {at}"), d)
        }
        1 => {
            for _ in 0..=rng.below(8) {
                if !d.is_empty() {
                    let i = rng.below(d.len());
                    d[i] = rng.next() as u8;
                }
            }
            ("flip bytes".into(), d)
        }
        2 => {
            let a = rng.below(n + 1);
            let b = (a + rng.below(200)).min(n);
            let chunk = d[a..b].to_vec();
            let at = rng.below(d.len() + 1);
            d.splice(at..at, chunk);
            (format!("duplicate {a}..{b}"), d)
        }
        3 => {
            let a = rng.below(n + 1);
            let b = (a + rng.below(200)).min(n);
            d.drain(a..b);
            (format!("delete {a}..{b}"), d)
        }
        4 => {
            let depth = 2000 + rng.below(20000);
            let open = [b'{', b'[', b'(', b'"'][rng.below(4)];
            let at = rng.below(n + 1);
            d.splice(at..at, std::iter::repeat_n(open, depth));
            (format!("nest {depth} x {}", open as char), d)
        }
        5 => {
            // The same text as UTF-16LE without a BOM, or with a stray BOM.
            let mut u: Vec<u8> = Vec::new();
            if rng.below(2) == 0 {
                u.extend([0xFF, 0xFE]);
            }
            u.extend(
                String::from_utf8_lossy(&d)
                    .encode_utf16()
                    .flat_map(|c| c.to_le_bytes()),
            );
            if rng.below(2) == 0 && !u.is_empty() {
                u.pop();
            }
            ("utf-16 recode".into(), u)
        }
        _ => {
            let at = rng.below(n + 1);
            let junk: Vec<u8> = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
            d.splice(at..at, junk);
            (format!("insert junk at {at}"), d)
        }
    }
}

#[test]
fn mutated_corpus_never_panics() {
    let files = corpus_files();
    assert!(
        files.len() > 50,
        "expected the shared corpus, found {} files",
        files.len()
    );
    let mut rng = Rng::new(0x5EED_F00D_u64);
    let mut runs = 0;
    for (path, dialect) in &files {
        let data = std::fs::read(path).unwrap();
        for _ in 0..12 {
            let seed = rng.state();
            let (what, bytes) = mutate(&mut rng, &data);
            let input = Input::from_bytes(path.display().to_string(), bytes);
            let result = catch_unwind(AssertUnwindSafe(|| dialect.load(&input)));
            assert!(
                result.is_ok(),
                "{} ({dialect}) panicked after mutation `{what}` (rng state {seed:#x})",
                path.display()
            );
            runs += 1;
        }
    }
    assert!(runs > 600);
}

#[test]
fn binary_and_empty_inputs_are_clear_errors_or_empty() {
    for d in Dialect::ALL {
        for bytes in [
            &b""[..],
            b"\0\0\0\0",
            b"\xff\xfe\x00",
            b"regf\x01\x00\x00\x00garbage",
        ] {
            let input = Input::from_bytes("x", bytes.to_vec());
            let r = catch_unwind(AssertUnwindSafe(|| d.load(&input)));
            assert!(r.is_ok(), "{d} panicked on {bytes:?}");
        }
    }
}

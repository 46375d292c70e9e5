//! Every real Cisco config of `../shared/corpus-real/cisco-{ios,asa,nxos,xr}`
//! loads, and its parse findings are exactly the expected ones listed in
//! `tests/expect/cisco-corpus.txt` (constructs genuinely not modelled, or
//! genuinely invalid lines, each named). Then a robustness loop: truncations
//! and byte flips of every file never panic.

use fwlint::dialect::Dialect;
use fwlint::model::IssueLevel;
use fwlint::read::Input;
use std::collections::BTreeMap;
use std::path::PathBuf;

const DIRS: [(&str, Dialect); 4] = [
    ("cisco-ios", Dialect::CiscoIos),
    ("cisco-asa", Dialect::CiscoAsa),
    ("cisco-nxos", Dialect::CiscoNxos),
    ("cisco-xr", Dialect::CiscoXr),
];

fn files() -> Vec<(PathBuf, Dialect)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus-real");
    let mut out = Vec::new();
    for (d, dialect) in DIRS {
        let dir = PathBuf::from(root).join(d);
        let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        out.extend(v.into_iter().map(|p| (p, dialect)));
    }
    out
}

/// One expectation line per error finding: `FILE:LINE: MESSAGE`, and one per
/// warning kind: `FILE:warn: MESSAGE-PREFIX` (counted).
fn findings() -> BTreeMap<String, usize> {
    let mut got = BTreeMap::new();
    for (path, dialect) in files() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let input = Input::read(&path).unwrap();
        let rs = dialect
            .load(&input)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for i in &rs.issues {
            let key = match i.level {
                IssueLevel::Error => format!("{name}:{}: error: {}", i.origin.line, i.message),
                _ => {
                    let m: String = i.message.split('`').take(2).collect::<Vec<_>>().join("`");
                    format!("{name}: warning: {m}`")
                }
            };
            *got.entry(key).or_default() += 1;
        }
    }
    got
}

#[test]
fn real_configs_have_exactly_the_expected_findings() {
    let got = findings();
    let rendered: String = got.iter().map(|(k, n)| format!("{n} {k}\n")).collect();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/expect/cisco-corpus.txt");
    if std::env::var_os("FWLINT_BLESS").is_some() {
        std::fs::write(path, &rendered).unwrap();
    }
    let want = std::fs::read_to_string(path).expect("tests/expect/cisco-corpus.txt");
    assert_eq!(rendered, want, "findings differ from tests/expect/cisco-corpus.txt (FWLINT_BLESS=1 rewrites it after review)");
}

#[test]
fn truncations_and_byte_flips_never_panic() {
    for (path, dialect) in files() {
        let bytes = std::fs::read(&path).unwrap();
        let n = bytes.len();
        let mut seed: u64 = n as u64 ^ 0x9e3779b97f4a7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        // Large files get fewer cuts so the loop stays fast.
        let rounds = if n > 100_000 { 3 } else { 24 };
        for _ in 0..rounds {
            let cut = (next() as usize) % (n + 1);
            let _ = dialect.load(&Input::from_bytes("cut", bytes[..cut].to_vec()));
            let mut flipped = bytes.clone();
            for _ in 0..8 {
                if n > 0 {
                    let at = (next() as usize) % n;
                    flipped[at] = (next() & 0xff) as u8;
                }
            }
            let _ = dialect.load(&Input::from_bytes("flip", flipped));
        }
    }
}

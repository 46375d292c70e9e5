//! Every real nftables ruleset in `../shared/corpus-real/nft/` parses without
//! panic, and produces exactly the parse findings recorded in
//! `tests/expect/nft_corpus.txt` (so regressions show). Files that the real
//! `nft -c -f` accepts (recorded once per file in the same expectation file,
//! determined inside a throwaway network namespace) must produce no
//! error-level finding: their warnings each name the unmodelled construct.
//!
//! Re-record after an intended change: `FWLINT_BLESS=1 cargo test --test nft_corpus`.

use fwlint::model::IssueLevel;
use fwlint::read::Input;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus-real/nft");
const EXPECT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/expect/nft_corpus.txt");

fn files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .unwrap_or_else(|e| panic!("corpus {CORPUS} missing: {e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

/// The findings of one file, one line each: `LEVEL LINE: MESSAGE`.
fn findings(path: &Path) -> Vec<String> {
    let input = Input::read(path).expect("readable");
    let rs = fwlint::dialect::nft::load_text(&input).expect("loads");
    rs.issues
        .iter()
        .filter(|i| i.level != IssueLevel::Note)
        .map(|i| {
            let lvl = match i.level {
                IssueLevel::Error => "error",
                IssueLevel::Warning => "warning",
                IssueLevel::Note => "note",
            };
            format!("{lvl} {}: {}", i.origin.line, i.message)
        })
        .collect()
}

/// Expectation file: `FILE<TAB>accepted|rejected` then `FILE<TAB>FINDING` lines.
fn read_expect() -> (BTreeMap<String, String>, BTreeMap<String, Vec<String>>) {
    let text = std::fs::read_to_string(EXPECT).unwrap_or_default();
    let mut status = BTreeMap::new();
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let Some((f, rest)) = line.split_once('\t') else {
            continue;
        };
        if rest == "accepted" || rest == "rejected" {
            status.insert(f.to_string(), rest.to_string());
            found.entry(f.to_string()).or_default();
        } else {
            found
                .entry(f.to_string())
                .or_default()
                .push(rest.to_string());
        }
    }
    (status, found)
}

#[test]
fn corpus_parses_with_the_recorded_findings() {
    let (status, expect) = read_expect();
    let files = files();
    assert!(files.len() >= 80, "corpus has {} files", files.len());
    let mut out = String::from(
        "# nft corpus expectations: FILE<TAB>accepted|rejected (by `nft -c -f` in a netns),\n\
         # then one FILE<TAB>LEVEL LINE: MESSAGE per error/warning finding.\n",
    );
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let got = findings(path);
        let st = status
            .get(&name)
            .cloned()
            .unwrap_or_else(|| "unknown".into());
        out.push_str(&format!("{name}\t{st}\n"));
        for g in &got {
            out.push_str(&format!("{name}\t{g}\n"));
        }
        if st == "accepted" {
            for g in got.iter().filter(|g| g.starts_with("error")) {
                failures.push(format!("{name}: nft accepts it but fwlint says {g}"));
            }
            for g in got.iter().filter(|g| g.starts_with("warning")) {
                // A warning must name the construct it could not model.
                if !(g.contains('\'') || g.contains("queue") || g.contains('@')) {
                    failures.push(format!("{name}: warning names no construct: {g}"));
                }
            }
        }
        if st == "unknown" {
            failures.push(format!("{name}: no nft -c status recorded"));
        }
        match expect.get(&name) {
            Some(e) if *e == got => {}
            Some(e) => failures.push(format!(
                "{name}: findings changed\n  expected: {e:#?}\n  got: {got:#?}"
            )),
            None => failures.push(format!("{name}: not in the expectation file")),
        }
    }
    if std::env::var_os("FWLINT_BLESS").is_some() {
        std::fs::write(EXPECT, out).expect("write expectations");
        return;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_modelled_corpus_file_has_the_three_standard_hooks() {
    for path in files() {
        let input = Input::read(&path).unwrap();
        let rs = fwlint::dialect::nft::load_text(&input).unwrap();
        for hook in ["input", "forward", "output"] {
            assert!(
                rs.filter(hook).is_some(),
                "{}: no {hook} filter",
                path.display()
            );
        }
    }
}

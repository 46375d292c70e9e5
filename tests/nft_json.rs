//! The `nft -j` reader against the text reader.
//!
//! - Every JSON document of `../shared/corpus-real/nft-json` is read without a
//!   fatal error, and no statement is dropped (every rule keeps its statements).
//! - Each text/JSON pair of the corpus (same stem in `nft/` and `nft-json/`) loads
//!   into the same normalized rule set: filters, rules' matches and effects
//!   (origins aside).
//! - Random rulesets (tests/oracle/nft_gen.rs) are loaded into the kernel and
//!   dumped with `nft -j list ruleset`; fwlint must answer the same verdicts from
//!   the dump as from the text, on the same packets.

#[path = "oracle/nft_gen.rs"]
mod nft_gen;
#[path = "oracle/nft_run.rs"]
mod nft_run;
#[path = "common/rng.rs"]
mod rng;

use fwlint::dialect::nft::json;
use fwlint::model::SourceFile;
use std::path::{Path, PathBuf};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus-real");

fn files(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(Path::new(CORPUS).join(dir))
        .unwrap_or_else(|e| panic!("cannot read {CORPUS}/{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    v.sort();
    v
}

#[test]
fn every_corpus_json_document_is_read() {
    let mut bad = Vec::new();
    let mut rules = 0;
    let docs = files("nft-json");
    assert!(
        docs.len() >= 20,
        "expected the nft-json corpus, found {} files",
        docs.len()
    );
    for f in &docs {
        let text = std::fs::read_to_string(f).unwrap();
        if !text.contains("\"nftables\"") {
            continue; // a text ruleset filed among the JSON ones
        }
        let file = SourceFile::new(f.display().to_string(), text);
        let arena = fwlint::dialect::nft::ast::Arena::new();
        match json::parse(&arena, &file) {
            Ok(rs) => {
                for c in &rs.commands {
                    if let fwlint::dialect::nft::ast::Command::Rule { rule, .. } = c {
                        rules += 1;
                        assert!(
                            rs.origin(rule.loc).text().contains("\"rule\""),
                            "{}: rule origin",
                            f.display()
                        );
                    }
                }
                for i in &rs.issues {
                    if i.level == fwlint::dialect::nft::ast::Level::Error {
                        bad.push(format!("{}:{}: {}", f.display(), i.origin.line, i.message));
                    }
                }
            }
            Err(e) => bad.push(format!("{}: {}", f.display(), e.message)),
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(rules > 50, "only {rules} rules read from the corpus");
}

/// A rule set reduced to what it decides: per filter, the base chains (chain,
/// priority, policy, family) and every chain's rules as (matches, effect).
/// Origins, labels and notes are left out, and the text of opaque conditions too
/// (the JSON and the text spell them differently).
fn normalized(rs: &fwlint::model::RuleSet) -> serde_json::Value {
    use fwlint::model::FilterBody;
    use serde_json::json;
    fn rules(rs: &[fwlint::model::Rule]) -> serde_json::Value {
        let mut v = json!(rs
            .iter()
            .map(|r| json!({"matches": r.matches, "effect": r.effect, "enabled": r.enabled}))
            .collect::<Vec<_>>());
        blank_opaque(&mut v);
        v
    }
    let filters: Vec<serde_json::Value> = rs
        .filters
        .iter()
        .map(|f| {
            let body = match &f.body {
                FilterBody::FirstMatch(fm) => json!({"rules": rules(&fm.rules), "default": fm.default}),
                FilterBody::Pipeline(p) => json!({
                    "chains": p.chains.iter().map(|c| json!({"name": c.name, "rules": rules(&c.rules)})).collect::<Vec<_>>(),
                    "base": p.base.iter().map(|b| json!({"chain": b.chain, "priority": b.priority, "policy": b.policy, "family": b.family})).collect::<Vec<_>>(),
                }),
            };
            json!({"name": f.name, "body": body})
        })
        .collect();
    json!(filters)
}

fn blank_opaque(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(w) = m.get_mut("what") {
                *w = serde_json::Value::Null;
            }
            m.values_mut().for_each(blank_opaque);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(blank_opaque),
        _ => {}
    }
}

fn load(path: &Path, d: fwlint::dialect::Dialect) -> Result<fwlint::model::RuleSet, String> {
    let input = fwlint::read::Input::read(path).map_err(|e| e.message)?;
    d.load(&input)
        .map_err(|e| format!("{}: {}", path.display(), e.message))
}

/// `stem` of a corpus file name: without `.nft`, `.json-nft`, `.json`.
fn stem(p: &Path) -> String {
    let n = p.file_name().unwrap().to_string_lossy().to_string();
    for ext in [".json-nft", ".nft", ".json"] {
        if let Some(s) = n.strip_suffix(ext) {
            return s.to_string();
        }
    }
    n
}

#[test]
fn corpus_text_and_json_pairs_agree() {
    use fwlint::dialect::Dialect;
    let texts = files("nft");
    let jsons = files("nft-json");
    let mut pairs = 0;
    let mut bad = Vec::new();
    for j in &jsons {
        let Some(t) = texts.iter().find(|t| stem(t) == stem(j)) else {
            continue;
        };
        pairs += 1;
        let (a, b) = match (load(t, Dialect::Nft), load(j, Dialect::NftJson)) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => {
                bad.push(format!(
                    "{}: text {:?} / json {:?}",
                    stem(j),
                    a.err(),
                    b.err()
                ));
                continue;
            }
        };
        let (na, nb) = (normalized(&a), normalized(&b));
        if na != nb {
            bad.push(format!(
                "{}: the text and the JSON differ\ntext: {}\njson: {}",
                stem(j),
                serde_json::to_string(&na).unwrap(),
                serde_json::to_string(&nb).unwrap()
            ));
        }
    }
    assert!(
        pairs >= 10,
        "expected at least 10 text/JSON pairs in the corpus, found {pairs}"
    );
    assert!(
        bad.is_empty(),
        "{} of {pairs} pairs differ:\n{}",
        bad.len(),
        bad.join("\n\n")
    );
}

/// Seeds of the round-trip test (apart from the oracle test's).
const SEED: u64 = 7_000_000;
const CASES: u64 = 24;
const PACKETS: usize = 150;

#[test]
fn kernel_json_dumps_give_the_same_verdicts() {
    use nft_gen::{packets, ruleset, Rng};
    use nft_run::{fwlint as query, kernel, KernelCase};
    let dir = tempfile::tempdir().unwrap();
    let mut kcases = Vec::new();
    for seed in SEED..SEED + CASES {
        let hook = if seed % 4 == 3 { "output" } else { "input" };
        let case = ruleset(seed, hook);
        let mut rng = Rng::new(seed ^ 0x5eed);
        kcases.push(KernelCase {
            id: seed.to_string(),
            ruleset: case.ruleset.clone(),
            path: None,
            hook: hook.into(),
            packets: packets(&case, &mut rng, PACKETS),
            dump_json: true,
        });
    }
    let results = kernel(&kcases, dir.path());
    let mut problems = Vec::new();
    let mut compared = 0;
    for (kc, r) in kcases.iter().zip(&results) {
        let label = format!("seed {} (hook {})", kc.id, kc.hook);
        let (Some(dump), None) = (&r.json_dump, &r.load_error) else {
            problems.push(format!(
                "{label}: the kernel refused the ruleset: {:?}",
                r.load_error
            ));
            continue;
        };
        let tfile = dir.path().join(format!("case{}.nft", kc.id));
        let jfile = dir.path().join(format!("case{}.json", kc.id));
        std::fs::write(&tfile, &kc.ruleset).unwrap();
        std::fs::write(&jfile, dump).unwrap();
        // The reader alone: every rule of the text comes back, with no issue.
        let arena = fwlint::dialect::nft::ast::Arena::new();
        let doc = json::parse(
            &arena,
            &SourceFile::new(jfile.display().to_string(), dump.clone()),
        )
        .unwrap_or_else(|e| {
            panic!(
                "{label}: the kernel's JSON dump is unreadable: {}",
                e.message
            )
        });
        let rules = doc
            .commands
            .iter()
            .filter(|c| matches!(c, fwlint::dialect::nft::ast::Command::Rule { .. }))
            .count();
        let text_rules = kc
            .ruleset
            .lines()
            .filter(|l| l.starts_with("    ") && !l.trim_start().starts_with("type "))
            .count();
        if rules != text_rules || !doc.issues.is_empty() {
            problems.push(format!(
                "{label}: the JSON dump gave {rules} rules (the text has {text_rules}) and issues {:?}",
                doc.issues.iter().map(|i| &i.message).collect::<Vec<_>>()
            ));
        }
        let t = query(&tfile, "nft", &kc.hook, &kc.packets, dir.path());
        let j = query(&jfile, "nft-json", &kc.hook, &kc.packets, dir.path());
        match (t, j) {
            (Ok(t), Ok(j)) => {
                for (((p, a), b), k) in kc.packets.iter().zip(&t).zip(&j).zip(&r.verdicts) {
                    compared += 1;
                    if a.verdict != b.verdict || b.verdict != *k {
                        problems.push(format!(
                            "{label}: `{p}`: kernel {k}, fwlint on the text {} ({}), on the JSON dump {} ({})",
                            a.verdict, a.rule, b.verdict, b.rule
                        ));
                    }
                }
            }
            (t, j) => problems.push(format!("{label}: text: {:?}; json: {:?}", t.err(), j.err())),
        }
        if problems.len() > 40 {
            break;
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) ({compared} packets compared; reproduce with the seed):\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert_eq!(compared, (CASES as usize) * PACKETS);
}

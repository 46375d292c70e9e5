//! `fwlint check` with no topology on every real config in the shared corpus:
//! it must finish, without a panic, for every file, and report something
//! sensible for the files that have known problems.

use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus-real");
    let mut files = Vec::new();
    for dir in [
        "nft",
        "nft-json",
        "cisco-ios",
        "cisco-asa",
        "cisco-nxos",
        "cisco-xr",
        "winfw",
    ] {
        let rd = std::fs::read_dir(root.join(dir)).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (the shared corpus must sit beside the repository)",
                root.display()
            )
        });
        files.extend(rd.filter_map(|e| e.ok().map(|e| e.path())));
    }
    files.sort();
    files
}

#[test]
fn check_finishes_on_every_real_config() {
    let files = corpus();
    assert!(files.len() > 150, "found only {} corpus files", files.len());
    // One process for all files: the checks run on every file, and a panic
    // anywhere fails the run (exit code 101).
    let out = Command::new(env!("CARGO_BIN_EXE_fwlint"))
        .arg("check")
        .args(&files)
        .args(["--format", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Exit 2 is expected: a few corpus files are deliberately invalid for
    // their dialect (Batfish's negative tests); anything else is a bug.
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "{:?}\n{stderr}",
        out.status
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let findings = v["findings"].as_array().unwrap();
    let summary = &v["summary"];
    assert!(
        summary["files"].as_u64().unwrap() as usize >= files.len() - 5,
        "{summary}"
    );
    assert!(summary["rules"].as_u64().unwrap() > 20_000, "{summary}");
    // Every finding names a file, and every finding with a line has a column.
    for f in findings {
        assert!(
            !f["file"].as_str().unwrap().is_empty() || f["kind"] == "parse",
            "{f}"
        );
        if f["line"].as_u64().unwrap() > 0 {
            assert!(f["column"].as_u64().unwrap() > 0, "{f}");
        }
    }
    // The corpus holds every kind of hygiene problem at least once.
    let kinds: std::collections::BTreeSet<&str> = findings
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    for k in ["shadowed", "redundant", "exposure", "parse", "hygiene"] {
        assert!(
            kinds.contains(k),
            "no `{k}` finding in the whole corpus: {kinds:?}"
        );
    }
}

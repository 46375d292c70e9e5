//! Differential test of the four Cisco dialects against aerleon: random
//! seeded policies (address, protocol and port terms) rendered by aerleon's
//! `cisco`, `ciscoasa`, `cisconx` and `ciscoxr` generators, packets biased to
//! the boundaries of their addresses and ports, and the verdict aerleon's
//! `aclcheck` intends for each (first exact match, else deny). `fwlint query`
//! must give the same verdict, with no uncertainty, for every packet.

use std::collections::BTreeMap;
use std::process::Command;

const SEED: u64 = 20261204;
const POLICIES: usize = 40;
const PACKETS: usize = 260;

fn python_has_aerleon() -> bool {
    Command::new("python3")
        .args(["-c", "import aerleon"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

#[test]
fn aerleon_rendered_policies_agree_with_aclcheck() {
    assert!(
        python_has_aerleon(),
        "python3 cannot import aerleon: run scripts/test (it installs the oracles)"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/cisco_aerleon.py");
    let out = Command::new("python3")
        .arg(script)
        .args(["--seed", &SEED.to_string()])
        .args(["--policies", &POLICIES.to_string()])
        .args(["--packets", &PACKETS.to_string()])
        .arg("--out")
        .arg(dir.path())
        .output()
        .expect("run the aerleon driver");
    assert!(
        out.status.success(),
        "aerleon driver failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest: serde_json::Value = serde_json::from_slice(&out.stdout).expect("manifest JSON");
    let policies = manifest.as_array().expect("manifest is a list");
    assert_eq!(policies.len(), POLICIES);

    let mut checked: BTreeMap<String, usize> = BTreeMap::new();
    let mut mismatches: Vec<String> = Vec::new();
    for p in policies {
        let filter = p["filter"].as_str().unwrap();
        let packets = p["packets"].as_str().unwrap();
        let lines: Vec<&str> = p["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let want: Vec<&str> = p["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for (dialect, file) in p["files"].as_object().unwrap() {
            let file = file.as_str().unwrap();
            let q = Command::new(env!("CARGO_BIN_EXE_fwlint"))
                .args(["query", file, "--dialect", dialect, "--filter", filter])
                .args(["--packets", packets, "--format", "json"])
                .output()
                .expect("run fwlint query");
            assert!(
                q.status.success(),
                "fwlint query {file} failed: {}",
                String::from_utf8_lossy(&q.stderr)
            );
            let answers: serde_json::Value = serde_json::from_slice(&q.stdout).expect("query JSON");
            let answers = answers.as_array().expect("answers list");
            assert_eq!(answers.len(), lines.len(), "{file}: one answer per packet");
            for ((a, w), line) in answers.iter().zip(&want).zip(&lines) {
                *checked.entry(dialect.clone()).or_default() += 1;
                let got = a["verdict"].as_str().unwrap();
                if got != *w || a.get("uncertain").is_some() {
                    mismatches.push(format!(
                        "{dialect} {file}: `{line}`: aclcheck says {w}, fwlint says {got} by {}{}",
                        a["rule"],
                        if a.get("uncertain").is_some() {
                            " (uncertain)"
                        } else {
                            ""
                        }
                    ));
                }
            }
        }
    }
    for d in ["cisco-ios", "cisco-asa", "cisco-nxos", "cisco-xr"] {
        let n = checked.get(d).copied().unwrap_or(0);
        assert!(n >= 10_000, "{d}: only {n} packets checked");
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches, first ones:\n{}",
        mismatches.len(),
        mismatches
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

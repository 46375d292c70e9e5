//! Differential test of the four Cisco dialects against aerleon: random
//! seeded IPv4, IPv6 and mixed policies (address, protocol and port terms)
//! rendered by aerleon's `cisco`, `ciscoasa`, `cisconx` and `ciscoxr`
//! generators, IPv4 and IPv6 packets biased to the boundaries of their
//! addresses and ports, and the verdict aerleon's `aclcheck` intends for each
//! (first exact match, else deny). `fwlint query` must give the same verdict,
//! with no uncertainty, for every packet.

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
    let runs = manifest.as_array().expect("manifest is a list");
    let policies: std::collections::BTreeSet<u64> =
        runs.iter().map(|r| r["policy"].as_u64().unwrap()).collect();
    assert_eq!(policies.len(), POLICIES);

    // Packets checked per (dialect, family).
    let mut checked: BTreeMap<(String, String), usize> = BTreeMap::new();
    // Mismatches per (dialect, family), to show a few of each kind.
    let mut mismatches: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for run in runs {
        let s = |k: &str| run[k].as_str().unwrap();
        let (dialect, family, file, filter) = (s("dialect"), s("family"), s("file"), s("filter"));
        let lines: Vec<&str> = run["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let want: Vec<&str> = run["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let q = Command::new(env!("CARGO_BIN_EXE_fwlint"))
            .args(["query", file, "--dialect", dialect, "--filter", filter])
            .args(["--packets", s("packets"), "--format", "json"])
            .output()
            .expect("run fwlint query");
        assert!(
            q.status.success(),
            "fwlint query {file} --filter {filter} failed: {}",
            String::from_utf8_lossy(&q.stderr)
        );
        let answers: serde_json::Value = serde_json::from_slice(&q.stdout).expect("query JSON");
        let answers = answers.as_array().expect("answers list");
        assert_eq!(answers.len(), lines.len(), "{file}: one answer per packet");
        for ((a, w), line) in answers.iter().zip(&want).zip(&lines) {
            *checked
                .entry((dialect.to_string(), family.to_string()))
                .or_default() += 1;
            let got = a["verdict"].as_str().unwrap();
            if got != *w || a.get("uncertain").is_some() {
                mismatches.entry((dialect.to_string(), family.to_string())).or_default().push(format!(
                    "{dialect} {file} {filter}: `{line}`: aclcheck says {w}, fwlint says {got} by {}{}",
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
    eprintln!("packets checked per dialect and family: {checked:?}");
    for d in ["cisco-ios", "cisco-asa", "cisco-nxos", "cisco-xr"] {
        let n4 = checked
            .get(&(d.into(), "ipv4".into()))
            .copied()
            .unwrap_or(0);
        let n6 = checked
            .get(&(d.into(), "ipv6".into()))
            .copied()
            .unwrap_or(0);
        assert!(n4 + n6 >= 10_000, "{d}: only {} packets checked", n4 + n6);
        assert!(n6 >= 2_500, "{d}: only {n6} IPv6 packets checked");
        assert!(n4 >= 2_500, "{d}: only {n4} IPv4 packets checked");
    }
    let total: usize = mismatches.values().map(Vec::len).sum();
    assert!(
        total == 0,
        "{total} mismatches; the first ones of each dialect and family:\n{}",
        mismatches
            .iter()
            .flat_map(|(k, v)| {
                std::iter::once(format!("{k:?}: {} mismatches", v.len()))
                    .chain(v.iter().take(6).cloned())
            })
            .collect::<Vec<_>>()
            .join("\n")
    );
}

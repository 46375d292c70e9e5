//! Differential test against aerleon: random allow-only policies rendered by
//! aerleon's `windows_advfirewall` generator (netsh `add rule` lines) and, by
//! `tests/oracle/winfw_aerleon.py`, as a .bat, PowerShell, `show rule` output,
//! JSON and CSV exports, bare rule strings and a UTF-16LE `.reg` file. Every
//! form must give, for every packet, the verdict aerleon's `aclcheck` gives
//! (first exact match → allow, else the default inbound block).

use std::path::Path;
use std::process::Command;

const FORMS: [&str; 8] = ["netsh", "bat", "ps1", "show", "json", "csv", "txt", "reg"];
const POLICIES: usize = 40;
const PACKETS: usize = 250;

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".into())
}

fn generate(dir: &Path, seed: u64) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/winfw_aerleon.py");
    let out = Command::new(python())
        .args([script, dir.to_str().unwrap(), "--seed", &seed.to_string()])
        .args([
            "--policies",
            &POLICIES.to_string(),
            "--packets",
            &PACKETS.to_string(),
        ])
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}); run scripts/test to install the oracle")
        });
    assert!(
        out.status.success(),
        "the aerleon oracle failed (is aerleon installed? run scripts/test):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn aerleon_allow_only_policies_agree_in_every_form() {
    let tmp = tempfile::tempdir().unwrap();
    generate(tmp.path(), 20261204);
    let mut checked = [0usize; FORMS.len()];
    let mut mismatches = Vec::new();
    for p in 0..POLICIES {
        let d = tmp.path().join(format!("p{p:03}"));
        let packets = d.join("packets.txt");
        let expected = std::fs::read_to_string(d.join("expected.txt")).unwrap();
        let expected: Vec<&str> = expected.lines().collect();
        let lines = std::fs::read_to_string(&packets).unwrap();
        let lines: Vec<&str> = lines.lines().collect();
        assert_eq!(expected.len(), PACKETS);
        for (fi, form) in FORMS.iter().enumerate() {
            let cfg = d.join(format!("rules.{form}"));
            let out = Command::new(env!("CARGO_BIN_EXE_fwlint"))
                .arg("query")
                .arg(&cfg)
                .args(["--filter", "in", "--profile", "domain", "--packets"])
                .arg(&packets)
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let got: Vec<&str> = stdout
                .lines()
                .map(|l| l.split('\t').next().unwrap_or(""))
                .collect();
            assert_eq!(
                got.len(),
                expected.len(),
                "{}: fwlint query gave {} answers for {} packets\nstderr: {}",
                cfg.display(),
                got.len(),
                expected.len(),
                String::from_utf8_lossy(&out.stderr)
            );
            for (k, (g, e)) in got.iter().zip(&expected).enumerate() {
                checked[fi] += 1;
                if g != e && mismatches.len() < 20 {
                    mismatches.push(format!(
                        "{}: `{}`: fwlint {g}, aerleon {e}",
                        cfg.display(),
                        lines[k]
                    ));
                }
            }
        }
    }
    for (fi, n) in checked.iter().enumerate() {
        assert!(*n >= 10_000, "form {} checked only {n} packets", FORMS[fi]);
    }
    assert!(
        mismatches.is_empty(),
        "mismatches:\n{}",
        mismatches.join("\n")
    );
}

//! Real public netsh scripts, PowerShell scripts and CSV exports from
//! `../shared/corpus-real/winfw/`: each reads with no parse finding except the
//! genuinely unmodelled constructs named here, and yields the expected number
//! of rules. Also: truncations and byte flips of every file never panic.

#[path = "common/rng.rs"]
mod rng;

use fwlint::dialect::{self, Dialect};
use fwlint::model::{IssueLevel, RuleSet};
use fwlint::read::Input;
use rng::Rng;
use std::path::{Path, PathBuf};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus-real/winfw");

/// Findings that name constructs fwlint does not model (each a message
/// fragment), by file-name fragment.
const EXPECTED: &[(&str, &[&str])] = &[
    // aerleon output: clean netsh.
    ("aerleon__", &[]),
    (
        "ig-advfirewall-baseline.bat",
        &[
            // `set rule` on built-in Windows rules the script does not add.
            "which this script does not add",
            // The `IF /I "%1"=="-DELETE" ( ... )` block.
            "conditional/loop block not modelled",
            // reg add of values that are not verdict-relevant.
            "registry value outside the firewall profile keys",
            "does not change verdicts",
        ],
    ),
    (
        "metablaster__",
        &[
            // $Direction, $Platform, $PolicyStore ... come from dot-sourced files.
            "is not assigned a literal value in this script",
            // Remove-/Set-/Copy-NetFirewallRule act on rules already on the host.
            "changes rules already on the host",
            "`Get-NetFirewallRule` is not modelled",
            // if/foreach bodies are read as if they run.
            "inside script blocks",
        ],
    ),
    (
        "pdqcom__",
        &[
            // ICMP rows carry a stale `RPC` local port in this export.
            "Windows allows ports only with TCP or UDP",
        ],
    ),
];

fn files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("the shared corpus ../shared/corpus-real/winfw")
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            n.ends_with(".ps1") || n.ends_with(".bat") || n.ends_with(".csv") || n.ends_with(".ref")
        })
        .collect();
    v.sort();
    v
}

fn load(path: &Path) -> (Dialect, RuleSet) {
    let input = Input::read(path).unwrap();
    dialect::load(&input, None).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn corpus_reads_with_only_named_unmodelled_constructs() {
    let files = files();
    assert!(files.len() >= 19, "corpus has {} files", files.len());
    let mut total_rules = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let (d, rs) = load(path);
        assert!(
            matches!(d, Dialect::WinfwNetsh | Dialect::WinfwPs),
            "{name}: detected as {d}"
        );
        let allowed = EXPECTED
            .iter()
            .find(|(k, _)| name.contains(k))
            .map(|(_, a)| *a)
            .unwrap_or_else(|| panic!("{name}: no expectation listed"));
        for i in &rs.issues {
            assert!(
                i.level != IssueLevel::Error,
                "{name}: error {:?} at {:?}",
                i.message,
                i.origin
            );
            assert!(
                allowed.iter().any(|a| i.message.contains(a)),
                "{name}: unexpected finding {:?}: {} at {:?}",
                i.level,
                i.message,
                i.origin
            );
        }
        let n: usize = rs.filters.iter().map(|f| f.rules().count()).sum();
        // Every file but the .bat (which only changes built-in rules) has rules.
        if !name.ends_with(".bat") {
            assert!(n > 0, "{name}: no rules");
        }
        total_rules += n;
    }
    assert!(total_rules > 1500, "only {total_rules} rules read");
}

#[test]
fn corpus_rule_counts_and_origins() {
    // pdqcom: 412 rows; each applies to its profiles in its direction.
    let path = PathBuf::from(CORPUS).join("pdqcom__PowerShell-Scanners__FirewallRules.csv");
    let (_, rs) = load(&path);
    let mut rows = std::collections::BTreeSet::new();
    for f in &rs.filters {
        for r in f.rules() {
            // Every rule's origin is its whole CSV row, starting with the quoted Name.
            assert!(r.origin.text().starts_with('"'), "{:?}", r.origin);
            assert!(r.origin.text().ends_with("\"False\""), "{:?}", r.origin);
            rows.insert(r.origin.line);
        }
    }
    assert_eq!(rows.len(), 412);
    let disabled = rs
        .filters
        .iter()
        .flat_map(|f| f.rules())
        .filter(|r| !r.enabled)
        .map(|r| r.origin.line)
        .collect::<std::collections::BTreeSet<_>>();
    assert_eq!(disabled.len(), 32);

    // metablaster IPv4 inbound ICMP: 15 New-NetFirewallRule commands, the
    // origin of each is the whole command (starting at `New-NetFirewallRule`).
    let path = PathBuf::from(CORPUS)
        .join("metablaster__WindowsFirewallRuleset__Rules__IPv4__Inbound__ICMP.ps1");
    let (_, rs) = load(&path);
    let cmds: std::collections::BTreeSet<u32> = rs
        .filters
        .iter()
        .flat_map(|f| f.rules())
        .inspect(|r| {
            assert!(
                r.origin.text().starts_with("New-NetFirewallRule"),
                "{:?}",
                r.origin
            )
        })
        .map(|r| r.origin.line)
        .collect();
    assert_eq!(cmds.len(), 15);
}

#[test]
fn truncations_and_byte_flips_never_panic() {
    let mut rng = Rng::new(1);
    for path in files() {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let dialects = [Dialect::WinfwNetsh, Dialect::WinfwPs];
        for k in 0..24 {
            let mut b = bytes.clone();
            if k % 2 == 0 {
                let cut = rng.below(b.len() + 1);
                b.truncate(cut);
            } else {
                for _ in 0..1 + k / 4 {
                    if b.is_empty() {
                        break;
                    }
                    let i = rng.below(b.len());
                    b[i] = rng.next() as u8;
                }
            }
            let input = Input::from_bytes(format!("{name}#{k}"), b);
            for d in dialects {
                // Errors are fine; panics are not.
                let _ = d.load(&input);
            }
        }
    }
    // Pathological inputs: deep nesting, unterminated quotes and comments, huge lines.
    let cases: Vec<Vec<u8>> = vec![
        "@(".repeat(50_000).into_bytes(),
        "New-NetFirewallRule -DisplayName \""
            .repeat(1000)
            .into_bytes(),
        "<# never closed".into(),
        format!(
            "netsh advfirewall firewall add rule name={} dir=in action=allow",
            "x".repeat(1 << 20)
        )
        .into_bytes(),
        "IF x (\r\n".repeat(10_000).into_bytes(),
        "Rule Name: a\nProtocol: ICMPv4\n   8 Any\n"
            .repeat(1000)
            .into_bytes(),
        "[{\"Direction\": {\"value\": [[[[[[1]]]]]]}}]".into(),
        "\"DisplayName\";\"Direction\"\n\"a\";\"1\";\"extra\";\"cells\"\n\"unterminated".into(),
        "$a = $a\n$b = \"$b$b$b\"\nNew-NetFirewallRule -DisplayName $b @a -LocalPort $a.x[0]"
            .into(),
    ];
    for (k, b) in cases.into_iter().enumerate() {
        let input = Input::from_bytes(format!("case{k}"), b);
        for d in [Dialect::WinfwNetsh, Dialect::WinfwPs] {
            let _ = d.load(&input);
        }
    }
}

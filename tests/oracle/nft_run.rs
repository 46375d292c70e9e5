//! Running the two sides of the nftables differential tests: the kernel (through
//! `tests/oracle/nft_kernel.py`) and `fwlint query`.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const HARNESS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/nft_kernel.py");
pub const FWLINT: &str = env!("CARGO_BIN_EXE_fwlint");

/// Fail (never skip) when the oracle cannot run here.
pub fn require_oracle() {
    require_tools(
        &["nft", "ip", "python3"],
        "the nftables kernel oracle",
        "run scripts/test (it runs scripts/install/nftjson.sh)",
    );
}

/// Fail (never skip) when one of `tools` is missing: `who` needs them, `fix`
/// says how to get them.
pub fn require_tools(tools: &[&str], who: &str, fix: &str) {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|t| {
            Command::new("sh")
                .arg("-c")
                .arg(format!("command -v {t}"))
                .output()
                .map(|o| !o.status.success())
                .unwrap_or(true)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "{who} needs {}: {fix}",
        missing.join(", ")
    );
}

/// One case for the kernel.
pub struct KernelCase {
    pub id: String,
    pub ruleset: String,
    /// Load this file in place instead of `ruleset` (for includes).
    pub path: Option<String>,
    pub hook: String,
    pub packets: Vec<String>,
    pub dump_json: bool,
}

/// The kernel's answer to one case.
pub struct KernelResult {
    pub load_error: Option<String>,
    pub verdicts: Vec<String>,
    pub json_dump: Option<String>,
    /// Forward only: the router interface each probe came in on and was routed
    /// to (`None` for a probe dropped before routing).
    pub iif: Vec<String>,
    pub oif: Vec<Option<String>>,
}

/// Run every case in one harness process (one namespace set-up).
pub fn kernel(cases: &[KernelCase], dir: &Path) -> Vec<KernelResult> {
    require_oracle();
    let job = json!({"cases": cases.iter().map(|c| json!({
        "id": c.id, "ruleset": c.ruleset, "path": c.path, "hook": c.hook, "packets": c.packets, "dump_json": c.dump_json,
    })).collect::<Vec<_>>()});
    let job_path = dir.join("job.json");
    std::fs::write(&job_path, job.to_string()).unwrap();
    let out = Command::new("python3")
        .arg(HARNESS)
        .arg("--job")
        .arg(&job_path)
        .output()
        .expect("cannot run python3");
    assert!(
        out.status.success(),
        "the nftables kernel oracle failed (it must run as root with nft and ip installed; \
         run scripts/test): {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("oracle output is JSON");
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| KernelResult {
            load_error: r["load_error"].as_str().map(str::to_string),
            verdicts: r["verdicts"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|x| x.as_str().unwrap_or("?").to_string())
                        .collect()
                })
                .unwrap_or_default(),
            json_dump: r["json_dump"].as_str().map(str::to_string),
            iif: r["iif"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|x| x.as_str().unwrap_or("?").to_string())
                        .collect()
                })
                .unwrap_or_default(),
            oif: r["oif"]
                .as_array()
                .map(|a| a.iter().map(|x| x.as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
        })
        .collect()
}

/// fwlint's answer for one packet.
pub struct FwAnswer {
    pub verdict: String,
    pub rule: String,
    pub uncertain: Option<String>,
}

/// `fwlint query CONFIG --dialect D --filter HOOK --packets FILE --format json`.
/// The packet file is written into `scratch`.
pub fn fwlint(
    config: &Path,
    dialect: &str,
    hook: &str,
    packets: &[String],
    scratch: &Path,
) -> Result<Vec<FwAnswer>, String> {
    fwlint_on(config, dialect, hook, packets, None, None, scratch)
}

/// `fwlint query` on the forward hook: each probe with the interfaces the kernel
/// used (`--iif`/`--oif`), one fwlint run per interface pair, answers in order.
pub fn fwlint_forward(
    config: &Path,
    dialect: &str,
    packets: &[String],
    iif: &[String],
    oif: &[Option<String>],
    scratch: &Path,
) -> Result<Vec<FwAnswer>, String> {
    if iif.len() != packets.len() || oif.len() != packets.len() {
        return Err(format!(
            "the kernel reported interfaces for {}/{} of {} packets",
            iif.len(),
            oif.len(),
            packets.len()
        ));
    }
    // (input interface, output interface) -> indices of its packets, in order.
    type Pair<'a> = (&'a str, Option<&'a str>);
    let mut groups: Vec<(Pair, Vec<usize>)> = Vec::new();
    for (i, (a, b)) in iif.iter().zip(oif).enumerate() {
        let key = (a.as_str(), b.as_deref());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    let mut answers: Vec<Option<FwAnswer>> = packets.iter().map(|_| None).collect();
    for ((a, b), idx) in groups {
        let pk: Vec<String> = idx.iter().map(|&i| packets[i].clone()).collect();
        let got = fwlint_on(config, dialect, "forward", &pk, Some(a), b, scratch)?;
        for (i, ans) in idx.into_iter().zip(got) {
            answers[i] = Some(ans);
        }
    }
    Ok(answers.into_iter().map(|a| a.expect("answered")).collect())
}

/// `fwlint query`, optionally with `--iif`/`--oif`.
pub fn fwlint_on(
    config: &Path,
    dialect: &str,
    hook: &str,
    packets: &[String],
    iif: Option<&str>,
    oif: Option<&str>,
    scratch: &Path,
) -> Result<Vec<FwAnswer>, String> {
    let stem = config
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or("config");
    let pfile: PathBuf = scratch.join(format!(
        "{stem}.{hook}.{}.{}.packets",
        iif.unwrap_or("-"),
        oif.unwrap_or("-")
    ));
    std::fs::write(&pfile, packets.join("\n") + "\n").unwrap();
    let mut cmd = Command::new(FWLINT);
    cmd.arg("query").arg(config).args([
        "--dialect",
        dialect,
        "--filter",
        hook,
        "--format",
        "json",
        "--packets",
    ]);
    cmd.arg(&pfile);
    if let Some(i) = iif {
        cmd.args(["--iif", i]);
    }
    if let Some(o) = oif {
        cmd.args(["--oif", o]);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run fwlint: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let head: Vec<&str> = err.lines().take(4).collect();
        return Err(format!(
            "fwlint query failed ({}): {}",
            out.status,
            head.join(" | ")
        ));
    }
    let v: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("fwlint output is not JSON: {e}"))?;
    let arr = v.as_array().ok_or("fwlint output is not an array")?;
    if arr.len() != packets.len() {
        return Err(format!(
            "fwlint answered {} of {} packets",
            arr.len(),
            packets.len()
        ));
    }
    Ok(arr
        .iter()
        .map(|a| FwAnswer {
            verdict: a["verdict"].as_str().unwrap_or("?").to_string(),
            rule: match &a["rule"] {
                Value::Null => "default (policy)".to_string(),
                r => format!(
                    "line {}: {}",
                    r["line"],
                    r["text"].as_str().unwrap_or_default()
                ),
            },
            uncertain: a.get("uncertain").map(|u| u.to_string()),
        })
        .collect())
}

/// Compare the kernel's verdicts with fwlint's; a report of every difference.
pub fn compare(
    label: &str,
    ruleset: &str,
    packets: &[String],
    kernel: &[String],
    fw: &[FwAnswer],
) -> Vec<String> {
    let mut out = Vec::new();
    for ((p, k), f) in packets.iter().zip(kernel).zip(fw) {
        if *k != f.verdict || f.uncertain.is_some() {
            out.push(format!(
                "{label}: packet `{p}`: kernel {k}, fwlint {} (deciding rule: {}){}",
                f.verdict,
                f.rule,
                f.uncertain
                    .as_deref()
                    .map(|u| format!(" uncertain: {u}"))
                    .unwrap_or_default()
            ));
        }
    }
    if !out.is_empty() {
        out.insert(0, format!("{label}: ruleset:\n{ruleset}"));
    }
    out
}

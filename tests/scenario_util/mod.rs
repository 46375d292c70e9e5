//! Shared helpers of the scenario tests: run `fwlint check --topology T
//! --format json` and read its findings.
#![allow(dead_code)]

use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// One finding as the JSON contract gives it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct F {
    pub kind: String,
    pub code: String,
    pub file: String,
    pub line: u64,
    /// `from → to proto/ports` of the flow, when the finding names one.
    pub flow: Option<(String, String, String, String)>,
}

impl F {
    pub fn flow_str(&self) -> String {
        match &self.flow {
            Some((a, b, p, ports)) => format!("{a} -> {b} {p}/{ports}"),
            None => "-".into(),
        }
    }
}

/// Run the checker on a topology; returns the findings (exit 0 or 1 only).
pub fn check(topology: &Path) -> Vec<F> {
    let out = Command::new(env!("CARGO_BIN_EXE_fwlint"))
        .args(["check", "--topology"])
        .arg(topology)
        .args(["--format", "json", "--fail-on", "never"])
        .output()
        .expect("run fwlint");
    assert!(
        out.status.code() == Some(0),
        "fwlint check --topology {} failed: {:?}\n{}",
        topology.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    v["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| F {
            kind: f["kind"].as_str().unwrap_or_default().to_string(),
            code: f["code"].as_str().unwrap_or_default().to_string(),
            file: f["file"].as_str().unwrap_or_default().to_string(),
            line: f["line"].as_u64().unwrap_or(0),
            flow: f["flow"].as_object().map(|fl| {
                let s = |k: &str| fl[k].as_str().unwrap_or_default().to_string();
                (s("from"), s("to"), s("protocol"), s("ports"))
            }),
        })
        .collect()
}

/// The findings of the flow kinds (missing, overbroad, unneeded).
pub fn flow_kinds(fs: &[F]) -> Vec<F> {
    fs.iter()
        .filter(|f| matches!(f.kind.as_str(), "missing" | "overbroad" | "unneeded"))
        .cloned()
        .collect()
}

pub fn show(fs: &[F]) -> String {
    fs.iter()
        .map(|f| {
            format!(
                "  {} {} {}:{} {}",
                f.kind,
                f.code,
                f.file,
                f.line,
                f.flow_str()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

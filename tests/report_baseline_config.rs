//! `--baseline`, `--config` (fwlint.toml) and the exit codes of `fwlint
//! check` with `--fail-on`. The CLI tests use a file holding a NUL byte, which
//! every build reports as FW001 unreadable-input whatever dialects exist.

use fwlint::baseline::Baseline;
use fwlint::check::lookup;
use fwlint::finding::{Finding, Severity};
use fwlint::model::SourceFile;
use fwlint::report::{self, Summary};
use fwlint::settings::Settings;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const RULES: &str = "tcp dport 22 accept\nudp dport 53 accept\nmeta mark 0x1 accept\n";

/// One FW003 finding per line of `text` (after `prefix` lines), at the rule.
fn findings(prefix: &str, text: &str) -> Vec<Finding> {
    let full = format!("{prefix}{text}");
    let file = SourceFile::new("fw/edge.nft", full.clone());
    let info = lookup("FW003").unwrap();
    let skip = prefix.lines().count() as u32;
    (1..=text.lines().count() as u32)
        .map(|i| {
            let o = file.line_origin(skip + i);
            Finding::new(info, format!("construct on `{}`", o.text().trim())).at_rule(&o)
        })
        .collect()
}

fn baseline_of(fs: &[Finding]) -> Baseline {
    let json = report::json::render(fs, &Summary::default());
    Baseline::from_json(&json).unwrap()
}

#[test]
fn baseline_suppression_survives_line_shifts() {
    let b = baseline_of(&findings("", RULES));
    assert_eq!(b.len, 3);
    let shifted = findings("# a comment\n\n# and another\n", RULES);
    assert_eq!(shifted[0].line(), 4);
    let (kept, suppressed) = b.filter(shifted);
    assert!(kept.is_empty(), "{kept:?}");
    assert_eq!(suppressed, 3);
}

#[test]
fn baseline_reports_new_and_duplicated_rules() {
    let b = baseline_of(&findings("", RULES));
    // Reindented (whitespace differs) still matches; a new rule and a second
    // copy of a baselined rule are reported.
    let now = "tcp   dport 22   accept\nudp dport 53 accept\nmeta mark 0x1 accept\ntcp dport 23 accept\nudp dport 53 accept\n";
    let (kept, suppressed) = b.filter(findings("", now));
    assert_eq!(suppressed, 3);
    let lines: Vec<u32> = kept.iter().map(|f| f.line()).collect();
    assert_eq!(lines, [4, 5]);
    // Another file is another finding.
    let mut elsewhere = findings("", RULES);
    for f in &mut elsewhere {
        f.rule.as_mut().unwrap().file = "fw/other.nft".into();
        f.origin = None;
        f.file = Some("fw/other.nft".into());
    }
    let (kept, suppressed) = b.filter(elsewhere);
    assert_eq!((kept.len(), suppressed), (3, 0));
}

#[test]
fn baseline_rejects_what_is_not_a_report() {
    assert!(Baseline::from_json("{")
        .unwrap_err()
        .contains("not a JSON report"));
    assert!(Baseline::from_json("{\"x\": 1}")
        .unwrap_err()
        .contains("findings"));
    assert!(Baseline::from_json("[{\"file\": \"a\"}]")
        .unwrap_err()
        .contains("no `code`"));
    assert_eq!(Baseline::from_json("[]").unwrap().len, 0);
}

#[test]
fn config_ignores_and_overrides_severity() {
    let s = Settings::parse(
        "ignore = [\"syntax-error\"]\n[per-path-ignores]\n\"legacy/**\" = [\"FW003\"]\n\"*.old\" = [\"FW001\"]\n[severity]\nfw003 = \"note\"\n",
    )
    .unwrap();
    let ff = |code: &str, file: &str| Finding::new(lookup(code).unwrap(), "m").in_file(file);
    let input = vec![
        ff("FW002", "a.nft"),
        ff("FW003", "legacy/x/a.nft"),
        ff("FW003", "a.nft"),
        ff("FW001", "deep/dir/b.old"),
        ff("FW001", "b.nft"),
    ];
    let (kept, ignored) = s.apply(input);
    assert_eq!(ignored, 3);
    let got: Vec<(&str, &str, Severity)> = kept
        .iter()
        .map(|f| (f.code, f.file_name(), f.severity))
        .collect();
    assert_eq!(
        got,
        [
            ("FW003", "a.nft", Severity::Note),
            ("FW001", "b.nft", Severity::Error)
        ]
    );
}

#[test]
fn config_errors_name_the_span() {
    let text = "fail-on = \"sometimes\"\n";
    let e = Settings::parse(text).unwrap_err();
    assert_eq!(&text[e.span.clone().unwrap()], "\"sometimes\"");
    assert!(e.message.contains("expected error, warning, note or never"));
    let text = "ignore = [\"FW001\", \"no-such-check\"]\n";
    let e = Settings::parse(text).unwrap_err();
    assert_eq!(&text[e.span.clone().unwrap()], "\"no-such-check\"");
    let text = "[per-path-ignores]\n\"a[\" = [\"FW001\"]\n";
    let e = Settings::parse(text).unwrap_err();
    assert!(e.message.starts_with("bad glob"), "{}", e.message);
    let text = "[severty]\nFW001 = \"note\"\n";
    let e = Settings::parse(text).unwrap_err();
    assert!(e.message.contains("unknown key `severty`"), "{}", e.message);
    assert_eq!(
        e.render("f.toml", text).lines().next().unwrap(),
        format!("f.toml:1:2: {}", e.message)
    );
}

// ------------------------------------------------------------------ CLI

fn fwlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fwlint"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// A temp dir with `bin.conf` (holds a NUL: FW001) and `sub/bin2.conf`.
fn workdir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("bin.conf"), b"abc\0def\n").unwrap();
    std::fs::create_dir(d.path().join("sub")).unwrap();
    std::fs::write(d.path().join("sub/bin2.conf"), b"\0\0\0").unwrap();
    d
}

#[test]
fn exit_codes_with_fail_on() {
    let d = workdir();
    // A named unreadable file: exit 2 whatever --fail-on says, with the report written.
    for fail_on in ["error", "warning", "note", "never"] {
        let o = fwlint(
            d.path(),
            &[
                "check",
                "bin.conf",
                "--format",
                "json",
                "--fail-on",
                fail_on,
            ],
        );
        assert_eq!(o.status.code(), Some(2), "--fail-on {fail_on}");
        let v = json_of(&o);
        assert_eq!(v["findings"][0]["code"], "FW001");
    }
    // A directory whose files no dialect recognises: nothing to report, exit 0.
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("notes.txt"), b"\0binary\0").unwrap();
    for fail_on in ["error", "warning", "note", "never"] {
        let o = fwlint(
            empty.path(),
            &["check", ".", "--format", "junit", "--fail-on", fail_on],
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "--fail-on {fail_on}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(String::from_utf8_lossy(&o.stdout).contains("failures=\"0\""));
    }
    // A bad --fail-on value is a usage error.
    let o = fwlint(d.path(), &["check", "bin.conf", "--fail-on", "sometimes"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn every_format_runs_from_the_cli() {
    let d = workdir();
    for format in [
        "human", "concise", "json", "sarif", "github", "gitlab", "junit", "markdown", "html",
    ] {
        let out = d.path().join(format!("report.{format}"));
        let o = fwlint(
            d.path(),
            &[
                "check",
                "bin.conf",
                "--format",
                format,
                "--output",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(
            o.status.code(),
            Some(2),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains("FW001"), "{format}: {text}");
        assert!(
            o.stdout.is_empty(),
            "{format}: --output leaves stdout empty"
        );
    }
}

#[test]
fn baseline_from_the_cli() {
    let d = workdir();
    let o = fwlint(
        d.path(),
        &[
            "check",
            "bin.conf",
            "sub/bin2.conf",
            "--format",
            "json",
            "--output",
            "base.json",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let base: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("base.json")).unwrap())
            .unwrap();
    assert_eq!(base["findings"].as_array().unwrap().len(), 2);

    let o = fwlint(
        d.path(),
        &[
            "check",
            "bin.conf",
            "sub/bin2.conf",
            "--format",
            "json",
            "--baseline",
            "base.json",
        ],
    );
    let v = json_of(&o);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    assert_eq!(v["summary"]["suppressed"], 2);
    assert_eq!(v["summary"]["errors"], 0);

    let o = fwlint(d.path(), &["check", "bin.conf", "--baseline", "base.json"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("0 error(s), 0 warning(s), 0 note(s) in 1 file(s), 0 filter(s), 0 rule(s); 1 suppressed by the baseline"), "{text}");
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unreadable input stays exit 2 even when baselined"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("the check is incomplete"));

    // A third unreadable file is new.
    std::fs::write(d.path().join("new.conf"), b"\0").unwrap();
    let o = fwlint(
        d.path(),
        &[
            "check",
            "bin.conf",
            "new.conf",
            "--format",
            "json",
            "--baseline",
            "base.json",
        ],
    );
    let v = json_of(&o);
    let files: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["new.conf"]);
    assert_eq!(v["summary"]["suppressed"], 1);

    // A missing or malformed baseline stops the run.
    let o = fwlint(d.path(), &["check", "bin.conf", "--baseline", "nope.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read the baseline nope.json"));
    std::fs::write(d.path().join("bad.json"), "not json").unwrap();
    let o = fwlint(d.path(), &["check", "bin.conf", "--baseline", "bad.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a JSON report"));
}

#[test]
fn config_from_the_cli() {
    let d = workdir();
    let cfg = d.path().join("fwlint.toml");
    std::fs::write(&cfg, "ignore = [\"unreadable-input\"]\n").unwrap();
    let o = fwlint(
        d.path(),
        &[
            "check",
            "bin.conf",
            "--format",
            "json",
            "--config",
            "fwlint.toml",
        ],
    );
    let v = json_of(&o);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    assert_eq!(v["summary"]["ignored"], 1);

    std::fs::write(
        &cfg,
        "[severity]\nFW001 = \"note\"\n[per-path-ignores]\n\"sub/*\" = [\"fw001\"]\n",
    )
    .unwrap();
    let o = fwlint(
        d.path(),
        &[
            "check",
            "bin.conf",
            "sub/bin2.conf",
            "--format",
            "json",
            "--config",
            "fwlint.toml",
        ],
    );
    let v = json_of(&o);
    let fs = v["findings"].as_array().unwrap();
    assert_eq!(fs.len(), 1);
    assert_eq!(fs[0]["file"], "bin.conf");
    assert_eq!(fs[0]["severity"], "note");
    assert_eq!(v["summary"]["notes"], 1);
    assert_eq!(v["summary"]["ignored"], 1);

    // Unknown keys are errors with the file, line and column.
    std::fs::write(&cfg, "ignore = []\nfail_on = \"note\"\n").unwrap();
    let o = fwlint(d.path(), &["check", "bin.conf", "--config", "fwlint.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("fwlint.toml:2:1: unknown key `fail_on`"),
        "{err}"
    );
    assert!(err.contains("2 | fail_on = \"note\"\n  | ^^^^^^^"), "{err}");
    assert!(o.stdout.is_empty(), "no report after a bad config");
}

/// An IOS ACL with a duplicated entry: whatever the checks say about it, the
/// exit code must follow `--fail-on` and the baseline must survive a line shift.
const ACL: &str = "ip access-list extended EDGE\n permit tcp any host 10.0.0.1 eq 22\n permit tcp any host 10.0.0.1 eq 22\n deny ip any any\n";

#[test]
fn exit_codes_follow_fail_on_for_real_findings() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("edge.ios"), ACL).unwrap();
    let base = [
        "check",
        "edge.ios",
        "--dialect",
        "cisco-ios",
        "--format",
        "json",
    ];
    let o = fwlint(d.path(), &[&base[..], &["--fail-on", "never"]].concat());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json_of(&o);
    let sevs: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert!(!sevs.is_empty(), "a duplicated ACE should give a finding");
    let rank = |s: &str| {
        ["note", "warning", "error"]
            .iter()
            .position(|x| *x == s)
            .unwrap()
    };
    let worst = sevs.iter().map(|s| rank(s)).max().unwrap();
    for (i, fail_on) in ["note", "warning", "error"].iter().enumerate() {
        let o = fwlint(d.path(), &[&base[..], &["--fail-on", fail_on]].concat());
        let want = if worst >= i { 1 } else { 0 };
        assert_eq!(
            o.status.code(),
            Some(want),
            "--fail-on {fail_on} with {sevs:?}"
        );
    }
    // fail-on from fwlint.toml applies when the command line says nothing,
    // and the command line wins.
    std::fs::write(d.path().join("fwlint.toml"), "fail-on = \"never\"\n").unwrap();
    let o = fwlint(
        d.path(),
        &[&base[..], &["--config", "fwlint.toml"]].concat(),
    );
    assert_eq!(o.status.code(), Some(0));
    let o = fwlint(
        d.path(),
        &[&base[..], &["--config", "fwlint.toml", "--fail-on", "note"]].concat(),
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn cli_baseline_survives_lines_added_above() {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("edge.ios");
    std::fs::write(&cfg, ACL).unwrap();
    let args = [
        "check",
        "edge.ios",
        "--dialect",
        "cisco-ios",
        "--format",
        "json",
    ];
    let o = fwlint(d.path(), &[&args[..], &["--output", "base.json"]].concat());
    assert_ne!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let base: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("base.json")).unwrap())
            .unwrap();
    let n = base["findings"].as_array().unwrap().len();
    assert!(n > 0);

    std::fs::write(
        &cfg,
        format!("! edited\n! by someone\nhostname edge\n{ACL}"),
    )
    .unwrap();
    let o = fwlint(
        d.path(),
        &[&args[..], &["--baseline", "base.json", "--fail-on", "note"]].concat(),
    );
    let v = json_of(&o);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v}");
    assert_eq!(v["summary"]["suppressed"], n);
    assert_eq!(o.status.code(), Some(0));

    // A new duplicated entry is reported.
    std::fs::write(
        &cfg,
        format!("{ACL} permit udp any host 10.0.0.1 eq 53\n permit udp any host 10.0.0.1 eq 53\n"),
    )
    .unwrap();
    let o = fwlint(
        d.path(),
        &[&args[..], &["--baseline", "base.json"]].concat(),
    );
    let v = json_of(&o);
    let texts: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"]["text"].as_str())
        .collect();
    assert!(
        !texts.is_empty() && texts.iter().all(|t| t.contains("udp")),
        "{texts:?}"
    );
}

#[test]
fn sarif_of_a_real_config_validates() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("edge ü.ios"), ACL).unwrap();
    let o = fwlint(
        d.path(),
        &[
            "check",
            "edge ü.ios",
            "--dialect",
            "cisco-ios",
            "--format",
            "sarif",
            "--output",
            "out.sarif",
        ],
    );
    assert_ne!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let schema = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/schemas/sarif-schema-2.1.0.json"
    );
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/oracle/sarif_validate.py"
    );
    let res = Command::new("python3")
        .args([script, schema])
        .arg(d.path().join("out.sarif"))
        .output()
        .expect("python3 is needed: run scripts/test");
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("out.sarif")).unwrap())
            .unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "edge%20%C3%BC.ios");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 2);
    }
}

//! Every `fwlint check --format` reporter on a small set of findings built
//! here: related locations in another file, a finding with no position,
//! unicode, and text that needs escaping in each format.

use fwlint::check::{doc_text, lookup, registry};
use fwlint::finding::{Finding, FlowRef, Severity};
use fwlint::model::SourceFile;
use fwlint::report::{self, Context, Summary};
use serde_json::Value;

const EDGE: &str = "table inet filter {\n  chain input {\n    tcp dport { 22, 3389 } accept comment \"<script>alert('x')</script>\"\n    meta mark 0x1 accept # règle ✓ `tick`\n  }\n}\n";
const OTHER: &str = "# other file\nip saddr 0.0.0.0/0 tcp dport 22 accept\n";

fn span_of(text: &str, needle: &str) -> std::ops::Range<usize> {
    let start = text.find(needle).expect("needle in fixture");
    start..start + needle.len()
}

/// The fixture findings: (1) a syntax error with an escaping-hungry message
/// and a related location in another file, (2) an unmodelled construct on a
/// rule with flow, witness and unicode, (3) an unreadable file with no
/// position, (4) a note.
fn fixture_with(prefix: &str) -> Vec<Finding> {
    let edge_text = format!("{prefix}{EDGE}");
    let edge = SourceFile::new("fw/edge.nft", edge_text.clone());
    let other = SourceFile::new("fw/other.nft", OTHER);
    let syntax = lookup("FW002").unwrap();
    let unmodelled = lookup("FW003").unwrap();
    let unreadable = lookup("FW001").unwrap();
    let line3 = edge.origin(span_of(
        &edge_text,
        "    tcp dport { 22, 3389 } accept comment \"<script>alert('x')</script>\"\n",
    ));
    let line4 = edge.origin(span_of(
        &edge_text,
        "    meta mark 0x1 accept # règle ✓ `tick`\n",
    ));
    let other_rule = other.line_origin(2);
    vec![
        Finding::new(syntax, "100% wrong: a, b\nsecond line <b>bold</b> & `code`")
            .at_rule(&line3)
            .label("expected `accept`, `drop`")
            .related(&other_rule, "also opened here: <script>alert(2)</script>")
            .help("write `accept` <script>alert(3)</script>"),
        {
            let mut f = Finding::new(unmodelled, "`meta mark` is not modelled — règle ✓")
                .at_rule(&line4)
                .filter("inet filter input")
                .note("treated as matching anything")
                .severity(Severity::Warning);
            f.witness = Some("tcp 192.0.2.5:40000 198.51.100.10:22".into());
            f.flow = Some(FlowRef {
                from: "web.client".into(),
                to: "web.server".into(),
                protocol: "tcp".into(),
                ports: "22".into(),
                service: Some("windows-core".into()),
                cite: Some("seed: <a href=x>doc</a>".into()),
                phase: Some("operation".into()),
            });
            f
        },
        Finding::new(unreadable, "cannot read: binary file, NUL at byte 3")
            .in_file("bin/ünï code.conf"),
        Finding::new(unmodelled, "note-level construct")
            .at(&line4)
            .severity(Severity::Note),
    ]
}

fn fixture() -> Vec<Finding> {
    fixture_with("")
}

fn ctx() -> Context {
    let mut s = Summary {
        files: 2,
        filters: 1,
        rules: 2,
        ..Summary::default()
    };
    s.count(&fixture());
    let mut c = Context::new(s);
    c.files = vec![
        "fw/edge.nft".into(),
        "bin/ünï code.conf".into(),
        "fw/clean.nft".into(),
    ];
    c
}

// ---------------------------------------------------------------- SARIF

#[test]
fn sarif_validates_against_the_oasis_schema() {
    let out = report::sarif::render(&fixture(), &ctx());
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("out.sarif");
    std::fs::write(&log, &out).unwrap();
    let schema = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/schemas/sarif-schema-2.1.0.json"
    );
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/oracle/sarif_validate.py"
    );
    let res = std::process::Command::new("python3")
        .args([script, schema])
        .arg(&log)
        .output()
        .expect("python3 is needed to validate SARIF: run scripts/test");
    assert!(
        res.status.success(),
        "SARIF does not validate (exit {:?}; run scripts/test if jsonschema is missing):\n{}\n{out}",
        res.status.code(),
        String::from_utf8_lossy(&res.stderr)
    );
    // The empty log validates too.
    let empty = report::sarif::render(&[], &Context::default());
    std::fs::write(&log, &empty).unwrap();
    let res = std::process::Command::new("python3")
        .args([script, schema])
        .arg(&log)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
}

#[test]
fn sarif_rules_come_from_the_registry() {
    let v = report::sarif::to_value(&fixture(), &ctx());
    let driver = &v["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "fwlint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let rules = driver["rules"].as_array().unwrap();
    let reg = registry();
    assert_eq!(rules.len(), reg.len());
    for (r, c) in rules.iter().zip(&reg) {
        assert_eq!(r["id"], c.code);
        assert_eq!(r["name"], c.name);
        assert_eq!(r["shortDescription"]["text"], c.summary);
        assert_eq!(r["fullDescription"]["text"], doc_text(c));
        assert_eq!(r["help"]["markdown"], doc_text(c));
        assert_eq!(r["defaultConfiguration"]["level"], c.severity.as_str());
    }
    // ruleIndex points at the rule of the same id.
    for res in v["runs"][0]["results"].as_array().unwrap() {
        let i = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], res["ruleId"]);
    }
}

#[test]
fn sarif_results_have_regions_related_locations_and_properties() {
    let v = report::sarif::to_value(&fixture(), &ctx());
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "warning", "error", "note"]);

    let r0 = &results[0];
    assert_eq!(r0["ruleId"], "FW002");
    let loc = &r0["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "fw/edge.nft");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    let region = &loc["region"];
    assert_eq!(region["startLine"], 3);
    assert_eq!(region["startColumn"], 1);
    assert_eq!(
        region["endLine"], 3,
        "the trailing newline stays out of the region"
    );
    let line3 = "    tcp dport { 22, 3389 } accept comment \"<script>alert('x')</script>\"";
    assert_eq!(region["endColumn"], line3.chars().count() + 1);
    assert_eq!(region["snippet"]["text"], line3);
    assert!(r0["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("100% wrong: a, b\nsecond line"));
    let rel = &r0["relatedLocations"][0];
    assert_eq!(
        rel["physicalLocation"]["artifactLocation"]["uri"],
        "fw/other.nft"
    );
    assert_eq!(rel["physicalLocation"]["region"]["startLine"], 2);
    assert_eq!(
        rel["message"]["text"],
        "also opened here: <script>alert(2)</script>"
    );

    // Columns count code points: the unicode line ends where its characters end.
    let r1 = &results[1];
    let line4 = "    meta mark 0x1 accept # règle ✓ `tick`";
    let reg1 = &r1["locations"][0]["physicalLocation"]["region"];
    assert_eq!(reg1["endColumn"], line4.chars().count() + 1);
    assert_eq!(r1["properties"]["kind"], "parse");
    assert_eq!(
        r1["properties"]["witness"],
        "tcp 192.0.2.5:40000 198.51.100.10:22"
    );
    assert_eq!(r1["properties"]["flow"]["from"], "web.client");
    assert_eq!(r1["properties"]["flow"]["ports"], "22");

    // No position: a location with the file and no region.
    let r2 = &results[2];
    let loc2 = &r2["locations"][0]["physicalLocation"];
    assert_eq!(
        loc2["artifactLocation"]["uri"],
        "bin/%C3%BCn%C3%AF%20code.conf"
    );
    assert!(loc2.get("region").is_none());

    // Fingerprints: present, distinct here.
    let fps: Vec<&str> = results
        .iter()
        .map(|r| r["partialFingerprints"]["fwlint/v1"].as_str().unwrap())
        .collect();
    let mut uniq = fps.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), 4, "{fps:?}");
}

#[test]
fn fingerprints_survive_line_shifts_but_not_rule_edits() {
    let a = report::sarif::to_value(&fixture(), &ctx());
    let b = report::sarif::to_value(&fixture_with("# two new\n# lines above\n"), &ctx());
    let fp = |v: &Value, i: usize| {
        v["runs"][0]["results"][i]["partialFingerprints"]["fwlint/v1"].clone()
    };
    let line = |v: &Value, i: usize| {
        v["runs"][0]["results"][i]["locations"][0]["physicalLocation"]["region"]["startLine"]
            .clone()
    };
    for i in 0..4 {
        assert_eq!(fp(&a, i), fp(&b, i), "finding {i}");
    }
    assert_eq!(line(&a, 0), 3);
    assert_eq!(line(&b, 0), 5);
    let mut edited = fixture();
    edited[0].rule.as_mut().unwrap().text = "tcp dport 23 accept".into();
    assert_ne!(
        report::fingerprint(&edited[0]),
        report::fingerprint(&fixture()[0])
    );
}

// ---------------------------------------------------------------- GitHub

#[test]
fn github_commands_escape_data_and_properties() {
    let out = report::github::render(&fixture(), &ctx());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    let line3_end = "    tcp dport { 22, 3389 } accept comment \"<script>alert('x')</script>\""
        .chars()
        .count()
        + 1;
    assert_eq!(
        lines[0],
        format!(
            "::error file=fw/edge.nft,line=3,col=1,endLine=3,endColumn={line3_end},title=FW002 syntax-error::100%25 wrong: a, b%0Asecond line <b>bold</b> & `code`%0Aalso opened here: <script>alert(2)</script> (fw/other.nft:2)%0Ahelp: write `accept` <script>alert(3)</script>"
        )
    );
    assert!(
        lines[1].starts_with("::warning file=fw/edge.nft,line=4,col=1,"),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("%0Aexample packet: tcp 192.0.2.5:40000 198.51.100.10:22"));
    assert_eq!(
        lines[2],
        "::error file=bin/ünï code.conf,title=FW001 unreadable-input::cannot read: binary file, NUL at byte 3"
    );
    assert!(lines[3].starts_with("::notice file=fw/edge.nft,line=4,"));
    assert!(lines[4].starts_with("::notice title=fwlint::2 error(s), 1 warning(s), 1 note(s)"));
    // No raw line break may survive inside one command.
    assert_eq!(out.matches('\n').count(), 5);
}

#[test]
fn github_property_escaping_follows_the_runner() {
    assert_eq!(
        report::github::escape_property("a:b,c%d\r\ne"),
        "a%3Ab%2Cc%25d%0D%0Ae"
    );
    assert_eq!(
        report::github::escape_data("a:b,c%d\r\ne"),
        "a:b,c%25d%0D%0Ae"
    );
    let mut f = fixture().remove(2);
    f.file = Some("odd:name,1.conf".into());
    assert!(report::github::line(&f).starts_with("::error file=odd%3Aname%2C1.conf,title="));
}

// ---------------------------------------------------------------- GitLab

#[test]
fn gitlab_code_quality_objects() {
    let out = report::gitlab::render(&fixture());
    let v: Value = serde_json::from_str(&out).unwrap();
    let a = v.as_array().unwrap();
    assert_eq!(a.len(), 4);
    let sev: Vec<&str> = a.iter().map(|x| x["severity"].as_str().unwrap()).collect();
    assert_eq!(sev, ["critical", "major", "critical", "minor"]);
    assert_eq!(a[0]["check_name"], "FW002 syntax-error");
    assert_eq!(
        a[0]["description"],
        "100% wrong: a, b\nsecond line <b>bold</b> & `code`"
    );
    assert_eq!(a[0]["location"]["path"], "fw/edge.nft");
    assert_eq!(a[0]["location"]["lines"]["begin"], 3);
    assert_eq!(a[2]["location"]["path"], "bin/ünï code.conf");
    assert_eq!(a[2]["location"]["lines"]["begin"], 1, "no position: line 1");
    assert!(a[1]["content"]["body"]
        .as_str()
        .unwrap()
        .contains("example packet"));
    let mut fps: Vec<&str> = a
        .iter()
        .map(|x| x["fingerprint"].as_str().unwrap())
        .collect();
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), 4);
    // Duplicate findings still get distinct fingerprints.
    let mut twice = fixture();
    twice.push(fixture().remove(0));
    let v: Value = serde_json::from_str(&report::gitlab::render(&twice)).unwrap();
    let mut fps: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["fingerprint"].as_str().unwrap().to_string())
        .collect();
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), 5);
}

// ---------------------------------------------------------------- JUnit

/// Parse XML fully; return (suite names, testcase count, failure elements,
/// failure texts).
fn parse_junit(xml: &str) -> (Vec<String>, usize, usize, Vec<String>) {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(xml);
    let (mut suites, mut cases, mut failures, mut texts) = (Vec::new(), 0, 0, Vec::new());
    let mut in_failure = false;
    loop {
        match r.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name().as_ref().to_vec();
                match name.as_slice() {
                    b"testsuite" => {
                        let n = e.try_get_attribute("name").unwrap().unwrap();
                        suites.push(String::from_utf8(n.value.to_vec()).unwrap());
                    }
                    b"testcase" => cases += 1,
                    b"failure" => {
                        failures += 1;
                        in_failure = true;
                        texts.push(String::new());
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_failure => {
                let s = t.decode().unwrap().into_owned();
                texts.last_mut().unwrap().push_str(&s);
            }
            Event::GeneralRef(g) if in_failure => {
                let s = match g.decode().unwrap().as_ref() {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "?",
                };
                texts.last_mut().unwrap().push_str(s);
            }
            Event::End(e) if e.name().as_ref() == b"failure" => in_failure = false,
            Event::Eof => break,
            _ => {}
        }
    }
    (suites, cases, failures, texts)
}

#[test]
fn junit_is_xml_with_a_suite_per_file_and_a_case_per_check() {
    let xml = report::junit::render(&fixture(), &ctx()).unwrap();
    let (suites, cases, failures, texts) = parse_junit(&xml);
    assert_eq!(suites, ["bin/ünï code.conf", "fw/clean.nft", "fw/edge.nft"]);
    let n = registry().len();
    assert_eq!(cases, 3 * n, "{xml}");
    // bin: FW001; edge: FW002, and FW003 (two findings in one failure).
    assert_eq!(failures, 3, "{xml}");
    let edge_fw003 = texts.iter().find(|t| t.contains("FW003")).unwrap();
    assert!(edge_fw003.contains("fw/edge.nft:4:1: warning[FW003]"));
    assert!(edge_fw003.contains("fw/edge.nft:4:1: note[FW003] note-level construct"));
    let edge_fw002 = texts.iter().find(|t| t.contains("FW002")).unwrap();
    assert!(
        edge_fw002.contains("<script>alert(3)</script>"),
        "text round-trips: {edge_fw002}"
    );
    assert!(
        !xml.contains("<script>"),
        "markup from the input is escaped"
    );
    assert!(texts
        .iter()
        .any(|t| t.starts_with("bin/ünï code.conf: error[FW001]")));
}

#[test]
fn junit_passes_when_clean_and_respects_fail_on() {
    let mut c = ctx();
    c.files = vec!["a.nft".into()];
    let xml = report::junit::render(&[], &c).unwrap();
    let (suites, cases, failures, _) = parse_junit(&xml);
    assert_eq!(suites, ["a.nft"]);
    assert_eq!(cases, registry().len());
    assert_eq!(failures, 0);

    // --fail-on error: warnings and notes pass, listed in system-out.
    let mut c = ctx();
    c.fail_on = Some(Severity::Error);
    let xml = report::junit::render(&fixture(), &c).unwrap();
    let (_, _, failures, _) = parse_junit(&xml);
    assert_eq!(failures, 2);
    assert!(
        xml.contains("<system-out>fw/edge.nft:4:1: warning[FW003]"),
        "{xml}"
    );
}

// ---------------------------------------------------------------- Markdown

#[test]
fn markdown_report_for_auditors() {
    let md = report::markdown::render(&fixture(), &ctx());
    assert!(md.starts_with("# fwlint report\n"));
    assert!(md.contains("| kind | errors | warnings | notes | total |"));
    assert!(md.contains("| parse | 2 | 1 | 1 | 4 |"), "{md}");
    assert!(md.contains("| **total** | 2 | 1 | 1 | 4 |"));
    // Grouped by file, sorted.
    let b = md.find("## `bin/ünï code.conf`").unwrap();
    let e = md.find("## `fw/edge.nft`").unwrap();
    assert!(b < e);
    // Rule text in a fence, verbatim.
    assert!(md.contains("```text\n    tcp dport { 22, 3389 } accept comment \"<script>alert('x')</script>\"\n```"), "{md}");
    // Messages: markup escaped, code spans kept, newline folded.
    assert!(
        md.contains("100% wrong: a, b second line &lt;b&gt;bold&lt;/b&gt; &amp; `code`"),
        "{md}"
    );
    assert!(
        md.contains("> **help:** write `accept` &lt;script&gt;alert\\(3\\)&lt;/script&gt;"),
        "{md}"
    );
    assert!(md.contains("- example packet: `tcp 192.0.2.5:40000 198.51.100.10:22`"));
    assert!(md.contains("- flow: `web.client` → `web.server` tcp/22 (service `windows-core`), phase operation, source: seed: &lt;a href=x&gt;doc&lt;/a&gt;"), "{md}");
    assert!(md
        .contains("also opened here: &lt;script&gt;alert\\(2\\)&lt;/script&gt; — fw/other.nft:2:"));
    // Outside code, no raw tag from the input survives.
    let outside_code: String = md.split("```").step_by(2).collect::<Vec<_>>().join("");
    assert!(!outside_code.contains("<script"), "{outside_code}");
    assert!(
        md.contains("### Error `FW001` unreadable-input\n"),
        "no position, no line: {md}"
    );
}

// ---------------------------------------------------------------- HTML

#[test]
fn html_is_self_contained_and_escapes_input() {
    let html = report::html::render(&fixture(), &ctx());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    // Exactly one script element: ours, at the end. Nothing from the input.
    assert_eq!(html.matches("<script").count(), 1, "{html}");
    assert_eq!(html.matches("</script").count(), 1);
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
    assert!(html.contains("help: write `accept` &lt;script&gt;alert(3)&lt;/script&gt;"));
    assert!(html.contains("second line &lt;b&gt;bold&lt;/b&gt; &amp; `code`"));
    assert!(!html.contains("<b>bold"));
    assert!(!html.contains("<a href=x>"));
    // No external assets.
    for needle in ["src=", "href=\"http", "@import", "url("] {
        assert!(!html.contains(needle), "external asset via {needle}");
    }
    assert!(html.contains("Content-Security-Policy"));
    // Summary, filters, groups by severity, rule text, docs.
    assert!(html.contains("<tr><td>parse</td><td>2</td><td>1</td><td>1</td><td>4</td></tr>"));
    assert!(html.contains(r#"data-filter="severity" value="error""#));
    assert!(html.contains(r#"data-filter="kind" value="parse""#));
    let errors = html.find("<h2>Errors (2)</h2>").unwrap();
    let warnings = html.find("<h2>Warnings (1)</h2>").unwrap();
    let notes = html.find("<h2>Notes (1)</h2>").unwrap();
    assert!(errors < warnings && warnings < notes);
    assert!(html.contains("règle ✓"));
    assert!(html.contains(r##"<a href="#check-FW002">About FW002 syntax-error</a>"##));
    // Each check's documentation once, at the end.
    assert_eq!(html.matches("<details id=\"check-").count(), 3);
    assert!(html.contains("<details id=\"check-FW002\"><summary><code>FW002</code> syntax-error (parse, default error)"));
    assert_eq!(html.matches("<article class=\"finding").count(), 4);
}

#[test]
fn html_and_markdown_handle_no_findings() {
    let html = report::html::render(&[], &Context::default());
    assert!(html.contains("<p>No findings.</p>"));
    assert_eq!(html.matches("<script").count(), 0);
    let md = report::markdown::render(&[], &Context::default());
    assert!(md.contains("No findings."));
}

/// Every element the HTML report opens is closed, in order (void elements
/// aside), so text from the input cannot have broken the structure.
#[test]
fn html_elements_are_balanced() {
    let html = report::html::render(&fixture(), &ctx());
    let body = &html[html.find("<html").unwrap()..];
    let (script_start, script_end) = (
        body.find("<script>").unwrap(),
        body.find("</script>").unwrap(),
    );
    let (style_start, style_end) = (
        body.find("<style>").unwrap(),
        body.find("</style>").unwrap(),
    );
    let mut stack: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(off) = body[i..].find('<') {
        let at = i + off;
        if (at > script_start && at < script_end) || (at > style_start && at < style_end) {
            i = at + 1;
            continue;
        }
        let end = at + body[at..].find('>').expect("tag closes");
        let tag = &body[at + 1..end];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(
            !name.is_empty(),
            "stray `<` at {at}: {}",
            &body[at..end.min(at + 40)]
        );
        if tag.starts_with('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "at {at}");
        } else if !["meta", "input", "br"].contains(&name.as_str()) {
            stack.push(name);
        }
        i = end + 1;
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

mod arbitrary_text {
    use super::*;
    use proptest::prelude::*;

    /// Is there a `<` outside code spans? Backslash escapes are honoured (`\\`
    /// is a backslash, `` \` `` a literal backtick), and a code span is a run
    /// of backticks closed by a run of the same length, as CommonMark says.
    fn raw_lt_outside_code(text: &str) -> bool {
        let b: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                '\\' => i += 2,
                '`' => {
                    let n = b[i..].iter().take_while(|&&c| c == '`').count();
                    let mut j = i + n;
                    let mut closed = None;
                    while j < b.len() {
                        if b[j] == '`' {
                            let m = b[j..].iter().take_while(|&&c| c == '`').count();
                            if m == n {
                                closed = Some(j + m);
                                break;
                            }
                            j += m;
                        } else {
                            j += 1;
                        }
                    }
                    // An unclosed run is literal backticks.
                    i = closed.unwrap_or(i + n);
                }
                '<' => return true,
                _ => i += 1,
            }
        }
        false
    }

    /// The Markdown text outside fenced code blocks (a fence is a line of three
    /// or more backticks, closed by a line with at least as many).
    fn outside_fences(md: &str) -> String {
        let mut out = String::new();
        let mut open: Option<usize> = None;
        for line in md.lines() {
            let ticks = line.chars().take_while(|&c| c == '`').count();
            match open {
                Some(n) if ticks >= n && line.trim_start_matches('`').trim().is_empty() => {
                    open = None
                }
                Some(_) => {}
                None if ticks >= 3 => open = Some(ticks),
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        out
    }

    fn finding_with(text: &str) -> Vec<Finding> {
        let src = format!("{text}\n");
        let file = SourceFile::new(format!("d/{}.nft", text.len()), src.clone());
        let o = file.origin(0..src.len());
        vec![Finding::new(lookup("FW002").unwrap(), text)
            .at_rule(&o)
            .label(text)
            .help(text)
            .note(text)
            .related(&o, text)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Whatever the input text, the HTML keeps exactly our one script,
        /// GitHub commands stay one a line, Markdown lets no raw `<` out of
        /// code, and the JSON formats parse.
        #[test]
        fn escaping_holds_for_any_text(text in "[a-z<>&\"'`%:,\\\\\n\r\t|*_#!\\[\\]() \u{0}é✓]{0,40}") {
            let fs = finding_with(&text);
            let html = report::html::render(&fs, &Context::default());
            prop_assert_eq!(html.matches("<script").count(), 1);
            prop_assert_eq!(html.matches("</script").count(), 1);
            let gh = report::github::render(&fs, &Context::default());
            prop_assert_eq!(gh.lines().count(), 2);
            prop_assert!(!gh.contains('\r'));
            let md = report::markdown::render(&fs, &Context::default());
            prop_assert!(!raw_lt_outside_code(&outside_fences(&md)), "{}", md);
            let sarif: Value = serde_json::from_str(&report::sarif::render(&fs, &Context::default())).unwrap();
            prop_assert!(sarif["runs"][0]["results"][0]["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with(text.as_str()));
            let gl: Value = serde_json::from_str(&report::gitlab::render(&fs)).unwrap();
            prop_assert_eq!(gl[0]["description"].as_str().unwrap(), text.as_str());
            let xml = report::junit::render(&fs, &Context::default()).unwrap();
            parse_junit(&xml);
        }
    }
}

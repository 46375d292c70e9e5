//! `--format sarif`: a SARIF 2.1.0 log for code-scanning services.
//!
//! # Format
//! One run. `tool.driver` names fwlint and lists every registered check as a
//! rule (`id` = code, `name`, `shortDescription` = summary, `fullDescription`
//! and `help` = the check's documentation, `help.markdown` as written,
//! `defaultConfiguration.level` from the default severity). Each result has
//! `ruleId`, `ruleIndex`, `level` (`error`|`warning`|`note`), `message`, one
//! location (URI relative to the current directory under `%SRCROOT%` when the
//! file lies below it; a region with start/end line and column, columns in
//! Unicode code points, and the snippet — no region when the finding has no
//! position), `relatedLocations` for the covering rules and topology lines,
//! `partialFingerprints["fwlint/v1"]` (see [`super::fingerprint_key`]) and
//! `properties` (`kind`, `name`, and where they apply `flow`, `witness`,
//! `filter`, `label`, `help`, `notes`, `rule`).

use super::{display_path, end_line_col, unique_fingerprints, Context};
use crate::check::{doc_text, registry};
use crate::finding::{Finding, Severity};
use crate::model::Origin;
use serde_json::{json, Map, Value};

/// The SARIF schema URI written into `$schema`.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where to read about fwlint: the package's `repository`, or the project page.
pub fn information_uri() -> &'static str {
    let repo = env!("CARGO_PKG_REPOSITORY");
    if repo.is_empty() {
        "https://github.com/fwlint/fwlint"
    } else {
        repo
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// Percent-encode a relative path for a URI reference: everything but
/// unreserved characters and `/` is escaped (UTF-8 bytes).
pub fn uri_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn artifact_location(file: &str) -> Value {
    let shown = display_path(file);
    if std::path::Path::new(&shown).is_absolute() {
        let mut uri = String::from("file://");
        if !shown.starts_with('/') {
            uri.push('/');
        }
        uri.push_str(&uri_encode_path(&shown.replace('\\', "/")));
        json!({ "uri": uri })
    } else {
        json!({ "uri": uri_encode_path(&shown), "uriBaseId": "%SRCROOT%" })
    }
}

fn region(o: &Origin) -> Value {
    let (end_line, end_col) = end_line_col(o);
    let snippet = o.text().trim_end_matches(['\n', '\r']);
    let mut r = json!({
        "startLine": o.line.max(1),
        "startColumn": o.column.max(1),
        "endLine": end_line.max(o.line.max(1)),
        "endColumn": end_col.max(1),
    });
    if !snippet.is_empty() {
        r["snippet"] = json!({ "text": snippet });
    }
    r
}

fn physical(o: &Origin) -> Value {
    json!({
        "artifactLocation": artifact_location(o.file_name()),
        "region": region(o),
    })
}

fn rule_descriptor(info: &crate::check::CheckInfo) -> Value {
    let doc = doc_text(info);
    json!({
        "id": info.code,
        "name": info.name,
        "shortDescription": { "text": info.summary },
        "fullDescription": { "text": doc, "markdown": doc },
        "help": { "text": doc, "markdown": doc },
        "defaultConfiguration": { "level": level(info.severity) },
        "properties": {
            "kind": info.kind.as_str(),
            "needsTopology": info.needs_topology,
            "tags": [info.kind.as_str(), "firewall"],
        },
    })
}

fn message_text(f: &Finding) -> String {
    let mut m = f.message.clone();
    if let Some(h) = &f.help {
        m.push_str("\nhelp: ");
        m.push_str(h);
    }
    m
}

fn result(f: &Finding, rule_index: Option<usize>, fingerprint: &str) -> Value {
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.code));
    if let Some(i) = rule_index {
        r.insert("ruleIndex".into(), json!(i));
    }
    r.insert("level".into(), json!(level(f.severity)));
    r.insert("message".into(), json!({ "text": message_text(f) }));
    let location = match &f.origin {
        Some(o) => {
            let mut loc = json!({ "physicalLocation": physical(o) });
            if let Some(l) = &f.label {
                loc["message"] = json!({ "text": l });
            }
            Some(loc)
        }
        None if !f.file_name().is_empty() => Some(json!({
            "physicalLocation": { "artifactLocation": artifact_location(f.file_name()) }
        })),
        None => None,
    };
    if let Some(loc) = location {
        r.insert("locations".into(), json!([loc]));
    }
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                json!({
                    "id": i,
                    "physicalLocation": physical(&rel.origin),
                    "message": { "text": rel.label },
                })
            })
            .collect();
        r.insert("relatedLocations".into(), Value::Array(related));
    }
    r.insert(
        "partialFingerprints".into(),
        json!({ "fwlint/v1": fingerprint }),
    );
    let mut props = Map::new();
    props.insert("kind".into(), json!(f.kind.as_str()));
    props.insert("name".into(), json!(f.name));
    if let Some(flow) = &f.flow {
        props.insert("flow".into(), json!(flow));
    }
    if let Some(w) = &f.witness {
        props.insert("witness".into(), json!(w));
    }
    if let Some(x) = &f.filter {
        props.insert("filter".into(), json!(x));
    }
    if let Some(x) = &f.label {
        props.insert("label".into(), json!(x));
    }
    if let Some(x) = &f.help {
        props.insert("help".into(), json!(x));
    }
    if !f.notes.is_empty() {
        props.insert("notes".into(), json!(f.notes));
    }
    if let Some(rule) = &f.rule {
        props.insert("rule".into(), json!(rule));
    }
    r.insert("properties".into(), Value::Object(props));
    Value::Object(r)
}

/// The SARIF log as a JSON value.
pub fn to_value(findings: &[Finding], ctx: &Context) -> Value {
    let rules = registry();
    let fingerprints = unique_fingerprints(findings);
    let results: Vec<Value> = findings
        .iter()
        .zip(&fingerprints)
        .map(|(f, fp)| {
            let idx = rules.iter().position(|c| c.code == f.code);
            result(f, idx, fp)
        })
        .collect();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "fwlint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": information_uri(),
                "rules": rules.iter().map(|c| rule_descriptor(c)).collect::<Vec<_>>(),
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": { "summary": ctx.summary },
    });
    if let Some(root) = std::env::current_dir()
        .ok()
        .and_then(|d| root_uri(&d.to_string_lossy()))
    {
        run["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": root } });
    }
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [run],
    })
}

/// `file:///abs/dir/` for an absolute directory.
fn root_uri(dir: &str) -> Option<String> {
    let d = dir.replace('\\', "/");
    if !(d.starts_with('/') || d.chars().nth(1) == Some(':')) {
        return None;
    }
    let mut uri = String::from("file://");
    if !d.starts_with('/') {
        uri.push('/');
    }
    // Keep a drive letter's colon.
    let encoded = uri_encode_path(&d).replacen("%3A", ":", 1);
    uri.push_str(&encoded);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    Some(uri)
}

pub fn render(findings: &[Finding], ctx: &Context) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(findings, ctx)).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_encoding_keeps_slashes_and_escapes_the_rest() {
        assert_eq!(uri_encode_path("a b/c%d.nft"), "a%20b/c%25d.nft");
        assert_eq!(uri_encode_path("é"), "%C3%A9");
    }

    #[test]
    fn root_uri_is_a_directory() {
        assert_eq!(root_uri("/srv/x").as_deref(), Some("file:///srv/x/"));
        assert_eq!(root_uri("C:\\w").as_deref(), Some("file:///C:/w/"));
        assert_eq!(root_uri("rel"), None);
    }
}

//! JSON (`ConvertTo-Json`) and CSV (`Export-Csv`) exports of
//! `Get-NetFirewallRule` joined with its port, address, application and
//! service filters (the export commands are in `docs/windows-export-scripts.md`).
//!
//! PowerShell writes enums either as numbers (`Direction: 1`, `Action: 2`,
//! `Enabled: 1`, `Profile: 3`) or as strings (`"Inbound"`, `"Allow"`, `"True"`,
//! `"Domain, Private"`), and multi-valued filters either as arrays or as single
//! strings (joined by `,` or spaces in CSV); all are accepted. Each rule's
//! origin is its JSON object or CSV row.
//!
//! ```text
//! json-export = object / "[" [ object *( "," object ) ] "]"
//! csv-export  = header-row *row        ; delimiter "," or ";" (from the header)
//! ```

use super::netsh::finish;
use super::netsh_rule::{Arg, ArgRule, Issues};
use crate::model::{IssueLevel, RuleSet, SourceFile};
use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

/// The netsh parameter name of an export column, `Some("")` for columns that
/// do not describe the rule (status, store metadata), `None` when unknown.
fn column_key(col: &str) -> Option<&'static str> {
    Some(match col.to_ascii_lowercase().as_str() {
        "name" | "instanceid" | "id" => "id",
        "displayname" => "name",
        "description" => "description",
        "group" | "rulegroup" => "group",
        "enabled" => "enable",
        "profile" | "profiles" => "profile",
        "direction" => "dir",
        "action" => "action",
        "edgetraversalpolicy" => "edge",
        "loosesourcemapping" => "loosesourcemapping",
        "localonlymapping" => "localonlymapping",
        "owner" => "owner",
        "localaddress" => "localip",
        "remoteaddress" => "remoteip",
        "protocol" => "protocol",
        "localport" => "localport",
        "remoteport" => "remoteport",
        "icmptype" => "icmptype",
        "program" => "program",
        "package" => "package",
        "service" => "service",
        "interfacetype" => "interfacetype",
        "interfacealias" => "interface",
        "localuser" => "localuser",
        "remoteuser" => "rmtusrgrp",
        "remotemachine" => "rmtcomputergrp",
        "authentication" => "security",
        "encryption" => "encryption",
        "overrideblockrules" => "overrideblockrules",
        "platform" => "platform",
        "dynamictarget" => "dynamictarget",
        "policystoresourcetype" => "rulesource",
        "displaygroup"
        | "primarystatus"
        | "status"
        | "statuscode"
        | "enforcementstatus"
        | "policystoresource"
        | "caption"
        | "elementname"
        | "creationclassname"
        | "systemname"
        | "systemcreationclassname"
        | "pscomputername"
        | "cimclass"
        | "ciminstanceproperties"
        | "cimsystemproperties"
        | "mandatory"
        | "policydecisionstrategy"
        | "conditionlisttype"
        | "executionstrategy"
        | "sequencedactions"
        | "policyrulename"
        | "commonname"
        | "policykeywords"
        | "enabledstate"
        | "remotedynamickeywordaddresses"
        | "policyappid"
        | "packagefamilyname"
        | "localportsorted" => "",
        _ => return None,
    })
}

/// Build a rule from (column, value, value span) cells.
fn rule_from_cells(
    cells: Vec<(String, String, Range<usize>)>,
    span: Range<usize>,
    unknown_cols: &mut HashSet<String>,
    issues: &mut Issues,
) -> Option<ArgRule> {
    let mut r = ArgRule {
        args: Vec::new(),
        span: span.clone(),
        notes: Vec::new(),
    };
    for (col, value, vspan) in cells {
        let value = value.trim().to_string();
        match column_key(&col) {
            Some("") => {}
            Some(key) => {
                if value.is_empty() {
                    continue;
                }
                // Defaults the export writes for every rule: no constraint.
                let l = value.to_ascii_lowercase();
                if matches!(key, "security" | "encryption") && l == "notrequired"
                    || matches!(
                        key,
                        "loosesourcemapping" | "localonlymapping" | "overrideblockrules"
                    ) && l == "false"
                    || matches!(key, "edge") && l == "block"
                    || matches!(
                        key,
                        "dynamictarget"
                            | "localuser"
                            | "rmtusrgrp"
                            | "rmtcomputergrp"
                            | "interface"
                    ) && l == "any"
                    || key == "platform" && value.is_empty()
                {
                    continue;
                }
                r.args.push(Arg {
                    key: key.into(),
                    value,
                    span: vspan,
                    opaque: None,
                });
            }
            None => {
                if unknown_cols.insert(col.to_ascii_lowercase()) {
                    issues.push(
                        IssueLevel::Warning,
                        vspan,
                        format!("export column `{col}` is not modelled; ignored"),
                    );
                }
            }
        }
    }
    // Ports exist only for TCP and UDP: exports sometimes carry a stale port
    // filter on other protocols, which Windows cannot hold.
    let proto = r.get("protocol").map(|a| a.value.to_ascii_lowercase());
    let ports_ok = matches!(proto.as_deref(), Some("tcp" | "udp" | "6" | "17"));
    if !ports_ok {
        for key in ["localport", "remoteport"] {
            if let Some(a) = r
                .get(key)
                .filter(|a| !a.value.eq_ignore_ascii_case("any"))
                .cloned()
            {
                issues.push(
                    IssueLevel::Warning,
                    a.span.clone(),
                    format!(
                        "{key} `{}` on a rule for protocol {}: Windows allows ports only with TCP or UDP, so the export's value is ignored",
                        a.value,
                        proto.as_deref().unwrap_or("any")
                    ),
                );
                r.args.retain(|x| x.key != key);
            }
        }
    }
    for (k, what) in [("dir", "Direction"), ("action", "Action")] {
        if r.get(k).is_none() {
            issues.error(
                span.clone(),
                format!("exported rule without {what}"),
                "the columns of the documented export command",
            );
            return None;
        }
    }
    if r.get("name").is_none() {
        if let Some(id) = r.get("id").cloned() {
            r.args.push(Arg {
                key: "name".into(),
                ..id
            });
        }
    }
    r.default("enable", "True");
    Some(r)
}

// ------------------------------------------------------------------ JSON

/// Top-level JSON object spans: `{...}` at depth 0 or 1 (inside the array).
fn object_spans(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut in_str = false;
    let mut start = 0;
    let mut k = 0;
    let top = if text.trim_start().starts_with('[') {
        1
    } else {
        0
    };
    while k < b.len() {
        let c = b[k];
        if in_str {
            if c == b'\\' {
                k += 1;
            } else if c == b'"' {
                in_str = false;
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'{' | b'[' => {
                    if c == b'{' && depth == top {
                        start = k;
                    }
                    depth += 1;
                }
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if c == b'}' && depth == top {
                        out.push(start..k + 1);
                    }
                }
                _ => {}
            }
        }
        k += 1;
    }
    out
}

fn json_text(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(if *b { "True".into() } else { "False".into() }),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().filter_map(json_text).collect();
            Some(parts.join(","))
        }
        Value::Object(o) => o
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("value"))
            .and_then(|(_, v)| json_text(v)),
    }
}

/// Span of `"Key": value` inside an object's text.
fn key_span(text: &str, obj: &Range<usize>, key: &str) -> Range<usize> {
    let slice = &text[obj.clone()];
    let needle = format!("\"{key}\"");
    match slice.find(&needle) {
        Some(i) => {
            let s = obj.start + i;
            let rest = &text[s..obj.end];
            let e = rest.find(['\n', '\r']).unwrap_or(rest.len());
            s..s + rest[..e].trim_end_matches(',').len()
        }
        None => obj.clone(),
    }
}

/// Read a JSON export.
pub fn load_json(file: &Arc<SourceFile>) -> RuleSet {
    let mut issues = Issues::new(file);
    let text = file.text.as_str();
    let body = text.trim_start_matches('\u{feff}');
    let off = text.len() - body.len();
    let mut rules = Vec::new();
    let mut unknown_cols = HashSet::new();
    if let Err(e) = serde_json::from_str::<serde_json::Value>(body) {
        let line = e.line().max(1) as u32;
        issues.error(
            file.line_span(line),
            format!("invalid JSON: {e}"),
            "the output of ConvertTo-Json",
        );
    }
    for sp in object_spans(body) {
        let sp = sp.start + off..sp.end + off;
        let obj: serde_json::Map<String, serde_json::Value> =
            match serde_json::from_str(&text[sp.clone()]) {
                Ok(o) => o,
                Err(e) => {
                    issues.error(
                        sp.clone(),
                        format!("invalid rule object: {e}"),
                        "a JSON object",
                    );
                    continue;
                }
            };
        let cells: Vec<(String, String, Range<usize>)> = obj
            .iter()
            .filter_map(|(k, v)| {
                let val = json_text(v)?;
                Some((k.clone(), val, key_span(text, &sp, k)))
            })
            .collect();
        if let Some(r) = rule_from_cells(cells, sp, &mut unknown_cols, &mut issues) {
            rules.push(r);
        }
    }
    finish(
        file,
        rules,
        &Default::default(),
        issues,
        Vec::new(),
        "winfw-ps",
    )
}

// ------------------------------------------------------------------ CSV

/// True when the text starts with a CSV header naming rule columns.
pub fn looks_like_csv(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("").to_ascii_lowercase();
    first.contains("displayname") && (first.contains(',') || first.contains(';'))
}

/// Read a CSV export (`,` or `;` delimited, `#TYPE` line tolerated).
pub fn load_csv(file: &Arc<SourceFile>) -> RuleSet {
    let mut issues = Issues::new(file);
    let text = file.text.as_str();
    let mut start = 0;
    // `Export-Csv` without -NoTypeInformation writes a `#TYPE ...` line first.
    if text.starts_with("#TYPE") {
        start = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    }
    let body = &text[start..];
    let header = body.lines().next().unwrap_or("");
    let delim = if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(body.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h
            .iter()
            .map(|s| s.trim_start_matches('\u{feff}').to_string())
            .collect(),
        Err(e) => {
            issues.error(
                0..header.len(),
                format!("invalid CSV header: {e}"),
                "a CSV header row",
            );
            return finish(
                file,
                Vec::new(),
                &Default::default(),
                issues,
                Vec::new(),
                "winfw-ps",
            );
        }
    };
    let mut rules = Vec::new();
    let mut unknown_cols = HashSet::new();
    let mut rec = csv::StringRecord::new();
    loop {
        let before = start + rdr.position().byte() as usize;
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let pos = before.min(text.len());
                let end = text[pos..]
                    .find('\n')
                    .map(|i| pos + i)
                    .unwrap_or(text.len());
                issues.error(pos..end, format!("invalid CSV row: {e}"), "a CSV row");
                if rdr.position().byte() as usize + start <= before {
                    break;
                }
                continue;
            }
        }
        let pos = rec
            .position()
            .map(|p| start + p.byte() as usize)
            .unwrap_or(before)
            .min(text.len());
        // With CRLF line ends the reader's position sits on the `\n`.
        let pos = pos + text[pos..].len() - text[pos..].trim_start_matches(['\r', '\n']).len();
        let end = (start + rdr.position().byte() as usize).clamp(pos, text.len());
        let row = pos.min(end)..end;
        let row_text = text[row.clone()].trim_end_matches(['\r', '\n']);
        let row = row.start..row.start + row_text.len();
        let mut cursor = 0;
        let mut cells = Vec::new();
        for (k, v) in rec.iter().enumerate() {
            let col = headers
                .get(k)
                .cloned()
                .unwrap_or_else(|| format!("column {}", k + 1));
            let vspan = match (!v.is_empty())
                .then(|| row_text[cursor..].find(v))
                .flatten()
            {
                Some(i) => {
                    cursor += i + v.len();
                    row.start + cursor - v.len()..row.start + cursor
                }
                None => row.clone(),
            };
            cells.push((col, v.to_string(), vspan));
        }
        if let Some(r) = rule_from_cells(cells, row, &mut unknown_cols, &mut issues) {
            rules.push(r);
        }
    }
    finish(
        file,
        rules,
        &Default::default(),
        issues,
        Vec::new(),
        "winfw-ps",
    )
}

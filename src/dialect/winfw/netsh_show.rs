//! `netsh advfirewall firewall show rule name=all verbose` output (English):
//! blocks of `Label:   value` lines, one block per rule, starting with
//! `Rule Name:` and a `----` rule, separated by blank lines, ended by `Ok.`.
//! ICMP rules list their types as a `Type Code` sub-table under `Protocol:`.
//!
//! ```text
//! output     = *( blank / block ) [ "Ok." ]
//! block      = "Rule Name:" value EOL [ dashes EOL ] *field
//! field      = label ":" *WSP value EOL *icmp-row
//! icmp-row   = 1*WSP ( "Type" 1*WSP "Code" / (1*DIGIT / "Any") 1*WSP (1*DIGIT / "Any") ) EOL
//! ```

use super::netsh::finish;
use super::netsh_rule::{Arg, ArgRule, Issues};
use crate::model::{IssueLevel, RuleSet, SourceFile};
use nom::bytes::complete::{tag, take_till1, take_while};
use nom::character::complete::space0;
use nom::{IResult, Parser};
use std::sync::Arc;

/// True when the text is `show rule` output rather than a script.
pub fn looks_like_show_output(text: &str) -> bool {
    text.lines().take(200).any(|l| {
        l.trim_start()
            .to_ascii_lowercase()
            .starts_with("rule name:")
    }) && !text.to_ascii_lowercase().contains("add rule")
}

/// label = 1*(not ":" and not EOL); value after ":" and blanks.
fn field(i: &str) -> IResult<&str, (&str, &str)> {
    let (i, label) = take_till1(|c| c == ':' || c == '\n').parse(i)?;
    let (i, _) = tag(":").parse(i)?;
    let (i, _) = space0.parse(i)?;
    let (i, value) = take_while(|c| c != '\n' && c != '\r').parse(i)?;
    Ok((i, (label, value)))
}

/// Map a label to the netsh parameter name.
fn key_of(label: &str) -> Option<&'static str> {
    Some(match label.trim().to_ascii_lowercase().as_str() {
        "rule name" => "name",
        "enabled" => "enable",
        "direction" => "dir",
        "profiles" => "profile",
        "grouping" => "group",
        "localip" => "localip",
        "remoteip" => "remoteip",
        "protocol" => "protocol",
        "localport" => "localport",
        "remoteport" => "remoteport",
        "edge traversal" => "edge",
        "program" => "program",
        "service" => "service",
        "interfacetypes" => "interfacetype",
        "security" => "security",
        "rule source" => "rulesource",
        "action" => "action",
        "description" => "description",
        "remotecomputergroup" | "remote computer group" => "rmtcomputergrp",
        "remoteusergroup" | "remote user group" => "rmtusrgrp",
        _ => return None,
    })
}

/// Read `show rule` output.
pub fn load_text(file: &Arc<SourceFile>) -> RuleSet {
    let mut issues = Issues::new(file);
    let text = file.text.as_str();
    let mut rules: Vec<ArgRule> = Vec::new();
    let mut cur: Option<ArgRule> = None;
    let mut icmp: Vec<String> = Vec::new();
    let mut in_icmp = false;
    let mut pos = 0usize;
    let close = |cur: &mut Option<ArgRule>, icmp: &mut Vec<String>, rules: &mut Vec<ArgRule>| {
        if let Some(mut r) = cur.take() {
            if !icmp.is_empty() {
                let at = r.span.end;
                r.args.push(Arg {
                    key: "icmptype".into(),
                    value: icmp.join(","),
                    span: at..at,
                    opaque: None,
                });
                icmp.clear();
            }
            rules.push(r);
        }
    };
    for raw in text.split_inclusive('\n') {
        let start = pos;
        pos += raw.len();
        let line = raw.trim_end_matches(['\r', '\n']);
        let lend = start + line.len();
        let t = line.trim();
        if t.is_empty() {
            close(&mut cur, &mut icmp, &mut rules);
            in_icmp = false;
            continue;
        }
        if t.starts_with("---") || t == "Ok." {
            continue;
        }
        // ICMP sub-table rows are indented and have no label.
        if in_icmp && line.starts_with(char::is_whitespace) && !t.contains(':') {
            let cols: Vec<&str> = t.split_whitespace().collect();
            if cols.len() == 2 && cols[0].eq_ignore_ascii_case("type") {
                continue;
            }
            if cols.len() == 2 {
                if cols[0].eq_ignore_ascii_case("any") {
                    continue;
                }
                icmp.push(format!("{}:{}", cols[0], cols[1]));
                if let Some(r) = cur.as_mut() {
                    r.span.end = lend;
                }
                continue;
            }
        }
        in_icmp = false;
        let Ok((_, (label, value))) = field(line) else {
            issues.error(
                start..lend,
                format!("unexpected line `{t}`"),
                "Label: value",
            );
            continue;
        };
        let Some(key) = key_of(label) else {
            issues.warn(
                start..lend,
                format!(
                    "`{}` is not modelled; the rule keeps it as an opaque condition",
                    label.trim()
                ),
            );
            if let Some(r) = cur.as_mut() {
                r.args.push(Arg {
                    key: label.trim().to_ascii_lowercase(),
                    value: value.trim().into(),
                    span: start..lend,
                    opaque: None,
                });
                r.span.end = lend;
            }
            continue;
        };
        let vstart = value.as_ptr() as usize - text.as_ptr() as usize;
        let vtrim = value.trim_end();
        if key == "name" {
            close(&mut cur, &mut icmp, &mut rules);
            cur = Some(ArgRule {
                args: Vec::new(),
                span: start..lend,
                notes: Vec::new(),
            });
        }
        let Some(r) = cur.as_mut() else {
            issues.error(start..lend, "field outside a rule block", "Rule Name: NAME");
            continue;
        };
        r.span.end = lend;
        if key == "protocol" {
            in_icmp = vtrim.to_ascii_lowercase().starts_with("icmp");
        }
        let value = match key {
            "edge" => match vtrim.to_ascii_lowercase().as_str() {
                "defer to application" => "deferapp".to_string(),
                "defer to user" => "deferuser".to_string(),
                v => v.to_string(),
            },
            "security" if vtrim.eq_ignore_ascii_case("authenticate") => "authenticate".into(),
            _ => vtrim.to_string(),
        };
        r.args.push(Arg {
            key: key.into(),
            value,
            span: vstart..vstart + vtrim.len(),
            opaque: None,
        });
    }
    close(&mut cur, &mut icmp, &mut rules);
    for r in &rules {
        if r.get("dir").is_none() || r.get("action").is_none() {
            issues.push(
                IssueLevel::Error,
                r.span.clone(),
                "rule block without Direction: or Action: (truncated output?)",
            );
        }
    }
    rules.retain(|r| r.get("dir").is_some() && r.get("action").is_some());
    for r in &mut rules {
        r.default("enable", "yes");
    }
    finish(
        file,
        rules,
        &Default::default(),
        issues,
        Vec::new(),
        "winfw-netsh",
    )
}

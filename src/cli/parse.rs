//! `fwlint parse`: print the normalized rule set.

use super::args::{ParseArgs, ParseFormat};
use super::load::load_file;
use super::{EXIT_OK, EXIT_TROUBLE};
use crate::model::{Cond, Effect, FilterBody, IssueLevel, Match, Rule, RuleSet};
use serde_json::json;
use std::fmt::Write;

pub fn run(a: ParseArgs) -> Result<i32, String> {
    let mut all = RuleSet::default();
    let mut failed = false;
    for path in &a.configs {
        match load_file(path, a.dialect.0) {
            Ok((_, rs)) => all.merge(rs),
            Err(e) => {
                eprint!("{}", super::check::render_load_error(&e));
                failed = true;
            }
        }
    }
    match a.format {
        ParseFormat::Json => {
            let v = json!({
                "filters": all.filters,
                "unsupported": all.issues,
                "objects": all.objects,
                "undefined": all.dangling,
                "name_clashes": all.name_clashes,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
            );
        }
        ParseFormat::Text => print!("{}", render_text(&all)),
    }
    let syntax_errors = all.issues.iter().any(|i| i.level == IssueLevel::Error);
    Ok(if failed || syntax_errors {
        EXIT_TROUBLE
    } else {
        EXIT_OK
    })
}

fn render_text(rs: &RuleSet) -> String {
    let mut s = String::new();
    for f in &rs.filters {
        let _ = writeln!(s, "filter {} [{}] ({})", f.name, f.dialect, f.semantics);
        for b in &f.bindings {
            let _ = writeln!(s, "  bound {} {}", b.direction, b.point);
        }
        match &f.body {
            FilterBody::FirstMatch(fm) => {
                for r in &fm.rules {
                    rule_line(&mut s, "  ", r, &[]);
                }
                let _ = writeln!(s, "  default {}", fm.default.as_str());
            }
            FilterBody::Pipeline(p) => {
                let names: Vec<&str> = p.chains.iter().map(|c| c.name.as_str()).collect();
                for b in &p.base {
                    let _ = writeln!(
                        s,
                        "  base chain {} priority {} policy {}",
                        p.chains[b.chain].name,
                        b.priority,
                        b.policy.as_str()
                    );
                }
                for c in p.chains.iter() {
                    let _ = writeln!(s, "  chain {}", c.name);
                    for r in &c.rules {
                        rule_line(&mut s, "    ", r, &names);
                    }
                }
            }
        }
    }
    for i in &rs.issues {
        let _ = writeln!(
            s,
            "unsupported {}:{}:{}: {}: {}",
            i.origin.file_name(),
            i.origin.line,
            i.origin.column,
            match i.level {
                IssueLevel::Error => "error",
                IssueLevel::Warning => "warning",
                IssueLevel::Note => "note",
            },
            i.message
        );
    }
    s
}

fn rule_line(s: &mut String, indent: &str, r: &Rule, chains: &[&str]) {
    let effect = match &r.effect {
        Effect::Allow => "allow".to_string(),
        Effect::Deny => "deny".to_string(),
        Effect::Jump(c) => format!("jump {}", chains.get(*c).unwrap_or(&"?")),
        Effect::Goto(c) => format!("goto {}", chains.get(*c).unwrap_or(&"?")),
        Effect::Return => "return".into(),
        Effect::Continue => "continue".into(),
    };
    let _ = writeln!(
        s,
        "{indent}{}:{}:{} {}{} if {}\t# {}",
        r.origin.file_name(),
        r.origin.line,
        r.origin.column,
        if r.enabled { "" } else { "(disabled) " },
        effect,
        match_text(&r.matches),
        r.origin.text().lines().next().unwrap_or("").trim()
    );
}

/// A compact rendering of a match, for `parse --format text`.
pub fn match_text(m: &Match) -> String {
    if m.conds.is_empty() {
        return "any".into();
    }
    m.conds
        .iter()
        .map(cond_text)
        .collect::<Vec<_>>()
        .join(" and ")
}

fn cond_text(c: &Cond) -> String {
    let list = |v: &[crate::model::AddrPattern]| {
        v.iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    match c {
        Cond::Family(f) => format!("family {f:?}").to_lowercase(),
        Cond::Protocol(r) => format!("proto {r}"),
        Cond::SrcAddr(a) => format!("src {}", list(a)),
        Cond::DstAddr(a) => format!("dst {}", list(a)),
        Cond::SrcPort(r) => format!("sport {r}"),
        Cond::DstPort(r) => format!("dport {r}"),
        Cond::IcmpType(r) => format!("icmp-type {r}"),
        Cond::IcmpCode(r) => format!("icmp-code {r}"),
        Cond::TcpFlags(r) => format!("tcp-flags {}", crate::model::tcp_flags::describe(r)),
        Cond::CtState(s) => format!("ct-state {s:?}"),
        Cond::InIface(n) => format!("iif {}", n.join(",")),
        Cond::OutIface(n) => format!("oif {}", n.join(",")),
        Cond::Not(c) => format!("not ({})", cond_text(c)),
        Cond::AnyOf(ms) => format!(
            "({})",
            ms.iter().map(match_text).collect::<Vec<_>>().join(" or ")
        ),
        Cond::Symbolic { field, keyword } => format!("{field:?}={keyword}").to_lowercase(),
        Cond::Opaque { what } => format!("unknown[{what}]"),
    }
}

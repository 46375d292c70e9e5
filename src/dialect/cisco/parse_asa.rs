//! ASA statements: `access-list NAME [line N] extended|standard|remark|webtype|ethertype ...`,
//! `object network|service`, `object-group network|service|protocol|icmp-type`,
//! `name A ALIAS`, `access-group NAME in|out interface IF` and `access-group NAME global`,
//! `clear configure access-list NAME`, and `show access-list` output, whose
//! indented lines are expansions of the line above (never counted twice).

use super::ast::*;
use super::entry::{self, Ctx, Cur};
use super::lex::{Line, Tok};
use super::parse::{strip_show_counters, Parser};
use crate::model::Family;

/// One top-level line. `parent` remembers the last `show` line that may get expansions.
pub fn top(p: &mut Parser, line: &Line, first: &str, parent: &mut Option<(usize, usize)>) {
    match first {
        "access-list" => access_list(p, line, parent),
        "object-group" | "object" => p.group_start(line),
        "name" => name(p, line),
        "access-group" => access_group(p, line),
        "clear" => {
            let toks = line.tokens();
            let w: Vec<&str> = toks.iter().map(|t| t.s).collect();
            if let ["clear", "configure", "access-list", n] = w.as_slice() {
                p.clear_acl(n, Family::Ipv4);
            }
        }
        "ipv6" if line.content().starts_with("ipv6 access-list ") => {
            p.issue(
                false,
                "pre-8.3 `ipv6 access-list` lines are not modelled",
                None,
                line.span(),
            );
        }
        _ => {}
    }
}

/// `name = "name" A ALIAS ["description" TEXT]`
fn name(p: &mut Parser, line: &Line) {
    let toks = line.tokens();
    match (toks.get(1).and_then(|t| entry::parse_ip(t.s)), toks.get(2)) {
        (Some(addr), Some(n)) => p.cfg.names.push(NameDef {
            name: n.s.to_string(),
            addr,
            span: line.span(),
        }),
        _ => p.issue(
            true,
            "expected `name ADDRESS ALIAS`",
            Some("name A ALIAS".into()),
            line.span(),
        ),
    }
}

/// `access_group = "access-group" NAME ("in" | "out") "interface" IF ["control-plane"] | "access-group" NAME "global"`
fn access_group(p: &mut Parser, line: &Line) {
    let toks = line.tokens();
    let w: Vec<&str> = toks.iter().map(|t| t.s).collect();
    let (acl, point, dir) = match w.as_slice() {
        ["access-group", n, d @ ("in" | "out"), "interface", i, ..] => {
            (*n, format!("interface {i}"), *d)
        }
        ["access-group", n, "global"] => (*n, "global".to_string(), "in"),
        _ => {
            p.issue(
                true,
                format!("unrecognised `{}`", line.content()),
                Some("access-group NAME in|out interface IF | access-group NAME global".into()),
                line.span(),
            );
            return;
        }
    };
    p.cfg.binds.push(Bind {
        acl: acl.to_string(),
        point,
        direction: dir.to_string(),
        span: line.span(),
    });
}

/// `access_list = "access-list" NAME ["line" N] ( "remark" TEXT | "extended" entry
///              | "standard" entry | ("webtype" | "ethertype" | "rule-based") ... )`
fn access_list(p: &mut Parser, line: &Line, parent: &mut Option<(usize, usize)>) {
    let toks = line.tokens();
    let span = line.span();
    let Some(name) = toks.get(1) else {
        p.issue(
            true,
            "expected an ACL name",
            Some("access-list NAME".into()),
            span,
        );
        return;
    };
    // `show access-list` summary lines.
    if name.s.ends_with(';') || name.s == "cached" {
        return;
    }
    let mut i = 2;
    let mut line_no: Option<usize> = None;
    if toks.get(2).is_some_and(|t| t.s == "line") {
        line_no = toks.get(3).and_then(|t| t.s.parse().ok());
        i = 4;
    }
    let show = toks.iter().any(|t| t.s.starts_with("(hitcnt="));
    let Some(kw) = toks.get(i) else {
        p.issue(
            true,
            "expected `extended`, `standard` or `remark`",
            Some("extended | standard | remark".into()),
            span,
        );
        return;
    };
    let kind = match kw.s {
        "remark" => None,
        "extended" => Some(AclKind::Extended),
        "standard" => Some(AclKind::Standard),
        "webtype" | "ethertype" | "rule-based" => {
            p.issue(
                false,
                format!("`{}` ACL entries are not modelled", kw.s),
                None,
                span,
            );
            return;
        }
        other => {
            p.issue(
                true,
                format!("unexpected `{other}` after the ACL name"),
                Some("extended | standard | remark".into()),
                span,
            );
            return;
        }
    };
    let idx = p.acl(
        name.s,
        Family::Ipv4,
        kind.unwrap_or(AclKind::Extended),
        span.clone(),
    );
    let item = match kind {
        None => Item::Remark,
        Some(k) => {
            if p.cfg.acls[idx].kind != k
                && !p.cfg.acls[idx]
                    .lines
                    .iter()
                    .all(|l| matches!(l.item, Item::Remark))
            {
                p.issue(
                    true,
                    format!("ACL `{}` mixes standard and extended entries", name.s),
                    None,
                    span.clone(),
                );
            }
            p.cfg.acls[idx].kind = k;
            match parse_entry(p, &toks[i + 1..], k, span.end) {
                Ok(e) => Item::Entry(e),
                Err(e) => {
                    let act = match toks.get(i + 1).map(|t| t.s) {
                        Some("permit") => Some(Action::Permit),
                        Some("deny") => Some(Action::Deny),
                        _ => None,
                    };
                    let issue = Issue {
                        error: true,
                        message: e.message,
                        expected: e.expected,
                        span: e.span,
                    };
                    if show {
                        p.pending = Some(issue);
                    } else {
                        p.cfg.issues.push(issue);
                    }
                    Item::Broken(act)
                }
            }
        }
    };
    let lines = &mut p.cfg.acls[idx].lines;
    let at = match line_no {
        Some(n) if !show && n >= 1 && n - 1 < lines.len() => n - 1,
        _ => lines.len(),
    };
    lines.insert(
        at,
        AclLine {
            seq: None,
            item,
            span,
        },
    );
    if show {
        *parent = Some((idx, at));
    }
}

/// Parse one entry (after `extended`/`standard`), with `show` decorations removed.
fn parse_entry(
    p: &Parser,
    toks: &[Tok],
    kind: AclKind,
    end: usize,
) -> Result<Entry, entry::SyntaxError> {
    let inactive_mark = toks.iter().any(|t| t.s == "(inactive)");
    let toks = strip_show_counters(toks);
    // `fqdn NAME (unresolved)` stays for the address parser.
    let ctx = Ctx {
        flavor: p.flavor,
        family: Family::Ipv4,
        kind,
        show: false,
        kinds: &p.kinds,
        names: &p.names,
    };
    let mut c = Cur::new(toks, end);
    let mut e = entry::entry(&mut c, &ctx)?;
    if inactive_mark {
        e.inactive = true;
    }
    Ok(e)
}

/// An indented `access-list NAME line N extended ...` under a `show` line: an
/// expansion of that line.
pub fn show_child(p: &mut Parser, line: &Line, parent: &mut Option<(usize, usize)>) {
    let toks = line.tokens();
    let span = line.span();
    let Some((idx, at)) = *parent else {
        p.issue(
            true,
            "an indented `access-list` line with no line above it to expand",
            None,
            span,
        );
        return;
    };
    let Some(k) = toks
        .iter()
        .position(|t| t.s == "extended" || t.s == "standard")
    else {
        p.issue(
            true,
            "expected `extended` in an expanded line",
            Some("extended".into()),
            span,
        );
        return;
    };
    let kind = if toks[k].s == "standard" {
        AclKind::Standard
    } else {
        AclKind::Extended
    };
    match parse_entry(p, &toks[k + 1..], kind, span.end) {
        Ok(e) => {
            // Expansions explain the line: its own parse problem no longer matters.
            p.pending = None;
            let l = &mut p.cfg.acls[idx].lines[at];
            let (action, inactive) = match &l.item {
                Item::Entry(pe) => (pe.action, pe.inactive),
                Item::Broken(Some(a)) => (*a, false),
                Item::Expanded {
                    action, inactive, ..
                } => (*action, *inactive),
                _ => (e.action, false),
            };
            match &mut l.item {
                Item::Expanded { children, .. } => children.push((e, span)),
                other => {
                    *other = Item::Expanded {
                        action,
                        inactive,
                        children: vec![(e, span)],
                    }
                }
            }
        }
        Err(e) => {
            p.syntax(e);
        }
    }
}

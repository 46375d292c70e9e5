//! IOS / IOS-XE statements (also the base of NX-OS and IOS-XR):
//! `ip access-list [standard|extended] NAME`, `ipv6 access-list NAME`, numbered
//! `access-list N ...`, `no ...` removals, `object-group`, `interface`/`line`
//! binding contexts, and `show ip access-lists` headers.

use super::ast::AclKind;
use super::lex::{Line, Tok};
use super::parse::{Context, Parser};
use crate::model::Family;

/// Numbered ACL kind: 1-99 and 1300-1999 standard, 100-199 and 2000-2699 extended.
pub fn numbered_kind(n: u32) -> Option<AclKind> {
    match n {
        1..=99 | 1300..=1999 => Some(AclKind::Standard),
        100..=199 | 2000..=2699 => Some(AclKind::Extended),
        _ => None,
    }
}

/// One top-level line.
pub fn top<'a>(p: &mut Parser<'a>, line: &Line<'a>, first: &str) {
    match first {
        "ip" | "ipv6" => {
            let c = line.content();
            if c.starts_with("ip access-list ")
                || c.starts_with("ipv6 access-list ")
                || c == "ip access-list"
            {
                acl_header(p, line);
            }
        }
        "access-list" => numbered(p, line),
        "no" => no(p, line),
        "object-group" => p.group_start(line),
        "interface" | "line" => p.bindable(line),
        "mac" | "arp" | "ethernet-services" if line.content().contains(" access-list ") => {
            p.issue(
                false,
                format!("`{first} access-list` (layer 2) is not modelled"),
                None,
                line.span(),
            );
            p.ctx = Context::Ignored {
                indent: line.indent,
            };
        }
        "Standard" | "Extended" | "Reflexive" | "IP" | "IPv6" | "IPV6" => show_header(p, line),
        _ => {}
    }
}

/// `acl_header = ("ip" ["standard"|"extended"] | "ipv6") "access-list" NAME`
/// (`ip access-list resequence|logging ...` are recognised and not modelled).
fn acl_header(p: &mut Parser, line: &Line) {
    let toks = line.tokens();
    let span = line.span();
    let family = if toks[0].s == "ipv6" {
        Family::Ipv6
    } else {
        Family::Ipv4
    };
    let w = |i: usize| toks.get(i).map(|t| t.s);
    let (kind, name) = match (w(2), w(3)) {
        (Some("standard"), Some(n)) => (AclKind::Standard, n),
        (Some("extended"), Some(n)) => (AclKind::Extended, n),
        (
            Some(
                "resequence"
                | "logging"
                | "log-update"
                | "counters"
                | "match-local-traffic"
                | "persistent"
                | "role-based"
                | "fqdn",
            ),
            _,
        ) => {
            p.issue(
                false,
                format!("`{}` is not modelled", line.content()),
                None,
                span,
            );
            return;
        }
        (Some(n), None) => (AclKind::Extended, n),
        (Some(n), Some(x)) if family == Family::Ipv6 || p.flavor != super::Flavor::Ios => {
            // `ipv6 access-list NAME` with trailing words, or a one-line entry.
            let _ = x;
            (AclKind::Extended, n)
        }
        _ => {
            p.issue(
                true,
                "expected an ACL name",
                Some("ip access-list [standard|extended] NAME".into()),
                span,
            );
            return;
        }
    };
    let idx = p.acl(name, family, kind, span);
    p.ctx = Context::Acl {
        idx,
        indent: line.indent,
    };
}

/// `numbered = "access-list" N ["dynamic" NAME ["timeout" M]] (entry | "remark" TEXT)`
fn numbered<'a>(p: &mut Parser<'a>, line: &Line<'a>) {
    let mut toks = std::mem::take(&mut p.tok_buf);
    line.tokens_into(&mut toks);
    numbered_toks(p, line, &toks);
    p.tok_buf = toks;
}

fn numbered_toks(p: &mut Parser, line: &Line, toks: &[Tok]) {
    let span = line.span();
    let Some(n) = toks.get(1) else {
        p.issue(
            true,
            "expected an ACL number",
            Some("access-list N".into()),
            span,
        );
        return;
    };
    let Ok(num) = n.s.parse::<u32>() else {
        // `access-list NAME extended|standard ...`: named one-line entries as
        // some IOS-family images accept them; masks are wildcards.
        let kind = match toks.get(2).map(|t| t.s) {
            Some("extended") => AclKind::Extended,
            Some("standard") => AclKind::Standard,
            Some("remark") => AclKind::Extended,
            _ => {
                p.issue(true, format!("expected a number or `NAME extended|standard` after `access-list`, found `{}`", n.s), Some("access-list 1-199|1300-2699 | access-list NAME extended".into()), span);
                return;
            }
        };
        let idx = p.acl(n.s, Family::Ipv4, kind, span.clone());
        let from = if toks[2].s == "remark" { 2 } else { 3 };
        if toks.len() > from {
            p.acl_line(idx, line, toks, from);
        }
        return;
    };
    let Some(kind) = numbered_kind(num) else {
        p.issue(
            false,
            format!("numbered ACL {num} is not an IP ACL (not modelled)"),
            None,
            span,
        );
        return;
    };
    let idx = p.acl(n.s, Family::Ipv4, kind, span.clone());
    let mut from = 2;
    if toks.get(2).is_some_and(|t| t.s == "dynamic") {
        p.issue(
            false,
            "dynamic (lock-and-key) entries are not modelled",
            None,
            span.clone(),
        );
        from = 4;
        if toks.get(4).is_some_and(|t| t.s == "timeout") {
            from = 6;
        }
    }
    if toks.len() <= from {
        return;
    }
    p.acl_line(idx, line, toks, from);
}

/// `no = "no" ( "ip" "access-list" [standard|extended] NAME | "ipv6" "access-list" NAME
///            | "ipv4" "access-list" NAME | "access-list" NAME )`
fn no(p: &mut Parser, line: &Line) {
    let toks = line.tokens();
    let w: Vec<&str> = toks.iter().map(|t| t.s).collect();
    match w.as_slice() {
        ["no", "ip", "access-list", "standard" | "extended", name]
        | ["no", "ip" | "ipv4", "access-list", name] => p.clear_acl(name, Family::Ipv4),
        ["no", "ipv6", "access-list", name] => p.clear_acl(name, Family::Ipv6),
        ["no", "access-list", name] => p.clear_acl(name, Family::Ipv4),
        _ => {}
    }
}

/// `show_header = ("Standard" | "Extended" | "Reflexive") "IP" "access" "list" NAME
///              | ("IP" | "IPv6" | "IPV6") "access" "list" NAME`
fn show_header(p: &mut Parser, line: &Line) {
    let toks = line.tokens();
    let w: Vec<&str> = toks.iter().map(|t| t.s).collect();
    let (kind, family, name) = match w.as_slice() {
        ["Standard", "IP", "access", "list", n, ..] => (AclKind::Standard, Family::Ipv4, *n),
        ["Extended" | "Reflexive", "IP", "access", "list", n, ..] => {
            (AclKind::Extended, Family::Ipv4, *n)
        }
        ["IP", "access", "list", n, ..] => (AclKind::Extended, Family::Ipv4, *n),
        ["IPv6" | "IPV6", "access", "list", n, ..] => (AclKind::Extended, Family::Ipv6, *n),
        _ => return,
    };
    let idx = p.acl(name, family, kind, line.span());
    p.cfg.acls[idx].show = true;
    p.ctx = Context::Acl {
        idx,
        indent: line.indent,
    };
}

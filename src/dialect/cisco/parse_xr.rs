//! IOS-XR statements: `ipv4 access-list NAME` / `ipv6 access-list NAME` blocks
//! and their one-line forms (`ipv4 access-list NAME [SEQ] permit ...`),
//! `object-group network ipv4|ipv6 NAME` and `object-group port NAME` (used as
//! `net-group` / `port-group`), `ipv4 access-group NAME ingress|egress` under
//! interfaces. Everything else is as on IOS.

use super::ast::AclKind;
use super::lex::Line;
use super::parse::{Context, Parser};
use crate::model::Family;

/// One top-level line.
pub fn top<'a>(p: &mut Parser<'a>, line: &Line<'a>, first: &str) {
    if first == "ipv4" || first == "ipv6" {
        let c = line.content();
        if c.starts_with("ipv4 access-list ") || c.starts_with("ipv6 access-list ") {
            header(p, line);
        }
        return;
    }
    super::parse_ios::top(p, line, first)
}

/// `header = ("ipv4" | "ipv6") "access-list" NAME [acl_line]`
fn header(p: &mut Parser, line: &Line) {
    let toks = line.tokens();
    let span = line.span();
    let family = if toks[0].s == "ipv6" {
        Family::Ipv6
    } else {
        Family::Ipv4
    };
    let Some(name) = toks.get(2) else {
        p.issue(
            true,
            "expected an ACL name",
            Some("ipv4 access-list NAME".into()),
            span,
        );
        return;
    };
    let idx = p.acl(name.s, family, AclKind::Extended, span);
    if toks.len() > 3 {
        p.acl_line(idx, line, &toks, 3);
    } else {
        p.ctx = Context::Acl {
            idx,
            indent: line.indent,
        };
    }
}

//! Reading a whole file into the vendor tree: finds ACLs, object-groups,
//! objects, names and bindings wherever they are in a running-config or
//! `show` output, and skips every other line after looking at its first word.
//! The flavor-specific statement forms are in `parse_ios`, `parse_asa`,
//! `parse_nxos` and `parse_xr`; this module holds the shared context machine.

use super::ast::*;
use super::entry::{self, Ctx, Cur, SyntaxError};
use super::lex::{self, Line, Tok};
use super::ports::PortProto;
use super::Flavor;
use crate::model::Family;
use std::collections::HashMap;
use std::net::IpAddr;
use std::ops::Range;

/// What the indented lines under the current top-level line belong to.
#[derive(Clone, Debug)]
pub enum Context {
    None,
    Acl {
        idx: usize,
        indent: usize,
    },
    Group {
        idx: usize,
        indent: usize,
        pp: Option<PortProto>,
    },
    /// `interface X` / `line vty 0 4`: binding statements live here.
    Bindable {
        point: String,
        indent: usize,
    },
    /// An ACL-like block that is not modelled (MAC, ARP, ethernet-services):
    /// its lines are consumed (the header carried the warning).
    Ignored {
        indent: usize,
    },
}

/// Parser state for one file.
pub struct Parser<'a> {
    pub flavor: Flavor,
    pub text: &'a str,
    pub cfg: Config,
    pub acl_index: HashMap<(Family, String), usize>,
    pub group_index: HashMap<(bool, String), usize>,
    pub kinds: HashMap<(bool, String), GroupKind>,
    pub names: HashMap<String, IpAddr>,
    pub ctx: Context,
    /// Highest sequence number per ACL (for implicit numbering).
    pub max_seq: Vec<u32>,
    /// Sequence numbers taken by entries, per ACL (duplicates are refused).
    pub used_seq: Vec<SeqSet>,
    /// The ACL found last by [`Parser::acl`] (numbered ACLs repeat their
    /// name on every line).
    last_acl: Option<usize>,
    /// A token buffer shared by the lines of the file (no allocation per line).
    pub tok_buf: Vec<Tok<'a>>,
    /// ASA `show access-list`: a parent line's syntax error, dropped when
    /// expansions follow (they say what the line means).
    pub pending: Option<Issue>,
}

/// Parse a whole file.
pub fn parse(text: &str, flavor: Flavor) -> Config {
    let mut p = Parser {
        flavor,
        text,
        cfg: Config::default(),
        acl_index: HashMap::new(),
        group_index: HashMap::new(),
        kinds: HashMap::new(),
        names: HashMap::new(),
        ctx: Context::None,
        max_seq: Vec::new(),
        used_seq: Vec::new(),
        last_acl: None,
        tok_buf: Vec::with_capacity(32),
        pending: None,
    };
    p.prescan();
    let mut prev_parent: Option<(usize, usize)> = None;
    for line in lex::lines(text) {
        let first = line.first_word();
        if first.is_empty() || first.starts_with('!') || first.starts_with('#') {
            continue;
        }
        if line.indent > 0 {
            if let Some(done) = p.child(&line, &mut prev_parent) {
                if done {
                    continue;
                }
            } else {
                continue;
            }
        }
        p.ctx = Context::None;
        prev_parent = None;
        if let Some(i) = p.pending.take() {
            p.cfg.issues.push(i);
        }
        match flavor {
            Flavor::Asa => super::parse_asa::top(&mut p, &line, first, &mut prev_parent),
            Flavor::Ios => super::parse_ios::top(&mut p, &line, first),
            Flavor::Nxos => super::parse_nxos::top(&mut p, &line, first),
            Flavor::Xr => super::parse_xr::top(&mut p, &line, first),
        }
    }
    if let Some(i) = p.pending.take() {
        p.cfg.issues.push(i);
    }
    p.finish();
    p.cfg
}

impl<'a> Parser<'a> {
    /// Record the kinds of all groups and objects, and `name` aliases, so that
    /// entries can refer to them before their definition and so that ASA
    /// `object-group N` can be told apart as an address or a port operand.
    fn prescan(&mut self) {
        // Most files have neither: skip the line scan (a substring search is
        // far cheaper than splitting the file into lines again).
        let asa = self.flavor == Flavor::Asa;
        if !(self.text.contains("object") || (asa && self.text.contains("name "))) {
            return;
        }
        for line in lex::lines(self.text) {
            if line.indent > 0 {
                continue;
            }
            let c = line.content();
            if c.starts_with("object") {
                let toks = line.tokens();
                if let Some((obj, kind, name, _)) = group_header(&toks) {
                    self.kinds.insert((obj, name.to_string()), kind);
                }
            } else if self.flavor == Flavor::Asa && c.starts_with("name ") {
                let toks = line.tokens();
                if let (Some(a), Some(n)) = (toks.get(1), toks.get(2)) {
                    if let Some(ip) = entry::parse_ip(a.s) {
                        self.names.insert(n.s.to_string(), ip);
                    }
                }
            }
        }
    }

    /// Handle an indented line. `None`: skip it; `Some(true)`: consumed;
    /// `Some(false)`: it is not part of any context (parse as top level).
    fn child(&mut self, line: &Line<'a>, prev_parent: &mut Option<(usize, usize)>) -> Option<bool> {
        match &self.ctx {
            Context::None => {
                // Indented lines of unrelated blocks, and `show` output whose
                // entries are indented under a header we do not model.
                if self.flavor == Flavor::Asa && line.first_word() == "access-list" {
                    super::parse_asa::show_child(self, line, prev_parent);
                    return Some(true);
                }
                None
            }
            &Context::Acl { idx, indent } if line.indent > indent => {
                let mut toks = std::mem::take(&mut self.tok_buf);
                line.tokens_into(&mut toks);
                self.acl_line(idx, line, &toks, 0);
                self.tok_buf = toks;
                Some(true)
            }
            &Context::Group { idx, indent, pp } if line.indent > indent => {
                let mut toks = std::mem::take(&mut self.tok_buf);
                line.tokens_into(&mut toks);
                self.group_member(idx, line, &toks, pp);
                self.tok_buf = toks;
                Some(true)
            }
            Context::Bindable { point, indent } if line.indent > *indent => {
                if is_binding_line(line.content()) {
                    let point = point.clone();
                    self.binding_line(&point, line);
                }
                Some(true)
            }
            &Context::Ignored { indent } if line.indent > indent => Some(true),
            _ => Some(false),
        }
    }

    pub fn issue(
        &mut self,
        error: bool,
        message: impl Into<String>,
        expected: Option<String>,
        span: Range<usize>,
    ) {
        self.cfg.issues.push(Issue {
            error,
            message: message.into(),
            expected,
            span,
        });
    }

    pub fn syntax(&mut self, e: SyntaxError) {
        self.issue(true, e.message, e.expected, e.span);
    }

    /// Find or create the ACL `name` of `family`.
    pub fn acl(&mut self, name: &str, family: Family, kind: AclKind, span: Range<usize>) -> usize {
        if let Some(i) = self.last_acl {
            let a = &self.cfg.acls[i];
            if a.family == family && a.name == name {
                return i;
            }
        }
        let key = (family, name.to_string());
        if let Some(&i) = self.acl_index.get(&key) {
            self.last_acl = Some(i);
            return i;
        }
        let i = self.cfg.acls.len();
        self.cfg.acls.push(Acl {
            name: name.to_string(),
            family,
            kind,
            lines: Vec::new(),
            show: false,
            fragments: None,
            span,
        });
        self.max_seq.push(0);
        self.used_seq.push(Default::default());
        self.acl_index.insert(key, i);
        self.last_acl = Some(i);
        i
    }

    /// `no ip access-list NAME` and friends: forget what was defined so far.
    pub fn clear_acl(&mut self, name: &str, family: Family) {
        if let Some(&i) = self.acl_index.get(&(family, name.to_string())) {
            self.cfg.acls[i].lines.clear();
            self.cfg.acls[i].fragments = None;
            self.max_seq[i] = 0;
            self.used_seq[i].clear();
        }
    }

    /// One line of an ACL body, starting at token `from`:
    /// `acl_line = [SEQ] ( entry | "remark" TEXT ) ["sequence" SEQ] | "no" SEQ
    ///           | "sequence" SEQ entry | "statistics" "per-entry"
    ///           | "fragments" ("permit-all"|"deny-all") | "ignore" "routable"`
    pub fn acl_line(&mut self, idx: usize, line: &Line, toks: &[Tok], from: usize) {
        let span = line.span();
        let mut toks = strip_show_counters(&toks[from..]);
        if toks.is_empty() {
            return;
        }
        let mut seq: Option<u32> = None;
        if toks[0].s.eq_ignore_ascii_case("sequence") && toks.len() > 1 {
            seq = toks[1].s.parse().ok();
            toks = &toks[2..];
        } else if let Ok(n) = toks[0].s.parse::<u32>() {
            seq = Some(n);
            toks = &toks[1..];
        }
        if toks.len() >= 2 && toks[toks.len() - 2].s.eq_ignore_ascii_case("sequence") {
            if let Ok(n) = toks[toks.len() - 1].s.parse::<u32>() {
                seq = Some(n);
                toks = &toks[..toks.len() - 2];
            }
        }
        let Some(first) = toks.first() else {
            self.issue(
                true,
                "a sequence number alone is not an ACL entry",
                Some("permit | deny | remark".into()),
                span,
            );
            return;
        };
        let mut buf = [0u8; 32];
        let w = entry::lc(first.s, &mut buf);
        match w {
            "remark" => {
                let numbered = self.flavor != Flavor::Ios;
                self.push_line(idx, seq, Item::Remark, span, numbered);
            }
            "no" => match toks.get(1).and_then(|t| t.s.parse::<u32>().ok()) {
                Some(n) if toks.len() == 2 => {
                    self.cfg.acls[idx].lines.retain(|l| l.seq != Some(n));
                    self.used_seq[idx].remove(n);
                }
                _ => self.issue(
                    true,
                    "only `no SEQ` is understood inside an ACL",
                    Some("no SEQ".into()),
                    span,
                ),
            },
            "statistics" => {}
            "fragments" if self.flavor == Flavor::Nxos => {
                let a = match toks.get(1).map(|t| t.s) {
                    Some("permit-all") => Action::Permit,
                    Some("deny-all") => Action::Deny,
                    _ => {
                        self.issue(
                            true,
                            "expected `fragments permit-all` or `fragments deny-all`",
                            Some("permit-all | deny-all".into()),
                            span,
                        );
                        return;
                    }
                };
                self.cfg.acls[idx].fragments = Some((a, span));
            }
            "ignore" => self.issue(false, "`ignore routable` is not modelled", None, span),
            "permit" | "deny" => {
                let a = &self.cfg.acls[idx];
                let (family, kind, show) = (a.family, a.kind, a.show);
                let ctx = Ctx {
                    flavor: self.flavor,
                    family,
                    kind,
                    show,
                    kinds: &self.kinds,
                    names: &self.names,
                };
                let mut c = Cur::new(toks, span.end);
                match entry::entry(&mut c, &ctx) {
                    Ok(e) => self.push_line(idx, seq, Item::Entry(e), span, true),
                    Err(e) => {
                        let act = if w == "permit" {
                            Action::Permit
                        } else {
                            Action::Deny
                        };
                        self.syntax(e);
                        self.push_line(idx, seq, Item::Broken(Some(act)), span, true);
                    }
                }
            }
            "evaluate" | "dynamic" => {
                self.issue(false, format!("`{}` entries (reflexive/dynamic ACLs) are not modelled; the entry matches unknown packets", first.s), None, span.clone());
                self.push_line(idx, seq, Item::Broken(None), span, true);
            }
            _ => self.issue(
                true,
                format!("unexpected `{}` in an ACL", first.s),
                Some("[SEQ] permit | deny | remark | no SEQ".into()),
                span,
            ),
        }
    }

    /// Append a line with its sequence number (implicit: highest + 10).
    pub fn push_line(
        &mut self,
        idx: usize,
        seq: Option<u32>,
        item: Item,
        span: Range<usize>,
        numbered: bool,
    ) {
        let seq = if self.flavor == Flavor::Asa {
            None
        } else {
            let s = match seq {
                Some(s) => s,
                None if numbered => self.max_seq[idx].saturating_add(10),
                None => self.max_seq[idx],
            };
            let entry = !matches!(item, Item::Remark);
            if entry && !self.used_seq[idx].insert(s) && seq.is_some() {
                self.issue(
                    true,
                    format!("duplicate sequence number {s}: the device refuses this entry"),
                    None,
                    span,
                );
                return;
            }
            self.max_seq[idx] = self.max_seq[idx].max(s);
            Some(s)
        };
        self.cfg.acls[idx].lines.push(AclLine { seq, item, span });
    }

    /// Find or create a group; redefinitions add members.
    pub fn group(&mut self, obj: bool, kind: GroupKind, name: &str, span: Range<usize>) -> usize {
        let key = (obj, name.to_string());
        if let Some(&i) = self.group_index.get(&key) {
            return i;
        }
        let i = self.cfg.groups.len();
        self.cfg.groups.push(Group {
            name: name.to_string(),
            kind,
            object: obj,
            members: Vec::new(),
            span,
        });
        self.group_index.insert(key, i);
        i
    }

    /// A top-level `object-group ...` / `object ...` line.
    pub fn group_start(&mut self, line: &Line) {
        let toks = line.tokens();
        let span = line.span();
        match group_header(&toks) {
            Some((obj, kind, name, pp)) => {
                let idx = self.group(obj, kind, name, span);
                self.ctx = Context::Group {
                    idx,
                    indent: line.indent,
                    pp,
                };
            }
            None => {
                let what = toks.get(1).map(|t| t.s).unwrap_or("");
                let known = [
                    "user",
                    "security",
                    "time-range",
                    "security-group",
                    "v6-network",
                    "local",
                    "fqdn",
                ];
                if known.contains(&what) {
                    self.issue(
                        false,
                        format!("`{} {what}` groups are not modelled", toks[0].s),
                        None,
                        span,
                    );
                } else {
                    self.issue(
                        true,
                        format!("unknown object-group form `{}`", line.content()),
                        Some("object-group network|service|protocol|icmp-type NAME".into()),
                        span,
                    );
                }
                self.ctx = Context::Ignored {
                    indent: line.indent,
                };
            }
        }
    }

    /// One member line of a group.
    fn group_member(&mut self, idx: usize, line: &Line, toks: &[Tok], pp: Option<PortProto>) {
        let span = line.span();
        if toks.is_empty() {
            return;
        }
        let first = toks[0].s.to_ascii_lowercase();
        if first == "description" || first == "description:" || first == "nat" {
            return;
        }
        let kind = self.cfg.groups[idx].kind;
        let obj = self.cfg.groups[idx].object;
        // NX-OS members may start with a sequence number.
        let toks = if toks[0].s.parse::<u32>().is_ok() && toks.len() > 1 {
            &toks[1..]
        } else {
            toks
        };
        let ctx = Ctx {
            flavor: self.flavor,
            family: Family::Ipv4,
            kind: AclKind::Extended,
            show: false,
            kinds: &self.kinds,
            names: &self.names,
        };
        let r = super::members::member(&mut Cur::new(toks, span.end), &ctx, kind, obj, pp);
        match r {
            Ok(m) => self.cfg.groups[idx].members.push((m, span)),
            Err(e) => self.syntax(e),
        }
    }

    /// Binding statements under `interface` or `line`.
    fn binding_line(&mut self, point: &str, line: &Line) {
        if !is_binding_line(line.content()) {
            return;
        }
        let toks = line.tokens();
        let span = line.span();
        let kw = toks
            .iter()
            .position(|t| matches!(t.s, "access-group" | "traffic-filter" | "access-class"));
        let Some(mut k) = kw else { return };
        // IOS-XR: `ipv4 access-group common COMMON [IFACL] ingress`; the common
        // ACL and the interface ACL both apply.
        if toks.get(k + 1).is_some_and(|t| t.s == "common") {
            k += 1;
            if toks.len() > k + 3 {
                if let Some(common) = toks.get(k + 1) {
                    let dir = toks.last().map(|t| t.s).unwrap_or("ingress");
                    self.cfg.binds.push(Bind {
                        acl: common.s.to_string(),
                        point: point.to_string(),
                        direction: if dir == "egress" { "out" } else { "in" }.to_string(),
                        span: span.clone(),
                    });
                }
                k += 1;
            }
        }
        // IOS-XR lines: `access-class ingress NAME`.
        let swapped;
        let toks: &[Tok] = if matches!(toks.get(k + 1).map(|t| t.s), Some("ingress" | "egress")) {
            let mut v = toks.clone();
            v.swap(k + 1, k + 2.min(toks.len() - 1 - k));
            swapped = v;
            &swapped
        } else {
            &toks
        };
        let (Some(name), dir) = (toks.get(k + 1), toks.get(k + 2)) else {
            self.issue(
                true,
                "binding without an ACL name",
                Some("NAME in|out".into()),
                span,
            );
            return;
        };
        let direction = match dir.map(|t| t.s.to_ascii_lowercase()).as_deref() {
            Some("in") | Some("ingress") => "in",
            Some("out") | Some("egress") => "out",
            // `ip access-group NAME` alone applies inbound on some platforms.
            None => "in",
            Some(other) => {
                self.issue(
                    true,
                    format!("unknown direction `{other}`"),
                    Some("in | out".into()),
                    span,
                );
                return;
            }
        };
        self.cfg.binds.push(Bind {
            acl: name.s.to_string(),
            point: point.to_string(),
            direction: direction.to_string(),
            span,
        });
    }

    /// Start an `interface X` / `line X` context.
    pub fn bindable(&mut self, line: &Line) {
        self.ctx = Context::Bindable {
            point: line.content().to_string(),
            indent: line.indent,
        };
    }

    /// Sort every ACL by sequence number (stable: equal numbers keep file order).
    fn finish(&mut self) {
        if self.flavor == Flavor::Asa {
            return;
        }
        for a in &mut self.cfg.acls {
            a.lines.sort_by_key(|l| l.seq.unwrap_or(0));
        }
    }
}

/// A set of sequence numbers. Entries nearly always come in increasing
/// order, so those are appended to a sorted vector (no hashing, no tree
/// node per entry); the others go to a B-tree (no quadratic case).
#[derive(Default)]
pub struct SeqSet {
    /// Increasing; disjoint from `extra`.
    sorted: Vec<u32>,
    extra: std::collections::BTreeSet<u32>,
}

impl SeqSet {
    /// Insert `s`; false when it was already there.
    pub fn insert(&mut self, s: u32) -> bool {
        match self.sorted.last() {
            Some(&l) if l >= s => self.sorted.binary_search(&s).is_err() && self.extra.insert(s),
            _ if self.extra.contains(&s) => false,
            _ => {
                self.sorted.push(s);
                true
            }
        }
    }
    pub fn remove(&mut self, s: u32) {
        if let Ok(k) = self.sorted.binary_search(&s) {
            self.sorted.remove(k);
        } else {
            self.extra.remove(&s);
        }
    }
    pub fn clear(&mut self) {
        self.sorted.clear();
        self.extra.clear();
    }
}

/// Whether an indented line under `interface`/`line` may bind an ACL.
fn is_binding_line(c: &str) -> bool {
    c.starts_with("ip access-group")
        || c.starts_with("ipv6 traffic-filter")
        || c.starts_with("ipv4 access-group")
        || c.starts_with("ipv6 access-group")
        || c.starts_with("ip port access-group")
        || c.starts_with("ipv6 port traffic-filter")
        || c.starts_with("access-class")
        || c.starts_with("ipv6 access-class")
        || c.starts_with("ip access-class")
}

/// `group_header = "object-group" ( "network" ["ipv4"|"ipv6"] | "ip" "address" | "ipv6" "address"
///                 | "service" [tcp|udp|tcp-udp] | "ip" "port" | "port" | "protocol" | "icmp-type" ) NAME
///               | "object" ("network" | "service") NAME`
pub fn group_header<'t>(
    toks: &'t [Tok<'t>],
) -> Option<(bool, GroupKind, &'t str, Option<PortProto>)> {
    let w = |i: usize| toks.get(i).map(|t| t.s);
    match (w(0)?, w(1)?) {
        ("object", "network") => Some((true, GroupKind::Network, w(2)?, None)),
        ("object", "service") => Some((true, GroupKind::Service, w(2)?, None)),
        ("object-group", "network") => match w(2)? {
            "ipv4" | "ipv6" => Some((false, GroupKind::Network, w(3)?, None)),
            n => Some((false, GroupKind::Network, n, None)),
        },
        ("object-group", "ip") | ("object-group", "ipv6") => match w(2)? {
            "address" => Some((false, GroupKind::Network, w(3)?, None)),
            "port" => Some((false, GroupKind::Port, w(3)?, Some(PortProto::Both))),
            _ => None,
        },
        ("object-group", "port") => Some((false, GroupKind::Port, w(2)?, Some(PortProto::Both))),
        ("object-group", "service") => {
            let name = w(2)?;
            match w(3) {
                Some("tcp") => Some((false, GroupKind::Port, name, Some(PortProto::Tcp))),
                Some("udp") => Some((false, GroupKind::Port, name, Some(PortProto::Udp))),
                Some("tcp-udp") => Some((false, GroupKind::Port, name, Some(PortProto::Both))),
                _ => Some((false, GroupKind::Service, name, None)),
            }
        }
        ("object-group", "protocol") => Some((false, GroupKind::Protocol, w(2)?, None)),
        ("object-group", "icmp-type") => Some((false, GroupKind::IcmpType, w(2)?, None)),
        _ => None,
    }
}

/// Drop `show` output decorations at the end of an entry: `(5 matches)`,
/// `[match=3]`, `(hitcnt=0)`, `(active)`, and the ASA rule hash `0x1a2b3c4d`.
pub fn strip_show_counters<'t, 'a>(toks: &'t [Tok<'a>]) -> &'t [Tok<'a>] {
    // Every decoration starts with `(`, `[`, `0x` or `m`, and a line without
    // one at its end has no `(tag` either unless it has a `(` somewhere.
    let deco_start = |s: &str| matches!(s.as_bytes().first(), Some(b'(' | b'[' | b'0' | b'm'));
    if !toks.last().is_some_and(|t| deco_start(t.s)) && !toks.iter().any(|t| t.s.starts_with('(')) {
        return toks;
    }
    // IOS: `log (tag = NAME)`.
    let mut end = toks
        .iter()
        .position(|t| t.s == "(tag")
        .unwrap_or(toks.len());
    while end > 0 {
        let s = toks[end - 1].s;
        let deco = (s.starts_with("0x")
            && s.len() > 2
            && s[2..].bytes().all(|b| b.is_ascii_hexdigit()))
            || s.starts_with("(hitcnt=")
            || s.starts_with("[match=")
            || s == "(active)"
            || s == "(inactive)"
            || s == "matches)"
            || s == "match)"
            || (s.starts_with('(') && s[1..].bytes().all(|b| b.is_ascii_digit()) && s.len() > 1);
        if deco {
            end -= 1;
        } else {
            break;
        }
    }
    &toks[..end]
}

#[cfg(test)]
mod tests {
    use super::SeqSet;
    use std::collections::BTreeSet;

    #[test]
    fn seq_set_agrees_with_a_set() {
        let mut a = SeqSet::default();
        let mut b = BTreeSet::new();
        let ops = [10u32, 20, 20, 5, 30, 5, 15, 30, 40, 25, 50, 45];
        for (k, &s) in ops.iter().enumerate() {
            if k % 5 == 4 {
                a.remove(s);
                b.remove(&s);
            } else {
                assert_eq!(a.insert(s), b.insert(s), "insert {s}");
            }
        }
        a.remove(50);
        b.remove(&50);
        for s in 0..60 {
            assert_eq!(a.insert(s), b.insert(s), "insert {s}");
        }
    }
}

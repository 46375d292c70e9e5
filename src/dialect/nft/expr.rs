//! Rule-level productions: statements, match expressions (left-hand packet
//! fields and right-hand values, sets, concatenations, ranges, prefixes) and
//! set elements. Each parser skips the blanks before its tokens and stops right
//! after its last token, so spans never include trailing blanks.

use super::ast::*;
use super::lex::{
    addr, after_keyword, fail, keyword, name, number, peek_word, quoted, setref, sp, time_text,
    variable, word, AddrTok, PErr, PResult,
};
use crate::model::{Origin, SourceFile};
use std::cell::{Cell, RefCell};
use std::sync::Arc;

/// Deepest nesting of sets / parentheses accepted (nft's own limit is lower).
pub const MAX_DEPTH: usize = 32;

/// The file being parsed: turns sub-slices of its text into origins.
///
/// Origins are asked for in (nearly) file order, so the line of the last one
/// is cached: an origin on the same line costs a subtraction, a later line a
/// forward scan for newlines, and only an earlier line goes back to
/// [`SourceFile::origin`]'s binary search. The result is identical.
pub struct Cx<'a> {
    pub file: Arc<SourceFile>,
    pub text: &'a str,
    /// Where the tree's nodes go.
    pub arena: &'a Arena,
    /// This file's number in [`Ruleset::files`] (for [`Loc`]s).
    pub file_no: u32,
    line: Cell<LineCache>,
    /// Reused buffers for a rule's statements and a set's elements.
    stmts: RefCell<Vec<Stmt<'a>>>,
    elems: RefCell<Vec<SetElem<'a>>>,
    /// The last `jump`/`goto` node made: rules in a row often jump to the
    /// same chain, and share it.
    last_jump: Cell<Option<&'a Verdict<'a>>>,
}

/// The line holding the last origin's start.
#[derive(Clone, Copy)]
struct LineCache {
    /// Byte offset of the line's first byte.
    start: usize,
    /// Byte offset just after its `\n` (or past the end of the text).
    next: usize,
    /// 1-based line number.
    no: u32,
}

impl<'a> Cx<'a> {
    /// A context for `text`, the text of `file`.
    pub fn new(file: Arc<SourceFile>, text: &'a str, arena: &'a Arena) -> Self {
        let mut cx = Cx {
            file,
            text,
            arena,
            file_no: 0,
            stmts: RefCell::new(Vec::new()),
            elems: RefCell::new(Vec::new()),
            last_jump: Cell::new(None),
            line: Cell::new(LineCache {
                start: 0,
                next: 0,
                no: 1,
            }),
        };
        cx.line = Cell::new(cx.line_at(0, 1));
        cx
    }
    /// The line cache for the line starting at `start` with number `no`.
    fn line_at(&self, start: usize, no: u32) -> LineCache {
        // `find` of a char searches with memchr.
        let next = self.text[start..]
            .find('\n')
            .map_or(usize::MAX, |p| start + p + 1);
        LineCache { start, next, no }
    }
    /// `e`, moved into the arena, or, for the values most rules repeat
    /// (numbers below 1024, protocol and conntrack state names), one shared
    /// static node (see `shared_value`).
    #[inline]
    pub fn alloc(&self, e: Expr<'a>) -> &'a Expr<'a> {
        match shared_value(&e) {
            Some(shared) => shared,
            None => self.arena.alloc(e),
        }
    }
    /// `e` in the arena, or, for the packet fields most matches name
    /// (`ip saddr`, `tcp dport`, `meta l4proto`, `ct state`...), one shared
    /// static node: large rulesets repeat a few dozen fields in every rule.
    #[inline]
    pub fn alloc_field(&self, e: Expr<'a>) -> &'a Expr<'a> {
        match shared_field(&e) {
            Some(shared) => shared,
            None => self.alloc(e),
        }
    }
    /// The verdict as a tree node ([`Verdict::in_arena`]); a `jump` or
    /// `goto` to the same chain as the previous one shares its node.
    pub fn verdict_node(&self, v: Verdict<'a>) -> &'a Verdict<'a> {
        if !matches!(v, Verdict::Jump(_) | Verdict::Goto(_)) {
            return v.in_arena(self.arena);
        }
        match self.last_jump.get() {
            Some(last) if *last == v => last,
            _ => {
                let node = v.in_arena(self.arena);
                self.last_jump.set(Some(node));
                node
            }
        }
    }
    /// A copy of `items` in the arena.
    #[inline]
    pub fn slice<T: Copy>(&self, items: &[T]) -> &'a [T] {
        self.arena.alloc_slice_copy(items)
    }
    /// Byte offset of the sub-slice `s` in the file.
    pub fn off(&self, s: &str) -> usize {
        (s.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize)
    }
    /// Location of the text between `from` (start) and `to` (rest after
    /// it): no line/column is computed.
    pub fn loc(&self, from: &str, to: &str) -> Loc {
        let a = self.off(from);
        let b = self.off(to).max(a);
        Loc::new(self.file_no, a..b)
    }
    /// Byte span of the text between `from` (start) and `to` (rest after
    /// it), for a statement (its rule knows the file).
    pub fn span(&self, from: &str, to: &str) -> Span {
        self.loc(from, to).into()
    }
    /// Origin of the text between `from` (start) and `to` (rest after it).
    pub fn origin(&self, from: &str, to: &str) -> Origin {
        let a = self.off(from);
        let b = self.off(to).max(a);
        self.span_origin(a..b)
    }
    /// Origin of the byte range `span` (as [`SourceFile::origin`] gives it).
    pub fn span_origin(&self, span: std::ops::Range<usize>) -> Origin {
        let t = self.text;
        let end = span.end.min(t.len());
        let start = span.start.min(end);
        if !t.is_char_boundary(start) || !t.is_char_boundary(end) {
            return self.file.origin(span);
        }
        let mut l = self.line.get();
        if start < l.start {
            return self.file.origin(span);
        }
        if start >= l.next {
            while start >= l.next {
                l = self.line_at(l.next, l.no + 1);
            }
            self.line.set(l);
        }
        let before = &t[l.start..start];
        let column = if before.is_ascii() {
            before.len()
        } else {
            before.chars().count()
        };
        Origin {
            file: Arc::clone(&self.file),
            span: start..end,
            line: l.no,
            column: column as u32 + 1,
        }
    }
}

/// The payload fields most rules name, shared by every [`Expr::Payload`]
/// that names them (see [`payload_field`]).
static SHARED_PAYLOADS: [PayloadField<'static>; 15] = {
    const fn p(proto: &'static str, field: &'static str) -> PayloadField<'static> {
        PayloadField { proto, field }
    }
    [
        p("ip", "saddr"),
        p("ip", "daddr"),
        p("ip6", "saddr"),
        p("ip6", "daddr"),
        p("tcp", "dport"),
        p("tcp", "sport"),
        p("udp", "dport"),
        p("udp", "sport"),
        p("th", "dport"),
        p("th", "sport"),
        p("ip", "protocol"),
        p("ip6", "nexthdr"),
        p("icmp", "type"),
        p("icmpv6", "type"),
        p("tcp", "flags"),
    ]
};

/// The conntrack keys most rules name (see [`ct_field`]).
static SHARED_CTS: [CtField<'static>; 3] = [
    CtField {
        key: "state",
        dir: None,
    },
    CtField {
        key: "status",
        dir: None,
    },
    CtField {
        key: "mark",
        dir: None,
    },
];

/// The shared nodes of [`Cx::alloc_field`]: the shared payload fields, the
/// common meta keys, the shared conntrack keys, in this order.
static SHARED_FIELDS: [Expr<'static>; 26] = {
    const fn m(key: &'static str) -> Expr<'static> {
        Expr::Meta { key }
    }
    let p = &SHARED_PAYLOADS;
    let c = &SHARED_CTS;
    [
        Expr::Payload(&p[0]),
        Expr::Payload(&p[1]),
        Expr::Payload(&p[2]),
        Expr::Payload(&p[3]),
        Expr::Payload(&p[4]),
        Expr::Payload(&p[5]),
        Expr::Payload(&p[6]),
        Expr::Payload(&p[7]),
        Expr::Payload(&p[8]),
        Expr::Payload(&p[9]),
        Expr::Payload(&p[10]),
        Expr::Payload(&p[11]),
        Expr::Payload(&p[12]),
        Expr::Payload(&p[13]),
        Expr::Payload(&p[14]),
        m("l4proto"),
        m("nfproto"),
        m("iifname"),
        m("oifname"),
        m("iif"),
        m("oif"),
        m("mark"),
        m("pkttype"),
        Expr::Ct(&c[0]),
        Expr::Ct(&c[1]),
        Expr::Ct(&c[2]),
    ]
};

/// Numbers below this are shared nodes ([`SMALL_NUMBERS`]): well-known
/// ports, protocol numbers, ICMP types, prefix lengths.
const SHARED_NUMBERS: usize = 1024;

/// `Expr::Number(n)` for every `n` below [`SHARED_NUMBERS`].
static SMALL_NUMBERS: [Expr<'static>; SHARED_NUMBERS] = {
    let mut t = [Expr::Number(0); SHARED_NUMBERS];
    let mut n = 0;
    while n < SHARED_NUMBERS {
        t[n] = Expr::Number(n as u64);
        n += 1;
    }
    t
};

/// Names that rules repeat as values: protocols and conntrack states.
static SHARED_SYMBOLS: [Expr<'static>; 17] = [
    Expr::Symbol("tcp"),
    Expr::Symbol("udp"),
    Expr::Symbol("icmp"),
    Expr::Symbol("icmpv6"),
    Expr::Symbol("sctp"),
    Expr::Symbol("gre"),
    Expr::Symbol("esp"),
    Expr::Symbol("ah"),
    Expr::Symbol("new"),
    Expr::Symbol("established"),
    Expr::Symbol("related"),
    Expr::Symbol("invalid"),
    Expr::Symbol("untracked"),
    Expr::Symbol("ipv4"),
    Expr::Symbol("ipv6"),
    Expr::Symbol("ip"),
    Expr::Symbol("ip6"),
];

/// The shared node equal to the value `e`, if there is one. Nodes are
/// immutable, and nothing tells a shared value from its own copy by address
/// (the one node told by its address, [`NO_BIT_SET`], is never handed out
/// here).
#[inline]
fn shared_value(e: &Expr<'_>) -> Option<&'static Expr<'static>> {
    match *e {
        Expr::Number(n) => SMALL_NUMBERS.get(usize::try_from(n).ok()?),
        Expr::Symbol(w) => {
            let k = match w {
                "tcp" => 0,
                "udp" => 1,
                "icmp" => 2,
                "icmpv6" => 3,
                "sctp" => 4,
                "gre" => 5,
                "esp" => 6,
                "ah" => 7,
                "new" => 8,
                "established" => 9,
                "related" => 10,
                "invalid" => 11,
                "untracked" => 12,
                "ipv4" => 13,
                "ipv6" => 14,
                "ip" => 15,
                "ip6" => 16,
                _ => return None,
            };
            Some(&SHARED_SYMBOLS[k])
        }
        _ => None,
    }
}

/// `PROTO FIELD` as a tree node: the shared one when it is common, else a
/// new one in `arena`.
pub fn payload_field<'a>(arena: &'a Arena, proto: &'a str, field: &'a str) -> &'a PayloadField<'a> {
    let k = match (proto, field) {
        ("ip", "saddr") => 0,
        ("ip", "daddr") => 1,
        ("ip6", "saddr") => 2,
        ("ip6", "daddr") => 3,
        ("tcp", "dport") => 4,
        ("tcp", "sport") => 5,
        ("udp", "dport") => 6,
        ("udp", "sport") => 7,
        ("th", "dport") => 8,
        ("th", "sport") => 9,
        ("ip", "protocol") => 10,
        ("ip6", "nexthdr") => 11,
        ("icmp", "type") => 12,
        ("icmpv6", "type") => 13,
        ("tcp", "flags") => 14,
        _ => return arena.alloc(PayloadField { proto, field }),
    };
    &SHARED_PAYLOADS[k]
}

/// `ct [DIR] KEY` as a tree node: shared when common, else new in `arena`.
pub fn ct_field<'a>(arena: &'a Arena, key: &'a str, dir: Option<&'a str>) -> &'a CtField<'a> {
    let k = match (key, dir) {
        ("state", None) => 0,
        ("status", None) => 1,
        ("mark", None) => 2,
        _ => return arena.alloc(CtField { key, dir }),
    };
    &SHARED_CTS[k]
}

/// The index of `x` in `table`, when `x` is one of its elements (by
/// address: the shared fields are recognised without comparing text).
fn index_in<T, U>(table: &[T], x: &U) -> Option<usize> {
    let base = table.as_ptr() as usize;
    let at = (x as *const U as usize).checked_sub(base)?;
    let k = at / std::mem::size_of::<T>();
    (k < table.len() && at % std::mem::size_of::<T>() == 0).then_some(k)
}

/// The shared node equal to `e`, if there is one.
fn shared_field(e: &Expr<'_>) -> Option<&'static Expr<'static>> {
    let k = match *e {
        Expr::Payload(p) => index_in(&SHARED_PAYLOADS, p)?,
        Expr::Meta { key } => match key {
            "l4proto" => 15,
            "nfproto" => 16,
            "iifname" => 17,
            "oifname" => 18,
            "iif" => 19,
            "oif" => 20,
            "mark" => 21,
            "pkttype" => 22,
            _ => return None,
        },
        Expr::Ct(c) => 23 + index_in(&SHARED_CTS, c)?,
        _ => return None,
    };
    Some(&SHARED_FIELDS[k])
}

/// True when, after blanks, the rule ends here (newline, `;`, `}`, end).
pub fn at_rule_end(i: &str) -> bool {
    ends_rule(sp(i))
}

/// [`at_rule_end`] at a position whose blanks are already skipped.
#[inline]
fn ends_rule(j: &str) -> bool {
    j.is_empty() || j.starts_with(['\n', ';', '}'])
}

/// Words that begin a statement (and end the free-form arguments of another).
fn is_stmt_word(w: &str) -> bool {
    matches!(
        w,
        "accept"
            | "drop"
            | "continue"
            | "return"
            | "jump"
            | "goto"
            | "queue"
            | "reject"
            | "counter"
            | "log"
            | "limit"
            | "quota"
            | "snat"
            | "dnat"
            | "masquerade"
            | "redirect"
            | "notrack"
            | "comment"
            | "meter"
            | "fwd"
            | "dup"
            | "tproxy"
            | "synproxy"
    )
}

/// Statement words that can never be a value (`ct status dnat` is a value).
fn is_not_value(w: &str) -> bool {
    matches!(
        w,
        "accept"
            | "drop"
            | "continue"
            | "return"
            | "jump"
            | "goto"
            | "queue"
            | "reject"
            | "counter"
            | "log"
            | "limit"
            | "quota"
            | "notrack"
            | "comment"
            | "meter"
    )
}

/// Bare meta keys (`iifname eth0` means `meta iifname eth0`).
fn is_bare_meta(w: &str) -> bool {
    matches!(
        w,
        "iif"
            | "oif"
            | "iifname"
            | "oifname"
            | "iiftype"
            | "oiftype"
            | "iifgroup"
            | "oifgroup"
            | "iifkind"
            | "oifkind"
            | "mark"
            | "skuid"
            | "skgid"
            | "l4proto"
            | "nfproto"
            | "rtclassid"
            | "ibrname"
            | "obrname"
            | "ibriport"
            | "obriport"
            | "pkttype"
            | "cpu"
            | "cgroup"
            | "nftrace"
            | "secmark"
            | "priority"
            | "random"
            | "sdif"
            | "sdifname"
            | "time"
            | "day"
            | "hour"
    )
}

/// Protocols of payload expressions `PROTO FIELD`.
fn is_payload_proto(w: &str) -> bool {
    matches!(
        w,
        "ip" | "ip6"
            | "tcp"
            | "udp"
            | "udplite"
            | "sctp"
            | "dccp"
            | "th"
            | "icmp"
            | "icmpv6"
            | "igmp"
            | "ah"
            | "esp"
            | "comp"
            | "ether"
            | "vlan"
            | "arp"
            | "gre"
            | "ipcomp"
    )
}

/// `PROTO KIND NAME [FIELD]` expressions (options, chunks) kept opaque.
const SUB_HEADERS: &[(&str, &str)] = &[("tcp", "option"), ("ip", "option"), ("sctp", "chunk")];

/// Extension-header and other expressions with fields fwlint does not decode.
fn is_opaque_expr(w: &str) -> bool {
    matches!(
        w,
        "rt" | "frag"
            | "hbh"
            | "dst"
            | "mh"
            | "srh"
            | "exthdr"
            | "vxlan"
            | "geneve"
            | "gretap"
            | "dccp"
    )
}

/// `rule := stmt+ ["comment" quoted]` — returns the rule without its origin.
pub fn rule_body<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, (&'a [Stmt<'a>], Option<Str<'a>>)> {
    // Statements gather in a reused buffer, then are copied to the arena.
    let mut stmts = cx.stmts.take();
    stmts.clear();
    let mut comment = None;
    let mut i = i;
    loop {
        let j = sp(i);
        if ends_rule(j) {
            break;
        }
        if j.starts_with("comment") && peek_word(j) == Some("comment") {
            let (r, c) = quoted(sp(&j["comment".len()..]))?;
            comment = Some(c);
            i = r;
            continue;
        }
        let (r, st) = stmt(cx, j)?;
        stmts.push(st);
        i = r;
    }
    if stmts.is_empty() && comment.is_none() {
        return fail(sp(i), "a statement");
    }
    let exact = cx.slice(&stmts);
    stmts.clear();
    cx.stmts.replace(stmts);
    Ok((i, (exact, comment)))
}

/// `stmt := verdict | counter | log | reject | nat | queue | limit | quota |
///          set_stmt | meter | other_stmt | match`
pub fn stmt<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Stmt<'a>> {
    let start = sp(i);
    let (r, kind) = stmt_kind(cx, start)?;
    super::reserved::statement_variables(&start[..start.len() - r.len()])
        .map_err(|e| super::lex::reanchor(start, e))?;
    Ok((
        r,
        Stmt {
            kind,
            span: cx.span(start, r),
        },
    ))
}

fn stmt_kind<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, StmtKind<'a>> {
    let w = peek_word(i).unwrap_or("");
    let rest = &i[w.len()..];
    let after = || rest;
    match w {
        "jump" | "goto" if sp(after()).starts_with('{') => {
            let (r, rules) = anon_chain(cx, &sp(after())[1..])?;
            Ok((
                r,
                StmtKind::AnonChain {
                    goto: w == "goto",
                    rules,
                },
            ))
        }
        "accept" | "drop" | "continue" | "return" | "jump" | "goto" => {
            let (r, v) = verdict(i)?;
            Ok((r, StmtKind::Verdict(cx.verdict_node(v))))
        }
        "counter" => counter(cx, after()),
        "log" => log(cx, after()),
        "reject" => {
            let r = after();
            match keyword("with")(sp(r)) {
                Ok((r2, _)) => {
                    let (r3, a) = args(r2)?;
                    Ok((r3, StmtKind::Reject { with: Some(a) }))
                }
                Err(_) => Ok((r, StmtKind::Reject { with: None })),
            }
        }
        "snat" | "dnat" | "masquerade" | "redirect" => {
            let kind = match w {
                "snat" => NatKind::Snat,
                "dnat" => NatKind::Dnat,
                "masquerade" => NatKind::Masquerade,
                _ => NatKind::Redirect,
            };
            let (r, a) = args(after())?;
            Ok((r, StmtKind::Nat { kind, args: a }))
        }
        "queue" => {
            let (r, a) = args(after())?;
            Ok((r, StmtKind::Queue { args: a }))
        }
        "limit" => {
            let (r, a) = args(after())?;
            Ok((r, StmtKind::Limit { args: a }))
        }
        "quota" => {
            let (r, a) = args(after())?;
            Ok((r, StmtKind::Quota { args: a }))
        }
        "notrack" => Ok((after(), StmtKind::Notrack)),
        "set" | "add" | "update" | "delete" if sp(after()).starts_with('@') => {
            let (r, set) = setref(sp(after()))?;
            let (r, key) = update_key(cx, r)?;
            Ok((
                r,
                StmtKind::SetUpdate(cx.arena.alloc(SetUpdate { op: w, set, key })),
            ))
        }
        "ct" if peek_word(sp(after())) == Some("count") => {
            let (r, _) = args(sp(after()))?;
            Ok((
                r,
                StmtKind::Other {
                    keyword: "ct count",
                },
            ))
        }
        "meter" | "fwd" | "dup" | "tproxy" | "synproxy" | "xt" | "flow" | "tunnel" => {
            let (r, _) = args(after())?;
            Ok((r, StmtKind::Other { keyword: w }))
        }
        _ => match_stmt(cx, i),
    }
}

/// `anon_chain := "{" (rule blanks_sep)* "}"` (after `jump`/`goto`).
fn anon_chain<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, &'a [Rule<'a>]> {
    let mut out = Vec::new();
    let mut i = i;
    loop {
        i = super::lex::spsep(i);
        if let Some(r) = i.strip_prefix('}') {
            return Ok((r, cx.slice(&out)));
        }
        if i.is_empty() {
            return fail(i, "'}' closing the anonymous chain");
        }
        let start = i;
        let (r, (stmts, comment)) = rule_body(cx, i)?;
        out.push(Rule {
            stmts,
            comment: comment.map(|c| &*cx.arena.alloc(c)),
            handle: None,
            loc: cx.loc(start, r),
        });
        i = r;
    }
}

/// `update_key := "{" lhs (token)* "}"` — the key of a set update is a packet
/// expression, followed by element options (`timeout 10s`, `counter`, `limit ...`).
fn update_key<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, &'a Expr<'a>> {
    let s = sp(i);
    let Some(t) = s.strip_prefix('{') else {
        return fail(s, "'{'");
    };
    let (mut r, key) = lhs(cx, t)?;
    loop {
        let u = super::lex::spnl(r);
        if let Some(u2) = u.strip_prefix('}') {
            return Ok((u2, cx.alloc(key)));
        }
        if u.is_empty() || u.starts_with(';') {
            return fail(u, "'}'");
        }
        r = skip_token(u)?;
    }
}

/// `verdict := "accept" | "drop" | "continue" | "return" | ("jump"|"goto") name`
pub fn verdict(i: &str) -> PResult<'_, Verdict<'_>> {
    let s = sp(i);
    let (r, w) = word(s)?;
    Ok(match w {
        "accept" => (r, Verdict::Accept),
        "drop" => (r, Verdict::Drop),
        "continue" => (r, Verdict::Continue),
        "return" => (r, Verdict::Return),
        "queue" => (r, Verdict::Queue),
        "jump" | "goto" => {
            let t = sp(r);
            let (r2, n) = match variable(t) {
                Ok((r2, _)) => (r2, &t[..t.len() - r2.len()]),
                Err(_) => super::reserved::ident(t, super::reserved::Place::Jump)?,
            };
            (
                r2,
                if w == "jump" {
                    Verdict::Jump(n)
                } else {
                    Verdict::Goto(n)
                },
            )
        }
        _ => {
            return fail(
                s,
                "a verdict (accept, drop, jump CHAIN, goto CHAIN, continue, return)",
            )
        }
    })
}

/// `counter := "counter" ["packets" number "bytes" number | "name" name]`
fn counter<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, StmtKind<'a>> {
    let mut packets = None;
    let mut bytes = None;
    let mut cname = None;
    let mut i = i;
    loop {
        let s = sp(i);
        match peek_word(s) {
            Some("packets") => {
                let (r, n) = number(sp(keyword("packets")(s)?.0))?;
                packets = Some(n as u64);
                i = r;
            }
            Some("bytes") => {
                let (r, n) = number(sp(keyword("bytes")(s)?.0))?;
                bytes = Some(n as u64);
                i = r;
            }
            Some("name") => {
                let t = sp(keyword("name")(s)?.0);
                let r = match name(t) {
                    Ok((r, _)) if at_rule_end(r) || peek_word(sp(r)).is_some_and(is_stmt_word) => r,
                    _ => args(t)?.0,
                };
                cname = Some(&*cx.arena.alloc(&t[..t.len() - r.len()]));
                i = r;
            }
            _ => break,
        }
    }
    let counts = (packets.is_some() || bytes.is_some()).then(|| {
        let counts = Counts {
            packets: packets.unwrap_or(0),
            bytes: bytes.unwrap_or(0),
        };
        // `nft list ruleset` writes `packets 0 bytes 0` for every counter
        // that has seen nothing: one shared node.
        const ZERO: Counts = Counts {
            packets: 0,
            bytes: 0,
        };
        if counts == ZERO {
            &ZERO
        } else {
            &*cx.arena.alloc(counts)
        }
    });
    Ok((
        i,
        StmtKind::Counter {
            counts,
            name: cname,
        },
    ))
}

/// `log := "log" (("prefix"|"level"|"group"|"snaplen"|"queue-threshold"|"flags") value)*`
fn log<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, StmtKind<'a>> {
    let mut options = Vec::new();
    let mut i = i;
    loop {
        let s = sp(i);
        match peek_word(s) {
            Some(k @ ("prefix" | "level" | "group" | "snaplen" | "queue-threshold")) => {
                let r = sp(word(s)?.0);
                let (r, v) = alt_value_text(r)?;
                options.push((k, v));
                i = r;
            }
            Some("flags") => {
                let mut r = sp(word(s)?.0);
                if let Some("ip" | "tcp") = peek_word(r) {
                    r = sp(word(r)?.0);
                }
                let (r, v) = comma_words(r)?;
                options.push(("flags", v));
                i = r;
            }
            _ => break,
        }
    }
    Ok((
        i,
        StmtKind::Log {
            options: cx.slice(&options),
        },
    ))
}

fn alt_value_text(i: &str) -> PResult<'_, &str> {
    if let Ok(r) = quoted(i) {
        return Ok(r);
    }
    if let Ok((r, _)) = variable(i) {
        return Ok((r, &i[..i.len() - r.len()]));
    }
    time_text(i)
}

fn comma_words(i: &str) -> PResult<'_, &str> {
    let (mut r, _) = word(i)?;
    loop {
        let s = sp(r);
        match s.strip_prefix(',') {
            Some(t) => match word(sp(t)) {
                Ok((t2, _)) => r = t2,
                Err(_) => break,
            },
            None => break,
        }
    }
    Ok((r, &i[..i.len() - r.len()]))
}

/// `args := (token | "{" ... "}" | "(" ... ")")*` up to the end of the rule or
/// the next statement keyword — free-form arguments kept as text.
pub fn args(i: &str) -> PResult<'_, &str> {
    let start = sp(i);
    let mut r = start;
    let mut end = start;
    loop {
        let s = sp(r);
        if at_rule_end(s) {
            break;
        }
        if let Some(w) = peek_word(s) {
            if is_stmt_word(w) {
                break;
            }
        }
        let s2 = skip_token(s)?;
        end = s2;
        r = s2;
    }
    Ok((end, &start[..start.len() - end.len()]))
}

/// Skip one token or one balanced bracketed group.
fn skip_token(s: &str) -> Result<&str, nom::Err<PErr<'_>>> {
    let b = s.as_bytes();
    match b.first() {
        Some(b'"') => quoted(s).map(|(r, _)| r),
        Some(b'{') | Some(b'(') | Some(b'[') => {
            let mut depth = 0usize;
            let mut k = 0;
            while k < b.len() {
                match b[k] {
                    b'{' | b'(' | b'[' => depth += 1,
                    b'}' | b')' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(&s[k + 1..]);
                        }
                    }
                    b'"' => {
                        if let Some(p) = s[k + 1..].find('"') {
                            k += p + 1;
                        }
                    }
                    _ => {}
                }
                k += 1;
            }
            Err(nom::Err::Error(PErr::new(s, "a closing bracket")))
        }
        Some(b'}') | Some(b')') | Some(b']') => {
            Err(nom::Err::Error(PErr::new(s, "a balanced bracket")))
        }
        Some(_) => {
            let n = s
                .bytes()
                .take_while(|c| {
                    !c.is_ascii_whitespace()
                        && !matches!(c, b'{' | b'}' | b'(' | b')' | b';' | b'"' | b'#' | b',')
                })
                .count();
            Ok(&s[n.max(1).min(s.len())..])
        }
        None => Err(nom::Err::Error(PErr::new(s, "more input"))),
    }
}

/// `match := lhs ( "set" rhs | "vmap" (set | setref) | [relop] rhs ["/" rhs_list] )`
fn match_stmt<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, StmtKind<'a>> {
    let (r, left) = lhs(cx, i)?;
    let s = sp(r);
    if let Some(r) = after_keyword(s, "set") {
        let (r, value) = match lhs(cx, r) {
            Ok(x) => x,
            Err(_) => rhs(cx, r, 0)?,
        };
        return Ok((
            r,
            StmtKind::Mangle {
                target: cx.alloc(left),
                value: cx.alloc(value),
            },
        ));
    }
    if let Some(r) = after_keyword(s, "vmap") {
        let t = sp(r);
        let (r, map) = if t.starts_with('@') {
            let (r, n) = setref(t)?;
            (r, Expr::SetRef(n))
        } else if t.starts_with('$') {
            let (r, n) = variable(t)?;
            (r, Expr::Variable(n))
        } else {
            braced_expr(cx, t, 0)?
        };
        return Ok((
            r,
            StmtKind::VerdictMap {
                key: cx.alloc_field(left),
                map: cx.alloc(map),
            },
        ));
    }
    let negation = s
        .strip_prefix('!')
        .filter(|t| !t.starts_with('='))
        .or_else(|| after_keyword(s, "not"));
    if let Some(t) = negation {
        // `LEFT ! V` or `LEFT not V` (how `nft list` writes `LEFT & V ==
        // 0`): no bit of V is set. nft allows it for bitmask types only;
        // lowering reports the others as nft does.
        let (r2, bits) = rhs(cx, t, 0)?;
        return Ok((
            r2,
            masked_match(cx, left, bits, RelOp::Eq, &super::ast::NO_BIT_SET),
        ));
    }
    let (r, op) = relop(s);
    if at_rule_end(r) {
        return fail(sp(r), "a value to compare with");
    }
    let (r, right) = rhs(cx, r, 0)?;
    // `tcp flags syn / syn,ack`: mask form, meaning (flags & mask) OP value.
    let t = sp(r);
    if let Some(m) = t.strip_prefix('/') {
        let (r2, mask) = rhs(cx, m, 0)?;
        // nft takes a number (a prefix length) or a comma list of two values
        // or more after `/`: one flag (`syn / ack`) or a `|` expression is
        // its syntax error ("expecting comma"), checked with `nft -c`.
        if matches!(mask, Expr::Symbol(_) | Expr::Binop { .. }) {
            return fail(
                sp(r2),
                "',' and a second value: a mask after '/' is a comma list",
            );
        }
        return Ok((r2, masked_match(cx, left, mask, op, cx.alloc(right))));
    }
    Ok((
        r,
        StmtKind::Match {
            left: cx.alloc_field(left),
            op,
            right: cx.alloc(right),
        },
    ))
}

/// `LEFT & MASK OP RIGHT`: the `!` form (`LEFT ! MASK`, no bit set) and the
/// `VALUE / MASK` form both compare the masked field.
fn masked_match<'a>(
    cx: &Cx<'a>,
    left: Expr<'a>,
    mask: Expr<'a>,
    op: RelOp,
    right: &'a Expr<'a>,
) -> StmtKind<'a> {
    let masked = Expr::Binop {
        op: BinOp::And,
        left: cx.alloc_field(left),
        right: cx.alloc(mask),
    };
    StmtKind::Match {
        left: cx.alloc(masked),
        op,
        right,
    }
}

/// `first` alone, or `first` and the `rest` that followed it, wrapped by `make`.
fn join<'a>(
    cx: &Cx<'a>,
    first: Expr<'a>,
    mut rest: Vec<Expr<'a>>,
    make: fn(&'a [Expr<'a>]) -> Expr<'a>,
) -> Expr<'a> {
    if rest.is_empty() {
        return first;
    }
    rest.insert(0, first);
    make(cx.slice(&rest))
}

/// `relop := "==" | "!=" | "<=" | ">=" | "<" | ">" | "eq" | "ne" | "lt" | "gt" | "le" | "ge" | ε`
fn relop(i: &str) -> (&str, RelOp) {
    let s = sp(i);
    for (t, op) in [
        ("==", RelOp::Eq),
        ("!=", RelOp::Ne),
        ("<=", RelOp::Le),
        (">=", RelOp::Ge),
        ("<", RelOp::Lt),
        (">", RelOp::Gt),
    ] {
        if let Some(r) = s.strip_prefix(t) {
            return (r, op);
        }
    }
    // The word operators start with e, n, l or g: values usually do not.
    if !s.starts_with(['e', 'n', 'l', 'g']) {
        return (i, RelOp::Implicit);
    }
    if let Some(w) = peek_word(s) {
        let op = match w {
            "eq" => Some(RelOp::Eq),
            "ne" => Some(RelOp::Ne),
            "lt" => Some(RelOp::Lt),
            "gt" => Some(RelOp::Gt),
            "le" => Some(RelOp::Le),
            "ge" => Some(RelOp::Ge),
            _ => None,
        };
        if let Some(op) = op {
            return (&s[w.len()..], op);
        }
    }
    (i, RelOp::Implicit)
}

/// `lhs := lhs_primary ("." lhs_primary)* [binop operand]*`
pub fn lhs<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Expr<'a>> {
    let (mut r, first) = lhs_primary(cx, i)?;
    // Usually a relation or a value follows: none of `.`, a binary
    // operator or `map` can start here, and `first` is the whole result.
    if !sp(r).starts_with(['.', '<', '>', '&', '|', '^', 'm']) {
        return Ok((r, first));
    }
    let mut parts: Vec<Expr> = Vec::new();
    loop {
        let s = sp(r);
        if let Some(t) = s.strip_prefix('.') {
            match lhs_primary(cx, t) {
                Ok((r2, e)) => {
                    parts.push(e);
                    r = r2;
                }
                Err(_) => break,
            }
        } else {
            break;
        }
    }
    let mut e = join(cx, first, parts, Expr::Concat);
    loop {
        let s = sp(r);
        let (op, t) = if let Some(t) = s.strip_prefix("<<") {
            (BinOp::Shl, t)
        } else if let Some(t) = s.strip_prefix(">>") {
            (BinOp::Shr, t)
        } else if let Some(t) = s.strip_prefix('&') {
            (BinOp::And, t)
        } else if let Some(t) = s.strip_prefix('|') {
            (BinOp::Or, t)
        } else if let Some(t) = s.strip_prefix('^') {
            (BinOp::Xor, t)
        } else {
            break;
        };
        let (r2, operand) = operand(cx, t, 0)?;
        e = Expr::Binop {
            op,
            left: cx.alloc(e),
            right: cx.alloc(operand),
        };
        r = r2;
    }
    if let Some(r2) = after_keyword(sp(r), "map") {
        let (r3, m) = rhs(cx, r2, 0)?;
        return Ok((
            r3,
            Expr::Map {
                key: cx.alloc(e),
                map: cx.alloc(m),
            },
        ));
    }
    Ok((r, e))
}

/// `operand := "(" value ("|" value)* ")" | value_list`
fn operand<'a>(cx: &Cx<'a>, i: &'a str, depth: usize) -> PResult<'a, Expr<'a>> {
    let s = sp(i);
    if let Some(t) = s.strip_prefix('(') {
        let mut items = Vec::new();
        let mut r = t;
        loop {
            let (r2, v) = value(cx, r, depth + 1)?;
            items.push(v);
            let u = sp(r2);
            if let Some(u2) = u.strip_prefix(['|', ',']) {
                r = u2;
            } else if let Some(u2) = u.strip_prefix(')') {
                r = u2;
                break;
            } else {
                return fail(u, "'|' or ')'");
            }
        }
        return Ok((
            r,
            if items.len() == 1 {
                items.pop().unwrap_or(Expr::Wildcard)
            } else {
                Expr::List(cx.slice(&items))
            },
        ));
    }
    list(cx, s, depth)
}

/// `lhs_primary := "meta" key | meta_key | "ct" [dir] key | PROTO field
///                | fib | socket | osf | rt | ipsec | numgen | hash | raw_payload`
pub fn lhs_primary<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Expr<'a>> {
    let s = sp(i);
    if s.starts_with('@') {
        // Raw payload `@nh,16,8`.
        let n = s
            .bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'@' | b','))
            .count();
        return Ok((
            &s[n..],
            Expr::Unknown {
                text: s[..n].into(),
            },
        ));
    }
    if s.starts_with('"') {
        let (r, q) = quoted(s)?;
        return Ok((r, Expr::String(q)));
    }
    let (r, w) = match word(s) {
        Ok(x) => x,
        Err(_) => return fail(s, "a statement or a match expression"),
    };
    let unknown = |r: &str| Expr::Unknown {
        text: s[..s.len() - r.len()].into(),
    };
    match w {
        "meta" => {
            let (r2, k) = word(sp(r))?;
            Ok((r2, Expr::Meta { key: k }))
        }
        _ if is_bare_meta(w) => Ok((r, Expr::Meta { key: w })),
        "ct" => {
            let (mut r2, mut k) = word(sp(r))?;
            let mut dir = None;
            if matches!(k, "original" | "reply") {
                dir = Some(k);
                let (r3, k2) = word(sp(r2))?;
                r2 = r3;
                k = k2;
                if matches!(k, "ip" | "ip6") {
                    let (r4, k3) = word(sp(r2))?;
                    r2 = r4;
                    k = k3;
                }
            }
            if k == "count" {
                let mut r3 = r2;
                if let Ok((r4, _)) = keyword("over")(sp(r3)) {
                    r3 = r4;
                }
                let (r3, _) = number(sp(r3))?;
                return Ok((r3, unknown(r3)));
            }
            Ok((r2, Expr::Ct(ct_field(cx.arena, k, dir))))
        }
        _ if SUB_HEADERS
            .iter()
            .any(|(p, k)| *p == w && peek_word(sp(r)) == Some(k)) =>
        {
            let (r2, _) = word(sp(r))?;
            let (mut r2, _) = name(sp(r2))?;
            if let Some(f) = peek_word(sp(r2)) {
                if !is_not_value(f) && !is_value_word(f) && !matches!(f, "set" | "vmap") {
                    r2 = word(sp(r2))?.0;
                }
            }
            Ok((r2, unknown(r2)))
        }
        _ if is_opaque_expr(w) && w != "dccp" => {
            let mut r2 = r;
            for _ in 0..3 {
                match word(sp(r2)) {
                    Ok((r3, f)) if !is_stmt_word(f) && !is_value_word(f) => r2 = r3,
                    _ => break,
                }
                if peek_word(sp(r2)).is_none() {
                    break;
                }
            }
            Ok((r2, unknown(r2)))
        }
        _ if is_payload_proto(w) || w == "dccp" => {
            let (r2, f) =
                word(sp(r)).map_err(|_| nom::Err::Error(PErr::new(sp(r), "a header field")))?;
            Ok((r2, Expr::Payload(payload_field(cx.arena, w, f))))
        }
        "fib" => {
            let mut r2 = r;
            loop {
                let t = sp(r2);
                if let Some(t2) = t.strip_prefix('.') {
                    r2 = t2;
                    continue;
                }
                match word(t) {
                    Ok((r3, "saddr" | "daddr" | "mark" | "iif" | "oif")) => r2 = r3,
                    Ok((r3, "oifname" | "type")) => {
                        r2 = r3;
                        break;
                    }
                    _ => break,
                }
            }
            if let Ok((r3, _)) = keyword("check")(sp(r2)) {
                r2 = r3;
            }
            Ok((r2, unknown(r2)))
        }
        "socket" => {
            let (mut r2, k) = word(sp(r))?;
            if k == "cgroupv2" {
                let (r3, _) = keyword("level")(sp(r2))?;
                r2 = number(sp(r3))?.0;
            }
            Ok((r2, unknown(r2)))
        }
        "osf" => {
            let mut r2 = r;
            if let Ok((r3, _)) = keyword("ttl")(sp(r2)) {
                r2 = word(sp(r3))?.0;
            }
            r2 = word(sp(r2))?.0;
            Ok((r2, unknown(r2)))
        }
        "ipsec" => {
            let mut r2 = word(sp(r))?.0;
            if let Ok((r3, _)) = keyword("spnum")(sp(r2)) {
                r2 = number(sp(r3))?.0;
            }
            if let Ok((r3, f)) = word(sp(r2)) {
                if matches!(f, "ip" | "ip6") {
                    r2 = r3;
                }
            }
            r2 = word(sp(r2))?.0;
            Ok((r2, unknown(r2)))
        }
        "numgen" | "jhash" | "symhash" => {
            // numgen random|inc mod N [offset N]; jhash EXPR mod N [seed N] [offset N]
            let mut r2 = r;
            let mut guard = 0;
            while keyword("mod")(sp(r2)).is_err() {
                if at_rule_end(r2) || guard > 16 {
                    return fail(sp(r2), "'mod'");
                }
                r2 = skip_token(sp(r2))?;
                guard += 1;
            }
            r2 = number(sp(keyword("mod")(sp(r2))?.0))?.0;
            for kw in ["seed", "offset"] {
                if let Ok((r3, _)) = keyword(kw)(sp(r2)) {
                    r2 = number(sp(r3))?.0;
                }
            }
            Ok((r2, unknown(r2)))
        }
        _ => fail(s, "a statement or a match expression"),
    }
}

fn is_value_word(w: &str) -> bool {
    matches!(w, "exists" | "missing")
}

/// `rhs := set | setref | list`
pub fn rhs<'a>(cx: &Cx<'a>, i: &'a str, depth: usize) -> PResult<'a, Expr<'a>> {
    let s = sp(i);
    if s.starts_with('{') {
        return braced_expr(cx, s, depth);
    }
    if s.starts_with('@') {
        let (r, n) = setref(s)?;
        return Ok((r, Expr::SetRef(n)));
    }
    list(cx, s, depth)
}

/// `list := concat ("," concat)*`
fn list<'a>(cx: &Cx<'a>, i: &'a str, depth: usize) -> PResult<'a, Expr<'a>> {
    let (mut r, first) = concat(cx, i, depth)?;
    // Most values are single: the vector is only built for a second one.
    let mut items: Vec<Expr> = Vec::new();
    loop {
        let s = sp(r);
        match s.strip_prefix(',') {
            Some(t) if !at_rule_end(t) => {
                let (r2, e) = concat(cx, t, depth)?;
                items.push(e);
                r = r2;
            }
            _ => break,
        }
    }
    Ok((r, join(cx, first, items, Expr::List)))
}

/// `concat := bitor ("." bitor)*`
pub fn concat<'a>(cx: &Cx<'a>, i: &'a str, depth: usize) -> PResult<'a, Expr<'a>> {
    // Most values stand alone: when no operator of `concat`, `bitor`,
    // `range` or `prefix` follows the value, it is the whole result (exactly
    // what the levels below would return), without passing through them.
    let (r, v) = value(cx, i, depth)?;
    if !r.starts_with('/') && !sp(r).starts_with(['.', '|', '-']) {
        return Ok((r, v));
    }
    let (mut r, first) = bitor_after(cx, v, r, depth)?;
    let mut parts: Vec<Expr> = Vec::new();
    loop {
        let s = sp(r);
        match s.strip_prefix('.') {
            Some(t) => {
                let (r2, e) = bitor(cx, t, depth)?;
                parts.push(e);
                r = r2;
            }
            None => break,
        }
    }
    Ok((r, join(cx, first, parts, Expr::Concat)))
}

/// `bitor := range ("|" range)*` — flag values combined (`fin | ack`).
#[inline(always)]
fn bitor<'a>(cx: &Cx<'a>, i: &'a str, depth: usize) -> PResult<'a, Expr<'a>> {
    let (r, v) = value(cx, i, depth)?;
    bitor_after(cx, v, r, depth)
}

/// `bitor`, its first value `v` already read (`r` is the rest after it).
#[inline(always)]
fn bitor_after<'a>(cx: &Cx<'a>, v: Expr<'a>, r: &'a str, depth: usize) -> PResult<'a, Expr<'a>> {
    let (mut r, mut e) = range_after(cx, v, r, depth)?;
    loop {
        let s = sp(r);
        match s.strip_prefix('|') {
            Some(t) => {
                let (r2, x) = range(cx, t, depth)?;
                e = Expr::Binop {
                    op: BinOp::Or,
                    left: cx.alloc(e),
                    right: cx.alloc(x),
                };
                r = r2;
            }
            None => return Ok((r, e)),
        }
    }
}

/// `range := prefix ["-" prefix]`
#[inline(always)]
fn range<'a>(cx: &Cx<'a>, i: &'a str, depth: usize) -> PResult<'a, Expr<'a>> {
    let (r, v) = value(cx, i, depth)?;
    range_after(cx, v, r, depth)
}

/// `range`, its first value `v` already read.
#[inline(always)]
fn range_after<'a>(cx: &Cx<'a>, v: Expr<'a>, r: &'a str, depth: usize) -> PResult<'a, Expr<'a>> {
    let (r, lo) = prefix_after(cx, v, r)?;
    let s = sp(r);
    if let Some(t) = s.strip_prefix('-') {
        let (r2, hi) = value(cx, t, depth)?;
        let (r2, hi) = prefix_after(cx, hi, r2)?;
        return Ok((r2, Expr::Range(cx.alloc(lo), cx.alloc(hi))));
    }
    Ok((r, lo))
}

/// `prefix := value ["/" number]` (only after an address or a variable),
/// its value `v` already read.
#[inline(always)]
fn prefix_after<'a>(cx: &Cx<'a>, v: Expr<'a>, r: &'a str) -> PResult<'a, Expr<'a>> {
    if matches!(v, Expr::Addr(_) | Expr::Variable(_)) {
        if let Some(t) = r.strip_prefix('/') {
            let (r2, n) = number(t)?;
            if n > 128 {
                return fail(t, "a prefix length of at most 128");
            }
            return Ok((r2, Expr::Prefix(cx.alloc(v), n as u8)));
        }
    }
    Ok((r, v))
}

/// `value := variable | addr | number | quoted | "*" | "(" concat ")" | verdict | word`
pub fn value<'a>(cx: &Cx<'a>, i: &'a str, depth: usize) -> PResult<'a, Expr<'a>> {
    if depth > MAX_DEPTH {
        return fail(i, "less deeply nested values");
    }
    let s = sp(i);
    match s.as_bytes().first() {
        Some(b'$') => {
            let (r, n) = variable(s)?;
            return Ok((r, Expr::Variable(n)));
        }
        Some(b'"') => {
            let (r, q) = quoted(s)?;
            return Ok((r, Expr::String(q)));
        }
        Some(b'*') => return Ok((&s[1..], Expr::Wildcard)),
        Some(b'{') => return braced_expr(cx, s, depth + 1),
        Some(b'@') => {
            let (r, n) = setref(s)?;
            return Ok((r, Expr::SetRef(n)));
        }
        Some(b'(') => {
            let (r, e) = list(cx, &s[1..], depth + 1)?;
            let t = sp(r);
            return match t.strip_prefix(')') {
                Some(r2) => Ok((r2, e)),
                None => fail(t, "')'"),
            };
        }
        _ => {}
    }
    // Numbers start with a digit, addresses with a hex digit or ':'
    // or `[`: other words (`tcp`, `new`, `established`)
    // skip both tests.
    let first = s.as_bytes().first().copied().unwrap_or(0);
    if !first.is_ascii_hexdigit() && !matches!(first, b':' | b'-' | b'[') {
        return word_value(cx, s);
    }
    // A number is never the start of an address (`number` refuses digits
    // followed by `.` or `:`), so the cheaper test goes first.
    if let Ok((r, n)) = number(s) {
        let text = &s[..s.len() - r.len()];
        return Ok((r, u64::try_from(n).map_or(Expr::Symbol(text), Expr::Number)));
    }
    if let Ok((r, a)) = addr(s) {
        return Ok((
            r,
            match a {
                AddrTok::Ip(ip) => Expr::Addr(ip),
                AddrTok::Mac(m) => Expr::Symbol(m),
            },
        ));
    }
    if let Some(t) = s.strip_prefix('-') {
        // A negative number (priorities in defines): kept as text.
        if let Ok((r, _)) = number(t) {
            return Ok((r, Expr::Symbol(s[..s.len() - r.len()].into())));
        }
    }
    word_value(cx, s)
}

/// The rest of [`value`]: a verdict (`jump c` as map data) or a name.
fn word_value<'a>(cx: &Cx<'a>, s: &'a str) -> PResult<'a, Expr<'a>> {
    match word(s) {
        Ok((_, "jump" | "goto")) => {
            let (r, v) = verdict(s)?;
            Ok((r, Expr::Verdict(cx.verdict_node(v))))
        }
        Ok((_, w)) if is_not_value(w) => {
            fail(s, "a value (address, number, name, set or $variable)")
        }
        Ok((r, w)) => Ok((r, Expr::Symbol(w))),
        Err(_) => fail(s, "a value (address, number, name, set or $variable)"),
    }
}

/// `braced := "{" [elem ("," elem)* [","]] "}"` — an anonymous set or map.
pub fn braced_expr<'a>(cx: &Cx<'a>, i: &'a str, depth: usize) -> PResult<'a, Expr<'a>> {
    let (r, elems) = elements(cx, i, depth)?;
    Ok((r, Expr::Set(elems)))
}

/// `elements := "{" blanks [elem (blanks "," blanks elem)* [","]] blanks "}"`
pub fn elements<'a>(cx: &Cx<'a>, i: &'a str, depth: usize) -> PResult<'a, &'a [SetElem<'a>]> {
    if depth > MAX_DEPTH {
        return fail(i, "less deeply nested sets");
    }
    let s = sp(i);
    let Some(mut r) = s.strip_prefix('{') else {
        return fail(s, "'{'");
    };
    // As in `rule_body`: a reused buffer, then a copy in the arena.
    let mut out = cx.elems.take();
    out.clear();
    loop {
        let t = super::lex::spnl(r);
        if let Some(t2) = t.strip_prefix('}') {
            let exact = cx.slice(&out);
            out.clear();
            cx.elems.replace(out);
            return Ok((t2, exact));
        }
        if let Some(t2) = t.strip_prefix(',') {
            r = t2;
            continue;
        }
        if t.is_empty() {
            return fail(t, "'}' closing the set");
        }
        let (r2, e) = elem(cx, t, depth + 1)?;
        out.push(e);
        let u = super::lex::spnl(r2);
        if !(u.starts_with(',') || u.starts_with('}')) {
            return fail(u, "',' or '}' in the set");
        }
        r = u;
    }
}

/// `elem := concat [":" (verdict | concat)] elem_option*`
/// `elem_option := "timeout" time | "expires" time | "comment" quoted
///               | "counter" ["packets" number "bytes" number]`
pub fn elem<'a>(cx: &Cx<'a>, i: &'a str, depth: usize) -> PResult<'a, SetElem<'a>> {
    let start = sp(i);
    let (mut r, key) = concat(cx, start, depth)?;
    let mut options = Vec::new();
    let mut value_e = None;
    let opts = |r: &'a str, options: &mut Vec<(Str<'a>, Str<'a>)>| -> PResult<'a, ()> {
        let mut r = r;
        loop {
            let t = sp(r);
            match peek_word(t) {
                Some(k @ ("timeout" | "expires")) => {
                    let (r2, v) = time_text(sp(word(t)?.0))?;
                    options.push((k, v));
                    r = r2;
                }
                Some("comment") => {
                    let (r2, v) = quoted(sp(word(t)?.0))?;
                    options.push(("comment", v));
                    r = r2;
                }
                Some("counter") => {
                    let (r2, _) = counter(cx, word(t)?.0)?;
                    options.push(("counter", t[..t.len() - r2.len()].trim()));
                    r = r2;
                }
                Some(k @ ("limit" | "quota" | "ct")) => {
                    let mut r2 = word(t)?.0;
                    loop {
                        let u = sp(r2);
                        if u.is_empty() || u.starts_with([',', '}', ':', '\n']) {
                            break;
                        }
                        r2 = skip_token(u)?;
                    }
                    options.push((k, t[k.len()..t.len() - r2.len()].trim()));
                    r = r2;
                }
                _ => return Ok((r, ())),
            }
        }
    };
    r = opts(r, &mut options)?.0;
    let t = sp(r);
    if let Some(t2) = t.strip_prefix(':') {
        let u = sp(t2);
        let (r2, v) = if matches!(
            peek_word(u),
            Some("accept" | "drop" | "continue" | "return" | "jump" | "goto" | "queue")
        ) {
            let (r2, v) = verdict(u)?;
            (r2, Expr::Verdict(cx.verdict_node(v)))
        } else {
            concat(cx, u, depth)?
        };
        value_e = Some(cx.alloc(v));
        r = opts(r2, &mut options)?.0;
    }
    Ok((
        r,
        SetElem {
            key: cx.alloc(key),
            value: value_e,
            options: cx.slice(&options),
            loc: cx.loc(start, r),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each shared node is found for an equal expression, and only for it
    /// (the tables and the lookups agree, index by index).
    #[test]
    fn shared_fields_stand_for_equal_nodes() {
        let arena = Arena::new();
        for node in &SHARED_FIELDS {
            // The parsers reach the shared fields through `payload_field`
            // and `ct_field`: those give the table's own nodes.
            let via_parser = match *node {
                Expr::Payload(p) => Expr::Payload(payload_field(&arena, p.proto, p.field)),
                Expr::Ct(c) => Expr::Ct(ct_field(&arena, c.key, c.dir)),
                other => other,
            };
            let found = shared_field(&via_parser).expect("a shared node is found");
            assert!(std::ptr::eq(found, node), "{node:?} -> {found:?}");
            assert_eq!(format!("{found:?}"), format!("{node:?}"));
        }
        let window = payload_field(&arena, "tcp", "window");
        assert_eq!(window.field, "window");
        assert!(shared_field(&Expr::Payload(window)).is_none());
        let reply = ct_field(&arena, "state", Some("reply"));
        assert_eq!(reply.dir, Some("reply"));
        assert!(shared_field(&Expr::Ct(reply)).is_none());
        // An equal field elsewhere is not mistaken for a table entry.
        let copy = arena.alloc(PayloadField {
            proto: "ip",
            field: "saddr",
        });
        assert!(shared_field(&Expr::Payload(copy)).is_none());
    }

    fn cx(text: &'static str) -> Cx<'static> {
        let arena: &'static Arena = Box::leak(Box::new(Arena::new()));
        Cx::new(SourceFile::new("t.nft", text), text, arena)
    }

    /// Rules in a row that jump to the same chain share one verdict node;
    /// another chain, or a goto, gets its own.
    #[test]
    fn jumps_to_one_chain_share_a_node() {
        let c = cx("");
        let a = c.verdict_node(Verdict::Jump("svc"));
        let b = c.verdict_node(Verdict::Jump("svc"));
        assert!(std::ptr::eq(a, b));
        let g = c.verdict_node(Verdict::Goto("svc"));
        assert_eq!(*g, Verdict::Goto("svc"));
        let other = c.verdict_node(Verdict::Jump("web"));
        assert_eq!(*other, Verdict::Jump("web"));
        assert!(!std::ptr::eq(a, other));
        assert_eq!(*c.verdict_node(Verdict::Accept), Verdict::Accept);
    }

    /// Each shared value node equals the value it stands for, and values
    /// outside the tables get their own node.
    #[test]
    fn shared_values_stand_for_equal_nodes() {
        for (n, node) in SMALL_NUMBERS.iter().enumerate() {
            let found = shared_value(&Expr::Number(n as u64)).expect("shared");
            assert!(std::ptr::eq(found, node));
            assert!(matches!(found, Expr::Number(m) if *m == n as u64));
        }
        assert!(shared_value(&Expr::Number(SHARED_NUMBERS as u64)).is_none());
        assert!(shared_value(&Expr::Number(u64::MAX)).is_none());
        for node in &SHARED_SYMBOLS {
            let Expr::Symbol(w) = node else {
                panic!("{node:?}")
            };
            let found = shared_value(&Expr::Symbol(w)).expect("shared");
            assert!(std::ptr::eq(found, node), "{w}");
        }
        assert!(shared_value(&Expr::Symbol("ssh")).is_none());
        assert!(shared_value(&Expr::String("tcp")).is_none());
        let c = cx("");
        assert!(matches!(c.alloc(Expr::Number(5000)), Expr::Number(5000)));
    }

    /// `value` sends words that cannot be numbers or addresses straight to
    /// the name reader; every other start still reaches the number and
    /// address readers.
    #[test]
    fn values_by_their_first_character() {
        let kinds = [
            ("[2001:db8::1] accept", "addr"),
            ("::1 accept", "addr"),
            ("fe80::1", "addr"),
            ("aa:bb:cc:dd:ee:ff", "symbol"),
            ("-5", "symbol"),
            ("443", "number"),
            ("0x1f", "number"),
            ("10.0.0.1", "addr"),
            ("established", "symbol"),
            ("_x", "symbol"),
            ("jump c", "verdict"),
        ];
        for (text, kind) in kinds {
            let c = cx(text);
            let (_, e) = value(&c, c.text, 0).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            let got = match e {
                Expr::Addr(_) => "addr",
                Expr::Symbol(_) => "symbol",
                Expr::Number(_) => "number",
                Expr::Verdict(_) => "verdict",
                _ => "other",
            };
            assert_eq!(got, kind, "{text}");
        }
        let c = cx("accept");
        assert!(value(&c, c.text, 0).is_err());
    }

    #[test]
    fn cached_origins_equal_the_source_files() {
        let text = "ab\n\n  é x\r\n\nzz ü\nlast";
        let c = cx(text);
        let offs: Vec<usize> = (0..=text.len())
            .filter(|&k| text.is_char_boundary(k))
            .collect();
        // Forward, backward and repeated queries, in that order.
        let order = offs.iter().chain(offs.iter().rev()).chain(offs.iter());
        for &a in order {
            for &b in offs.iter().filter(|&&b| b >= a).take(3) {
                let want = c.file.origin(a..b);
                let got = c.span_origin(a..b);
                assert_eq!(
                    (got.line, got.column, got.span.clone()),
                    (want.line, want.column, want.span.clone()),
                    "{a}..{b}"
                );
            }
        }
    }

    fn rule(text: &'static str) -> Vec<StmtKind<'static>> {
        let c = cx(text);
        let (r, (stmts, _)) = rule_body(&c, text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert!(at_rule_end(r), "left {r:?}");
        stmts.iter().map(|s| s.kind).collect()
    }

    #[test]
    fn simple_match_and_verdict() {
        let s = rule("tcp dport 22 accept");
        assert!(
            matches!(&s[0], StmtKind::Match { left: Expr::Payload(PayloadField { proto, field }), op: RelOp::Implicit, right: Expr::Number(22) } if *proto == "tcp" && *field == "dport")
        );
        assert!(matches!(s[1], StmtKind::Verdict(Verdict::Accept)));
    }

    #[test]
    fn sets_ranges_prefixes_and_negation() {
        let s =
            rule("ip saddr != { 10.0.0.0/8, 192.168.1.1-192.168.1.9 } tcp dport 1000-2000 drop");
        match &s[0] {
            StmtKind::Match {
                op: RelOp::Ne,
                right: Expr::Set(e),
                ..
            } => {
                assert_eq!(e.len(), 2);
                assert!(matches!(e[0].key, Expr::Prefix(_, 8)));
                assert!(matches!(e[1].key, Expr::Range(..)));
            }
            o => panic!("{o:?}"),
        }
        assert!(matches!(
            &s[1],
            StmtKind::Match {
                right: Expr::Range(..),
                ..
            }
        ));
    }

    #[test]
    fn comma_lists_and_masks() {
        let s = rule("ct state established,related accept");
        assert!(
            matches!(&s[0], StmtKind::Match { left: Expr::Ct { .. }, right: Expr::List(l), .. } if l.len() == 2)
        );
        let s = rule("tcp flags syn / syn,ack counter");
        assert!(
            matches!(&s[0], StmtKind::Match { left: Expr::Binop { op: BinOp::And, .. }, right: Expr::Symbol(x), .. } if *x == "syn")
        );
        let s = rule("tcp flags & (syn|ack) == syn");
        assert!(
            matches!(&s[0], StmtKind::Match { left: Expr::Binop { right, .. }, op: RelOp::Eq, .. } if matches!(**right, Expr::List(_)))
        );
    }

    #[test]
    fn concatenations_and_vmaps() {
        let s = rule("ip saddr . tcp dport { 1.2.3.4 . 22, 5.6.7.8 . 80 } accept");
        assert!(
            matches!(&s[0], StmtKind::Match { left: Expr::Concat(l), right: Expr::Set(e), .. } if l.len() == 2 && e.len() == 2)
        );
        let s = rule("tcp dport vmap { 22 : accept, 80 : jump web }");
        match &s[0] {
            StmtKind::VerdictMap {
                map: Expr::Set(e), ..
            } => {
                assert!(matches!(e[1].value, Some(Expr::Verdict(Verdict::Jump(c))) if *c == "web"));
            }
            o => panic!("{o:?}"),
        }
        let s = rule("meta l4proto . th dport vmap @m");
        assert!(matches!(&s[0], StmtKind::VerdictMap { map: Expr::SetRef(n), .. } if *n == "m"));
    }

    /// After `/`, nft wants a number or a comma list: `syn / ack` and
    /// `syn / syn|ack` are its syntax errors (checked with `nft -c`).
    #[test]
    fn masks_are_comma_lists_or_numbers() {
        for bad in [
            "tcp flags syn / ack accept",
            "tcp flags syn / syn|ack accept",
        ] {
            assert!(rule_body(&cx(bad), bad).is_err(), "{bad}");
        }
        rule("tcp flags syn / syn,ack accept");
        rule("tcp flags 0x2 / 3 accept");
        rule("ct state new / new,established accept");
    }

    #[test]
    fn statements() {
        let s = rule("counter packets 5 bytes 300 log prefix \"x: \" level info reject with icmp type host-unreachable");
        assert!(matches!(
            s[0],
            StmtKind::Counter {
                counts: Some(Counts {
                    packets: 5,
                    bytes: 300
                }),
                ..
            }
        ));
        assert!(matches!(&s[1], StmtKind::Log { options } if options.len() == 2));
        assert!(
            matches!(&s[2], StmtKind::Reject { with: Some(w) } if *w == "icmp type host-unreachable")
        );
        for (text, counts) in [
            ("counter packets 0 bytes 0", Some((0, 0))),
            ("counter packets 0 bytes 7", Some((0, 7))),
            ("counter bytes 9", Some((0, 9))),
            ("counter", None),
        ] {
            let s = rule(text);
            let StmtKind::Counter { counts: got, .. } = s[0] else {
                panic!("{text}: {:?}", s[0])
            };
            assert_eq!(got.map(|c| (c.packets, c.bytes)), counts, "{text}");
        }
        let s = rule("meta mark set 0x1 ct mark set meta mark");
        assert!(matches!(s[0], StmtKind::Mangle { .. }));
        assert!(matches!(s[1], StmtKind::Mangle { .. }));
        let s = rule("ip daddr 1.2.3.4 tcp dport 80 dnat to 10.0.0.1:8080");
        assert!(
            matches!(&s[2], StmtKind::Nat { kind: NatKind::Dnat, args } if *args == "to 10.0.0.1:8080")
        );
        let s = rule("limit rate 10/second burst 5 packets accept");
        assert!(
            matches!(&s[0], StmtKind::Limit { args } if *args == "rate 10/second burst 5 packets")
        );
        let s = rule("add @s { ip saddr timeout 10s } drop");
        assert!(matches!(&s[0], StmtKind::SetUpdate(u) if u.set == "s"));
        let s = rule("fib daddr type local accept");
        assert!(
            matches!(&s[0], StmtKind::Match { left: Expr::Unknown { text }, .. } if *text == "fib daddr type")
        );
        let s = rule("iifname \"eth*\" oif lo jump c");
        assert!(matches!(&s[0], StmtKind::Match { right: Expr::String(x), .. } if *x == "eth*"));
        assert!(matches!(&s[2], StmtKind::Verdict(Verdict::Jump(c)) if *c == "c"));
    }

    #[test]
    fn errors_say_what_was_expected() {
        let c = cx("tcp dport");
        let e = rule_body(&c, c.text).unwrap_err();
        match e {
            nom::Err::Error(p) => assert!(p.expected.contains("value"), "{}", p.expected),
            _ => panic!(),
        }
        let c = cx("ip saddr { 1.2.3.4");
        assert!(rule_body(&c, c.text).is_err());
    }
}

//! Names that nft refuses: a bare word that nft's scanner turns into a
//! keyword token cannot stand where the grammar wants a name (`identifier`),
//! so `table ip t { chain fwd { ... } }` fails to load. This module holds
//! those words and the check the parser runs where it reads a name (never per
//! token).
//!
//! Where the list comes from: nftables 1.0.6 `src/scanner.l` and
//! `src/parser_bison.y`. `identifier` there is the `STRING` token only, so
//! every keyword the scanner can return at that point is refused; quoted
//! names (`QUOTED_STRING`) and numbers (`NUM`) are refused too. Which
//! keywords the scanner returns depends on its start condition:
//! - keyword rules without a start condition are active everywhere:
//!   [`ALWAYS`], refused in every name position;
//! - rules under a start condition (`<SCANSTATE_CT>"zone"`) are keywords only
//!   while that condition is on the scanner's stack. It is still active when
//!   the name of some objects is read (`counter NAME`, `ct helper NAME`...) and
//!   after `@` (`SCANSTATE_AT`): those positions refuse a few more words.
//!
//! Every word and position was verified against the real `nft -c -f` (1.0.6)
//! in a network namespace: `tests/nft_reserved_oracle.rs` re-checks them all.
//!
//! A `$variable` read while a statement's start condition is still active
//! refuses that condition's words too: nft reads `$` and then the name as a
//! token of its own, so `ct mark set $zone` fails ("unexpected zone, expecting
//! string"). The statements whose start condition stays on while their
//! arguments are read ([`Scope`]: `ct ... set`, `meta KEY set`, `counter`,
//! `limit`, `quota`, `synproxy`, the NAT statements, `tproxy`, `dup`, `fwd`,
//! `queue`, and a chain's `policy`) are checked by [`statement_variables`]
//! after the statement is read; a match (`ct mark $zone`) closes its
//! condition before the value and refuses only [`ALWAYS`] (checked with
//! `nft -c` for every word of every start condition: only the words of the
//! statement's own condition are refused). Where nft's grammar takes no
//! variable at all (`log prefix $p`, `reject with icmp type $t`, `limit rate
//! $n/second`, `ct count $n`...), the `$` itself is the syntax error.
//! `tests/nft_reserved_oracle.rs` checks all of it against `nft -c`.

use super::lex::{name, peek_word, sp, word, PErr, PResult};
use std::borrow::Cow;

/// Where a name stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Table,
    Chain,
    Set,
    Map,
    /// `define NAME`, `redefine NAME`, `undefine NAME`.
    Define,
    /// `jump NAME`, `goto NAME`.
    Jump,
    /// `@NAME`.
    SetRef,
    /// `$NAME`.
    Variable,
    /// The name of a stateful object or flowtable.
    Object(Obj),
    /// `$NAME` in the arguments of a statement whose scanner start
    /// condition is still active there.
    ScopedVariable(Scope),
}

/// Statements that keep their scanner start condition active while their
/// arguments (and the variables in them) are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// `ct [DIR] KEY set ...` (`SCANSTATE_CT`).
    Ct,
    /// `meta KEY set ...` (`SCANSTATE_META`; not the bare `mark set ...`).
    Meta,
    /// `counter name ...`.
    Counter,
    /// `limit name ...`.
    Limit,
    /// `quota name ...`.
    Quota,
    /// `synproxy name ...`.
    Synproxy,
    /// `snat`, `dnat`, `masquerade`, `redirect`.
    Nat,
    /// `tproxy to ...`.
    Tproxy,
    /// `dup to ... [device ...]`.
    Dup,
    /// `fwd to ...`.
    Fwd,
    /// `queue num ...`, `queue to ...`.
    Queue,
    /// A chain's `policy ...` (`SCANSTATE_POLICY`).
    Policy,
}

impl Scope {
    /// The scope of the statement `stmt` (its text, from its first word),
    /// if it keeps one open over its arguments.
    fn of(stmt: &str) -> Option<Scope> {
        let first = peek_word(stmt)?;
        let has_set = || {
            stmt.split(|c: char| c.is_ascii_whitespace())
                .any(|w| w == "set")
        };
        Some(match first {
            "ct" if has_set() => Scope::Ct,
            "meta" if has_set() => Scope::Meta,
            "counter" => Scope::Counter,
            "limit" => Scope::Limit,
            "quota" => Scope::Quota,
            "synproxy" => Scope::Synproxy,
            "snat" | "dnat" | "masquerade" | "redirect" => Scope::Nat,
            "tproxy" => Scope::Tproxy,
            "dup" => Scope::Dup,
            "fwd" => Scope::Fwd,
            "queue" => Scope::Queue,
            _ => return None,
        })
    }

    /// The statement, for messages.
    fn name(self) -> &'static str {
        match self {
            Scope::Ct => "ct ... set",
            Scope::Meta => "meta ... set",
            Scope::Counter => "counter",
            Scope::Limit => "limit",
            Scope::Quota => "quota",
            Scope::Synproxy => "synproxy",
            Scope::Nat => "snat/dnat/masquerade/redirect",
            Scope::Tproxy => "tproxy",
            Scope::Dup => "dup",
            Scope::Fwd => "fwd",
            Scope::Queue => "queue",
            Scope::Policy => "policy",
        }
    }

    /// Its start condition's words (sorted).
    fn words(self) -> &'static [&'static str] {
        match self {
            Scope::Ct => &CT_WORDS,
            Scope::Meta => &META_WORDS,
            Scope::Counter => &COUNTER_WORDS,
            Scope::Limit => &LIMIT_WORDS,
            Scope::Quota => &QUOTA_WORDS,
            Scope::Synproxy => &SYNPROXY_WORDS,
            Scope::Nat => &NAT_WORDS,
            Scope::Tproxy | Scope::Dup | Scope::Fwd => &TO_WORDS,
            Scope::Queue => &QUEUE_WORDS,
            Scope::Policy => &POLICY_WORDS,
        }
    }
}

/// Kinds of named objects declared in a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Obj {
    Counter,
    Quota,
    Limit,
    Synproxy,
    Secmark,
    Flowtable,
    CtHelper,
    CtTimeout,
    CtExpectation,
}

impl Place {
    /// What the grammar wants there, for the message.
    fn what(self) -> &'static str {
        match self {
            Place::Table => "a table name",
            Place::Chain => "a chain name",
            Place::Set => "a set name",
            Place::Map => "a map name",
            Place::Define => "a variable name",
            Place::Jump => "a chain name",
            Place::SetRef => "a set name after '@'",
            Place::Variable | Place::ScopedVariable(_) => "a variable name after '$'",
            Place::Object(o) => match o {
                Obj::Counter => "a counter name",
                Obj::Quota => "a quota name",
                Obj::Limit => "a limit name",
                Obj::Synproxy => "a synproxy name",
                Obj::Secmark => "a secmark name",
                Obj::Flowtable => "a flowtable name",
                Obj::CtHelper => "a ct helper name",
                Obj::CtTimeout => "a ct timeout name",
                Obj::CtExpectation => "a ct expectation name",
            },
        }
    }

    /// The keywords of the scanner start condition still active when the
    /// name is read (sorted), beyond [`ALWAYS`].
    fn scoped(self) -> &'static [&'static str] {
        match self {
            Place::SetRef => &AT_WORDS,
            Place::Object(Obj::Counter) => &COUNTER_WORDS,
            Place::Object(Obj::Quota) => &QUOTA_WORDS,
            Place::Object(Obj::Limit) => &LIMIT_WORDS,
            Place::Object(Obj::Synproxy) => &SYNPROXY_WORDS,
            Place::Object(Obj::CtHelper | Obj::CtTimeout | Obj::CtExpectation) => &CT_WORDS,
            Place::ScopedVariable(scope) => scope.words(),
            _ => &[],
        }
    }
}

/// The keywords of scanner rules without a start condition (byte order, for
/// the binary search): refused as a bare name everywhere.
pub const ALWAYS: [&str; 153] = [
    "accept",
    "add",
    "ah",
    "all",
    "and",
    "arp",
    "auto-merge",
    "bridge",
    "cgroup",
    "chain",
    "comment",
    "comp",
    "constant",
    "continue",
    "counter",
    "cpu",
    "create",
    "ct",
    "day",
    "dccp",
    "define",
    "delete",
    "describe",
    "device",
    "devices",
    "dnat",
    "drop",
    "dst",
    "dup",
    "dynamic",
    "ecn",
    "element",
    "elements",
    "eq",
    "esp",
    "ether",
    "exists",
    "expires",
    "export",
    "exthdr",
    "fib",
    "flags",
    "flow",
    "flowtable",
    "flush",
    "frag",
    "fwd",
    "gc-interval",
    "ge",
    "get",
    "goto",
    "gt",
    "handle",
    "hbh",
    "hook",
    "hour",
    "ibriport",
    "ibrname",
    "icmp",
    "icmpv6",
    "igmp",
    "iif",
    "iifgroup",
    "iifname",
    "iiftype",
    "import",
    "include",
    "index",
    "inet",
    "insert",
    "interval",
    "ip",
    "ip6",
    "ipsec",
    "jhash",
    "jump",
    "le",
    "limit",
    "list",
    "log",
    "lshift",
    "lt",
    "map",
    "mark",
    "masquerade",
    "meta",
    "meter",
    "mh",
    "missing",
    "monitor",
    "ne",
    "netdev",
    "nftrace",
    "not",
    "notrack",
    "numgen",
    "obriport",
    "obrname",
    "offload",
    "oif",
    "oifgroup",
    "oifname",
    "oiftype",
    "or",
    "osf",
    "pkttype",
    "policy",
    "position",
    "priority",
    "queue",
    "quota",
    "random",
    "redefine",
    "redirect",
    "reject",
    "rename",
    "replace",
    "reset",
    "return",
    "rshift",
    "rt",
    "rt0",
    "rt2",
    "rtclassid",
    "rule",
    "ruleset",
    "sctp",
    "secmark",
    "set",
    "size",
    "skgid",
    "skuid",
    "snat",
    "socket",
    "srh",
    "symhash",
    "synproxy",
    "table",
    "tcp",
    "th",
    "time",
    "timeout",
    "tproxy",
    "type",
    "typeof",
    "udp",
    "udplite",
    "undefine",
    "update",
    "vlan",
    "vmap",
    "xor",
    "xt",
];

/// `SCANSTATE_AT`: after `@` (raw payload bases).
pub const AT_WORDS: [&str; 2] = ["ll", "nh"];
/// `SCANSTATE_COUNTER`: after `counter`.
pub const COUNTER_WORDS: [&str; 3] = ["bytes", "name", "packets"];
/// `SCANSTATE_QUOTA`: after `quota`.
pub const QUOTA_WORDS: [&str; 5] = ["bytes", "name", "over", "until", "used"];
/// `SCANSTATE_LIMIT`: after `limit`.
pub const LIMIT_WORDS: [&str; 9] = [
    "burst", "bytes", "minute", "name", "over", "packets", "rate", "second", "week",
];
/// `SCANSTATE_STMT_SYNPROXY`: after `synproxy`.
pub const SYNPROXY_WORDS: [&str; 7] = [
    "maxseg",
    "mss",
    "name",
    "sack-perm",
    "sack-permitted",
    "timestamp",
    "wscale",
];
/// `SCANSTATE_CT`: after `ct` (`ct helper NAME`, `ct timeout NAME`,
/// `ct expectation NAME`).
pub const CT_WORDS: [&str; 25] = [
    "avgpkt",
    "bytes",
    "count",
    "daddr",
    "direction",
    "dport",
    "event",
    "expectation",
    "expiration",
    "helper",
    "helpers",
    "id",
    "l3proto",
    "label",
    "original",
    "over",
    "packets",
    "proto-dst",
    "proto-src",
    "protocol",
    "reply",
    "saddr",
    "state",
    "status",
    "zone",
];

/// `SCANSTATE_META`: after `meta` (`meta mark set $length`).
pub const META_WORDS: [&str; 2] = ["length", "protocol"];
/// `SCANSTATE_STMT_NAT`: after `snat`, `dnat`, `masquerade`, `redirect`.
pub const NAT_WORDS: [&str; 6] = ["addr", "fully-random", "persistent", "port", "prefix", "to"];
/// `SCANSTATE_STMT_TPROXY`, `SCANSTATE_STMT_DUP`, `SCANSTATE_STMT_FWD`.
pub const TO_WORDS: [&str; 1] = ["to"];
/// `SCANSTATE_EXPR_QUEUE`: after `queue`.
pub const QUEUE_WORDS: [&str; 4] = ["bypass", "fanout", "num", "to"];
/// `SCANSTATE_POLICY`: after a chain's `policy`.
pub const POLICY_WORDS: [&str; 2] = ["memory", "performance"];

/// Every word list above (each sorted, for the binary search).
pub const LISTS: [&[&str]; 12] = [
    &ALWAYS,
    &AT_WORDS,
    &COUNTER_WORDS,
    &QUOTA_WORDS,
    &LIMIT_WORDS,
    &SYNPROXY_WORDS,
    &CT_WORDS,
    &META_WORDS,
    &NAT_WORDS,
    &TO_WORDS,
    &QUEUE_WORDS,
    &POLICY_WORDS,
];

/// The slot of a word in [`ALWAYS_SHAPES`]: its first two bytes.
#[inline]
const fn slot(b: &[u8]) -> usize {
    let second = if b.len() > 1 { b[1] as usize } else { 0 };
    (b[0] as usize * 7 + second) & 255
}

/// For each slot (first two bytes), the lengths (as bits) of the [`ALWAYS`]
/// words in it: nearly every name is told apart by one lookup, without a
/// string comparison (a name is checked on every `add element` line).
const ALWAYS_SHAPES: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut k = 0;
    while k < ALWAYS.len() {
        let b = ALWAYS[k].as_bytes();
        t[slot(b)] |= 1 << b.len();
        k += 1;
    }
    t
};

/// Whether nft reads the bare word `w` as a keyword at `place`.
#[inline]
pub fn is_reserved(w: &str, place: Place) -> bool {
    let b = w.as_bytes();
    let maybe = !b.is_empty() && b.len() < 32 && ALWAYS_SHAPES[slot(b)] & 1 << b.len() != 0;
    maybe && ALWAYS.binary_search(&w).is_ok() || {
        let scoped = place.scoped();
        !scoped.is_empty() && scoped.binary_search(&w).is_ok()
    }
}

/// Check the name `n` read at `at` (its first character: a `"` means it was
/// quoted). A name nft refuses is a syntax error at `at` saying what was
/// expected and why.
#[inline]
pub fn check<'a>(at: &'a str, n: &str, place: Place) -> Result<(), nom::Err<PErr<'a>>> {
    let quoted = at.as_bytes().first() == Some(&b'"');
    let number = n.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && n.bytes().all(|b| b.is_ascii_digit());
    if !quoted && !number && !is_reserved(n, place) {
        return Ok(());
    }
    Err(refused(at, n, place, quoted, number))
}

/// The syntax error for a refused name (off the fast path).
#[cold]
#[inline(never)]
fn refused<'a>(
    at: &'a str,
    n: &str,
    place: Place,
    quoted: bool,
    number: bool,
) -> nom::Err<PErr<'a>> {
    let why: Cow<'static, str> = if quoted {
        format!(
            "{} as a bare word: nft does not accept a quoted name (\"{n}\") here",
            place.what()
        )
        .into()
    } else if number {
        format!("{}; nft reads `{n}` as a number, not a name", place.what()).into()
    } else if let Place::ScopedVariable(scope) = place {
        if ALWAYS.binary_search(&n).is_ok() {
            format!(
                "{}; `{n}` is an nft keyword, which nft refuses as a name here: rename it",
                place.what()
            )
        } else {
            format!(
                "{}; `{n}` is a keyword while nft reads the arguments of `{}`, so nft \
                 refuses `${n}` there (it is fine elsewhere): rename the variable",
                place.what(),
                scope.name()
            )
        }
        .into()
    } else {
        format!(
            "{}; `{n}` is an nft keyword, which nft refuses as a name here \
             (quoted too): rename it",
            place.what()
        )
        .into()
    };
    nom::Err::Failure(PErr::new(at, why))
}

/// Check the `$variables` of the statement `stmt` (its whole text, from its
/// first word) against the keywords of the scanner start condition the
/// statement keeps active over its arguments (see [`Scope`]). Text inside
/// double quotes is skipped; the error points at the name.
#[inline]
pub fn statement_variables(stmt: &str) -> Result<(), nom::Err<PErr<'_>>> {
    // A byte loop: statements are short, and `contains` (memchr) costs
    // more to set up than this scan on every statement of a large ruleset.
    if !stmt.bytes().any(|b| b == b'$') {
        return Ok(());
    }
    if let Some((k, expected)) = no_variable(stmt) {
        return Err(nom::Err::Failure(PErr::new(&stmt[k..], expected)));
    }
    match Scope::of(stmt) {
        Some(scope) => variables_in(stmt, scope),
        None => Ok(()),
    }
}

/// The first `$` (outside quotes) of `stmt` where nft's grammar takes no
/// variable, and what it wants there: the options of `log` (a variable goes
/// inside the quoted prefix), `reject with`, `ct count`, and the numbers of
/// `limit`, `quota` and `synproxy` (only their `name` takes one). Checked
/// with `nft -c`: "unexpected '$', expecting number" and the like.
fn no_variable(stmt: &str) -> Option<(usize, &'static str)> {
    let first = peek_word(stmt)?;
    let second = || peek_word(stmt[first.len()..].trim_start());
    let expected = match first {
        "log" => {
            "a quoted string or a number: nft takes no variable after a `log` option \
             (write it inside the quoted prefix: \"$name\")"
        }
        "reject" => "an ICMP type (a name or a number): nft takes no variable after `reject with`",
        "ct" if second() == Some("count") => "a number: nft takes no variable after `ct count`",
        "limit" | "quota" | "synproxy" => {
            "a number: nft takes a variable in this statement only after `name`"
        }
        _ => return None,
    };
    let mut quoted = false;
    for (k, c) in stmt.bytes().enumerate() {
        match c {
            b'"' => quoted = !quoted,
            b'$' if !quoted => {
                let before = stmt[..k].trim_end();
                let after_name = before.ends_with("name")
                    && before[..before.len() - 4]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_ascii_whitespace());
                if !(after_name && matches!(first, "limit" | "quota" | "synproxy")) {
                    return Some((k, expected));
                }
            }
            _ => {}
        }
    }
    None
}

/// Check every `$NAME` of `text` (outside quotes) for `scope`.
pub fn variables_in(text: &str, scope: Scope) -> Result<(), nom::Err<PErr<'_>>> {
    let b = text.as_bytes();
    let mut quoted = false;
    for (k, &c) in b.iter().enumerate() {
        match c {
            b'"' => quoted = !quoted,
            b'$' if !quoted => {
                let at = &text[k + 1..];
                let len = at
                    .bytes()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
                    .count();
                let n = at[..len].trim_end_matches(['.', '-']);
                if !n.is_empty() && is_reserved(n, Place::ScopedVariable(scope)) {
                    return Err(refused(at, n, Place::ScopedVariable(scope), false, false));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// `identifier := word` — a name (as [`name`] reads it) that nft accepts at
/// `place`.
pub fn ident(i: &str, place: Place) -> PResult<'_, &str> {
    let (r, n) = name(i)?;
    check(i, n, place)?;
    Ok((r, n))
}

/// The name of a stateful object or flowtable declared by `kind` (the word
/// just read, `rest` what follows it): `counter NAME`, `ct helper NAME`...
/// In command form (`add counter [family] TABLE NAME`) the table comes first.
/// Other kinds pass.
pub fn object_name<'a>(kind: &str, rest: &'a str, command: bool) -> Result<(), nom::Err<PErr<'a>>> {
    let (obj, r) = match kind {
        "counter" => (Obj::Counter, rest),
        "quota" => (Obj::Quota, rest),
        "limit" => (Obj::Limit, rest),
        "synproxy" => (Obj::Synproxy, rest),
        "secmark" => (Obj::Secmark, rest),
        "flowtable" => (Obj::Flowtable, rest),
        "ct" => {
            let obj = match peek_word(sp(rest)) {
                Some("helper") => Obj::CtHelper,
                Some("timeout") => Obj::CtTimeout,
                Some("expectation") => Obj::CtExpectation,
                _ => return Ok(()),
            };
            (obj, word(sp(rest))?.0)
        }
        _ => return Ok(()),
    };
    let r = if command {
        super::parse::tableref(r)?.0
    } else {
        r
    };
    let s = sp(r);
    match name(s) {
        Ok((_, n)) => check(s, n, Place::Object(obj)),
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_for_the_binary_search() {
        for list in LISTS {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
        }
    }

    /// The hash filter never hides a word of the list.
    #[test]
    fn the_filter_covers_the_list() {
        for w in ALWAYS {
            assert!(is_reserved(w, Place::Chain), "{w}");
            assert!(!is_reserved(&format!("{w}x"), Place::Chain), "{w}x");
        }
        assert!(!is_reserved("", Place::Chain));
        assert!(!is_reserved("é", Place::Chain));
        assert!(!is_reserved("global", Place::Table));
    }

    #[test]
    fn keywords_everywhere_and_by_scanner_state() {
        for p in [
            Place::Table,
            Place::Chain,
            Place::Define,
            Place::Jump,
            Place::SetRef,
        ] {
            assert!(is_reserved("fwd", p));
            assert!(is_reserved("ip", p));
            assert!(is_reserved("accept", p));
            assert!(!is_reserved("input", p));
            assert!(!is_reserved("forward", p));
            assert!(!is_reserved("ssh-in", p));
            assert!(!is_reserved("fwd-in", p));
        }
        // Keywords of a start condition only where it is active.
        assert!(!is_reserved("ll", Place::Set));
        assert!(is_reserved("ll", Place::SetRef));
        assert!(!is_reserved("zone", Place::Chain));
        assert!(is_reserved("zone", Place::Object(Obj::CtHelper)));
        assert!(is_reserved("packets", Place::Object(Obj::Counter)));
        assert!(!is_reserved("packets", Place::Object(Obj::Secmark)));
        assert!(!is_reserved("saddr", Place::Variable));
    }

    #[test]
    fn check_explains() {
        let e = check("fwd {", "fwd", Place::Chain).unwrap_err();
        let nom::Err::Failure(p) = e else { panic!() };
        assert_eq!(p.at, "fwd {");
        assert!(p
            .expected
            .starts_with("a chain name; `fwd` is an nft keyword"));
        assert!(check("web {", "web", Place::Chain).is_ok());
        assert!(check("\"web\" {", "web", Place::Chain).is_err());
        assert!(check("22 {", "22", Place::Table).is_err());
        assert!(check("t22 {", "t22", Place::Table).is_ok());
    }

    #[test]
    fn variables_in_statement_scopes() {
        // The statement's own start condition: refused.
        for stmt in [
            "ct mark set $zone",
            "ct original zone set $saddr",
            "meta mark set $length",
            "counter name $packets",
            "limit name $rate",
            "quota name $used",
            "synproxy name $mss",
            "dnat to $port",
            "snat to 10.0.0.1:$to",
            "masquerade to :$persistent",
            "tproxy to $to",
            "dup to 10.0.0.1 device $to",
            "fwd to $to",
            "queue num $fanout",
            "dnat to $accept",
        ] {
            let e = statement_variables(stmt).unwrap_err();
            let nom::Err::Failure(p) = e else { panic!() };
            let name = &stmt[stmt.rfind('$').unwrap() + 1..];
            assert_eq!(p.at, name, "{stmt}");
            assert!(p.expected.contains(&format!("`{name}`")), "{stmt}");
        }
        // Other words, other statements, matches, quoted text: accepted.
        for stmt in [
            "ct mark set $mark1",
            "ct mark $zone",
            "mark set $length",
            "meta mark set $zone",
            "counter name $zone",
            "dnat to $length",
            "tcp dport $port",
            "log prefix \"$to\"",
            "queue num $zone",
        ] {
            assert!(statement_variables(stmt).is_ok(), "{stmt}");
        }
        // Where nft takes no variable at all.
        for stmt in [
            "log prefix $p",
            "log group $n",
            "reject with icmp type $t",
            "limit rate $n/second",
            "quota $n mbytes",
            "synproxy mss $n",
            "ct count $n",
        ] {
            let e = statement_variables(stmt).unwrap_err();
            let nom::Err::Failure(p) = e else { panic!() };
            assert!(p.at.starts_with('$'), "{stmt}");
        }
        for stmt in ["log prefix \"$p\"", "limit name $l", "quota name $q"] {
            assert!(statement_variables(stmt).is_ok(), "{stmt}");
        }
        assert!(variables_in("$memory", Scope::Policy).is_err());
        assert!(variables_in("$drop_policy", Scope::Policy).is_ok());
    }

    #[test]
    fn object_names() {
        assert!(object_name("counter", " name {", false).is_err());
        assert!(object_name("counter", " web {", false).is_ok());
        assert!(object_name("ct", " helper zone {", false).is_err());
        assert!(object_name("ct", " helper ftp-std {", false).is_ok());
        assert!(object_name("ct", " count 3", false).is_ok());
        assert!(object_name("counter", " ip t packets", true).is_err());
        assert!(object_name("counter", " ip t web", true).is_ok());
        assert!(object_name("flowtable", " fwd {", false).is_err());
        assert!(object_name("limit", " rate {", false).is_err());
        assert!(object_name("synproxy", " mss {", false).is_err());
        assert!(object_name("secmark", " mss {", false).is_ok());
        assert!(object_name("chain", " fwd {", false).is_ok());
    }
}

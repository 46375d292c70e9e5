//! Tokens of the nft language as `nom` parsers over `&str`: blanks and
//! comments, words, quoted strings, numbers, addresses, variables and set
//! references. Follows nft's `scanner.l`: a word is
//! `[a-zA-Z_.][a-zA-Z0-9_/\-.]*`, so `echo-request` and `eth0.100` are single
//! words, while `22-80` is a range of two numbers.

use nom::bytes::complete::take_while1;
use nom::character::complete::char;
use nom::combinator::opt;
use nom::error::{ErrorKind, ParseError};
use nom::sequence::preceded;
use nom::{IResult, Parser};
use std::borrow::Cow;
use std::net::{IpAddr, Ipv6Addr};

/// A parse failure: where (the remaining input) and what was expected.
/// `expected` is almost always a static phrase: failing alternatives are the
/// common case in a backtracking parser, so building one must not allocate.
#[derive(Debug, Clone, PartialEq)]
pub struct PErr<'a> {
    pub at: &'a str,
    pub expected: Cow<'static, str>,
}

impl<'a> PErr<'a> {
    pub fn new(at: &'a str, expected: impl Into<Cow<'static, str>>) -> Self {
        PErr {
            at,
            expected: expected.into(),
        }
    }
}

impl<'a> ParseError<&'a str> for PErr<'a> {
    fn from_error_kind(input: &'a str, kind: ErrorKind) -> Self {
        PErr::new(input, kind_phrase(kind))
    }
    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
}

/// `a token (KIND)` for nom's error kinds, without formatting at run time.
fn kind_phrase(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Tag => "a token (Tag)",
        ErrorKind::Char => "a token (Char)",
        ErrorKind::TakeWhile1 => "a token (TakeWhile1)",
        ErrorKind::Digit => "a token (Digit)",
        ErrorKind::Alt => "a token (Alt)",
        ErrorKind::Eof => "a token (Eof)",
        ErrorKind::Verify => "a token (Verify)",
        ErrorKind::MapRes => "a token (MapRes)",
        ErrorKind::MapOpt => "a token (MapOpt)",
        ErrorKind::SeparatedList => "a token (SeparatedList)",
        ErrorKind::Many1 => "a token (Many1)",
        _ => "a token",
    }
}

/// Parser result with [`PErr`].
pub type PResult<'a, T> = IResult<&'a str, T, PErr<'a>>;

/// `e`, found by a check of a prefix of `rest`, pointing into the whole of
/// `rest`: an error's `at` is the input that remains, and the recovery
/// after a syntax error goes on from there (a prefix would end too soon).
pub fn reanchor<'a>(rest: &'a str, e: nom::Err<PErr<'a>>) -> nom::Err<PErr<'a>> {
    e.map(|pe| {
        let at = (pe.at.as_ptr() as usize)
            .saturating_sub(rest.as_ptr() as usize)
            .min(rest.len());
        PErr {
            at: rest.get(at..).unwrap_or(""),
            ..pe
        }
    })
}

/// A recoverable failure expecting `what` at `at`.
pub fn fail<'a, T>(at: &'a str, what: &'static str) -> PResult<'a, T> {
    Err(nom::Err::Error(PErr::new(at, what)))
}

/// `blank := ([ \t\r] | "\\\n" | "#" [^\n]*)*` — blanks within a line,
/// line continuations and comments (a comment stops before the newline).
#[inline]
pub fn sp(i: &str) -> &str {
    // Most calls are at a token already: answer those without a loop.
    let b = i.as_bytes();
    match b.first() {
        // One space between two tokens: the usual case.
        Some(b' ') if !matches!(b.get(1), Some(b' ' | b'\t' | b'\r' | b'\\' | b'#')) => &i[1..],
        Some(b' ' | b'\t' | b'\r' | b'\\' | b'#') => sp_slow(i),
        _ => i,
    }
}

fn sp_slow(i: &str) -> &str {
    let b = i.as_bytes();
    let mut k = 0;
    while k < b.len() {
        match b[k] {
            b' ' | b'\t' | b'\r' => k += 1,
            b'\\' if b.get(k + 1) == Some(&b'\n') => k += 2,
            b'\\' if b.get(k + 1) == Some(&b'\r') && b.get(k + 2) == Some(&b'\n') => k += 3,
            b'#' => {
                while k < b.len() && b[k] != b'\n' {
                    k += 1;
                }
            }
            _ => break,
        }
    }
    &i[k..]
}

/// `blanks := (blank | "\n")*` — blanks including newlines.
pub fn spnl(i: &str) -> &str {
    let mut i = i;
    loop {
        let j = sp(i);
        match j.strip_prefix('\n') {
            Some(r) => i = r,
            None => return j,
        }
    }
}

/// `blanks_sep := (blank | "\n" | ";")*` — blanks and statement separators.
pub fn spsep(i: &str) -> &str {
    let mut i = i;
    loop {
        let j = sp(i);
        match j.strip_prefix(['\n', ';']) {
            Some(r) => i = r,
            None => return j,
        }
    }
}

/// `word := [a-zA-Z_] [a-zA-Z0-9_/\-.]*` (trailing `.`, `-` and `/` are left
/// for the operators that follow).
#[inline]
pub fn word(i: &str) -> PResult<'_, &str> {
    match word_len(i.as_bytes()) {
        0 => fail(i, "a name"),
        n => Ok((&i[n..], &i[..n])),
    }
}

/// Byte classes of the scanner: 1 = may start a word, 2 = may continue one.
const WORD_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphabetic() || b == b'_' {
            t[c] = 3;
        } else if b.is_ascii_digit() || matches!(b, b'/' | b'-' | b'.') {
            t[c] = 2;
        }
        c += 1;
    }
    t
};

/// Length of the word at the start of `b` (0 if none): one table lookup
/// per byte.
#[inline]
fn word_len(b: &[u8]) -> usize {
    match b.first() {
        Some(&c) if WORD_CLASS[c as usize] & 1 != 0 => {}
        _ => return 0,
    }
    let mut n = 1 + b[1..]
        .iter()
        .take_while(|&&c| WORD_CLASS[c as usize] != 0)
        .count();
    while matches!(b[n - 1], b'.' | b'-' | b'/') {
        n -= 1;
    }
    n
}

/// `keyword(k)` — the word `k` exactly (not a prefix of a longer word).
pub fn keyword<'a>(k: &'static str) -> impl Fn(&'a str) -> PResult<'a, &'a str> {
    move |i: &'a str| match after_keyword(i, k) {
        Some(r) => Ok((r, &i[..k.len()])),
        None => fail(i, k),
    }
}

/// What follows the word `k` at the start of `i`, if that word is `k`: the
/// test of [`keyword`] without building an error (for the hot paths that
/// only ask whether a keyword is there).
#[inline]
pub fn after_keyword<'a>(i: &'a str, k: &str) -> Option<&'a str> {
    // A word equal to `k` starts with `k`, and the first byte alone rejects
    // most candidates before any comparison of the rest.
    (i.as_bytes().first() == k.as_bytes().first()
        && i.starts_with(k)
        && word_len(i.as_bytes()) == k.len())
    .then(|| &i[k.len()..])
}

/// Peek the next word without consuming.
#[inline]
pub fn peek_word(i: &str) -> Option<&str> {
    match word_len(i.as_bytes()) {
        0 => None,
        n => Some(&i[..n]),
    }
}

/// `quoted := '"' [^"]* '"'` — nft strings have no escapes.
pub fn quoted(i: &str) -> PResult<'_, &str> {
    let (r, _) = char::<&str, PErr>('"')
        .parse(i)
        .map_err(|_| nom::Err::Error(PErr::new(i, "a quoted string")))?;
    match r.find(['"', '\n']) {
        Some(p) if r.as_bytes()[p] == b'"' => Ok((&r[p + 1..], &r[..p])),
        _ => Err(nom::Err::Error(PErr::new(i, "a closing '\"'"))),
    }
}

/// `name := quoted | word` — object names may be quoted in listings.
pub fn name(i: &str) -> PResult<'_, &str> {
    let b = i.as_bytes();
    let n = match b.first() {
        Some(b'"') => {
            return quoted(i).map_err(|_| nom::Err::Error(PErr::new(i, "a name")));
        }
        Some(c) if c.is_ascii_digit() => b.iter().take_while(|c| c.is_ascii_digit()).count(),
        _ => word_len(b),
    };
    if n == 0 {
        return fail(i, "a name");
    }
    Ok((&i[n..], &i[..n]))
}

/// `number := "0x" hex+ | digit+` not followed by a word character.
pub fn number(i: &str) -> PResult<'_, u128> {
    let b = i.as_bytes();
    if b.len() > 2 && b[0] == b'0' && (b[1] == b'x' || b[1] == b'X') && b[2].is_ascii_hexdigit() {
        let n = 2 + b[2..].iter().take_while(|c| c.is_ascii_hexdigit()).count();
        let r = &i[n..];
        if let Ok(v) = u128::from_str_radix(&i[2..n], 16) {
            if !r.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                return Ok((r, v));
            }
        }
        return fail(i, "a number");
    }
    let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 {
        return fail(i, "a number");
    }
    let (d, r) = i.split_at(n);
    if r.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == ':' || c == '.') {
        return fail(i, "a number");
    }
    if n <= 19 {
        // 19 digits always fit in a u64: no u128 arithmetic.
        let v = b[..n]
            .iter()
            .fold(0u64, |v, &c| v * 10 + u64::from(c - b'0'));
        return Ok((r, u128::from(v)));
    }
    match d.parse::<u128>() {
        Ok(v) => Ok((r, v)),
        Err(_) => fail(i, "a number that fits"),
    }
}

/// Signed integer (priorities).
pub fn signed(i: &str) -> PResult<'_, i64> {
    let (r, neg) = opt(char('-')).parse(i)?;
    let (r, v) = number(r)?;
    let v = i64::try_from(v).map_err(|_| nom::Err::Error(PErr::new(i, "a small number")))?;
    Ok((r, if neg.is_some() { -v } else { v }))
}

/// An address literal: IPv4 dotted quad, IPv6 (optionally in brackets), or a
/// MAC address (returned as text in `Err`-free `Mac`).
pub enum AddrTok<'a> {
    Ip(IpAddr),
    Mac(&'a str),
}

/// `addr := ipv4 | ipv6 | "[" ipv6 "]" | mac`.
pub fn addr(i: &str) -> PResult<'_, AddrTok<'_>> {
    if let Some(r) = i.strip_prefix('[') {
        if let Some(end) = r.find(']') {
            if let Ok(a) = r[..end].parse::<Ipv6Addr>() {
                return Ok((&r[end + 1..], AddrTok::Ip(IpAddr::V6(a))));
            }
        }
        return fail(i, "an IPv6 address in brackets");
    }
    // One pass over the run of hex digits, ':' and '.', counting separators.
    let b = i.as_bytes();
    let (mut n, mut colons, mut dots) = (0, 0, 0);
    while let Some(&c) = b.get(n) {
        match c {
            b':' => colons += 1,
            b'.' => dots += 1,
            _ if c.is_ascii_hexdigit() => {}
            _ => break,
        }
        n += 1;
    }
    let run = &i[..n];
    if n == 0 {
        return fail(i, "an address");
    }
    let next_is_word = b
        .get(n)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_');
    if colons > 0 {
        // Longest prefix that parses as IPv6 and ends at a token boundary.
        let mut cut = n;
        loop {
            let cand = &run[..cut];
            let boundary =
                cut == n && !next_is_word || cut < n && run.as_bytes()[cut] == b':' && cut > 0;
            if boundary
                && (has_double_colon(cand) || cand.bytes().filter(|&c| c == b':').count() == 7)
            {
                if let Some(a) = ipv6(cand) {
                    return Ok((&i[cut..], AddrTok::Ip(IpAddr::V6(a))));
                }
            }
            if cut == n && !next_is_word && is_mac(cand) {
                return Ok((&i[cut..], AddrTok::Mac(cand)));
            }
            match run[..cut].rfind(':') {
                Some(p) if p > 0 => cut = p,
                _ => break,
            }
        }
        return fail(i, "an address");
    }
    if dots == 3 && !next_is_word {
        if let Some(a) = ipv4(run.as_bytes()) {
            return Ok((&i[n..], AddrTok::Ip(IpAddr::V4(a))));
        }
    }
    fail(i, "an address")
}

/// A dotted quad, as `Ipv4Addr::from_str` reads it (four decimal octets of
/// at most 255, no leading zeros), in one pass: addresses are the bulk of
/// large rulesets. The test `ipv4_matches_the_standard_parser` holds it to
/// the standard library's answer.
fn ipv4(b: &[u8]) -> Option<std::net::Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut k = 0;
    for (n, octet) in octets.iter_mut().enumerate() {
        if n > 0 {
            if b.get(k) != Some(&b'.') {
                return None;
            }
            k += 1;
        }
        let start = k;
        let mut v: u32 = 0;
        while let Some(&c) = b.get(k).filter(|c| c.is_ascii_digit()) {
            v = v * 10 + u32::from(c - b'0');
            k += 1;
            if k - start > 3 {
                return None;
            }
        }
        let len = k - start;
        if len == 0 || v > 255 || (len > 1 && b[start] == b'0') {
            return None;
        }
        *octet = v as u8;
    }
    (k == b.len()).then(|| std::net::Ipv4Addr::from(octets))
}

/// An IPv6 address, as `Ipv6Addr::from_str` reads it. Without an embedded
/// dotted quad (the usual case) in one pass over the groups; with one, by the
/// standard parser. The test `ipv6_matches_the_standard_parser` holds it to
/// the standard library's answer.
fn ipv6(s: &str) -> Option<Ipv6Addr> {
    let b = s.as_bytes();
    if b.contains(&b'.') {
        return s.parse().ok();
    }
    let mut groups = [0u16; 8];
    // Groups read so far, and where `::` stands (the groups after it move
    // to the end).
    let mut n = 0;
    let mut gap = None;
    let mut k = 0;
    if b.starts_with(b"::") {
        gap = Some(0);
        k = 2;
    }
    while k < b.len() {
        let start = k;
        let mut v = 0u32;
        while let Some(d) = b.get(k).and_then(|&c| (c as char).to_digit(16)) {
            if k - start == 4 {
                return None;
            }
            v = v << 4 | d;
            k += 1;
        }
        if k == start || n == 8 {
            return None;
        }
        groups[n] = v as u16;
        n += 1;
        match &b[k..] {
            [] => break,
            [b':', b':', ..] if gap.is_none() => {
                gap = Some(n);
                k += 2;
            }
            // One colon, then a group must follow.
            [b':', c, ..] if *c != b':' => k += 1,
            _ => return None,
        }
    }
    match gap {
        None if n == 8 => {}
        // `::` stands for one zero group at least.
        Some(g) if n < 8 => {
            let tail = n - g;
            groups.copy_within(g..n, 8 - tail);
            groups[g..8 - tail].fill(0);
        }
        _ => return None,
    }
    Some(Ipv6Addr::from(groups))
}

fn has_double_colon(s: &str) -> bool {
    s.as_bytes().windows(2).any(|w| w == b"::")
}

fn is_mac(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    parts.len() == 6
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `variable := "$" word`.
pub fn variable(i: &str) -> PResult<'_, &str> {
    let (r, v) = preceded(char('$'), name_part).parse(i)?;
    super::reserved::check(&i[1..], v, super::reserved::Place::Variable)?;
    Ok((r, v))
}

/// `setref := "@" word`.
pub fn setref(i: &str) -> PResult<'_, &str> {
    let (r, v) = preceded(char('@'), name_part).parse(i)?;
    if !r.starts_with(',') {
        // `@th,16,8` is a raw payload expression, not a set.
        super::reserved::check(&i[1..], v, super::reserved::Place::SetRef)?;
    }
    Ok((r, v))
}

fn name_part(i: &str) -> PResult<'_, &str> {
    let b = i.as_bytes();
    let n = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
        .count();
    if n == 0 {
        return fail(i, "a name");
    }
    // A name does not end with '.' or '-'.
    let mut m = n;
    while m > 0 && matches!(b[m - 1], b'.' | b'-') {
        m -= 1;
    }
    Ok((&i[m..], &i[..m]))
}

/// `time := (digit+ ("d"|"h"|"m"|"s"|"ms"))+` — timeouts, kept as text.
pub fn time_text(i: &str) -> PResult<'_, &str> {
    take_while1(|c: char| c.is_ascii_alphanumeric())
        .parse(i)
        .map_err(|_: nom::Err<PErr>| nom::Err::Error(PErr::new(i, "a duration")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The one-pass dotted-quad reader accepts exactly what the
        /// standard library's parser accepts, with the same address.
        #[test]
        fn ipv4_matches_the_standard_parser(s in "[0-9.]{0,17}|([0-9]{1,4}\\.){3}[0-9]{1,4}") {
            prop_assert_eq!(ipv4(s.as_bytes()), s.parse::<std::net::Ipv4Addr>().ok());
        }
    }

    proptest! {
        /// The IPv6 reader accepts exactly what the standard library's
        /// parser accepts, with the same address.
        #[test]
        fn ipv6_matches_the_standard_parser(
            s in "[0-9a-fA-F:]{0,41}|([0-9a-f]{0,5}:){1,9}[0-9a-f]{0,5}|([0-9a-f]{1,4}::?){1,8}[0-9a-f]{0,4}|::ffff:[0-9.]{7,15}"
        ) {
            prop_assert_eq!(ipv6(&s), s.parse::<Ipv6Addr>().ok());
        }
    }

    #[test]
    fn ipv6_edge_cases() {
        for s in [
            "::",
            ":::",
            "::1",
            "1::",
            "1:2:3:4:5:6:7::",
            "1:2:3:4:5:6:7:8::",
            "::1:2:3:4:5:6:7",
            "::1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7",
            "1::2::3",
            "1::2:",
            ":1::",
            "fe80::1",
            "2001:DB8::ff00:42:8329",
            "12345::",
            "::ffff:1.2.3.4",
            "1:2:3:4:5:6:1.2.3.4",
            "0:0:0:0:0:0:0:0",
            "",
        ] {
            assert_eq!(ipv6(s), s.parse::<Ipv6Addr>().ok(), "{s}");
        }
    }

    #[test]
    fn ipv4_edge_cases() {
        for s in [
            "0.0.0.0",
            "255.255.255.255",
            "256.0.0.1",
            "01.2.3.4",
            "1.2.3",
            "1.2.3.4.",
            ".1.2.3",
            "1..2.3",
            "1.2.3.0004",
            "10.0.0.0",
        ] {
            assert_eq!(
                ipv4(s.as_bytes()),
                s.parse::<std::net::Ipv4Addr>().ok(),
                "{s}"
            );
        }
    }

    #[test]
    fn words_follow_the_scanner() {
        assert_eq!(word("echo-request,").unwrap(), (",", "echo-request"));
        assert_eq!(word("eth0.100 x").unwrap(), (" x", "eth0.100"));
        assert_eq!(word("saddr . tcp").unwrap(), (" . tcp", "saddr"));
        assert!(word("22").is_err());
        assert!(keyword("ip")("ip6 x").is_err());
        assert_eq!(keyword("ip")("ip saddr").unwrap().0, " saddr");
    }

    #[test]
    fn numbers_and_strings() {
        assert_eq!(number("22-80").unwrap(), ("-80", 22));
        assert_eq!(number("0x10 ").unwrap(), (" ", 16));
        assert!(number("1.2.3.4").is_err());
        assert_eq!(quoted("\"eth*\" x").unwrap(), (" x", "eth*"));
        assert!(quoted("\"open").is_err());
        assert_eq!(signed("-150;").unwrap(), (";", -150));
    }

    #[test]
    fn addresses() {
        let ok = |s: &str| match addr(s).unwrap() {
            (r, AddrTok::Ip(a)) => (r.to_string(), a.to_string()),
            (r, AddrTok::Mac(m)) => (r.to_string(), format!("mac {m}")),
        };
        assert_eq!(ok("10.0.0.0/8"), ("/8".into(), "10.0.0.0".into()));
        assert_eq!(ok("::1 : accept"), (" : accept".into(), "::1".into()));
        assert_eq!(ok("fe80::1/64,"), ("/64,".into(), "fe80::1".into()));
        assert_eq!(
            ok("2001:db8::1:accept"),
            (":accept".into(), "2001:db8::1".into())
        );
        assert_eq!(
            ok("aa:bb:cc:dd:ee:ff "),
            (" ".into(), "mac aa:bb:cc:dd:ee:ff".into())
        );
        assert_eq!(ok("[::1]:80"), (":80".into(), "::1".into()));
        assert!(addr("22 : accept").is_err());
        assert!(addr("1.2.3").is_err());
    }

    #[test]
    fn blanks_and_comments() {
        assert_eq!(sp("  # c\nx"), "\nx");
        assert_eq!(spnl("  # c\n \\\n x"), "x");
        assert_eq!(spsep(" ; \n ;x"), "x");
        assert_eq!(sp(" \\\n y"), "y");
    }
}

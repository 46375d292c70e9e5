//! Parsing one permit/deny entry, shared by the four flavors: protocol,
//! address operands, port operators, ICMP types and the trailing options.
//! The flavor decides how a mask after an address reads (ASA: subnet mask;
//! elsewhere: wildcard), which keywords name groups, and which port names exist.

use super::ast::*;
use super::lex::Tok;
use super::ports::{self, PortProto};
use super::Flavor;
use crate::model::Family;
use std::borrow::Cow;
use std::collections::HashMap;
use std::net::IpAddr;
use std::ops::Range;

/// A syntax error: what was expected, at which token span.
#[derive(Clone, Debug)]
pub struct SyntaxError {
    pub message: String,
    pub expected: Option<String>,
    pub span: Range<usize>,
}

/// A cursor over one line's tokens.
pub struct Cur<'t, 'a> {
    pub toks: &'t [Tok<'a>],
    pub i: usize,
    /// Span of the whole line, for errors at its end.
    pub end: usize,
}

impl<'t, 'a> Cur<'t, 'a> {
    pub fn new(toks: &'t [Tok<'a>], end: usize) -> Self {
        Cur { toks, i: 0, end }
    }
    pub fn peek(&self) -> Option<&'a str> {
        self.toks.get(self.i).map(|t| t.s)
    }
    pub fn peek_at(&self, k: usize) -> Option<&'a str> {
        self.toks.get(self.i + k).map(|t| t.s)
    }
    pub fn is(&self, kw: &str) -> bool {
        self.peek().is_some_and(|s| s.eq_ignore_ascii_case(kw))
    }
    pub fn eat(&mut self, kw: &str) -> bool {
        if self.is(kw) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    pub fn bump(&mut self) -> Option<Tok<'a>> {
        let t = self.toks.get(self.i).copied();
        if t.is_some() {
            self.i += 1;
        }
        t
    }
    pub fn done(&self) -> bool {
        self.i >= self.toks.len()
    }
    /// Span of the current token (or the end of the line).
    pub fn here(&self) -> Range<usize> {
        match self.toks.get(self.i) {
            Some(t) => t.lo..t.hi,
            None => self.end..self.end,
        }
    }
    pub fn err(&self, message: impl Into<String>, expected: &str) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            expected: Some(expected.to_string()),
            span: self.here(),
        }
    }
    /// The next token or an error naming what was expected.
    pub fn word(&mut self, expected: &str) -> Result<Tok<'a>, SyntaxError> {
        match self.bump() {
            Some(t) => Ok(t),
            None => Err(self.err(format!("line ends where {expected} was expected"), expected)),
        }
    }
}

/// What the entry parser needs to know about its surroundings.
pub struct Ctx<'g> {
    pub flavor: Flavor,
    pub family: Family,
    pub kind: AclKind,
    /// `show` output: port names from either protocol's table, bare service
    /// object-group names in protocol position.
    pub show: bool,
    /// Kinds of the object-groups and objects defined anywhere in the file
    /// (`true` key component: ASA `object`).
    pub kinds: &'g HashMap<(bool, String), GroupKind>,
    pub names: &'g HashMap<String, IpAddr>,
}

type R<T> = Result<T, SyntaxError>;

/// Lower-case a keyword into a stack buffer (no allocation). Words longer
/// than any keyword come back unchanged (they match no keyword either way).
pub fn lc<'b>(s: &'b str, buf: &'b mut [u8; 32]) -> &'b str {
    if s.len() > buf.len() || !s.bytes().any(|b| b.is_ascii_uppercase()) {
        return s;
    }
    let b = &mut buf[..s.len()];
    b.copy_from_slice(s.as_bytes());
    b.make_ascii_lowercase();
    std::str::from_utf8(b).unwrap_or(s)
}

/// `entry = action ( standard_body | extended_body )`
pub fn entry(c: &mut Cur, ctx: &Ctx) -> R<Entry> {
    let action = action(c)?;
    if ctx.kind == AclKind::Standard {
        return standard_body(c, ctx, action);
    }
    extended_body(c, ctx, action)
}

/// `action = "permit" | "deny"`
pub fn action(c: &mut Cur) -> R<Action> {
    if c.eat("permit") {
        Ok(Action::Permit)
    } else if c.eat("deny") {
        Ok(Action::Deny)
    } else {
        Err(c.err(
            format!(
                "expected `permit` or `deny`, found `{}`",
                c.peek().unwrap_or("")
            ),
            "permit | deny",
        ))
    }
}

/// `standard_body = ( "any" | "host" ip | ip [ wildcard ] ) options`
/// A bare address means a host. On the ASA the operand is the destination.
fn standard_body(c: &mut Cur, ctx: &Ctx, action: Action) -> R<Entry> {
    let a = if c.is("any") || c.is("any4") || c.is("any6") || c.is("host") {
        addr(c, ctx)?
    } else {
        let t = c.word("an address")?;
        let ip = ip_or_name(t.s, ctx).ok_or_else(|| SyntaxError {
            message: format!("expected an address, found `{}`", t.s),
            expected: Some("any | host A | A [MASK]".into()),
            span: t.lo..t.hi,
        })?;
        let ip_trim = t.s.strip_suffix(',').is_some();
        if ip_trim
            && c.is("wildcard")
            && c.peek_at(1).is_some_and(|w| w.eq_ignore_ascii_case("bits"))
        {
            c.i += 2;
            let m = c.word("a wildcard mask")?;
            let w = parse_ip(m.s).ok_or_else(|| bad_ip(&m))?;
            AddrSpec::wild(ip, w)
        } else if let Some(m) = c.peek().and_then(parse_ip) {
            c.i += 1;
            mask_spec(ip, m, ctx.flavor)
        } else {
            AddrSpec::Host(ip)
        }
    };
    let mut e = Entry {
        action,
        proto: ProtoSpec::Any,
        src: AddrSpec::Any(None),
        sport: None,
        dst: AddrSpec::Any(None),
        dport: None,
        icmp: None,
        established: false,
        fragments: false,
        unmodelled: Sparse::default(),
        notes: Notes::default(),
        inactive: false,
    };
    if ctx.flavor == Flavor::Asa {
        e.dst = a;
    } else {
        e.src = a;
    }
    options(c, ctx, &mut e, None)?;
    Ok(e)
}

fn bad_ip(t: &Tok) -> SyntaxError {
    SyntaxError {
        message: format!("`{}` is not an address", t.s),
        expected: Some("an IPv4 or IPv6 address".into()),
        span: t.lo..t.hi,
    }
}

/// An address (optionally followed by a comma, as in `show` output).
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    let s = s.strip_suffix(',').unwrap_or(s);
    if !s
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_hexdigit() || b == b':')
    {
        return None;
    }
    match ipv4_prefix(s.as_bytes()) {
        Some((v, n)) if n == s.len() => Some(IpAddr::V4(v.into())),
        // Not a plain dotted quad (IPv6, or not an address): the full parser.
        _ => s.parse().ok(),
    }
}

/// A dotted-quad IPv4 address at the start of `b` (what `Ipv4Addr::from_str`
/// accepts: four decimal octets 0-255 without leading zeros), and how many
/// bytes it takes. The fast path of [`parse_ip`] and [`prefix`].
#[inline]
fn ipv4_prefix(b: &[u8]) -> Option<(u32, usize)> {
    let mut v = 0u32;
    let mut k = 0;
    for part in 0..4 {
        if part > 0 {
            if b.get(k) != Some(&b'.') {
                return None;
            }
            k += 1;
        }
        let start = k;
        let mut o = 0u32;
        while k < b.len() && b[k].is_ascii_digit() && k - start < 3 {
            o = o * 10 + u32::from(b[k] - b'0');
            k += 1;
        }
        let len = k - start;
        if len == 0 || o > 255 || (len > 1 && b[start] == b'0') {
            return None;
        }
        v = (v << 8) | o;
    }
    // A fourth digit in a row is not an octet.
    if b.get(k).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some((v, k))
}

fn ip_or_name(s: &str, ctx: &Ctx) -> Option<IpAddr> {
    parse_ip(s).or_else(|| ctx.names.get(s).copied())
}

/// An address and a mask as the flavor reads it: ASA subnet masks are
/// inverted; elsewhere the mask is a wildcard (bits set are ignored).
fn mask_spec(ip: IpAddr, m: IpAddr, flavor: Flavor) -> AddrSpec {
    if flavor == Flavor::Asa {
        let inv = match m {
            IpAddr::V4(v) => IpAddr::V4((!u32::from(v)).into()),
            IpAddr::V6(v) => IpAddr::V6((!u128::from(v)).into()),
        };
        AddrSpec::wild(ip, inv)
    } else {
        AddrSpec::wild(ip, m)
    }
}

/// `prefix = ip "/" len`
fn prefix(s: &str) -> Option<(IpAddr, u8)> {
    // Fast path: a dotted quad ends the word or is followed by `/`.
    if let Some((_, n)) = ipv4_prefix(s.as_bytes()) {
        if s.as_bytes().get(n) != Some(&b'/') {
            return None;
        }
    }
    let (a, l) = s.split_once('/')?;
    let ip = parse_ip(a)?;
    let len: u8 = l.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (len <= max).then_some((ip, len))
}

/// `addr = "any" | "any4" | "any6" | "host" (ip|name) | ip "/" len | (ip|name) mask
///        | ("object-group"|"addrgroup"|"net-group") NAME | "object" NAME
///        | "interface" IF | "range" ip ip | "fqdn" ["v4"|"v6"] NAME ["(unresolved)"]`
pub fn addr(c: &mut Cur, ctx: &Ctx) -> R<AddrSpec> {
    let t = c.word("an address (any, host A, A MASK, A/LEN, object-group NAME)")?;
    let mut buf = [0u8; 32];
    let spec = match lc(t.s, &mut buf) {
        "any" => AddrSpec::Any(None),
        "any4" if ctx.flavor == Flavor::Asa => AddrSpec::Any(Some(Family::Ipv4)),
        "any6" if ctx.flavor == Flavor::Asa => AddrSpec::Any(Some(Family::Ipv6)),
        "host" => {
            let h = c.word("a host address")?;
            AddrSpec::Host(ip_or_name(h.s, ctx).ok_or_else(|| bad_ip(&h))?)
        }
        "object-group" | "addrgroup" | "net-group" => {
            AddrSpec::Group(c.word("an object-group name")?.s.into())
        }
        "object" if ctx.flavor == Flavor::Asa => {
            AddrSpec::Object(c.word("an object name")?.s.into())
        }
        "interface" if ctx.flavor == Flavor::Asa => {
            let i = c.word("an interface name")?;
            AddrSpec::Opaque(format!("interface {} (the interface's own address)", i.s).into())
        }
        "range" if ctx.flavor == Flavor::Asa => {
            let a = c.word("a first address")?;
            let b = c.word("a last address")?;
            let a = ip_or_name(a.s, ctx).ok_or_else(|| bad_ip(&a))?;
            let b2 = ip_or_name(b.s, ctx).ok_or_else(|| bad_ip(&b))?;
            AddrSpec::range(a, b2)
        }
        "fqdn" if ctx.flavor == Flavor::Asa => {
            if c.is("v4") || c.is("v6") {
                c.i += 1;
            }
            let n = c.word("a host name")?;
            c.eat("(unresolved)");
            AddrSpec::Opaque(format!("fqdn {}", n.s).into())
        }
        _ => {
            // A plain dotted quad (the common case) is read once.
            let quad = match ipv4_prefix(t.s.as_bytes()) {
                Some((v, n)) if n == t.s.len() => Some(IpAddr::V4(v.into())),
                _ => None,
            };
            if let Some((ip, len)) = quad.is_none().then(|| prefix(t.s)).flatten() {
                AddrSpec::Prefix(ip, len)
            } else if let Some(ip) = quad.or_else(|| ip_or_name(t.s, ctx)) {
                if c.is("wildcard") && ctx.flavor == Flavor::Nxos {
                    c.i += 1;
                }
                match c.peek().and_then(parse_ip) {
                    Some(m) if m.is_ipv4() == ip.is_ipv4() => {
                        c.i += 1;
                        mask_spec(ip, m, ctx.flavor)
                    }
                    _ if ctx.flavor == Flavor::Asa && ctx.names.contains_key(t.s) => {
                        AddrSpec::Host(ip)
                    }
                    _ if ip.is_ipv6() && ctx.flavor == Flavor::Asa => AddrSpec::Host(ip),
                    // NX-OS reads an address without a mask as a host.
                    _ if ctx.flavor == Flavor::Nxos => AddrSpec::Host(ip),
                    _ => {
                        return Err(SyntaxError {
                            message: format!("address `{}` needs a mask or `host`", t.s),
                            expected: Some("MASK".into()),
                            span: c.here(),
                        })
                    }
                }
            } else {
                return Err(SyntaxError {
                    message: format!("expected an address, found `{}`", t.s),
                    expected: Some("any | host A | A MASK | A/LEN | object-group NAME".into()),
                    span: t.lo..t.hi,
                });
            }
        }
    };
    // ASA `show access-list` prints the resolved name after an address: `host A (www.example.com)`.
    if ctx.flavor == Flavor::Asa {
        if let Some(n) = c.peek() {
            if n.len() > 2
                && n.starts_with('(')
                && n.ends_with(')')
                && !n.starts_with("(hitcnt")
                && n != "(inactive)"
                && n != "(unresolved)"
            {
                c.i += 1;
            }
        }
    }
    Ok(spec)
}

/// The port table for a protocol operand, if it carries ports.
fn port_proto(p: &ProtoSpec, ctx: &Ctx) -> Option<PortProto> {
    match p {
        ProtoSpec::Num(6) => Some(PortProto::Tcp),
        ProtoSpec::Num(17) => Some(PortProto::Udp),
        ProtoSpec::Num(132) => Some(PortProto::Both),
        ProtoSpec::TcpUdp => Some(PortProto::Both),
        // ASA: a protocol group (tcp, udp) may be followed by port operators.
        ProtoSpec::Group(n) => match ctx.kinds.get(&(false, n.to_string())) {
            Some(GroupKind::Protocol) => Some(PortProto::Both),
            _ => None,
        },
        _ => None,
    }
}

/// `proto = "ip" | "ipv4" | "ipv6" | "hbh" | NAME | NUMBER | "tcp-udp" | "object-group" NAME | "object" NAME`
pub fn proto(c: &mut Cur, ctx: &Ctx) -> R<ProtoSpec> {
    let t = c.word("a protocol")?;
    let mut buf = [0u8; 32];
    let w = lc(t.s, &mut buf);
    Ok(match w {
        "ip" => ProtoSpec::Any,
        "ipv4" if ctx.flavor == Flavor::Xr || ctx.family == Family::Ipv4 => {
            if ctx.flavor == Flavor::Xr {
                ProtoSpec::Any
            } else {
                ProtoSpec::Num(4)
            }
        }
        "ipv6" if ctx.family == Family::Ipv6 => ProtoSpec::Any,
        "icmp" if ctx.family == Family::Ipv6 => ProtoSpec::Num(58),
        // IPv6 ACLs: the hop-by-hop options header (next header 0).
        "hbh" if ctx.family == Family::Ipv6 => ProtoSpec::Num(0),
        // The common names first, without the table scan.
        "tcp" => ProtoSpec::Num(6),
        "udp" => ProtoSpec::Num(17),
        "icmp" => ProtoSpec::Num(1),
        "tcp-udp" => ProtoSpec::TcpUdp,
        "object-group" => ProtoSpec::Group(c.word("an object-group name")?.s.into()),
        "object" if ctx.flavor == Flavor::Asa => {
            ProtoSpec::Object(c.word("an object name")?.s.into())
        }
        _ => match ports::protocol(w) {
            Some(n) => ProtoSpec::Num(n),
            // IOS `show` prints a service object-group bare in protocol position.
            None if ctx.show => ProtoSpec::Group(t.s.into()),
            None => {
                return Err(SyntaxError {
                    message: format!("unknown protocol `{}`", t.s),
                    expected: Some(
                        "ip | tcp | udp | icmp | NAME | 0-255 | object-group NAME".into(),
                    ),
                    span: t.lo..t.hi,
                })
            }
        },
    })
}

/// `port_op = "eq" port {port} | "neq" port {port} | "lt" port | "gt" port
///          | "range" port port | ("portgroup"|"port-group") NAME | "object-group" NAME`
/// (`object-group` only when NAME is a port group: ASA service groups with a protocol).
pub fn port_op(c: &mut Cur, ctx: &Ctx, pp: PortProto) -> R<Option<PortOp>> {
    let Some(w) = c.peek() else { return Ok(None) };
    let pp = if ctx.show { PortProto::Both } else { pp };
    let mut buf = [0u8; 32];
    let w = lc(w, &mut buf);
    let one = |c: &mut Cur| -> R<u16> {
        let t = c.word("a port")?;
        ports::port(ctx.flavor, pp, t.s).map_err(|m| SyntaxError {
            message: m,
            expected: Some("a port number or name".into()),
            span: t.lo..t.hi,
        })
    };
    let many = |c: &mut Cur| -> R<Ports> {
        let mut v = Ports::new();
        v.push(one(c)?);
        while let Some(n) = c.peek() {
            if ports::is_port(ctx.flavor, pp, n) {
                v.push(one(c)?);
            } else {
                break;
            }
        }
        Ok(v)
    };
    let op = match w {
        "eq" => {
            c.i += 1;
            PortOp::Eq(many(c)?)
        }
        "neq" => {
            c.i += 1;
            PortOp::Neq(many(c)?)
        }
        "lt" => {
            c.i += 1;
            PortOp::Lt(one(c)?)
        }
        "gt" => {
            c.i += 1;
            PortOp::Gt(one(c)?)
        }
        "range" if ctx.flavor == Flavor::Asa && c.peek_at(1).and_then(parse_ip).is_some() => {
            return Ok(None)
        }
        "range" => {
            c.i += 1;
            let a = one(c)?;
            let b = one(c)?;
            PortOp::Range(a, b)
        }
        "portgroup" | "port-group" => {
            c.i += 1;
            PortOp::Group(c.word("a port group name")?.s.to_string())
        }
        "object-group" => {
            let Some(n) = c.peek_at(1) else {
                return Ok(None);
            };
            match ctx.kinds.get(&(false, n.to_string())) {
                Some(GroupKind::Port) => {
                    c.i += 2;
                    PortOp::Group(n.to_string())
                }
                _ => return Ok(None),
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(op))
}

/// `extended_body = proto addr [port_op] addr [port_op | icmp] options`
fn extended_body(c: &mut Cur, ctx: &Ctx, action: Action) -> R<Entry> {
    let p = proto(c, ctx)?;
    let pp = port_proto(&p, ctx);
    let src = addr(c, ctx)?;
    let sport = match pp {
        Some(pp) => port_op(c, ctx, pp)?,
        None => None,
    };
    let dst = addr(c, ctx)?;
    let dport = match pp {
        Some(pp) => port_op(c, ctx, pp)?,
        None => None,
    };
    let mut icmp = None;
    let mut unmodelled = Vec::new();
    if matches!(p, ProtoSpec::Num(1) | ProtoSpec::Num(58)) {
        icmp = icmp_spec(c, ctx, p == ProtoSpec::Num(58))?;
    } else if p == ProtoSpec::Num(2) {
        // IGMP message type: not modelled.
        if let Some(w) = c.peek() {
            let l = w.to_ascii_lowercase();
            if w.parse::<u8>().is_ok() || IGMP_TYPES.contains(&l.as_str()) {
                let t = c.bump().expect("peeked");
                unmodelled.push(Unmodelled {
                    what: format!("igmp type {}", t.s),
                    span: t.lo..t.hi,
                });
            }
        }
    }
    let mut e = Entry {
        action,
        proto: p,
        src,
        sport,
        dst,
        dport,
        icmp,
        established: false,
        fragments: false,
        unmodelled: unmodelled.into(),
        notes: Notes::default(),
        inactive: false,
    };
    options(c, ctx, &mut e, pp)?;
    Ok(e)
}

/// `icmp = TYPE [CODE] | NAME | "object-group" NAME`
pub fn icmp_spec(c: &mut Cur, ctx: &Ctx, v6: bool) -> R<Option<IcmpSpec>> {
    let Some(w) = c.peek() else { return Ok(None) };
    if let Ok(t) = w.parse::<u8>() {
        c.i += 1;
        let code = match c.peek().and_then(|w| w.parse::<u8>().ok()) {
            Some(code) => {
                c.i += 1;
                Some(code)
            }
            None => None,
        };
        return Ok(Some(IcmpSpec::Type(t, code)));
    }
    if w.eq_ignore_ascii_case("object-group") {
        if let Some(n) = c.peek_at(1) {
            if ctx.kinds.get(&(false, n.to_string())) == Some(&GroupKind::IcmpType) {
                c.i += 2;
                return Ok(Some(IcmpSpec::Group(n.to_string())));
            }
        }
        return Ok(None);
    }
    if let Some((t, code)) = ports::icmp(v6, w) {
        c.i += 1;
        // ASA `show access-list` spells a code after the name: `echo-reply 4`.
        let code = match (code, c.peek().and_then(|w| w.parse::<u8>().ok())) {
            (None, Some(n)) if ctx.flavor == Flavor::Asa => {
                c.i += 1;
                Some(n)
            }
            (code, _) => code,
        };
        return Ok(Some(IcmpSpec::Type(t, code)));
    }
    Ok(None)
}

/// Keywords that restrict the match in ways the model does not represent, with
/// how many argument words follow (`usize::MAX`: a port-style operator).
const UNMODELLED: &[(&str, usize)] = &[
    ("dscp", 1),
    ("precedence", 1),
    ("tos", 1),
    ("ttl", usize::MAX),
    ("packet-length", usize::MAX),
    ("time-range", 1),
    ("option", 1),
    ("ack", 0),
    ("syn", 0),
    ("fin", 0),
    ("psh", 0),
    ("rst", 0),
    ("urg", 0),
    ("tcp-flags-mask", 1),
    ("http-method", 1),
    ("tcp-option-length", 1),
    ("vlan", 1),
    ("flow-label", 1),
    ("routing", 0),
    ("auth", 0),
    ("hop-by-hop", 0),
    ("dest-option", 0),
    ("mobility", 0),
    ("routing-type", 1),
    ("user", 1),
    ("user-group", 1),
    ("security-group", 2),
    ("reflect", 1),
    ("evaluate", 1),
    ("match-any", usize::MAX - 1),
    ("match-all", usize::MAX - 1),
    ("nexthop1", usize::MAX - 2),
    ("nexthop2", usize::MAX - 2),
    ("nexthop3", usize::MAX - 2),
    ("udf", 2),
    ("set-qos-group", 1),
    ("nve", 2),
];

/// IGMP message type names.
const IGMP_TYPES: &[&str] = &[
    "dvmrp",
    "host-query",
    "host-report",
    "pim",
    "trace",
    "mtrace-response",
    "mtrace-route",
];

/// Log levels that may follow `log` (and ASA's `interval N`).
const LOG_WORDS: &[&str] = &[
    "emergencies",
    "alerts",
    "critical",
    "errors",
    "warnings",
    "notifications",
    "informational",
    "debugging",
    "disable",
    "default",
];

/// `options = { "log" [level] ["interval" N] | "log-input" | "established" | "fragments"
///            | "inactive" | "sequence" N | unmodelled | note }`
fn options(c: &mut Cur, ctx: &Ctx, e: &mut Entry, pp: Option<PortProto>) -> R<()> {
    while let Some(t) = c.bump() {
        let mut buf = [0u8; 32];
        let w = lc(t.s, &mut buf);
        match w {
            "log" | "log-input" => {
                let mut note: Cow<'static, str> = if w == "log" {
                    Cow::Borrowed("log")
                } else {
                    Cow::Borrowed("log-input")
                };
                loop {
                    match c.peek() {
                        Some(x)
                            if x.parse::<u8>().is_ok()
                                || LOG_WORDS.iter().any(|l| l.eq_ignore_ascii_case(x)) =>
                        {
                            c.i += 1;
                        }
                        Some(x) if x.eq_ignore_ascii_case("interval") => {
                            c.i += 2;
                        }
                        Some(x)
                            if ctx.flavor != Flavor::Asa
                                && !is_option_keyword(x)
                                && c.i + 1 == c.toks.len() =>
                        {
                            // IOS log cookie: `log COOKIE`.
                            note = Cow::Owned(format!("{w} {x}"));
                            c.i += 1;
                        }
                        _ => break,
                    }
                }
                e.notes.push(note);
            }
            "established" if pp == Some(PortProto::Tcp) || pp == Some(PortProto::Both) => {
                e.established = true
            }
            "fragments" => e.fragments = true,
            "inactive" => e.inactive = true,
            "counter" if ctx.flavor == Flavor::Xr => {
                let n = c.word("a counter name")?;
                e.notes.push(Cow::Owned(format!("counter {}", n.s)));
            }
            "capture" if ctx.flavor == Flavor::Xr => e.notes.push(Cow::Borrowed("capture")),
            "icmp-off" if ctx.flavor == Flavor::Xr => e.notes.push(Cow::Borrowed("icmp-off")),
            _ => {
                if let Some(&(_, n)) = UNMODELLED.iter().find(|(k, _)| *k == w) {
                    let start = t.lo;
                    let mut end = t.hi;
                    let take = match n {
                        usize::MAX => {
                            // operator and one or two values, or a bare value (NX-OS `ttl 5`)
                            let op = c.peek().map(str::to_ascii_lowercase).unwrap_or_default();
                            match op.as_str() {
                                "range" => 3,
                                "eq" | "neq" | "lt" | "gt" => 2,
                                _ => 1,
                            }
                        }
                        x if x == usize::MAX - 1 => c.toks[c.i..]
                            .iter()
                            .take_while(|t| t.s.starts_with('+') || t.s.starts_with('-'))
                            .count(),
                        x if x == usize::MAX - 2 => c.toks[c.i..]
                            .iter()
                            .take_while(|t| !t.s.starts_with("nexthop") && !is_option_keyword(t.s))
                            .count(),
                        x => x,
                    };
                    for _ in 0..take {
                        match c.bump() {
                            Some(a) => end = a.hi,
                            None => {
                                return Err(
                                    c.err(format!("`{}` needs an argument", t.s), "an argument")
                                )
                            }
                        }
                    }
                    let text = c_text(c, start, end);
                    if w.starts_with("nexthop") {
                        e.notes
                            .push(Cow::Owned(format!("policy-based forwarding: {text}")));
                    } else {
                        e.unmodelled.push(Unmodelled {
                            what: text,
                            span: start..end,
                        });
                    }
                } else {
                    return Err(SyntaxError {
                        message: format!("unexpected `{}` in an ACL entry", t.s),
                        expected: Some("log | established | fragments | time-range | dscp | precedence | ttl | end of line".into()),
                        span: t.lo..t.hi,
                    });
                }
            }
        }
    }
    Ok(())
}

fn is_option_keyword(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    UNMODELLED.iter().any(|(k, _)| *k == l)
        || matches!(
            l.as_str(),
            "log" | "log-input" | "established" | "fragments" | "inactive"
        )
}

/// The words from `start` to `end` as written (for messages).
fn c_text(c: &Cur, start: usize, end: usize) -> String {
    c.toks
        .iter()
        .filter(|t| t.lo >= start && t.hi <= end)
        .map(|t| t.s)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast IPv4 path agrees with the standard parser.
    #[test]
    fn parse_ip_agrees_with_std() {
        let words = [
            "10.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "256.0.0.1",
            "01.2.3.4",
            "1.2.3",
            "1.2.3.4.5",
            "1.2.3.4x",
            "1.2.3.04",
            "1.2.3.1234",
            "1..2.3",
            "1.2.3.4,",
            "1.2.3.4/24",
            "::1",
            "2001:db8::1",
            "::ffff:1.2.3.4",
            "1.2.3.-4",
            "10",
            "a.b.c.d",
            "100.200.300.1",
            "0.0.0.00",
            "192.168.001.1",
        ];
        for w in words {
            let s = w.strip_suffix(',').unwrap_or(w);
            assert_eq!(parse_ip(w), s.parse::<IpAddr>().ok(), "{w}");
        }
        assert_eq!(
            prefix("10.1.0.0/16"),
            Some(("10.1.0.0".parse().unwrap(), 16))
        );
        assert_eq!(prefix("10.1.0.0/33"), None);
        assert_eq!(prefix("10.1.0.0"), None);
        assert_eq!(
            prefix("2001:db8::/32"),
            Some(("2001:db8::".parse().unwrap(), 32))
        );
    }
}

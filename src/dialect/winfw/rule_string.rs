//! Reading one firewall rule string ([MS-GPFAS] 2.2.2.19):
//! `v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=445|...|Name=x|`
//! into a [`WinRule`]. Every token of the grammar is read; repeated tokens
//! accumulate; unknown tokens are kept (and reported as warnings); malformed
//! tokens are reported as errors with their span and kept in the rule as
//! unreadable values, so that lowering stays sound. `grammars/winfw-rule-string.ebnf`
//! describes exactly what is accepted.
//!
//! The text may be `.reg`-escaped (`\\` for `\`, `\"` for `"`): values are
//! unescaped, spans point into the escaped text as written.

use super::ast::{
    AddrSpec, IcmpTypeCode, PortSpec, Profile, Spanned, Token, WinAction, WinDir, WinRule,
};
use super::keywords::{AddrKeyword, PortKeyword};
use crate::model::IssueLevel;
use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case, take_till, take_while1};
use nom::character::complete::{char, digit1};
use nom::combinator::{all_consuming, map_res, opt, recognize};
use nom::sequence::{preceded, separated_pair};
use nom::{IResult, Parser};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ops::Range;

/// A problem found in a rule string, with its span in the source text.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    pub level: IssueLevel,
    pub message: String,
    pub expected: Option<String>,
    pub span: Range<usize>,
}

/// True when `s` looks like a rule string (`v<digit>...|`), as opposed to some
/// other registry value.
pub fn looks_like_rule(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && (b[0] == b'v' || b[0] == b'V') && b[1].is_ascii_digit() && s.contains('|')
}

/// Parse the rule string `text`, which starts at byte `base` of its source file.
/// `escaped`: the text is `.reg`-escaped. Fills `rule` (whose `id`, `store` and
/// `span` the caller sets) and returns the issues.
pub fn parse_into(text: &str, base: usize, escaped: bool, rule: &mut WinRule) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut fields = split_fields(text);
    let first = match fields.next() {
        Some(f) => f,
        None => return issues,
    };
    // VERSION
    match all_consuming(version).parse(first.1) {
        Ok((_, v)) => {
            rule.version = Some(Spanned::new(
                v,
                base + first.0..base + first.0 + first.1.len(),
            ))
        }
        Err(_) => issues.push(Issue {
            level: IssueLevel::Error,
            message: format!(
                "malformed rule string: `{}` is not a version",
                clip(first.1)
            ),
            expected: Some("`vMAJOR.MINOR|` (e.g. `v2.30|`)".into()),
            span: base + first.0..base + first.0 + first.1.len(),
        }),
    }
    let mut ctx = Ctx {
        base,
        escaped,
        issues: &mut issues,
        protocol: None,
    };
    let mut saw_terminator = text.ends_with('|');
    for (off, field) in fields {
        if field.is_empty() {
            continue;
        }
        ctx.field(off, field, rule);
    }
    if text.trim().is_empty() {
        saw_terminator = true;
    }
    for (missing, what) in [
        (
            rule.action.is_none(),
            "`Action=`: Windows ignores the rule; fwlint keeps it disabled",
        ),
        (
            rule.dir.is_none(),
            "`Dir=`: Windows requires one; fwlint reads the rule as inbound",
        ),
    ] {
        if missing {
            issues.push(Issue {
                level: IssueLevel::Error,
                message: format!("malformed rule string: no {what}"),
                expected: Some(what.split(':').next().unwrap_or("").to_string()),
                span: base..base + text.len(),
            });
        }
    }
    if !saw_terminator {
        let end = base + text.len();
        issues.push(Issue {
            level: IssueLevel::Warning,
            message: "rule string does not end with `|`; read it as if it did".into(),
            expected: Some("`|`".into()),
            span: end..end,
        });
    }
    issues
}

/// Fields separated by `|`, with their offsets.
fn split_fields(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut off = 0;
    text.split('|').map(move |f| {
        let o = off;
        off += f.len() + 1;
        (o, f)
    })
}

fn clip(s: &str) -> String {
    if s.chars().count() > 60 {
        let t: String = s.chars().take(57).collect();
        format!("{t}...")
    } else {
        s.to_string()
    }
}

/// Undo `.reg` string escaping (`\\` → `\`, `\"` → `"`).
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n) => out.push(n),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

struct Ctx<'a> {
    base: usize,
    escaped: bool,
    issues: &'a mut Vec<Issue>,
    /// `Protocol=` seen so far (the spec requires it before ports / ICMP).
    protocol: Option<u16>,
}

/// Which token a key names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Action,
    Dir,
    Profile,
    Protocol,
    LPort,
    RPort,
    Security,
    If,
    IfType,
    App,
    Svc,
    La4,
    Ra4,
    La6,
    Ra6,
    Name,
    Desc,
    EmbedCtxt,
    Edge,
    Defer,
    Lsm,
    Active,
    Icmp4,
    Icmp6,
    Platform,
    RmAuth,
    RuAuth,
    AuthByPassOut,
    SkipVer,
    Lom,
    Platform2,
    PCross,
    LuAuth,
    LuOwn,
    AppPkgId,
    Ttk,
    NNm,
    SecurityRealmId,
}

/// Every key of [MS-GPFAS] 2.2.2.19, as written by Windows.
const KEYS: &[(&str, Key)] = &[
    ("Action", Key::Action),
    ("Dir", Key::Dir),
    ("Profile", Key::Profile),
    ("Protocol", Key::Protocol),
    ("LPort", Key::LPort),
    ("RPort", Key::RPort),
    ("LPort2_10", Key::LPort),
    ("RPort2_10", Key::RPort),
    ("LPort2_20", Key::LPort),
    ("Security", Key::Security),
    ("Security2_9", Key::Security),
    ("Security2", Key::Security),
    ("IF", Key::If),
    ("IFType", Key::IfType),
    ("App", Key::App),
    ("Svc", Key::Svc),
    ("LA4", Key::La4),
    ("RA4", Key::Ra4),
    ("LA6", Key::La6),
    ("RA6", Key::Ra6),
    ("RA42", Key::Ra4),
    ("RA62", Key::Ra6),
    ("Name", Key::Name),
    ("Desc", Key::Desc),
    ("EmbedCtxt", Key::EmbedCtxt),
    ("Edge", Key::Edge),
    ("Defer", Key::Defer),
    ("LSM", Key::Lsm),
    ("Active", Key::Active),
    ("ICMP4", Key::Icmp4),
    ("ICMP6", Key::Icmp6),
    ("Platform", Key::Platform),
    ("RMAuth", Key::RmAuth),
    ("RUAuth", Key::RuAuth),
    ("AuthByPassOut", Key::AuthByPassOut),
    ("SkipVer", Key::SkipVer),
    ("LOM", Key::Lom),
    ("Platform2", Key::Platform2),
    ("PCross", Key::PCross),
    ("LUAuth", Key::LuAuth),
    ("LUAuth2_24", Key::LuAuth),
    ("LUOwn", Key::LuOwn),
    ("AppPkgId", Key::AppPkgId),
    ("TTK", Key::Ttk),
    ("TTK2_22", Key::Ttk),
    ("TTK2_27", Key::Ttk),
    ("TTK2_28", Key::Ttk),
    ("NNm", Key::NNm),
    ("SecurityRealmId", Key::SecurityRealmId),
];

fn key_of(k: &str) -> Option<Key> {
    KEYS.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(k))
        .map(|(_, k)| *k)
}

impl Ctx<'_> {
    fn err(
        &mut self,
        level: IssueLevel,
        message: String,
        expected: Option<&str>,
        span: Range<usize>,
    ) {
        self.issues.push(Issue {
            level,
            message,
            expected: expected.map(str::to_string),
            span,
        });
    }

    /// One `KEY=VALUE` field at offset `off` of the rule string.
    fn field(&mut self, off: usize, field: &str, rule: &mut WinRule) {
        let span = self.base + off..self.base + off + field.len();
        let Ok((_, (key, raw))) = token(field) else {
            self.err(
                IssueLevel::Error,
                format!("malformed rule string field `{}`", clip(field)),
                Some("`KEY=VALUE|`"),
                span.clone(),
            );
            rule.unknown.push(Token {
                key: field.to_string(),
                value: String::new(),
                span: span.clone(),
                value_span: span.end..span.end,
            });
            return;
        };
        let voff = off + key.len() + 1;
        let vspan = self.base + voff..self.base + voff + raw.len();
        let value = if self.escaped && raw.contains('\\') {
            unescape(raw)
        } else {
            raw.to_string()
        };
        let tok = Token {
            key: key.to_string(),
            value: value.clone(),
            span: span.clone(),
            value_span: vspan.clone(),
        };
        let Some(k) = key_of(key) else {
            self.err(
                IssueLevel::Warning,
                format!(
                    "unknown rule-string token `{key}=`: not modelled; the rule is treated as matching an unknown subset"
                ),
                None,
                span,
            );
            rule.unknown.push(tok);
            return;
        };
        match k {
            Key::Action => {
                let v = match value.to_ascii_lowercase().as_str() {
                    "allow" => Some(WinAction::Allow),
                    "block" => Some(WinAction::Block),
                    "bypass" => Some(WinAction::Bypass),
                    _ => None,
                };
                match v {
                    Some(v) => self.once(&mut rule.action, v, &tok),
                    None => self.bad(&tok, "`Allow`, `Block` or `ByPass`", rule),
                }
            }
            Key::Dir => match value.to_ascii_lowercase().as_str() {
                "in" => self.once(&mut rule.dir, WinDir::In, &tok),
                "out" => self.once(&mut rule.dir, WinDir::Out, &tok),
                _ => self.bad(&tok, "`In` or `Out`", rule),
            },
            Key::Active => match parse_bool(&value) {
                Some(b) => self.once(&mut rule.active, b, &tok),
                None => self.bad(&tok, "`TRUE` or `FALSE`", rule),
            },
            Key::Profile => {
                let p = match value.to_ascii_lowercase().as_str() {
                    "domain" => Some(Profile::Domain),
                    "private" => Some(Profile::Private),
                    "public" => Some(Profile::Public),
                    _ => None,
                };
                match p {
                    Some(p) => rule.profiles.push(Spanned::new(p, vspan)),
                    None => self.bad(&tok, "`Domain`, `Private` or `Public`", rule),
                }
            }
            Key::Protocol => match all_consuming(number::<u16>).parse(value.as_str()) {
                Ok((_, p)) if p <= 256 => {
                    self.protocol = Some(p);
                    self.once(&mut rule.protocol, p, &tok)
                }
                _ => self.bad(&tok, "a protocol number 0-255", rule),
            },
            Key::LPort | Key::RPort => {
                self.need_ports(&tok);
                let spec = match all_consuming(port_val).parse(value.as_str()) {
                    Ok((_, p)) => p,
                    Err(_) => {
                        self.err(
                            IssueLevel::Error,
                            format!("malformed port `{}` in `{}=`", clip(&value), key),
                            Some(
                                "a port, `LO-HI`, or a port keyword (RPC, RPC-EPMap, Teredo, ...)",
                            ),
                            vspan.clone(),
                        );
                        PortSpec::Invalid(value.clone())
                    }
                };
                let list = if k == Key::LPort {
                    &mut rule.lports
                } else {
                    &mut rule.rports
                };
                list.push(Spanned::new(spec, vspan));
            }
            Key::La4 | Key::Ra4 | Key::La6 | Key::Ra6 => {
                let v6 = matches!(k, Key::La6 | Key::Ra6);
                let spec = match all_consuming(addr_val).parse(value.as_str()) {
                    Ok((_, a)) if addr_family_ok(&a, v6) => a,
                    _ => {
                        self.err(
                            IssueLevel::Error,
                            format!("malformed address `{}` in `{}=`", clip(&value), key),
                            Some(if v6 {
                                "an IPv6 address, `LO-HI`, `ADDR/LEN`, or an address keyword"
                            } else {
                                "an IPv4 address, `LO-HI`, `ADDR/LEN`, `ADDR/MASK`, or an address keyword"
                            }),
                            vspan.clone(),
                        );
                        AddrSpec::Invalid(value.clone())
                    }
                };
                let list = match k {
                    Key::La4 => &mut rule.la4,
                    Key::Ra4 => &mut rule.ra4,
                    Key::La6 => &mut rule.la6,
                    _ => &mut rule.ra6,
                };
                list.push(Spanned::new(spec, vspan));
            }
            Key::Icmp4 | Key::Icmp6 => {
                let want = if k == Key::Icmp4 { 1 } else { 58 };
                if self.protocol != Some(want) {
                    self.err(
                        IssueLevel::Warning,
                        format!("`{key}=` without `Protocol={want}` before it"),
                        None,
                        span.clone(),
                    );
                }
                match all_consuming(icmp_type_code).parse(value.as_str()) {
                    Ok((_, tc)) => {
                        let list = if k == Key::Icmp4 {
                            &mut rule.icmp4
                        } else {
                            &mut rule.icmp6
                        };
                        list.push(Spanned::new(tc, vspan));
                    }
                    Err(_) => self.bad(&tok, "`TYPE:CODE` (code `*` for any)", rule),
                }
            }
            Key::Edge | Key::Lsm | Key::Lom | Key::PCross | Key::AuthByPassOut => {
                match parse_bool(&value) {
                    Some(b) => {
                        let slot = match k {
                            Key::Edge => &mut rule.edge,
                            Key::Lsm => &mut rule.lsm,
                            Key::Lom => &mut rule.lom,
                            Key::PCross => &mut rule.pcross,
                            _ => &mut rule.auth_bypass_out,
                        };
                        self.once(slot, b, &tok)
                    }
                    None => self.bad(&tok, "`TRUE` or `FALSE`", rule),
                }
            }
            Key::App => self.once_str(&mut rule.app, &tok),
            Key::Svc => self.once_str(&mut rule.svc, &tok),
            Key::AppPkgId => self.once_str(&mut rule.app_pkg_id, &tok),
            Key::Name => self.once_str(&mut rule.name, &tok),
            Key::Desc => self.once_str(&mut rule.desc, &tok),
            Key::EmbedCtxt => self.once_str(&mut rule.embed_ctxt, &tok),
            Key::Defer => self.once_str(&mut rule.defer, &tok),
            Key::RmAuth => self.once_str(&mut rule.rmauth, &tok),
            Key::RuAuth => self.once_str(&mut rule.ruauth, &tok),
            Key::LuAuth => self.once_str(&mut rule.luauth, &tok),
            Key::LuOwn => self.once_str(&mut rule.luown, &tok),
            Key::NNm => self.once_str(&mut rule.nnm, &tok),
            Key::SecurityRealmId => self.once_str(&mut rule.security_realm_id, &tok),
            Key::Platform2 => self.once_str(&mut rule.platform2, &tok),
            Key::SkipVer => self.once_str(&mut rule.skip_ver, &tok),
            Key::Security => rule.security.push(Spanned::new(value, vspan)),
            Key::If => rule.interfaces.push(Spanned::new(value, vspan)),
            Key::IfType => rule.if_types.push(Spanned::new(value, vspan)),
            Key::Platform => rule.platform.push(Spanned::new(value, vspan)),
            Key::Ttk => rule.ttk.push(Spanned::new(value, vspan)),
        }
    }

    /// A token the spec allows once: a repeat is reported; the last one counts.
    fn once<T>(&mut self, slot: &mut Option<Spanned<T>>, v: T, tok: &Token) {
        if slot.is_some() {
            self.err(
                IssueLevel::Warning,
                format!("`{}=` appears more than once; the last one counts", tok.key),
                None,
                tok.span.clone(),
            );
        }
        *slot = Some(Spanned::new(v, tok.value_span.clone()));
    }

    fn once_str(&mut self, slot: &mut Option<Spanned<String>>, tok: &Token) {
        self.once(slot, tok.value.clone(), tok)
    }

    /// A known token with an unreadable value: an error, and the token is kept
    /// as unreadable so that lowering stays sound.
    fn bad(&mut self, tok: &Token, expected: &str, rule: &mut WinRule) {
        self.err(
            IssueLevel::Error,
            format!("malformed value `{}` for `{}=`", clip(&tok.value), tok.key),
            Some(expected),
            tok.value_span.clone(),
        );
        rule.unknown.push(tok.clone());
    }

    fn need_ports(&mut self, tok: &Token) {
        if !matches!(self.protocol, Some(6) | Some(17)) {
            self.err(
                IssueLevel::Warning,
                format!(
                    "`{}=` without `Protocol=6` or `Protocol=17` before it",
                    tok.key
                ),
                None,
                tok.span.clone(),
            );
        }
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_uppercase().as_str() {
        "TRUE" => Some(true),
        "FALSE" => Some(false),
        _ => None,
    }
}

fn addr_family_ok(a: &AddrSpec, v6: bool) -> bool {
    let fam = |ip: &IpAddr| ip.is_ipv6() == v6;
    match a {
        AddrSpec::Single(ip) | AddrSpec::Prefix(ip, _) | AddrSpec::Mask(ip, _) => fam(ip),
        AddrSpec::Range(a, b) => fam(a) && fam(b),
        AddrSpec::Keyword(_) | AddrSpec::Invalid(_) => true,
    }
}

/// `VERSION = "v" MAJOR-VER "." MINOR-VER`
fn version(i: &str) -> IResult<&str, (u8, u8)> {
    preceded(
        tag_no_case("v"),
        separated_pair(number::<u8>, char('.'), number::<u8>),
    )
    .parse(i)
}

/// `TYPE-VALUE = KEY "=" VALUE` (the value runs to the next `|`).
fn token(i: &str) -> IResult<&str, (&str, &str)> {
    separated_pair(
        take_while1(|c: char| c.is_ascii_alphanumeric() || c == '_'),
        char('='),
        take_till(|c| c == '|'),
    )
    .parse(i)
}

/// `1*DIGIT` as a number of type `T`.
fn number<T: std::str::FromStr>(i: &str) -> IResult<&str, T> {
    map_res(digit1, str::parse::<T>).parse(i)
}

/// `PORT-VAL / PORT-RANGE-VAL / port keyword`
fn port_val(i: &str) -> IResult<&str, PortSpec> {
    alt((
        map_res(
            (number::<u16>, opt(preceded(char('-'), number::<u16>))),
            |(a, b)| match b {
                Some(b) if b < a => Err("inverted port range"),
                Some(b) => Ok(PortSpec::Range(a, b)),
                None => Ok(PortSpec::Range(a, a)),
            },
        ),
        map_res(
            take_while1(|c: char| c.is_ascii_alphanumeric() || c == '-'),
            |k: &str| {
                PortKeyword::parse(k)
                    .map(PortSpec::Keyword)
                    .ok_or("unknown keyword")
            },
        ),
    ))
    .parse(i)
}

/// `ADDRESSV4/6-RANGE-VAL / ADDRESSV4/6-SUBNET-VAL / ADDRESS-KEYWORD-VAL`
fn addr_val(i: &str) -> IResult<&str, AddrSpec> {
    alt((
        map_res(separated_pair(ip, char('-'), ip), |(a, b)| {
            if a.is_ipv4() == b.is_ipv4() {
                Ok(AddrSpec::Range(a, b))
            } else {
                Err("mixed families")
            }
        }),
        map_res(separated_pair(ip, char('/'), ipv4), |(a, m)| {
            if a.is_ipv4() {
                Ok(AddrSpec::Mask(a, IpAddr::V4(m)))
            } else {
                Err("mask on IPv6")
            }
        }),
        map_res(separated_pair(ip, char('/'), number::<u8>), |(a, n)| {
            let max = if a.is_ipv4() { 32 } else { 128 };
            if n <= max {
                Ok(AddrSpec::Prefix(a, n))
            } else {
                Err("prefix too long")
            }
        }),
        ip.map(AddrSpec::Single),
        map_res(
            take_while1(|c: char| c.is_ascii_alphanumeric()),
            |k: &str| {
                AddrKeyword::parse(k)
                    .map(AddrSpec::Keyword)
                    .ok_or("unknown keyword")
            },
        ),
    ))
    .parse(i)
}

/// `ADDRV4 = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT`
fn ipv4(i: &str) -> IResult<&str, Ipv4Addr> {
    map_res(
        recognize((
            digit1,
            char('.'),
            digit1,
            char('.'),
            digit1,
            char('.'),
            digit1,
        )),
        str::parse::<Ipv4Addr>,
    )
    .parse(i)
}

/// `ADDRV6` (RFC 4291 text form), or an IPv4 address.
fn ip(i: &str) -> IResult<&str, IpAddr> {
    alt((
        map_res(
            take_while1(|c: char| c.is_ascii_hexdigit() || c == ':' || c == '.'),
            |s: &str| {
                if s.contains(':') {
                    s.parse::<Ipv6Addr>().map(IpAddr::V6).map_err(|_| ())
                } else {
                    Err(())
                }
            },
        ),
        ipv4.map(IpAddr::V4),
    ))
    .parse(i)
}

/// `ICMP-TYPE-CODE-VAL = TYPE ":" CODE`, `CODE = 1*3DIGIT / "*"`
fn icmp_type_code(i: &str) -> IResult<&str, IcmpTypeCode> {
    separated_pair(
        number::<u8>,
        char(':'),
        alt((tag("*").map(|_| None), number::<u8>.map(Some))),
    )
    .map(|(t, c)| IcmpTypeCode {
        icmp_type: t,
        code: c,
    })
    .parse(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> (WinRule, Vec<Issue>) {
        let mut r = WinRule::default();
        let issues = parse_into(s, 0, false, &mut r);
        (r, issues)
    }

    #[test]
    fn reads_the_ms_gpfas_sample() {
        let s = "v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Public|LPort=RPC|RPort=49000|LA4=192.168.1.0/255.255.255.0|LA4=192.168.0.0/255.255.255.0|RA4=LocalSubnet|RA6=LocalSubnet|App=c:\\\\path\\\\foo.exe|Name=Firewall Rule Test|Security=Authenticate|Security2_9=An-NoEncap|";
        let mut r = WinRule::default();
        let issues = parse_into(s, 0, true, &mut r);
        assert_eq!(issues, vec![]);
        assert_eq!(r.version.unwrap().value, (2, 10));
        assert_eq!(r.lports[0].value, PortSpec::Keyword(PortKeyword::Rpc));
        assert_eq!(r.la4.len(), 2);
        assert_eq!(r.app.unwrap().value, "c:\\path\\foo.exe");
        assert_eq!(r.security.len(), 2);
        assert_eq!(&s[r.lports[0].span.clone()], "RPC");
    }

    #[test]
    fn keeps_unknown_and_reports_malformed() {
        let (r, issues) = parse(
            "v2.30|Action=Allow|Frob=1|Dir=Sideways|Protocol=6|LPort=99999|RA4=10.0.0.0/33|junk|",
        );
        assert_eq!(r.unknown.len(), 3); // Frob, Dir, junk
        assert_eq!(r.lports[0].value, PortSpec::Invalid("99999".into()));
        assert_eq!(r.ra4[0].value, AddrSpec::Invalid("10.0.0.0/33".into()));
        let levels: Vec<_> = issues.iter().map(|i| i.level).collect();
        assert_eq!(
            levels,
            vec![
                IssueLevel::Warning,
                IssueLevel::Error,
                IssueLevel::Error,
                IssueLevel::Error,
                IssueLevel::Error,
                IssueLevel::Error
            ]
        );
        let (_, issues) = parse("2.30|Action=Allow|Dir=In|");
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].level, IssueLevel::Error);
        assert_eq!(issues[0].span, 0..4);
    }

    #[test]
    fn addresses_ranges_and_icmp() {
        let (r, issues) = parse("v2.30|Action=Allow|Dir=In|Protocol=58|ICMP6=128:*|ICMP6=1:4|RA6=fe80::-fe80::ffff|RA6=2001:db8::/32|LA4=10.0.0.1-10.0.0.9|RA4=DefaultGateway|");
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(
            r.icmp6[0].value,
            IcmpTypeCode {
                icmp_type: 128,
                code: None
            }
        );
        assert!(matches!(r.ra6[0].value, AddrSpec::Range(..)));
        assert!(matches!(r.ra6[1].value, AddrSpec::Prefix(_, 32)));
        assert!(matches!(r.la4[0].value, AddrSpec::Range(..)));
        assert_eq!(
            r.ra4[0].value,
            AddrSpec::Keyword(AddrKeyword::DefaultGateway)
        );
    }
}

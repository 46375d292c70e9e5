//! The rule as a script states it — a bag of `key=value` arguments with spans —
//! and its conversion into the shared Windows syntax tree ([`WinRule`]).
//!
//! Every script reader fills an [`ArgRule`] with netsh's parameter names (the
//! PowerShell, JSON and CSV readers map `-LocalPort` / `LocalPort` to
//! `localport`, and so on), keeping the values in their own spellings; this
//! module accepts every spelling of every value: netsh (`dir=in`, `enable=yes`,
//! `protocol=icmpv4:8,any`), PowerShell (`Inbound`, `True`, `ICMPv4`,
//! `Domain, Private`), and the numeric enums of `ConvertTo-Json` (`Direction: 1`,
//! `Action: 2`, `Enabled: 1`, `Profile: 3`).

use super::ast::{
    AddrSpec, IcmpTypeCode, PortSpec, Profile, Spanned, Token, WinAction, WinDir, WinRule,
};
use super::keywords::{AddrKeyword, PortKeyword};
use crate::model::{IssueLevel, ParseIssue, SourceFile};
use std::net::IpAddr;
use std::ops::Range;
use std::sync::Arc;

/// One `key=value` argument.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// netsh parameter name, lower-case (`localport`, `dir`, ...).
    pub key: String,
    pub value: String,
    /// Span of the value text in the source file.
    pub span: Range<usize>,
    /// Set when the value is not known (an unresolved `%VAR%` / `$var` /
    /// splat): what it was.
    pub opaque: Option<String>,
}

/// A rule as written by a script or export, before conversion.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArgRule {
    pub args: Vec<Arg>,
    /// The whole rule's text (the origin).
    pub span: Range<usize>,
    /// Facts to show with the rule (e.g. "changed by `set rule` at line 9").
    pub notes: Vec<String>,
}

impl ArgRule {
    pub fn get(&self, key: &str) -> Option<&Arg> {
        self.args.iter().rev().find(|a| a.key == key)
    }
    /// Set (replace) an argument.
    pub fn set(&mut self, arg: Arg) {
        self.args.retain(|a| a.key != arg.key);
        self.args.push(arg);
    }
    /// Add an argument only when the rule does not state it.
    pub fn default(&mut self, key: &str, value: &str) {
        if self.get(key).is_none() {
            let at = self.span.end;
            self.args.push(Arg {
                key: key.into(),
                value: value.into(),
                span: at..at,
                opaque: None,
            });
        }
    }
}

/// Collects issues with origins in one file.
pub struct Issues<'a> {
    pub file: &'a Arc<SourceFile>,
    pub list: Vec<ParseIssue>,
}

impl<'a> Issues<'a> {
    pub fn new(file: &'a Arc<SourceFile>) -> Self {
        Issues {
            file,
            list: Vec::new(),
        }
    }
    pub fn push(&mut self, level: IssueLevel, span: Range<usize>, message: impl Into<String>) {
        self.list.push(ParseIssue {
            level,
            message: message.into(),
            expected: None,
            help: None,
            origin: self.file.origin(span),
        });
    }
    pub fn error(&mut self, span: Range<usize>, message: impl Into<String>, expected: &str) {
        self.list.push(ParseIssue {
            level: IssueLevel::Error,
            message: message.into(),
            expected: Some(expected.into()),
            help: None,
            origin: self.file.origin(span),
        });
    }
    pub fn warn(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.push(IssueLevel::Warning, span, message);
    }
}

/// Split a list value: commas, and the spaces PowerShell's `-join` / CSV use.
pub fn split_list(v: &str) -> Vec<&str> {
    v.split([',', ' ', ';', '\n', '\r', '\t'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

fn is_any(v: &str) -> bool {
    let t = v.trim();
    t.is_empty() || t.eq_ignore_ascii_case("any") || t == "*"
}

/// Parse a boolean in netsh / PowerShell / JSON spellings (`GpoBoolean`: True=1, False=2).
pub fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" | "$true" | "enabled" | "on" => Some(true),
        "no" | "false" | "2" | "0" | "$false" | "disabled" | "off" => Some(false),
        _ => None,
    }
}

/// `dir=in|out`, `Inbound|Outbound`, `1|2`.
pub fn parse_dir(v: &str) -> Option<WinDir> {
    match v.trim().to_ascii_lowercase().as_str() {
        "in" | "inbound" | "1" => Some(WinDir::In),
        "out" | "outbound" | "2" => Some(WinDir::Out),
        _ => None,
    }
}

/// `action=allow|block|bypass`, `Allow|Block`, `2|4` (`NotConfigured` is 0).
pub fn parse_action(v: &str) -> Option<WinAction> {
    match v.trim().to_ascii_lowercase().as_str() {
        "allow" | "2" => Some(WinAction::Allow),
        "block" | "4" => Some(WinAction::Block),
        "bypass" => Some(WinAction::Bypass),
        _ => None,
    }
}

/// `profile=` lists and PowerShell's `Profile` flag enum (Domain=1, Private=2,
/// Public=4, Any=0 or all bits). `Ok(empty)` = every profile.
pub fn parse_profiles(v: &str) -> Result<Vec<Profile>, String> {
    let mut out = Vec::new();
    for p in split_list(v) {
        let l = p.to_ascii_lowercase();
        if let Ok(n) = l.parse::<u64>() {
            if n == 0 || n & 7 == 7 {
                return Ok(Vec::new());
            }
            for (bit, prof) in [
                (1, Profile::Domain),
                (2, Profile::Private),
                (4, Profile::Public),
            ] {
                if n & bit != 0 {
                    out.push(prof);
                }
            }
            continue;
        }
        match l.as_str() {
            "any" | "all" => return Ok(Vec::new()),
            "domain" => out.push(Profile::Domain),
            "private" => out.push(Profile::Private),
            "public" => out.push(Profile::Public),
            _ => return Err(p.to_string()),
        }
    }
    out.sort();
    out.dedup();
    if out.len() == 3 {
        out.clear();
    }
    Ok(out)
}

/// A protocol: `any`, a name (`tcp`, `ICMPv4`, ...) or a number 0-255, with an
/// optional netsh ICMP type list `icmpv4:type,code`.
#[derive(Debug, PartialEq)]
pub struct ProtoSpec {
    pub number: Option<u16>,
    pub icmp: Option<IcmpTypeCode>,
}

pub fn parse_protocol(v: &str) -> Option<ProtoSpec> {
    let t = v.trim();
    let (name, icmp) = match t.split_once(':') {
        Some((n, rest)) => (n, Some(rest)),
        None => (t, None),
    };
    let l = name.to_ascii_lowercase();
    let number = match l.as_str() {
        "any" | "" => None,
        "icmpv4" | "icmp" => Some(1),
        "icmpv6" => Some(58),
        _ => match l.parse::<u16>() {
            Ok(n) if n <= 255 => Some(n),
            Ok(_) => return None,
            Err(_) => Some(crate::model::values::proto::by_name(&l)? as u16),
        },
    };
    let icmp = match icmp {
        None => None,
        Some(tc) => {
            if !matches!(number, Some(1) | Some(58)) {
                return None;
            }
            Some(parse_icmp_type_code(tc, ',')?)
        }
    };
    Some(ProtoSpec { number, icmp })
}

/// `type,code` (netsh, code `any` or `*`) or `type:code` (PowerShell `-IcmpType`).
pub fn parse_icmp_type_code(s: &str, sep: char) -> Option<IcmpTypeCode> {
    let (t, c) = match s.split_once(sep) {
        Some((t, c)) => (t, Some(c)),
        None => (s, None),
    };
    let icmp_type = t.trim().parse::<u8>().ok()?;
    let code = match c.map(str::trim) {
        None => None,
        Some(c) if c.eq_ignore_ascii_case("any") || c == "*" => None,
        Some(c) => Some(c.parse::<u8>().ok()?),
    };
    Some(IcmpTypeCode { icmp_type, code })
}

/// One port entry: number, `lo-hi`, or a keyword.
pub fn parse_port(s: &str) -> PortSpec {
    let t = s.trim();
    if let Some(k) = PortKeyword::parse(t) {
        return PortSpec::Keyword(k);
    }
    let num = |x: &str| x.trim().parse::<u16>().ok();
    match t.split_once('-') {
        Some((a, b)) => match (num(a), num(b)) {
            (Some(a), Some(b)) if a <= b => PortSpec::Range(a, b),
            _ => PortSpec::Invalid(t.into()),
        },
        None => match num(t) {
            Some(n) => PortSpec::Range(n, n),
            None => PortSpec::Invalid(t.into()),
        },
    }
}

/// Which families an address entry belongs to.
pub enum Fam {
    V4,
    V6,
    Both,
}

/// One address entry: address, `a-b`, `a/len`, `a/mask`, or a keyword.
pub fn parse_addr(s: &str) -> (AddrSpec, Fam) {
    let t = s.trim();
    let fam_of = |a: &IpAddr| if a.is_ipv4() { Fam::V4 } else { Fam::V6 };
    // PowerShell's family-suffixed keywords (`Internet4`, `Intranet6`, ...).
    let kw =
        AddrKeyword::parse(t).or_else(|| t.strip_suffix(['4', '6']).and_then(AddrKeyword::parse));
    if let Some(k) = kw {
        let l = t.to_ascii_lowercase();
        let fam = if l.ends_with('4') {
            Fam::V4
        } else if l.ends_with('6') {
            Fam::V6
        } else {
            Fam::Both
        };
        return (AddrSpec::Keyword(k), fam);
    }
    let ip = |x: &str| x.trim().parse::<IpAddr>().ok();
    if let Some((a, b)) = t.split_once('/') {
        if let Some(a) = ip(a) {
            if let Ok(len) = b.trim().parse::<u8>() {
                if len <= if a.is_ipv4() { 32 } else { 128 } {
                    return (AddrSpec::Prefix(a, len), fam_of(&a));
                }
            } else if let Some(m) = ip(b) {
                if m.is_ipv4() == a.is_ipv4() {
                    return (AddrSpec::Mask(a, m), fam_of(&a));
                }
            }
        }
        return (AddrSpec::Invalid(t.into()), Fam::Both);
    }
    if let Some((a, b)) = t.split_once('-') {
        if let (Some(a), Some(b)) = (ip(a), ip(b)) {
            if a.is_ipv4() == b.is_ipv4() {
                return (AddrSpec::Range(a, b), fam_of(&a));
            }
        }
    }
    match ip(t) {
        Some(a) => (AddrSpec::Single(a), fam_of(&a)),
        None => (AddrSpec::Invalid(t.into()), Fam::Both),
    }
}

/// Sub-spans of the items of a list value, for precise value spans. Falls back
/// to the whole value span when the value was rewritten (quotes, variables).
fn item_span(arg: &Arg, item: &str, file: &SourceFile) -> Range<usize> {
    let text = file.text.get(arg.span.clone()).unwrap_or("");
    if text.len() == arg.value.len() {
        if let Some(off) = find_item(text, item) {
            return arg.span.start + off..arg.span.start + off + item.len();
        }
    }
    arg.span.clone()
}

fn find_item(text: &str, item: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(item) {
        let s = from + i;
        let e = s + item.len();
        let before_ok = s == 0 || !text.as_bytes()[s - 1].is_ascii_alphanumeric();
        let after_ok = e == text.len() || !text.as_bytes()[e].is_ascii_alphanumeric();
        if before_ok && after_ok {
            return Some(s);
        }
        from = s + item.len().max(1);
    }
    None
}

/// Split rules whose direction or action is unknown (an unresolved variable)
/// into one rule per possible value, each with an opaque condition naming the
/// unknown, so the model stays sound in every filter.
pub fn expand_unknowns(rules: Vec<ArgRule>) -> Vec<ArgRule> {
    let mut out = Vec::with_capacity(rules.len());
    for r in rules {
        let mut variants = vec![r];
        for (key, values) in [("dir", ["in", "out"]), ("action", ["allow", "block"])] {
            let mut next = Vec::new();
            for v in variants {
                match v.get(key).filter(|a| a.opaque.is_some()).cloned() {
                    Some(a) => {
                        for val in values {
                            let mut c = v.clone();
                            c.set(Arg {
                                key: key.into(),
                                value: val.into(),
                                span: a.span.clone(),
                                opaque: None,
                            });
                            c.args.push(Arg {
                                key: format!("{key}-unknown"),
                                value: a.value.clone(),
                                span: a.span.clone(),
                                opaque: a.opaque.clone(),
                            });
                            next.push(c);
                        }
                    }
                    None => next.push(v),
                }
            }
            variants = next;
        }
        out.extend(variants);
    }
    out
}

/// Convert an argument bag into a [`WinRule`]. Unreadable values become
/// `Invalid` entries or unknown tokens (opaque when lowered) and an issue.
pub fn to_win_rule(r: &ArgRule, issues: &mut Issues) -> WinRule {
    let file = issues.file;
    let mut w = WinRule {
        span: r.span.clone(),
        ..WinRule::default()
    };
    // The protocol first: `icmptype` entries need it.
    let mut proto: Option<u16> = None;
    for a in &r.args {
        // Readers report unknown values where they find them.
        if a.opaque.is_some() {
            opaque_arg(&mut w, a);
            continue;
        }
        let v = a.value.trim();
        match a.key.as_str() {
            "id" => w.id = Some(sp(a, v.to_string())),
            "name" => w.name = Some(sp(a, v.to_string())),
            "description" => w.desc = Some(sp(a, v.to_string())),
            "group" => {
                if !v.is_empty() {
                    w.embed_ctxt = Some(sp(a, v.to_string()))
                }
            }
            "dir" => match parse_dir(v) {
                Some(d) => w.dir = Some(sp(a, d)),
                None => bad(issues, a, "in, out"),
            },
            "action" => match parse_action(v) {
                Some(x) => w.action = Some(sp(a, x)),
                None => bad(issues, a, "allow, block, bypass"),
            },
            "enable" => match parse_bool(v) {
                Some(b) => w.active = Some(sp(a, b)),
                None => bad(issues, a, "yes, no"),
            },
            "profile" => match parse_profiles(v) {
                Ok(ps) => w.profiles = ps.into_iter().map(|p| sp(a, p)).collect(),
                Err(x) => {
                    issues.error(
                        a.span.clone(),
                        format!("unknown profile `{x}`"),
                        "public, private, domain, any",
                    );
                    unknown(&mut w, a);
                }
            },
            "protocol" => match parse_protocol(v) {
                Some(p) => {
                    proto = p.number;
                    if let Some(n) = p.number {
                        w.protocol = Some(sp(a, n));
                    }
                    if let Some(ic) = p.icmp {
                        if p.number == Some(58) {
                            w.icmp6.push(sp(a, ic));
                        } else {
                            w.icmp4.push(sp(a, ic));
                        }
                    }
                }
                None => {
                    bad(
                        issues,
                        a,
                        "any, tcp, udp, icmpv4, icmpv6, icmpv4:type,code, 0-255",
                    );
                    unknown(&mut w, a);
                }
            },
            "localport" | "remoteport" => {
                if is_any(v) {
                    continue;
                }
                for item in split_list(v) {
                    let spec = parse_port(item);
                    if let PortSpec::Invalid(x) = &spec {
                        issues.error(
                            item_span(a, item, file),
                            format!("`{x}` is not a port, port range or port keyword"),
                            "a port 0-65535, a range lo-hi, RPC, RPC-EPMap, IPHTTPS, Teredo, any",
                        );
                    }
                    let s = Spanned::new(spec, item_span(a, item, file));
                    if a.key == "localport" {
                        w.lports.push(s)
                    } else {
                        w.rports.push(s)
                    }
                }
            }
            "localip" | "remoteip" => {
                if is_any(v) {
                    continue;
                }
                for item in split_list(v) {
                    if is_any(item) {
                        continue;
                    }
                    let (spec, fam) = parse_addr(item);
                    if let AddrSpec::Invalid(x) = &spec {
                        issues.error(
                            item_span(a, item, file),
                            format!("`{x}` is not an address, range, subnet or address keyword"),
                            "an address, a-b, a/len, a/mask, LocalSubnet, DNS, DHCP, WINS, DefaultGateway, any",
                        );
                    }
                    let s = Spanned::new(spec, item_span(a, item, file));
                    let (v4, v6) = if a.key == "localip" {
                        (&mut w.la4, &mut w.la6)
                    } else {
                        (&mut w.ra4, &mut w.ra6)
                    };
                    match fam {
                        Fam::V4 => v4.push(s),
                        Fam::V6 => v6.push(s),
                        Fam::Both => {
                            v4.push(s.clone());
                            v6.push(s);
                        }
                    }
                }
            }
            "icmptype" => {
                if is_any(v) {
                    continue;
                }
                for item in split_list(v) {
                    match parse_icmp_type_code(item, ':') {
                        Some(ic) => {
                            let s = Spanned::new(ic, item_span(a, item, file));
                            if proto == Some(58) {
                                w.icmp6.push(s)
                            } else {
                                w.icmp4.push(s)
                            }
                        }
                        None => {
                            bad(issues, a, "an ICMP type 0-255 or type:code");
                            unknown(&mut w, a);
                        }
                    }
                }
            }
            "program" => {
                if !is_any(v) {
                    w.app = Some(sp(a, v.to_string()))
                }
            }
            "service" => {
                if !is_any(v) {
                    w.svc = Some(sp(a, v.to_string()))
                }
            }
            "package" => {
                if !is_any(v) {
                    w.app_pkg_id = Some(sp(a, v.to_string()))
                }
            }
            "interfacetype" => {
                if !is_any(v) {
                    for item in split_list(v) {
                        let t = match item.to_ascii_lowercase().as_str() {
                            "wireless" => "Wireless",
                            "lan" | "wired" => "Lan",
                            "ras" | "remoteaccess" => "RemoteAccess",
                            _ => {
                                bad(issues, a, "any, wireless, lan, ras");
                                item
                            }
                        };
                        w.if_types
                            .push(Spanned::new(t.to_string(), item_span(a, item, file)));
                    }
                }
            }
            "interface" => {
                if !is_any(v) {
                    for item in split_list(v) {
                        w.interfaces
                            .push(Spanned::new(item.to_string(), item_span(a, item, file)));
                    }
                }
            }
            "edge" => match v.to_ascii_lowercase().as_str() {
                "yes" | "allow" | "1" | "true" => w.edge = Some(sp(a, true)),
                "no" | "block" | "0" | "false" => {}
                "deferapp" | "defertoapp" | "3" => {
                    w.edge = Some(sp(a, true));
                    w.defer = Some(sp(a, "App".to_string()));
                }
                "deferuser" | "defertouser" | "2" => {
                    w.edge = Some(sp(a, true));
                    w.defer = Some(sp(a, "User".to_string()));
                }
                _ => bad(issues, a, "yes, no, deferapp, deferuser"),
            },
            "security" => match v.to_ascii_lowercase().as_str() {
                "notrequired" | "" | "0" => {}
                "authenticate" | "required" | "1" => {
                    w.security.push(sp(a, "Authenticate".to_string()))
                }
                "authenc" | "2" => w.security.push(sp(a, "AuthenticateEncrypt".to_string())),
                "authdynenc" | "dynamic" => w.security.push(sp(a, "AnE-Nego".to_string())),
                "authnoencap" | "noencap" => w.security.push(sp(a, "An-NoEncap".to_string())),
                _ => {
                    bad(
                        issues,
                        a,
                        "notrequired, authenticate, authenc, authdynenc, authnoencap",
                    );
                    unknown(&mut w, a);
                }
            },
            "rmtcomputergrp" => {
                if !is_any(v) {
                    w.rmauth = Some(sp(a, v.to_string()))
                }
            }
            "rmtusrgrp" => {
                if !is_any(v) {
                    w.ruauth = Some(sp(a, v.to_string()))
                }
            }
            "localuser" => {
                if !is_any(v) {
                    w.luauth = Some(sp(a, v.to_string()))
                }
            }
            "owner" => {
                if !v.is_empty() {
                    w.luown = Some(sp(a, v.to_string()))
                }
            }
            "platform" => {
                if !v.is_empty() {
                    w.platform.push(sp(a, v.to_string()))
                }
            }
            "rulesource" => {
                // show rule `Group Policy`; PolicyStoreSourceType `GroupPolicy` / 2.
                let l = v.to_ascii_lowercase().replace(' ', "");
                if l.contains("grouppolicy") || l == "2" {
                    w.store = super::ast::Store::Gpo;
                }
            }
            "loosesourcemapping" => w.lsm = parse_bool(v).map(|b| sp(a, b)),
            "localonlymapping" => w.lom = parse_bool(v).map(|b| sp(a, b)),
            "overrideblockrules" => {
                if parse_bool(v) == Some(true) {
                    w.action = Some(sp(a, WinAction::Bypass));
                }
            }
            _ => {
                issues.warn(
                    a.span.clone(),
                    format!(
                        "parameter `{}` is not modelled; the rule keeps it as an opaque condition",
                        a.key
                    ),
                );
                unknown(&mut w, a);
            }
        }
    }
    // `OverrideBlockRules=True` wins over an `Action` stated after it.
    if let Some(a) = r
        .get("overrideblockrules")
        .filter(|a| parse_bool(&a.value) == Some(true))
    {
        w.action = Some(sp(a, WinAction::Bypass));
    }
    w
}

fn sp<T>(a: &Arg, v: T) -> Spanned<T> {
    Spanned::new(v, a.span.clone())
}

fn bad(issues: &mut Issues, a: &Arg, expected: &str) {
    issues.error(
        a.span.clone(),
        format!("`{}={}` is not a valid value", a.key, a.value),
        expected,
    );
}

fn unknown(w: &mut WinRule, a: &Arg) {
    w.unknown.push(Token {
        key: a.key.clone(),
        value: a.value.clone(),
        span: a.span.clone(),
        value_span: a.span.clone(),
    });
}

/// A value that is not known: keep the field constrained but undecidable.
fn opaque_arg(w: &mut WinRule, a: &Arg) {
    let what = format!("{}={}", a.key, a.value);
    let sp = a.span.clone();
    match a.key.as_str() {
        "localport" => w.lports.push(Spanned::new(PortSpec::Invalid(what), sp)),
        "remoteport" => w.rports.push(Spanned::new(PortSpec::Invalid(what), sp)),
        "localip" => {
            w.la4
                .push(Spanned::new(AddrSpec::Invalid(what.clone()), sp.clone()));
            w.la6.push(Spanned::new(AddrSpec::Invalid(what), sp));
        }
        "remoteip" => {
            w.ra4
                .push(Spanned::new(AddrSpec::Invalid(what.clone()), sp.clone()));
            w.ra6.push(Spanned::new(AddrSpec::Invalid(what), sp));
        }
        "name" => w.name = Some(Spanned::new(a.value.clone(), sp)),
        "id" => w.id = Some(Spanned::new(a.value.clone(), sp)),
        "description" | "group" => {}
        _ => unknown(w, a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_spellings() {
        assert_eq!(parse_dir("Inbound"), Some(WinDir::In));
        assert_eq!(parse_dir("2"), Some(WinDir::Out));
        assert_eq!(parse_action("4"), Some(WinAction::Block));
        assert_eq!(parse_bool("True"), Some(true));
        assert_eq!(parse_bool("2"), Some(false));
        assert_eq!(
            parse_profiles("Domain, Private").unwrap(),
            vec![Profile::Domain, Profile::Private]
        );
        assert_eq!(
            parse_profiles("5").unwrap(),
            vec![Profile::Domain, Profile::Public]
        );
        assert!(parse_profiles("0").unwrap().is_empty());
        assert!(parse_profiles("domain,private,public").unwrap().is_empty());
        assert!(parse_profiles("home").is_err());
    }

    #[test]
    fn protocols_ports_addresses() {
        let p = parse_protocol("icmpv4:8,any").unwrap();
        assert_eq!(p.number, Some(1));
        assert_eq!(
            p.icmp,
            Some(IcmpTypeCode {
                icmp_type: 8,
                code: None
            })
        );
        assert_eq!(parse_protocol("TCP").unwrap().number, Some(6));
        assert_eq!(parse_protocol("47").unwrap().number, Some(47));
        assert_eq!(parse_protocol("any").unwrap().number, None);
        assert!(parse_protocol("tcp:1,2").is_none());
        assert!(parse_protocol("300").is_none());
        assert_eq!(
            parse_port("RPC-EPMap"),
            PortSpec::Keyword(PortKeyword::RpcEpMap)
        );
        assert_eq!(parse_port("1000-2000"), PortSpec::Range(1000, 2000));
        assert!(matches!(parse_port("x"), PortSpec::Invalid(_)));
        assert!(matches!(parse_addr("10.0.0.0/8").0, AddrSpec::Prefix(_, 8)));
        assert!(matches!(
            parse_addr("10.0.0.0/255.0.0.0").0,
            AddrSpec::Mask(..)
        ));
        assert!(matches!(
            parse_addr("10.0.0.1-10.0.0.9").0,
            AddrSpec::Range(..)
        ));
        assert!(matches!(parse_addr("fe80::/64").1, Fam::V6));
        assert!(matches!(
            parse_addr("LocalSubnet6"),
            (AddrSpec::Keyword(_), Fam::V6)
        ));
        assert!(matches!(parse_addr("10.0.0.0/40").0, AddrSpec::Invalid(_)));
    }
}

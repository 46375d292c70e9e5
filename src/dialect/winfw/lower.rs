//! Lowering Windows Firewall rules ([`WinRule`]) and profile settings into the
//! model, with Windows precedence made explicit.
//!
//! Six first-match filters, `in/domain` ... `out/public`. Each holds, in order,
//! the bypass rules (allow, but only for IPsec-authenticated traffic), then the
//! block rules, then the allow rules: [MS-FASP] 2.2.34's "authenticated bypass >
//! block > allow > profile default" is exactly first match over that order. A
//! rule appears in every profile filter its `Profile=` set names (none = all).
//! Disabled rules stay, with `enabled = false`. A profile whose firewall is off
//! allows everything: its filter's default is allow and its rules are disabled.
//! Local-store rules are disabled in a profile whose Group Policy sets
//! `AllowLocalPolicyMerge=0`.
//!
//! Inbound: remote address/port = packet source, local = destination.
//! Outbound: local = source, remote = destination.

use super::ast::{
    AddrSpec, IcmpTypeCode, PortSpec, Profile, ProfileSettings, Spanned, Store, WinAction, WinDir,
    WinRule, WinVerdict,
};
use crate::model::values::{proto, Family};
use crate::model::{
    Action, AddrPattern, Binding, Cond, Effect, Filter, FilterBody, FirstMatch, IssueLevel, Match,
    NameClash, ParseIssue, Ranges, Rule, RuleSet, SourceFile, SymbolicField,
};
use std::collections::HashMap;
use std::sync::Arc;

/// The `semantics` text of every Windows filter.
pub const SEMANTICS: &str =
    "Windows Firewall: authenticated bypass > block > allow > profile default";

/// Lower `rules` and `profiles`, read from `file`, into six filters named
/// `in/domain`, `in/private`, `in/public`, `out/domain`, `out/private`,
/// `out/public`. `dialect` is the dialect name (`winfw-reg`, `winfw-netsh`, ...).
pub fn lower(
    rules: &[WinRule],
    profiles: &ProfileSettings,
    file: &Arc<SourceFile>,
    dialect: &str,
) -> RuleSet {
    let mut rs = RuleSet::default();
    // Lower each rule once (its match does not depend on the profile).
    let lowered: Vec<(Option<WinDir>, Rank, Rule)> = rules
        .iter()
        .map(|r| {
            let (rank, rule) = lower_rule(r, file);
            (r.dir.as_ref().map(|d| d.value), rank, rule)
        })
        .collect();
    for dir in [WinDir::In, WinDir::Out] {
        for p in Profile::ALL {
            rs.filters.push(profile_filter(
                rules, &lowered, profiles, dir, p, file, dialect,
            ));
        }
    }
    for p in Profile::ALL {
        let (on, span) = profiles.enabled(p);
        if !on {
            let origin = file.origin(span.unwrap_or(0..0));
            rs.issues.push(ParseIssue {
                level: IssueLevel::Note,
                message: format!(
                    "the firewall is off for the {} profile (EnableFirewall=0): all traffic is allowed there",
                    p.name()
                ),
                expected: None,
                help: Some("set EnableFirewall=1 for this profile".into()),
                origin,
            });
        }
        let (merge, span) = profiles.local_merge(p);
        if !merge
            && rules
                .iter()
                .any(|r| r.store == Store::Local && r.applies_to(p))
        {
            rs.issues.push(ParseIssue {
                level: IssueLevel::Note,
                message: format!(
                    "Group Policy sets AllowLocalPolicyMerge=0 for the {} profile: local-store rules do not apply there",
                    p.name()
                ),
                expected: None,
                help: None,
                origin: file.origin(span.unwrap_or(0..0)),
            });
        }
    }
    rs.name_clashes = name_clashes(rules, file);
    rs
}

/// Precedence group of a rule.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Bypass,
    Block,
    Allow,
}

fn profile_filter(
    rules: &[WinRule],
    lowered: &[(Option<WinDir>, Rank, Rule)],
    profiles: &ProfileSettings,
    dir: WinDir,
    p: Profile,
    file: &Arc<SourceFile>,
    dialect: &str,
) -> Filter {
    let (on, _) = profiles.enabled(p);
    let (merge, _) = profiles.local_merge(p);
    let mut picked: Vec<(Rank, usize, Rule)> = Vec::new();
    for (i, (w, (rdir, rank, rule))) in rules.iter().zip(lowered).enumerate() {
        // A rule without a direction was reported by its reader; Windows
        // requires one, and inbound is the conservative place to put it.
        if rdir.unwrap_or(WinDir::In) != dir || !w.applies_to(p) {
            continue;
        }
        let mut rule = rule.clone();
        if !on && rule.enabled {
            rule.enabled = false;
            rule.notes.push(format!(
                "not applied: the firewall is off for the {} profile",
                p.name()
            ));
        }
        if !merge && w.store == Store::Local && rule.enabled {
            rule.enabled = false;
            rule.notes.push(format!(
                "not applied: Group Policy disallows local rules (AllowLocalPolicyMerge=0) for the {} profile",
                p.name()
            ));
        }
        picked.push((*rank, i, rule));
    }
    // Precedence groups in order. Within a group the order does not change any
    // verdict (any matching block blocks, any matching allow allows), so rules
    // whose match is certain come first: `query` then names a rule that surely
    // decides before one that only might.
    picked.sort_by_key(|(rank, i, r)| (*rank, r.matches.is_uncertain(), *i));
    let (default, default_origin) = if on {
        let (v, span) = profiles.default_action(p, dir);
        let a = match v {
            WinVerdict::Allow => Action::Allow,
            WinVerdict::Block => Action::Deny,
        };
        (a, span.map(|s| file.origin(s)))
    } else {
        (Action::Allow, profiles.enabled(p).1.map(|s| file.origin(s)))
    };
    let name = format!("{}/{}", dir.name(), p.name());
    let aliases = if p == Profile::Domain {
        vec![dir.name().to_string()]
    } else {
        Vec::new()
    };
    Filter {
        name,
        aliases,
        dialect: dialect.to_string(),
        semantics: SEMANTICS.to_string(),
        body: FilterBody::FirstMatch(FirstMatch {
            rules: picked.into_iter().map(|(_, _, r)| r).collect(),
            default,
            default_origin,
        }),
        bindings: vec![Binding {
            point: p.name().to_string(),
            direction: dir.name().to_string(),
            origin: None,
        }],
        origin: None,
    }
}

/// One rule's match, effect and notes (profile-independent).
fn lower_rule(r: &WinRule, file: &Arc<SourceFile>) -> (Rank, Rule) {
    let dir = r.dir.as_ref().map(|d| d.value).unwrap_or(WinDir::In);
    let mut conds: Vec<Cond> = Vec::new();
    let mut notes: Vec<String> = Vec::new();

    let rank = match r.action.as_ref().map(|a| a.value) {
        Some(WinAction::Bypass) => {
            notes.push(
                "bypass rule: allows only IPsec-authenticated traffic, over block rules".into(),
            );
            Rank::Bypass
        }
        Some(WinAction::Block) => Rank::Block,
        Some(WinAction::Allow) => Rank::Allow,
        None => {
            notes.push("no Action= token: the rule is invalid and Windows ignores it".into());
            Rank::Allow
        }
    };

    // Protocol.
    let protocol = r.protocol.as_ref().map(|p| p.value).filter(|&p| p <= 255);
    if let Some(p) = protocol {
        conds.push(Cond::Protocol(Ranges::single(p)));
    }

    // Ports: local/remote → src/dst by direction.
    let (lfield, rfield) = match dir {
        WinDir::In => (SymbolicField::DstPort, SymbolicField::SrcPort),
        WinDir::Out => (SymbolicField::SrcPort, SymbolicField::DstPort),
    };
    if !r.lports.is_empty() {
        conds.push(port_cond(&r.lports, lfield, protocol, "local", &mut notes));
    }
    if !r.rports.is_empty() {
        conds.push(port_cond(&r.rports, rfield, protocol, "remote", &mut notes));
    }
    if let Some(p) = protocol {
        let has_ports = !r.lports.is_empty() || !r.rports.is_empty();
        if has_ports && !proto::has_ports(p as u8) {
            notes.push(format!(
                "ports given with protocol {p}, which has no ports: the rule matches nothing"
            ));
        }
    }

    // ICMP type:code.
    let icmp: Vec<&Spanned<IcmpTypeCode>> = r.icmp4.iter().chain(r.icmp6.iter()).collect();
    if !icmp.is_empty() {
        let alts: Vec<Match> = icmp
            .iter()
            .map(|s| {
                let mut m =
                    Match::any().and(Cond::IcmpType(Ranges::single(s.value.icmp_type as u16)));
                if let Some(c) = s.value.code {
                    m = m.and(Cond::IcmpCode(Ranges::single(c as u16)));
                }
                m
            })
            .collect();
        conds.push(any_of(alts));
    }

    // Addresses.
    let (lafield, rafield) = match dir {
        WinDir::In => (AddrSide::Dst, AddrSide::Src),
        WinDir::Out => (AddrSide::Src, AddrSide::Dst),
    };
    if let Some(c) = addr_cond(&r.la4, &r.la6, lafield) {
        conds.push(c);
    }
    if let Some(c) = addr_cond(&r.ra4, &r.ra6, rafield) {
        conds.push(c);
    }

    // Scopes that packet headers do not show.
    if let Some(app) = &r.app {
        conds.push(Cond::Opaque {
            what: format!("program {}", app.value),
        });
        notes.push(format!("scoped to program {}", app.value));
    }
    if let Some(svc) = &r.svc {
        let what = if svc.value == "*" {
            "service * (any service)".to_string()
        } else {
            format!("service {}", svc.value)
        };
        notes.push(format!("scoped to {what}"));
        conds.push(Cond::Opaque { what });
    }
    if let Some(pkg) = &r.app_pkg_id {
        conds.push(Cond::Opaque {
            what: format!("app package {}", pkg.value),
        });
        notes.push(format!("scoped to app package {}", pkg.value));
    }
    for (label, v) in [
        ("local user authorization", &r.luauth),
        ("remote user authorization", &r.ruauth),
        ("remote machine authorization", &r.rmauth),
        ("local user owner", &r.luown),
        ("network names", &r.nnm),
        ("security realm", &r.security_realm_id),
    ] {
        if let Some(v) = v {
            conds.push(Cond::Opaque {
                what: format!("{label} {}", v.value),
            });
        }
    }
    if !r.security.is_empty() {
        let s: Vec<&str> = r.security.iter().map(|s| s.value.as_str()).collect();
        conds.push(Cond::Opaque {
            what: format!("IPsec-secured ({})", s.join(", ")),
        });
    }
    if !r.interfaces.is_empty() {
        let s: Vec<&str> = r.interfaces.iter().map(|s| s.value.as_str()).collect();
        conds.push(Cond::Opaque {
            what: format!("interface {}", s.join(", ")),
        });
    }
    if !r.if_types.is_empty() {
        let s: Vec<&str> = r.if_types.iter().map(|s| s.value.as_str()).collect();
        if !s
            .iter()
            .any(|t| t.eq_ignore_ascii_case("all") || t.eq_ignore_ascii_case("any"))
        {
            conds.push(Cond::Opaque {
                what: format!("interface type {}", s.join(", ")),
            });
        }
    }
    if !r.ttk.is_empty() {
        let s: Vec<&str> = r.ttk.iter().map(|s| s.value.as_str()).collect();
        conds.push(Cond::Opaque {
            what: format!("trust tuple {}", s.join(", ")),
        });
    }
    if r.action
        .as_ref()
        .is_some_and(|a| a.value == WinAction::Bypass)
    {
        // Last, so that header conditions decide first.
        conds.push(Cond::Opaque {
            what: "IPsec-authenticated (bypass)".into(),
        });
    }
    for t in &r.unknown {
        conds.push(Cond::Opaque {
            what: format!("unknown token {}={}", t.key, t.value),
        });
    }

    // Flags that change no match.
    if r.edge.as_ref().is_some_and(|e| e.value) {
        notes.push("edge traversal allowed".into());
    }
    if let Some(d) = &r.defer {
        notes.push(format!("edge traversal deferred to {}", d.value));
    }
    if !r.platform.is_empty() {
        let s: Vec<&str> = r.platform.iter().map(|s| s.value.as_str()).collect();
        let op = r.platform2.as_ref().map(|s| s.value.as_str()).unwrap_or("");
        notes.push(
            format!("platform {} {op}", s.join(", "))
                .trim_end()
                .to_string(),
        );
    }
    if r.store == Store::Gpo {
        notes.push("from Group Policy".into());
    }

    let span = r.span.clone();
    let mut rule = Rule::new(
        Match::new(conds),
        match rank {
            Rank::Block => Effect::Deny,
            _ => Effect::Allow,
        },
        file.origin(span),
    );
    let active = r.active.as_ref().is_some_and(|a| a.value) && r.action.is_some();
    if !active && r.action.is_some() {
        notes.push("disabled (Active=FALSE)".into());
    }
    rule.enabled = active;
    rule.label = r.display_name().map(str::to_string);
    rule.notes = notes;
    (rank, rule)
}

/// A port list as one condition: numbers as a port set, keywords as symbolic
/// sets, `RPC-EPMap` as TCP 135.
fn port_cond(
    ports: &[Spanned<PortSpec>],
    field: SymbolicField,
    protocol: Option<u16>,
    side: &str,
    notes: &mut Vec<String>,
) -> Cond {
    let mut ranges = Ranges::empty();
    let mut alts: Vec<Match> = Vec::new();
    for p in ports {
        match &p.value {
            PortSpec::Range(a, b) => ranges = ranges.union(&Ranges::range(*a, *b)),
            PortSpec::Keyword(k) => match k.fixed() {
                Some((kp, port)) => {
                    ranges = ranges.union(&Ranges::single(port));
                    notes.push(format!(
                        "{side} port {} is {} port {port}",
                        k.canonical(),
                        proto::name(kp).unwrap_or("?")
                    ));
                    if protocol.is_some_and(|p| p != kp as u16) {
                        notes.push(format!(
                            "{} is only meaningful with protocol {}",
                            k.canonical(),
                            proto::name(kp).unwrap_or("?")
                        ));
                    }
                }
                None => {
                    let m = Match::any().and(Cond::Symbolic {
                        field,
                        keyword: k.canonical().to_string(),
                    });
                    // `IPTLSIn` and `IPHTTPSIn` name the same keyword.
                    if !alts.contains(&m) {
                        alts.push(m)
                    }
                }
            },
            PortSpec::Invalid(s) => alts.push(Match::any().and(Cond::Opaque {
                what: format!("unreadable {side} port `{s}`"),
            })),
        }
    }
    let port = |r: Ranges| match field {
        SymbolicField::SrcPort | SymbolicField::SrcAddr => Cond::SrcPort(r),
        _ => Cond::DstPort(r),
    };
    if !ranges.is_empty() {
        alts.insert(0, Match::any().and(port(ranges)));
    }
    any_of(alts)
}

#[derive(Clone, Copy)]
enum AddrSide {
    Src,
    Dst,
}

/// The address condition of one side (local or remote) from its IPv4 and IPv6
/// lists. Stating addresses of one family only restricts the rule to it.
fn addr_cond(v4: &[Spanned<AddrSpec>], v6: &[Spanned<AddrSpec>], side: AddrSide) -> Option<Cond> {
    if v4.is_empty() && v6.is_empty() {
        return None;
    }
    let field = match side {
        AddrSide::Src => SymbolicField::SrcAddr,
        AddrSide::Dst => SymbolicField::DstAddr,
    };
    let mut pats: Vec<AddrPattern> = Vec::new();
    // keyword → families it is given for
    let mut keywords: Vec<(String, Vec<Family>)> = Vec::new();
    let mut other: Vec<Match> = Vec::new();
    for (fam, list) in [(Family::Ipv4, v4), (Family::Ipv6, v6)] {
        for a in list {
            match &a.value {
                AddrSpec::Single(ip) => pats.push(AddrPattern::host(*ip)),
                AddrSpec::Prefix(ip, len) => pats.push(AddrPattern::prefix(*ip, *len)),
                AddrSpec::Mask(ip, mask) => {
                    // A mask's set bits are the network: the wildcard is its complement.
                    let m = crate::model::values::ip_to_u128(mask);
                    let w = !m & crate::model::values::full_mask(Family::of(ip));
                    pats.push(AddrPattern::wildcard(
                        *ip,
                        crate::model::values::u128_to_ip(Family::of(ip), w),
                    ))
                }
                AddrSpec::Range(lo, hi) => {
                    if let Some(p) = AddrPattern::range(*lo, *hi) {
                        pats.push(p)
                    }
                }
                AddrSpec::Keyword(k) => {
                    let name = k.canonical().to_string();
                    match keywords.iter_mut().find(|(n, _)| *n == name) {
                        Some((_, fams)) => {
                            if !fams.contains(&fam) {
                                fams.push(fam)
                            }
                        }
                        None => keywords.push((name, vec![fam])),
                    }
                }
                AddrSpec::Invalid(s) => {
                    other.push(Match::any().and(Cond::Family(fam)).and(Cond::Opaque {
                        what: format!("unreadable address `{s}`"),
                    }))
                }
            }
        }
    }
    let mut alts: Vec<Match> = Vec::new();
    if !pats.is_empty() {
        alts.push(Match::any().and(match side {
            AddrSide::Src => Cond::SrcAddr(pats),
            AddrSide::Dst => Cond::DstAddr(pats),
        }));
    }
    for (keyword, fams) in keywords {
        let sym = Cond::Symbolic { field, keyword };
        if fams.len() == 2 {
            alts.push(Match::any().and(sym));
        } else {
            alts.push(Match::any().and(Cond::Family(fams[0])).and(sym));
        }
    }
    alts.extend(other);
    Some(any_of(alts))
}

/// A disjunction, flattened when it has a single alternative of a single condition.
fn any_of(mut alts: Vec<Match>) -> Cond {
    if alts.len() == 1 && alts[0].conds.len() == 1 {
        return alts
            .pop()
            .and_then(|mut m| m.conds.pop())
            .expect("one condition");
    }
    Cond::AnyOf(alts)
}

/// Rules that share a `Name=` but differ in contents.
fn name_clashes(rules: &[WinRule], file: &Arc<SourceFile>) -> Vec<NameClash> {
    let mut by_name: HashMap<&str, Vec<&WinRule>> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for r in rules {
        if let Some(n) = &r.name {
            let e = by_name.entry(n.value.as_str()).or_default();
            if e.is_empty() {
                order.push(n.value.as_str());
            }
            e.push(r);
        }
    }
    let mut out = Vec::new();
    for name in order {
        let group = &by_name[name];
        if group.len() < 2 {
            continue;
        }
        let differs = group.iter().any(|r| !r.same_content(group[0]));
        if differs {
            out.push(NameClash {
                name: name.to_string(),
                origins: group.iter().map(|r| file.origin(r.span.clone())).collect(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::winfw::keywords::AddrKeyword;
    use crate::model::eval::{evaluate, NoSymbols};
    use crate::model::Packet;

    fn sp<T>(v: T) -> Option<Spanned<T>> {
        Some(Spanned::new(v, 0..0))
    }

    fn rule(action: WinAction, port: u16) -> WinRule {
        WinRule {
            action: sp(action),
            active: sp(true),
            dir: sp(WinDir::In),
            protocol: sp(6),
            lports: vec![Spanned::new(PortSpec::Range(port, port), 0..0)],
            span: 0..1,
            ..WinRule::default()
        }
    }

    fn verdict(rs: &RuleSet, filter: &str, pkt: &str) -> Action {
        let f = rs.filter(filter).unwrap();
        evaluate(&f.body, &Packet::parse(pkt).unwrap(), &NoSymbols).verdict
    }

    #[test]
    fn block_beats_allow_and_defaults_apply() {
        let file = SourceFile::new("t", "x\ny\n");
        let mut allow = rule(WinAction::Allow, 22);
        allow.ra4 = vec![Spanned::new(
            AddrSpec::Keyword(AddrKeyword::LocalSubnet),
            0..0,
        )];
        let block = rule(WinAction::Block, 22);
        let allow80 = rule(WinAction::Allow, 80);
        let rs = lower(
            &[allow, block, allow80],
            &ProfileSettings::default(),
            &file,
            "winfw-reg",
        );
        assert_eq!(rs.filters.len(), 6);
        assert_eq!(
            verdict(&rs, "in/domain", "tcp 1.1.1.1:5 2.2.2.2:22"),
            Action::Deny
        );
        assert_eq!(
            verdict(&rs, "in/public", "tcp 1.1.1.1:5 2.2.2.2:80"),
            Action::Allow
        );
        assert_eq!(
            verdict(&rs, "in/public", "tcp 1.1.1.1:5 2.2.2.2:81"),
            Action::Deny
        );
        assert_eq!(
            verdict(&rs, "out/public", "tcp 2.2.2.2:5 1.1.1.1:81"),
            Action::Allow
        );
    }

    #[test]
    fn firewall_off_allows_everything() {
        let file = SourceFile::new("t", "x\n");
        let mut ps = ProfileSettings::default();
        ps.local.get_mut(Profile::Public).enable_firewall = sp(false);
        let rs = lower(&[rule(WinAction::Block, 22)], &ps, &file, "winfw-reg");
        assert_eq!(
            verdict(&rs, "in/public", "tcp 1.1.1.1:5 2.2.2.2:22"),
            Action::Allow
        );
        assert_eq!(
            verdict(&rs, "in/domain", "tcp 1.1.1.1:5 2.2.2.2:22"),
            Action::Deny
        );
        assert!(rs.issues.iter().any(|i| i.level == IssueLevel::Note));
    }
}

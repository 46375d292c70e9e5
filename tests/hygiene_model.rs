//! Hygiene checks on hand-built first-match filters: every check must fire on
//! the case it is about and stay quiet on the correct variant. Dialect tests
//! cover the same checks through real configs.

use fwlint::check::{run_hygiene, Context};
use fwlint::finding::Finding;
use fwlint::model::eval::NoSymbols;
use fwlint::model::values::proto;
use fwlint::model::*;
use fwlint::space::Space;

/// A filter from lines `permit|deny PROTO SRC DST [DPORT[-HI]]`, one rule per line;
/// addresses are `any`, `A.B.C.D/LEN` or `A.B.C.D/WILDCARD` (a dotted wildcard).
fn acl(text: &str, default: Action) -> RuleSet {
    let file = SourceFile::new("t.acl", text);
    let mut rules = Vec::new();
    let mut offset = 0;
    for line in text.lines() {
        let start = offset;
        offset += line.len() + 1;
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.is_empty() {
            continue;
        }
        let effect = if w[0] == "permit" {
            Effect::Allow
        } else {
            Effect::Deny
        };
        let mut m = Match::new(vec![Cond::Family(Family::Ipv4)]);
        if w[1] != "ip" {
            let p = proto::by_name(w[1]).unwrap();
            m = m.and(Cond::Protocol(Ranges::single(p as u16)));
        }
        let addr = |s: &str| -> Option<AddrPattern> {
            if s == "any" {
                return None;
            }
            let (a, b) = s.split_once('/').unwrap();
            let ip = a.parse().unwrap();
            Some(match b.parse::<u8>() {
                Ok(len) => AddrPattern::prefix(ip, len),
                Err(_) => AddrPattern::wildcard(ip, b.parse().unwrap()),
            })
        };
        if let Some(a) = addr(w[2]) {
            m = m.and(Cond::SrcAddr(vec![a]));
        }
        if let Some(a) = addr(w[3]) {
            m = m.and(Cond::DstAddr(vec![a]));
        }
        if let Some(p) = w.get(4) {
            let (lo, hi) = match p.split_once('-') {
                Some((a, b)) => (a.parse().unwrap(), b.parse().unwrap()),
                None => (p.parse().unwrap(), p.parse().unwrap()),
            };
            m = m.and(Cond::DstPort(Ranges::range(lo, hi)));
        }
        let mut r = Rule::new(m, effect, file.origin(start..start + line.len()));
        if w.last() == Some(&"inactive") {
            r.enabled = false;
        }
        rules.push(r);
    }
    RuleSet {
        filters: vec![Filter {
            name: "T".into(),
            aliases: vec![],
            dialect: "test".into(),
            semantics: "first match".into(),
            body: FilterBody::FirstMatch(FirstMatch {
                rules,
                default,
                default_origin: None,
            }),
            bindings: vec![],
            origin: Some(file.origin(0..0)),
        }],
        ..RuleSet::default()
    }
}

fn findings(rs: &RuleSet) -> Vec<Finding> {
    let space = Space::for_rulesets([rs]);
    let cx = Context::new(rs, &space, &NoSymbols);
    run_hygiene(&cx)
}

fn names_at(rs: &RuleSet) -> Vec<(String, u32)> {
    let mut v: Vec<(String, u32)> = findings(rs)
        .iter()
        .map(|f| (f.name.to_string(), f.line()))
        .collect();
    v.sort();
    v
}

#[test]
fn shadowed_by_several_rules_together_with_the_other_action() {
    let rs = acl(
        "permit tcp 10.0.0.0/25 any 22\n\
         permit tcp 10.0.0.128/25 any 22\n\
         deny tcp 10.0.0.0/24 any 22\n\
         deny tcp 10.9.9.0/24 any 80",
        Action::Deny,
    );
    let f = findings(&rs);
    let sh: Vec<&Finding> = f.iter().filter(|f| f.name == "shadowed-rule").collect();
    assert_eq!(sh.len(), 1, "{f:#?}");
    assert_eq!(sh[0].line(), 3);
    assert_eq!(sh[0].related.len(), 2, "both halves are labelled");
    assert!(sh[0].message.contains("2 earlier rules together"));
}

#[test]
fn dead_rule_when_covered_with_the_same_action() {
    let rs = acl(
        "permit tcp any 10.0.0.0/8 443\n\
         permit tcp 192.168.1.0/24 10.1.1.1/32 443\n\
         permit tcp any 10.0.0.0/8 22",
        Action::Deny,
    );
    assert!(names_at(&rs).contains(&("dead-rule".into(), 2)));
    assert!(!names_at(&rs).iter().any(|(n, _)| n == "shadowed-rule"));
}

#[test]
fn non_contiguous_wildcards_shadow_exactly() {
    // Rule 1 takes every address whose last octet is odd in 10.0.0.0/16's
    // first 256; rule 2 (odd hosts 10.0.0.1, .3) is covered, rule 3 (.2) is not.
    let rs = acl(
        "deny tcp any 10.0.0.1/0.0.0.254 22\n\
         permit tcp any 10.0.0.3/32 22\n\
         permit tcp any 10.0.0.2/32 22",
        Action::Deny,
    );
    let n = names_at(&rs);
    assert!(n.contains(&("shadowed-rule".into(), 2)), "{n:?}");
    assert!(
        !n.iter().any(|(k, l)| k == "shadowed-rule" && *l == 3),
        "{n:?}"
    );
}

#[test]
fn redundant_against_the_default_and_against_rules_below() {
    let rs = acl(
        "deny tcp any any 23\n\
         permit tcp 10.1.0.0/16 any 443\n\
         permit tcp 10.0.0.0/8 any 443",
        Action::Deny,
    );
    let n = names_at(&rs);
    assert!(n.contains(&("redundant-rule".into(), 1)), "{n:?}");
    assert!(n.contains(&("redundant-rule".into(), 2)), "{n:?}");
    assert!(!n.contains(&("redundant-rule".into(), 3)), "{n:?}");
    // With a permitting default, the deny matters.
    let rs = acl("deny tcp any any 23\npermit tcp any any 443", Action::Allow);
    assert!(!names_at(&rs).contains(&("redundant-rule".into(), 1)));
}

#[test]
fn partial_override_is_a_note_with_a_witness() {
    let rs = acl(
        "deny tcp any 10.0.0.0/24 443\n\
         permit tcp 10.1.0.0/16 10.0.0.0/16 443",
        Action::Deny,
    );
    let f = findings(&rs);
    let p: Vec<&Finding> = f.iter().filter(|f| f.name == "partly-overridden").collect();
    assert_eq!(p.len(), 1, "{f:#?}");
    assert_eq!(p[0].line(), 2);
    let w = p[0].witness.as_deref().unwrap();
    assert!(w.starts_with("tcp 10.1.") && w.contains(" 10.0.0."), "{w}");
}

#[test]
fn exposure_of_smb_and_rpc_ranges_but_not_from_private_sources() {
    let rs = acl(
        "permit tcp any 10.0.0.5/32 445\n\
         permit tcp 10.0.0.0/8 10.0.0.5/32 3389\n\
         permit tcp any 10.0.0.6/32 49152-65535",
        Action::Deny,
    );
    let f = findings(&rs);
    let ex: Vec<(u32, &str)> = f
        .iter()
        .filter(|f| f.name == "risky-service-exposed")
        .map(|f| (f.line(), f.message.as_str()))
        .collect();
    assert_eq!(ex.len(), 2, "{ex:?}");
    assert!(
        ex[0]
            .1
            .starts_with("SMB (tcp/445) is reachable from any address"),
        "{ex:?}"
    );
    assert!(ex[1].1.contains("RPC dynamic range"), "{ex:?}");
    assert_eq!((ex[0].0, ex[1].0), (1, 3));
}

#[test]
fn any_to_any_and_disabled_rules() {
    let rs = acl(
        "permit tcp any any 22 inactive\npermit ip any any",
        Action::Deny,
    );
    let n = names_at(&rs);
    assert!(n.contains(&("any-to-any-allow".into(), 2)), "{n:?}");
    assert!(n.contains(&("disabled-rule".into(), 1)), "{n:?}");
    // A disabled rule is not shadowed or redundant: it decides nothing by choice.
    assert!(
        !n.iter().any(|(k, l)| *l == 1 && k != "disabled-rule"),
        "{n:?}"
    );
}

#[test]
fn a_clean_filter_gives_no_finding() {
    let rs = acl(
        "permit tcp 10.20.0.0/16 10.0.1.10/32 443\n\
         permit udp 10.20.0.0/16 10.0.0.10/32 53",
        Action::Deny,
    );
    assert_eq!(names_at(&rs), Vec::<(String, u32)>::new());
}

#[test]
fn opaque_conditions_never_make_a_rule_look_shadowed() {
    let mut rs = acl("permit tcp any any 22\ndeny tcp any any 22", Action::Deny);
    // Make rule 1 depend on something unknown: rule 2 may then decide packets.
    if let FilterBody::FirstMatch(fm) = &mut rs.filters[0].body {
        fm.rules[0].matches.conds.push(Cond::Opaque {
            what: "meta mark 0x1".into(),
        });
    }
    let n = names_at(&rs);
    assert!(!n.iter().any(|(k, _)| k == "shadowed-rule"), "{n:?}");
}

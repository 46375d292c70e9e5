//! `notrack` and `ct state`: keeps `ct state` matches sound when the ruleset
//! can switch connection tracking off for some packets.
//!
//! A `notrack` statement (valid in `prerouting` and `output` chains that run
//! before conntrack, `priority raw`) makes the kernel skip connection tracking
//! for the packets it reaches; every later chain then sees them with
//! `ct state untracked`, whatever state `query` was told to assume. fwlint does
//! not follow a packet across hooks, so each `notrack` becomes a [`Site`]: a
//! match every packet it untracks satisfies (the rule's conditions written
//! before the statement, and the table's family) and an opaque condition "this
//! packet was untracked here". Then, in every nft filter, each condition
//! `ct state ∈ S` is rewritten (with `N` = "some site untracked the packet"):
//!
//! - `untracked ∈ S`: `ct∈S ∨ N` — surely true when the assumed state is in `S`,
//!   uncertain otherwise for packets a site may match;
//! - `untracked ∉ S`: `ct∈S ∧ ¬N` — surely false when the assumed state is not
//!   in `S`, uncertain otherwise for packets a site may match.
//!
//! And `ct state` in chains that run before conntrack itself (priority `raw`
//! on `prerouting`/`output`) is opaque: the kernel has no state to read yet.
//!
//! Being conservative, every filter is rewritten (a `prerouting` `notrack`
//! reaches `input`, `forward` and `postrouting`; an `output` one reaches
//! `postrouting`), including the chains of the hook before the `notrack` ran.

use super::ast::TableFamily;
use crate::model::tcp_flags;
use crate::model::values::proto;
use crate::model::{
    Cond, CtStates, Effect, Family, FilterBody, IssueLevel, Match, Origin, ParseIssue, Ranges,
    RuleSet,
};
use std::sync::Arc;

/// The note every lowered rule with a `notrack` statement carries.
pub const NOTE: &str = "notrack";

/// The warning for a `notrack` statement (at its span).
pub const WARNING: &str = "'notrack': packets matched here skip connection tracking and are \
     `ct state untracked` in later chains; fwlint treats `ct state` matches as uncertain \
     for the packets this rule may match";

/// The note for a `synproxy` statement (at its span).
pub const SYNPROXY_NOTE: &str = "'synproxy' takes every TCP segment with SYN or ACK set that \
     it reaches (it answers SYNs itself, steals ACKs with a valid cookie and drops the \
     others): a drop for those segments; other TCP segments go on";

/// More conditions than this over all sites, or more sites, and each site keeps
/// only its family (bounds the size of every rewritten `ct state` match).
const MAX_SITE_CONDS: usize = 64;
const MAX_SITES: usize = 16;

/// One `notrack` statement: which packets it may untrack.
#[derive(Clone, Debug)]
pub struct Site {
    /// Every packet the statement untracks satisfies this (under the
    /// "may" reading of its opaque conditions); it ends with the opaque
    /// "untracked here" condition.
    pub when: Match,
    /// The same without the rule's own conditions (family only): used when
    /// the sites are too big to copy into every `ct state` match.
    pub coarse: Match,
}

/// A site for a `notrack` in a table of `family`, after the rule's conditions
/// `before` (those written before the statement) and with the rule's origin.
pub fn site(family: TableFamily, before: &[Cond], origin: &Origin) -> Site {
    let fam = match family {
        TableFamily::Ip => Some(Cond::Family(Family::Ipv4)),
        TableFamily::Ip6 => Some(Cond::Family(Family::Ipv6)),
        _ => None,
    };
    let opaque = Cond::Opaque {
        what: format!(
            "the packet was untracked by `notrack` ({}:{})",
            origin.file.name, origin.line
        ),
    };
    let mut when: Vec<Cond> = fam.iter().cloned().collect();
    // Before conntrack runs, `ct state` reads `invalid` (or `untracked`), not the
    // state `query` assumes: such a condition of the notrack rule is unknown.
    when.extend(before.iter().map(opaque_ct));
    when.push(opaque.clone());
    let mut coarse: Vec<Cond> = fam.into_iter().collect();
    coarse.push(opaque);
    Site {
        when: Match::new(when),
        coarse: Match::new(coarse),
    }
}

/// A `synproxy` statement after the conditions `before`: the match of the
/// packets it ends (TCP with SYN or ACK set: a SYN is answered and stolen, an
/// ACK stolen or dropped, which ends the hook for it as a drop does), and the
/// conditions the rest of the rule adds (non-TCP packets end the rule; TCP
/// segments with neither flag go on). `nft_synproxy`'s evaluation tests
/// exactly `syn`, then `ack`; checked on the kernel with all 256 flag bytes
/// (docs/tcp-flags.md).
pub fn synproxy(before: &[Cond]) -> (Match, Vec<Cond>) {
    let tcp = Cond::Protocol(Ranges::single(proto::TCP as u16));
    let taken = tcp_flags::SYN | tcp_flags::ACK;
    let mut dropped = before.to_vec();
    dropped.push(tcp.clone());
    dropped.push(Cond::TcpFlags(tcp_flags::where_(|f| f & taken != 0)));
    let rest = vec![tcp, Cond::TcpFlags(tcp_flags::where_(|f| f & taken == 0))];
    (Match::new(dropped), rest)
}

/// `c` with every `ct state` condition (at any depth) made opaque.
fn opaque_ct(c: &Cond) -> Cond {
    match c {
        Cond::CtState(s) => Cond::Opaque {
            what: format!("ct state {s:?} before connection tracking"),
        },
        Cond::Not(inner) => Cond::Not(Box::new(opaque_ct(inner))),
        Cond::AnyOf(ms) => Cond::AnyOf(
            ms.iter()
                .map(|m| Match::new(m.conds.iter().map(opaque_ct).collect()))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Make every `ct state` condition of `rs` sound: first those that run before
/// conntrack (see [`before_conntrack`]), then for the packets the `sites` may
/// have untracked (no sites: no change).
pub fn apply(rs: &mut RuleSet, sites: &[Site]) {
    before_conntrack(rs);
    untracked(rs, sites);
}

/// Priority of the kernel's conntrack hook on `prerouting` and `output`
/// (`NF_IP_PRI_CONNTRACK`). A base chain at this priority or lower runs before
/// it (a new hook goes before existing ones of equal priority).
const CONNTRACK_PRIORITY: i32 = -200;

/// In the chains a `prerouting` or `output` base chain of priority ≤ -200
/// reaches (and every `ingress` chain), conntrack has not run yet: `ct state`
/// reads `invalid`, `untracked`, or for looped-back packets the state of their
/// connection. Such a condition becomes opaque, with one warning per rule.
fn before_conntrack(rs: &mut RuleSet) {
    let mut warned: Vec<Origin> = Vec::new();
    for f in &mut rs.filters {
        let early = |prio: i32| match f.name.as_str() {
            "prerouting" | "output" => prio <= CONNTRACK_PRIORITY,
            "ingress" => true,
            _ => false,
        };
        let FilterBody::Pipeline(p) = &mut f.body else {
            continue;
        };
        let mut reached = vec![false; p.chains.len()];
        let mut todo: Vec<usize> = p
            .base
            .iter()
            .filter(|b| early(b.priority))
            .map(|b| b.chain)
            .collect();
        while let Some(ci) = todo.pop() {
            if ci >= reached.len() || reached[ci] {
                continue;
            }
            reached[ci] = true;
            for r in &p.chains[ci].rules {
                if let Effect::Jump(t) | Effect::Goto(t) = r.effect {
                    todo.push(t);
                }
            }
        }
        if !reached.contains(&true) {
            continue;
        }
        for (ci, ch) in Arc::make_mut(&mut p.chains).iter_mut().enumerate() {
            if !reached[ci] {
                continue;
            }
            for r in &mut ch.rules {
                let before = r.matches.conds.clone();
                r.matches.conds = before.iter().map(opaque_ct).collect();
                if r.matches.conds != before
                    && !warned
                        .iter()
                        .any(|o| o.span == r.origin.span && o.file.name == r.origin.file.name)
                {
                    warned.push(r.origin.clone());
                }
            }
        }
    }
    for origin in warned {
        rs.issues.push(ParseIssue {
            level: IssueLevel::Warning,
            message: "'ct state' before connection tracking (a prerouting or output chain of \
                      priority -200 or lower, or ingress): the state is not yet known; fwlint \
                      treats the match as unknown"
                .into(),
            expected: None,
            help: None,
            origin,
        });
    }
}

/// Rewrite every `ct state` condition of every filter of `rs` so that it stays
/// sound for packets the `sites` may have untracked. No sites: no change.
fn untracked(rs: &mut RuleSet, sites: &[Site]) {
    if sites.is_empty() {
        return;
    }
    // A header rewrite (`ip daddr set ...`) can make a later chain see other
    // headers than the `notrack` rule matched: keep only the families then.
    let mangled = rs
        .filters
        .iter()
        .flat_map(|f| f.rules())
        .any(|r| r.notes.iter().any(|n| n.starts_with("sets ")));
    let size: usize = sites.iter().map(|s| s.when.conds.len()).sum();
    let coarse = mangled || sites.len() > MAX_SITES || size > MAX_SITE_CONDS;
    let untracked: Vec<Match> = sites
        .iter()
        .map(|s| if coarse { &s.coarse } else { &s.when }.clone())
        .collect();
    for f in &mut rs.filters {
        let FilterBody::Pipeline(p) = &mut f.body else {
            continue;
        };
        for ch in Arc::make_mut(&mut p.chains) {
            for r in &mut ch.rules {
                for c in &mut r.matches.conds {
                    rewrite(c, &untracked);
                }
            }
        }
    }
}

/// Rewrite the `ct state` conditions inside `c` (see the module doc).
fn rewrite(c: &mut Cond, untracked: &[Match]) {
    match c {
        Cond::CtState(s) => {
            let s = *s;
            let n = Cond::AnyOf(untracked.to_vec());
            *c = if s.contains(CtStates::UNTRACKED) {
                let mut alts = vec![Match::new(vec![Cond::CtState(s)])];
                alts.extend(untracked.iter().cloned());
                Cond::AnyOf(alts)
            } else {
                Cond::AnyOf(vec![Match::new(vec![
                    Cond::CtState(s),
                    Cond::Not(Box::new(n)),
                ])])
            };
        }
        Cond::Not(inner) => rewrite(inner, untracked),
        Cond::AnyOf(ms) => {
            for m in ms {
                for c in &mut m.conds {
                    rewrite(c, untracked);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{packet::Packet, SourceFile};

    fn origin() -> Origin {
        let f = SourceFile::new("t.nft", "tcp dport 22 notrack\n");
        f.origin(0..20)
    }

    /// Concrete three-valued truth of `c` for a packet: (must, may).
    fn truth(c: &Cond, p: &Packet) -> (bool, bool) {
        fn go(c: &Cond, p: &Packet, assume: bool) -> bool {
            match c {
                Cond::Family(f) => p.family() == *f,
                Cond::Protocol(r) => r.contains(p.protocol as u16),
                Cond::DstPort(r) => p.dport.is_some_and(|v| r.contains(v)),
                Cond::CtState(s) => s.0 & p.ct_state.0 != 0,
                Cond::Not(i) => !go(i, p, !assume),
                Cond::AnyOf(ms) => ms.iter().any(|m| m.conds.iter().all(|c| go(c, p, assume))),
                Cond::Opaque { .. } => assume,
                other => panic!("not used in these tests: {other:?}"),
            }
        }
        (go(c, p, false), go(c, p, true))
    }

    fn pkt(s: &str, state: CtStates) -> Packet {
        let mut p = Packet::parse(s).unwrap();
        p.ct_state = state;
        p
    }

    fn ssh_site() -> Site {
        site(
            TableFamily::Ip,
            &[Cond::DstPort(crate::model::Ranges::single(22))],
            &origin(),
        )
    }

    #[test]
    fn without_untracked_the_match_is_surely_false_or_uncertain() {
        let mut c = Cond::CtState(CtStates::NEW);
        rewrite(&mut c, &[ssh_site().when]);
        let ssh = "tcp 10.0.0.1:1000 10.0.0.2:22";
        // new + may be untracked: uncertain.
        assert_eq!(truth(&c, &pkt(ssh, CtStates::NEW)), (false, true));
        // established: surely false whether or not untracked.
        assert_eq!(truth(&c, &pkt(ssh, CtStates::ESTABLISHED)), (false, false));
        // The notrack rule cannot match port 80: certain.
        let web = "tcp 10.0.0.1:1000 10.0.0.2:80";
        assert_eq!(truth(&c, &pkt(web, CtStates::NEW)), (true, true));
        // An ip table never untracks IPv6 packets.
        let v6 = "tcp [2001:db8::1]:1000 [2001:db8::2]:22";
        assert_eq!(truth(&c, &pkt(v6, CtStates::NEW)), (true, true));
    }

    #[test]
    fn with_untracked_the_match_is_surely_true_or_uncertain() {
        let mut c = Cond::CtState(CtStates::INVALID.union(CtStates::UNTRACKED));
        rewrite(&mut c, &[ssh_site().when]);
        let ssh = "tcp 10.0.0.1:1000 10.0.0.2:22";
        assert_eq!(truth(&c, &pkt(ssh, CtStates::NEW)), (false, true));
        assert_eq!(truth(&c, &pkt(ssh, CtStates::INVALID)), (true, true));
        let web = "tcp 10.0.0.1:1000 10.0.0.2:80";
        assert_eq!(truth(&c, &pkt(web, CtStates::NEW)), (false, false));
    }

    #[test]
    fn nested_ct_state_is_rewritten_and_notrack_rule_ct_state_is_opaque() {
        let mut c = Cond::Not(Box::new(Cond::CtState(CtStates::ESTABLISHED)));
        rewrite(&mut c, &[ssh_site().when]);
        let ssh = "tcp 10.0.0.1:1000 10.0.0.2:22";
        // established may be untracked: `not established` is then true.
        assert_eq!(truth(&c, &pkt(ssh, CtStates::ESTABLISHED)), (false, true));
        assert_eq!(truth(&c, &pkt(ssh, CtStates::NEW)), (true, true));
        let s = site(
            TableFamily::Inet,
            &[Cond::CtState(CtStates::NEW)],
            &origin(),
        );
        assert!(s
            .when
            .conds
            .iter()
            .all(|c| matches!(c, Cond::Opaque { .. })));
        assert!(s.when.conds[1..]
            .iter()
            .all(|c| matches!(c, Cond::Opaque { what } if what.contains("t.nft:1"))));
    }

    fn lowered(text: &str) -> RuleSet {
        let src = SourceFile::new("t.nft", text);
        let arena = crate::dialect::nft::ast::Arena::new();
        let ast = crate::dialect::nft::parse::parse_source(&arena, &src, false);
        crate::dialect::nft::lower(&ast)
    }

    fn chain<'r>(rs: &'r RuleSet, filter: &str, chain: &str) -> &'r crate::model::Chain {
        let f = rs.filters.iter().find(|f| f.name == filter).unwrap();
        let FilterBody::Pipeline(p) = &f.body else {
            panic!("nft filters are pipelines")
        };
        p.chains.iter().find(|c| c.name.ends_with(chain)).unwrap()
    }

    #[test]
    fn lowering_warns_at_the_notrack_statement_and_rewrites_later_ct_state() {
        let rs = lowered(
            "table ip raw { chain pre { type filter hook prerouting priority raw;\n\
             tcp dport 22 notrack\n } }\n\
             table inet f { chain in { type filter hook input priority 0; policy drop;\n\
             ct state new accept\n } }\n",
        );
        let w: Vec<_> = rs
            .issues
            .iter()
            .filter(|i| i.message.starts_with("'notrack'"))
            .collect();
        assert_eq!(w.len(), 1, "{:?}", rs.issues);
        assert_eq!(w[0].level, IssueLevel::Warning);
        assert_eq!((w[0].origin.text(), w[0].origin.line), ("notrack", 2));
        let r = &chain(&rs, "input", " in").rules[0];
        assert!(r.matches.is_uncertain(), "{:?}", r.matches);
        let p = pkt("tcp 10.0.0.1:1000 10.0.0.2:22", CtStates::NEW);
        assert_eq!(truth(&r.matches.conds[0], &p), (false, true));
        let p = pkt("tcp 10.0.0.1:1000 10.0.0.2:80", CtStates::NEW);
        assert_eq!(truth(&r.matches.conds[0], &p), (true, true));
    }

    #[test]
    fn ct_state_before_conntrack_is_opaque_and_warned() {
        let rs = lowered(
            "table inet t {\n\
             chain raw { type filter hook prerouting priority raw; ct state new jump sub\n }\n\
             chain sub { ct state established drop\n }\n\
             chain mangle { type filter hook prerouting priority mangle; ct state invalid drop\n }\n\
             chain out { type filter hook output priority -200; ct state new accept\n }\n\
             chain in { type filter hook input priority 0; ct state new accept\n }\n\
             }\n",
        );
        let opaque = |filter: &str, ch: &str| {
            let r = &chain(&rs, filter, ch).rules[0];
            matches!(r.matches.conds[0], Cond::Opaque { .. })
        };
        assert!(opaque("prerouting", " raw"));
        assert!(opaque("prerouting", " sub"));
        assert!(!opaque("prerouting", " mangle"));
        assert!(opaque("output", " out"));
        assert!(!opaque("input", " in"));
        // The chain `sub` is reached early only from prerouting.
        assert!(!opaque("input", " sub"));
        let mut lines: Vec<u32> = rs
            .issues
            .iter()
            .filter(|i| i.message.starts_with("'ct state' before"))
            .map(|i| i.origin.line)
            .collect();
        lines.sort();
        assert_eq!(lines, [2, 4, 8]);
    }

    #[test]
    fn synproxy_is_a_drop_of_tcp_with_syn_or_ack() {
        let rs = lowered(
            "table ip t { chain fw { type filter hook forward priority 0;\n\
             ct state invalid,untracked synproxy mss 1460\n } }\n",
        );
        let rules = &chain(&rs, "forward", " fw").rules;
        assert_eq!(rules.len(), 1, "{rules:?}");
        assert_eq!(rules[0].effect, Effect::Deny);
        let c = &rules[0].matches.conds;
        assert_eq!(
            c[0],
            Cond::CtState(CtStates::INVALID.union(CtStates::UNTRACKED))
        );
        assert_eq!(c[1], Cond::Protocol(Ranges::single(6)));
        assert_eq!(c[2], Cond::TcpFlags(tcp_flags::where_(|f| f & 0x12 != 0)));
        assert!(rs.issues.iter().any(|i| i.level == IssueLevel::Note
            && i.message.starts_with("'synproxy'")
            && i.origin.text().starts_with("synproxy")));
    }
}

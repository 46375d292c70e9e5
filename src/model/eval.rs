//! Concrete evaluation of one packet against a filter, as the device would do it.
//! This is what `fwlint query` answers with; the packet-set engine in `space`
//! answers the same question for whole sets of packets.
//!
//! Opaque conditions cannot be decided for a concrete packet. Evaluation runs
//! twice, once assuming every opaque condition holds and once assuming none does;
//! when the two verdicts differ the decision is marked uncertain.

use super::packet::Packet;
use super::rule::{Action, Cond, Effect, FilterBody, FirstMatch, Match, Pipeline, Rule};
use super::values::{proto, Family};

/// Resolves symbolic address/port keywords for a host (from a topology);
/// `None` leaves the keyword opaque.
pub trait Symbols: Sync {
    fn resolve(&self, field: super::rule::SymbolicField, keyword: &str) -> Option<Cond>;
}

/// No symbol is known: every keyword stays opaque.
pub struct NoSymbols;
impl Symbols for NoSymbols {
    fn resolve(&self, _: super::rule::SymbolicField, _: &str) -> Option<Cond> {
        None
    }
}

/// The verdict for one packet.
#[derive(Clone, Debug)]
pub struct Decision<'a> {
    pub verdict: Action,
    /// The deciding rule, or `None` for the default action / chain policy.
    pub rule: Option<&'a Rule>,
    /// Set when the verdict depends on opaque conditions: the verdict and rule
    /// when none of them holds (the main answer assumes they all hold).
    pub otherwise: Option<(Action, Option<&'a Rule>)>,
    /// What the opaque conditions met were.
    pub opaque: Vec<String>,
}

/// Evaluate `packet` against a filter body.
pub fn evaluate<'a>(body: &'a FilterBody, packet: &Packet, symbols: &dyn Symbols) -> Decision<'a> {
    let mut opaque = Vec::new();
    let run = |assume: bool, opaque: &mut Vec<String>| {
        let mut ctx = Ctx {
            packet,
            symbols,
            assume,
            opaque,
        };
        match body {
            FilterBody::FirstMatch(fm) => first_match(fm, &mut ctx),
            FilterBody::Pipeline(p) => pipeline(p, &mut ctx),
        }
    };
    let (verdict, rule) = run(true, &mut opaque);
    let mut ignored = Vec::new();
    let (v2, r2) = run(false, &mut ignored);
    let same_rule = match (rule, r2) {
        (Some(a), Some(b)) => std::ptr::eq(a, b),
        (None, None) => true,
        _ => false,
    };
    opaque.sort();
    opaque.dedup();
    Decision {
        verdict,
        rule,
        otherwise: if v2 != verdict || !same_rule {
            Some((v2, r2))
        } else {
            None
        },
        opaque,
    }
}

struct Ctx<'p, 'o> {
    packet: &'p Packet,
    symbols: &'p dyn Symbols,
    assume: bool,
    opaque: &'o mut Vec<String>,
}

fn first_match<'a>(fm: &'a FirstMatch, ctx: &mut Ctx) -> (Action, Option<&'a Rule>) {
    for rule in fm.rules.iter().filter(|r| r.enabled) {
        if matches(&rule.matches, ctx) {
            if let Some(a) = rule.effect.action() {
                return (a, Some(rule));
            }
        }
    }
    (fm.default, None)
}

/// The kernel's limit on nested jumps; deeper nesting is rejected at load time,
/// so a model that reaches it came from a ruleset the kernel would refuse.
const MAX_JUMP_DEPTH: usize = 64;

enum ChainOutcome<'a> {
    Verdict(Action, &'a Rule),
    /// Ran off the end, or `return` from the base chain: the policy applies.
    Policy,
}

fn pipeline<'a>(p: &'a Pipeline, ctx: &mut Ctx) -> (Action, Option<&'a Rule>) {
    let family = ctx.packet.family();
    let mut last: (Action, Option<&'a Rule>) = (Action::Allow, None);
    for base in &p.base {
        if base.family.is_some_and(|f| f != family) {
            continue;
        }
        match run_chain(p, base.chain, ctx) {
            ChainOutcome::Verdict(Action::Deny, r) => return (Action::Deny, Some(r)),
            ChainOutcome::Verdict(Action::Allow, r) => last = (Action::Allow, Some(r)),
            ChainOutcome::Policy => {
                if base.policy == Action::Deny {
                    return (Action::Deny, None);
                }
                last = (Action::Allow, None);
            }
        }
    }
    last
}

fn run_chain<'a>(p: &'a Pipeline, start: usize, ctx: &mut Ctx) -> ChainOutcome<'a> {
    // Call stack of (chain, next rule index) to resume after a jump returns.
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let mut chain = start;
    let mut idx = 0;
    loop {
        let rules = &p.chains[chain].rules;
        let Some(rule) = rules.get(idx) else {
            // Implicit return at the end of a regular chain.
            match stack.pop() {
                Some((c, i)) => {
                    chain = c;
                    idx = i;
                    continue;
                }
                None => return ChainOutcome::Policy,
            }
        };
        idx += 1;
        if !rule.enabled || !matches(&rule.matches, ctx) {
            continue;
        }
        match &rule.effect {
            Effect::Allow => return ChainOutcome::Verdict(Action::Allow, rule),
            Effect::Deny => return ChainOutcome::Verdict(Action::Deny, rule),
            Effect::Continue => {}
            Effect::Return => match stack.pop() {
                Some((c, i)) => {
                    chain = c;
                    idx = i;
                }
                None => return ChainOutcome::Policy,
            },
            Effect::Jump(target) => {
                if stack.len() >= MAX_JUMP_DEPTH {
                    continue;
                }
                stack.push((chain, idx));
                chain = *target;
                idx = 0;
            }
            Effect::Goto(target) => {
                chain = *target;
                idx = 0;
            }
        }
    }
}

/// Does the packet satisfy every condition of `m`?
fn matches(m: &Match, ctx: &mut Ctx) -> bool {
    m.conds.iter().all(|c| cond(c, ctx))
}

fn cond(c: &Cond, ctx: &mut Ctx) -> bool {
    let p = ctx.packet;
    match c {
        Cond::Family(f) => p.family() == *f,
        Cond::Protocol(r) => r.contains(p.protocol as u16),
        Cond::SrcAddr(pats) => pats.iter().any(|a| a.contains(&p.src)),
        Cond::DstAddr(pats) => pats.iter().any(|a| a.contains(&p.dst)),
        Cond::SrcPort(r) => p.sport.is_some_and(|v| r.contains(v)),
        Cond::DstPort(r) => p.dport.is_some_and(|v| r.contains(v)),
        Cond::IcmpType(r) => {
            proto::has_icmp(p.protocol) && p.icmp_type.is_some_and(|v| r.contains(v as u16))
        }
        Cond::IcmpCode(r) => {
            proto::has_icmp(p.protocol) && p.icmp_code.is_some_and(|v| r.contains(v as u16))
        }
        Cond::TcpFlags(r) => {
            p.protocol == proto::TCP && p.tcp_flags.is_some_and(|v| r.contains(v as u16))
        }
        Cond::CtState(s) => s.0 & p.ct_state.0 != 0,
        Cond::InIface(names) => iface_matches(names, p.iif.as_deref()),
        Cond::OutIface(names) => iface_matches(names, p.oif.as_deref()),
        Cond::Not(inner) => {
            // Under "assume", opaque conditions hold; their negation then fails.
            // Flip the assumption inside a negation so that the run stays one
            // consistent reading of "the rule matches as much as it can".
            ctx.assume = !ctx.assume;
            let r = cond(inner, ctx);
            ctx.assume = !ctx.assume;
            !r
        }
        Cond::AnyOf(ms) => ms.iter().any(|m| matches(m, ctx)),
        Cond::Symbolic { field, keyword } => match ctx.symbols.resolve(*field, keyword) {
            Some(resolved) => cond(&resolved, ctx),
            None => {
                ctx.opaque.push(format!("{keyword} (unresolved keyword)"));
                ctx.assume
            }
        },
        Cond::Opaque { what } => {
            ctx.opaque.push(what.clone());
            ctx.assume
        }
    }
}

/// Interface name matching: exact, or a trailing `*` prefix wildcard. A packet on
/// no particular interface matches no interface condition.
pub fn iface_matches(names: &[String], iface: Option<&str>) -> bool {
    let Some(iface) = iface else { return false };
    names.iter().any(|n| match n.strip_suffix('*') {
        Some(prefix) => iface.starts_with(prefix),
        None => n == iface,
    })
}

/// Convenience: does an address family restriction admit this packet?
pub fn family_admits(f: Option<Family>, p: &Packet) -> bool {
    match f {
        Some(f) => f == p.family(),
        None => true,
    }
}

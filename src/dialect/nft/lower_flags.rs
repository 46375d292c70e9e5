//! Lowering `tcp flags` matches to [`Cond::TcpFlags`], exactly as the kernel
//! runs the bytecode nft 1.0 generates for them (checked with `nft
//! --debug=netlink`, see `docs/tcp-flags.md`). With `x` the flags byte, or
//! `flags & MASK` for `tcp flags & MASK ...` and `tcp flags VALUE / MASK`:
//!
//! | written                              | kernel test                     |
//! |--------------------------------------|---------------------------------|
//! | `tcp flags syn` / `syn,ack` / `0x12` | `(flags & VALUE) != 0`          |
//! | `tcp flags & MASK VALUE`, `V / MASK` | `(flags & MASK) == VALUE`       |
//! | `== VALUE`, `!= VALUE`               | `x == VALUE`, `x != VALUE`      |
//! | `{ syn, syn\|ack }`, `!= { ... }`    | `x` in / not in the set         |
//! | `{ V }` (one element)                | as `V` alone (nft drops the set)|
//! | `@set`, `vmap { ... }`, `vmap @map`  | `x` in the keys (a lookup)      |
//! | `LO-HI`, `< V`, `>= V`, ...          | the range, the ordering on `x`  |
//! | `V / N` (a number `N`: a prefix)     | `(flags & top N bits) == V & top N bits` |
//!
//! The syntax tree writes `V / M` as `tcp flags & M` against `V`; when `M`
//! is a bare number, nft reads `/ N` as a prefix length instead of a mask, so
//! the statement's text (`text`) tells the two apart: a `/` in it (and no
//! `&`) means a prefix; both, in a text statement, is left unmodelled.
//! A value is a flag name, a number, or names joined by `|` or `,` (their
//! union: `== syn,ack` is `== 0x12`). JSON `"in"` is the implicit operator.
//! An anonymous set of one element is that element (nft's evaluation
//! replaces it: `tcp flags { syn|ack }` is "any of syn, ack"); a named set
//! or a map is always a lookup of the exact (masked) byte ([`lookup`]).
//! Variables are substituted before lowering. Values that cannot be decoded
//! give an error text (the caller makes the match unknown, with a warning).
//!
//! [`negation`] checks `LEFT ! VALUE` (nft's "no bit of VALUE set") the way
//! nft's evaluation does: only a bitmask type takes it.

use super::ast::{BinOp, CtField, Expr, PayloadField, RelOp};
use super::lower_match::describe;
use crate::model::tcp_flags;
use crate::model::values::proto;
use crate::model::{Cond, Ranges};

/// The conditions of `left OP right` when `left` is `tcp flags` (optionally
/// masked): `None` when it is not, or when the right-hand side is a named set
/// or a variable (left to the general path); `Err` with a message when a
/// value cannot be decoded.
pub fn lower(
    left: &Expr,
    op: RelOp,
    right: &Expr,
    text: &str,
) -> Option<Result<Vec<Cond>, String>> {
    let mask = key(left)?;
    if matches!(right, Expr::SetRef(_) | Expr::Variable(_)) {
        return None;
    }
    // `V / N` with a number: a prefix of N bits (JSON has no such syntax).
    let json = text.trim_start().starts_with('{');
    let slash = !json && text.contains('/');
    let mask = match (mask, right) {
        (Some(Expr::Number(n)), _) if slash => {
            if text.contains('&') {
                return Some(Err("a TCP flags mask written with both & and /".into()));
            }
            Some(Mask::Prefix(u128::from(*n)))
        }
        (Some(m), _) => Some(Mask::Bits(m)),
        (None, Expr::Prefix(_, len)) => Some(Mask::Prefix(u128::from(*len))),
        (None, _) => None,
    };
    let right = match right {
        Expr::Prefix(v, _) => &**v,
        r => r,
    };
    Some(flags_set(mask, op, right).map(conds))
}

/// A lookup of `left` (`tcp flags`, optionally masked) in a named set, a
/// verdict map or a named map whose keys are `keys`: the (masked) byte is one
/// of them, exactly (`op` `==`, implicit or `in`), or none of them (`!=`).
/// `None` when `left` is not `tcp flags`.
pub fn lookup(left: &Expr, op: RelOp, keys: &[Expr]) -> Option<Result<Vec<Cond>, String>> {
    let mask = key(left)?;
    let set = || -> Result<Ranges, String> {
        let m = match mask {
            Some(e) => value(e)?,
            None => 0xff,
        };
        let mut members = Ranges::empty();
        for k in keys {
            members = members.union(&member(k)?);
        }
        let is_member = |f: u8| members.contains(u16::from(f & m));
        Ok(match op {
            RelOp::Implicit | RelOp::In | RelOp::Eq => tcp_flags::where_(is_member),
            RelOp::Ne => tcp_flags::where_(|f| !is_member(f)),
            _ => return Err("an ordering of TCP flags against a named set".into()),
        })
    };
    Some(set().map(conds))
}

/// `tcp flags` (`Some(None)`) or `tcp flags & MASK` (`Some(Some(MASK))`).
pub fn key<'e, 'a>(e: &'e Expr<'a>) -> Option<Option<&'e Expr<'a>>> {
    match e {
        e if is_flags(e) => Some(None),
        Expr::Binop {
            op: BinOp::And,
            left: l,
            right: m,
        } if is_flags(l) => Some(Some(&**m)),
        _ => None,
    }
}

/// `tcp flags`.
fn is_flags(e: &Expr) -> bool {
    matches!(e, Expr::Payload(PayloadField { proto, field }) if &**proto == "tcp" && &**field == "flags")
}

/// The conditions of a TCP flags match: the protocol, then the flag bytes.
fn conds(r: Ranges) -> Vec<Cond> {
    vec![
        Cond::Protocol(Ranges::single(proto::TCP as u16)),
        Cond::TcpFlags(r),
    ]
}

/// Why nft refuses `left ! value` (how `nft list` writes "no bit of
/// `value` set"), in nft's words and with what to write instead; `None` when
/// nft takes it (or when fwlint does not know the type of `left`).
/// nft 1.0.6 (`evaluate.c`): the left side must not be a binary operation,
/// and the value must be a single value of a bitmask type (`tcp_flag`,
/// `ct_state`, `ct_status`, `ct_event`, `ct_label`). Checked with `nft -c`.
pub fn negation(left: &Expr, value: &Expr) -> Option<String> {
    let bitmask = match left {
        Expr::Binop { .. } => {
            return Some(format!(
                "cannot combine negation with binary expression: nft refuses `{} ! ...` \
                 (write `({}) == 0` to test that no bit is set)",
                describe_binop(left),
                describe_binop(left)
            ))
        }
        e if is_flags(e) => true,
        Expr::Ct(CtField { key, .. }) => {
            matches!(&**key, "state" | "status" | "event" | "label")
        }
        Expr::Payload(_) | Expr::Meta { .. } => false,
        // Other expressions (`fib`, `socket`, raw payload...): the type is
        // not known here; lowering leaves the match unknown.
        _ => return None,
    };
    let l = describe(left);
    if bit_field(left) {
        return Some(format!(
            "cannot combine negation with binary expression: nft reads the bit field `{l}` \
             with a mask, and refuses `{l} ! ...` (to exclude a value, write `{l} != ...`)"
        ));
    }
    if !bitmask {
        return Some(format!(
            "negation can only be used with singleton bitmask values: `{l}` is not a bitmask \
             type, so nft refuses `{l} ! ...` (to exclude a value, write `{l} != ...`)"
        ));
    }
    let single = match value {
        Expr::Set(elems) => elems.len() == 1 && !matches!(elems[0].key, Expr::Range(..)),
        Expr::Range(..) | Expr::Prefix(..) => false,
        _ => true,
    };
    (!single).then(|| {
        format!(
            "negation can only be used with singleton bitmask values: nft refuses a range \
             or a set after `{l} !` (list the flags instead: `{l} ! syn,ack`)"
        )
    })
}

/// A header field narrower than its bytes (nft loads it and masks it, a
/// binary expression to its evaluation); checked with `nft -c`.
fn bit_field(e: &Expr) -> bool {
    matches!(e, Expr::Payload(PayloadField { proto, field }) if matches!(
        (&**proto, &**field),
        ("ip", "version" | "hdrlength" | "dscp" | "ecn")
            | ("ip6", "version" | "dscp" | "ecn" | "flowlabel")
            | ("tcp", "doff")
            | ("vlan", "id" | "pcp" | "cfi" | "dei")
    ))
}

/// `LEFT & MASK` as text, for messages.
fn describe_binop(e: &Expr) -> String {
    match e {
        Expr::Binop { left, .. } => format!("{} & ...", describe(left)),
        other => describe(other),
    }
}

/// How the flags byte is masked before the comparison.
enum Mask<'e, 'a> {
    /// `& M` or `/ M` with flag names.
    Bits(&'e Expr<'a>),
    /// `/ N` with a number: the top `N` bits; the value is masked too.
    Prefix(u128),
}

/// The flag bytes that satisfy the match.
fn flags_set(mask: Option<Mask>, op: RelOp, right: &Expr) -> Result<Ranges, String> {
    let (m, prefix) = match mask {
        Some(Mask::Bits(e)) => (value(e)?, false),
        Some(Mask::Prefix(n)) if n <= 8 => ((0xff00u16 >> n) as u8, true),
        Some(Mask::Prefix(n)) => {
            return Err(format!(
                "prefix length {n} is invalid for the 8-bit TCP flags"
            ))
        }
        None => (0xff, false),
    };
    // An anonymous set's elements (nested sets, from `$variables`, merged);
    // one element alone is that element, as nft's evaluation makes it.
    let mut elems = Vec::new();
    set_keys(right, &mut elems);
    let right = match elems[..] {
        [one] => one,
        _ => right,
    };
    // The values of `x` (the masked byte) the right-hand side names, and
    // whether it is a single value (not a set or range).
    let (members, single) = match right {
        Expr::Set(_) => {
            let mut acc = Ranges::empty();
            for el in &elems {
                acc = acc.union(&member(el)?);
            }
            (acc, None)
        }
        Expr::Range(..) => (member(right)?, None),
        other => {
            // A prefix compares with the value's own top bits.
            let v = value(other)? & if prefix { m } else { 0xff };
            (Ranges::single(v as u16), Some(v))
        }
    };
    let on_x = |pred: &dyn Fn(u8) -> bool| tcp_flags::where_(|f| pred(f & m));
    Ok(match op {
        RelOp::Implicit | RelOp::In => match single {
            // A bitmask type against one value: "any of these bits".
            Some(v) if m == 0xff && !prefix => tcp_flags::where_(|f| f & v != 0),
            _ => on_x(&|x| members.contains(x as u16)),
        },
        RelOp::Eq => on_x(&|x| members.contains(x as u16)),
        RelOp::Ne => on_x(&|x| !members.contains(x as u16)),
        RelOp::Lt | RelOp::Gt | RelOp::Le | RelOp::Ge => {
            let Some(v) = single else {
                return Err("an ordering of TCP flags against a set or range".into());
            };
            on_x(&|x| match op {
                RelOp::Lt => x < v,
                RelOp::Gt => x > v,
                RelOp::Le => x <= v,
                _ => x >= v,
            })
        }
    })
}

/// The keys of an anonymous set, nested sets flattened (nothing for another
/// expression).
fn set_keys<'e, 'a>(e: &'e Expr<'a>, out: &mut Vec<&'e Expr<'a>>) {
    if let Expr::Set(elems) = e {
        for el in elems.iter() {
            match el.key {
                inner @ Expr::Set(_) => set_keys(inner, out),
                k => out.push(k),
            }
        }
    }
}

/// One element of a set: a value or a range of values.
pub fn member(e: &Expr) -> Result<Ranges, String> {
    match e {
        Expr::Range(a, b) => Ok(Ranges::range(value(a)? as u16, value(b)? as u16)),
        other => value(other).map(|v| Ranges::single(v as u16)),
    }
}

/// A flags value: a name, a number, or the union of names (`syn|ack`,
/// `syn,ack`).
fn value(e: &Expr) -> Result<u8, String> {
    match e {
        Expr::Symbol(s) | Expr::String(s) => {
            tcp_flags::by_name(s).ok_or_else(|| format!("unknown TCP flag '{}'", &**s))
        }
        Expr::Number(n) => {
            u8::try_from(*n).map_err(|_| format!("TCP flags value {n} is out of range"))
        }
        Expr::List(items) => items.iter().try_fold(0u8, |acc, x| Ok(acc | value(x)?)),
        // `{ syn }`: nft makes a set of one element that element.
        Expr::Set([one]) => value(one.key),
        Expr::Binop {
            op: BinOp::Or,
            left,
            right,
        } => Ok(value(left)? | value(right)?),
        _ => Err("a TCP flags value (a flag name, a number, or flags joined by | or ,)".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tcp_flags::{ACK, FIN, RST, SYN};
    use crate::model::{FilterBody, RuleSet};

    fn lowered(rule: &str) -> RuleSet {
        let text = format!(
            "table inet t {{\n chain c {{\n  type filter hook input priority 0;\n  {rule} accept\n }}\n}}\n"
        );
        let arena = super::super::ast::Arena::new();
        super::super::lower::lower(&super::super::parse::parse_str(&arena, "t.nft", &text))
    }

    fn conds(rule: &str) -> Vec<Cond> {
        let rs = lowered(rule);
        match &rs.filter("input").expect("input").body {
            FilterBody::Pipeline(p) => p.chains[0].rules[0].matches.conds.clone(),
            _ => panic!("not a pipeline"),
        }
    }

    /// The flag bytes a rule's `tcp flags` match allows.
    fn set(rule: &str) -> Ranges {
        match &conds(rule)[..] {
            [Cond::Protocol(p), Cond::TcpFlags(r)] => {
                assert_eq!(*p, Ranges::single(6), "{rule}");
                assert!(lowered(rule).issues.is_empty(), "{rule}");
                r.clone()
            }
            other => panic!("{rule}: {other:?}"),
        }
    }

    #[test]
    fn the_kernel_semantics_of_each_form() {
        use tcp_flags::where_ as w;
        let fsra = FIN | SYN | RST | ACK;
        // A bitmask type against one value: any of its bits.
        assert_eq!(set("tcp flags syn"), w(|x| x & SYN != 0));
        assert_eq!(set("tcp flags syn,ack"), w(|x| x & 0x12 != 0));
        assert_eq!(set("tcp flags syn|ack"), w(|x| x & 0x12 != 0));
        assert_eq!(set("tcp flags 0x12"), w(|x| x & 0x12 != 0));
        assert!(set("tcp flags 0x0").is_empty());
        // == and != are exact; a list is the union of its flags.
        assert_eq!(set("tcp flags == syn"), Ranges::single(2));
        assert_eq!(set("tcp flags == syn,ack"), Ranges::single(0x12));
        assert_eq!(set("tcp flags != syn"), w(|x| x != SYN));
        assert_eq!(set("tcp flags != syn,ack"), w(|x| x != 0x12));
        assert_eq!(set("tcp flags == 0x0"), Ranges::single(0));
        // Sets: membership, `syn|ack` is one element.
        let sa = Ranges::from_ranges([(2, 2), (0x12, 0x12)]);
        assert_eq!(set("tcp flags { syn, syn|ack }"), sa);
        assert_eq!(set("tcp flags != { syn, syn|ack }"), sa.complement(255));
        // Masks.
        // `!`: no bit of the value (as `nft list` writes `& V == 0`).
        assert_eq!(set("tcp flags ! syn,ack"), w(|x| x & 0x12 == 0));
        assert_eq!(set("tcp flags ! rst"), w(|x| x & RST == 0));
        assert_eq!(set("tcp flags syn / syn,ack"), w(|x| x & 0x12 == SYN));
        assert_eq!(set("tcp flags != syn / syn,ack"), w(|x| x & 0x12 != SYN));
        assert_eq!(
            set("tcp flags & (fin|syn|rst|ack) == syn"),
            w(|x| x & fsra == SYN)
        );
        assert_eq!(
            set("tcp flags & (fin|syn|rst|ack) != syn"),
            w(|x| x & fsra != SYN)
        );
        assert_eq!(
            set("tcp flags & (fin|syn|rst|ack) syn"),
            w(|x| x & fsra == SYN)
        );
        assert_eq!(set("tcp flags & (fin|syn) == fin|syn"), w(|x| x & 3 == 3));
        assert_eq!(set("tcp flags & syn == 0"), w(|x| x & SYN == 0));
        assert_eq!(
            set("tcp flags & (syn|ack) { syn, ack }"),
            w(|x| x & 0x12 == SYN || x & 0x12 == ACK)
        );
        // Ranges and orderings.
        assert_eq!(set("tcp flags 0x1-0x3"), Ranges::range(1, 3));
        assert_eq!(set("tcp flags != 0x1-0x3"), w(|x| !(1..=3).contains(&x)));
        assert_eq!(set("tcp flags > ack"), Ranges::range(0x11, 255));
        assert_eq!(
            set("tcp flags & 0x3 == 0x1-0x2"),
            w(|x| matches!(x & 3, 1 | 2))
        );
        // `/ NUMBER` is a prefix length, not a mask; `& NUMBER` is a mask.
        assert_eq!(set("tcp flags 0x10 / 4"), w(|x| x & 0xf0 == 0x10));
        assert_eq!(set("tcp flags 0x10/4"), w(|x| x & 0xf0 == 0x10));
        assert_eq!(set("tcp flags syn / 4"), w(|x| x & 0xf0 == 0));
        assert_eq!(set("tcp flags != 0x10 / 4"), w(|x| x & 0xf0 != 0x10));
        assert_eq!(set("tcp flags & 4 == 4"), w(|x| x & 4 == 4));
        // Only the `tcp flags` statement's own text counts.
        assert!(conds("ip saddr 10.0.0.0/8 tcp flags & 4 == 4")
            .contains(&Cond::TcpFlags(w(|x| x & 4 == 4))));
        assert_eq!(set("tcp flags & 0x12 == 0x2"), w(|x| x & 0x12 == 2));
    }

    /// The rules of `ruleset` (a table `t` with an input chain `c`).
    fn rules_of(ruleset: &str) -> (RuleSet, Vec<crate::model::Rule>) {
        let arena = super::super::ast::Arena::new();
        let rs =
            super::super::lower::lower(&super::super::parse::parse_str(&arena, "t.nft", ruleset));
        let rules = match &rs.filter("input").expect("input").body {
            FilterBody::Pipeline(p) => p.chains[0].rules.clone(),
            _ => panic!("not a pipeline"),
        };
        (rs, rules)
    }

    /// The flag bytes of a rule's (last) `Cond::TcpFlags`.
    fn flags_of(r: &crate::model::Rule) -> Ranges {
        r.matches
            .conds
            .iter()
            .rev()
            .find_map(|c| match c {
                Cond::TcpFlags(f) => Some(f.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no flags condition: {:?}", r.matches.conds))
    }

    /// Named sets and maps are lookups of the exact (masked) byte; a verdict
    /// map's keys are whole values; an anonymous set of one element is that
    /// element; variables are their values (checked with `nft --debug=netlink`
    /// and on the kernel: `corpus/nft/features/tcp-flags-forms.nft`).
    #[test]
    fn lookups_maps_one_element_sets_and_variables() {
        use tcp_flags::where_ as w;
        let (rs, rules) = rules_of(
            "define F = syn|ack\ndefine G = { syn, syn|ack }\n\
             table inet t {\n set s { type tcp_flag; elements = { syn, syn|ack, 0x0 } }\n\
             map m { typeof tcp flags : verdict; elements = { syn : accept, ack : drop } }\n\
             chain c { type filter hook input priority 0;\n\
             tcp flags @s accept\n\
             tcp flags != @s accept\n\
             tcp flags & (syn|ack) @s accept\n\
             tcp flags vmap { syn : accept, syn|ack : drop }\n\
             tcp flags & (syn|ack) vmap { syn : accept, ack : drop }\n\
             tcp flags vmap @m\n\
             tcp flags $F accept\n\
             tcp flags { $F } accept\n\
             tcp flags == $F accept\n\
             tcp flags $G accept\n\
             tcp flags { syn|ack } accept\n\
             tcp flags != { syn|ack } accept\n\
             tcp flags > { ack } accept\n\
             tcp flags ! { rst } accept\n\
             tcp flags not syn accept\n\
             } }\n",
        );
        assert!(rs.issues.is_empty(), "{:?}", rs.issues);
        let members = Ranges::from_ranges([(0, 0), (2, 2), (0x12, 0x12)]);
        let expect = [
            members.clone(),
            members.complement(255),
            w(|x| matches!(x & 0x12, 0 | 2 | 0x12)),
            Ranges::single(2),
            Ranges::single(0x12),
            w(|x| x & 0x12 == SYN),
            w(|x| x & 0x12 == ACK),
            Ranges::single(2),
            Ranges::single(ACK as u16),
            w(|x| x & 0x12 != 0),
            w(|x| x & 0x12 != 0),
            Ranges::single(0x12),
            Ranges::from_ranges([(2, 2), (0x12, 0x12)]),
            w(|x| x & 0x12 != 0),
            w(|x| x != 0x12),
            Ranges::range(0x11, 255),
            w(|x| x & RST == 0),
            w(|x| x & SYN == 0),
        ];
        assert_eq!(rules.len(), expect.len());
        for (k, (r, e)) in rules.iter().zip(&expect).enumerate() {
            assert_eq!(&flags_of(r), e, "rule {k}: {}", r.origin.text());
        }
        // A map's miss goes on: the effects of the verdict-map rules.
        assert_eq!(rules[3].effect, crate::model::Effect::Allow);
        assert_eq!(rules[4].effect, crate::model::Effect::Deny);
    }

    #[test]
    fn concatenations_compare_the_exact_byte() {
        let (rs, rules) = rules_of(
            "table inet t {\n set s { typeof ip saddr . tcp flags; elements = { 10.0.0.1 . syn } }\n\
             chain c { type filter hook input priority 0;\n\
             ip saddr . tcp flags @s accept\n\
             tcp dport . tcp flags { 22 . syn, 23 . syn|ack } accept\n\
             ip saddr . tcp flags vmap { 10.0.0.2 . ack : drop }\n\
             } }\n",
        );
        assert!(rs.issues.is_empty(), "{:?}", rs.issues);
        let alt = |r: &crate::model::Rule| -> Vec<Vec<Cond>> {
            match r.matches.conds.last() {
                Some(Cond::AnyOf(ms)) => ms.iter().map(|m| m.conds.clone()).collect(),
                other => panic!("{other:?}"),
            }
        };
        assert!(rules[0]
            .matches
            .conds
            .contains(&Cond::Protocol(Ranges::single(6))));
        assert_eq!(alt(&rules[0])[0][1], Cond::TcpFlags(Ranges::single(2)));
        assert_eq!(alt(&rules[1])[1][1], Cond::TcpFlags(Ranges::single(0x12)));
        assert_eq!(alt(&rules[2])[0][1], Cond::TcpFlags(Ranges::single(0x10)));
        assert_eq!(rules[2].effect, crate::model::Effect::Deny);
    }

    /// `LEFT ! V` where nft refuses it (`nft -c`): an error at the match, and
    /// the match stays unknown.
    #[test]
    fn negation_of_a_non_bitmask_is_an_error() {
        for (rule, says) in [
            ("tcp dport ! 22", "`tcp dport` is not a bitmask"),
            ("tcp dport not 22", "`tcp dport` is not a bitmask"),
            ("ip saddr ! 10.0.0.1", "`ip saddr` is not a bitmask"),
            ("meta mark ! 0x1", "`meta mark` is not a bitmask"),
            ("ct mark ! 0x1", "`ct mark` is not a bitmask"),
            (
                "tcp flags & syn ! ack",
                "cannot combine negation with binary",
            ),
            ("tcp flags ! 0x1-0x3", "singleton"),
        ] {
            let rs = lowered(rule);
            let errors: Vec<_> = rs
                .issues
                .iter()
                .filter(|i| i.level == crate::model::IssueLevel::Error)
                .collect();
            assert_eq!(errors.len(), 1, "{rule}: {:?}", rs.issues);
            assert!(
                errors[0].message.contains(says),
                "{rule}: {}",
                errors[0].message
            );
            assert_eq!(errors[0].origin.text(), rule, "{rule}: the span");
            let cs = conds(rule);
            assert!(
                cs.iter().any(|c| matches!(c, Cond::Opaque { .. })),
                "{rule}: {cs:?}"
            );
        }
        // Bitmask types take it.
        assert!(lowered("tcp flags ! syn,ack").issues.is_empty());
        assert!(lowered("ct state ! established,related").issues.is_empty());
        assert_eq!(
            conds("ct state ! established,related"),
            [Cond::Not(Box::new(Cond::CtState(
                crate::model::CtStates::ESTABLISHED.union(crate::model::CtStates::RELATED)
            )))]
        );
        // A mask written with `&` is not a negation.
        assert!(lowered("tcp dport & 0x1 == 0")
            .issues
            .iter()
            .all(|i| i.level != crate::model::IssueLevel::Error));
    }

    #[test]
    fn what_is_not_decoded_stays_opaque_with_a_warning() {
        for rule in [
            "tcp flags bogus",
            "tcp flags == 0x100",
            "tcp flags @nosuchset",
            "tcp flags . meta mark { syn . 0x1 }",
            "tcp flags . tcp dport { bogus . 22 }",
            "tcp flags & (syn|ack) > { syn, ack }",
            "tcp flags syn / 0x12",
        ] {
            let cs = conds(rule);
            assert!(
                cs.iter().any(|c| matches!(c, Cond::Opaque { .. })),
                "{rule}: {cs:?}"
            );
            assert!(!lowered(rule).issues.is_empty(), "{rule}: no warning");
        }
    }
}

//! Lowering `tcp flags` matches to [`Cond::TcpFlags`], exactly as the kernel
//! runs the bytecode nft 1.0 generates for them (checked with `nft
//! --debug=netlink`, see `docs/oracle-nft.md`). With `x` the flags byte, or
//! `flags & MASK` for `tcp flags & MASK ...` and `tcp flags VALUE / MASK`:
//!
//! | written                              | kernel test                     |
//! |--------------------------------------|---------------------------------|
//! | `tcp flags syn` / `syn,ack` / `0x12` | `(flags & VALUE) != 0`          |
//! | `tcp flags & MASK VALUE`, `V / MASK` | `(flags & MASK) == VALUE`       |
//! | `== VALUE`, `!= VALUE`               | `x == VALUE`, `x != VALUE`      |
//! | `{ syn, syn\|ack }`, `!= { ... }`    | `x` in / not in the set         |
//! | `LO-HI`, `< V`, `>= V`, ...          | the range, the ordering on `x`  |
//! | `V / N` (a number `N`: a prefix)     | `(flags & top N bits) == V & top N bits` |
//!
//! The syntax tree writes `V / M` as `tcp flags & M` against `V`; when `M`
//! is a bare number, nft reads `/ N` as a prefix length instead of a mask, so
//! the statement's text (`text`) tells the two apart: a `/` in it (and no
//! `&`) means a prefix; both, in a text statement, is left unmodelled.
//! A value is a flag name, a number, or names joined by `|` or `,` (their
//! union: `== syn,ack` is `== 0x12`). JSON `"in"` is the implicit operator.
//! Named sets, variables and anything else stay with the caller (unmodelled:
//! opaque, with a warning); values that cannot be decoded give an error text.

use super::ast::{BinOp, Expr, PayloadField, RelOp};
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
    let mask = match left {
        e if is_flags(e) => None,
        Expr::Binop {
            op: BinOp::And,
            left: l,
            right: m,
        } if is_flags(l) => Some(&**m),
        _ => return None,
    };
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
    Some(flags_set(mask, op, right).map(|r| {
        vec![
            Cond::Protocol(Ranges::single(proto::TCP as u16)),
            Cond::TcpFlags(r),
        ]
    }))
}

/// `tcp flags`.
fn is_flags(e: &Expr) -> bool {
    matches!(e, Expr::Payload(PayloadField { proto, field }) if &**proto == "tcp" && &**field == "flags")
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
    // The values of `x` (the masked byte) the right-hand side names, and
    // whether it is a single value (not a set or range).
    let (members, single) = match right {
        Expr::Set(elems) => {
            let mut acc = Ranges::empty();
            for el in elems.iter() {
                acc = acc.union(&member(el.key)?);
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

/// One element of a set: a value or a range of values.
fn member(e: &Expr) -> Result<Ranges, String> {
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

    #[test]
    fn what_is_not_decoded_stays_opaque_with_a_warning() {
        for rule in [
            "tcp flags bogus",
            "tcp flags == 0x100",
            "tcp flags @nosuchset",
            "tcp flags . tcp dport { syn . 22 }",
            "tcp flags & (syn|ack) > { syn }",
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

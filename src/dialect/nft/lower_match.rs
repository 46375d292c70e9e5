//! Lowering one nft match (`LEFT OP RIGHT`) to model conditions, exactly:
//! the left-hand side names a header field (plus the protocol / family
//! dependency nft adds implicitly), the right-hand side is a value, a range, a
//! prefix, a comma list of flags, an anonymous set or a named set. What has no
//! model field becomes `Cond::Opaque` and a warning.

use super::ast::{BinOp, CtField, Expr, PayloadField, RelOp, SetElem};
use super::names;
use crate::model::values::proto;
use crate::model::{AddrPattern, Cond, CtStates, Family, Match, Ranges};
use std::net::IpAddr;

/// A header field fwlint models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    SrcAddr,
    DstAddr,
    Protocol,
    Family,
    EtherType,
    SrcPort,
    DstPort,
    IcmpType {
        v6: bool,
    },
    IcmpCode {
        v6: bool,
    },
    CtState,
    /// The TCP flags byte (in concatenations, lookups and maps; a plain
    /// `tcp flags` match is lowered by `lower_flags`).
    TcpFlags,
    InIface,
    OutIface,
}

impl Field {
    fn max(self) -> u16 {
        match self {
            Field::SrcPort | Field::DstPort | Field::EtherType => u16::MAX,
            _ => 255,
        }
    }
}

/// What a left-hand side means: the field, the dependency conditions nft adds
/// (`tcp dport` needs `meta l4proto tcp`), and its text for messages.
pub struct Lhs {
    pub field: Field,
    pub implied: Vec<Cond>,
}

/// A left-hand side fwlint does not model, named for the warning.
pub struct Unmodelled(pub String);

/// Classify a left-hand side expression.
pub fn lhs(e: &Expr) -> Result<Lhs, Unmodelled> {
    let l = |field, implied| Ok(Lhs { field, implied });
    match e {
        Expr::Payload(PayloadField { proto: p, field }) => {
            let fam = |f| Cond::Family(f);
            match (&**p, &**field) {
                ("ip", "saddr") => l(Field::SrcAddr, vec![fam(Family::Ipv4)]),
                ("ip", "daddr") => l(Field::DstAddr, vec![fam(Family::Ipv4)]),
                ("ip6", "saddr") => l(Field::SrcAddr, vec![fam(Family::Ipv6)]),
                ("ip6", "daddr") => l(Field::DstAddr, vec![fam(Family::Ipv6)]),
                ("ip", "protocol") => l(Field::Protocol, vec![fam(Family::Ipv4)]),
                ("ip6", "nexthdr") => l(Field::Protocol, vec![fam(Family::Ipv6)]),
                (
                    t @ ("tcp" | "udp" | "udplite" | "sctp" | "dccp" | "th"),
                    f @ ("sport" | "dport"),
                ) => {
                    let protos = match t {
                        "tcp" => Ranges::single(proto::TCP as u16),
                        "udp" => Ranges::single(proto::UDP as u16),
                        "udplite" => Ranges::single(proto::UDPLITE as u16),
                        "sctp" => Ranges::single(proto::SCTP as u16),
                        "dccp" => Ranges::single(proto::DCCP as u16),
                        _ => Ranges::from_ranges(
                            [
                                proto::TCP,
                                proto::UDP,
                                proto::UDPLITE,
                                proto::SCTP,
                                proto::DCCP,
                            ]
                            .map(|p| (p as u16, p as u16)),
                        ),
                    };
                    let field = if f == "sport" {
                        Field::SrcPort
                    } else {
                        Field::DstPort
                    };
                    l(field, vec![Cond::Protocol(protos)])
                }
                ("tcp", "flags") => l(
                    Field::TcpFlags,
                    vec![Cond::Protocol(Ranges::single(proto::TCP as u16))],
                ),
                ("icmp", "type") => l(
                    Field::IcmpType { v6: false },
                    vec![Cond::Protocol(Ranges::single(proto::ICMP as u16))],
                ),
                ("icmp", "code") => l(
                    Field::IcmpCode { v6: false },
                    vec![Cond::Protocol(Ranges::single(proto::ICMP as u16))],
                ),
                ("icmpv6", "type") => l(
                    Field::IcmpType { v6: true },
                    vec![Cond::Protocol(Ranges::single(proto::ICMPV6 as u16))],
                ),
                ("icmpv6", "code") => l(
                    Field::IcmpCode { v6: true },
                    vec![Cond::Protocol(Ranges::single(proto::ICMPV6 as u16))],
                ),
                _ => Err(Unmodelled(format!("{p} {field}"))),
            }
        }
        Expr::Meta { key } => match &**key {
            "l4proto" => l(Field::Protocol, vec![]),
            "nfproto" => l(Field::Family, vec![]),
            "protocol" => l(Field::EtherType, vec![]),
            "iif" | "iifname" => l(Field::InIface, vec![]),
            "oif" | "oifname" => l(Field::OutIface, vec![]),
            k => Err(Unmodelled(format!("meta {k}"))),
        },
        Expr::Ct(CtField { key, dir }) if *key == "state" && dir.is_none() => {
            l(Field::CtState, vec![])
        }
        Expr::Ct(CtField { key, dir }) => Err(Unmodelled(match dir {
            Some(d) => format!("ct {d} {key}"),
            None => format!("ct {key}"),
        })),
        Expr::Unknown { text } => Err(Unmodelled(text.to_string())),
        Expr::Binop { left, op, .. } => {
            let inner = match lhs(left) {
                Ok(_) => describe(left),
                Err(Unmodelled(s)) => s,
            };
            let o = match op {
                BinOp::And => "&",
                BinOp::Or => "|",
                BinOp::Xor => "^",
                BinOp::Shl => "<<",
                BinOp::Shr => ">>",
            };
            Err(Unmodelled(format!("{inner} {o} (bit operation)")))
        }
        Expr::Map { .. } => Err(Unmodelled("map lookup".into())),
        other => Err(Unmodelled(describe(other))),
    }
}

/// Short text for an expression (for messages).
pub fn describe(e: &Expr) -> String {
    match e {
        Expr::Payload(PayloadField { proto, field }) => format!("{proto} {field}"),
        Expr::Meta { key } => format!("meta {key}"),
        Expr::Ct(CtField { key, dir: Some(d) }) => format!("ct {d} {key}"),
        Expr::Ct(CtField { key, .. }) => format!("ct {key}"),
        Expr::Unknown { text } => text.to_string(),
        Expr::Concat(p) => p.iter().map(describe).collect::<Vec<_>>().join(" . "),
        Expr::Symbol(s) => s.to_string(),
        Expr::Variable(v) => format!("${v}"),
        Expr::SetRef(s) => format!("@{s}"),
        Expr::String(s) => format!("constant \"{s}\""),
        Expr::Number(n) => format!("constant {n}"),
        Expr::Addr(a) => format!("constant {a}"),
        _ => "expression".into(),
    }
}

/// A value for one field: the union of the right-hand side's members.
enum Val {
    Addrs(Vec<AddrPattern>),
    Nums(Ranges),
    Ct(CtStates),
    Names(Vec<String>),
    Fams(Vec<Family>),
}

/// Why a value could not be lowered.
pub struct BadValue(pub String);

/// The members of a right-hand side: anonymous set elements, comma lists and
/// single values, flattened (nested sets from `$vars` included).
pub fn members<'a>(e: &Expr<'a>, out: &mut Vec<Expr<'a>>) {
    match e {
        Expr::Set(elems) => {
            for el in *elems {
                members(el.key, out);
            }
        }
        Expr::List(items) => {
            for it in *items {
                members(it, out);
            }
        }
        Expr::Binop {
            op: BinOp::Or,
            left,
            right,
        } => {
            members(left, out);
            members(right, out);
        }
        other => out.push(*other),
    }
}

/// Lower `field OP members` (members already flattened) to one condition.
pub fn cond(field: Field, op: RelOp, rhs: &[Expr]) -> Result<Cond, BadValue> {
    let mut acc: Option<Val> = None;
    for m in rhs {
        let v = value(field, m)?;
        acc = Some(match (acc, v) {
            (None, v) => v,
            (Some(Val::Addrs(mut a)), Val::Addrs(b)) => {
                a.extend(b);
                Val::Addrs(a)
            }
            (Some(Val::Nums(a)), Val::Nums(b)) => Val::Nums(a.union(&b)),
            (Some(Val::Ct(a)), Val::Ct(b)) => Val::Ct(a.union(b)),
            (Some(Val::Names(mut a)), Val::Names(b)) => {
                a.extend(b);
                Val::Names(a)
            }
            (Some(Val::Fams(mut a)), Val::Fams(b)) => {
                a.extend(b);
                Val::Fams(a)
            }
            _ => return Err(BadValue("values of different kinds".into())),
        });
    }
    let Some(v) = acc else {
        // An empty set matches nothing.
        let c = Cond::Protocol(Ranges::empty());
        return Ok(if op == RelOp::Ne {
            Cond::Not(Box::new(c))
        } else {
            c
        });
    };
    let ordered = matches!(op, RelOp::Lt | RelOp::Gt | RelOp::Le | RelOp::Ge);
    let v = if ordered {
        order(field, op, v, rhs.len())?
    } else {
        v
    };
    let c = match (field, v) {
        (Field::SrcAddr, Val::Addrs(a)) => Cond::SrcAddr(a),
        (Field::DstAddr, Val::Addrs(a)) => Cond::DstAddr(a),
        (Field::Protocol, Val::Nums(r)) => Cond::Protocol(r),
        (Field::SrcPort, Val::Nums(r)) => Cond::SrcPort(r),
        (Field::DstPort, Val::Nums(r)) => Cond::DstPort(r),
        (Field::IcmpType { .. }, Val::Nums(r)) => Cond::IcmpType(r),
        (Field::IcmpCode { .. }, Val::Nums(r)) => Cond::IcmpCode(r),
        (Field::CtState, Val::Ct(s)) => Cond::CtState(s),
        (Field::TcpFlags, Val::Nums(r)) => Cond::TcpFlags(r),
        (Field::InIface, Val::Names(n)) => Cond::InIface(n),
        (Field::OutIface, Val::Names(n)) => Cond::OutIface(n),
        (Field::Family | Field::EtherType, Val::Fams(mut f)) => {
            f.sort();
            f.dedup();
            match f.as_slice() {
                [one] => Cond::Family(*one),
                _ => Cond::AnyOf(
                    f.into_iter()
                        .map(|x| Match::new(vec![Cond::Family(x)]))
                        .collect(),
                ),
            }
        }
        _ => return Err(BadValue("value of the wrong type".into())),
    };
    Ok(if op == RelOp::Ne {
        Cond::Not(Box::new(c))
    } else {
        c
    })
}

/// `< v`, `<= v`, `> v`, `>= v` on a numeric field or an address.
fn order(field: Field, op: RelOp, v: Val, n: usize) -> Result<Val, BadValue> {
    if n != 1 {
        return Err(BadValue("an ordering against several values".into()));
    }
    match v {
        Val::Nums(r) if r.ranges().len() == 1 && r.ranges()[0].0 == r.ranges()[0].1 => {
            let x = r.ranges()[0].0;
            let max = field.max();
            Ok(Val::Nums(match op {
                RelOp::Lt if x == 0 => Ranges::empty(),
                RelOp::Lt => Ranges::range(0, x - 1),
                RelOp::Le => Ranges::range(0, x),
                RelOp::Gt if x >= max => Ranges::empty(),
                RelOp::Gt => Ranges::range(x + 1, max),
                _ => Ranges::range(x, max),
            }))
        }
        Val::Addrs(a) => match a.as_slice() {
            [AddrPattern::Masked {
                family,
                addr,
                wildcard: 0,
            }] => {
                let (f, x) = (*family, *addr);
                let top = crate::model::values::full_mask(f);
                let (lo, hi) = match op {
                    RelOp::Lt if x == 0 => return Ok(Val::Addrs(Vec::new())),
                    RelOp::Lt => (0, x - 1),
                    RelOp::Le => (0, x),
                    RelOp::Gt if x == top => return Ok(Val::Addrs(Vec::new())),
                    RelOp::Gt => (x + 1, top),
                    _ => (x, top),
                };
                Ok(Val::Addrs(vec![AddrPattern::Range { family: f, lo, hi }]))
            }
            _ => Err(BadValue("an ordering against a prefix".into())),
        },
        _ => Err(BadValue("an ordering on a non-numeric field".into())),
    }
}

fn value(field: Field, e: &Expr) -> Result<Val, BadValue> {
    match field {
        Field::SrcAddr | Field::DstAddr => addr_value(e).map(Val::Addrs),
        Field::Protocol => num_value(e, 255, &|s| proto::by_name(s).map(u16::from)).map(Val::Nums),
        Field::SrcPort | Field::DstPort => num_value(e, u16::MAX, &names::service).map(Val::Nums),
        Field::IcmpType { v6 } => {
            let t = if v6 {
                names::ICMPV6_TYPES
            } else {
                names::ICMP_TYPES
            };
            num_value(e, 255, &|s| names::lookup(t, s).map(u16::from)).map(Val::Nums)
        }
        Field::IcmpCode { v6 } => {
            let t = if v6 {
                names::ICMPV6_CODES
            } else {
                names::ICMP_CODES
            };
            num_value(e, 255, &|s| names::lookup(t, s).map(u16::from)).map(Val::Nums)
        }
        // A flags value is one byte: `syn|ack` is 0x12, not two members.
        Field::TcpFlags => super::lower_flags::member(e)
            .map(Val::Nums)
            .map_err(BadValue),
        Field::CtState => match e {
            Expr::Symbol(s) => CtStates::from_name(s)
                .map(Val::Ct)
                .ok_or_else(|| BadValue(format!("unknown conntrack state '{s}'"))),
            Expr::Number(n) => {
                // Kernel bits: invalid=1, established=2, related=4, new=8, untracked=64.
                let mut s = CtStates::default();
                for (bit, st) in [
                    (1, CtStates::INVALID),
                    (2, CtStates::ESTABLISHED),
                    (4, CtStates::RELATED),
                    (8, CtStates::NEW),
                    (64, CtStates::UNTRACKED),
                ] {
                    if n & bit != 0 {
                        s = s.union(st);
                    }
                }
                Ok(Val::Ct(s))
            }
            _ => Err(BadValue("a conntrack state".into())),
        },
        Field::InIface | Field::OutIface => match e {
            Expr::String(s) | Expr::Symbol(s) => Ok(Val::Names(vec![s.to_string()])),
            _ => Err(BadValue(
                "an interface index (only names are modelled)".into(),
            )),
        },
        Field::Family => match e {
            Expr::Symbol(s) if *s == "ipv4" || *s == "ip" => Ok(Val::Fams(vec![Family::Ipv4])),
            Expr::Symbol(s) if *s == "ipv6" || *s == "ip6" => Ok(Val::Fams(vec![Family::Ipv6])),
            Expr::Number(2) => Ok(Val::Fams(vec![Family::Ipv4])),
            Expr::Number(10) => Ok(Val::Fams(vec![Family::Ipv6])),
            _ => Err(BadValue("a family other than ipv4/ipv6".into())),
        },
        Field::EtherType => match e {
            Expr::Symbol(s) if *s == "ip" => Ok(Val::Fams(vec![Family::Ipv4])),
            Expr::Symbol(s) if *s == "ip6" => Ok(Val::Fams(vec![Family::Ipv6])),
            Expr::Number(0x0800) => Ok(Val::Fams(vec![Family::Ipv4])),
            Expr::Number(0x86dd) => Ok(Val::Fams(vec![Family::Ipv6])),
            _ => Err(BadValue("an ethertype other than ip/ip6".into())),
        },
    }
}

fn num_value(
    e: &Expr,
    max: u16,
    by_name: &dyn Fn(&str) -> Option<u16>,
) -> Result<Ranges, BadValue> {
    let one = |e: &Expr| -> Result<u16, BadValue> {
        match e {
            Expr::Number(n) if *n <= u64::from(max) => Ok(*n as u16),
            Expr::Number(n) => Err(BadValue(format!("{n} is out of range"))),
            Expr::Symbol(s) if s.bytes().all(|b| b.is_ascii_digit()) => {
                Err(BadValue(format!("{s} is out of range")))
            }
            Expr::Symbol(s) | Expr::String(s) => {
                by_name(s).ok_or_else(|| BadValue(format!("unknown name '{s}'")))
            }
            _ => Err(BadValue("a number or a name".into())),
        }
    };
    match e {
        Expr::Range(a, b) => Ok(Ranges::range(one(a)?, one(b)?)),
        other => Ok(Ranges::single(one(other)?)),
    }
}

fn addr_value(e: &Expr) -> Result<Vec<AddrPattern>, BadValue> {
    match e {
        Expr::Addr(a) => Ok(vec![AddrPattern::host(*a)]),
        Expr::Prefix(a, len) => match &**a {
            Expr::Addr(a) => {
                let bits = if a.is_ipv4() { 32 } else { 128 };
                if *len as u32 > bits {
                    return Err(BadValue(format!("prefix length {len} is too long")));
                }
                Ok(vec![AddrPattern::prefix(*a, *len)])
            }
            _ => Err(BadValue("a prefix of an address".into())),
        },
        Expr::Range(a, b) => match (&**a, &**b) {
            (Expr::Addr(x), Expr::Addr(y)) => AddrPattern::range(*x, *y)
                .map(|p| vec![p])
                .ok_or_else(|| BadValue("a range mixing IPv4 and IPv6".into())),
            _ => Err(BadValue("a range of addresses".into())),
        },
        Expr::Symbol(s) | Expr::String(s) => match s.parse::<IpAddr>() {
            Ok(a) => Ok(vec![AddrPattern::host(a)]),
            Err(_) => Err(BadValue(format!(
                "host name '{s}' (resolved by nft at load time)"
            ))),
        },
        _ => Err(BadValue("an address".into())),
    }
}

/// Lower a concatenation `f1 . f2 ... OP { e1, e2 }`: one inner match per
/// element, each the conjunction of its components.
pub fn concat_cond(fields: &[Field], op: RelOp, elems: &[Expr]) -> Result<Cond, BadValue> {
    let mut alts = Vec::with_capacity(elems.len());
    for el in elems {
        let parts: Vec<&Expr> = match el {
            Expr::Concat(p) => p.iter().collect(),
            other => vec![other],
        };
        if parts.len() != fields.len() {
            return Err(BadValue(format!(
                "an element with {} parts for a concatenation of {}",
                parts.len(),
                fields.len()
            )));
        }
        let mut conds = Vec::with_capacity(parts.len());
        for (f, p) in fields.iter().zip(parts) {
            conds.push(cond(*f, RelOp::Eq, std::slice::from_ref(p))?);
        }
        alts.push(Match::new(conds));
    }
    let c = Cond::AnyOf(alts);
    Ok(if op == RelOp::Ne {
        Cond::Not(Box::new(c))
    } else {
        c
    })
}

/// The keys of a set or map given as elements.
pub fn elem_keys<'a>(elems: &[SetElem<'a>]) -> Vec<Expr<'a>> {
    let mut out = Vec::new();
    for e in elems {
        members(e.key, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(s: &str) -> Expr<'_> {
        Expr::Symbol(s)
    }

    #[test]
    fn ports_by_name_and_ranges() {
        let c = cond(
            Field::DstPort,
            RelOp::Implicit,
            &[
                sym("ssh"),
                Expr::Range(&Expr::Number(1000), &Expr::Number(2000)),
            ],
        )
        .ok()
        .unwrap();
        assert_eq!(
            c,
            Cond::DstPort(Ranges::from_ranges([(22, 22), (1000, 2000)]))
        );
        let c = cond(Field::DstPort, RelOp::Lt, &[Expr::Number(1024)])
            .ok()
            .unwrap();
        assert_eq!(c, Cond::DstPort(Ranges::range(0, 1023)));
        let c = cond(Field::DstPort, RelOp::Ne, &[Expr::Number(22)])
            .ok()
            .unwrap();
        assert!(matches!(c, Cond::Not(_)));
    }

    #[test]
    fn ct_states_and_icmp() {
        let c = cond(
            Field::CtState,
            RelOp::Implicit,
            &[sym("established"), sym("related")],
        )
        .ok()
        .unwrap();
        assert_eq!(
            c,
            Cond::CtState(CtStates::ESTABLISHED.union(CtStates::RELATED))
        );
        let c = cond(
            Field::IcmpType { v6: true },
            RelOp::Implicit,
            &[sym("nd-neighbor-solicit")],
        )
        .ok()
        .unwrap();
        assert_eq!(c, Cond::IcmpType(Ranges::single(135)));
        assert!(cond(
            Field::IcmpType { v6: false },
            RelOp::Implicit,
            &[sym("bogus")]
        )
        .is_err());
    }

    #[test]
    fn lhs_dependencies() {
        let l = lhs(&Expr::Payload(&PayloadField {
            proto: "th",
            field: "dport",
        }))
        .ok()
        .unwrap();
        assert_eq!(l.field, Field::DstPort);
        assert!(
            matches!(&l.implied[0], Cond::Protocol(r) if r.contains(6) && r.contains(17) && !r.contains(1))
        );
        assert!(lhs(&Expr::Meta { key: "mark" }).is_err());
    }
}

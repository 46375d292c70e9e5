//! Parsing one member line of an object-group or object: network members
//! (`host`, `network-object`, `subnet`, `range`, `fqdn`), services
//! (`service-object`, `service`, IOS `tcp eq 80`), ports (`port-object`,
//! NX-OS/XR `eq 80`), protocols and ICMP types, and nested groups.

use super::ast::*;
use super::entry::{self, Ctx, Cur, SyntaxError};
use super::ports::{self, PortProto};
use super::Flavor;
use std::net::IpAddr;

type R<T> = Result<T, SyntaxError>;

/// `member = ("group-object" | "object-group") NAME | network_member | service_member
///         | port_member | "protocol-object" proto | "icmp-object" icmp`
pub fn member(
    c: &mut Cur,
    ctx: &Ctx,
    kind: GroupKind,
    obj: bool,
    pp: Option<PortProto>,
) -> R<Member> {
    if c.eat("group-object") || (kind != GroupKind::Service && c.eat("object-group")) {
        let n = c.word("a group name")?;
        return end(c, Member::Group(n.s.to_string()));
    }
    match kind {
        GroupKind::Network => network(c, ctx, obj),
        GroupKind::Service => service(c, ctx, obj),
        GroupKind::Port => {
            c.eat("port-object");
            let pp = pp.unwrap_or(PortProto::Both);
            match entry::port_op(c, ctx, pp)? {
                Some(op) => end(c, Member::Port(op)),
                None => Err(c.err("expected a port operator", "eq | neq | lt | gt | range")),
            }
        }
        GroupKind::Protocol => {
            if !c.eat("protocol-object") {
                return Err(c.err("expected `protocol-object`", "protocol-object PROTO"));
            }
            let p = entry::proto(c, ctx)?;
            end(c, Member::Proto(p))
        }
        GroupKind::IcmpType => {
            if !c.eat("icmp-object") {
                return Err(c.err("expected `icmp-object`", "icmp-object TYPE"));
            }
            match entry::icmp_spec(c, ctx, false)? {
                Some(IcmpSpec::Type(t, code)) => end(c, Member::Icmp(t, code)),
                _ => Err(c.err("expected an ICMP type", "an ICMP type name or number")),
            }
        }
    }
}

fn end(c: &Cur, m: Member) -> R<Member> {
    if c.done() {
        Ok(m)
    } else {
        Err(c.err(
            format!(
                "unexpected `{}` after a group member",
                c.peek().unwrap_or("")
            ),
            "end of line",
        ))
    }
}

fn ip(c: &mut Cur, ctx: &Ctx) -> R<IpAddr> {
    let t = c.word("an address")?;
    entry::parse_ip(t.s)
        .or_else(|| ctx.names.get(t.s).copied())
        .ok_or_else(|| SyntaxError {
            message: format!("`{}` is not an address", t.s),
            expected: Some("an address".into()),
            span: t.lo..t.hi,
        })
}

/// `network_member = "host" A | "network-object" ("host" A | "object" N | A MASK | A/LEN)
///                 | "subnet" A MASK | "range" A B | "fqdn" ["v4"|"v6"] N | "any" | A MASK | A/LEN`
/// Masks are subnet masks except on NX-OS, where they are wildcards.
fn network(c: &mut Cur, ctx: &Ctx, _obj: bool) -> R<Member> {
    c.eat("network-object");
    let Some(w) = c.peek() else {
        return Err(c.err("empty network member", "host A | A MASK | A/LEN"));
    };
    let m = match w.to_ascii_lowercase().as_str() {
        "host" => {
            c.i += 1;
            Member::Addr(AddrSpec::Host(ip(c, ctx)?))
        }
        "object" => {
            c.i += 1;
            Member::Object(c.word("an object name")?.s.to_string())
        }
        "any" => {
            c.i += 1;
            Member::Addr(AddrSpec::Any(None))
        }
        "range" => {
            c.i += 1;
            let a = ip(c, ctx)?;
            let b = ip(c, ctx)?;
            Member::Addr(AddrSpec::range(a, b))
        }
        "fqdn" => {
            c.i += 1;
            if c.is("v4") || c.is("v6") {
                c.i += 1;
            }
            let n = c.word("a host name")?;
            Member::Addr(AddrSpec::Opaque(format!("fqdn {}", n.s).into()))
        }
        _ => {
            c.eat("subnet");
            let t = c.word("an address")?;
            if let Some((a, l)) = t.s.split_once('/') {
                let a = entry::parse_ip(a)
                    .ok_or_else(|| c.err(format!("`{}` is not a prefix", t.s), "A/LEN"))?;
                let l: u8 = l
                    .parse()
                    .map_err(|_| c.err(format!("`{}` is not a prefix", t.s), "A/LEN"))?;
                Member::Addr(AddrSpec::Prefix(
                    a,
                    l.min(if a.is_ipv4() { 32 } else { 128 }),
                ))
            } else {
                let a = entry::parse_ip(t.s)
                    .or_else(|| ctx.names.get(t.s).copied())
                    .ok_or_else(|| SyntaxError {
                        message: format!("expected an address, found `{}`", t.s),
                        expected: Some("host A | A MASK | A/LEN | group-object N".into()),
                        span: t.lo..t.hi,
                    })?;
                match c.peek().and_then(entry::parse_ip) {
                    Some(m) => {
                        c.i += 1;
                        if ctx.flavor == Flavor::Nxos {
                            Member::Addr(AddrSpec::wild(a, m))
                        } else {
                            Member::Addr(AddrSpec::wild(a, invert(m)))
                        }
                    }
                    None => Member::Addr(AddrSpec::Host(a)),
                }
            }
        }
    };
    end(c, m)
}

fn invert(m: IpAddr) -> IpAddr {
    match m {
        IpAddr::V4(v) => IpAddr::V4((!u32::from(v)).into()),
        IpAddr::V6(v) => IpAddr::V6((!u128::from(v)).into()),
    }
}

/// `service_member = ["service-object" | "service"] ( "object" N
///                 | proto ["source" port_op] [["destination"] port_op] [icmp] )`
fn service(c: &mut Cur, ctx: &Ctx, _obj: bool) -> R<Member> {
    let kw = c.eat("service-object") || c.eat("service");
    if kw && c.eat("object") {
        let n = c.word("a service object name")?;
        return end(c, Member::Object(n.s.to_string()));
    }
    if !kw && c.is("port-object") {
        return Err(c.err(
            "`port-object` needs a service group with a protocol (`object-group service NAME tcp`)",
            "service-object PROTO ...",
        ));
    }
    let p = entry::proto(c, ctx)?;
    let pp = match p {
        ProtoSpec::Num(6) => Some(PortProto::Tcp),
        ProtoSpec::Num(17) => Some(PortProto::Udp),
        ProtoSpec::TcpUdp | ProtoSpec::Num(132) => Some(PortProto::Both),
        _ => None,
    };
    let mut s = Service {
        proto: p.clone(),
        sport: None,
        dport: None,
        icmp: None,
    };
    if let Some(pp) = pp {
        loop {
            if c.eat("source") {
                s.sport = Some(need(c, ctx, pp)?);
            } else if c.eat("destination") {
                s.dport = Some(need(c, ctx, pp)?);
            } else if let Some(op) = entry::port_op(c, ctx, pp)? {
                s.dport = Some(op);
            } else {
                break;
            }
        }
    } else if matches!(p, ProtoSpec::Num(1) | ProtoSpec::Num(58)) {
        s.icmp = entry::icmp_spec(c, ctx, p == ProtoSpec::Num(58))?;
    }
    end(c, Member::Service(s))
}

fn need(c: &mut Cur, ctx: &Ctx, pp: PortProto) -> R<PortOp> {
    entry::port_op(c, ctx, pp)?
        .ok_or_else(|| c.err("expected a port operator", "eq | neq | lt | gt | range"))
}

/// Is `w` a port for `pp` in `flavor`? (re-exported for the flavor parsers)
pub fn is_port(flavor: Flavor, pp: PortProto, w: &str) -> bool {
    ports::is_port(flavor, pp, w)
}

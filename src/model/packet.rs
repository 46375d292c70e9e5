//! One concrete packet, as `fwlint query` takes it.

use super::tcp_flags;
use super::values::{proto, CtStates, Family};
use serde::Serialize;
use std::fmt;
use std::net::IpAddr;

/// The source port assumed when a packet line gives none.
pub const DEFAULT_SPORT: u16 = 49152;

/// A concrete packet: the first packet of a new connection unless `ct_state`
/// says otherwise.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Packet {
    pub protocol: u8,
    pub src: IpAddr,
    pub dst: IpAddr,
    /// Ports, for protocols that carry them.
    pub sport: Option<u16>,
    pub dport: Option<u16>,
    /// ICMP type and code, for ICMP and ICMPv6.
    pub icmp_type: Option<u8>,
    pub icmp_code: Option<u8>,
    /// The TCP flags byte, for TCP (fin=0x01, syn=0x02, ... cwr=0x80; see
    /// [`tcp_flags`](super::tcp_flags)); a SYN unless the line says otherwise.
    pub tcp_flags: Option<u8>,
    pub ct_state: CtStates,
    pub iif: Option<String>,
    pub oif: Option<String>,
}

impl Packet {
    pub fn family(&self) -> Family {
        Family::of(&self.src)
    }

    /// Parse `PROTO SRC[:SPORT] DST[:DPORT] [ICMPTYPE[/CODE] | flags=FLAGS]`.
    /// `flags=` is for TCP only: names joined by `,` or `|` (`syn,ack`),
    /// `none`, or a number (`0x12`); a TCP packet without it is a SYN.
    pub fn parse(line: &str) -> Result<Packet, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.len() < 3 || words.len() > 4 {
            return Err(format!(
                "expected `PROTO SRC[:SPORT] DST[:DPORT] [ICMPTYPE[/CODE] | flags=FLAGS]`, got {} word(s)",
                words.len()
            ));
        }
        let protocol = match words[0].parse::<u8>() {
            Ok(n) => n,
            Err(_) => proto::by_name(words[0])
                .ok_or_else(|| format!("unknown protocol `{}`", words[0]))?,
        };
        let (src, sport) = parse_endpoint(words[1])?;
        let (dst, dport) = parse_endpoint(words[2])?;
        if Family::of(&src) != Family::of(&dst) {
            return Err("source and destination are of different address families".into());
        }
        let mut p = Packet {
            protocol,
            src,
            dst,
            sport: None,
            dport: None,
            icmp_type: None,
            icmp_code: None,
            tcp_flags: None,
            ct_state: CtStates::NEW,
            iif: None,
            oif: None,
        };
        if proto::has_ports(protocol) {
            p.sport = Some(sport.unwrap_or(DEFAULT_SPORT));
            p.dport =
                Some(dport.ok_or_else(|| format!("`{}` needs a destination port", words[0]))?);
        } else if sport.is_some() || dport.is_some() {
            return Err(format!("protocol `{}` has no ports", words[0]));
        }
        let flags_word = words.get(3).and_then(|w| {
            w.strip_prefix("flags=")
                .or_else(|| w.strip_prefix("FLAGS="))
        });
        if protocol == proto::TCP {
            p.tcp_flags = Some(match flags_word {
                Some(f) => tcp_flags::parse(f)?,
                None => tcp_flags::DEFAULT,
            });
        } else if flags_word.is_some() {
            return Err(format!("`flags=` is for TCP only, not `{}`", words[0]));
        }
        if proto::has_icmp(protocol) {
            // An echo request is the "new connection" of ICMP.
            let (t, c) = match words.get(3) {
                Some(w) => parse_icmp(w)?,
                None => (if protocol == proto::ICMP { 8 } else { 128 }, 0),
            };
            p.icmp_type = Some(t);
            p.icmp_code = Some(c);
        } else if words.len() == 4 && flags_word.is_none() {
            return Err(if protocol == proto::TCP {
                format!(
                    "expected `flags=FLAGS` after a TCP packet, got `{}`",
                    words[3]
                )
            } else {
                format!("protocol `{}` has no ICMP type", words[0])
            });
        }
        Ok(p)
    }
}

fn parse_icmp(w: &str) -> Result<(u8, u8), String> {
    let (t, c) = match w.split_once('/') {
        Some((t, c)) => (t, Some(c)),
        None => (w, None),
    };
    let t = t
        .parse::<u8>()
        .map_err(|_| format!("bad ICMP type `{t}` (0-255)"))?;
    let c = match c {
        Some(c) => c
            .parse::<u8>()
            .map_err(|_| format!("bad ICMP code `{c}` (0-255)"))?,
        None => 0,
    };
    Ok((t, c))
}

fn parse_endpoint(w: &str) -> Result<(IpAddr, Option<u16>), String> {
    let port = |s: &str| {
        s.parse::<u16>()
            .map_err(|_| format!("bad port `{s}` (0-65535)"))
    };
    if let Some(rest) = w.strip_prefix('[') {
        let (addr, tail) = rest
            .split_once(']')
            .ok_or_else(|| format!("missing `]` in `{w}`"))?;
        let addr: IpAddr = addr.parse().map_err(|_| format!("bad address `{addr}`"))?;
        let p = match tail.strip_prefix(':') {
            Some(p) => Some(port(p)?),
            None if tail.is_empty() => None,
            None => return Err(format!("unexpected `{tail}` after `]`")),
        };
        return Ok((addr, p));
    }
    if let Ok(a) = w.parse::<IpAddr>() {
        return Ok((a, None));
    }
    match w.rsplit_once(':') {
        Some((a, p)) => {
            let addr: IpAddr = a.parse().map_err(|_| format!("bad address `{a}`"))?;
            Ok((addr, Some(port(p)?)))
        }
        None => Err(format!("bad address `{w}`")),
    }
}

impl fmt::Display for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = proto::name(self.protocol)
            .map(str::to_string)
            .unwrap_or_else(|| self.protocol.to_string());
        let ep = |a: &IpAddr, p: Option<u16>| match (a, p) {
            (IpAddr::V6(_), Some(p)) => format!("[{a}]:{p}"),
            (_, Some(p)) => format!("{a}:{p}"),
            (_, None) => a.to_string(),
        };
        write!(
            f,
            "{name} {} {}",
            ep(&self.src, self.sport),
            ep(&self.dst, self.dport)
        )?;
        if let Some(t) = self.icmp_type {
            write!(f, " {t}/{}", self.icmp_code.unwrap_or(0))?;
        }
        // A SYN is what a line without flags means: only other flags are written.
        if let Some(fl) = self.tcp_flags.filter(|&v| v != tcp_flags::DEFAULT) {
            write!(f, " flags={}", tcp_flags::names(fl))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_contract_examples() {
        let p = Packet::parse("tcp 192.0.2.5:40000 198.51.100.10:22").unwrap();
        assert_eq!((p.sport, p.dport), (Some(40000), Some(22)));
        let p = Packet::parse("udp 10.0.0.1 10.0.0.2:53").unwrap();
        assert_eq!(p.sport, Some(DEFAULT_SPORT));
        let p = Packet::parse("icmp 10.0.0.1 10.0.0.2 8/0").unwrap();
        assert_eq!((p.icmp_type, p.icmp_code), (Some(8), Some(0)));
        let p = Packet::parse("tcp [2001:db8::1]:40000 [2001:db8::2]:443").unwrap();
        assert_eq!(p.family(), Family::Ipv6);
        assert_eq!(p.to_string(), "tcp [2001:db8::1]:40000 [2001:db8::2]:443");
        let p = Packet::parse("47 10.0.0.1 10.0.0.2").unwrap();
        assert_eq!(p.protocol, 47);
        assert!(Packet::parse("tcp 10.0.0.1 10.0.0.2").is_err());
        assert!(Packet::parse("tcp 10.0.0.1 ::1:5").is_err());
    }

    #[test]
    fn tcp_flags_default_to_syn_and_can_be_given() {
        let p = Packet::parse("tcp 10.0.0.1 10.0.0.2:22").unwrap();
        assert_eq!(p.tcp_flags, Some(tcp_flags::SYN));
        assert_eq!(p.to_string(), "tcp 10.0.0.1:49152 10.0.0.2:22");
        let p = Packet::parse("tcp 10.0.0.1 10.0.0.2:22 flags=syn,ack").unwrap();
        assert_eq!(p.tcp_flags, Some(0x12));
        assert_eq!(
            p.to_string(),
            "tcp 10.0.0.1:49152 10.0.0.2:22 flags=syn,ack"
        );
        assert_eq!(Packet::parse(&p.to_string()).unwrap(), p);
        let p = Packet::parse("tcp 10.0.0.1 10.0.0.2:22 flags=0x0").unwrap();
        assert_eq!(p.tcp_flags, Some(0));
        assert_eq!(p.to_string(), "tcp 10.0.0.1:49152 10.0.0.2:22 flags=none");
        let p = Packet::parse("udp 10.0.0.1 10.0.0.2:53").unwrap();
        assert_eq!(p.tcp_flags, None);
        assert!(Packet::parse("udp 10.0.0.1 10.0.0.2:53 flags=syn").is_err());
        assert!(Packet::parse("icmp 10.0.0.1 10.0.0.2 flags=syn").is_err());
        assert!(Packet::parse("tcp 10.0.0.1 10.0.0.2:22 8/0").is_err());
        assert!(Packet::parse("tcp 10.0.0.1 10.0.0.2:22 flags=bogus").is_err());
    }
}

//! The TCP flags byte (offset 13 of the TCP header): flag names, sets of flag
//! bytes as [`Ranges`] over `0..=255` (what [`Cond::TcpFlags`](super::Cond::TcpFlags)
//! holds), and their readable description.
//!
//! A set of byte values is exact for every form firewalls write: "these bits
//! are set" (`(flags & m) != 0`), "under this mask the flags are exactly"
//! (`(flags & m) == v`), equality, ranges, sets of values, and negations.

use super::values::Ranges;

pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;
pub const URG: u8 = 0x20;
pub const ECN: u8 = 0x40;
pub const CWR: u8 = 0x80;

/// The flags a packet line gives when it names none: the first segment of a
/// new connection (the kernel oracle sends this too).
pub const DEFAULT: u8 = SYN;

/// Flag names, in bit order (nftables' names; `ece` is an alias of `ecn`).
pub const NAMES: [(&str, u8); 8] = [
    ("fin", FIN),
    ("syn", SYN),
    ("rst", RST),
    ("psh", PSH),
    ("ack", ACK),
    ("urg", URG),
    ("ecn", ECN),
    ("cwr", CWR),
];

/// The bit of a flag name (case-insensitive; `ece` is `ecn`).
pub fn by_name(name: &str) -> Option<u8> {
    let n = name.to_ascii_lowercase();
    if n == "ece" {
        return Some(ECN);
    }
    NAMES.iter().find(|(x, _)| *x == n).map(|&(_, b)| b)
}

/// `syn,ack` for 0x12; `none` for 0.
pub fn names(v: u8) -> String {
    if v == 0 {
        return "none".into();
    }
    NAMES
        .iter()
        .filter(|(_, b)| v & b != 0)
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(",")
}

/// Parse flags written as names joined by `,` or `|` (`syn,ack`), `none`, or
/// a number (`0x12`, `18`).
pub fn parse(text: &str) -> Result<u8, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("none") {
        return Ok(0);
    }
    let num = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(h) => u8::from_str_radix(h, 16).ok(),
        None => t.parse::<u8>().ok(),
    };
    if let Some(n) = num {
        return Ok(n);
    }
    let mut v = 0u8;
    for part in t.split([',', '|']) {
        v |= by_name(part).ok_or_else(|| {
            format!(
                "bad TCP flag `{part}` (fin, syn, rst, psh, ack, urg, ecn, cwr, none, or a number 0-255)"
            )
        })?;
    }
    Ok(v)
}

/// The flag bytes that satisfy `pred`.
pub fn where_(pred: impl Fn(u8) -> bool) -> Ranges {
    Ranges::from_ranges(
        (0..=255u8)
            .filter(|&v| pred(v))
            .map(|v| (v as u16, v as u16)),
    )
}

/// Every flag byte.
pub fn all() -> Ranges {
    Ranges::range(0, 255)
}

/// A short description of a set of flag bytes, in nftables' words where one
/// fits: `syn / fin,syn,rst,ack` (under the mask, exactly these), `any of
/// syn,ack`, `not syn / ...`, else the values in hex.
pub fn describe(r: &Ranges) -> String {
    let has = |v: u8| r.contains(v as u16);
    let count = r.count();
    if count == 0 {
        return "no flags value".into();
    }
    if count == 256 {
        return "any".into();
    }
    // (f & m) == v: the set has 2^(8 - popcount m) members.
    let mask_form = |neg: bool| -> Option<String> {
        let n = if neg { 256 - count } else { count };
        if !n.is_power_of_two() {
            return None;
        }
        let free = n.trailing_zeros();
        let in_set = |v: u8| has(v) != neg;
        let first = (0..=255u8).find(|&v| in_set(v))?;
        // The mask: the bits whose flip leaves the set.
        let m: u8 = (0..8)
            .map(|b| 1u8 << b)
            .filter(|&b| !in_set(first ^ b))
            .fold(0, |a, b| a | b);
        if m.count_zeros() != free {
            return None;
        }
        let v = first & m;
        (0..=255u8).all(|f| in_set(f) == (f & m == v)).then(|| {
            let not = if neg { "not " } else { "" };
            if m == 0xff {
                format!("{not}== {}", names(v))
            } else {
                format!("{not}{} / {}", names(v), names(m))
            }
        })
    };
    // (f & m) != 0: every byte but those without the bits of m.
    let any_of = || -> Option<String> {
        let m = (0..8)
            .map(|b| 1u8 << b)
            .filter(|&b| has(b))
            .fold(0, |a, b| a | b);
        (m != 0 && (0..=255u8).all(|f| has(f) == (f & m != 0)))
            .then(|| format!("any of {}", names(m)))
    };
    if let Some(s) = any_of()
        .or_else(|| mask_form(false))
        .or_else(|| mask_form(true))
    {
        return s;
    }
    r.ranges()
        .iter()
        .map(|&(a, b)| {
            if a == b {
                format!("0x{a:02x}")
            } else {
                format!("0x{a:02x}-0x{b:02x}")
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_numbers() {
        assert_eq!(parse("syn"), Ok(SYN));
        assert_eq!(parse("syn,ack"), Ok(SYN | ACK));
        assert_eq!(parse("SYN|ACK"), Ok(SYN | ACK));
        assert_eq!(parse("0x12"), Ok(0x12));
        assert_eq!(parse("18"), Ok(0x12));
        assert_eq!(parse("none"), Ok(0));
        assert_eq!(parse("ece"), Ok(ECN));
        assert!(parse("bogus").is_err());
        assert!(parse("0x100").is_err());
        assert_eq!(names(0x12), "syn,ack");
        assert_eq!(names(0), "none");
    }

    #[test]
    fn describes_the_usual_forms() {
        let m = FIN | SYN | RST | ACK;
        assert_eq!(describe(&where_(|f| f & m == SYN)), "syn / fin,syn,rst,ack");
        assert_eq!(
            describe(&where_(|f| f & m != SYN)),
            "not syn / fin,syn,rst,ack"
        );
        assert_eq!(describe(&where_(|f| f == SYN)), "== syn");
        assert_eq!(
            describe(&where_(|f| f & (SYN | ACK) != 0)),
            "any of syn,ack"
        );
        assert_eq!(
            describe(&where_(|f| f & (SYN | ACK) == 0)),
            "none / syn,ack"
        );
        assert_eq!(
            describe(&where_(|f| f == 2 || f == 0x12)),
            "syn / fin,syn,rst,psh,urg,ecn,cwr"
        );
        assert_eq!(describe(&where_(|f| f == 2 || f == 0x13)), "0x02,0x13");
        assert_eq!(describe(&all()), "any");
        assert_eq!(describe(&Ranges::empty()), "no flags value");
    }
}

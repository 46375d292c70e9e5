//! Address syntax in topology files: `10.0.0.10`, `10.20.0.0/16`,
//! `10.0.0.1-10.0.0.20`, `2001:db8::1`, `2001:db8::/32`, `::/0`.

use crate::model::values::{full_mask, ip_to_u128};
use crate::model::AddrPattern;
use std::net::IpAddr;

/// Parse one address, prefix or range.
pub fn parse_addr(s: &str) -> Result<AddrPattern, String> {
    let s = s.trim();
    if let Some((a, len)) = s.split_once('/') {
        let ip: IpAddr = a
            .trim()
            .parse()
            .map_err(|_| format!("`{a}` is not an IPv4 or IPv6 address"))?;
        let max = if ip.is_ipv4() { 32 } else { 128 };
        let len: u8 = len
            .trim()
            .parse()
            .ok()
            .filter(|l| *l <= max)
            .ok_or_else(|| format!("`{len}` is not a prefix length (0-{max})"))?;
        return Ok(AddrPattern::prefix(ip, len));
    }
    if let Some((a, b)) = s.split_once('-') {
        let lo: IpAddr = a
            .trim()
            .parse()
            .map_err(|_| format!("`{a}` is not an IPv4 or IPv6 address"))?;
        let hi: IpAddr = b
            .trim()
            .parse()
            .map_err(|_| format!("`{b}` is not an IPv4 or IPv6 address"))?;
        if lo.is_ipv4() != hi.is_ipv4() {
            return Err("a range's ends must be of the same family".into());
        }
        if ip_to_u128(&lo) > ip_to_u128(&hi) {
            return Err("the range is inverted".into());
        }
        return AddrPattern::range(lo, hi).ok_or_else(|| "bad range".into());
    }
    let ip: IpAddr = s
        .parse()
        .map_err(|_| format!("`{s}` is not an address, prefix (a.b.c.d/len) or range (a-b)"))?;
    Ok(AddrPattern::host(ip))
}

/// Lowest and highest address a pattern matches.
fn bounds(p: &AddrPattern) -> (u128, u128) {
    match *p {
        AddrPattern::Masked { addr, wildcard, .. } => (addr & !wildcard, addr | wildcard),
        AddrPattern::Range { lo, hi, .. } => (lo, hi),
    }
}

/// True when every address `inner` matches is matched by `outer`.
pub fn within(inner: &AddrPattern, outer: &AddrPattern) -> bool {
    if inner.family() != outer.family() {
        return false;
    }
    match (inner, outer) {
        (
            AddrPattern::Masked {
                addr: a,
                wildcard: wa,
                ..
            },
            AddrPattern::Masked {
                addr: b,
                wildcard: wb,
                ..
            },
        ) => wa & !wb == 0 && (a & !wb) == (b & !wb),
        (_, AddrPattern::Range { lo, hi, .. }) => {
            let (l, h) = bounds(inner);
            *lo <= l && h <= *hi
        }
        (AddrPattern::Range { family, .. }, AddrPattern::Masked { wildcard, .. }) => {
            // Only a contiguous mask (a prefix) covers an interval exactly.
            let contiguous =
                (wildcard.wrapping_add(1) & wildcard) == 0 && *wildcard <= full_mask(*family);
            let (l, h) = bounds(inner);
            contiguous && {
                let (ol, oh) = bounds(outer);
                ol <= l && h <= oh
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_forms() {
        assert_eq!(
            parse_addr("10.20.0.0/16").unwrap().to_string(),
            "10.20.0.0/16"
        );
        assert!(parse_addr("10.0.0.10")
            .unwrap()
            .contains(&"10.0.0.10".parse().unwrap()));
        let r = parse_addr("10.0.0.1-10.0.0.20").unwrap();
        assert!(r.contains(&"10.0.0.5".parse().unwrap()));
        assert!(parse_addr("::/0").unwrap().is_any());
        assert!(parse_addr("2001:db8::1").is_ok());
        assert!(parse_addr("10.0.0.0/33").is_err());
        assert!(parse_addr("crm01").is_err());
        assert!(parse_addr("10.0.0.9-10.0.0.1").is_err());
    }

    #[test]
    fn containment() {
        let net = parse_addr("10.0.0.0/8").unwrap();
        assert!(within(&parse_addr("10.1.2.3").unwrap(), &net));
        assert!(within(&parse_addr("10.1.0.0/16").unwrap(), &net));
        assert!(!within(&parse_addr("11.0.0.1").unwrap(), &net));
        assert!(within(&parse_addr("10.0.0.1-10.0.0.9").unwrap(), &net));
        assert!(!within(&net, &parse_addr("10.0.0.1-10.0.0.9").unwrap()));
        assert!(!within(&parse_addr("::1").unwrap(), &net));
    }
}

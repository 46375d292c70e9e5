//! The generated extended-ACL config of `benches/hygiene.rs`, shared with the
//! test that pins its findings (`tests/hygiene_generated.rs`): realistic
//! prefixes and ports (mostly hosts and small subnets, common service ports,
//! some ranges), 1,000 entries per ACL, every ACL bound to an interface.

use super::Rng;
use std::fmt::Write;

/// An address operand: `host A` (50%), `A WILDCARD` for /24–/31 (33%),
/// /16–/23 (15%), /8–/15 (2%); from 10/8, 172.16/12, 192.168/16 or public space.
fn addr(rng: &mut Rng) -> String {
    let base: u32 = match rng.below(4) {
        0 => 0x0a00_0000,
        1 => 0xac10_0000,
        2 => 0xc0a8_0000,
        _ => rng.next() as u32,
    };
    let a = base | (rng.next() as u32 & 0x00ff_ffff);
    let len = match rng.below(100) {
        0..=1 => 8 + rng.below(8) as u32,
        2..=16 => 16 + rng.below(8) as u32,
        17..=49 => 24 + rng.below(8) as u32,
        _ => 32,
    };
    let ip = |x: u32| std::net::Ipv4Addr::from(x).to_string();
    if len == 32 {
        return format!("host {}", ip(a));
    }
    let wild = u32::MAX >> len;
    format!("{} {}", ip(a & !wild), ip(wild))
}

const COMMON: [u16; 16] = [
    22, 25, 53, 80, 110, 123, 143, 161, 389, 443, 445, 636, 993, 3306, 3389, 8080,
];

/// `n` entries over ACLs of 1,000 entries each, every one bound to an interface.
pub fn generated(n: usize) -> String {
    let mut rng = Rng(0x5eed);
    let mut out = String::new();
    let acls = n.div_ceil(1000);
    for i in 0..n {
        let acl = 100 + (i / 1000) % 100;
        let action = if rng.below(100) < 80 {
            "permit"
        } else {
            "deny"
        };
        let proto = match rng.below(20) {
            0..=11 => "tcp",
            12..=16 => "udp",
            17 => "icmp",
            _ => "ip",
        };
        let src = if rng.below(100) < 15 {
            "any".to_string()
        } else {
            addr(&mut rng)
        };
        let dst = addr(&mut rng);
        let mut line = format!("access-list {acl} {action} {proto} {src} {dst}");
        if proto == "tcp" || proto == "udp" {
            match rng.below(10) {
                0..=4 => write!(line, " eq {}", COMMON[rng.below(16) as usize]).unwrap(),
                5..=6 => write!(line, " eq {}", 1 + rng.below(65535)).unwrap(),
                7..=8 => {
                    let lo = 1 + rng.below(60000);
                    write!(line, " range {lo} {}", lo + rng.below(5000)).unwrap()
                }
                _ => {}
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    for k in 0..acls.min(100) {
        writeln!(
            out,
            "interface GigabitEthernet0/{k}\n ip access-group {} in",
            100 + k
        )
        .unwrap();
    }
    out
}

//! NX-OS statements: `ip access-list NAME` / `ipv6 access-list NAME` with
//! sequence numbers and `/len` prefixes, `object-group ip address|port`
//! (used as `addrgroup` / `portgroup`), `statistics per-entry`,
//! `fragments permit-all|deny-all`, and `show access-lists` output. The
//! statement forms are those of IOS; entry differences (wildcard or prefix,
//! `addrgroup`, `portgroup`) are handled by the entry parser for this flavor.

use super::lex::Line;
use super::parse::Parser;

/// One top-level line.
pub fn top<'a>(p: &mut Parser<'a>, line: &Line<'a>, first: &str) {
    super::parse_ios::top(p, line, first)
}

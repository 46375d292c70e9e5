//! Dialects: each reads one family of config formats into the vendor-neutral
//! [`RuleSet`](crate::model::RuleSet). Inside each dialect the vendor syntax tree
//! is kept apart from the model: only its `lower` step sees both.
//!
//! This module names the dialects, detects them, and dispatches.

pub mod cisco;
pub mod nft;
pub mod winfw;

use crate::model::RuleSet;
use crate::read::{Input, LoadError};
use std::fmt;

/// The dialects of the command-line contract (`--dialect`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    Nft,
    NftJson,
    WinfwReg,
    WinfwNetsh,
    WinfwPs,
    WinfwWfw,
    CiscoIos,
    CiscoAsa,
    CiscoNxos,
    CiscoXr,
}

impl Dialect {
    pub const ALL: [Dialect; 10] = [
        Dialect::Nft,
        Dialect::NftJson,
        Dialect::WinfwReg,
        Dialect::WinfwNetsh,
        Dialect::WinfwPs,
        Dialect::WinfwWfw,
        Dialect::CiscoIos,
        Dialect::CiscoAsa,
        Dialect::CiscoNxos,
        Dialect::CiscoXr,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Nft => "nft",
            Dialect::NftJson => "nft-json",
            Dialect::WinfwReg => "winfw-reg",
            Dialect::WinfwNetsh => "winfw-netsh",
            Dialect::WinfwPs => "winfw-ps",
            Dialect::WinfwWfw => "winfw-wfw",
            Dialect::CiscoIos => "cisco-ios",
            Dialect::CiscoAsa => "cisco-asa",
            Dialect::CiscoNxos => "cisco-nxos",
            Dialect::CiscoXr => "cisco-xr",
        }
    }

    pub fn from_name(name: &str) -> Option<Dialect> {
        Dialect::ALL.into_iter().find(|d| d.name() == name)
    }

    /// Read one input in this dialect.
    pub fn load(self, input: &Input) -> Result<RuleSet, LoadError> {
        match self {
            Dialect::Nft => nft::load_text(input),
            Dialect::NftJson => nft::load_json(input),
            Dialect::WinfwReg => winfw::load_reg(input),
            Dialect::WinfwNetsh => winfw::load_netsh(input),
            Dialect::WinfwPs => winfw::load_ps(input),
            Dialect::WinfwWfw => winfw::load_wfw(input),
            Dialect::CiscoIos => cisco::load(input, cisco::Flavor::Ios),
            Dialect::CiscoAsa => cisco::load(input, cisco::Flavor::Asa),
            Dialect::CiscoNxos => cisco::load(input, cisco::Flavor::Nxos),
            Dialect::CiscoXr => cisco::load(input, cisco::Flavor::Xr),
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Read an input, detecting its dialect unless one is given.
pub fn load(input: &Input, dialect: Option<Dialect>) -> Result<(Dialect, RuleSet), LoadError> {
    let d = match dialect {
        Some(d) => d,
        None => detect(input).ok_or_else(|| {
            let mut e = LoadError::new(&input.name, "cannot tell which firewall dialect this is");
            e.help = Some(format!(
                "name it with --dialect ({})",
                Dialect::ALL.map(Dialect::name).join(", ")
            ));
            e
        })?,
    };
    Ok((d, d.load(input)?))
}

/// Guess the dialect from the file name and content. `None` when nothing fits.
pub fn detect(input: &Input) -> Option<Dialect> {
    let ext = input
        .path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if input.bytes.starts_with(b"regf") || ext == "wfw" {
        return Some(Dialect::WinfwWfw);
    }
    let text = crate::read::decode_text(&input.bytes[..input.bytes.len().min(1 << 20)]).ok()?;
    detect_text(&ext, &text)
}

fn detect_text(ext: &str, text: &str) -> Option<Dialect> {
    let head: &str = &text[..floor_char_boundary(text, 256 * 1024)];
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    let lower = head.to_ascii_lowercase();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if lower.contains("\"nftables\"") {
            return Some(Dialect::NftJson);
        }
        if lower.contains("\"displayname\"") || lower.contains("\"direction\"") {
            return Some(Dialect::WinfwPs);
        }
    }
    if trimmed.starts_with("Windows Registry Editor")
        || trimmed.starts_with("REGEDIT4")
        || lower.contains("|action=")
            && (lower.starts_with("v2.") || lower.contains("\nv2.") || lower.contains("\"v2."))
    {
        return Some(Dialect::WinfwReg);
    }
    if lower.contains("new-netfirewallrule")
        || ext == "ps1"
        || (ext == "csv" && lower.contains("displayname"))
    {
        return Some(Dialect::WinfwPs);
    }
    if lower.contains("advfirewall firewall")
        || lower.contains("\nrule name:")
        || lower.starts_with("rule name:")
    {
        return Some(Dialect::WinfwNetsh);
    }
    if ext == "nft"
        || lower.contains("flush ruleset")
        || lower.starts_with("#!/usr/sbin/nft")
        || lower.starts_with("#!/sbin/nft")
        || has_line_starting(
            &lower,
            &[
                "table ip ",
                "table inet ",
                "table ip6 ",
                "table bridge ",
                "table arp ",
                "table netdev ",
                "add table ",
                "add rule ",
                "add chain ",
            ],
        )
        || (lower.contains("chain ") && lower.contains("hook ") && lower.contains("table "))
    {
        return Some(Dialect::Nft);
    }
    // Cisco: ASA first (its `access-list NAME extended` is distinctive), then
    // IOS-XR, NX-OS, and IOS as the most common default.
    if ext == "asa"
        || lower.contains("asa version")
        || has_line_starting(&lower, &["access-list "])
            && lower.contains(" extended ")
            && !lower.contains("ip access-list")
        || lower.contains("\n object network ")
        || has_line_starting(
            &lower,
            &["object network ", "object service ", "access-group "],
        )
    {
        return Some(Dialect::CiscoAsa);
    }
    if ext == "iosxr" || has_line_starting(&lower, &["ipv4 access-list "]) {
        return Some(Dialect::CiscoXr);
    }
    if ext == "nxos"
        || lower.contains("\nfeature ")
        || lower.contains("object-group ip address")
        || lower.contains("object-group ip port")
        || lower.contains("statistics per-entry")
    {
        return Some(Dialect::CiscoNxos);
    }
    if ext == "ios"
        || lower.contains("access-list")
        || lower.contains("ip access-group")
        || lower.contains("object-group network")
    {
        return Some(Dialect::CiscoIos);
    }
    None
}

fn has_line_starting(lower: &str, prefixes: &[&str]) -> bool {
    lower
        .lines()
        .map(str::trim_start)
        .any(|l| prefixes.iter().any(|p| l.starts_with(p)))
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content() {
        let d = |t: &str| detect_text("", t);
        assert_eq!(
            d("table inet filter {\n chain input { }\n}"),
            Some(Dialect::Nft)
        );
        assert_eq!(d("{\"nftables\": []}"), Some(Dialect::NftJson));
        assert_eq!(
            d("Windows Registry Editor Version 5.00\r\n"),
            Some(Dialect::WinfwReg)
        );
        assert_eq!(d("v2.30|Action=Allow|Dir=In|"), Some(Dialect::WinfwReg));
        assert_eq!(
            d("netsh advfirewall firewall add rule name=x dir=in action=allow"),
            Some(Dialect::WinfwNetsh)
        );
        assert_eq!(
            d("New-NetFirewallRule -DisplayName x"),
            Some(Dialect::WinfwPs)
        );
        assert_eq!(
            d("access-list OUTSIDE extended permit tcp any any eq 80"),
            Some(Dialect::CiscoAsa)
        );
        assert_eq!(
            d("ip access-list extended FOO\n permit tcp any any eq 80"),
            Some(Dialect::CiscoIos)
        );
        assert_eq!(
            d("ipv4 access-list FOO\n 10 permit tcp any any"),
            Some(Dialect::CiscoXr)
        );
        assert_eq!(d("hello world"), None);
    }
}

//! Reading `.wfw` files (`netsh advfirewall export`): a registry hive whose root
//! holds the firewall policy keys (`FirewallRules`, `DomainProfile`,
//! `StandardProfile`, `PublicProfile`, ...; deeper paths such as
//! `...\FirewallPolicy\FirewallRules` or `...\Policies\Microsoft\WindowsFirewall\...`
//! are accepted too). The firewall keys are rendered as `.reg` text, which is
//! the [`SourceFile`](crate::model::SourceFile) that origins point into, and read
//! with the `.reg` reader. Hive damage becomes comment lines and errors.

use super::hive::{reg_type, Hive, HiveError};
use super::reg::{self, KeyKind, RegDoc};
use super::rule_string::Issue;
use crate::model::IssueLevel;
use std::fmt::Write;

/// The rendering of a hive's firewall keys, and what was read from it.
pub struct Rendered {
    pub text: String,
    pub doc: RegDoc,
}

/// Render the firewall keys of the hive `bytes` and read them. `Err` when the
/// file is not a hive at all.
pub fn read(bytes: &[u8], name: &str) -> Result<Rendered, HiveError> {
    let hive = Hive::open(bytes)?;
    let dump = hive.dump();
    let mut text = String::new();
    let mut errors: Vec<(usize, usize)> = Vec::new(); // spans of error comment lines
    let _ = writeln!(text, "Windows Registry Editor Version 5.00");
    let _ = writeln!(
        text,
        "; fwlint: the firewall keys of registry hive {name} (root key `{}`)",
        hive.root_name.replace(['\r', '\n'], " ")
    );
    for e in &dump.errors {
        let start = text.len();
        let _ = write!(text, "; hive error {e}");
        errors.push((start, text.len()));
        text.push('\n');
    }
    for key in &dump.keys {
        if reg::classify(&key.path) == KeyKind::Other {
            continue;
        }
        let _ = writeln!(text, "\n[{}]", one_line(&key.path));
        for v in &key.values {
            let vname = escape(&v.name);
            match &v.data {
                Err(e) => {
                    let start = text.len();
                    let _ = write!(text, "; value \"{vname}\": hive error {e}");
                    errors.push((start, text.len()));
                    text.push('\n');
                }
                Ok(d) => {
                    let data = match v.data_type {
                        reg_type::SZ | reg_type::EXPAND_SZ => {
                            format!(
                                "\"{}\"",
                                escape(&one_line(&v.as_string().unwrap_or_default()))
                            )
                        }
                        reg_type::DWORD | reg_type::DWORD_BE if d.len() >= 4 => {
                            format!("dword:{:08x}", v.as_dword().unwrap_or(0))
                        }
                        t => {
                            let hex: Vec<String> =
                                d.iter().take(64).map(|b| format!("{b:02x}")).collect();
                            let more = if d.len() > 64 { ",..." } else { "" };
                            format!("hex({t:x}):{}{more}", hex.join(","))
                        }
                    };
                    let _ = writeln!(text, "\"{vname}\"={data}");
                }
            }
        }
    }
    let mut doc = reg::read(&text);
    for (s, e) in errors {
        doc.issues.push(Issue {
            level: IssueLevel::Error,
            message: format!("damaged hive: {}", text[s..e].trim_start_matches("; ")),
            expected: None,
            span: s..e,
        });
    }
    Ok(Rendered { text, doc })
}

/// `.reg` string escaping.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Keep a rendering line on one line.
fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

//! Reading `.reg` exports (`reg export` / regedit, already decoded to text) of
//! the firewall keys: rule strings under `FirewallRules` of the local store
//! (`HKLM\SYSTEM\CurrentControlSet\Services\SharedAccess\Parameters\FirewallPolicy`)
//! and of Group Policy (`HKLM\SOFTWARE\Policies\Microsoft\WindowsFirewall`), the
//! profile keys (`DomainProfile`, `StandardProfile`/`PrivateProfile`,
//! `PublicProfile`) of both, and bare rule-string lines. Other keys and values
//! are skipped; values under `FirewallRules` that are not rule strings are
//! reported. Spans point into the decoded text.

use super::ast::{Profile, ProfileConfig, ProfileSettings, Spanned, Store, WinRule, WinVerdict};
use super::rule_string::{self, Issue};
use crate::model::IssueLevel;
use std::ops::Range;

/// What a `.reg` text holds for the firewall.
#[derive(Debug, Default)]
pub struct RegDoc {
    pub rules: Vec<WinRule>,
    pub profiles: ProfileSettings,
    pub issues: Vec<Issue>,
}

/// What a registry key is to the firewall.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// A `FirewallRules` key.
    Rules(Store),
    /// A profile key; `None` = `StandardProfile`.
    Profile(Store, Option<Profile>),
    Other,
}

/// Classify a key path (`\`-separated, any hive prefix). Keys under
/// `RestrictedServices` (service-hardening rules) are not firewall policy.
pub fn classify(path: &str) -> KeyKind {
    let lower = path.trim_matches('\\').to_ascii_lowercase();
    if lower.contains("restrictedservices") {
        return KeyKind::Other;
    }
    let store = if lower.contains("policies\\microsoft\\windowsfirewall") {
        Store::Gpo
    } else {
        Store::Local
    };
    let last = lower.rsplit('\\').next().unwrap_or("");
    match last {
        "firewallrules" => KeyKind::Rules(store),
        "domainprofile" => KeyKind::Profile(store, Some(Profile::Domain)),
        "privateprofile" => KeyKind::Profile(store, Some(Profile::Private)),
        "publicprofile" => KeyKind::Profile(store, Some(Profile::Public)),
        "standardprofile" => KeyKind::Profile(store, None),
        _ => KeyKind::Other,
    }
}

/// Read a `.reg` text (or bare rule-string lines).
pub fn read(text: &str) -> RegDoc {
    let mut r = Reader {
        text,
        doc: RegDoc::default(),
        key: None,
        gpo_standard: ProfileConfig::default(),
        gpo_split: false,
    };
    r.run();
    r.finish()
}

struct Reader<'a> {
    text: &'a str,
    doc: RegDoc,
    /// The current key's kind and the span of its `[...]` line.
    key: Option<(KeyKind, Range<usize>)>,
    gpo_standard: ProfileConfig,
    /// GPO has a `PrivateProfile` or `PublicProfile` key ([MS-GPFAS] 2.2.3:
    /// then `StandardProfile` is ignored).
    gpo_split: bool,
}

/// Lines of `text` as (start, end-without-terminator).
fn lines(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        let end = match text[pos..].find('\n') {
            Some(i) => pos + i,
            None => text.len(),
        };
        pos = end + 1;
        let mut e = end;
        if e > start && text.as_bytes()[e - 1] == b'\r' {
            e -= 1;
        }
        Some((start, e))
    })
}

impl Reader<'_> {
    fn issue(
        &mut self,
        level: IssueLevel,
        message: String,
        expected: Option<&str>,
        span: Range<usize>,
    ) {
        self.doc.issues.push(Issue {
            level,
            message,
            expected: expected.map(str::to_string),
            span,
        });
    }

    fn run(&mut self) {
        let text = self.text;
        let mut continuing = false;
        for (start, end) in lines(text) {
            let raw = &text[start..end];
            let was_continuing = continuing;
            continuing = raw.trim_end().ends_with('\\');
            if was_continuing {
                continue;
            }
            let mut off = start;
            let mut line = raw;
            // A byte-order mark starts the file, and each file of a
            // concatenation (`copy /b a.reg + b.reg`).
            if let Some(rest) = line.strip_prefix('\u{feff}') {
                off += 3;
                line = rest;
            }
            let lead = line.len() - line.trim_start().len();
            let line = line.trim();
            let lstart = off + lead;
            let span = lstart..lstart + line.len();
            if line.is_empty() || line.starts_with(';') {
                continue;
            }
            if line.starts_with("Windows Registry Editor") || line == "REGEDIT4" {
                continue;
            }
            if let Some(inner) = line.strip_prefix('[') {
                self.key_line(inner, span);
                continue;
            }
            if line.starts_with('"') || line.starts_with('@') {
                self.value_line(line, span);
                continue;
            }
            if rule_string::looks_like_rule(line) {
                // A bare rule string is unescaped unless it doubles its
                // backslashes as `.reg` files (and the MS-GPFAS sample) do.
                let escaped = line.contains("\\\\");
                self.bare_rule(line, span, escaped);
                continue;
            }
            match &self.key {
                Some((KeyKind::Other, _)) => {}
                _ => self.issue(
                    IssueLevel::Error,
                    format!("unreadable line `{}`", clip(line)),
                    Some("a `[KEY]` line, a `\"NAME\"=VALUE` line, or a rule string `v2.30|...|`"),
                    span,
                ),
            }
        }
    }

    fn key_line(&mut self, inner: &str, span: Range<usize>) {
        let Some(path) = inner.strip_suffix(']') else {
            self.issue(
                IssueLevel::Error,
                "key line without closing `]`".into(),
                Some("`]`"),
                span.clone(),
            );
            self.key = Some((KeyKind::Other, span));
            return;
        };
        if let Some(del) = path.strip_prefix('-') {
            let kind = classify(del);
            if kind != KeyKind::Other {
                self.issue(
                    IssueLevel::Warning,
                    format!(
                        "key deletion `[-{del}]` is not modelled (fwlint reads exports, not edits)"
                    ),
                    None,
                    span.clone(),
                );
            }
            self.key = Some((KeyKind::Other, span));
            return;
        }
        let kind = classify(path);
        if let KeyKind::Profile(Store::Gpo, Some(Profile::Private | Profile::Public)) = kind {
            self.gpo_split = true;
        }
        self.key = Some((kind, span));
    }

    /// `"NAME"=DATA` or `@=DATA`.
    fn value_line(&mut self, line: &str, span: Range<usize>) {
        let Some((kind, _)) = self.key.clone() else {
            // A quoted rule string on its own line.
            if let Some(inner) = line.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
                if rule_string::looks_like_rule(inner) {
                    self.bare_rule(inner, span.start + 1..span.end - 1, true);
                    return;
                }
            }
            self.issue(
                IssueLevel::Error,
                "value line outside any `[KEY]`".into(),
                Some("a `[KEY]` line first"),
                span,
            );
            return;
        };
        if kind == KeyKind::Other {
            return;
        }
        let base = span.start;
        let (name, name_span, rest_off) = if let Some(rest) = line.strip_prefix('@') {
            ("@".to_string(), base..base + 1, line.len() - rest.len())
        } else {
            match quoted(&line[1..]) {
                Some(len) => (
                    rule_string::unescape(&line[1..1 + len]),
                    base + 1..base + 1 + len,
                    len + 2,
                ),
                None => {
                    self.issue(
                        IssueLevel::Error,
                        "value name without closing quote".into(),
                        Some("`\"`"),
                        span,
                    );
                    return;
                }
            }
        };
        let rest = &line[rest_off..];
        let Some(data) = rest.trim_start().strip_prefix('=') else {
            self.issue(
                IssueLevel::Error,
                format!("value `{}` without `=`", clip(&name)),
                Some("`=`"),
                span,
            );
            return;
        };
        let data_off = base + line.len() - data.len();
        let data_lead = data.len() - data.trim_start().len();
        let data = data.trim();
        let data_off = data_off + data_lead;
        let dspan = data_off..data_off + data.len();
        match kind {
            KeyKind::Rules(store) => self.rule_value(&name, name_span, data, dspan, span, store),
            KeyKind::Profile(store, p) => self.profile_value(&name, data, dspan, store, p),
            KeyKind::Other => {}
        }
    }

    fn rule_value(
        &mut self,
        name: &str,
        name_span: Range<usize>,
        data: &str,
        dspan: Range<usize>,
        line_span: Range<usize>,
        store: Store,
    ) {
        let inner = data
            .strip_prefix('"')
            .and_then(|d| quoted(d).filter(|&l| l + 1 == d.len()).map(|l| &d[..l]));
        let Some(inner) = inner else {
            let what = if data == "-" {
                "a deletion".to_string()
            } else if data.starts_with('"') {
                "a string without its closing quote".to_string()
            } else {
                format!("of type `{}`", data.split(':').next().unwrap_or(data))
            };
            self.issue(
                IssueLevel::Warning,
                format!(
                    "value `{}` under FirewallRules is {what}, not a rule string; skipped",
                    clip(name)
                ),
                None,
                dspan,
            );
            return;
        };
        let rule_like = inner.contains('|') && inner.contains('=');
        if !rule_string::looks_like_rule(inner) && !rule_like {
            self.issue(
                IssueLevel::Warning,
                format!(
                    "value `{}` under FirewallRules is not a rule string; skipped",
                    clip(name)
                ),
                Some("`v2.30|...|`"),
                dspan,
            );
            return;
        }
        let mut rule = WinRule {
            id: Some(Spanned::new(name.to_string(), name_span)),
            store,
            span: line_span,
            ..WinRule::default()
        };
        let issues = rule_string::parse_into(inner, dspan.start + 1, true, &mut rule);
        self.doc.issues.extend(issues);
        self.doc.rules.push(rule);
    }

    fn bare_rule(&mut self, text: &str, span: Range<usize>, escaped: bool) {
        let mut rule = WinRule {
            store: match &self.key {
                Some((KeyKind::Rules(s), _)) => *s,
                _ => Store::Local,
            },
            span: span.clone(),
            ..WinRule::default()
        };
        let issues = rule_string::parse_into(text, span.start, escaped, &mut rule);
        self.doc.issues.extend(issues);
        self.doc.rules.push(rule);
    }

    fn profile_value(
        &mut self,
        name: &str,
        data: &str,
        dspan: Range<usize>,
        store: Store,
        p: Option<Profile>,
    ) {
        let which = name.to_ascii_lowercase();
        if !matches!(
            which.as_str(),
            "enablefirewall"
                | "defaultinboundaction"
                | "defaultoutboundaction"
                | "allowlocalpolicymerge"
        ) {
            return;
        }
        let v = data
            .strip_prefix("dword:")
            .and_then(|h| u32::from_str_radix(h.trim(), 16).ok());
        let Some(v) = v else {
            self.issue(
                IssueLevel::Warning,
                format!("profile value `{name}` is not a dword; ignored"),
                Some("`dword:XXXXXXXX`"),
                dspan,
            );
            return;
        };
        let cfg = match (store, p) {
            (Store::Gpo, None) => &mut self.gpo_standard,
            (s, p) => self
                .doc
                .profiles
                .store_mut(s)
                .get_mut(p.unwrap_or(Profile::Private)),
        };
        set_profile_value(cfg, &which, v, dspan);
    }

    fn finish(mut self) -> RegDoc {
        let std = std::mem::take(&mut self.gpo_standard);
        if std != ProfileConfig::default() {
            if self.gpo_split {
                let span = [
                    std.enable_firewall.as_ref().map(|s| s.span.clone()),
                    std.default_inbound.as_ref().map(|s| s.span.clone()),
                    std.default_outbound.as_ref().map(|s| s.span.clone()),
                    std.allow_local_policy_merge
                        .as_ref()
                        .map(|s| s.span.clone()),
                ]
                .into_iter()
                .flatten()
                .next()
                .unwrap_or(0..0);
                self.issue(
                    IssueLevel::Note,
                    "Group Policy StandardProfile is ignored: PrivateProfile/PublicProfile keys exist ([MS-GPFAS] 2.2.3)".into(),
                    None,
                    span,
                );
            } else {
                for p in [Profile::Private, Profile::Public] {
                    let cfg = self.doc.profiles.gpo.get_mut(p);
                    merge_config(cfg, &std);
                }
            }
        }
        self.doc
    }
}

/// Set one of the four modelled profile values from its dword.
pub fn set_profile_value(cfg: &mut ProfileConfig, lower_name: &str, v: u32, span: Range<usize>) {
    let verdict = if v == 0 {
        WinVerdict::Allow
    } else {
        WinVerdict::Block
    };
    match lower_name {
        "enablefirewall" => cfg.enable_firewall = Some(Spanned::new(v != 0, span)),
        "defaultinboundaction" => cfg.default_inbound = Some(Spanned::new(verdict, span)),
        "defaultoutboundaction" => cfg.default_outbound = Some(Spanned::new(verdict, span)),
        "allowlocalpolicymerge" => cfg.allow_local_policy_merge = Some(Spanned::new(v != 0, span)),
        _ => {}
    }
}

fn merge_config(into: &mut ProfileConfig, from: &ProfileConfig) {
    if into.enable_firewall.is_none() {
        into.enable_firewall = from.enable_firewall.clone();
    }
    if into.default_inbound.is_none() {
        into.default_inbound = from.default_inbound.clone();
    }
    if into.default_outbound.is_none() {
        into.default_outbound = from.default_outbound.clone();
    }
    if into.allow_local_policy_merge.is_none() {
        into.allow_local_policy_merge = from.allow_local_policy_merge.clone();
    }
}

/// Length of a `.reg`-escaped string up to (not including) its closing quote;
/// `s` starts just after the opening quote.
fn quoted(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

fn clip(s: &str) -> String {
    if s.chars().count() > 60 {
        let t: String = s.chars().take(57).collect();
        format!("{t}...")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_values_and_profiles() {
        let t = "Windows Registry Editor Version 5.00\r\n\r\n\
[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules]\r\n\
\"{A}\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=22|App=C:\\\\x \\\"y\\\".exe|Name=SSH|\"\r\n\
\"Bogus\"=dword:00000001\r\n\
[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\StandardProfile]\r\n\
\"EnableFirewall\"=dword:00000000\r\n\
\"Other\"=hex:01,02,\\\r\n  03,04\r\n\
[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\FirewallRules]\r\n\
\"G\"=\"v2.30|Action=Block|Active=TRUE|Dir=Out|\"\r\n";
        let d = read(t);
        assert_eq!(d.rules.len(), 2);
        // A concatenation of two exports: the second BOM and header are skipped.
        let twice = format!("{t}\u{feff}{t}");
        assert_eq!(read(&twice).rules.len(), 4);
        assert_eq!(read(&twice).issues.len(), 2);
        assert_eq!(d.rules[0].app.as_ref().unwrap().value, "C:\\x \"y\".exe");
        assert_eq!(&t[d.rules[0].id.as_ref().unwrap().span.clone()], "{A}");
        assert_eq!(d.rules[1].store, Store::Gpo);
        assert_eq!(d.issues.len(), 1, "{:?}", d.issues);
        assert_eq!(&t[d.issues[0].span.clone()], "dword:00000001");
        assert!(!d.profiles.enabled(Profile::Public).0);
        assert!(d.profiles.enabled(Profile::Domain).0);
        assert_eq!(&t[d.rules[0].lports[0].span.clone()], "22");
    }
}

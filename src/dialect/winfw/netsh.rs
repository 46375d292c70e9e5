//! The `winfw-netsh` dialect: netsh scripts (`netsh advfirewall firewall add rule
//! ...` lines, also inside `.bat`/`.cmd` files and in netsh's interactive
//! context form) and `netsh advfirewall firewall show rule name=all verbose`
//! output (see [`super::netsh_show`]).
//!
//! Scripts are executed in order as netsh would: `add rule` appends a rule,
//! `set rule ... new ...` changes every rule with that name matching the given
//! filters, `delete rule` removes them, and `netsh advfirewall set
//! <profile> state|firewallpolicy` (and `reg add` of the firewall policy
//! values) changes profile settings. Productions are in
//! `grammars/winfw-netsh.ebnf`.

use super::ast::{ProfileSettings, Spanned, Store, WinDir, WinVerdict};
use super::lower::lower;
use super::netsh_lex::{classify, logical_lines, tokens, LineKind, LogicalLine, Token, Vars};
use super::netsh_rule::{expand_unknowns, to_win_rule, Arg, ArgRule, Issues};
use crate::model::{DanglingRef, IssueLevel, NamedObject, RuleSet, SourceFile};
use crate::read::{Input, LoadError};
use std::ops::Range;
use std::sync::Arc;

/// Read a netsh script or `show rule` output.
pub fn load(input: &Input) -> Result<RuleSet, LoadError> {
    let file = input.text()?;
    Ok(load_text(&file))
}

/// Read already-decoded text.
pub fn load_text(file: &Arc<SourceFile>) -> RuleSet {
    if super::netsh_show::looks_like_show_output(&file.text) {
        return super::netsh_show::load_text(file);
    }
    let mut issues = Issues::new(file);
    let script = run_script(file, &mut issues);
    let objects: Vec<NamedObject> = script
        .vars
        .iter()
        .map(|(name, span)| NamedObject {
            kind: "variable".into(),
            name: format!("%{name}%"),
            origin: file.origin(span.clone()),
            // Uses of the name (a redefined name shares its count).
            uses: script.var_uses.get(name).copied().unwrap_or(0),
        })
        .collect();
    let mut rs = finish(
        file,
        script.rules,
        &script.profiles,
        issues,
        script.dangling,
        "winfw-netsh",
    );
    rs.objects.extend(objects);
    rs
}

/// Convert argument rules, lower them, and attach the issues.
pub(crate) fn finish(
    file: &Arc<SourceFile>,
    rules: Vec<ArgRule>,
    profiles: &ProfileSettings,
    mut issues: Issues,
    dangling: Vec<DanglingRef>,
    dialect: &str,
) -> RuleSet {
    let rules = expand_unknowns(rules);
    let wins: Vec<_> = rules.iter().map(|r| to_win_rule(r, &mut issues)).collect();
    let mut rs = lower(&wins, profiles, file, dialect);
    // Notes from `set rule` and friends go onto the lowered rules (same origin).
    for f in &mut rs.filters {
        if let crate::model::FilterBody::FirstMatch(fm) = &mut f.body {
            for rule in &mut fm.rules {
                if let Some(ar) = rules.iter().find(|r| r.span == rule.origin.span) {
                    for n in &ar.notes {
                        if !rule.notes.contains(n) {
                            rule.notes.push(n.clone());
                        }
                    }
                }
            }
        }
    }
    issues.list.append(&mut rs.issues);
    rs.issues = issues.list;
    rs.dangling.extend(dangling);
    rs
}

/// The state of a script after running it.
#[derive(Default)]
pub struct Script {
    pub rules: Vec<ArgRule>,
    pub profiles: ProfileSettings,
    pub dangling: Vec<DanglingRef>,
    /// `set` variables: (name, span of the `set` line).
    pub vars: Vec<(String, Range<usize>)>,
    /// Uses of each variable name.
    pub var_uses: std::collections::HashMap<String, usize>,
}

/// Run every logical line of a script.
pub fn run_script(file: &Arc<SourceFile>, issues: &mut Issues) -> Script {
    let mut st = Script::default();
    let mut vars = Vars::default();
    // Depth of `IF ... (` / `FOR ... (` blocks and where the outermost opened.
    let mut block: Vec<Range<usize>> = Vec::new();
    let mut skipped_in_block = 0usize;
    for line in logical_lines(&file.text) {
        let kind = classify(&line.text);
        let t = line.text.trim();
        if !block.is_empty() {
            if t.starts_with(')') {
                let open = block.pop().unwrap_or(line.span.clone());
                if block.is_empty() && skipped_in_block > 0 {
                    issues.warn(
                        open,
                        format!(
                            "conditional/loop block not modelled: its {skipped_in_block} command(s) are not applied"
                        ),
                    );
                    skipped_in_block = 0;
                }
                continue;
            }
            if opens_block(t) {
                block.push(line.span.clone());
            }
            if kind == LineKind::Command {
                skipped_in_block += 1;
            }
            continue;
        }
        match kind {
            LineKind::Blank | LineKind::Housekeeping => {}
            LineKind::Set { name, value } => {
                let v = vars.expand(&value).text;
                vars.values.insert(name.clone(), v);
                st.vars.push((name, line.span.clone()));
            }
            LineKind::Command => {
                if opens_block(t) {
                    block.push(line.span.clone());
                    continue;
                }
                command(&line, &vars, &mut st, issues);
            }
        }
    }
    st.var_uses = vars.uses.take();
    if let Some(open) = block.first() {
        issues.error(
            open.clone(),
            "unterminated block: no closing `)`",
            "`)` closing the block",
        );
    }
    st
}

fn opens_block(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    (l.starts_with("if ") || l.starts_with("for ") || l.starts_with("else") || l.starts_with('('))
        && t.ends_with('(')
}

/// An argument as read: key, value, source span of the value, opaque reason.
struct RawArg {
    key: String,
    value: String,
    span: Range<usize>,
    opaque: Option<String>,
}

fn raw_args(line: &LogicalLine, toks: &[Token], vars: &Vars, issues: &mut Issues) -> Vec<RawArg> {
    let mut out = Vec::new();
    for t in toks {
        let src = line.src(t.range.clone());
        match t.key_value() {
            Some((k, v)) => {
                let eq = t.raw.find('=').unwrap_or(0) + 1;
                let vsrc = line.src(t.range.start + eq..t.range.end);
                let e = vars.expand(&v);
                let opaque = if e.unresolved.is_empty() {
                    None
                } else {
                    Some(format!(
                        "an undefined batch variable ({})",
                        e.unresolved.join(", ")
                    ))
                };
                let vsrc = trim_quotes(&issues.file.text, vsrc);
                if let Some(why) = &opaque {
                    issues.warn(
                        vsrc.clone(),
                        format!(
                            "`{k}` uses {why}: its value is unknown, so this condition is opaque"
                        ),
                    );
                }
                out.push(RawArg {
                    key: k,
                    value: e.text,
                    span: vsrc,
                    opaque,
                });
            }
            None => issues.error(
                src,
                format!("`{}` is not a `key=value` argument", t.raw),
                "key=value",
            ),
        }
    }
    out
}

fn trim_quotes(text: &str, r: Range<usize>) -> Range<usize> {
    let s = text.get(r.clone()).unwrap_or("");
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        r.start + 1..r.end - 1
    } else {
        r
    }
}

fn word_is(t: Option<&Token>, w: &str) -> bool {
    t.is_some_and(|t| t.unquoted().eq_ignore_ascii_case(w))
}

/// command = ["netsh"] netsh-command / reg-add / other
fn command(line: &LogicalLine, vars: &Vars, st: &mut Script, issues: &mut Issues) {
    let text = line.text.trim_start().trim_start_matches('@');
    let off = line.text.len() - text.len();
    let toks: Vec<Token> = tokens(text)
        .into_iter()
        .map(|t| Token {
            raw: t.raw,
            range: t.range.start + off..t.range.end + off,
        })
        .collect();
    let mut i = 0;
    let first = toks
        .first()
        .map(|t| t.unquoted().to_ascii_lowercase())
        .unwrap_or_default();
    let first = first
        .trim_end_matches(".exe")
        .rsplit(['\\', '/'])
        .next()
        .unwrap_or("")
        .to_string();
    if first == "netsh" {
        i = 1;
        // `netsh -r host -u user -p pw advfirewall ...` targets another machine.
        if toks.get(1).is_some_and(|t| t.raw.starts_with('-')) {
            issues.warn(
                line.span.clone(),
                "netsh remote-machine options (-r/-u/-p) are not modelled; command not applied",
            );
            return;
        }
    } else if first == "reg" {
        reg_add(line, &toks, st, issues);
        return;
    } else if first == "if" {
        if line.text.to_ascii_lowercase().contains("advfirewall") {
            issues.warn(
                line.span.clone(),
                "conditional command (IF) not modelled: the firewall command in it is not applied",
            );
        }
        return;
    } else if first != "advfirewall" && first != "firewall" {
        // Only commands that clearly cannot touch the firewall pass silently.
        if !matches!(
            first.as_str(),
            "cd" | "chdir"
                | "shift"
                | "ver"
                | "date"
                | "time"
                | "type"
                | "dir"
                | "whoami"
                | "hostname"
                | "ipconfig"
                | "ping"
        ) {
            issues.warn(
                line.span.clone(),
                format!("command `{first}` is not modelled (it may change the firewall)"),
            );
        }
        return;
    }
    if !word_is(toks.get(i), "advfirewall") {
        let what = toks.get(i).map(|t| t.raw).unwrap_or("");
        if what.eq_ignore_ascii_case("firewall") {
            issues.warn(
                line.span.clone(),
                "legacy `netsh firewall` commands are not modelled (deprecated since Windows Vista; use `netsh advfirewall firewall`)",
            );
        } else if firewall_related(&line.text) || what.is_empty() {
            issues.warn(
                line.span.clone(),
                format!("netsh context `{what}` is not modelled"),
            );
        } else {
            issues.push(
                IssueLevel::Note,
                line.span.clone(),
                format!("netsh context `{what}` does not change the firewall; skipped"),
            );
        }
        return;
    }
    i += 1;
    if word_is(toks.get(i), "firewall") {
        i += 1;
        let verb = toks
            .get(i)
            .map(|t| t.unquoted().to_ascii_lowercase())
            .unwrap_or_default();
        if !word_is(toks.get(i + 1), "rule") {
            issues.error(
                line.span.clone(),
                format!("expected `{verb} rule` after `advfirewall firewall`"),
                "add rule, set rule, delete rule, show rule",
            );
            return;
        }
        let args = raw_args(line, &toks[(i + 2).min(toks.len())..], vars, issues);
        match verb.as_str() {
            "add" => add_rule(line, args, st, issues),
            "set" => set_rule(line, args, st, issues),
            "delete" => delete_rule(line, args, st, issues),
            "show" => {}
            _ => issues.error(
                line.span.clone(),
                format!("unknown verb `{verb}`"),
                "add, set, delete, show",
            ),
        }
        return;
    }
    advfirewall_command(line, &toks[i..], st, issues);
}

fn firewall_related(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    [
        "firewall",
        "netsh",
        "new-netfirewallrule",
        "set-netfirewall",
        "mpssvc",
        "sharedaccess",
        "wf.msc",
    ]
    .iter()
    .any(|w| l.contains(w))
}

/// add-rule = "add" "rule" 1*(SP key "=" value)
fn add_rule(line: &LogicalLine, args: Vec<RawArg>, st: &mut Script, issues: &mut Issues) {
    let mut r = ArgRule {
        args: Vec::new(),
        span: line.span.clone(),
        notes: Vec::new(),
    };
    for a in args {
        let key = canonical_key(&a.key);
        r.args.push(Arg {
            key,
            value: a.value,
            span: a.span,
            opaque: a.opaque,
        });
    }
    let missing: Vec<&str> = ["name", "dir", "action"]
        .into_iter()
        .filter(|k| r.get(k).is_none())
        .collect();
    if !missing.is_empty() {
        issues.error(
            line.span.clone(),
            format!(
                "`add rule` without {}: netsh rejects it, so no rule is added",
                missing.join(", ")
            ),
            "name=, dir=, action=",
        );
        return;
    }
    if r.get("name")
        .is_some_and(|a| a.value.eq_ignore_ascii_case("all"))
    {
        issues.error(
            line.span.clone(),
            "`name=all` is reserved by netsh; no rule is added",
            "another rule name",
        );
        return;
    }
    r.default("enable", "yes");
    st.rules.push(r);
}

/// netsh's own abbreviations of parameter names.
fn canonical_key(k: &str) -> String {
    match k {
        "desc" => "description".into(),
        "enabled" => "enable".into(),
        "direction" => "dir".into(),
        "grouping" => "group".into(),
        "localaddress" => "localip".into(),
        "remoteaddress" => "remoteip".into(),
        "interface" | "interfacetypes" => "interfacetype".into(),
        _ => k.to_string(),
    }
}

/// Filters of `set rule` / `delete rule`: every given key must match.
fn selects(rule: &ArgRule, filters: &[RawArg]) -> bool {
    filters.iter().all(|f| {
        let key = canonical_key(&f.key);
        match key.as_str() {
            "name" => {
                f.value.eq_ignore_ascii_case("all")
                    || rule.get("name").is_some_and(|a| a.value == f.value)
            }
            "group" => rule.get("group").is_some_and(|a| a.value == f.value),
            _ => {
                let have = rule
                    .get(&key)
                    .map(|a| norm(&a.value))
                    .unwrap_or_else(|| "any".into());
                let want = norm(&f.value);
                match key.as_str() {
                    // A rule in several profiles is selected by any of them.
                    "profile" => {
                        have == "any"
                            || want == "any"
                            || want.split(',').all(|w| have.split(',').any(|h| h == w))
                    }
                    _ => have == want,
                }
            }
        }
    })
}

fn norm(v: &str) -> String {
    v.trim().to_ascii_lowercase().replace(' ', "")
}

/// set-rule = "set" "rule" 1*(SP filter) SP "new" 1*(SP key "=" value)
fn set_rule(line: &LogicalLine, args: Vec<RawArg>, st: &mut Script, issues: &mut Issues) {
    // The `new` keyword is a bare token; raw_args reported it as not key=value.
    // Recover it: find `new` in the line text.
    let lower = line.text.to_ascii_lowercase();
    let new_at = find_word(&lower, "new");
    let Some(new_at) = new_at else {
        issues.error(
            line.span.clone(),
            "`set rule` without `new`",
            "new key=value ...",
        );
        return;
    };
    let new_src = line.src(new_at..new_at + 3).start;
    let (filters, changes): (Vec<RawArg>, Vec<RawArg>) =
        args.into_iter().partition(|a| a.span.start < new_src);
    // Drop the error raw_args reported for the bare `new` token.
    issues
        .list
        .retain(|i| !(i.origin.span.start == new_src && i.level == IssueLevel::Error));
    if !filters.iter().any(|f| f.key == "name" || f.key == "group") {
        issues.error(
            line.span.clone(),
            "`set rule` without name= or group=",
            "name=RULE",
        );
        return;
    }
    if changes.is_empty() {
        issues.error(
            line.span.clone(),
            "`set rule ... new` without changes",
            "new key=value ...",
        );
        return;
    }
    let (l, _) = issues.file.line_col(line.span.start);
    let mut n = 0;
    for r in st.rules.iter_mut().filter(|r| selects(r, &filters)) {
        n += 1;
        for c in &changes {
            r.set(Arg {
                key: canonical_key(&c.key),
                value: c.value.clone(),
                span: c.span.clone(),
                opaque: c.opaque.clone(),
            });
        }
        let note = format!("changed by `set rule` at line {l}");
        if !r.notes.contains(&note) {
            r.notes.push(note);
        }
    }
    if n == 0 {
        no_such_rule(line, &filters, st, issues, "set rule");
    }
}

fn find_word(lower: &str, w: &str) -> Option<usize> {
    let b = lower.as_bytes();
    let mut inq = false;
    for (i, &c) in b.iter().enumerate() {
        if c == b'"' {
            inq = !inq;
        }
        if !inq
            && b[i..].starts_with(w.as_bytes())
            && (i == 0 || b[i - 1].is_ascii_whitespace())
            && b.get(i + w.len()).is_none_or(|c| c.is_ascii_whitespace())
        {
            return Some(i);
        }
    }
    None
}

/// delete-rule = "delete" "rule" 1*(SP filter)
fn delete_rule(line: &LogicalLine, args: Vec<RawArg>, st: &mut Script, issues: &mut Issues) {
    if !args.iter().any(|f| f.key == "name") {
        issues.error(
            line.span.clone(),
            "`delete rule` without name=",
            "name=RULE",
        );
        return;
    }
    let before = st.rules.len();
    st.rules.retain(|r| !selects(r, &args));
    if st.rules.len() == before {
        no_such_rule(line, &args, st, issues, "delete rule");
    }
}

fn no_such_rule(
    line: &LogicalLine,
    filters: &[RawArg],
    st: &mut Script,
    issues: &mut Issues,
    verb: &str,
) {
    let name = filters
        .iter()
        .find(|f| f.key == "name" || f.key == "group")
        .map(|f| f.value.clone())
        .unwrap_or_default();
    let origin = issues.file.origin(line.span.clone());
    st.dangling.push(DanglingRef {
        kind: "rule".into(),
        name: name.clone(),
        origin,
    });
    issues.push(
        IssueLevel::Note,
        line.span.clone(),
        format!(
            "`{verb}` names \"{name}\", which this script does not add (a rule already on the host, such as a built-in rule): its effect is not modelled"
        ),
    );
}

/// advfirewall-set = "set" profile-sel ("state" on-off / "firewallpolicy" in-pol "," out-pol / other)
fn advfirewall_command(line: &LogicalLine, toks: &[Token], st: &mut Script, issues: &mut Issues) {
    let w = |i: usize| {
        toks.get(i)
            .map(|t| t.unquoted().to_ascii_lowercase())
            .unwrap_or_default()
    };
    match w(0).as_str() {
        "set" => {}
        "reset" => {
            issues.warn(
                line.span.clone(),
                "`advfirewall reset` restores the host's default rules, which are not known here: earlier rules are dropped",
            );
            st.rules.clear();
            st.profiles = ProfileSettings::default();
            return;
        }
        "import" => {
            issues.warn(
                line.span.clone(),
                "`advfirewall import` of a policy file is not modelled",
            );
            return;
        }
        "export" | "show" | "dump" | "monitor" | "consec" | "mainmode" | "help" | "?" => {
            return;
        }
        other => {
            issues.warn(
                line.span.clone(),
                format!("`advfirewall {other}` is not modelled"),
            );
            return;
        }
    }
    let profiles: Vec<super::ast::Profile> = match w(1).as_str() {
        "allprofiles" => super::ast::Profile::ALL.to_vec(),
        "domainprofile" => vec![super::ast::Profile::Domain],
        "privateprofile" => vec![super::ast::Profile::Private],
        "publicprofile" => vec![super::ast::Profile::Public],
        "currentprofile" => {
            issues.warn(
                line.span.clone(),
                "`currentprofile` depends on the host's active network; setting not applied",
            );
            return;
        }
        "global" | "file" => return,
        other => {
            issues.error(
                line.span.clone(),
                format!("unknown profile `{other}`"),
                "allprofiles, domainprofile, privateprofile, publicprofile, currentprofile",
            );
            return;
        }
    };
    let Some(vt) = toks.get(3) else {
        issues.error(
            line.span.clone(),
            "missing value",
            "a setting and its value",
        );
        return;
    };
    let vspan = line.src(vt.range.clone());
    let val = vt.unquoted().to_ascii_lowercase();
    match w(2).as_str() {
        "state" => {
            let on = match val.as_str() {
                "on" => true,
                "off" => false,
                "notconfigured" => return,
                _ => {
                    issues.error(
                        vspan,
                        format!("bad state `{val}`"),
                        "on, off, notconfigured",
                    );
                    return;
                }
            };
            for p in &profiles {
                st.profiles.local.get_mut(*p).enable_firewall =
                    Some(Spanned::new(on, line.span.clone()));
            }
        }
        "firewallpolicy" => {
            let (inp, outp) = val.split_once(',').unwrap_or((val.as_str(), ""));
            let verdict = |s: &str| match s {
                "blockinbound" | "blockinboundalways" | "blockoutbound" => Some(WinVerdict::Block),
                "allowinbound" | "allowoutbound" => Some(WinVerdict::Allow),
                _ => None,
            };
            match (verdict(inp), verdict(outp)) {
                (Some(i), Some(o)) => {
                    if inp == "blockinboundalways" {
                        issues.warn(
                            vspan.clone(),
                            "`blockinboundalways` blocks inbound traffic even when rules allow it; modelled as blockinbound",
                        );
                    }
                    for p in &profiles {
                        let c = st.profiles.local.get_mut(*p);
                        c.default_inbound = Some(Spanned::new(i, line.span.clone()));
                        c.default_outbound = Some(Spanned::new(o, line.span.clone()));
                    }
                }
                _ => issues.error(
                    vspan,
                    format!("bad firewall policy `{val}`"),
                    "blockinbound|blockinboundalways|allowinbound,allowoutbound|blockoutbound",
                ),
            }
        }
        "logging" | "settings" => issues.push(
            IssueLevel::Note,
            line.span.clone(),
            format!("profile {} does not change verdicts; not modelled", w(2)),
        ),
        other => issues.warn(
            line.span.clone(),
            format!("profile setting `{other}` is not modelled"),
        ),
    }
}

/// reg-add = "reg" "add" key "/v" name ["/t" type] "/d" data ["/f"]: the
/// firewall policy values (`EnableFirewall`, `DefaultInboundAction`,
/// `DefaultOutboundAction`, `AllowLocalPolicyMerge`) become profile settings.
fn reg_add(line: &LogicalLine, toks: &[Token], st: &mut Script, issues: &mut Issues) {
    let lower = line.text.to_ascii_lowercase();
    if !word_is(toks.get(1), "add") || !lower.contains("firewall") {
        if firewall_related(&line.text) {
            issues.warn(line.span.clone(), "`reg` command not modelled");
        }
        return;
    }
    let key = toks
        .get(2)
        .map(|t| t.unquoted().to_ascii_lowercase())
        .unwrap_or_default();
    let opt = |name: &str| {
        toks.iter()
            .position(|t| t.raw.eq_ignore_ascii_case(name))
            .and_then(|i| toks.get(i + 1))
    };
    let (Some(v), Some(d)) = (opt("/v"), opt("/d")) else {
        issues.warn(
            line.span.clone(),
            "`reg add` without /v and /d not modelled",
        );
        return;
    };
    let profile = if key.ends_with("domainprofile") {
        super::ast::Profile::Domain
    } else if key.ends_with("privateprofile") {
        super::ast::Profile::Private
    } else if key.ends_with("publicprofile") || key.ends_with("standardprofile") {
        super::ast::Profile::Public
    } else {
        issues.push(
            IssueLevel::Note,
            line.span.clone(),
            "registry value outside the firewall profile keys; not modelled",
        );
        return;
    };
    let store = if key.contains("\\policies\\") {
        Store::Gpo
    } else {
        Store::Local
    };
    let data = d.unquoted();
    let num = data
        .strip_prefix("0x")
        .map(|h| u32::from_str_radix(h, 16).ok())
        .unwrap_or_else(|| data.parse::<u32>().ok());
    let name = v.unquoted().to_ascii_lowercase();
    let sp = line.span.clone();
    let Some(num) = num else {
        issues.warn(
            sp,
            format!("`{}` data `{data}` is not a number", v.unquoted()),
        );
        return;
    };
    let c = st.profiles.store_mut(store).get_mut(profile);
    let verdict = if num == 0 {
        WinVerdict::Allow
    } else {
        WinVerdict::Block
    };
    match name.as_str() {
        "enablefirewall" => c.enable_firewall = Some(Spanned::new(num != 0, sp)),
        "defaultinboundaction" => c.default_inbound = Some(Spanned::new(verdict, sp)),
        "defaultoutboundaction" => c.default_outbound = Some(Spanned::new(verdict, sp)),
        "allowlocalpolicymerge" => c.allow_local_policy_merge = Some(Spanned::new(num != 0, sp)),
        _ => issues.push(
            IssueLevel::Note,
            sp,
            format!(
                "profile value `{}` does not change verdicts; not modelled",
                v.unquoted()
            ),
        ),
    }
    let _ = WinDir::In;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(src: &str) -> (Script, Vec<crate::model::ParseIssue>) {
        let f = SourceFile::new("t.bat", src);
        let mut is = Issues::new(&f);
        let s = run_script(&f, &mut is);
        (s, is.list)
    }

    #[test]
    fn set_and_delete_apply_in_order() {
        let (s, issues) = run(
            "netsh advfirewall firewall add rule name=A dir=in action=allow protocol=tcp localport=80\n\
             netsh advfirewall firewall add rule name=A dir=out action=allow\n\
             netsh advfirewall firewall set rule name=A dir=in new enable=no\n\
             netsh advfirewall firewall add rule name=B dir=in action=block\n\
             netsh advfirewall firewall delete rule name=B\n",
        );
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(s.rules.len(), 2);
        assert_eq!(s.rules[0].get("enable").unwrap().value, "no");
        assert_eq!(s.rules[1].get("enable").unwrap().value, "yes");
    }

    #[test]
    fn batch_housekeeping_and_blocks() {
        let (s, issues) = run(
            "@echo off\r\nREM x\r\n:: y\r\nset P=445\r\nnetsh advfirewall firewall add rule ^\r\n name=\"S M B\" dir=in action=allow protocol=tcp localport=%P%\r\n\
             IF /I \"%1\"==\"-x\" (\r\nnetsh advfirewall firewall delete rule name=\"S M B\"\r\n)\r\npause\r\n",
        );
        assert_eq!(s.rules.len(), 1);
        assert_eq!(s.rules[0].get("localport").unwrap().value, "445");
        assert_eq!(s.rules[0].get("name").unwrap().value, "S M B");
        assert_eq!(s.vars.len(), 1);
        assert_eq!(s.var_uses.get("p"), Some(&1));
        assert_eq!(issues.len(), 1);
        assert!(issues[0].message.contains("block not modelled"));
    }
}

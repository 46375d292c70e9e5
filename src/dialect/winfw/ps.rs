//! The `winfw-ps` dialect: PowerShell `New-NetFirewallRule` scripts, and the
//! JSON / CSV exports of `Get-NetFirewallRule` joined with its filters (see
//! [`super::ps_export`] and `docs/windows-export-scripts.md`).
//!
//! Scripts are read statement by statement: simple assignments (`$x = "..."`,
//! arrays, `@{...}` hashtables) are remembered and resolved in later commands;
//! `New-NetFirewallRule` commands become rules (with splats `@params` expanded
//! when the hashtable is known); anything computed at run time stays opaque,
//! with one warning per unresolved variable. Productions:
//!
//! ```text
//! script     = *( statement ( NEWLINE / ";" / "{" / "}" ) )
//! statement  = assignment / pipeline
//! assignment = variable [ "[" ... "]" ] "=" expr
//! pipeline   = command *( "|" command )
//! command    = word *( param [ expr ] / splat / expr )
//! expr       = primary *( "," primary )
//! primary    = string / variable / word / "@(" *expr ")" / "@{" *(key "=" expr) "}" / "(" ... ")"
//! ```

use super::netsh::finish;
use super::netsh_rule::{Arg, ArgRule, Issues};
use super::ps_lex::{tokenize, Tok, Token};
use crate::model::{IssueLevel, NamedObject, RuleSet, SourceFile};
use crate::read::{Input, LoadError};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

/// Read a PowerShell script or export.
pub fn load(input: &Input) -> Result<RuleSet, LoadError> {
    let file = input.text()?;
    let t = file.text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('[') || t.starts_with('{') {
        return Ok(super::ps_export::load_json(&file));
    }
    let ext = input
        .path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext == "csv" || super::ps_export::looks_like_csv(t) {
        return Ok(super::ps_export::load_csv(&file));
    }
    Ok(load_script(&file))
}

/// A PowerShell value as far as the script states it.
#[derive(Clone, Debug)]
pub enum Val {
    Str(String),
    List(Vec<Val>),
    Hash(Vec<(String, Val, Range<usize>)>),
    /// Not known statically: why.
    Unknown(String),
}

impl Val {
    /// The value as netsh-style text (`a,b,c`), or why it is unknown.
    fn text(&self) -> Result<String, String> {
        match self {
            Val::Str(s) => Ok(s.clone()),
            Val::List(v) => {
                let parts: Result<Vec<String>, String> = v.iter().map(Val::text).collect();
                Ok(parts?.join(","))
            }
            Val::Hash(_) => Err("a hashtable".into()),
            Val::Unknown(w) => Err(w.clone()),
        }
    }
}

struct Ctx<'a> {
    toks: &'a [Token],
    vars: HashMap<String, Val>,
    warned: HashSet<String>,
    /// Unresolved variable → (first use span, use count).
    unresolved: HashMap<String, (Range<usize>, usize)>,
    /// Nesting depth of `@(...)` / `@{...}` being read (bounded).
    depth: usize,
    /// Assigned variables, for hygiene: name → (assignment span, uses).
    defs: Vec<(String, Range<usize>, usize)>,
}

/// Values with more parts than this are not kept.
const MAX_NODES: usize = 4096;

/// Number of parts and characters of a value, counting stops past the limit.
fn weight(v: &Val, acc: usize) -> usize {
    if acc > MAX_NODES {
        return acc;
    }
    match v {
        Val::Str(s) => acc + 1 + s.len() / 64,
        Val::Unknown(_) => acc + 1,
        Val::List(vs) => vs.iter().fold(acc + 1, |a, v| weight(v, a)),
        Val::Hash(es) => es.iter().fold(acc + 1, |a, (_, v, _)| weight(v, a)),
    }
}

/// Deeper nesting than this is not read (the value becomes unknown).
const MAX_DEPTH: usize = 64;
/// Longer expanded strings are not kept (the value becomes unknown).
const MAX_VALUE: usize = 1 << 16;

/// Read a `New-NetFirewallRule` script.
pub fn load_script(file: &Arc<SourceFile>) -> RuleSet {
    let toks = tokenize(&file.text);
    let mut issues = Issues::new(file);
    let mut cx = Ctx {
        toks: &toks,
        vars: HashMap::new(),
        warned: HashSet::new(),
        unresolved: HashMap::new(),
        depth: 0,
        defs: Vec::new(),
    };
    let mut rules = Vec::new();
    let mut i = 0;
    let mut brace_depth = 0usize;
    let mut in_block_rules = 0usize;
    let mut first_block_rule: Option<Range<usize>> = None;
    while i < toks.len() {
        match &toks[i].tok {
            Tok::Newline | Tok::Punct(";") => {
                i += 1;
                continue;
            }
            Tok::Punct("{") => {
                brace_depth += 1;
                i += 1;
                continue;
            }
            Tok::Punct("}") => {
                brace_depth = brace_depth.saturating_sub(1);
                i += 1;
                continue;
            }
            _ => {}
        }
        let end = statement_end(&toks, i);
        let before = rules.len();
        statement(&mut cx, i, end, &mut rules, &mut issues);
        if brace_depth > 0 && rules.len() > before {
            in_block_rules += rules.len() - before;
            first_block_rule.get_or_insert(toks[i].span.clone());
        }
        i = end.max(i + 1);
    }
    if let Some(sp) = first_block_rule {
        issues.push(
            IssueLevel::Note,
            sp,
            format!(
                "{in_block_rules} rule(s) are inside script blocks (if/foreach/function bodies); they are read as if the blocks run"
            ),
        );
    }
    let mut unresolved: Vec<_> = cx.unresolved.into_iter().collect();
    unresolved.sort_by_key(|(_, (sp, _))| sp.start);
    for (name, (sp, n)) in unresolved {
        issues.warn(
            sp,
            format!(
                "variable ${name} is not assigned a literal value in this script (dot-sourced, imported or computed at run time): {n} use(s) in rules are opaque"
            ),
        );
    }
    let mut rs = finish(
        file,
        rules,
        &Default::default(),
        issues,
        Vec::new(),
        "winfw-ps",
    );
    rs.objects
        .extend(cx.defs.into_iter().map(|(name, span, uses)| NamedObject {
            kind: "variable".into(),
            name: format!("${name}"),
            origin: file.origin(span),
            uses,
        }));
    rs
}

/// The token index ending the statement starting at `i`: a newline, `;`, `{`
/// or `}` outside `(...)`, `@(...)`, `@{...}` and `[...]`.
fn statement_end(toks: &[Token], i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while j < toks.len() {
        match &toks[j].tok {
            Tok::Punct("(") | Tok::Punct("@(") | Tok::Punct("@{") | Tok::Punct("[") => depth += 1,
            Tok::Punct(")") | Tok::Punct("]") => depth = depth.saturating_sub(1),
            Tok::Punct("}") if depth > 0 => depth -= 1,
            Tok::Punct("}") | Tok::Punct("{") if depth == 0 => return j,
            Tok::Newline | Tok::Punct(";") if depth == 0 => {
                // A trailing `|` or `,` continues the statement.
                if matches!(
                    toks[..j].last().map(|t| &t.tok),
                    Some(Tok::Punct("|")) | Some(Tok::Punct(","))
                ) {
                    j += 1;
                    continue;
                }
                return j;
            }
            _ => {}
        }
        j += 1;
    }
    toks.len()
}

fn statement(cx: &mut Ctx, i: usize, end: usize, rules: &mut Vec<ArgRule>, issues: &mut Issues) {
    let toks = cx.toks;
    // assignment = variable "=" expr
    if let Tok::Var(name) = &toks[i].tok {
        if matches!(toks.get(i + 1).map(|t| &t.tok), Some(Tok::Punct("="))) && i + 2 <= end {
            let val = if i + 2 < end && is_literal_expr(&toks[i + 2..end]) {
                let (v, _) = expr(cx, i + 2, end);
                if weight(&v, 0) > MAX_NODES {
                    Val::Unknown(format!("${name} is too large to keep"))
                } else {
                    v
                }
            } else {
                Val::Unknown(format!("${name} is computed at run time"))
            };
            cx.vars.insert(name.clone(), val);
            let span = toks[i].span.start..toks[end.saturating_sub(1).max(i)].span.end;
            cx.defs.push((name.clone(), span, 0));
            return;
        }
    }
    let Tok::Word(cmd) = &toks[i].tok else {
        return;
    };
    let lc = cmd.to_ascii_lowercase();
    let span = toks[i].span.start..toks[end.saturating_sub(1).max(i)].span.end;
    match lc.as_str() {
        "new-netfirewallrule" => {
            let pipe_end = (i..end)
                .find(|&k| matches!(toks[k].tok, Tok::Punct("|")))
                .unwrap_or(end);
            let span = toks[i].span.start..toks[pipe_end.saturating_sub(1).max(i)].span.end;
            if let Some(r) = new_rule(cx, i + 1, pipe_end, span, issues) {
                rules.push(r);
            }
        }
        "set-netfirewallrule" | "remove-netfirewallrule" | "enable-netfirewallrule"
        | "disable-netfirewallrule" | "copy-netfirewallrule" | "rename-netfirewallrule" => {
            issues.warn(
                span,
                format!("`{cmd}` changes rules already on the host; not modelled"),
            );
        }
        "set-netfirewallprofile" => issues.warn(span, "`Set-NetFirewallProfile` is not modelled"),
        "netsh" | "netsh.exe" => issues.warn(
            span,
            "netsh inside a PowerShell script is not read here; read it with the winfw-netsh dialect",
        ),
        _ if lc.contains("netfirewall") => {
            issues.warn(span, format!("`{cmd}` is not modelled"));
        }
        _ => {}
    }
}

/// True when the right side of an assignment is made only of literals and
/// variables (not a command call).
fn is_literal_expr(toks: &[Token]) -> bool {
    match toks.first().map(|t| &t.tok) {
        Some(Tok::DString(_) | Tok::SString(_) | Tok::Var(_)) => true,
        Some(Tok::Punct("@(") | Tok::Punct("@{")) => true,
        Some(Tok::Word(w)) => {
            // Numbers (and number lists); a word otherwise is a command call.
            w.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == ':')
        }
        _ => false,
    }
}

/// expr = primary *("," primary). Returns the value and the next index.
fn expr(cx: &mut Ctx, i: usize, end: usize) -> (Val, usize) {
    let (first, mut j) = primary(cx, i, end);
    let mut items = vec![first];
    while j < end && matches!(cx.toks[j].tok, Tok::Punct(",")) {
        j += 1;
        while j < end && matches!(cx.toks[j].tok, Tok::Newline) {
            j += 1;
        }
        if j >= end {
            break;
        }
        let (v, k) = primary(cx, j, end);
        items.push(v);
        j = k;
    }
    if items.len() == 1 {
        (items.pop().unwrap_or(Val::Unknown("empty".into())), j)
    } else {
        (Val::List(items), j)
    }
}

/// Index just after the bracket that closes the one opened at `i`.
fn skip_group(toks: &[Token], i: usize, end: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while j < end {
        match toks[j].tok {
            Tok::Punct("(")
            | Tok::Punct("@(")
            | Tok::Punct("@{")
            | Tok::Punct("[")
            | Tok::Punct("{") => depth += 1,
            Tok::Punct(")") | Tok::Punct("]") | Tok::Punct("}") => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
        j += 1;
    }
    end
}

fn primary(cx: &mut Ctx, i: usize, end: usize) -> (Val, usize) {
    let toks = cx.toks;
    if cx.depth >= MAX_DEPTH {
        return (
            Val::Unknown("a too deeply nested value".into()),
            skip_group(toks, i, end).max(i + 1),
        );
    }
    cx.depth += 1;
    let r = primary_inner(cx, i, end);
    cx.depth -= 1;
    r
}

fn primary_inner(cx: &mut Ctx, i: usize, end: usize) -> (Val, usize) {
    let toks = cx.toks;
    let Some(t) = toks.get(i).filter(|_| i < end) else {
        return (Val::Unknown("a missing value".into()), i);
    };
    match &t.tok {
        Tok::SString(s) => (Val::Str(s.clone()), i + 1),
        Tok::DString(s) => (expand(cx, s, t.span.clone()), i + 1),
        Tok::Word(w) => (Val::Str(w.clone()), i + 1),
        Tok::Var(n) => {
            // `$x.Member` / `$x[0]`: member and index access are run-time values.
            let mut j = i + 1;
            let mut member = false;
            while let Some(next) = toks.get(j).filter(|_| j < end) {
                let adjacent = next.span.start == toks[j - 1].span.end;
                match &next.tok {
                    Tok::Word(w) if adjacent && w.starts_with('.') => j += 1,
                    Tok::Punct("[") if adjacent => j = skip_group(toks, j, end),
                    _ => break,
                }
                member = true;
            }
            if member {
                lookup(cx, n, t.span.clone());
                return (Val::Unknown(format!("a member of ${n}")), j);
            }
            let v = lookup(cx, n, t.span.clone());
            (v, i + 1)
        }
        Tok::Punct("@(") => {
            let close = skip_group(toks, i, end);
            let mut items = Vec::new();
            let mut j = i + 1;
            let inner_end = close.saturating_sub(1).max(j);
            while j < inner_end {
                match toks[j].tok {
                    Tok::Newline | Tok::Punct(",") | Tok::Punct(";") => j += 1,
                    _ => {
                        let (v, k) = expr(cx, j, inner_end);
                        match v {
                            Val::List(mut vs) => items.append(&mut vs),
                            v => items.push(v),
                        }
                        j = k.max(j + 1);
                    }
                }
            }
            (Val::List(items), close)
        }
        Tok::Punct("@{") => {
            let close = skip_group(toks, i, end);
            let inner_end = close.saturating_sub(1).max(i + 1);
            let mut entries = Vec::new();
            let mut j = i + 1;
            while j < inner_end {
                let key = match &toks[j].tok {
                    Tok::Word(w) => w.clone(),
                    Tok::SString(s) | Tok::DString(s) => s.clone(),
                    _ => {
                        j += 1;
                        continue;
                    }
                };
                let kspan = toks[j].span.clone();
                if matches!(toks.get(j + 1).map(|t| &t.tok), Some(Tok::Punct("="))) {
                    let stop = (j + 2..inner_end)
                        .find(|&k| matches!(toks[k].tok, Tok::Newline | Tok::Punct(";")))
                        .unwrap_or(inner_end);
                    let (v, k) = expr(cx, j + 2, stop);
                    let vend = toks[k.saturating_sub(1).max(j + 2).min(toks.len() - 1)]
                        .span
                        .end;
                    entries.push((key.to_ascii_lowercase(), v, kspan.start..vend));
                    j = k.max(j + 3);
                } else {
                    j += 1;
                }
            }
            (Val::Hash(entries), close)
        }
        Tok::Punct("(") | Tok::Punct("[") => {
            let close = skip_group(toks, i, end);
            // `[string]$x` casts: take the value after the cast.
            if matches!(t.tok, Tok::Punct("[")) && close < end {
                return primary(cx, close, end);
            }
            (Val::Unknown("a sub-expression".into()), close)
        }
        _ => (Val::Unknown("an unsupported expression".into()), i + 1),
    }
}

fn lookup(cx: &mut Ctx, name: &str, span: Range<usize>) -> Val {
    match name {
        "true" => return Val::Str("True".into()),
        "false" => return Val::Str("False".into()),
        "null" => return Val::Unknown("$null".into()),
        _ => {}
    }
    match cx.vars.get(name) {
        Some(v) => {
            if let Some(d) = cx.defs.iter_mut().rev().find(|d| d.0 == name) {
                d.2 += 1;
            }
            v.clone()
        }
        None => {
            let e = cx.unresolved.entry(name.to_string()).or_insert((span, 0));
            e.1 += 1;
            Val::Unknown(format!("the unresolved variable ${name}"))
        }
    }
}

/// Expand `$var`, `${var}` and `` `x `` escapes inside a double-quoted string.
fn expand(cx: &mut Ctx, s: &str, span: Range<usize>) -> Val {
    let mut out = String::new();
    let mut chars = s.char_indices().peekable();
    while let Some((k, c)) = chars.next() {
        match c {
            '`' => {
                if let Some((_, n)) = chars.next() {
                    out.push(match n {
                        'n' => '\n',
                        't' => '\t',
                        '0' => '\0',
                        other => other,
                    });
                }
            }
            '"' if s[k + 1..].starts_with('"') => {
                chars.next();
                out.push('"');
            }
            '$' => {
                let rest = &s[k + 1..];
                if rest.starts_with('(') {
                    return Val::Unknown("a string with a $(...) sub-expression".into());
                }
                let name: String = if let Some(r) = rest.strip_prefix('{') {
                    r.split('}').next().unwrap_or("").to_string()
                } else {
                    rest.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                        .collect()
                };
                if name.is_empty() {
                    out.push('$');
                    continue;
                }
                let skip = if rest.starts_with('{') {
                    name.len() + 2
                } else {
                    name.len()
                };
                for _ in 0..skip {
                    chars.next();
                }
                match lookup(cx, &super::ps_lex::var_name(&name), span.clone()).text() {
                    Ok(t) => out.push_str(&t),
                    Err(w) => return Val::Unknown(w),
                }
            }
            c => out.push(c),
        }
        if out.len() > MAX_VALUE {
            return Val::Unknown("a string too long to keep".into());
        }
    }
    Val::Str(out)
}

/// The netsh parameter name of a `New-NetFirewallRule` parameter; `None` for
/// parameters that do not describe the rule (`-PolicyStore`, `-ErrorAction`).
fn ps_key(p: &str) -> Option<&'static str> {
    Some(match p {
        "displayname" => "name",
        "name" | "id" | "instanceid" => "id",
        "direction" => "dir",
        "action" => "action",
        "protocol" => "protocol",
        "localport" => "localport",
        "remoteport" => "remoteport",
        "localaddress" => "localip",
        "remoteaddress" => "remoteip",
        "profile" => "profile",
        "enabled" => "enable",
        "program" => "program",
        "service" => "service",
        "icmptype" => "icmptype",
        "interfacetype" => "interfacetype",
        "interfacealias" => "interface",
        "edgetraversalpolicy" => "edge",
        "description" => "description",
        "group" => "group",
        "package" => "package",
        "owner" => "owner",
        "localuser" => "localuser",
        "remoteuser" => "rmtusrgrp",
        "remotemachine" => "rmtcomputergrp",
        "authentication" => "security",
        "encryption" => "encryption",
        "overrideblockrules" => "overrideblockrules",
        "looseSourcemapping" | "loosesourcemapping" => "loosesourcemapping",
        "localonlymapping" => "localonlymapping",
        "platform" => "platform",
        "dynamictarget" => "dynamictarget",
        _ => return None,
    })
}

/// Parameters that do not describe the rule itself.
fn meta_param(p: &str) -> bool {
    matches!(
        p,
        "policystore"
            | "gposession"
            | "erroraction"
            | "warningaction"
            | "whatif"
            | "confirm"
            | "cimsession"
            | "throttlelimit"
            | "asjob"
            | "verbose"
            | "debug"
            | "informationaction"
            | "outvariable"
            | "errorvariable"
            | "displaygroup"
            | "status"
    )
}

/// `New-NetFirewallRule` arguments from `i` to `end` → a rule.
fn new_rule(
    cx: &mut Ctx,
    i: usize,
    end: usize,
    span: Range<usize>,
    issues: &mut Issues,
) -> Option<ArgRule> {
    let toks = cx.toks;
    let mut r = ArgRule {
        args: Vec::new(),
        span,
        notes: Vec::new(),
    };
    let mut j = i;
    while j < end {
        let t = &toks[j];
        match &t.tok {
            Tok::Newline => j += 1,
            Tok::Param(p, colon) => {
                let has_value = *colon
                    || (j + 1 < end
                        && !matches!(
                            toks[j + 1].tok,
                            Tok::Param(..) | Tok::Newline | Tok::Splat(_)
                        ));
                let (val, vspan, next) = if has_value {
                    let (v, k) = expr(cx, j + 1, end);
                    let vs = toks[j + 1].span.start..toks[k.saturating_sub(1).max(j + 1)].span.end;
                    (v, vs, k.max(j + 2))
                } else {
                    (Val::Str("True".into()), t.span.clone(), j + 1)
                };
                push_param(&mut r, p, val, vspan, t.span.clone(), issues);
                j = next;
            }
            Tok::Splat(name) => {
                if let Some(d) = cx.defs.iter_mut().rev().find(|d| &d.0 == name) {
                    d.2 += 1;
                }
                match cx.vars.get(name).cloned() {
                    Some(Val::Hash(entries)) => {
                        for (k, v, sp) in entries {
                            push_param(&mut r, &k, v, sp.clone(), sp, issues);
                        }
                    }
                    _ => {
                        if cx.warned.insert(format!("@{name}")) {
                            issues.warn(
                                t.span.clone(),
                                format!("splatted parameters @{name} are not known in this script: the rule has an opaque condition"),
                            );
                        }
                        r.args.push(Arg {
                            key: format!("@{name}"),
                            value: format!("@{name}"),
                            span: t.span.clone(),
                            opaque: Some(format!("the unresolved splat @{name}")),
                        });
                    }
                }
                j += 1;
            }
            _ => {
                issues.error(
                    t.span.clone(),
                    "positional argument to New-NetFirewallRule is not supported",
                    "-Parameter value",
                );
                j += 1;
            }
        }
    }
    if r.get("name").is_none() {
        issues.error(
            r.span.clone(),
            "New-NetFirewallRule without -DisplayName: PowerShell rejects it, so no rule is added",
            "-DisplayName NAME",
        );
        return None;
    }
    r.default("enable", "True");
    r.default("dir", "Inbound");
    r.default("action", "Allow");
    Some(r)
}

fn push_param(
    r: &mut ArgRule,
    p: &str,
    val: Val,
    vspan: Range<usize>,
    pspan: Range<usize>,
    issues: &mut Issues,
) {
    let p = p.to_ascii_lowercase();
    if meta_param(&p) {
        return;
    }
    let Some(key) = ps_key(&p) else {
        issues.warn(
            pspan.start..vspan.end.max(pspan.end),
            format!("parameter -{p} is not modelled; the rule keeps it as an opaque condition"),
        );
        r.args.push(Arg {
            key: p.clone(),
            value: val.text().unwrap_or_default(),
            span: vspan,
            opaque: None,
        });
        return;
    };
    let vspan = trim_quote_span(issues.file, vspan);
    match val.text() {
        Ok(v) => r.args.push(Arg {
            key: key.into(),
            value: v,
            span: vspan,
            opaque: None,
        }),
        Err(why) => r.args.push(Arg {
            key: key.into(),
            value: issues
                .file
                .text
                .get(vspan.clone())
                .unwrap_or("")
                .to_string(),
            span: vspan,
            opaque: Some(why),
        }),
    }
}

fn trim_quote_span(file: &SourceFile, r: Range<usize>) -> Range<usize> {
    let s = file.text.get(r.clone()).unwrap_or("");
    if s.len() >= 2
        && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')))
    {
        r.start + 1..r.end - 1
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(src: &str) -> RuleSet {
        load_script(&SourceFile::new("t.ps1", src))
    }

    #[test]
    fn variables_arrays_and_splats_resolve() {
        let rs = rules(
            "$Ports = @(\"80\", \"443\")\n$h = @{ Protocol = 'TCP'; Direction = 'Inbound' }\n\
             New-NetFirewallRule -DisplayName \"web\" -Action Allow @h -LocalPort $Ports | Out-Null\n",
        );
        assert!(rs.issues.is_empty(), "{:?}", rs.issues);
        let f = rs.filter("in/domain").unwrap();
        assert_eq!(f.rules().count(), 1);
        // Both variables are recorded, each used once.
        let uses: Vec<(String, usize)> = rs
            .objects
            .iter()
            .map(|o| (o.name.clone(), o.uses))
            .collect();
        assert_eq!(uses, vec![("$ports".into(), 1), ("$h".into(), 1)]);
    }

    #[test]
    fn unresolved_variables_warn_once() {
        let rs = rules(
            "New-NetFirewallRule -DisplayName a -Direction $Dir -LocalPort 1\nNew-NetFirewallRule -DisplayName b -Direction $Dir -LocalPort 2\n",
        );
        let w: Vec<_> = rs
            .issues
            .iter()
            .filter(|i| i.message.contains("$dir"))
            .collect();
        assert_eq!(w.len(), 1, "{:?}", rs.issues);
        assert!(w[0].message.contains("2 use(s)"));
    }
}

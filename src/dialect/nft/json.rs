//! The `nft -j` reader: libnftables-json (`nft -j list ruleset` output, and the
//! command form `{"add": {...}}` that `nft -j -f` accepts) into the nft syntax
//! tree of [`super::ast`], with every node's [`Origin`] pointing into the JSON
//! text. The lowering is shared with the text reader.
//!
//! A small JSON scanner ([`scan`]) keeps the byte span of every value, so a rule's
//! origin is the exact span of its `{"rule": ...}` object. The walk maps the
//! schema's objects one to one onto the syntax tree; anything it does not know is
//! kept (as [`Expr::Unknown`] / [`StmtKind::Other`] / [`Command::Other`]) with a
//! warning, never dropped.

use super::ast::*;
use super::expr::{ct_field, payload_field};
use crate::model::RuleSet;
use crate::model::{Origin, SourceFile};
use crate::read::{Input, LoadError};
use std::net::IpAddr;
use std::num::NonZeroU64;
use std::ops::Range;
use std::sync::Arc;

/// Deepest nesting of JSON arrays/objects accepted.
const MAX_DEPTH: usize = 200;

/// A JSON value with the byte span it occupies in the text.
#[derive(Clone, Debug)]
pub struct JVal {
    pub kind: JKind,
    pub span: Range<usize>,
}

/// The JSON value kinds. Numbers keep their text.
#[derive(Clone, Debug)]
pub enum JKind {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<JVal>),
    Obj(Vec<(String, JVal)>),
}

impl JVal {
    fn get(&self, key: &str) -> Option<&JVal> {
        match &self.kind {
            JKind::Obj(kv) => kv.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    fn str(&self) -> Option<&str> {
        match &self.kind {
            JKind::Str(s) => Some(s),
            _ => None,
        }
    }
    fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(JVal::str)
    }
    fn u64(&self) -> Option<u64> {
        match &self.kind {
            JKind::Num(n) => n.parse().ok(),
            JKind::Str(s) => s.parse().ok(),
            _ => None,
        }
    }
    fn get_u64(&self, key: &str) -> Option<u64> {
        self.get(key).and_then(JVal::u64)
    }
    /// The single `(key, value)` of a one-key object (the schema's tagged form).
    fn tagged(&self) -> Option<(&str, &JVal)> {
        match &self.kind {
            JKind::Obj(kv) if kv.len() == 1 => Some((kv[0].0.as_str(), &kv[0].1)),
            _ => None,
        }
    }
    /// Strings of a string or an array of strings.
    fn strings(&self) -> Vec<String> {
        match &self.kind {
            JKind::Str(s) => vec![s.clone()],
            JKind::Arr(a) => a
                .iter()
                .filter_map(|v| v.str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }
}

// ------------------------------------------------------------------ scanner

/// Scan a whole JSON document. Errors carry the byte offset.
pub fn scan(text: &str) -> Result<JVal, (usize, String)> {
    let mut s = Scanner {
        b: text.as_bytes(),
        text,
        i: 0,
    };
    s.ws();
    if s.b.get(s.i) == Some(&0xEF) {
        s.i += 3; // BOM
        s.ws();
    }
    let v = s.value(0)?;
    s.ws();
    if s.i != s.b.len() {
        return Err((s.i, "unexpected text after the JSON document".into()));
    }
    Ok(v)
}

struct Scanner<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while let Some(c) = self.b.get(self.i) {
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    /// value = object | array | string | number | true | false | null
    fn value(&mut self, depth: usize) -> Result<JVal, (usize, String)> {
        if depth > MAX_DEPTH {
            return Err((
                self.i,
                format!("JSON nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        let start = self.i;
        let kind = match self.b.get(self.i) {
            None => return Err((self.i, "unexpected end of the JSON text".into())),
            Some(b'{') => {
                self.i += 1;
                let mut kv = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        if self.b.get(self.i) != Some(&b'"') {
                            return Err((self.i, "expected a quoted object key".into()));
                        }
                        let k = self.string()?;
                        self.ws();
                        if self.b.get(self.i) != Some(&b':') {
                            return Err((self.i, "expected `:` after an object key".into()));
                        }
                        self.i += 1;
                        self.ws();
                        let v = self.value(depth + 1)?;
                        kv.push((k, v));
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err((self.i, "expected `,` or `}` in an object".into())),
                        }
                    }
                }
                JKind::Obj(kv)
            }
            Some(b'[') => {
                self.i += 1;
                let mut a = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        a.push(self.value(depth + 1)?);
                        self.ws();
                        match self.b.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err((self.i, "expected `,` or `]` in an array".into())),
                        }
                    }
                }
                JKind::Arr(a)
            }
            Some(b'"') => JKind::Str(self.string()?),
            Some(b't') if self.b[self.i..].starts_with(b"true") => {
                self.i += 4;
                JKind::Bool(true)
            }
            Some(b'f') if self.b[self.i..].starts_with(b"false") => {
                self.i += 5;
                JKind::Bool(false)
            }
            Some(b'n') if self.b[self.i..].starts_with(b"null") => {
                self.i += 4;
                JKind::Null
            }
            Some(c) if *c == b'-' || c.is_ascii_digit() => {
                while let Some(c) = self.b.get(self.i) {
                    if c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E') {
                        self.i += 1;
                    } else {
                        break;
                    }
                }
                JKind::Num(self.text[start..self.i].to_string())
            }
            Some(_) => return Err((self.i, "expected a JSON value".into())),
        };
        Ok(JVal {
            kind,
            span: start..self.i,
        })
    }

    /// string = '"' chars '"' (with JSON escapes)
    fn string(&mut self) -> Result<String, (usize, String)> {
        let start = self.i;
        self.i += 1;
        let mut out = String::new();
        loop {
            let run = self.i;
            while let Some(c) = self.b.get(self.i) {
                if *c == b'"' || *c == b'\\' {
                    break;
                }
                self.i += 1;
            }
            out.push_str(&self.text[run..self.i]);
            match self.b.get(self.i) {
                None => return Err((start, "unterminated string".into())),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                _ => {
                    let e = self.b.get(self.i + 1).copied();
                    self.i += 2;
                    match e {
                        Some(b'n') => out.push('\n'),
                        Some(b't') => out.push('\t'),
                        Some(b'r') => out.push('\r'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'u') => {
                            let hex = self.text.get(self.i..self.i + 4).unwrap_or("");
                            let n = u32::from_str_radix(hex, 16)
                                .map_err(|_| (self.i, "bad \\u escape".to_string()))?;
                            self.i += 4;
                            out.push(char::from_u32(n).unwrap_or('\u{fffd}'));
                        }
                        Some(c @ (b'"' | b'\\' | b'/')) => out.push(c as char),
                        _ => return Err((self.i - 2, "bad escape in a string".into())),
                    }
                }
            }
        }
    }
}

// ------------------------------------------------------------------ walk

/// Read an `nft -j` document into the model: parse it into the nft syntax tree,
/// then lower it exactly like the text reader does.
pub fn load(input: &Input) -> Result<RuleSet, LoadError> {
    let file = input.text()?;
    super::with_arena(|arena| Ok(super::lower(&parse(arena, &file)?)))
}

/// Parse a `nft -j` document into the syntax tree. A text that is not JSON at
/// all, or has no `nftables` array, is unusable ([`LoadError`]); problems inside
/// are [`Issue`]s.
/// The tree's strings are copies in `arena` (JSON strings are unescaped).
pub fn parse<'a>(arena: &'a Arena, file: &Arc<SourceFile>) -> Result<Ruleset<'a>, LoadError> {
    let root = scan(&file.text).map_err(|(at, msg)| {
        let mut e = LoadError::new(&file.name, format!("not valid JSON: {msg}"));
        let end = (at + 1).min(file.text.len());
        let start = at.min(end);
        if file.text.is_char_boundary(start) && file.text.is_char_boundary(end) {
            e.origin = Some(file.origin(start..end));
        }
        e
    })?;
    let items = match root.get("nftables").map(|v| &v.kind) {
        Some(JKind::Arr(a)) => a,
        _ => {
            let mut e = LoadError::new(&file.name, "not an nft JSON document: no `nftables` array");
            e.help = Some("expected the output of `nft -j list ruleset`".into());
            return Err(e);
        }
    };
    let mut out = Ruleset::new(arena);
    out.files.push(file.clone());
    let mut w = Walker {
        arena,
        file: file.clone(),
        out,
    };
    for item in items {
        w.item(item);
    }
    Ok(w.out)
}

struct Walker<'a> {
    arena: &'a Arena,
    file: Arc<SourceFile>,
    out: Ruleset<'a>,
}

const COMMANDS: [&str; 10] = [
    "add", "create", "insert", "replace", "delete", "destroy", "flush", "list", "reset", "rename",
];

impl<'a> Walker<'a> {
    /// A copy of `s` in the arena.
    fn s(&self, s: &str) -> &'a str {
        self.arena.alloc_str(s)
    }

    /// `e`, moved into the arena.
    fn alloc(&self, e: Expr<'a>) -> &'a Expr<'a> {
        self.arena.alloc(e)
    }

    /// A copy of `items` in the arena.
    fn slice<T: Copy>(&self, items: &[T]) -> &'a [T] {
        self.arena.alloc_slice_copy(items)
    }

    /// The expression `v`, moved into the arena.
    fn expr_ref(&mut self, v: &JVal) -> &'a Expr<'a> {
        let e = self.expr(v);
        self.arena.alloc(e)
    }

    /// The expressions of a JSON array, as an arena slice.
    fn exprs(&mut self, a: &[JVal]) -> &'a [Expr<'a>] {
        let v: Vec<Expr<'a>> = a.iter().map(|x| self.expr(x)).collect();
        self.slice(&v)
    }

    fn origin(&self, v: &JVal) -> Origin {
        self.file.origin(v.span.clone())
    }

    /// The location of `v` (the JSON file is file 0 of the tree).
    fn loc(&self, v: &JVal) -> Loc {
        Loc::new(0, v.span.clone())
    }

    fn issue(&mut self, level: Level, message: String, v: &JVal) {
        let origin = self.origin(v);
        self.out.issues.push(Issue {
            level,
            message,
            expected: None,
            help: None,
            origin,
        });
    }

    fn error(&mut self, message: impl Into<String>, expected: &str, v: &JVal) {
        let origin = self.origin(v);
        self.out.issues.push(Issue {
            level: Level::Error,
            message: message.into(),
            expected: Some(expected.into()),
            help: None,
            origin,
        });
    }

    fn raw(&self, v: &JVal) -> String {
        self.file.text[v.span.clone()].to_string()
    }

    /// One element of the `nftables` array.
    fn item(&mut self, item: &JVal) {
        let Some((key, body)) = item.tagged() else {
            self.error(
                "an element of the `nftables` array must be an object with one key",
                "{\"table\": {...}}, {\"chain\": {...}}, {\"rule\": {...}}, {\"add\": {...}}, ...",
                item,
            );
            return;
        };
        if COMMANDS.contains(&key) {
            match body.tagged() {
                Some((obj, inner)) => self.command(key, obj, inner, item),
                None => self.error(
                    format!("`{key}` needs an object with one key"),
                    "{\"table\": ...} / {\"chain\": ...} / {\"rule\": ...} / ...",
                    body,
                ),
            }
        } else {
            self.command("add", key, body, item);
        }
    }

    /// `verb` applied to the object `obj` described by `body`.
    fn command(&mut self, verb: &str, obj: &str, body: &JVal, whole: &JVal) {
        let add = if verb == "create" {
            AddOp::Create
        } else {
            AddOp::Add
        };
        match (verb, obj) {
            (_, "metainfo") => {}
            ("add" | "create", "table") => match self.table_ref(body) {
                Some(t) => {
                    let table = Table {
                        family: t.family,
                        name: t.name,
                        flags: body.get("flags").map(JVal::strings).unwrap_or_default(),
                        comment: body.get_str("comment").map(str::to_string),
                        handle: body.get_u64("handle"),
                        items: Vec::new(),
                        origin: self.origin(whole),
                    };
                    self.out.commands.push(Command::Table {
                        op: add,
                        table: Box::new(table),
                    });
                }
                None => self.bad_ref("table", body),
            },
            ("add" | "create", "chain") => {
                let (Some(table), Some(name)) = (self.table_of(body), body.get_str("name")) else {
                    return self.bad_ref("chain", body);
                };
                let chain = self.chain(name, body, whole);
                self.out.commands.push(Command::Chain {
                    op: add,
                    table,
                    chain: Box::new(chain),
                });
            }
            ("add" | "create" | "insert" | "replace", "rule") => self.rule(verb, body, whole),
            ("add" | "create", "set" | "map") => {
                let Some(table) = self.table_of(body) else {
                    return self.bad_ref(obj, body);
                };
                match self.set_decl(obj == "map", body, whole) {
                    Some(set) => self.out.commands.push(Command::Set {
                        op: add,
                        table,
                        set: Box::new(set),
                    }),
                    None => self.bad_ref(obj, body),
                }
            }
            ("add" | "create" | "delete" | "destroy", "element") => {
                let (Some(table), Some(set)) = (self.table_of(body), body.get_str("name")) else {
                    return self.bad_ref("element", body);
                };
                let op = match verb {
                    "create" => ElementOp::Create,
                    "delete" | "destroy" => ElementOp::Delete,
                    _ => ElementOp::Add,
                };
                let elements = self.elements(body.get("elem"));
                let loc = self.loc(whole);
                self.out.commands.push(Command::Element {
                    op,
                    table,
                    set: self.s(set),
                    elements: self.slice(&elements),
                    loc,
                });
            }
            ("flush" | "delete" | "destroy", _) => {
                let target = self.target(obj, body);
                let origin = self.origin(whole);
                self.out.commands.push(if verb == "flush" {
                    Command::Flush { target, origin }
                } else {
                    Command::Delete { target, origin }
                });
            }
            _ => {
                let known = matches!(
                    obj,
                    "counter"
                        | "quota"
                        | "ct helper"
                        | "ct timeout"
                        | "ct expectation"
                        | "limit"
                        | "secmark"
                        | "synproxy"
                        | "flowtable"
                        | "tunnel"
                ) || !matches!(verb, "add" | "create");
                if !known {
                    self.issue(
                        Level::Warning,
                        format!("unknown nft JSON object `{obj}`: kept but not understood"),
                        whole,
                    );
                }
                let what = if verb == "add" {
                    obj.to_string()
                } else {
                    format!("{verb} {obj}")
                };
                let origin = self.origin(whole);
                self.out.commands.push(Command::Other { what, origin });
            }
        }
    }

    fn bad_ref(&mut self, what: &str, body: &JVal) {
        self.error(
            format!("`{what}` lacks its family, table or name"),
            "\"family\", \"table\" and \"name\" keys",
            body,
        );
    }

    fn family(&self, v: &JVal) -> Option<TableFamily> {
        TableFamily::from_name(v.get_str("family").unwrap_or("ip"))
    }

    /// The table an object names itself (`{"family", "name"}`).
    fn table_ref(&self, v: &JVal) -> Option<TableRef<'a>> {
        Some(TableRef {
            family: self.family(v)?,
            name: self.s(v.get_str("name")?),
        })
    }

    /// The table an object lives in (`{"family", "table"}`).
    fn table_of(&self, v: &JVal) -> Option<TableRef<'a>> {
        Some(TableRef {
            family: self.family(v)?,
            name: self.s(v.get_str("table")?),
        })
    }

    fn target(&mut self, obj: &str, body: &JVal) -> Target<'a> {
        let t = match obj {
            "ruleset" => Some(Target::Ruleset(
                body.get_str("family").and_then(TableFamily::from_name),
            )),
            "table" => self.table_ref(body).map(Target::Table),
            "chain" => self.table_of(body).and_then(|table| {
                Some(Target::Chain(ChainRef {
                    table,
                    chain: self.s(body.get_str("name")?),
                }))
            }),
            "rule" => self.table_of(body).and_then(|table| {
                Some(Target::Rule {
                    chain: ChainRef {
                        table,
                        chain: self.s(body.get_str("chain")?),
                    },
                    handle: body.get_u64("handle")?,
                })
            }),
            "set" | "map" => self.table_of(body).and_then(|table| {
                let name = body.get_str("name")?.to_string();
                Some(if obj == "set" {
                    Target::Set {
                        table,
                        name: self.s(&name),
                    }
                } else {
                    Target::Map {
                        table,
                        name: self.s(&name),
                    }
                })
            }),
            _ => None,
        };
        t.unwrap_or_else(|| Target::Other(format!("{obj} {}", self.raw(body))))
    }

    fn chain(&mut self, name: &str, body: &JVal, whole: &JVal) -> Chain<'a> {
        let origin = self.origin(whole);
        let hook = body.get_str("hook").map(|h| {
            let prio = body.get("prio");
            let base = match prio.map(|p| &p.kind) {
                Some(JKind::Num(n)) => PriorityBase::Number(n.parse().unwrap_or(0)),
                Some(JKind::Str(s)) => match s.parse::<i64>() {
                    Ok(n) => PriorityBase::Number(n),
                    Err(_) => PriorityBase::Named(s.clone()),
                },
                _ => PriorityBase::Number(0),
            };
            let mut devices = Vec::new();
            if let Some(d) = body.get("dev") {
                devices = d
                    .strings()
                    .into_iter()
                    .map(|x| Expr::String(self.s(&x)))
                    .collect();
            }
            BaseHook {
                chain_type: body.get_str("type").unwrap_or("filter").to_string(),
                hook: h.to_string(),
                priority: Priority {
                    base,
                    offset: 0,
                    origin: prio
                        .map(|p| self.origin(p))
                        .unwrap_or_else(|| origin.clone()),
                },
                devices,
                origin: origin.clone(),
            }
        });
        let policy = body.get("policy").map(|p| Policy {
            value: match p.str() {
                Some("drop") => Expr::Verdict(&Verdict::Drop),
                Some("accept") => Expr::Verdict(&Verdict::Accept),
                Some(s) => Expr::Symbol(self.s(s)),
                None => Expr::Unknown {
                    text: self.s(&self.raw(p)),
                },
            },
            origin: self.origin(p),
        });
        Chain {
            name: self.s(name),
            hook,
            policy,
            comment: body.get_str("comment").map(str::to_string),
            flags: body.get("flags").map(JVal::strings).unwrap_or_default(),
            handle: body.get_u64("handle"),
            rules: Vec::new(),
            origin,
        }
    }

    fn rule(&mut self, verb: &str, body: &JVal, whole: &JVal) {
        let (Some(table), Some(chain)) = (self.table_of(body), body.get_str("chain")) else {
            return self.bad_ref("rule", body);
        };
        let chain = ChainRef {
            table,
            chain: self.s(chain),
        };
        let mut stmts = Vec::new();
        match body.get("expr").map(|e| &e.kind) {
            Some(JKind::Arr(a)) => {
                for s in a {
                    stmts.push(self.stmt(s));
                }
            }
            None => {}
            Some(_) => self.error(
                "`expr` of a rule must be an array",
                "[statement, ...]",
                body,
            ),
        }
        let op = match verb {
            "insert" => RuleOp::Insert,
            "replace" => RuleOp::Replace,
            _ => RuleOp::Add,
        };
        let position = match op {
            RuleOp::Replace => None,
            _ => body
                .get_u64("position")
                .map(RulePosition::Handle)
                .or_else(|| body.get_u64("index").map(RulePosition::Index))
                .or_else(|| {
                    // In the command form (`add`/`insert`) `handle` places the
                    // rule; in a listing it is just the rule's own handle.
                    if whole
                        .tagged()
                        .is_some_and(|(k, _)| k == "add" || k == "insert")
                    {
                        body.get_u64("handle").map(RulePosition::Handle)
                    } else {
                        None
                    }
                }),
        };
        let rule = Rule {
            stmts: self.slice(&stmts),
            comment: body
                .get_str("comment")
                .map(|x| &*self.arena.alloc(self.s(x))),
            handle: body.get_u64("handle").and_then(NonZeroU64::new),
            loc: self.loc(whole),
        };
        self.out.commands.push(Command::Rule {
            op,
            chain,
            position,
            rule: self.arena.alloc(rule),
        });
    }

    fn set_decl(&mut self, is_map: bool, body: &JVal, whole: &JVal) -> Option<SetDecl<'a>> {
        let name = body.get_str("name")?.to_string();
        let mut key_type = Vec::new();
        let mut key_typeof = Vec::new();
        if let Some(t) = body.get("type") {
            match t.get("typeof") {
                Some(e) => match self.expr(e) {
                    Expr::Concat(es) => key_typeof = es.to_vec(),
                    e => key_typeof.push(e),
                },
                None => key_type = t.strings(),
            }
        }
        let data_type = body.get("map").map(|m| match m.get("typeof") {
            Some(e) => format!("typeof {}", self.raw(e)),
            None => m.strings().join(" . "),
        });
        let mut settings = Vec::new();
        for key in ["policy", "size", "timeout", "gc-interval", "auto-merge"] {
            if let Some(v) = body.get(key) {
                let text = match &v.kind {
                    JKind::Str(s) | JKind::Num(s) => s.clone(),
                    _ => self.raw(v),
                };
                settings.push((key.to_string(), text));
            }
        }
        if let Some(s) = body.get("stmt") {
            settings.push(("stmt".into(), self.raw(s)));
        }
        Some(SetDecl {
            name: self.s(&name),
            is_map,
            key_type,
            key_typeof,
            data_type,
            flags: body.get("flags").map(JVal::strings).unwrap_or_default(),
            elements: self.elements(body.get("elem")),
            settings,
            comment: body.get_str("comment").map(str::to_string),
            handle: body.get_u64("handle"),
            origin: self.origin(whole),
        })
    }

    /// Set or map elements: plain values, `{"elem": {"val": ..., options}}`, and
    /// `[key, value]` pairs for maps.
    fn elements(&mut self, v: Option<&JVal>) -> Vec<SetElem<'a>> {
        let Some(v) = v else { return Vec::new() };
        match &v.kind {
            JKind::Arr(a) => a.iter().map(|e| self.element(e)).collect(),
            _ => vec![self.element(v)],
        }
    }

    fn element(&mut self, e: &JVal) -> SetElem<'a> {
        let loc = self.loc(e);
        if let JKind::Arr(pair) = &e.kind {
            if pair.len() == 2 {
                let mut el = self.element(&pair[0]);
                el.value = Some(self.expr_ref(&pair[1]));
                el.loc = loc;
                return el;
            }
        }
        if let Some(inner) = e.get("elem").filter(|_| e.tagged().is_some()) {
            let mut options = Vec::new();
            if let JKind::Obj(kv) = &inner.kind {
                for (k, v) in kv {
                    if k != "val" {
                        let text = match &v.kind {
                            JKind::Str(s) | JKind::Num(s) => s.clone(),
                            _ => self.raw(v),
                        };
                        options.push((k.clone(), text));
                    }
                }
            }
            let key = match inner.get("val") {
                Some(val) => self.expr(val),
                None => self.expr(inner),
            };
            let options: Vec<(&str, &str)> = options
                .iter()
                .map(|(k, v)| (self.s(k), self.s(v)))
                .collect();
            return SetElem {
                key: self.alloc(key),
                value: None,
                options: self.slice(&options),
                loc,
            };
        }
        SetElem {
            key: self.expr_ref(e),
            value: None,
            options: &[],
            loc,
        }
    }

    /// An expression of the schema.
    fn expr(&mut self, v: &JVal) -> Expr<'a> {
        match &v.kind {
            JKind::Str(s) => string_expr(self.arena, s),
            JKind::Num(n) => match n.parse::<u64>() {
                Ok(n) => Expr::Number(n),
                Err(_) if n.bytes().all(|b| b.is_ascii_digit()) => Expr::Symbol(self.s(n)),
                Err(_) => Expr::Unknown { text: self.s(n) },
            },
            JKind::Bool(true) => Expr::Symbol("exists"),
            JKind::Bool(false) => Expr::Symbol("missing"),
            JKind::Null => Expr::Unknown { text: "null" },
            // A bare array on the right of a match: a flag list (`"in"`).
            JKind::Arr(a) => Expr::List(self.exprs(a)),
            JKind::Obj(_) => {
                let Some((key, body)) = v.tagged() else {
                    return self.unknown_expr("object", v);
                };
                self.tagged_expr(key, body, v)
            }
        }
    }

    fn tagged_expr(&mut self, key: &str, body: &JVal, whole: &JVal) -> Expr<'a> {
        match key {
            "payload" => match (body.get_str("protocol"), body.get_str("field")) {
                (Some(p), Some(f)) => {
                    Expr::Payload(payload_field(self.arena, self.s(p), self.s(f)))
                }
                _ => {
                    let text = format!(
                        "@{},{},{}",
                        body.get_str("base").unwrap_or("?"),
                        body.get_u64("offset").unwrap_or(0),
                        body.get_u64("len").unwrap_or(0)
                    );
                    Expr::Unknown {
                        text: self.s(&text),
                    }
                }
            },
            "meta" => match body.get_str("key") {
                Some(k) => Expr::Meta { key: self.s(k) },
                None => self.unknown_expr(key, whole),
            },
            "ct" => match body.get_str("key") {
                Some(k) => Expr::Ct(ct_field(
                    self.arena,
                    self.s(k),
                    body.get_str("dir").map(|x| self.s(x)),
                )),
                None => self.unknown_expr(key, whole),
            },
            "prefix" => {
                let addr = body.get("addr").map(|a| self.expr(a));
                match (addr, body.get_u64("len")) {
                    (Some(a), Some(l)) if l <= 128 => Expr::Prefix(self.alloc(a), l as u8),
                    _ => self.unknown_expr(key, whole),
                }
            }
            "range" => match &body.kind {
                JKind::Arr(a) if a.len() == 2 => {
                    Expr::Range(self.expr_ref(&a[0]), self.expr_ref(&a[1]))
                }
                _ => self.unknown_expr(key, whole),
            },
            "set" => {
                let els = self.elements(Some(body));
                Expr::Set(self.slice(&els))
            }
            "concat" => match &body.kind {
                JKind::Arr(a) => Expr::Concat(self.exprs(a)),
                _ => self.unknown_expr(key, whole),
            },
            "map" => match (body.get("key"), body.get("data")) {
                (Some(k), Some(d)) => Expr::Map {
                    key: self.expr_ref(k),
                    map: self.expr_ref(d),
                },
                _ => self.unknown_expr(key, whole),
            },
            "&" | "|" | "^" | "<<" | ">>" => match &body.kind {
                JKind::Arr(a) if a.len() >= 2 => {
                    let op = match key {
                        "&" => BinOp::And,
                        "|" => BinOp::Or,
                        "^" => BinOp::Xor,
                        "<<" => BinOp::Shl,
                        _ => BinOp::Shr,
                    };
                    let mut acc = self.expr(&a[0]);
                    for r in &a[1..] {
                        acc = Expr::Binop {
                            op,
                            left: self.alloc(acc),
                            right: self.expr_ref(r),
                        };
                    }
                    acc
                }
                _ => self.unknown_expr(key, whole),
            },
            "elem" => match body.get("val") {
                Some(val) => self.expr(val),
                None => self.unknown_expr(key, whole),
            },
            _ => {
                if let Some(v) = self.verdict(key, body) {
                    return Expr::Verdict(v.in_arena(self.arena));
                }
                // Known schema expressions fwlint does not decode; the
                // lowering makes them opaque.
                const KNOWN: [&str; 20] = [
                    "fib",
                    "rt",
                    "socket",
                    "osf",
                    "exthdr",
                    "tcp option",
                    "ip option",
                    "sctp chunk",
                    "dccp option",
                    "ipsec",
                    "numgen",
                    "jhash",
                    "symhash",
                    "hash",
                    "xfrm",
                    "tunnel",
                    "ct helper",
                    "flowtable",
                    "mh",
                    "srh",
                ];
                if KNOWN.contains(&key) {
                    Expr::Unknown {
                        text: self.s(&render_unknown(key, body, &self.file.text)),
                    }
                } else {
                    self.unknown_expr(key, whole)
                }
            }
        }
    }

    /// An expression the schema does not define: kept as its JSON text, warned.
    fn unknown_expr(&mut self, what: &str, v: &JVal) -> Expr<'a> {
        self.issue(
            Level::Warning,
            format!("unknown nft JSON expression `{what}`: kept as an opaque match"),
            v,
        );
        Expr::Unknown {
            text: self.s(&self.raw(v)),
        }
    }

    fn verdict(&self, key: &str, body: &JVal) -> Option<Verdict<'a>> {
        Some(match key {
            "accept" => Verdict::Accept,
            "drop" => Verdict::Drop,
            "continue" => Verdict::Continue,
            "return" => Verdict::Return,
            "jump" => Verdict::Jump(self.s(body.get_str("target")?)),
            "goto" => Verdict::Goto(self.s(body.get_str("target")?)),
            _ => return None,
        })
    }

    /// One statement of a rule's `expr` array.
    fn stmt(&mut self, v: &JVal) -> Stmt<'a> {
        let span = self.loc(v).into();
        let kind = match v.tagged() {
            Some((key, body)) => self.stmt_kind(key, body, v),
            None => {
                self.error(
                    "a statement must be an object with one key",
                    "{\"match\": ...}, {\"accept\": null}, ...",
                    v,
                );
                StmtKind::Other {
                    keyword: self.s(&self.raw(v)),
                }
            }
        };
        Stmt { kind, span }
    }

    fn stmt_kind(&mut self, key: &str, body: &JVal, whole: &JVal) -> StmtKind<'a> {
        let args = |w: &Walker| match &body.kind {
            JKind::Null => String::new(),
            _ => w.raw(body),
        };
        match key {
            "match" => {
                let (Some(l), Some(r)) = (body.get("left"), body.get("right")) else {
                    self.error(
                        "`match` needs `left` and `right`",
                        "\"left\", \"op\", \"right\"",
                        body,
                    );
                    return StmtKind::Other { keyword: "match" };
                };
                let op = match body.get_str("op").unwrap_or("==") {
                    // nft lists `(LEFT & RIGHT) == 0` as `LEFT ! RIGHT`
                    // (`tcp flags ! syn`): no bit of RIGHT is set.
                    "!" => {
                        let (l, r) = (self.expr_ref(l), self.expr_ref(r));
                        return StmtKind::Match {
                            left: self.alloc(Expr::Binop {
                                op: BinOp::And,
                                left: l,
                                right: r,
                            }),
                            op: RelOp::Eq,
                            right: &super::ast::NO_BIT_SET,
                        };
                    }
                    "==" => RelOp::Eq,
                    "!=" => RelOp::Ne,
                    "<" => RelOp::Lt,
                    ">" => RelOp::Gt,
                    "<=" => RelOp::Le,
                    ">=" => RelOp::Ge,
                    "in" => RelOp::In,
                    other => {
                        let other = other.to_string();
                        self.error(
                            format!("unknown match operator `{other}`"),
                            "==, !=, <, >, <=, >=, in, !",
                            body,
                        );
                        // Unread: a condition that may or may not hold.
                        return StmtKind::Other { keyword: "match" };
                    }
                };
                StmtKind::Match {
                    left: self.expr_ref(l),
                    op,
                    right: self.expr_ref(r),
                }
            }
            "accept" | "drop" | "continue" | "return" | "jump" | "goto" => {
                match self.verdict(key, body) {
                    Some(v) => StmtKind::Verdict(v.in_arena(self.arena)),
                    None => {
                        self.error(
                            format!("`{key}` needs a target"),
                            "{\"target\": \"CHAIN\"}",
                            body,
                        );
                        StmtKind::Other {
                            keyword: self.s(key),
                        }
                    }
                }
            }
            "queue" => StmtKind::Queue {
                args: self.s(&args(self)),
            },
            "vmap" => match (body.get("key"), body.get("data")) {
                (Some(k), Some(d)) => StmtKind::VerdictMap {
                    key: self.expr_ref(k),
                    map: self.expr_ref(d),
                },
                _ => {
                    self.error("`vmap` needs `key` and `data`", "\"key\", \"data\"", body);
                    StmtKind::Other { keyword: "vmap" }
                }
            },
            "counter" => match &body.kind {
                JKind::Str(name) => StmtKind::Counter {
                    counts: None,
                    name: Some(self.arena.alloc(self.s(name))),
                },
                _ => StmtKind::Counter {
                    counts: match (body.get_u64("packets"), body.get_u64("bytes")) {
                        (None, None) => None,
                        (p, b) => Some(self.arena.alloc(Counts {
                            packets: p.unwrap_or(0),
                            bytes: b.unwrap_or(0),
                        })),
                    },
                    name: None,
                },
            },
            "log" => {
                let mut options = Vec::new();
                if let JKind::Obj(kv) = &body.kind {
                    for (k, v) in kv {
                        let text = match &v.kind {
                            JKind::Str(s) | JKind::Num(s) => s.clone(),
                            _ => self.raw(v),
                        };
                        options.push((k.clone(), text));
                    }
                }
                let options: Vec<(&str, &str)> = options
                    .iter()
                    .map(|(k, v)| (self.s(k), self.s(v)))
                    .collect();
                StmtKind::Log {
                    options: self.slice(&options),
                }
            }
            "reject" => {
                let with = match (body.get_str("type"), body.get("expr")) {
                    (Some("tcp reset"), _) => Some("tcp reset".to_string()),
                    (Some(t), Some(e)) => Some(format!(
                        "{t} type {}",
                        e.str().map(str::to_string).unwrap_or_else(|| self.raw(e))
                    )),
                    (Some(t), None) => Some(t.to_string()),
                    (None, Some(e)) => Some(self.raw(e)),
                    (None, None) => None,
                };
                StmtKind::Reject {
                    with: with.map(|w| self.s(&w)),
                }
            }
            "snat" | "dnat" | "masquerade" | "redirect" => StmtKind::Nat {
                kind: match key {
                    "snat" => NatKind::Snat,
                    "dnat" => NatKind::Dnat,
                    "masquerade" => NatKind::Masquerade,
                    _ => NatKind::Redirect,
                },
                args: self.s(&args(self)),
            },
            "limit" => StmtKind::Limit {
                args: self.s(&args(self)),
            },
            "quota" => StmtKind::Quota {
                args: self.s(&args(self)),
            },
            "set" | "map" => {
                let set = body
                    .get_str("set")
                    .unwrap_or("")
                    .trim_start_matches('@')
                    .to_string();
                let op = body.get_str("op").unwrap_or("add").to_string();
                let key_v = body.get("elem").or_else(|| body.get("key"));
                let key_e = match key_v {
                    Some(k) => self.expr(k),
                    None => Expr::Unknown {
                        text: self.s(&args(self)),
                    },
                };
                StmtKind::SetUpdate(self.arena.alloc(SetUpdate {
                    op: self.s(&op),
                    set: self.s(&set),
                    key: self.alloc(key_e),
                }))
            }
            "mangle" => match (body.get("key"), body.get("value")) {
                (Some(k), Some(val)) => StmtKind::Mangle {
                    target: self.expr_ref(k),
                    value: self.expr_ref(val),
                },
                _ => StmtKind::Other { keyword: "mangle" },
            },
            "notrack" => StmtKind::Notrack,
            "xt" | "fwd" | "dup" | "tproxy" | "synproxy" | "flow" | "meter" | "ct helper"
            | "ct timeout" | "ct expectation" | "ct count" | "secmark" | "last" | "inner"
            | "tunnel" => StmtKind::Other {
                keyword: self.s(key),
            },
            _ => {
                self.issue(
                    Level::Warning,
                    format!("unknown nft JSON statement `{key}`: kept but not understood"),
                    whole,
                );
                StmtKind::Other {
                    keyword: self.s(key),
                }
            }
        }
    }
}

/// A JSON string value: `@set`, `*`, an address, a number, or a symbol.
fn string_expr<'a>(arena: &'a Arena, s: &str) -> Expr<'a> {
    if let Some(name) = s.strip_prefix('@') {
        return Expr::SetRef(arena.alloc_str(name));
    }
    if s == "*" {
        return Expr::Wildcard;
    }
    if let Ok(a) = s.parse::<IpAddr>() {
        return Expr::Addr(a);
    }
    // nft reads a string value in the type of its left side, where digits are a
    // number (`"90000"` as an interface index).
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = s.parse::<u64>() {
            return Expr::Number(n);
        }
    }
    if let Some((a, l)) = s.split_once('/') {
        if let (Ok(a), Ok(l)) = (a.parse::<IpAddr>(), l.parse::<u8>()) {
            return Expr::Prefix(arena.alloc(Expr::Addr(a)), l);
        }
    }
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
    {
        return Expr::Symbol(arena.alloc_str(s));
    }
    Expr::String(arena.alloc_str(s))
}

/// nft-like text for an expression fwlint keeps opaque (for messages).
fn render_unknown(key: &str, body: &JVal, text: &str) -> String {
    match key {
        "fib" => {
            let flags = body
                .get("flags")
                .map(JVal::strings)
                .unwrap_or_default()
                .join(" . ");
            format!("fib {flags} {}", body.get_str("result").unwrap_or(""))
        }
        "rt" | "socket" | "osf" | "numgen" => {
            format!(
                "{key} {}",
                body.get_str("key").or(body.get_str("mode")).unwrap_or("")
            )
        }
        "exthdr" | "tcp option" | "ip option" | "sctp chunk" | "dccp option" => format!(
            "{key} {} {}",
            body.get_str("name").unwrap_or(""),
            body.get_str("field").unwrap_or("")
        ),
        _ => format!("{key} {}", &text[body.span.clone()]),
    }
    .trim_end()
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree of `text` (its arena is leaked: tests only).
    fn parse_str(text: &str) -> Result<Ruleset<'static>, LoadError> {
        parse(
            Box::leak(Box::new(Arena::new())),
            &SourceFile::new("t.json", text),
        )
    }

    #[test]
    fn scanner_keeps_spans_and_bounds_depth() {
        let v = scan(r#" {"a": [1, "x\"y", {"b": null}]} "#).unwrap();
        assert_eq!(v.span, 1..32);
        let a = v.get("a").unwrap();
        assert!(matches!(&a.kind, JKind::Arr(x) if x.len() == 3));
        let deep = "[".repeat(1000) + &"]".repeat(1000);
        assert!(scan(&deep).is_err());
        assert!(scan("{\"a\": ").is_err());
        assert!(scan("[1] x").is_err());
    }

    #[test]
    fn not_json_is_a_load_error_with_a_position() {
        let e = parse_str("{\"nftables\": [ {\"table\": } ]}").unwrap_err();
        assert!(e.message.contains("not valid JSON"));
        assert!(e.origin.is_some());
        assert!(parse_str("{\"other\": []}").is_err());
    }

    #[test]
    fn listing_becomes_commands_with_rule_origins() {
        let text = r#"{"nftables": [{"metainfo": {"json_schema_version": 1}},
{"table": {"family": "inet", "name": "f", "handle": 1}},
{"chain": {"family": "inet", "table": "f", "name": "in", "type": "filter", "hook": "input", "prio": -5, "policy": "drop"}},
{"rule": {"family": "inet", "table": "f", "chain": "in", "handle": 3, "expr": [
  {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [22, {"range": [1000, 2000]}]}}},
  {"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}},
  {"match": {"op": "!=", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "10.0.0.0", "len": 8}}}},
  {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}},
{"rule": {"family": "inet", "table": "f", "chain": "in", "expr": [{"fib": {}}, {"vmap": {"key": {"payload": {"protocol": "udp", "field": "dport"}}, "data": {"set": [[53, {"jump": {"target": "dns"}}]]}}}]}}
]}"#;
        let rs = parse_str(text).unwrap();
        assert_eq!(rs.commands.len(), 4);
        let Command::Chain { chain, .. } = &rs.commands[1] else {
            panic!()
        };
        let hook = chain.hook.as_ref().unwrap();
        assert_eq!(hook.hook, "input");
        assert_eq!(hook.priority.base, PriorityBase::Number(-5));
        assert!(matches!(
            chain.policy.as_ref().unwrap().value,
            Expr::Verdict(Verdict::Drop)
        ));
        let Command::Rule { rule, position, .. } = &rs.commands[2] else {
            panic!()
        };
        assert_eq!(*position, None);
        assert!(rs.origin(rule.loc).text().starts_with("{\"rule\""));
        assert_eq!(rs.origin(rule.loc).line, 4);
        assert_eq!(rule.stmts.len(), 5);
        let StmtKind::Match { op, right, .. } = &rule.stmts[0].kind else {
            panic!()
        };
        assert_eq!(*op, RelOp::Eq);
        assert!(
            matches!(right, Expr::Set(es) if es.len() == 2 && matches!(es[1].key, Expr::Range(..)))
        );
        assert!(
            matches!(&rule.stmts[1].kind, StmtKind::Match { op: RelOp::In, right: Expr::List(l), .. } if l.len() == 2)
        );
        assert!(matches!(
            &rule.stmts[2].kind,
            StmtKind::Match {
                op: RelOp::Ne,
                right: Expr::Prefix(_, 8),
                ..
            }
        ));
        assert!(matches!(
            rule.stmts[4].kind,
            StmtKind::Verdict(Verdict::Accept)
        ));
        let Command::Rule { rule, .. } = &rs.commands[3] else {
            panic!()
        };
        // `fib` as a statement is not a statement of the schema: kept, warned.
        assert!(matches!(&rule.stmts[0].kind, StmtKind::Other { keyword } if *keyword == "fib"));
        assert_eq!(rs.issues.len(), 1);
        let StmtKind::VerdictMap {
            map: Expr::Set(es), ..
        } = &rule.stmts[1].kind
        else {
            panic!()
        };
        assert!(matches!(es[0].value, Some(Expr::Verdict(Verdict::Jump(c))) if *c == "dns"));
    }

    /// `nft -j` lists `tcp flags & (syn) == 0` as the operator `!`: no bit
    /// of the right side is set. Read as exactly that; an unknown operator
    /// is an error and a condition that may or may not hold, never `==`.
    #[test]
    fn bang_operator_means_no_bit_set() {
        let text = r#"{"nftables": [
{"table": {"family": "inet", "name": "f"}},
{"chain": {"family": "inet", "table": "f", "name": "in", "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}},
{"rule": {"family": "inet", "table": "f", "chain": "in", "expr": [
  {"match": {"op": "!", "left": {"payload": {"protocol": "tcp", "field": "flags"}}, "right": "syn"}}, {"drop": null}]}},
{"rule": {"family": "inet", "table": "f", "chain": "in", "expr": [
  {"match": {"op": "~~", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"drop": null}]}}
]}"#;
        let rs = parse_str(text).unwrap();
        assert!(rs
            .issues
            .iter()
            .any(|i| i.message.contains("unknown match operator `~~`")));
        let model = crate::dialect::nft::lower(&rs);
        let rules: Vec<_> = model
            .filters
            .iter()
            .find(|f| f.name == "input")
            .unwrap()
            .rules()
            .collect();
        let flags = rules[0]
            .matches
            .conds
            .iter()
            .find_map(|c| match c {
                crate::model::Cond::TcpFlags(r) => Some(r.clone()),
                _ => None,
            })
            .expect("a TCP flags condition");
        assert_eq!(flags.count(), 128, "{flags:?}");
        assert!(flags.contains(0x10) && !flags.contains(0x02) && !flags.contains(0x12));
        assert!(rules[1]
            .matches
            .conds
            .iter()
            .any(|c| matches!(c, crate::model::Cond::Opaque { .. })));
    }

    #[test]
    fn command_form_and_sets() {
        let text = r#"{"nftables": [
 {"flush": {"ruleset": null}},
 {"add": {"table": {"family": "ip", "name": "t"}}},
 {"add": {"set": {"family": "ip", "table": "t", "name": "s", "type": ["ipv4_addr", "inet_service"], "flags": ["interval"],
   "elem": [{"concat": ["10.0.0.1", 22]}, {"elem": {"val": {"concat": ["10.0.0.2", 80]}, "comment": "web"}}]}}},
 {"add": {"map": {"family": "ip", "table": "t", "name": "m", "type": "inet_service", "map": "verdict", "elem": [[22, {"accept": null}]]}}},
 {"insert": {"rule": {"family": "ip", "table": "t", "chain": "c", "expr": [{"match": {"left": {"meta": {"key": "iifname"}}, "right": "eth*", "op": "=="}}, {"drop": null}]}}},
 {"delete": {"rule": {"family": "ip", "table": "t", "chain": "c", "handle": 4}}},
 {"add": {"counter": {"family": "ip", "table": "t", "name": "cnt"}}},
 {"bogus": {}}
]}"#;
        let rs = parse_str(text).unwrap();
        assert!(matches!(
            rs.commands[0],
            Command::Flush {
                target: Target::Ruleset(None),
                ..
            }
        ));
        let Command::Set { set, .. } = &rs.commands[2] else {
            panic!()
        };
        assert_eq!(set.key_type, ["ipv4_addr", "inet_service"]);
        assert_eq!(set.elements.len(), 2);
        assert_eq!(
            set.elements[1].options,
            [(Str::from("comment"), Str::from("web"))]
        );
        assert!(
            matches!(&set.elements[0].key, Expr::Concat(c) if matches!(c[1], Expr::Number(22)))
        );
        let Command::Set { set, .. } = &rs.commands[3] else {
            panic!()
        };
        assert!(set.is_map);
        assert_eq!(set.data_type.as_deref(), Some("verdict"));
        let Command::Rule { op, rule, .. } = &rs.commands[4] else {
            panic!()
        };
        assert_eq!(*op, RuleOp::Insert);
        assert!(
            matches!(&rule.stmts[0].kind, StmtKind::Match { right: Expr::String(s), .. } if *s == "eth*")
        );
        assert!(matches!(
            rs.commands[5],
            Command::Delete {
                target: Target::Rule { handle: 4, .. },
                ..
            }
        ));
        assert!(matches!(&rs.commands[6], Command::Other { what, .. } if *what == "counter"));
        assert!(matches!(&rs.commands[7], Command::Other { what, .. } if *what == "bogus"));
        assert_eq!(rs.issues.len(), 1, "{:?}", rs.issues);
    }

    #[test]
    fn garbage_never_panics() {
        for t in ["", "{", "[[[[", "{\"nftables\": 3}", "{\"nftables\": [1, [2], {\"rule\": 5}, {\"rule\": {}}]}",
            "{\"nftables\": [{\"rule\": {\"family\":\"ip\",\"table\":\"t\",\"chain\":\"c\",\"expr\":[{\"match\":{}}, 7, {\"jump\":{}}]}}]}",
            "\u{feff}{\"nftables\": []}", "{\"nftables\": [\"\\ud800\"]}"] {
            let _ = parse_str(t);
        }
    }
}

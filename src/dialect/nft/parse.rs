//! File-level productions of `nft -f`: commands (block form and command form),
//! tables, chains, sets and maps, defines and includes, with error recovery:
//! a syntax error becomes an [`Issue`] with file:line:column, what was expected
//! and the text, and parsing resumes at the next statement.

use super::ast::*;
use super::expr::{self, at_rule_end, elements, rule_body, Cx};
use super::lex::{
    fail, keyword, name, number, peek_word, quoted, signed, sp, spsep, variable, word, PErr,
    PResult,
};
use super::reserved::{self, ident, Place};
use crate::model::SourceFile;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Deepest include nesting followed (nft itself stops at 16).
pub const MAX_INCLUDE_DEPTH: usize = 16;

/// Result of a block parser: the rest after the closing brace.
type BResult<'a> = Result<&'a str, nom::Err<PErr<'a>>>;

/// Where `include` looks for relative paths after the including file's
/// directory (nft's default include path).
pub const DEFAULT_INCLUDE_PATH: &str = "/etc";

/// Parser state shared across included files.
pub struct Parser<'a> {
    /// Where the tree's nodes go (and the texts of included files).
    pub arena: &'a Arena,
    pub issues: Vec<Issue>,
    /// The files read so far (numbered as [`Loc::file`]).
    pub files: Vec<Arc<SourceFile>>,
    /// Files on the current include stack (for cycle detection).
    stack: Vec<PathBuf>,
    /// Directories searched for relative includes after the including file's.
    pub include_path: Vec<PathBuf>,
    /// Whether `include` may read files (off for in-memory inputs in tests).
    pub read_includes: bool,
}

impl<'a> Parser<'a> {
    /// A parser that builds its trees in `arena`.
    pub fn new(arena: &'a Arena) -> Self {
        Parser {
            arena,
            issues: Vec::new(),
            files: Vec::new(),
            stack: Vec::new(),
            include_path: vec![PathBuf::from(DEFAULT_INCLUDE_PATH)],
            read_includes: true,
        }
    }
}

/// Parse one file's text (and, recursively, what it includes). The tree
/// borrows from `file`'s text and lives in `arena`.
pub fn parse_file<'a>(
    arena: &'a Arena,
    file: &'a Arc<SourceFile>,
    path: Option<&Path>,
) -> Ruleset<'a> {
    let mut p = Parser::new(arena);
    let commands = p.file(Arc::clone(file), &file.text, path);
    Ruleset {
        arena,
        commands,
        issues: p.issues,
        files: p.files,
    }
}

impl<'a> Parser<'a> {
    /// `file := blanks_sep (command blanks_sep)*`
    ///
    /// `text` is `file`'s text (or an identical copy of it that the caller
    /// keeps): the commands borrow from it, and locations index `file`.
    pub fn file(
        &mut self,
        file: Arc<SourceFile>,
        text: &'a str,
        path: Option<&Path>,
    ) -> Vec<Command<'a>> {
        debug_assert_eq!(text, file.text);
        let mut cx = Cx::new(Arc::clone(&file), text, self.arena);
        cx.file_no = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
        self.files.push(file);
        if let Some(p) = path {
            self.stack.push(p.to_path_buf());
        }
        let mut out = Vec::new();
        let mut i = text;
        loop {
            i = spsep(i);
            if i.is_empty() {
                break;
            }
            if i.starts_with('}') {
                self.error(&cx, i, "unexpected '}'", "a command");
                i = &i[1..];
                continue;
            }
            match self.command(&cx, i, path, &mut out) {
                Ok((r, ())) => {
                    if !at_rule_end(r) {
                        let s = sp(r);
                        self.error(
                            &cx,
                            s,
                            "unexpected text after the command",
                            "end of line or ';'",
                        );
                        i = resync(s);
                    } else {
                        i = r;
                    }
                }
                Err(e) => {
                    let (at, exp) = perr(e, i);
                    self.error(&cx, at, "syntax error", &exp);
                    i = resync(if at.len() <= i.len() { at } else { i });
                }
            }
        }
        if path.is_some() {
            self.stack.pop();
        }
        out
    }

    fn error(&mut self, cx: &Cx, at: &str, msg: &str, expected: &str) {
        let start = cx.off(at);
        let line_end = at.find('\n').unwrap_or(at.len());
        let tok = found_token(&at[..line_end]);
        let origin = cx.file.origin(start..start + tok.len());
        let shown = if at.is_empty() {
            "end of file".into()
        } else {
            format!("'{}'", tok.chars().take(40).collect::<String>())
        };
        self.issues.push(Issue {
            level: Level::Error,
            message: format!("{msg}: found {shown}, expected {expected}"),
            expected: Some(expected.into()),
            help: None,
            origin,
        });
    }

    /// `command := include | define | table_block | ("add"|"create") object
    ///           | ("insert"|"replace") "rule" ... | ("delete"|"destroy") target
    ///           | "flush" target | "chain" ... | "rule" ... | other_command`
    fn command(
        &mut self,
        cx: &Cx<'a>,
        i: &'a str,
        path: Option<&Path>,
        out: &mut Vec<Command<'a>>,
    ) -> PResult<'a, ()> {
        let w = peek_word(i).unwrap_or("");
        let r = word(i).map(|(r, _)| r).unwrap_or(i);
        match w {
            "include" => {
                let (r, p) = quoted(sp(r))?;
                let origin = cx.origin(i, r);
                self.include(p, path, origin, Dest::Commands(out));
                Ok((r, ()))
            }
            "define" | "redefine" | "undefine" => {
                let (r, d) = define(cx, i)?;
                out.push(Command::Define(d));
                Ok((r, ()))
            }
            "table" => {
                let (r, t) = self.table(cx, i, r)?;
                out.push(Command::Table {
                    op: AddOp::Add,
                    table: Box::new(t),
                });
                Ok((r, ()))
            }
            "add" | "create" => {
                let op = if w == "add" {
                    AddOp::Add
                } else {
                    AddOp::Create
                };
                self.add(cx, i, r, op, out)
            }
            "chain" | "rule" | "set" | "map" | "element" => self.add(cx, i, i, AddOp::Add, out),
            "insert" | "replace" => {
                let (r, _) = keyword("rule")(sp(r))?;
                let rop = if w == "insert" {
                    RuleOp::Insert
                } else {
                    RuleOp::Replace
                };
                let (r, c) = self.rule_cmd(cx, i, r, rop)?;
                out.push(c);
                Ok((r, ()))
            }
            "delete" | "destroy" => {
                let (r, c) = self.delete(cx, i, r)?;
                out.push(c);
                Ok((r, ()))
            }
            "flush" => {
                let s = sp(r);
                let (r2, t) = match peek_word(s) {
                    Some("ruleset") => {
                        let r2 = word(s)?.0;
                        match word(sp(r2)) {
                            Ok((r3, f)) if TableFamily::from_name(f).is_some() => {
                                (r3, Target::Ruleset(TableFamily::from_name(f)))
                            }
                            _ => (r2, Target::Ruleset(None)),
                        }
                    }
                    _ => target(s)?,
                };
                out.push(Command::Flush {
                    target: t,
                    origin: cx.origin(i, r2),
                });
                Ok((r2, ()))
            }
            "list" | "reset" | "monitor" | "describe" | "export" | "import" | "rename" | "get" => {
                let r2 = skip_statement(i);
                out.push(Command::Other {
                    what: format!("'{w}' command"),
                    origin: cx.origin(i, r2),
                });
                Ok((r2, ()))
            }
            _ => fail(
                i,
                "a command (table, add, insert, delete, flush, define, include)",
            ),
        }
    }

    /// `add := ["add"|"create"] ("table" table | "chain" chainref [chain_block]
    ///        | "rule" rule_cmd | ("set"|"map") tableref name set_block
    ///        | "element" tableref name elements | object)`
    fn add(
        &mut self,
        cx: &Cx<'a>,
        start: &'a str,
        r: &'a str,
        op: AddOp,
        out: &mut Vec<Command<'a>>,
    ) -> PResult<'a, ()> {
        let s = sp(r);
        let (r, what) = word(s)?;
        match what {
            "table" => {
                let (r, mut t) = self.table(cx, start, r)?;
                t.origin = cx.origin(start, r);
                out.push(Command::Table {
                    op,
                    table: Box::new(t),
                });
                Ok((r, ()))
            }
            "chain" => {
                let (r, cr) = chainref(r)?;
                let mut chain = Chain {
                    name: cr.chain,
                    hook: None,
                    policy: None,
                    comment: None,
                    flags: Vec::new(),
                    handle: None,
                    rules: Vec::new(),
                    origin: cx.origin(start, r),
                };
                let t = sp(r);
                let r = if t.starts_with('{') {
                    let r2 = self.chain_block(cx, t, &mut chain)?;
                    chain.origin = cx.origin(start, r2);
                    r2
                } else {
                    r
                };
                out.push(Command::Chain {
                    op,
                    table: cr.table,
                    chain: Box::new(chain),
                });
                Ok((r, ()))
            }
            "rule" => {
                let (r, c) = self.rule_cmd(cx, start, r, RuleOp::Add)?;
                out.push(c);
                Ok((r, ()))
            }
            "set" | "map" => {
                let (r, tr) = tableref(r)?;
                let (r, n) = ident(
                    sp(r),
                    if what == "map" {
                        Place::Map
                    } else {
                        Place::Set
                    },
                )?;
                let mut set = new_set(n, what == "map", cx.origin(start, r));
                let r = self.set_block(cx, sp(r), &mut set)?;
                set.origin = cx.origin(start, r);
                out.push(Command::Set {
                    op,
                    table: tr,
                    set: Box::new(set),
                });
                Ok((r, ()))
            }
            "element" => {
                let (r, tr) = tableref(r)?;
                let (r, n) = ident(sp(r), Place::Set)?;
                let (r, elems) = elements(cx, r, 0)?;
                out.push(Command::Element {
                    op: if op == AddOp::Add {
                        ElementOp::Add
                    } else {
                        ElementOp::Create
                    },
                    table: tr,
                    set: n,
                    elements: elems,
                    loc: cx.loc(start, r),
                });
                Ok((r, ()))
            }
            _ => {
                reserved::object_name(what, r, true)?;
                let r2 = skip_statement(start);
                out.push(Command::Other {
                    what: format!("'{what}' object"),
                    origin: cx.origin(start, r2),
                });
                Ok((r2, ()))
            }
        }
    }

    /// `rule_cmd := chainref [("position"|"handle"|"index") number] rule`
    fn rule_cmd(
        &mut self,
        cx: &Cx<'a>,
        start: &'a str,
        r: &'a str,
        op: RuleOp,
    ) -> PResult<'a, Command<'a>> {
        let (mut r, cr) = chainref(r)?;
        let mut position = None;
        if let Some(w @ ("position" | "handle" | "index")) = peek_word(sp(r)) {
            let (r2, _) = word(sp(r))?;
            let (r2, n) = number(sp(r2))?;
            position = Some(if w == "index" {
                RulePosition::Index(n as u64)
            } else {
                RulePosition::Handle(n as u64)
            });
            r = r2;
        }
        let body_start = sp(r);
        let (r, (stmts, comment)) = rule_body(cx, body_start)?;
        let handle = trailing_handle(r).and_then(NonZeroU64::new);
        let comment = comment.map(|c| &*self.arena.alloc(c));
        Ok((
            r,
            Command::Rule {
                op,
                chain: cr,
                position,
                rule: self.arena.alloc(Rule {
                    stmts,
                    comment,
                    handle,
                    loc: cx.loc(start, r),
                }),
            },
        ))
    }

    /// `delete := ("table" tableref | "chain" chainref | "rule" chainref "handle" number
    ///           | ("set"|"map") tableref name | "element" tableref name elements | other)`
    fn delete(&mut self, cx: &Cx<'a>, start: &'a str, r: &'a str) -> PResult<'a, Command<'a>> {
        let s = sp(r);
        if peek_word(s) == Some("rule") {
            let (r, cr) = chainref(word(s)?.0)?;
            let (r, _) = keyword("handle")(sp(r))?;
            let (r, h) = number(sp(r))?;
            return Ok((
                r,
                Command::Delete {
                    target: Target::Rule {
                        chain: cr,
                        handle: h as u64,
                    },
                    origin: cx.origin(start, r),
                },
            ));
        }
        if peek_word(s) == Some("element") {
            let (r, tr) = tableref(word(s)?.0)?;
            let (r, n) = ident(sp(r), Place::Set)?;
            let (r, elems) = elements(cx, r, 0)?;
            return Ok((
                r,
                Command::Element {
                    op: ElementOp::Delete,
                    table: tr,
                    set: n,
                    elements: elems,
                    loc: cx.loc(start, r),
                },
            ));
        }
        let (r, t) = target(s)?;
        let r = if matches!(t, Target::Other(_)) {
            skip_statement(start)
        } else {
            r
        };
        Ok((
            r,
            Command::Delete {
                target: t,
                origin: cx.origin(start, r),
            },
        ))
    }

    /// `table := "table" tableref [table_block]`
    fn table(&mut self, cx: &Cx<'a>, start: &'a str, r: &'a str) -> PResult<'a, Table<'a>> {
        let (r, tr) = tableref(r)?;
        let header_end = r;
        let mut t = Table {
            family: tr.family,
            name: tr.name,
            flags: Vec::new(),
            comment: None,
            handle: None,
            items: Vec::new(),
            origin: cx.origin(start, header_end),
        };
        let s = sp(r);
        if !s.starts_with('{') {
            return Ok((r, t));
        }
        t.handle = trailing_handle(&s[1..]);
        let r = self.table_block(cx, &s[1..], &mut t)?;
        Ok((r, t))
    }

    /// `table_block := "{" (table_item blanks_sep)* "}"`
    /// `table_item := "chain" name chain_block | ("set"|"map") name set_block
    ///              | "flags" words | "comment" quoted | define | object name block`
    fn table_block(&mut self, cx: &Cx<'a>, i: &'a str, t: &mut Table<'a>) -> BResult<'a> {
        self.table_items(cx, i, t, false)
    }

    /// The items of a table block up to its `}` or, for a file included
    /// inside a table block (`in_include`), up to the end of the file: nft
    /// reads an included file's tokens in place of the `include`.
    fn table_items(
        &mut self,
        cx: &Cx<'a>,
        i: &'a str,
        t: &mut Table<'a>,
        in_include: bool,
    ) -> BResult<'a> {
        let mut i = i;
        loop {
            i = spsep(i);
            if let Some(r) = i.strip_prefix('}') {
                if !in_include {
                    return Ok(r);
                }
                self.error(
                    cx,
                    i,
                    "unexpected '}' in a file included in a table",
                    "a table item",
                );
                i = r;
                continue;
            }
            if i.is_empty() {
                if in_include {
                    return Ok(i);
                }
                return Err(nom::Err::Error(PErr::new(i, "'}' closing the table")));
            }
            let start = i;
            let res: PResult<'a, ()> = (|| {
                let (r, w) = word(i)?;
                match w {
                    "include" => {
                        let (r, p) = quoted(sp(r))?;
                        let origin = cx.origin(start, r);
                        let from = self.stack.last().cloned();
                        self.include(p, from.as_deref(), origin, Dest::Table(t));
                        Ok((r, ()))
                    }
                    "chain" => {
                        let (r, n) = ident(sp(r), Place::Chain)?;
                        let mut c = Chain {
                            name: n,
                            hook: None,
                            policy: None,
                            comment: None,
                            flags: Vec::new(),
                            handle: trailing_handle(sp(r).strip_prefix('{').unwrap_or("")),
                            rules: Vec::new(),
                            origin: cx.origin(start, r),
                        };
                        let r2 = self.chain_block(cx, sp(r), &mut c)?;
                        t.items.push(TableItem::Chain(c));
                        Ok((r2, ()))
                    }
                    "set" | "map" => {
                        let (r, n) =
                            ident(sp(r), if w == "map" { Place::Map } else { Place::Set })?;
                        let mut s = new_set(n, w == "map", cx.origin(start, r));
                        s.handle = trailing_handle(sp(r).strip_prefix('{').unwrap_or(""));
                        let r2 = self.set_block(cx, sp(r), &mut s)?;
                        t.items.push(TableItem::Set(s));
                        Ok((r2, ()))
                    }
                    "flags" => {
                        let (r, f) = word_list(r)?;
                        t.flags.extend(f);
                        Ok((r, ()))
                    }
                    "comment" => {
                        let (r, c) = quoted(sp(r))?;
                        t.comment = Some(c.into());
                        Ok((r, ()))
                    }
                    "define" | "redefine" | "undefine" => {
                        let (r, d) = define(cx, i)?;
                        t.items.push(TableItem::Define(d));
                        Ok((r, ()))
                    }
                    _ => {
                        reserved::object_name(w, r, false)?;
                        let r2 = skip_statement(i);
                        t.items.push(TableItem::Other {
                            what: format!("'{w}' object"),
                            origin: cx.origin(start, r2),
                        });
                        Ok((r2, ()))
                    }
                }
            })();
            match res {
                Ok((r, ())) => i = r,
                Err(e) => {
                    let (at, exp) = perr(e, i);
                    if at.is_empty() {
                        self.error(cx, at, "syntax error", &exp);
                        return Ok(at);
                    }
                    self.error(cx, at, "syntax error", &exp);
                    i = resync(at);
                }
            }
        }
    }

    /// `chain_block := "{" (chain_item blanks_sep)* "}"`
    /// `chain_item := "type" word "hook" word [device] "priority" priority [";" "policy" policy]
    ///              | "policy" policy | "comment" quoted | "flags" words
    ///              | "devices" "=" elements | rule`
    fn chain_block(&mut self, cx: &Cx<'a>, i: &'a str, c: &mut Chain<'a>) -> BResult<'a> {
        let Some(mut i) = sp(i).strip_prefix('{') else {
            return Err(nom::Err::Error(PErr::new(sp(i), "'{'")));
        };
        loop {
            i = spsep(i);
            if let Some(r) = i.strip_prefix('}') {
                return Ok(r);
            }
            if i.is_empty() {
                return Err(nom::Err::Error(PErr::new(i, "'}' closing the chain")));
            }
            let start = i;
            let res: PResult<'a, ()> = (|| match peek_word(i) {
                Some("type") => {
                    let (r, h) = hook(cx, i)?;
                    c.hook = Some(h);
                    Ok((r, ()))
                }
                Some("policy") => {
                    let r = word(i)?.0;
                    let s = sp(r);
                    let (r, v) = match variable(s) {
                        Ok((r, v)) => {
                            reserved::variables_in(
                                &s[..s.len() - r.len()],
                                reserved::Scope::Policy,
                            )
                            .map_err(|e| super::lex::reanchor(s, e))?;
                            (r, Expr::Variable(v))
                        }
                        Err(_) => {
                            let (r, v) = expr::verdict(s)?;
                            (r, Expr::Verdict(cx.verdict_node(v)))
                        }
                    };
                    c.policy = Some(Policy {
                        value: v,
                        origin: cx.origin(start, r),
                    });
                    Ok((r, ()))
                }
                Some("comment") if at_rule_end(quoted(sp(word(i)?.0))?.0) => {
                    let (r, q) = quoted(sp(word(i)?.0))?;
                    c.comment = Some(q.into());
                    Ok((r, ()))
                }
                Some("flags") => {
                    let (r, f) = word_list(word(i)?.0)?;
                    c.flags.extend(f);
                    Ok((r, ()))
                }
                Some("devices") => {
                    let r = word(i)?.0;
                    let s = sp(r);
                    let s = s.strip_prefix('=').unwrap_or(s);
                    let (r, e) = expr::rhs(cx, s, 0)?;
                    if let Some(h) = &mut c.hook {
                        h.devices.push(e);
                    }
                    Ok((r, ()))
                }
                _ => {
                    let (r, (stmts, comment)) = rule_body(cx, i)?;
                    let handle = trailing_handle(r).and_then(NonZeroU64::new);
                    let comment = comment.map(|c| &*cx.arena.alloc(c));
                    c.rules.push(Rule {
                        stmts,
                        comment,
                        handle,
                        loc: cx.loc(start, r),
                    });
                    Ok((r, ()))
                }
            })();
            match res {
                Ok((r, ())) => {
                    if !at_rule_end(r) {
                        let s = sp(r);
                        self.error(cx, s, "unexpected text", "end of line or ';'");
                        i = resync(s);
                    } else {
                        i = r;
                    }
                }
                Err(e) => {
                    let (at, exp) = perr(e, i);
                    self.error(cx, at, "syntax error", &exp);
                    if at.is_empty() {
                        return Ok(at);
                    }
                    i = resync(at);
                }
            }
        }
    }

    /// `set_block := "{" (set_item blanks_sep)* "}"`
    /// `set_item := "type" type ("." type)* [":" type] | "typeof" lhs (":" lhs)
    ///            | "flags" words | "elements" "=" elements | "comment" quoted
    ///            | ("timeout"|"gc-interval"|"size"|"policy") value | "auto-merge" | "counter"`
    fn set_block(&mut self, cx: &Cx<'a>, i: &'a str, s: &mut SetDecl<'a>) -> BResult<'a> {
        let Some(mut i) = sp(i).strip_prefix('{') else {
            return Err(nom::Err::Error(PErr::new(sp(i), "'{'")));
        };
        loop {
            i = spsep(i);
            if let Some(r) = i.strip_prefix('}') {
                return Ok(r);
            }
            if i.is_empty() {
                return Err(nom::Err::Error(PErr::new(i, "'}' closing the set")));
            }
            let res: PResult<'a, ()> = (|| {
                let (r, w) = word(i)?;
                match w {
                    "type" => {
                        let mut r = r;
                        loop {
                            let (r2, ty) = word(sp(r))?;
                            s.key_type.push(ty.into());
                            r = r2;
                            match sp(r).strip_prefix('.') {
                                Some(t) => r = t,
                                None => break,
                            }
                        }
                        if let Some(t) = sp(r).strip_prefix(':') {
                            let (r2, d) = super::lex::word(sp(t))?;
                            let mut r2 = r2;
                            let mut dt = d.to_string();
                            while let Some(t2) = sp(r2).strip_prefix('.') {
                                let (r3, d2) = word(sp(t2))?;
                                dt.push_str(" . ");
                                dt.push_str(d2);
                                r2 = r3;
                            }
                            s.data_type = Some(dt);
                            r = r2;
                        }
                        Ok((r, ()))
                    }
                    "typeof" => {
                        let (mut r, e) = expr::lhs(cx, r)?;
                        match e {
                            Expr::Concat(parts) => s.key_typeof.extend(parts),
                            e => s.key_typeof.push(e),
                        }
                        if let Some(t) = sp(r).strip_prefix(':') {
                            let u = sp(t);
                            let u = match keyword("interval")(u) {
                                Ok((u2, _)) => sp(u2),
                                Err(_) => u,
                            };
                            let (r2, d) =
                                if let Some(k @ ("verdict" | "limit" | "counter" | "quota")) =
                                    peek_word(u)
                                {
                                    (word(u)?.0, k.into())
                                } else {
                                    let (r2, _) = expr::lhs(cx, u)?;
                                    (r2, u[..u.len() - r2.len()].into())
                                };
                            s.data_type = Some(d);
                            r = r2;
                        }
                        Ok((r, ()))
                    }
                    "flags" => {
                        let (r, f) = word_list(r)?;
                        s.flags.extend(f);
                        Ok((r, ()))
                    }
                    "elements" => {
                        let t = sp(r);
                        let t = t.strip_prefix('=').unwrap_or(t);
                        let (r, e) = elements(cx, t, 0)?;
                        s.elements.extend(e);
                        Ok((r, ()))
                    }
                    "comment" => {
                        let (r, c) = quoted(sp(r))?;
                        s.comment = Some(c.into());
                        Ok((r, ()))
                    }
                    "auto-merge" | "counter" | "quota" => {
                        let r2 = if w == "quota" { skip_statement(i) } else { r };
                        s.settings.push((w.into(), String::new()));
                        Ok((r2, ()))
                    }
                    _ => {
                        let r2 = skip_statement(i);
                        let v = i[w.len()..i.len() - r2.len()].trim().into();
                        s.settings.push((w.into(), v));
                        Ok((r2, ()))
                    }
                }
            })();
            match res {
                Ok((r, ())) => i = r,
                Err(e) => {
                    let (at, exp) = perr(e, i);
                    self.error(cx, at, "syntax error", &exp);
                    if at.is_empty() {
                        return Ok(at);
                    }
                    i = resync(at);
                }
            }
        }
    }

    /// `include := "include" quoted` — relative to the including file, then the
    /// include path; globs (`*`, `?`) expand in sorted order.
    fn include(
        &mut self,
        pat: &str,
        from: Option<&Path>,
        origin: crate::model::Origin,
        mut dest: Dest<'_, 'a>,
    ) {
        let issue = |level: Level, message: String| Issue {
            level,
            message,
            expected: None,
            help: None,
            origin: origin.clone(),
        };
        if !self.read_includes {
            self.issues.push(issue(
                Level::Warning,
                format!("include \"{pat}\" not followed (input is not a file on disk)"),
            ));
            return;
        }
        if self.stack.len() >= MAX_INCLUDE_DEPTH {
            self.issues.push(issue(
                Level::Error,
                format!("include \"{pat}\": includes nested deeper than {MAX_INCLUDE_DEPTH}"),
            ));
            return;
        }
        let files = resolve_include(pat, from, &self.include_path);
        let is_glob = pat.contains(['*', '?', '[']);
        if files.is_empty() {
            if !is_glob {
                self.issues.push(issue(
                    Level::Error,
                    format!("include \"{pat}\": file not found"),
                ));
            }
            return;
        }
        for f in files {
            let canon = f.canonicalize().unwrap_or_else(|_| f.clone());
            if self
                .stack
                .iter()
                .any(|s| s.canonicalize().unwrap_or_else(|_| s.clone()) == canon)
            {
                self.issues.push(issue(
                    Level::Error,
                    format!("include cycle: {} includes itself", f.display()),
                ));
                continue;
            }
            let input = match crate::read::Input::read(&f) {
                Ok(i) => i,
                Err(e) => {
                    self.issues
                        .push(issue(Level::Error, format!("include: {e}")));
                    continue;
                }
            };
            let sf = match input.text() {
                Ok(t) => t,
                Err(e) => {
                    self.issues
                        .push(issue(Level::Error, format!("include: {e}")));
                    continue;
                }
            };
            // The tree borrows the included text: a copy in the arena
            // lives as long as the tree.
            let text: &'a str = self.arena.alloc_str(&sf.text);
            match &mut dest {
                Dest::Commands(out) => {
                    let cmds = self.file(Arc::clone(&sf), text, Some(&f));
                    out.extend(cmds);
                }
                Dest::Table(t) => self.table_file(&sf, text, &f, t),
            }
        }
    }

    /// Read an included file's text as items of the table block `t`.
    fn table_file(&mut self, sf: &Arc<SourceFile>, text: &'a str, path: &Path, t: &mut Table<'a>) {
        let mut cx = Cx::new(Arc::clone(sf), text, self.arena);
        cx.file_no = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
        self.files.push(Arc::clone(sf));
        let mut part = Table {
            family: t.family,
            name: t.name,
            flags: Vec::new(),
            comment: None,
            handle: None,
            items: Vec::new(),
            origin: t.origin.clone(),
        };
        self.stack.push(path.to_path_buf());
        // Errors are recorded as issues; the end of the file ends the items.
        let _ = self.table_items(&cx, text, &mut part, true);
        self.stack.pop();
        t.items.extend(part.items);
        t.flags.extend(part.flags);
        if part.comment.is_some() {
            t.comment = part.comment;
        }
    }
}

/// Where the commands or items of an included file go.
enum Dest<'o, 'a> {
    /// File level: commands.
    Commands(&'o mut Vec<Command<'a>>),
    /// Inside a table block: items of that table.
    Table(&'o mut Table<'a>),
}

/// Expand an include pattern to files.
pub fn resolve_include(pat: &str, from: Option<&Path>, search: &[PathBuf]) -> Vec<PathBuf> {
    let p = Path::new(pat);
    let mut dirs: Vec<PathBuf> = Vec::new();
    if p.is_absolute() {
        dirs.push(PathBuf::new());
    } else {
        if let Some(d) = from.and_then(Path::parent) {
            dirs.push(d.to_path_buf());
        }
        if pat.starts_with("./") || pat.starts_with("../") {
            // nft itself resolves these against the working directory.
            dirs.push(PathBuf::from("."));
        }
        dirs.extend(search.iter().cloned());
    }
    for d in dirs {
        let joined = if d.as_os_str().is_empty() {
            p.to_path_buf()
        } else {
            d.join(p)
        };
        // Drop `.` components so that diagnostics show tidy paths.
        let full: PathBuf = joined
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        let found = if pat.contains(['*', '?', '[']) {
            glob_files(&full)
        } else if full.is_file() {
            vec![full]
        } else {
            Vec::new()
        };
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// Files matching a glob in its last path component (nft uses glob(3) with
/// the pattern usually only in the file name).
fn glob_files(full: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(pat)) = (full.parent(), full.file_name().and_then(|f| f.to_str())) else {
        return Vec::new();
    };
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| !n.starts_with('.') && glob_match(pat.as_bytes(), n.as_bytes()))
        })
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

/// One item of a glob pattern.
enum GlobItem {
    Star,
    One(Box<dyn Fn(u8) -> bool>),
}

fn glob_items(p: &[u8]) -> Vec<GlobItem> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < p.len() {
        match p[k] {
            b'*' => out.push(GlobItem::Star),
            b'?' => out.push(GlobItem::One(Box::new(|_| true))),
            b'[' => {
                if let Some(end) = p[k + 1..].iter().skip(1).position(|&c| c == b']') {
                    let end = k + 2 + end;
                    let mut body = p[k + 1..end].to_vec();
                    let neg = matches!(body.first(), Some(b'!' | b'^'));
                    if neg {
                        body.remove(0);
                    }
                    let mut ranges = Vec::new();
                    let mut j = 0;
                    while j < body.len() {
                        if j + 2 < body.len() && body[j + 1] == b'-' {
                            ranges.push((body[j], body[j + 2]));
                            j += 3;
                        } else {
                            ranges.push((body[j], body[j]));
                            j += 1;
                        }
                    }
                    out.push(GlobItem::One(Box::new(move |c| {
                        ranges.iter().any(|&(a, b)| a <= c && c <= b) != neg
                    })));
                    k = end + 1;
                    continue;
                }
                out.push(GlobItem::One(Box::new(|c| c == b'[')));
            }
            c => out.push(GlobItem::One(Box::new(move |x| x == c))),
        }
        k += 1;
    }
    out
}

/// `*`, `?` and `[...]` glob matching (linear-time two-pointer algorithm).
pub fn glob_match(p: &[u8], s: &[u8]) -> bool {
    let p = glob_items(p);
    let (mut pi, mut si) = (0, 0);
    let (mut star, mut mark) = (usize::MAX, 0);
    while si < s.len() {
        match p.get(pi) {
            Some(GlobItem::One(f)) if f(s[si]) => {
                pi += 1;
                si += 1;
            }
            Some(GlobItem::Star) => {
                star = pi;
                pi += 1;
                mark = si;
            }
            _ if star != usize::MAX => {
                pi = star + 1;
                mark += 1;
                si = mark;
            }
            _ => return false,
        }
    }
    while matches!(p.get(pi), Some(GlobItem::Star)) {
        pi += 1;
    }
    pi == p.len()
}

fn new_set(n: &str, is_map: bool, origin: crate::model::Origin) -> SetDecl<'_> {
    SetDecl {
        name: n,
        is_map,
        key_type: Vec::new(),
        key_typeof: Vec::new(),
        data_type: None,
        flags: Vec::new(),
        elements: Vec::new(),
        settings: Vec::new(),
        comment: None,
        handle: None,
        origin,
    }
}

/// `define := ("define"|"redefine") name "=" rhs | "undefine" name`
pub fn define<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Define<'a>> {
    let (r, w) = word(i)?;
    let kind = match w {
        "define" => DefineKind::Define,
        "redefine" => DefineKind::Redefine,
        _ => DefineKind::Undefine,
    };
    let (r, n) = ident(sp(r), Place::Define)?;
    if kind == DefineKind::Undefine {
        return Ok((
            r,
            Define {
                kind,
                name: n,
                value: None,
                origin: cx.origin(i, r),
            },
        ));
    }
    let s = sp(r);
    let Some(t) = s.strip_prefix('=') else {
        return fail(s, "'='");
    };
    let (r, v) = expr::rhs(cx, t, 0)?;
    Ok((
        r,
        Define {
            kind,
            name: n,
            value: Some(v),
            origin: cx.origin(i, r),
        },
    ))
}

/// `hook := "type" word "hook" word ["device" (quoted|word|$var) | "devices" "=" set]
///          "priority" priority [";"]`
fn hook<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, BaseHook<'a>> {
    let (r, _) = keyword("type")(i)?;
    let (r, ty) = word(sp(r))?;
    let (r, _) = keyword("hook")(sp(r))?;
    let (mut r, hk) = word(sp(r))?;
    let mut devices = Vec::new();
    loop {
        let s = sp(r);
        match peek_word(s) {
            Some("device") => {
                let (r2, e) = expr::value(cx, word(s)?.0, 0)?;
                devices.push(e);
                r = r2;
            }
            Some("devices") => {
                let t = sp(word(s)?.0);
                let t = t.strip_prefix('=').unwrap_or(t);
                let (r2, e) = expr::rhs(cx, t, 0)?;
                devices.push(e);
                r = r2;
            }
            _ => break,
        }
    }
    let s = sp(r);
    let (r, prio) = if let Ok((r2, _)) = keyword("priority")(s) {
        priority(cx, r2)?
    } else {
        return fail(s, "'priority'");
    };
    Ok((
        r,
        BaseHook {
            chain_type: ty.into(),
            hook: hk.into(),
            priority: prio,
            devices,
            origin: cx.origin(i, r),
        },
    ))
}

/// `priority := (signed | "$" name | word) [("+"|"-") number]`
fn priority<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Priority> {
    let s = sp(i);
    let (mut r, base) = if let Ok((r, n)) = signed(s) {
        (r, PriorityBase::Number(n))
    } else if let Ok((r, v)) = variable(s) {
        (r, PriorityBase::Variable(v.into()))
    } else if let Ok((r, w)) = word(s) {
        (r, PriorityBase::Named(w.into()))
    } else {
        return fail(
            s,
            "a priority (number, $variable, or raw/mangle/dstnat/filter/security/srcnat/out)",
        );
    };
    let mut offset = 0i64;
    let t = sp(r);
    if let Some(sign) = t.chars().next().filter(|c| *c == '+' || *c == '-') {
        let (r2, n) = number(sp(&t[1..]))?;
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        offset = if sign == '+' { n } else { -n };
        r = r2;
    }
    Ok((
        r,
        Priority {
            base,
            offset,
            origin: cx.origin(s, r),
        },
    ))
}

/// `tableref := [family] name`
pub fn tableref(i: &str) -> PResult<'_, TableRef<'_>> {
    let s = sp(i);
    let (r, first) = name(s)?;
    if let Some(f) = TableFamily::from_name(first) {
        let t = sp(r);
        if let Ok((r2, n)) = name(t) {
            if !t.starts_with('{') {
                reserved::check(t, n, Place::Table)?;
                return Ok((r2, TableRef { family: f, name: n }));
            }
        }
    }
    reserved::check(s, first, Place::Table)?;
    Ok((
        r,
        TableRef {
            family: TableFamily::Ip,
            name: first,
        },
    ))
}

/// `chainref := tableref name`
pub fn chainref(i: &str) -> PResult<'_, ChainRef<'_>> {
    let s = sp(i);
    // With a family: FAMILY TABLE CHAIN; without: TABLE CHAIN.
    let (r1, a) = name(s)?;
    let (r2, b) = name(sp(r1))?;
    if let Some(f) = TableFamily::from_name(a) {
        if let Ok((r3, c)) = name(sp(r2)) {
            if !matches!(
                c,
                "position" | "handle" | "index" | "counter" | "accept" | "drop"
            ) || peek_word(sp(r3)).is_none() && !at_rule_end(r3)
            {
                reserved::check(sp(r1), b, Place::Table)?;
                reserved::check(sp(r2), c, Place::Chain)?;
                return Ok((
                    r3,
                    ChainRef {
                        table: TableRef { family: f, name: b },
                        chain: c,
                    },
                ));
            }
        }
    }
    reserved::check(s, a, Place::Table)?;
    reserved::check(sp(r1), b, Place::Chain)?;
    Ok((
        r2,
        ChainRef {
            table: TableRef {
                family: TableFamily::Ip,
                name: a,
            },
            chain: b,
        },
    ))
}

/// `target := "table" tableref | "chain" chainref | ("set"|"map") tableref name | other`
fn target(i: &str) -> PResult<'_, Target<'_>> {
    let (r, w) = word(i)?;
    match w {
        "table" => tableref(r).map(|(r, t)| (r, Target::Table(t))),
        "chain" => chainref(r).map(|(r, c)| (r, Target::Chain(c))),
        "set" | "map" => {
            let (r, t) = tableref(r)?;
            let (r, n) = ident(sp(r), if w == "map" { Place::Map } else { Place::Set })?;
            Ok((
                r,
                if w == "set" {
                    Target::Set { table: t, name: n }
                } else {
                    Target::Map { table: t, name: n }
                },
            ))
        }
        _ => Ok((r, Target::Other(w.into()))),
    }
}

/// `words := word ("," word)*`
fn word_list(i: &str) -> PResult<'_, Vec<String>> {
    let mut out = Vec::new();
    let (mut r, w) = word(sp(i))?;
    out.push(w.into());
    while let Some(t) = sp(r).strip_prefix(',') {
        let (r2, w) = word(sp(t))?;
        out.push(w.into());
        r = r2;
    }
    Ok((r, out))
}

/// A `# handle N` comment right after a rule or a block opener.
fn trailing_handle(r: &str) -> Option<u64> {
    // Blanks and '#' first: the line end is looked for only after a comment.
    // Blanks within the line only (no search for its end).
    let blank = |c: char| c.is_whitespace() && c != '\n';
    let t = r.trim_start_matches([' ', '\t']).strip_prefix('#')?;
    let t = t.trim_start_matches(blank);
    let t = t.strip_prefix("handle")?.trim_start_matches(blank);
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    t[..digits].parse().ok()
}

/// The token a syntax error shows as "found": up to a blank or a
/// separator (`;`, `,`, braces, parentheses), so that `$memory;` shows
/// `memory`, not `memory;`; a separator alone is its own token.
fn found_token(line: &str) -> &str {
    let separator = |c: char| c.is_whitespace() || matches!(c, ';' | ',' | '{' | '}' | '(' | ')');
    match line.char_indices().find(|&(_, c)| separator(c)) {
        Some((0, c)) if !c.is_whitespace() => &line[..c.len_utf8()],
        Some((end, _)) => &line[..end],
        None => line,
    }
}

/// Skip to the end of the current statement: the next newline or `;` outside
/// brackets, or just before an unmatched `}`.
pub fn skip_statement(i: &str) -> &str {
    let b = i.as_bytes();
    let mut depth = 0usize;
    let mut k = 0;
    while k < b.len() {
        match b[k] {
            b'"' => {
                if let Some(p) = i[k + 1..].find(['"', '\n']) {
                    k += p + 1;
                    if b[k] == b'\n' {
                        continue;
                    }
                }
            }
            b'#' => {
                while k < b.len() && b[k] != b'\n' {
                    k += 1;
                }
                continue;
            }
            b'\\' if b.get(k + 1) == Some(&b'\n') => k += 1,
            b'{' | b'(' => depth += 1,
            b'}' | b')' => {
                if depth == 0 {
                    return &i[k..];
                }
                depth -= 1;
            }
            b'\n' | b';' if depth == 0 => return &i[k..],
            _ => {}
        }
        k += 1;
    }
    &i[b.len()..]
}

/// After an error at `at`: resume at the next statement. If the line opens a
/// block that does not close on it, skip the whole block.
fn resync(at: &str) -> &str {
    let r = skip_statement(at);
    if r.len() == at.len() && !r.is_empty() {
        // At an unmatched `}` or separator: step over one char to progress.
        if r.starts_with('}') {
            return r;
        }
        return &r[1..];
    }
    r
}

fn perr<'a>(e: nom::Err<PErr<'a>>, fallback: &'a str) -> (&'a str, String) {
    match e {
        nom::Err::Error(p) | nom::Err::Failure(p) => (p.at, p.expected.into_owned()),
        nom::Err::Incomplete(_) => (fallback, "more input".into()),
    }
}

/// Parse a source that is not a file on disk; includes are followed only if
/// `read_includes` (relative to the include path).
pub fn parse_source<'a>(
    arena: &'a Arena,
    sf: &'a Arc<SourceFile>,
    read_includes: bool,
) -> Ruleset<'a> {
    parse_text(arena, Arc::clone(sf), &sf.text, read_includes)
}

/// Parse `text`, which is `sf`'s text or an identical copy of it: the tree
/// borrows from `text` and lives in `arena`.
fn parse_text<'a>(
    arena: &'a Arena,
    sf: Arc<SourceFile>,
    text: &'a str,
    read_includes: bool,
) -> Ruleset<'a> {
    let mut p = Parser {
        read_includes,
        ..Parser::new(arena)
    };
    let commands = p.file(sf, text, None);
    Ruleset {
        arena,
        commands,
        issues: p.issues,
        files: p.files,
    }
}

/// Parse text without reading includes (for tests and in-memory inputs). The
/// tree borrows from `text`; origins point into a copy named `name`.
pub fn parse_str<'a>(arena: &'a Arena, name: &str, text: &'a str) -> Ruleset<'a> {
    parse_text(arena, SourceFile::new(name, text), text, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree of `text` (its arena is leaked: tests only).
    fn parse_str<'a>(name: &str, text: &'a str) -> Ruleset<'a> {
        super::parse_str(Box::leak(Box::new(Arena::new())), name, text)
    }

    #[test]
    fn block_form() {
        let rs = parse_str(
            "t",
            "table inet filter { # handle 3\n  set s { type ipv4_addr; flags interval; elements = { 10.0.0.0/8,\n 1.2.3.4 } }\n chain input { type filter hook input priority filter + 10; policy drop;\n  ct state established,related accept # handle 7\n  tcp dport { ssh, http } counter packets 0 bytes 0 accept\n }\n}\n",
        );
        assert!(rs.issues.is_empty(), "{:?}", rs.issues);
        let Command::Table { table, .. } = &rs.commands[0] else {
            panic!()
        };
        assert_eq!(table.family, TableFamily::Inet);
        assert_eq!(table.handle, Some(3));
        let TableItem::Set(s) = &table.items[0] else {
            panic!()
        };
        assert_eq!(s.elements.len(), 2);
        assert_eq!(s.flags, vec!["interval"]);
        let TableItem::Chain(c) = &table.items[1] else {
            panic!()
        };
        let h = c.hook.as_ref().unwrap();
        assert_eq!(h.priority.base, PriorityBase::Named("filter".into()));
        assert_eq!(h.priority.offset, 10);
        assert_eq!(c.rules.len(), 2);
        assert_eq!(c.rules[0].handle, NonZeroU64::new(7));
        assert_eq!(
            rs.origin(c.rules[0].loc).text(),
            "ct state established,related accept"
        );
    }

    #[test]
    fn command_form() {
        let rs = parse_str(
            "t",
            "flush ruleset\nadd table ip t\nadd chain ip t c { type filter hook input priority 0 ; policy accept ; }\nadd rule ip t c tcp dport 22 drop\ninsert rule ip t c position 4 udp dport 53 accept\nadd element ip t s { 1.2.3.4 }\ndelete rule ip t c handle 5\ndefine x = { 1, 2 }\n",
        );
        assert!(rs.issues.is_empty(), "{:?}", rs.issues);
        assert_eq!(rs.commands.len(), 8);
        assert!(matches!(
            &rs.commands[4],
            Command::Rule {
                op: RuleOp::Insert,
                position: Some(RulePosition::Handle(4)),
                ..
            }
        ));
        assert!(matches!(
            &rs.commands[6],
            Command::Delete {
                target: Target::Rule { handle: 5, .. },
                ..
            }
        ));
    }

    /// The first chain of the ruleset's first command, a table block.
    fn first_chain<'r>(rs: &'r Ruleset<'_>) -> &'r Chain<'r> {
        let Command::Table { table, .. } = &rs.commands[0] else {
            panic!("not a table: {:?}", rs.commands[0])
        };
        let TableItem::Chain(c) = &table.items[0] else {
            panic!("not a chain: {:?}", table.items[0])
        };
        c
    }

    #[test]
    fn errors_resync_at_next_statement() {
        let rs = parse_str(
            "f.nft",
            "table ip t {\n chain c {\n  tcp dport accept\n  ip saddr 1.2.3.4 drop\n }\n}\n",
        );
        assert_eq!(rs.issues.len(), 1, "{:?}", rs.issues);
        let i = &rs.issues[0];
        assert_eq!((i.origin.line, i.origin.column), (3, 13));
        assert!(i.message.contains("'accept'"), "{}", i.message);
        let c = first_chain(&rs);
        assert_eq!(c.rules.len(), 1);
    }

    /// A variable that nft refuses in a statement's scope (`meta mark set
    /// $length`) is one error at the variable; the chain goes on with the
    /// next rule (the check's error points into the whole input).
    #[test]
    fn refused_variables_resync_at_next_statement() {
        for stmt in [
            "meta mark set $length",
            "ct mark set $zone",
            "log prefix $p",
        ] {
            let text =
                format!("table ip t {{\n chain c {{\n  {stmt}\n  ip saddr 1.2.3.4 drop\n }}\n}}\n");
            let rs = parse_str("f.nft", &text);
            assert_eq!(rs.issues.len(), 1, "{stmt}: {:?}", rs.issues);
            assert_eq!(rs.issues[0].origin.line, 3, "{stmt}");
            assert_eq!(first_chain(&rs).rules.len(), 1, "{stmt}");
        }
        let rs = parse_str(
            "f.nft",
            "table ip t {\n chain c {\n  type filter hook input priority 0; policy $memory;\n  ip saddr 1.2.3.4 drop\n }\n}\n",
        );
        assert_eq!(rs.issues.len(), 1, "{:?}", rs.issues);
        let c = first_chain(&rs);
        assert_eq!(c.rules.len(), 1);
    }

    #[test]
    fn found_tokens_stop_at_separators() {
        for (line, tok) in [
            ("memory; tcp", "memory"),
            ("{ 22 }", "{"),
            ("}", "}"),
            ("22, 23", "22"),
            ("accept", "accept"),
            ("10.0.0.1/24 drop", "10.0.0.1/24"),
            ("", ""),
        ] {
            assert_eq!(found_token(line), tok, "{line}");
        }
    }

    #[test]
    fn unterminated_blocks_are_errors() {
        let rs = parse_str("f", "table ip t {\n chain c {\n  accept\n");
        assert!(!rs.issues.is_empty());
    }

    /// nft 1.0.6 accepts `include` inside a table block (checked in a
    /// network namespace): the included file's chains and sets belong to
    /// that table.
    #[test]
    fn include_inside_a_table_block() {
        let dir = std::env::temp_dir().join(format!("fwlint-nft-inc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("chains.nft"),
            "set s { type ipv4_addr; elements = { 1.2.3.4 }; }\n\
             chain c {\n type filter hook input priority 0; policy drop;\n ip saddr @s accept\n}\n",
        )
        .unwrap();
        let main = dir.join("main.nft");
        std::fs::write(
            &main,
            "table ip t {\n include \"chains.nft\"\n chain d {\n tcp dport 22 accept\n }\n}\n",
        )
        .unwrap();
        let sf = SourceFile::new(
            main.display().to_string(),
            std::fs::read_to_string(&main).unwrap(),
        );
        let arena = Arena::new();
        let rs = parse_file(&arena, &sf, Some(&main));
        assert!(rs.issues.is_empty(), "{:?}", rs.issues);
        let Command::Table { table, .. } = &rs.commands[0] else {
            panic!()
        };
        let names: Vec<String> = table
            .items
            .iter()
            .map(|i| match i {
                TableItem::Chain(c) => format!("chain {}", c.name),
                TableItem::Set(s) => format!("set {}", s.name),
                _ => "other".into(),
            })
            .collect();
        assert_eq!(names, ["set s", "chain c", "chain d"]);
        let TableItem::Chain(c) = &table.items[1] else {
            panic!()
        };
        assert!(rs
            .origin(c.rules[0].loc)
            .file_name()
            .ends_with("chains.nft"));
        assert_eq!(rs.origin(c.rules[0].loc).line, 4);
        // Lowered: the included chain filters input and sees the included set.
        let model = super::super::lower::lower(&rs);
        let p = crate::model::Packet::parse("tcp 1.2.3.4:1000 10.0.0.1:22").unwrap();
        let body = &model.filter("input").unwrap().body;
        let d = crate::model::eval::evaluate(body, &p, &crate::model::eval::NoSymbols);
        assert_eq!(d.verdict, crate::model::Action::Allow);
        // A missing file inside a table is reported at the include.
        std::fs::write(&main, "table ip t {\n include \"nope.nft\"\n}\n").unwrap();
        let sf = SourceFile::new(
            main.display().to_string(),
            std::fs::read_to_string(&main).unwrap(),
        );
        let arena = Arena::new();
        let rs = parse_file(&arena, &sf, Some(&main));
        assert!(rs
            .issues
            .iter()
            .any(|i| i.message.contains("file not found") && i.origin.line == 2));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Errors of `text`: (line, column, expected).
    fn errors(text: &str) -> Vec<(u32, u32, String)> {
        parse_str("f.nft", text)
            .issues
            .iter()
            .filter(|i| i.level == Level::Error)
            .map(|i| {
                (
                    i.origin.line,
                    i.origin.column,
                    i.expected.clone().unwrap_or_default(),
                )
            })
            .collect()
    }

    /// nft 1.0.6 refuses a keyword, a quoted name or a number where a name
    /// is expected (checked with `nft -c`; `tests/nft_reserved_oracle.rs`
    /// covers every word): a syntax error at the name, then the parser goes on.
    #[test]
    fn keywords_as_names_are_syntax_errors() {
        let rs = parse_str(
            "f.nft",
            "table ip t {\n chain fwd {\n  accept\n }\n chain input {\n  jump web\n }\n chain web {\n }\n}\n",
        );
        let e: Vec<_> = rs
            .issues
            .iter()
            .filter(|i| i.level == Level::Error)
            .collect();
        assert_eq!(e.len(), 1, "{:?}", rs.issues);
        assert_eq!((e[0].origin.line, e[0].origin.column), (2, 8));
        assert!(
            e[0].message
                .contains("found 'fwd', expected a chain name; `fwd` is an nft keyword"),
            "{}",
            e[0].message
        );
        // Recovery: the block of the refused chain is skipped, the rest is read.
        let Command::Table { table, .. } = &rs.commands[0] else {
            panic!()
        };
        let names: Vec<&str> = table
            .items
            .iter()
            .filter_map(|i| match i {
                TableItem::Chain(c) => Some(c.name),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["input", "web"]);

        let one = |text: &str, line: u32, col: u32, what: &str| {
            let e = errors(text);
            assert_eq!(e.len(), 1, "{text}: {e:?}");
            assert_eq!((e[0].0, e[0].1), (line, col), "{text}: {e:?}");
            assert!(e[0].2.starts_with(what), "{text}: {e:?}");
        };
        one("table ip fwd {\n}\n", 1, 10, "a table name; `fwd`");
        one("table ip {\n}\n", 1, 7, "a table name; `ip`");
        one("add table inet meta\n", 1, 16, "a table name");
        one("add chain ip t ip6\n", 1, 16, "a chain name; `ip6`");
        one("add rule ip t tcp accept\n", 1, 15, "a chain name; `tcp`");
        one("add rule t log accept\n", 1, 12, "a chain name; `log`");
        one(
            "table ip t {\n set mark {\n  type mark\n }\n}\n",
            2,
            6,
            "a set name",
        );
        one(
            "table ip t {\n map vmap {\n  type mark : verdict\n }\n}\n",
            2,
            6,
            "a map name",
        );
        one("add set ip t ct { type mark; }\n", 1, 14, "a set name");
        one("add element ip t ct { 1 }\n", 1, 18, "a set name");
        one("define queue = 1\n", 1, 8, "a variable name; `queue`");
        one(
            "table ip t {\n chain c {\n  goto meta\n }\n}\n",
            3,
            8,
            "a chain name; `meta`",
        );
        // Inside braces the recovery stops at the closing brace, as for any
        // syntax error there: only the first error is this one.
        let e = errors("table ip t {\n chain c {\n  tcp dport vmap { 22 : jump dup }\n }\n}\n");
        assert_eq!((e[0].0, e[0].1), (3, 30), "{e:?}");
        assert!(e[0].2.starts_with("a chain name; `dup`"), "{e:?}");
        one(
            "table ip t {\n chain c {\n  tcp dport $type accept\n }\n}\n",
            3,
            14,
            "a variable name after '$'",
        );
        one(
            "table ip t {\n chain c {\n  ip saddr @nh accept\n }\n}\n",
            3,
            13,
            "a set name after '@'",
        );
        one(
            "table ip t {\n counter packets {\n }\n}\n",
            2,
            10,
            "a counter name; `packets`",
        );
        one(
            "table ip t {\n ct helper zone {\n  type \"ftp\" protocol tcp\n }\n}\n",
            2,
            12,
            "a ct helper name",
        );
        one(
            "table ip t {\n flowtable offload {\n }\n}\n",
            2,
            12,
            "a flowtable name",
        );
        one(
            "add quota ip t used { 25 mbytes }\n",
            1,
            16,
            "a quota name; `used`",
        );
        one(
            "table ip t {\n chain \"web\" {\n }\n}\n",
            2,
            8,
            "a chain name as a bare word",
        );
        one(
            "table ip 22 {\n}\n",
            1,
            10,
            "a table name; nft reads `22` as a number",
        );
    }

    /// Words that are keywords only in some scanner states, and words that
    /// merely contain a keyword, are names elsewhere.
    #[test]
    fn names_nft_accepts() {
        for text in [
            "table ip saddr {\n chain input {\n  jump forward\n }\n chain forward {\n }\n}\n",
            "table inet filter {\n chain ssh-in {\n }\n chain fwd-in {\n  goto ssh-in\n }\n}\n",
            "table ip t {\n set ll {\n  type ipv4_addr\n }\n counter web {\n }\n ct helper ftp-std {\n  type \"ftp\" protocol tcp\n }\n}\n",
            "define zone = 22\ntable ip t {\n chain c {\n  tcp dport $zone accept\n  @th,0,16 22 accept\n  ip saddr @saddr accept\n }\n}\n",
            "add table ip t\nadd chain ip t input\nadd rule ip t input counter accept\nadd counter ip t web\n",
            "table ip t {\n chain c {\n  meta mark set @th,0,16\n }\n}\n",
        ] {
            assert_eq!(errors(text), [], "{text}");
        }
    }

    #[test]
    fn globs() {
        assert!(glob_match(b"*.nft", b"a.nft"));
        assert!(!glob_match(b"*.nft", b"a.conf"));
        assert!(glob_match(b"a?c*", b"abcdef"));
        assert!(glob_match(b"[0-9]*-*.nft", b"10-ssh.nft"));
        assert!(!glob_match(b"[0-9]*-*.nft", b"base.nft"));
        assert!(glob_match(b"[!a]x", b"bx"));
    }
}

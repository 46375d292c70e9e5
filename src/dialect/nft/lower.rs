//! Lowering an nft syntax tree to the vendor-neutral model, with the kernel's
//! semantics:
//!
//! 1. Commands are applied in order to a ruleset state (tables, chains, rules,
//!    sets, defines), as `nft -f` does in one transaction: `add`/`create`,
//!    `insert` with `position`/`index`, `replace`, `delete`, `flush`,
//!    `define`/`redefine`/`undefine` (variables expand where they are used,
//!    in text order, like nft's parser does).
//! 2. Every chain of every `ip`/`ip6`/`inet` table becomes a model chain named
//!    `FAMILY TABLE CHAIN`; each hook (`input`, `forward`, `output`, and
//!    `prerouting`/`postrouting`/`ingress` when used) becomes one pipeline
//!    filter whose base chains are sorted by priority.
//!
//! Equal priorities: the kernel (`nf_hook_entries_grow`) inserts a new hook
//! entry before the first existing entry whose priority is not lower, so among
//! base chains of equal priority the one registered LAST runs FIRST. Verified
//! on the real kernel (Debian 6.x, nft 1.0.6): two output chains at priority
//! 0, the first created setting `meta mark set 1` and the second counting
//! `meta mark 0`: the second chain saw mark 0, i.e. ran first. fwlint sorts
//! base chains by (priority, reverse creation order).
//!
//! Rules: one model rule per nft rule, except verdict maps (one model rule per
//! distinct verdict, each matching that verdict's keys) and `queue` (see
//! [`queue_rules`]). NAT statements are terminal in the kernel (the NAT
//! expression sets the verdict to accept), so they lower to `Allow`.

use super::ast::{
    self, Command, Expr, Loc, RelOp, Stmt, StmtKind, TableFamily, TableItem, Verdict,
};
use super::conntrack;
use super::lower_match as lm;
use super::names;
use crate::model::{
    Action, BaseChain, Binding, Chain, Cond, DanglingRef, Effect, Filter, FilterBody, IssueLevel,
    Match, NamedObject, Origin, ParseIssue, Pipeline, Rule, RuleSet, SourceFile,
};
use std::collections::{HashMap, HashSet};
use std::num::NonZeroU64;
use std::sync::Arc;

/// Where an issue points: an origin of the tree, or a location whose line
/// and column are computed only now.
#[derive(Clone, Copy)]
enum At<'o> {
    Origin(&'o Origin),
    Loc(Loc),
}

impl<'o> From<&'o Origin> for At<'o> {
    fn from(o: &'o Origin) -> Self {
        At::Origin(o)
    }
}

impl From<Loc> for At<'_> {
    fn from(l: Loc) -> Self {
        At::Loc(l)
    }
}

/// Hooks that always get a filter (with no base chain the kernel accepts).
const ALWAYS_HOOKS: [&str; 3] = ["input", "forward", "output"];
/// Hooks that get a filter when some base chain uses them.
const OTHER_HOOKS: [&str; 3] = ["prerouting", "postrouting", "ingress"];

/// Expansion budget for `$variables` (guards against exponential defines).
const MAX_EXPANSION_NODES: usize = 2_000_000;

struct DefSt<'a> {
    name: String,
    value: Expr<'a>,
    origin: Origin,
    uses: usize,
    /// 0 = file level; 1 = inside a table block.
    scope: usize,
}

struct HookSt<'a> {
    hook: String,
    priority: i32,
    chain_type: String,
    devices: Vec<Expr<'a>>,
}

struct ChainSt<'a> {
    name: String,
    origin: Origin,
    hook: Option<HookSt<'a>>,
    policy: Option<(Action, Origin)>,
    rules: Vec<RuleSt<'a>>,
    /// Registration order of the base chain (for equal priorities).
    reg: u64,
}

struct RuleSt<'a> {
    rule: ast::Rule<'a>,
    handle: u64,
}

struct SetSt<'a> {
    decl: ast::SetDecl<'a>,
}

struct TableSt<'a> {
    family: TableFamily,
    name: String,
    origin: Origin,
    chains: Vec<ChainSt<'a>>,
    sets: Vec<SetSt<'a>>,
    next_handle: u64,
}

/// The ruleset state while applying commands, and what lowering reports.
struct St<'a> {
    /// The tree's arena: expressions rewritten by `$variable` substitution
    /// and lifted anonymous chains go there too.
    arena: &'a ast::Arena,
    /// The files the tree's [`Loc`]s index.
    files: Vec<Arc<SourceFile>>,
    tables: Vec<TableSt<'a>>,
    defines: Vec<DefSt<'a>>,
    reg: u64,
    out: RuleSet,
    expansion: usize,
    /// `notrack` statements met while lowering rules.
    notrack: Vec<conntrack::Site>,
}

/// Lower a parsed (or JSON-read) ruleset to the model. The syntax tree's own
/// issues are carried over.
pub fn lower(rs: &ast::Ruleset<'_>) -> RuleSet {
    let mut st = St {
        arena: rs.arena,
        files: rs.files.clone(),
        tables: Vec::new(),
        defines: Vec::new(),
        reg: 0,
        out: RuleSet::default(),
        expansion: 0,
        notrack: Vec::new(),
    };
    for i in &rs.issues {
        st.issue(
            match i.level {
                ast::Level::Error => IssueLevel::Error,
                ast::Level::Warning => IssueLevel::Warning,
                ast::Level::Note => IssueLevel::Note,
            },
            &i.message,
            &i.origin,
        );
        if let Some(last) = st.out.issues.last_mut() {
            last.expected = i.expected.clone();
            last.help = i.help.clone();
        }
    }
    for c in &rs.commands {
        st.apply(c);
    }
    let defs = std::mem::take(&mut st.defines);
    for d in defs {
        st.define_object(d);
    }
    st.build();
    conntrack::apply(&mut st.out, &st.notrack);
    st.out
}

impl<'a> St<'a> {
    /// The origin (file, line, column, text) of `at`.
    fn origin_of<'o>(&self, at: impl Into<At<'o>>) -> Origin {
        match at.into() {
            At::Origin(o) => o.clone(),
            At::Loc(l) => ast::loc_origin(&self.files, l),
        }
    }

    /// The source text at `loc`.
    fn text_of(&self, loc: Loc) -> String {
        self.files
            .get(loc.file as usize)
            .and_then(|f| f.text.get(loc.span()))
            .unwrap_or("")
            .to_string()
    }

    fn issue<'o>(&mut self, level: IssueLevel, msg: &str, at: impl Into<At<'o>>) {
        let origin = self.origin_of(at);
        self.out.issues.push(ParseIssue {
            level,
            message: msg.to_string(),
            expected: None,
            help: None,
            origin,
        });
    }

    fn define_object(&mut self, d: DefSt<'a>) {
        self.out.objects.push(NamedObject {
            kind: "define".into(),
            name: d.name,
            origin: d.origin,
            uses: d.uses,
        });
    }

    fn table_idx(&self, f: TableFamily, name: &str) -> Option<usize> {
        self.tables
            .iter()
            .position(|t| t.family == f && t.name == name)
    }

    fn ensure_table(&mut self, f: TableFamily, name: &str, origin: &Origin) -> usize {
        if let Some(i) = self.table_idx(f, name) {
            return i;
        }
        self.tables.push(TableSt {
            family: f,
            name: name.to_string(),
            origin: origin.clone(),
            chains: Vec::new(),
            sets: Vec::new(),
            next_handle: 1,
        });
        self.tables.len() - 1
    }

    fn existing_table<'o>(
        &mut self,
        t: &ast::TableRef<'_>,
        origin: impl Into<At<'o>>,
    ) -> Option<usize> {
        let r = self.table_idx(t.family, t.name);
        if r.is_none() {
            self.issue(
                IssueLevel::Error,
                &format!(
                    "table '{} {}' does not exist (nft refuses this command)",
                    t.family.name(),
                    t.name
                ),
                origin,
            );
        }
        r
    }

    fn apply(&mut self, c: &Command<'a>) {
        match c {
            Command::Table { op, table } => {
                if *op == ast::AddOp::Create && self.table_idx(table.family, table.name).is_some() {
                    self.issue(
                        IssueLevel::Error,
                        &format!("create table: '{}' already exists", table.name),
                        &table.origin,
                    );
                }
                let ti = self.ensure_table(table.family, table.name, &table.origin);
                let scope_mark = self.defines.len();
                for item in &table.items {
                    match item {
                        TableItem::Chain(ch) => self.add_chain(ti, ch, ast::AddOp::Add),
                        TableItem::Set(s) => self.add_set(ti, s, ast::AddOp::Add),
                        TableItem::Define(d) => self.define(d, 1),
                        TableItem::Other { what, origin } => self.issue(
                            IssueLevel::Note,
                            &format!(
                                "{what} is not analysed (it does not decide verdicts by itself)"
                            ),
                            origin,
                        ),
                    }
                }
                // Defines of a table block go out of scope at its end.
                let mut scoped: Vec<DefSt> = Vec::new();
                let mut k = scope_mark.min(self.defines.len());
                while k < self.defines.len() {
                    if self.defines[k].scope == 1 {
                        scoped.push(self.defines.remove(k));
                    } else {
                        k += 1;
                    }
                }
                for d in scoped {
                    self.define_object(d);
                }
            }
            Command::Chain { op, table, chain } => {
                if let Some(ti) = self.existing_table(table, &chain.origin) {
                    self.add_chain(ti, chain, *op);
                }
            }
            Command::Set { op, table, set } => {
                if let Some(ti) = self.existing_table(table, &set.origin) {
                    self.add_set(ti, set, *op);
                }
            }
            Command::Rule {
                op,
                chain,
                position,
                rule,
            } => self.add_rule_cmd(*op, chain, *position, rule),
            Command::Element {
                op,
                table,
                set,
                elements,
                loc,
            } => {
                let Some(ti) = self.existing_table(table, *loc) else {
                    return;
                };
                let elements: Vec<ast::SetElem<'a>> =
                    elements.iter().map(|e| self.subst_elem(e, e.loc)).collect();
                let Some(s) = self.tables[ti]
                    .sets
                    .iter_mut()
                    .find(|s| &s.decl.name == set)
                else {
                    self.issue(
                        IssueLevel::Error,
                        &format!("set '{set}' does not exist in table '{}'", table.name),
                        *loc,
                    );
                    let origin = self.origin_of(*loc);
                    self.out.dangling.push(DanglingRef {
                        kind: "set".into(),
                        name: set.to_string(),
                        origin,
                    });
                    return;
                };
                match op {
                    ast::ElementOp::Add | ast::ElementOp::Create => {
                        s.decl.elements.extend(elements)
                    }
                    ast::ElementOp::Delete => {
                        let keys: Vec<String> =
                            elements.iter().map(|e| format!("{:?}", e.key)).collect();
                        s.decl
                            .elements
                            .retain(|e| !keys.contains(&format!("{:?}", e.key)));
                    }
                }
            }
            Command::Flush { target, origin } => self.flush(target, origin),
            Command::Delete { target, origin } => self.delete(target, origin),
            Command::Define(d) => self.define(d, 0),
            Command::Other { what, origin } => self.issue(
                IssueLevel::Note,
                &format!("{what} does not change the ruleset; ignored"),
                origin,
            ),
        }
    }

    fn define(&mut self, d: &ast::Define<'a>, scope: usize) {
        let pos = self.defines.iter().rposition(|x| x.name == d.name);
        match d.kind {
            ast::DefineKind::Undefine => match pos {
                Some(p) => {
                    let old = self.defines.remove(p);
                    self.define_object(old);
                }
                None => {
                    self.issue(
                        IssueLevel::Error,
                        &format!("undefine: '{}' is not defined", d.name),
                        &d.origin,
                    );
                }
            },
            kind => {
                if kind == ast::DefineKind::Define
                    && pos.is_some_and(|p| self.defines[p].scope == scope)
                {
                    self.issue(
                        IssueLevel::Error,
                        &format!("'{}' is already defined (use redefine)", d.name),
                        &d.origin,
                    );
                }
                let value = match &d.value {
                    Some(v) => self.subst(v, &d.origin),
                    None => Expr::Set(&[]),
                };
                if let Some(p) = pos {
                    if kind == ast::DefineKind::Redefine || self.defines[p].scope == scope {
                        let old = self.defines.remove(p);
                        self.define_object(old);
                    }
                }
                self.defines.push(DefSt {
                    name: d.name.to_string(),
                    value,
                    origin: d.origin.clone(),
                    uses: 0,
                    scope,
                });
            }
        }
    }

    /// Replace `$variables` by their current values.
    fn subst<'o>(&mut self, e: &Expr<'a>, at: impl Into<At<'o>>) -> Expr<'a> {
        if !has_var(e) {
            return *e;
        }
        let origin = at.into();
        match e {
            Expr::Variable(n) => match self.defines.iter().rposition(|d| &d.name == n) {
                Some(p) => {
                    self.defines[p].uses += 1;
                    let v = self.defines[p].value;
                    self.expansion += size(&v);
                    if self.expansion > MAX_EXPANSION_NODES {
                        self.issue(
                            IssueLevel::Error,
                            &format!("variable expansion too large at '${n}'; left unexpanded"),
                            origin,
                        );
                        return *e;
                    }
                    v
                }
                None => {
                    self.issue(
                        IssueLevel::Error,
                        &format!("undefined variable '${n}' (nft refuses the file)"),
                        origin,
                    );
                    let origin = self.origin_of(origin);
                    self.out.dangling.push(DanglingRef {
                        kind: "variable".into(),
                        name: n.to_string(),
                        origin,
                    });
                    *e
                }
            },
            Expr::Prefix(a, l) => Expr::Prefix(self.subst_ref(a, origin), *l),
            Expr::Range(a, b) => Expr::Range(self.subst_ref(a, origin), self.subst_ref(b, origin)),
            Expr::Concat(v) => Expr::Concat(self.subst_all(v, origin)),
            Expr::List(v) => Expr::List(self.subst_all(v, origin)),
            Expr::Set(v) => {
                let els: Vec<ast::SetElem<'a>> =
                    v.iter().map(|el| self.subst_elem(el, origin)).collect();
                Expr::Set(self.arena.alloc_slice_copy(&els))
            }
            Expr::Binop { op, left, right } => Expr::Binop {
                op: *op,
                left: self.subst_ref(left, origin),
                right: self.subst_ref(right, origin),
            },
            Expr::Map { key, map } => Expr::Map {
                key: self.subst_ref(key, origin),
                map: self.subst_ref(map, origin),
            },
            other => *other,
        }
    }

    /// [`St::subst`] of an arena node: the same node when it has no variable.
    fn subst_ref<'o>(&mut self, e: &'a Expr<'a>, at: impl Into<At<'o>>) -> &'a Expr<'a> {
        if !has_var(e) {
            return e;
        }
        let v = self.subst(e, at);
        self.arena.alloc(v)
    }

    /// [`St::subst`] of each expression of a list, as a new arena slice.
    fn subst_all<'o>(&mut self, v: &'a [Expr<'a>], at: impl Into<At<'o>>) -> &'a [Expr<'a>] {
        let at = at.into();
        let out: Vec<Expr<'a>> = v.iter().map(|x| self.subst(x, at)).collect();
        self.arena.alloc_slice_copy(&out)
    }

    /// A set element with its `$variables` substituted (problems reported
    /// at `at`).
    fn subst_elem<'o>(&mut self, e: &ast::SetElem<'a>, at: impl Into<At<'o>>) -> ast::SetElem<'a> {
        let at = at.into();
        ast::SetElem {
            key: self.subst_ref(e.key, at),
            value: e.value.map(|v| self.subst_ref(v, at)),
            options: e.options,
            loc: e.loc,
        }
    }

    fn subst_rule(&mut self, r: &ast::Rule<'a>) -> ast::Rule<'a> {
        let mut out = *r;
        if !r.stmts.iter().any(stmt_has_var) {
            return out;
        }
        let mut stmts = r.stmts.to_vec();
        for s in &mut stmts {
            let o = s.loc(r.loc.file);
            match &mut s.kind {
                StmtKind::Match { left, right, .. } => {
                    *left = self.subst_ref(left, o);
                    *right = self.subst_ref(right, o);
                }
                StmtKind::VerdictMap { key, map } => {
                    *key = self.subst_ref(key, o);
                    *map = self.subst_ref(map, o);
                }
                StmtKind::SetUpdate(u) => {
                    let key = self.subst_ref(u.key, o);
                    *u = self.arena.alloc(ast::SetUpdate { key, ..**u });
                }
                StmtKind::Mangle { target, value } => {
                    *target = self.subst_ref(target, o);
                    *value = self.subst_ref(value, o);
                }
                StmtKind::Verdict(v) => {
                    let (Verdict::Jump(n) | Verdict::Goto(n)) = **v else {
                        continue;
                    };
                    if !n.starts_with('$') {
                        continue;
                    }
                    let goto = matches!(v, Verdict::Goto(_));
                    let e = self.subst(&Expr::Variable(&n[1..]), o);
                    if let Expr::Symbol(s2) | Expr::String(s2) = e {
                        *v = self.arena.alloc(if goto {
                            Verdict::Goto(s2)
                        } else {
                            Verdict::Jump(s2)
                        });
                    }
                }
                _ => {}
            }
        }
        out.stmts = self.arena.alloc_slice_copy(&stmts);
        out
    }

    fn add_chain(&mut self, ti: usize, ch: &ast::Chain<'a>, op: ast::AddOp) {
        let family = self.tables[ti].family;
        let hook = ch.hook.as_ref().and_then(|h| {
            let prio = self.priority(family, h)?;
            Some(HookSt {
                hook: h.hook.clone(),
                priority: prio,
                chain_type: h.chain_type.clone(),
                devices: h.devices.clone(),
            })
        });
        let policy = ch.policy.as_ref().and_then(|p| {
            let v = self.subst(&p.value, &p.origin);
            match v {
                Expr::Verdict(Verdict::Accept) => Some((Action::Allow, p.origin.clone())),
                Expr::Verdict(Verdict::Drop) => Some((Action::Deny, p.origin.clone())),
                // `define P = "drop"` (nft refuses a bare `drop` there).
                Expr::Symbol("accept") | Expr::String("accept") => {
                    Some((Action::Allow, p.origin.clone()))
                }
                Expr::Symbol("drop") | Expr::String("drop") => {
                    Some((Action::Deny, p.origin.clone()))
                }
                _ => {
                    self.issue(
                        IssueLevel::Error,
                        "chain policy must be accept or drop",
                        &p.origin,
                    );
                    None
                }
            }
        });
        if policy.is_some() && ch.hook.is_none() {
            if let Some((_, o)) = &policy {
                let o = o.clone();
                self.issue(
                    IssueLevel::Error,
                    "a policy on a regular chain (no hook): nft refuses it",
                    &o,
                );
            }
        }
        let rules: Vec<ast::Rule<'a>> = ch.rules.iter().map(|r| self.subst_rule(r)).collect();
        let reg = {
            self.reg += 1;
            self.reg
        };
        let t = &mut self.tables[ti];
        let existing = t.chains.iter().position(|c| c.name == ch.name);
        let ci = match existing {
            Some(ci) => {
                if op == ast::AddOp::Create {
                    let o = ch.origin.clone();
                    self.issue(
                        IssueLevel::Error,
                        &format!("create chain: '{}' already exists", ch.name),
                        &o,
                    );
                }
                let t = &mut self.tables[ti];
                let c = &mut t.chains[ci];
                if hook.is_some() && c.hook.is_none() && c.rules.is_empty() {
                    c.hook = hook;
                    c.reg = reg;
                }
                if policy.is_some() {
                    c.policy = policy;
                }
                ci
            }
            None => {
                t.chains.push(ChainSt {
                    name: ch.name.to_string(),
                    origin: ch.origin.clone(),
                    hook,
                    policy,
                    rules: Vec::new(),
                    reg,
                });
                t.chains.len() - 1
            }
        };
        for mut r in rules {
            self.lift_anon(ti, &mut r, 0);
            let t = &mut self.tables[ti];
            let handle = r.handle.map_or(t.next_handle, NonZeroU64::get);
            t.next_handle = t.next_handle.max(handle + 1);
            t.chains[ci].rules.push(RuleSt { rule: r, handle });
        }
    }

    /// Turn `jump { ... }` into a jump to a new regular chain of the table.
    fn lift_anon(&mut self, ti: usize, r: &mut ast::Rule<'a>, depth: usize) {
        if !r
            .stmts
            .iter()
            .any(|s| matches!(s.kind, StmtKind::AnonChain { .. }))
        {
            return;
        }
        let mut stmts = r.stmts.to_vec();
        for s in &mut stmts {
            let StmtKind::AnonChain { goto, rules } = s.kind else {
                continue;
            };
            if depth > 16 {
                self.issue(
                    IssueLevel::Error,
                    "anonymous chains nested too deeply",
                    s.loc(r.loc.file),
                );
                s.kind = StmtKind::Other {
                    keyword: "nested anonymous chain",
                };
                continue;
            }
            let origin = self.origin_of(s.loc(r.loc.file));
            let name = format!("<anonymous chain at line {}>", origin.line);
            let name: &'a str = self.arena.alloc_str(&name);
            let mut lowered = Vec::new();
            for ir in rules {
                let mut x = self.subst_rule(ir);
                self.lift_anon(ti, &mut x, depth + 1);
                lowered.push(x);
            }
            self.reg += 1;
            let t = &mut self.tables[ti];
            let mut rs = Vec::new();
            for x in lowered {
                let handle = t.next_handle;
                t.next_handle += 1;
                rs.push(RuleSt { rule: x, handle });
            }
            t.chains.push(ChainSt {
                name: name.to_string(),
                origin,
                hook: None,
                policy: None,
                rules: rs,
                reg: self.reg,
            });
            s.kind = StmtKind::Verdict(self.arena.alloc(if goto {
                Verdict::Goto(name)
            } else {
                Verdict::Jump(name)
            }));
        }
        r.stmts = self.arena.alloc_slice_copy(&stmts);
    }

    fn priority(&mut self, family: TableFamily, h: &ast::BaseHook<'a>) -> Option<i32> {
        let base = match &h.priority.base {
            ast::PriorityBase::Number(n) => Some(*n),
            ast::PriorityBase::Named(n) => named_prio(family, &h.hook, n).map(i64::from),
            ast::PriorityBase::Variable(v) => {
                match self.subst(&Expr::Variable(self.arena.alloc_str(v)), &h.priority.origin) {
                    Expr::Number(n) => i64::try_from(n).ok(),
                    Expr::Symbol(s) => match s.parse::<i64>() {
                        Ok(n) => Some(n),
                        Err(_) => named_prio(family, &h.hook, s).map(i64::from),
                    },
                    Expr::Variable(_) => return None,
                    _ => None,
                }
            }
        };
        match base.map(|b| b + h.priority.offset) {
            Some(p) if i32::try_from(p).is_ok() => Some(p as i32),
            _ => {
                self.issue(
                    IssueLevel::Error,
                    &format!(
                        "invalid chain priority for family {} hook {}",
                        family.name(),
                        h.hook
                    ),
                    &h.priority.origin,
                );
                None
            }
        }
    }

    fn add_set(&mut self, ti: usize, s: &ast::SetDecl<'a>, op: ast::AddOp) {
        let mut decl = s.clone();
        decl.elements = s
            .elements
            .iter()
            .map(|e| self.subst_elem(e, e.loc))
            .collect();
        let t = &mut self.tables[ti];
        match t.sets.iter_mut().find(|x| x.decl.name == s.name) {
            Some(x) => {
                if op == ast::AddOp::Create {
                    let o = s.origin.clone();
                    self.issue(
                        IssueLevel::Error,
                        &format!("create set: '{}' already exists", s.name),
                        &o,
                    );
                } else {
                    x.decl.elements.extend(decl.elements);
                    x.decl.flags.extend(decl.flags);
                }
            }
            None => t.sets.push(SetSt { decl }),
        }
    }

    fn add_rule_cmd(
        &mut self,
        op: ast::RuleOp,
        cr: &ast::ChainRef<'a>,
        position: Option<ast::RulePosition>,
        rule: &ast::Rule<'a>,
    ) {
        let Some(ti) = self.existing_table(&cr.table, rule.loc) else {
            return;
        };
        let Some(ci) = self.tables[ti]
            .chains
            .iter()
            .position(|c| c.name == cr.chain)
        else {
            self.issue(
                IssueLevel::Error,
                &format!(
                    "chain '{}' does not exist in table '{}'",
                    cr.chain, cr.table.name
                ),
                rule.loc,
            );
            return;
        };
        let mut r = self.subst_rule(rule);
        self.lift_anon(ti, &mut r, 0);
        let t = &mut self.tables[ti];
        let handle = r.handle.map_or(t.next_handle, NonZeroU64::get);
        t.next_handle = t.next_handle.max(handle + 1);
        let rules = &mut t.chains[ci].rules;
        let at = match position {
            None => None,
            Some(ast::RulePosition::Handle(h)) => match rules.iter().position(|x| x.handle == h) {
                Some(p) => Some(p),
                None => {
                    self.issue(
                        IssueLevel::Error,
                        &format!("no rule with handle {h} in chain '{}'", cr.chain),
                        rule.loc,
                    );
                    return;
                }
            },
            Some(ast::RulePosition::Index(n)) => {
                if (n as usize) < rules.len() {
                    Some(n as usize)
                } else {
                    self.issue(
                        IssueLevel::Error,
                        &format!("no rule at index {n} in chain '{}'", cr.chain),
                        rule.loc,
                    );
                    return;
                }
            }
        };
        let rs = RuleSt { rule: r, handle };
        match (op, at) {
            (ast::RuleOp::Add, None) => rules.push(rs),
            (ast::RuleOp::Add, Some(p)) => rules.insert(p + 1, rs),
            (ast::RuleOp::Insert, None) => rules.insert(0, rs),
            (ast::RuleOp::Insert, Some(p)) => rules.insert(p, rs),
            (ast::RuleOp::Replace, Some(p)) => rules[p] = rs,
            (ast::RuleOp::Replace, None) => {
                self.issue(IssueLevel::Error, "replace rule needs a handle", rule.loc)
            }
        }
    }

    fn flush(&mut self, target: &ast::Target<'a>, origin: &Origin) {
        match target {
            ast::Target::Ruleset(f) => self.tables.retain(|t| f.is_some_and(|f| f != t.family)),
            ast::Target::Table(t) => {
                if let Some(ti) = self.existing_table(t, origin) {
                    for c in &mut self.tables[ti].chains {
                        c.rules.clear();
                    }
                }
            }
            ast::Target::Chain(c) => {
                if let Some(ti) = self.existing_table(&c.table, origin) {
                    match self.tables[ti]
                        .chains
                        .iter_mut()
                        .find(|x| x.name == c.chain)
                    {
                        Some(ch) => ch.rules.clear(),
                        None => self.issue(
                            IssueLevel::Error,
                            &format!("flush chain: '{}' does not exist", c.chain),
                            origin,
                        ),
                    }
                }
            }
            ast::Target::Set { table, name } | ast::Target::Map { table, name } => {
                if let Some(ti) = self.existing_table(table, origin) {
                    if let Some(s) = self.tables[ti]
                        .sets
                        .iter_mut()
                        .find(|s| &s.decl.name == name)
                    {
                        s.decl.elements.clear();
                    }
                }
            }
            ast::Target::Rule { .. } | ast::Target::Other(_) => self.issue(
                IssueLevel::Note,
                "flush of this object does not change verdicts; ignored",
                origin,
            ),
        }
    }

    fn delete(&mut self, target: &ast::Target<'a>, origin: &Origin) {
        match target {
            ast::Target::Ruleset(_) => self.flush(target, origin),
            ast::Target::Table(t) => {
                if let Some(ti) = self.existing_table(t, origin) {
                    self.tables.remove(ti);
                }
            }
            ast::Target::Chain(c) => {
                if let Some(ti) = self.existing_table(&c.table, origin) {
                    let before = self.tables[ti].chains.len();
                    self.tables[ti].chains.retain(|x| x.name != c.chain);
                    if self.tables[ti].chains.len() == before {
                        self.issue(
                            IssueLevel::Error,
                            &format!("delete chain: '{}' does not exist", c.chain),
                            origin,
                        );
                    }
                }
            }
            ast::Target::Rule { chain, handle } => {
                if let Some(ti) = self.existing_table(&chain.table, origin) {
                    let found = self.tables[ti]
                        .chains
                        .iter_mut()
                        .find(|x| x.name == chain.chain)
                        .map(|ch| {
                            let n = ch.rules.len();
                            ch.rules.retain(|r| r.handle != *handle);
                            n != ch.rules.len()
                        });
                    if found != Some(true) {
                        self.issue(
                            IssueLevel::Error,
                            &format!(
                                "delete rule: no rule with handle {handle} in '{}'",
                                chain.chain
                            ),
                            origin,
                        );
                    }
                }
            }
            ast::Target::Set { table, name } | ast::Target::Map { table, name } => {
                if let Some(ti) = self.existing_table(table, origin) {
                    self.tables[ti].sets.retain(|s| &s.decl.name != name);
                }
            }
            ast::Target::Other(w) => self.issue(
                IssueLevel::Note,
                &format!("delete {w}: does not change verdicts; ignored"),
                origin,
            ),
        }
    }

    /// Build the model: chains, pipelines per hook, named objects.
    fn build(&mut self) {
        let tables = std::mem::take(&mut self.tables);
        // Global chain indexes for modelled tables.
        let mut index: HashMap<(usize, usize), usize> = HashMap::new();
        let mut n = 0;
        for (ti, t) in tables.iter().enumerate() {
            if !modelled(t.family) {
                self.issue(
                    IssueLevel::Note,
                    &format!(
                        "family {} is not analysed (table '{}'); fwlint models ip, ip6 and inet",
                        t.family.name(),
                        t.name
                    ),
                    &t.origin,
                );
                continue;
            }
            for ci in 0..t.chains.len() {
                index.insert((ti, ci), n);
                n += 1;
            }
        }
        // Sets updated from the packet path are dynamic.
        let mut updated: HashSet<(usize, String)> = HashSet::new();
        for (ti, t) in tables.iter().enumerate() {
            for c in &t.chains {
                for r in &c.rules {
                    for s in r.rule.stmts {
                        if let StmtKind::SetUpdate(u) = &s.kind {
                            updated.insert((ti, u.set.to_string()));
                        }
                    }
                }
            }
        }
        let mut chains: Vec<Chain> = Vec::with_capacity(n);
        let mut set_uses: HashMap<(usize, String), usize> = HashMap::new();
        let mut chain_uses: HashMap<usize, usize> = HashMap::new();
        for (ti, t) in tables.iter().enumerate() {
            if !modelled(t.family) {
                continue;
            }
            for c in &t.chains {
                let mut rules = Vec::new();
                for r in &c.rules {
                    let mut lx = RuleCx {
                        st: self,
                        table: t,
                        ti,
                        index: &index,
                        updated: &updated,
                        set_uses: &mut set_uses,
                        chain_uses: &mut chain_uses,
                        file: r.rule.loc.file,
                    };
                    rules.extend(lx.rule(r));
                }
                chains.push(Chain {
                    name: format!("{} {} {}", t.family.name(), t.name, c.name),
                    rules,
                    origin: c.origin.clone(),
                });
            }
        }
        // Named objects: sets, maps, regular chains.
        for (ti, t) in tables.iter().enumerate() {
            for s in &t.sets {
                self.out.objects.push(NamedObject {
                    kind: if s.decl.is_map { "map" } else { "set" }.into(),
                    name: s.decl.name.to_string(),
                    origin: s.decl.origin.clone(),
                    uses: set_uses
                        .get(&(ti, s.decl.name.to_string()))
                        .copied()
                        .unwrap_or(0),
                });
            }
            for (ci, c) in t.chains.iter().enumerate() {
                if c.hook.is_none() {
                    self.out.objects.push(NamedObject {
                        kind: "chain".into(),
                        name: format!("{} {} {}", t.family.name(), t.name, c.name),
                        origin: c.origin.clone(),
                        uses: index
                            .get(&(ti, ci))
                            .and_then(|g| chain_uses.get(g))
                            .copied()
                            .unwrap_or(0),
                    });
                }
            }
        }
        // Pipelines per hook, all sharing one copy of the chains.
        let chains = Arc::new(chains);
        let mut hooks: Vec<&str> = ALWAYS_HOOKS.to_vec();
        for h in OTHER_HOOKS {
            if tables.iter().filter(|t| modelled(t.family)).any(|t| {
                t.chains
                    .iter()
                    .any(|c| c.hook.as_ref().is_some_and(|x| x.hook == h))
            }) {
                hooks.push(h);
            }
        }
        for h in hooks {
            let mut base: Vec<(i32, u64, BaseChain)> = Vec::new();
            let mut origin = None;
            for (ti, t) in tables.iter().enumerate() {
                if !modelled(t.family) {
                    continue;
                }
                for (ci, c) in t.chains.iter().enumerate() {
                    let Some(hk) = &c.hook else { continue };
                    if hk.hook != h {
                        continue;
                    }
                    if origin.is_none() {
                        origin = Some(c.origin.clone());
                    }
                    let _ = (&hk.chain_type, &hk.devices);
                    base.push((
                        hk.priority,
                        c.reg,
                        BaseChain {
                            chain: index[&(ti, ci)],
                            priority: hk.priority,
                            policy: c.policy.as_ref().map(|p| p.0).unwrap_or(Action::Allow),
                            family: match t.family {
                                TableFamily::Ip => Some(crate::model::Family::Ipv4),
                                TableFamily::Ip6 => Some(crate::model::Family::Ipv6),
                                _ => None,
                            },
                            policy_origin: c.policy.as_ref().map(|p| p.1.clone()),
                        },
                    ));
                }
            }
            // Priority ascending; equal priorities: last registered first.
            base.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            let direction = match h {
                "output" | "postrouting" => "out",
                _ => "in",
            };
            self.out.filters.push(Filter {
                name: h.to_string(),
                aliases: Vec::new(),
                dialect: "nft".into(),
                semantics: format!(
                    "nftables hook {h}: base chains by priority; accept ends a base chain, drop is final"
                ),
                body: FilterBody::Pipeline(Pipeline {
                    chains: Arc::clone(&chains),
                    base: base.into_iter().map(|b| b.2).collect(),
                }),
                bindings: vec![Binding {
                    point: h.to_string(),
                    direction: direction.into(),
                    origin: origin.clone(),
                }],
                origin,
            });
        }
    }
}

fn modelled(f: TableFamily) -> bool {
    matches!(f, TableFamily::Ip | TableFamily::Ip6 | TableFamily::Inet)
}

fn named_prio(family: TableFamily, hook: &str, name: &str) -> Option<i32> {
    names::named_priority(family.name(), hook, name)
}

/// Whether a statement names a `$variable` (in an expression or a jump target).
fn stmt_has_var(s: &ast::Stmt<'_>) -> bool {
    match &s.kind {
        StmtKind::Match { left, right, .. } => has_var(left) || has_var(right),
        StmtKind::VerdictMap { key, map } => has_var(key) || has_var(map),
        StmtKind::SetUpdate(u) => has_var(u.key),
        StmtKind::Mangle { target, value } => has_var(target) || has_var(value),
        StmtKind::Verdict(Verdict::Jump(n) | Verdict::Goto(n)) => n.starts_with('$'),
        _ => false,
    }
}

fn has_var(e: &Expr<'_>) -> bool {
    match e {
        Expr::Variable(_) => true,
        Expr::Prefix(a, _) => has_var(a),
        Expr::Range(a, b) => has_var(a) || has_var(b),
        Expr::Concat(v) | Expr::List(v) => v.iter().any(has_var),
        Expr::Set(v) => v
            .iter()
            .any(|el| has_var(el.key) || el.value.is_some_and(has_var)),
        Expr::Binop { left, right, .. } => has_var(left) || has_var(right),
        Expr::Map { key, map } => has_var(key) || has_var(map),
        _ => false,
    }
}

fn size(e: &Expr<'_>) -> usize {
    match e {
        Expr::Prefix(a, _) => 1 + size(a),
        Expr::Range(a, b) => 1 + size(a) + size(b),
        Expr::Concat(v) | Expr::List(v) => 1 + v.iter().map(size).sum::<usize>(),
        Expr::Set(v) => {
            1 + v
                .iter()
                .map(|el| size(el.key) + el.value.map_or(0, size))
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// Lowering context for the rules of one table.
struct RuleCx<'a, 't> {
    st: &'a mut St<'t>,
    table: &'a TableSt<'t>,
    ti: usize,
    index: &'a HashMap<(usize, usize), usize>,
    updated: &'a HashSet<(usize, String)>,
    set_uses: &'a mut HashMap<(usize, String), usize>,
    chain_uses: &'a mut HashMap<usize, usize>,
    /// The file of the rule being lowered (its statements' file).
    file: u32,
}

impl<'t> RuleCx<'_, 't> {
    fn rule(&mut self, rs: &RuleSt<'t>) -> Vec<Rule> {
        let r = &rs.rule;
        let mut conds: Vec<Cond> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let mut out: Vec<Rule> = Vec::new();
        let mut effect = None;
        let label = Some(rs.handle.to_string());
        let rule_origin = self.st.origin_of(r.loc);
        let mk = |matches: Match, effect: Effect, notes: &[String]| {
            let mut m = Rule::new(matches, effect, rule_origin.clone());
            m.label = label.clone();
            m.notes = notes.to_vec();
            m
        };
        if let Some(c) = &r.comment {
            notes.push(format!("comment \"{c}\""));
        }
        for (k, s) in r.stmts.iter().enumerate() {
            match &s.kind {
                StmtKind::Match { left, op, right } => {
                    let c = self.match_conds(left, *op, right, s);
                    conds.extend(c);
                }
                StmtKind::Verdict(v) => {
                    effect = Some(self.verdict(v, s, &mut notes));
                }
                StmtKind::VerdictMap { key, map } => {
                    let (per, miss) = self.vmap(key, map, s, &mut notes);
                    for (cs, eff) in per {
                        let mut m = conds.clone();
                        m.extend(cs);
                        out.push(mk(Match::new(m), eff, &notes));
                    }
                    match miss {
                        Some(c) => conds.extend(c),
                        None => break,
                    }
                }
                StmtKind::Counter { .. } => {}
                StmtKind::Log { options } => {
                    let p = options
                        .iter()
                        .find(|(k, _)| *k == "prefix")
                        .map(|(_, v)| format!(" prefix \"{v}\""))
                        .unwrap_or_default();
                    notes.push(format!("log{p}"));
                }
                StmtKind::Reject { with } => {
                    notes.push(match with {
                        Some(w) => format!("reject with {w}"),
                        None => "reject".into(),
                    });
                    effect = Some(Effect::Deny);
                }
                StmtKind::Nat { kind, args } => {
                    let (kw, note) = match kind {
                        ast::NatKind::Dnat => (
                            "dnat",
                            Some("dnat changes the destination seen by later hooks"),
                        ),
                        ast::NatKind::Snat => ("snat", None),
                        ast::NatKind::Masquerade => ("masquerade", None),
                        ast::NatKind::Redirect => (
                            "redirect",
                            Some("redirect changes the destination seen by later hooks"),
                        ),
                    };
                    notes.push(format!("{kw} {args}").trim_end().to_string());
                    if let Some(n) = note {
                        notes.push(n.into());
                    }
                    effect = Some(Effect::Allow);
                }
                StmtKind::Queue { args } => {
                    self.st.issue(
                        IssueLevel::Warning,
                        "queue hands the packet to a userspace program whose verdict fwlint cannot know: \
                         modelled as accepted if an unknown condition holds, else dropped",
                        s.loc(self.file),
                    );
                    notes.push(format!("queue {args}").trim_end().to_string());
                    let mut a = conds.clone();
                    a.push(Cond::Opaque {
                        what: "userspace queue verdict is accept".into(),
                    });
                    out.push(mk(Match::new(a), Effect::Allow, &notes));
                    effect = Some(Effect::Deny);
                }
                StmtKind::Limit { args } | StmtKind::Quota { args } => {
                    let kw = if matches!(s.kind, StmtKind::Limit { .. }) {
                        "limit"
                    } else {
                        "quota"
                    };
                    let what = format!("{kw} {args}");
                    self.st.issue(
                        IssueLevel::Warning,
                        &format!(
                            "'{kw}' is not modelled: the rule matches only some packets ({what})"
                        ),
                        s.loc(self.file),
                    );
                    conds.push(Cond::Opaque { what });
                }
                StmtKind::SetUpdate(ast::SetUpdate { op, set, .. }) => {
                    *self.set_uses.entry((self.ti, set.to_string())).or_default() += 1;
                    notes.push(format!("{op} @{set}"));
                }
                StmtKind::Mangle { target, .. } => {
                    notes.push(format!("sets {}", lm::describe(target)));
                }
                StmtKind::Notrack => {
                    notes.push(conntrack::NOTE.into());
                    self.st
                        .issue(IssueLevel::Warning, conntrack::WARNING, s.loc(self.file));
                    let site = conntrack::site(self.table.family, &conds, &rule_origin);
                    self.st.notrack.push(site);
                }
                StmtKind::AnonChain { .. } => {
                    // Lifted into named chains when commands are applied.
                    notes.push("anonymous chain".into());
                }
                StmtKind::Other { keyword } => {
                    if *keyword == "match" {
                        // A match the reader could not read (already
                        // reported as an error): it may or may not hold.
                        conds.push(Cond::Opaque {
                            what: self.st.text_of(s.loc(self.file)),
                        });
                    } else if *keyword == "meter" || *keyword == "ct count" {
                        self.st.issue(
                            IssueLevel::Warning,
                            &format!(
                                "'{keyword}' is not modelled: the rule matches only some packets"
                            ),
                            s.loc(self.file),
                        );
                        conds.push(Cond::Opaque {
                            what: self.st.text_of(s.loc(self.file)),
                        });
                    } else if *keyword == "synproxy" {
                        self.st
                            .issue(IssueLevel::Note, conntrack::SYNPROXY_NOTE, s.loc(self.file));
                        notes.push(keyword.to_string());
                        let (dropped, rest) = conntrack::synproxy(&conds);
                        out.push(mk(dropped, Effect::Deny, &notes));
                        conds.extend(rest);
                    } else {
                        self.st.issue(
                            IssueLevel::Warning,
                            &format!(
                                "statement '{keyword}' is not modelled (treated as no verdict)"
                            ),
                            s.loc(self.file),
                        );
                        notes.push(keyword.to_string());
                    }
                }
            }
            if effect.is_some() {
                if k + 1 < r.stmts.len() {
                    notes.push("statements after the verdict never run".into());
                }
                break;
            }
        }
        let effect = effect.unwrap_or(Effect::Continue);
        if out.is_empty() || effect != Effect::Continue {
            out.push(mk(Match::new(conds), effect, &notes));
        }
        out
    }

    fn chain_target(&mut self, name: &str, s: &Stmt<'t>) -> Option<usize> {
        let ci = self.table.chains.iter().position(|c| c.name == name);
        match ci.and_then(|ci| self.index.get(&(self.ti, ci)).copied()) {
            Some(g) => {
                *self.chain_uses.entry(g).or_default() += 1;
                Some(g)
            }
            None => {
                self.st.issue(
                    IssueLevel::Error,
                    &format!(
                        "jump/goto to chain '{name}' which does not exist in table '{}'",
                        self.table.name
                    ),
                    s.loc(self.file),
                );
                self.st.out.dangling.push(DanglingRef {
                    kind: "chain".into(),
                    name: name.to_string(),
                    origin: self.st.origin_of(s.loc(self.file)),
                });
                None
            }
        }
    }

    fn verdict(&mut self, v: &Verdict<'t>, s: &Stmt<'t>, notes: &mut Vec<String>) -> Effect {
        match v {
            Verdict::Accept => Effect::Allow,
            Verdict::Drop => Effect::Deny,
            Verdict::Continue => Effect::Continue,
            Verdict::Return => Effect::Return,
            Verdict::Jump(c) | Verdict::Goto(c) => match self.chain_target(c, s) {
                Some(g) if matches!(v, Verdict::Jump(_)) => Effect::Jump(g),
                Some(g) => Effect::Goto(g),
                None => {
                    notes.push(format!("target chain '{c}' is missing"));
                    Effect::Continue
                }
            },
            Verdict::Queue => {
                self.st.issue(
                    IssueLevel::Warning,
                    "queue verdict: the userspace verdict is unknown; treated as drop",
                    s.loc(self.file),
                );
                Effect::Deny
            }
        }
    }

    /// Resolve a named set's elements; `None` (with a warning) when its
    /// content changes at runtime.
    fn named_set(&mut self, name: &str, s: &Stmt<'t>) -> Result<Vec<ast::SetElem<'t>>, Cond> {
        *self
            .set_uses
            .entry((self.ti, name.to_string()))
            .or_default() += 1;
        let Some(set) = self.table.sets.iter().find(|x| x.decl.name == name) else {
            self.st.issue(
                IssueLevel::Error,
                &format!(
                    "set '@{name}' does not exist in table '{}'",
                    self.table.name
                ),
                s.loc(self.file),
            );
            self.st.out.dangling.push(DanglingRef {
                kind: "set".into(),
                name: name.to_string(),
                origin: self.st.origin_of(s.loc(self.file)),
            });
            return Err(Cond::Opaque {
                what: format!("@{name} (undefined)"),
            });
        };
        let dynamic = set
            .decl
            .flags
            .iter()
            .any(|f| f == "dynamic" || f == "timeout")
            || self.updated.contains(&(self.ti, name.to_string()));
        if dynamic {
            self.st.issue(
                IssueLevel::Warning,
                &format!("set '@{name}' is updated at runtime; its membership is unknown"),
                s.loc(self.file),
            );
            return Err(Cond::Opaque {
                what: format!("membership of dynamic set @{name}"),
            });
        }
        Ok(set.decl.elements.clone())
    }

    fn opaque(&mut self, what: &str, s: &Stmt<'t>) -> Cond {
        self.st.issue(
            IssueLevel::Warning,
            &format!("'{what}' is not modelled; the match is treated as unknown"),
            s.loc(self.file),
        );
        Cond::Opaque {
            what: self.st.text_of(s.loc(self.file)),
        }
    }

    fn match_conds(
        &mut self,
        left: &Expr<'t>,
        op: RelOp,
        right: &Expr<'t>,
        s: &Stmt<'t>,
    ) -> Vec<Cond> {
        if let Some(cs) = self.negation(left, right, s) {
            return cs;
        }
        match super::lower_flags::lower(left, op, right, &self.st.text_of(s.loc(self.file))) {
            Some(Ok(cs)) => return cs,
            Some(Err(m)) => return vec![self.bad(&m, s)],
            None => {}
        }
        // `tcp flags @set`: a lookup of the exact (masked) byte.
        if let (Expr::SetRef(n), Some(_)) = (right, super::lower_flags::key(left)) {
            return match self.named_set(n, s) {
                Ok(e) => {
                    let keys: Vec<Expr<'t>> = e.iter().map(|el| *el.key).collect();
                    match super::lower_flags::lookup(left, op, &keys) {
                        Some(Ok(cs)) => cs,
                        Some(Err(m)) => vec![self.bad(&m, s)],
                        None => vec![self.opaque(&lm::describe(left), s)],
                    }
                }
                Err(c) => self.with_implied(left, c),
            };
        }
        // Right-hand side members.
        let mut elems: Vec<Expr<'t>> = Vec::new();
        match right {
            Expr::SetRef(n) => match self.named_set(n, s) {
                Ok(e) => elems = lm::elem_keys(&e),
                Err(c) => return self.with_implied(left, c),
            },
            Expr::Variable(v) => {
                return vec![Cond::Opaque {
                    what: format!("${v} (undefined)"),
                }]
            }
            other => lm::members(other, &mut elems),
        }
        if elems.iter().any(|e| matches!(e, Expr::Variable(_))) {
            return self.with_implied(
                left,
                Cond::Opaque {
                    what: "undefined variable".into(),
                },
            );
        }
        if let Expr::Concat(parts) = left {
            let mut fields = Vec::new();
            let mut implied = Vec::new();
            for p in *parts {
                match lm::lhs(p) {
                    Ok(l) => {
                        fields.push(l.field);
                        implied.extend(l.implied);
                    }
                    Err(lm::Unmodelled(w)) => return vec![self.opaque(&w, s)],
                }
            }
            return match lm::concat_cond(&fields, op, &elems) {
                Ok(c) => {
                    implied.push(c);
                    dedup(implied)
                }
                Err(lm::BadValue(m)) => vec![self.bad(&m, s)],
            };
        }
        match lm::lhs(left) {
            Ok(l) => match lm::cond(l.field, op, &elems) {
                Ok(c) => {
                    let mut v = l.implied;
                    v.push(c);
                    v
                }
                Err(lm::BadValue(m)) => vec![self.bad(&m, s)],
            },
            Err(lm::Unmodelled(w)) => vec![self.opaque(&w, s)],
        }
    }

    /// `LEFT ! VALUE` (the parser's and the JSON reader's
    /// [`ast::NO_BIT_SET`] form): an error where nft refuses it (the match
    /// stays unknown, so the rule stays sound); `ct state ! V` is "the state
    /// is none of V". `None`: not a negation, or left to the other lowerings.
    fn negation(&mut self, left: &Expr<'t>, right: &Expr<'t>, s: &Stmt<'t>) -> Option<Vec<Cond>> {
        if !std::ptr::eq(right, &ast::NO_BIT_SET) {
            return None;
        }
        let Expr::Binop {
            op: ast::BinOp::And,
            left: l,
            right: v,
        } = left
        else {
            return None;
        };
        if let Some(m) = super::lower_flags::negation(l, v) {
            self.st.issue(IssueLevel::Error, &m, s.loc(self.file));
            let c = Cond::Opaque {
                what: self.st.text_of(s.loc(self.file)),
            };
            return Some(self.with_implied(l, c));
        }
        match l {
            Expr::Ct(ast::CtField { key, dir: None }) if *key == "state" => {
                let mut elems = Vec::new();
                lm::members(v, &mut elems);
                Some(match lm::cond(lm::Field::CtState, RelOp::Ne, &elems) {
                    Ok(c) => vec![c],
                    Err(lm::BadValue(m)) => vec![self.bad(&m, s)],
                })
            }
            _ => None,
        }
    }

    fn with_implied(&mut self, left: &Expr<'t>, c: Cond) -> Vec<Cond> {
        let mut v = Vec::new();
        let parts: Vec<&Expr<'t>> = match left {
            Expr::Concat(p) => p.iter().collect(),
            o => vec![o],
        };
        for p in parts {
            if let Ok(l) = lm::lhs(p) {
                v.extend(l.implied);
            }
        }
        v.push(c);
        dedup(v)
    }

    fn bad(&mut self, m: &str, s: &Stmt<'t>) -> Cond {
        self.st.issue(
            IssueLevel::Warning,
            &format!("cannot model this match ({m}); treated as unknown"),
            s.loc(self.file),
        );
        Cond::Opaque {
            what: self.st.text_of(s.loc(self.file)),
        }
    }

    /// A verdict map: one (conditions, effect) per distinct verdict, and the
    /// condition under which no key matches (evaluation goes on), if any.
    #[allow(clippy::type_complexity)]
    fn vmap(
        &mut self,
        key: &Expr<'t>,
        map: &Expr<'t>,
        s: &Stmt<'t>,
        notes: &mut Vec<String>,
    ) -> (Vec<(Vec<Cond>, Effect)>, Option<Vec<Cond>>) {
        let elems: Vec<ast::SetElem<'t>> = match map {
            Expr::Set(e) => e.to_vec(),
            Expr::SetRef(n) => match self.named_set(n, s) {
                Ok(e) => e,
                Err(c) => {
                    // Unknown content: the map may accept or drop.
                    let mut acc = self.with_implied(key, c.clone());
                    acc.push(Cond::Opaque {
                        what: format!("verdict of dynamic map @{n} is accept"),
                    });
                    let mut drop = self.with_implied(key, c);
                    drop.push(Cond::Opaque {
                        what: format!("verdict of dynamic map @{n} is drop"),
                    });
                    let miss = vec![Cond::Opaque {
                        what: format!("no key of @{n} matches"),
                    }];
                    return (vec![(acc, Effect::Allow), (drop, Effect::Deny)], Some(miss));
                }
            },
            _ => {
                let c = self.opaque("vmap with an undefined map", s);
                return (Vec::new(), Some(vec![c]));
            }
        };
        let flags_key = super::lower_flags::key(key).is_some();
        // Group keys by verdict, in first-appearance order.
        let mut groups: Vec<(Verdict<'t>, Vec<Expr<'t>>)> = Vec::new();
        let mut catchall: Option<Verdict<'t>> = None;
        let mut all_keys: Vec<Expr<'t>> = Vec::new();
        for e in &elems {
            let v = match e.value {
                Some(Expr::Verdict(v)) => **v,
                Some(Expr::Symbol(x)) if *x == "accept" => Verdict::Accept,
                Some(Expr::Symbol(x)) if *x == "drop" => Verdict::Drop,
                _ => {
                    self.st.issue(
                        IssueLevel::Warning,
                        "vmap element without a verdict; ignored",
                        e.loc,
                    );
                    continue;
                }
            };
            if matches!(e.key, Expr::Wildcard) {
                catchall = Some(v);
                continue;
            }
            let mut ks = Vec::new();
            if flags_key {
                // A flags key is one byte: `syn|ack` is one key.
                ks.push(*e.key);
            } else {
                lm::members(e.key, &mut ks);
            }
            all_keys.extend(ks.iter().cloned());
            match groups.iter_mut().find(|(g, _)| *g == v) {
                Some((_, k)) => k.extend(ks),
                None => groups.push((v, ks)),
            }
        }
        let key_cond = |this: &mut Self, keys: &[Expr<'t>]| -> Vec<Cond> {
            match super::lower_flags::lookup(key, RelOp::Eq, keys) {
                Some(Ok(cs)) => return cs,
                Some(Err(m)) => return vec![this.bad(&m, s)],
                None => {}
            }
            if let Expr::Concat(parts) = key {
                let mut fields = Vec::new();
                let mut implied = Vec::new();
                for p in *parts {
                    match lm::lhs(p) {
                        Ok(l) => {
                            fields.push(l.field);
                            implied.extend(l.implied);
                        }
                        Err(lm::Unmodelled(w)) => return vec![this.opaque(&w, s)],
                    }
                }
                return match lm::concat_cond(&fields, RelOp::Eq, keys) {
                    Ok(c) => {
                        implied.push(c);
                        dedup(implied)
                    }
                    Err(lm::BadValue(m)) => vec![this.bad(&m, s)],
                };
            }
            match lm::lhs(key) {
                Ok(l) => match lm::cond(l.field, RelOp::Eq, keys) {
                    Ok(c) => {
                        let mut v = l.implied;
                        v.push(c);
                        v
                    }
                    Err(lm::BadValue(m)) => vec![this.bad(&m, s)],
                },
                Err(lm::Unmodelled(w)) => vec![this.opaque(&w, s)],
            }
        };
        let mut per = Vec::new();
        for (v, keys) in &groups {
            let cs = key_cond(self, keys);
            let eff = self.verdict(v, s, notes);
            per.push((cs, eff));
        }
        // No key matches: the dependencies hold but the key is not in the map.
        let mut miss = key_cond(self, &all_keys);
        if let Some(last) = miss.pop() {
            miss.push(Cond::Not(Box::new(last)));
        }
        if let Some(v) = catchall {
            let eff = self.verdict(&v, s, notes);
            per.push((miss, eff));
            return (per, None);
        }
        (per, Some(miss))
    }
}

fn dedup(v: Vec<Cond>) -> Vec<Cond> {
    let mut out: Vec<Cond> = Vec::with_capacity(v.len());
    for c in v {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse_str;
    use super::*;

    fn lowered(text: &str) -> RuleSet {
        let arena = ast::Arena::new();
        lower(&parse_str(&arena, "t.nft", text))
    }

    fn pipeline<'a>(rs: &'a RuleSet, hook: &str) -> &'a Pipeline {
        match &rs.filter(hook).expect("filter").body {
            FilterBody::Pipeline(p) => p,
            _ => panic!("not a pipeline"),
        }
    }

    #[test]
    fn equal_priorities_run_last_registered_first() {
        let rs = lowered(
            "table ip a { chain c1 { type filter hook output priority 0; } }\n\
             table ip b { chain c2 { type filter hook output priority 0; } }\n\
             table ip c { chain c3 { type filter hook output priority -1; } }\n",
        );
        let p = pipeline(&rs, "output");
        let names: Vec<&str> = p
            .base
            .iter()
            .map(|b| p.chains[b.chain].name.as_str())
            .collect();
        assert_eq!(names, ["ip c c3", "ip b c2", "ip a c1"]);
        assert!(rs.filter("input").is_some() && rs.filter("forward").is_some());
        assert!(rs.filter("prerouting").is_none());
    }

    #[test]
    fn vmap_gives_one_rule_per_verdict() {
        let rs = lowered(
            "table inet t { chain w { }\n chain c { type filter hook input priority 0;\n\
             tcp dport vmap { 22 : accept, 80 : jump w, 23 : drop, 24 : accept }\n } }\n",
        );
        let p = pipeline(&rs, "input");
        let rules = &p.chains[1].rules;
        assert_eq!(rules.len(), 3);
        assert_eq!(rules[0].effect, Effect::Allow);
        assert!(rules[0].matches.conds.contains(&Cond::DstPort(
            crate::model::Ranges::from_ranges([(22, 22), (24, 24)])
        )));
        assert_eq!(rules[1].effect, Effect::Jump(0));
        assert!(rules.iter().all(|r| r.origin.line == 3));
    }

    #[test]
    fn named_priorities_policies_and_families() {
        let rs = lowered(
            "table ip6 t { chain c { type nat hook prerouting priority dstnat + 5; policy drop; } }\n",
        );
        let p = pipeline(&rs, "prerouting");
        assert_eq!(p.base[0].priority, -95);
        assert_eq!(p.base[0].policy, Action::Deny);
        assert_eq!(p.base[0].family, Some(crate::model::Family::Ipv6));
    }

    #[test]
    fn undefined_names_are_dangling() {
        let rs = lowered(
            "table ip t { chain c { type filter hook input priority 0;\n\
             ip saddr $nope accept\n ip saddr @nos drop\n jump nowhere\n } }\n",
        );
        let kinds: Vec<&str> = rs.dangling.iter().map(|d| d.kind.as_str()).collect();
        assert_eq!(kinds, ["variable", "set", "chain"]);
        assert!(
            rs.issues
                .iter()
                .filter(|i| i.level == IssueLevel::Error)
                .count()
                >= 3
        );
    }

    #[test]
    fn unmodelled_matches_stay_sound_and_warn() {
        let rs = lowered(
            "table inet t { chain c { type filter hook input priority 0;\n\
             meta mark 0x1 tcp dport 22 accept\n limit rate 5/second accept\n queue num 1\n } }\n",
        );
        let p = pipeline(&rs, "input");
        let r = &p.chains[0].rules;
        assert!(
            matches!(&r[0].matches.conds[0], Cond::Opaque { what } if what.contains("meta mark"))
        );
        assert!(r[1].matches.is_uncertain());
        // queue: accepted only under an unknown condition, else dropped.
        assert_eq!(r[2].effect, Effect::Allow);
        assert!(r[2].matches.is_uncertain());
        assert_eq!(r[3].effect, Effect::Deny);
        let warned: Vec<&str> = rs
            .issues
            .iter()
            .filter(|i| i.level == IssueLevel::Warning)
            .map(|i| i.message.as_str())
            .collect();
        assert!(warned.iter().any(|m| m.contains("meta mark")), "{warned:?}");
        assert!(warned.iter().any(|m| m.contains("limit")));
        assert!(warned.iter().any(|m| m.contains("queue")));
    }

    #[test]
    fn other_families_are_noted_not_analysed() {
        let rs =
            lowered("table bridge b { chain c { type filter hook input priority 0; drop\n } }\n");
        assert!(rs
            .issues
            .iter()
            .any(|i| i.level == IssueLevel::Note && i.message.contains("family bridge")));
        assert!(pipeline(&rs, "input").base.is_empty());
    }

    /// Checked with nft 1.0.6 in a throwaway network namespace: `flush
    /// table` empties every chain of the table but keeps the elements of its
    /// sets and maps (`nft list ruleset` still shows them, in the same
    /// transaction and in a later one); `flush set` empties the set, and
    /// elements added after it count.
    #[test]
    fn flush_table_keeps_set_elements_flush_set_clears_them() {
        let verdict = |text: &str, src: &str| {
            let rs = lowered(text);
            let p = crate::model::Packet::parse(&format!("tcp {src}:1000 10.0.0.1:22")).unwrap();
            let body = &rs.filter("input").expect("input").body;
            crate::model::eval::evaluate(body, &p, &crate::model::eval::NoSymbols).verdict
        };
        let base = "table ip t {\n set s { type ipv4_addr; elements = { 1.2.3.4 }; }\n\
                    chain c { type filter hook input priority 0; policy drop;\n\
                    ip saddr @s accept\n }\n}\n";
        let flushed = format!("{base}flush table ip t\n");
        assert_eq!(verdict(&flushed, "1.2.3.4"), Action::Deny);
        let readded = format!("{flushed}add rule ip t c ip saddr @s accept\n");
        assert_eq!(verdict(&readded, "1.2.3.4"), Action::Allow);
        let set_flushed = format!("{base}flush set ip t s\nadd element ip t s {{ 7.7.7.7 }}\n");
        assert_eq!(verdict(&set_flushed, "1.2.3.4"), Action::Deny);
        assert_eq!(verdict(&set_flushed, "7.7.7.7"), Action::Allow);
    }

    #[test]
    fn named_objects_count_uses() {
        let rs = lowered(
            "define A = 1.2.3.4\ndefine B = 5.6.7.8\ntable ip t { set s { type ipv4_addr; }\n\
             chain r { }\n chain u { }\n chain c { type filter hook input priority 0;\n\
             ip saddr $A jump r\n ip saddr @s jump r\n } }\n",
        );
        let uses = |k: &str, n: &str| {
            rs.objects
                .iter()
                .find(|o| o.kind == k && o.name == n)
                .map(|o| o.uses)
        };
        assert_eq!(uses("define", "A"), Some(1));
        assert_eq!(uses("define", "B"), Some(0));
        assert_eq!(uses("set", "s"), Some(1));
        assert_eq!(uses("chain", "ip t r"), Some(2));
        assert_eq!(uses("chain", "ip t u"), Some(0));
    }
}

//! The nftables vendor syntax tree: what an `nft -f` file (or an `nft -j`
//! document) says, before any meaning is given to it. Both the text parser
//! (`parse`) and the JSON reader (`json`) produce a [`Ruleset`]; only `lower`
//! turns it into the vendor-neutral model.
//!
//! The tree stays close to nft's own grammar (`parser_bison.y`): a ruleset is a
//! list of commands applied in order; the block form `table inet t { ... }` is a
//! [`Command::Table`] whose items are chains, sets, maps and defines; rules are
//! lists of statements; matches are relations `left OP right` between
//! expressions. Names (`ssh`, `established`, `echo-request`) are kept as
//! [`Expr::Symbol`] and only resolved by `lower`, which knows the data type
//! of the left-hand side, exactly like nft resolves them.
//!
//! Names, words and values borrow from the source text ([`Str`] is a
//! `Cow<'a, str>`: borrowed from the text parser's input, owned where the
//! JSON reader unescapes strings or an included file's tree outlives its
//! text, see [`Command::into_owned`]).
//!
//! Rules and declarations carry an [`Origin`] (file, span, line, column,
//! text). The many small nodes (statements, set elements, `add element`
//! commands) carry a [`Loc`] instead: a file number and a byte span, turned
//! into an `Origin` (line and column) only when lowering reports on them.
//! Includes make rules come from several files, so both name their file. The
//! JSON reader points them into the JSON text.

use crate::model::{Origin, SourceFile};
use std::borrow::Cow;
use std::net::IpAddr;
use std::sync::Arc;

/// Text of the syntax tree: borrowed from the source where possible.
pub type Str<'a> = Cow<'a, str>;

/// Where a small node is written: the file (an index into
/// [`Ruleset::files`]) and the byte span in its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Loc {
    pub file: u32,
    pub start: u32,
    pub end: u32,
}

impl Loc {
    /// The byte span (offsets above `u32::MAX` are clamped, see [`Loc::new`]).
    pub fn span(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    /// A location in file `file`; offsets beyond 4 GiB are clamped (inputs
    /// are at most 512 MiB, so this never happens for files).
    pub fn new(file: u32, span: std::ops::Range<usize>) -> Loc {
        let c = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        Loc {
            file,
            start: c(span.start),
            end: c(span.end),
        }
    }
}

/// A whole ruleset: commands in the order nft applies them, plus the problems
/// met while reading.
#[derive(Clone, Debug, Default)]
pub struct Ruleset<'a> {
    pub commands: Vec<Command<'a>>,
    pub issues: Vec<Issue>,
    /// The files read, indexed by [`Loc::file`] (the first is the main file).
    pub files: Vec<Arc<SourceFile>>,
}

impl Ruleset<'_> {
    /// The origin (with line and column) of a location of this tree.
    pub fn origin(&self, loc: Loc) -> Origin {
        loc_origin(&self.files, loc)
    }
}

/// The origin of `loc` among `files` (an empty origin if the file is unknown).
pub fn loc_origin(files: &[Arc<SourceFile>], loc: Loc) -> Origin {
    match files.get(loc.file as usize) {
        Some(f) => f.origin(loc.span()),
        None => SourceFile::new("<unknown>", "").origin(0..0),
    }
}

/// Severity of an [`Issue`] found while reading (mirrors the model's levels).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Malformed input: nft would refuse it.
    Error,
    /// Read but not understood in full.
    Warning,
    /// Information.
    Note,
}

/// A problem met while reading (syntax errors, include failures).
#[derive(Clone, Debug)]
pub struct Issue {
    pub level: Level,
    pub message: String,
    /// What the parser expected, for syntax errors.
    pub expected: Option<String>,
    pub help: Option<String>,
    pub origin: Origin,
}

/// nftables address families (`table FAMILY NAME`). A missing family means `ip`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableFamily {
    Ip,
    Ip6,
    Inet,
    Arp,
    Bridge,
    Netdev,
}

impl TableFamily {
    pub fn from_name(s: &str) -> Option<TableFamily> {
        Some(match s {
            "ip" => TableFamily::Ip,
            "ip6" => TableFamily::Ip6,
            "inet" => TableFamily::Inet,
            "arp" => TableFamily::Arp,
            "bridge" => TableFamily::Bridge,
            "netdev" => TableFamily::Netdev,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            TableFamily::Ip => "ip",
            TableFamily::Ip6 => "ip6",
            TableFamily::Inet => "inet",
            TableFamily::Arp => "arp",
            TableFamily::Bridge => "bridge",
            TableFamily::Netdev => "netdev",
        }
    }
}

/// `[FAMILY] TABLE`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableRef<'a> {
    pub family: TableFamily,
    pub name: Str<'a>,
}

/// `[FAMILY] TABLE CHAIN`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ChainRef<'a> {
    pub table: TableRef<'a>,
    pub chain: Str<'a>,
}

/// How an object is introduced: `add` (or the bare block form) merges with an
/// existing object of the same name, `create` fails if it exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddOp {
    /// Block form `table ... { }` or `add ...`.
    Add,
    /// `create ...`.
    Create,
}

/// One command of a ruleset file, applied in order.
#[derive(Clone, Debug)]
pub enum Command<'a> {
    /// `[add|create] table FAMILY NAME [{ items }]` (the block form too).
    Table { op: AddOp, table: Box<Table<'a>> },
    /// `[add|create] chain FAMILY TABLE NAME [{ ... }]`.
    Chain {
        op: AddOp,
        table: TableRef<'a>,
        chain: Box<Chain<'a>>,
    },
    /// `add rule ...`, `insert rule ...`, `replace rule ...`; also a bare
    /// `rule ...` (nft treats it as `add rule`).
    Rule {
        op: RuleOp,
        chain: ChainRef<'a>,
        position: Option<RulePosition>,
        rule: Box<Rule<'a>>,
    },
    /// `[add|create] set|map FAMILY TABLE NAME { ... }`.
    Set {
        op: AddOp,
        table: TableRef<'a>,
        set: Box<SetDecl<'a>>,
    },
    /// `add|create|delete element FAMILY TABLE SET { elements }`.
    Element {
        op: ElementOp,
        table: TableRef<'a>,
        set: Str<'a>,
        elements: Vec<SetElem<'a>>,
        loc: Loc,
    },
    /// `flush ruleset|table|chain|set|map ...`.
    Flush { target: Target<'a>, origin: Origin },
    /// `delete|destroy table|chain|rule|set|map ...`.
    Delete { target: Target<'a>, origin: Origin },
    /// `define NAME = VALUE` / `redefine` / `undefine NAME` at file level.
    Define(Define<'a>),
    /// A command that does not change the filtering ruleset (`list`, `reset`,
    /// `monitor`, `describe`, `rename`...) or a stateful object / flowtable
    /// declaration at file level. Kept so that nothing is dropped in silence.
    Other { what: String, origin: Origin },
}

/// What a `flush` or `delete` names.
#[derive(Clone, Debug)]
pub enum Target<'a> {
    /// `flush ruleset [FAMILY]`.
    Ruleset(Option<TableFamily>),
    Table(TableRef<'a>),
    Chain(ChainRef<'a>),
    /// `delete rule FAMILY TABLE CHAIN handle N`.
    Rule {
        chain: ChainRef<'a>,
        handle: u64,
    },
    Set {
        table: TableRef<'a>,
        name: Str<'a>,
    },
    Map {
        table: TableRef<'a>,
        name: Str<'a>,
    },
    /// Anything else (`delete counter ...`), kept as text.
    Other(String),
}

/// `add`, `insert` or `replace` of a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleOp {
    /// Append (or, with `position`/`handle`, place after that rule).
    Add,
    /// Prepend (or, with `position`/`handle`, place before that rule).
    Insert,
    /// Replace the rule with the given handle.
    Replace,
}

/// Where `add rule` / `insert rule` place the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RulePosition {
    /// `position N` or `handle N`: relative to the rule with that handle.
    Handle(u64),
    /// `index N`: relative to the N-th rule (0-based).
    Index(u64),
}

/// `add`, `create` or `delete` of set elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElementOp {
    Add,
    Create,
    Delete,
}

/// `define NAME = EXPR`, `redefine NAME = EXPR`, `undefine NAME`.
#[derive(Clone, Debug)]
pub struct Define<'a> {
    pub kind: DefineKind,
    pub name: Str<'a>,
    /// `None` for `undefine`.
    pub value: Option<Expr<'a>>,
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefineKind {
    Define,
    Redefine,
    Undefine,
}

/// A table and the items declared in its block.
#[derive(Clone, Debug)]
pub struct Table<'a> {
    pub family: TableFamily,
    pub name: Str<'a>,
    /// `flags dormant`, `flags owner`...
    pub flags: Vec<String>,
    pub comment: Option<String>,
    pub handle: Option<u64>,
    pub items: Vec<TableItem<'a>>,
    /// The `table ... {` header (or the whole `add table` command).
    pub origin: Origin,
}

/// Something declared inside a table block.
#[derive(Clone, Debug)]
pub enum TableItem<'a> {
    Chain(Chain<'a>),
    /// A set or a map (see [`SetDecl::data_type`]).
    Set(SetDecl<'a>),
    /// `define` inside a table block (scoped to the block).
    Define(Define<'a>),
    /// Stateful objects (`counter NAME {}`, `quota`, `limit`, `ct helper`,
    /// `ct timeout`, `secmark`, `synproxy`), `flowtable`s: kept as text.
    Other {
        what: String,
        origin: Origin,
    },
}

/// A chain: regular when `hook` is `None`, a base chain otherwise.
#[derive(Clone, Debug)]
pub struct Chain<'a> {
    pub name: Str<'a>,
    pub hook: Option<BaseHook<'a>>,
    /// `policy accept|drop` (or a variable).
    pub policy: Option<Policy<'a>>,
    pub comment: Option<String>,
    pub flags: Vec<String>,
    pub handle: Option<u64>,
    pub rules: Vec<Rule<'a>>,
    /// The `chain NAME {` header, or the whole `add chain` command.
    pub origin: Origin,
}

/// `type TYPE hook HOOK [device DEV | devices = { ... }] priority PRIO;`
#[derive(Clone, Debug)]
pub struct BaseHook<'a> {
    /// `filter`, `nat`, `route`.
    pub chain_type: String,
    /// `prerouting`, `input`, `forward`, `output`, `postrouting`, `ingress`, `egress`.
    pub hook: String,
    pub priority: Priority,
    /// `device "eth0"` / `devices = { ... }` (netdev and inet ingress).
    pub devices: Vec<Expr<'a>>,
    pub origin: Origin,
}

/// A chain priority: a number, a named priority (`filter`, `dstnat`...) or a
/// variable, plus an offset (`filter + 10`, `mangle - 5`).
#[derive(Clone, Debug)]
pub struct Priority {
    pub base: PriorityBase,
    pub offset: i64,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PriorityBase {
    Number(i64),
    /// `raw`, `mangle`, `dstnat`, `filter`, `security`, `srcnat`, `out`.
    Named(String),
    /// `$var`.
    Variable(String),
}

/// `policy accept|drop;`
#[derive(Clone, Debug)]
pub struct Policy<'a> {
    /// [`Expr::Verdict`] or [`Expr::Variable`].
    pub value: Expr<'a>,
    pub origin: Origin,
}

/// One rule: its statements in order.
#[derive(Clone, Debug)]
pub struct Rule<'a> {
    pub stmts: Vec<Stmt<'a>>,
    /// `comment "..."`.
    pub comment: Option<Str<'a>>,
    /// `# handle N` in `nft -a list` output, or the JSON handle.
    pub handle: Option<u64>,
    /// The whole rule text.
    pub origin: Origin,
}

/// A statement of a rule with where it is written.
#[derive(Clone, Debug)]
pub struct Stmt<'a> {
    pub kind: StmtKind<'a>,
    pub loc: Loc,
}

/// Relational operators. `Implicit` is nft's operator-less form: equality for
/// plain values, membership for sets, and "any of these bits" for bitmask
/// types given as a comma list (`ct state established,related`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelOp {
    Implicit,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    /// JSON `"in"`: membership / flag test, as Implicit.
    In,
}

impl RelOp {
    pub fn as_str(self) -> &'static str {
        match self {
            RelOp::Implicit => "",
            RelOp::Eq => "==",
            RelOp::Ne => "!=",
            RelOp::Lt => "<",
            RelOp::Gt => ">",
            RelOp::Le => "<=",
            RelOp::Ge => ">=",
            RelOp::In => "in",
        }
    }
}

/// The kinds of statement nft knows.
#[derive(Clone, Debug)]
pub enum StmtKind<'a> {
    /// `LEFT [OP] RIGHT`: a match.
    Match {
        left: Expr<'a>,
        op: RelOp,
        right: Expr<'a>,
    },
    /// `accept`, `drop`, `jump c`, ...
    Verdict(Verdict<'a>),
    /// `KEY vmap { k : verdict, ... }` or `KEY vmap @map`.
    VerdictMap { key: Expr<'a>, map: Expr<'a> },
    /// `counter [packets N bytes M]` or `counter name NAME`.
    Counter {
        packets: Option<u64>,
        bytes: Option<u64>,
        name: Option<Str<'a>>,
    },
    /// `log [prefix "..."] [level L] [group N] ...`: options as (key, value).
    Log { options: Vec<(Str<'a>, Str<'a>)> },
    /// `reject [with icmp|icmpv6|icmpx type X | with tcp reset]`: final (drop).
    Reject { with: Option<Str<'a>> },
    /// `snat`, `dnat`, `masquerade`, `redirect` with their arguments (text).
    Nat { kind: NatKind, args: Str<'a> },
    /// `queue [num N] [bypass] [fanout]`: hands the packet to userspace.
    Queue { args: Str<'a> },
    /// `limit rate ...`: matches while under the rate (opaque).
    Limit { args: Str<'a> },
    /// `quota ...`: matches while under the quota (opaque).
    Quota { args: Str<'a> },
    /// `set|add|update|delete @set { key [timeout ...] }`, and `meter`.
    SetUpdate {
        op: Str<'a>,
        set: Str<'a>,
        key: Expr<'a>,
    },
    /// `meta KEY set EXPR`, `ct KEY set EXPR`, payload mangling
    /// (`ip dscp set ...`), `notrack` (as `target = "notrack"`).
    Mangle { target: Expr<'a>, value: Expr<'a> },
    /// `notrack`.
    Notrack,
    /// `jump { rules }` / `goto { rules }`: an anonymous (bound) chain.
    AnonChain { goto: bool, rules: Vec<Rule<'a>> },
    /// Anything else, kept as text: `fwd`, `dup`, `tproxy`, `synproxy`, `xt ...`,
    /// `flow add @ft`, `objref`... The keyword names it.
    Other { keyword: Str<'a> },
}

/// NAT statement kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NatKind {
    Snat,
    Dnat,
    Masquerade,
    Redirect,
}

/// A verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict<'a> {
    Accept,
    Drop,
    Continue,
    Return,
    Jump(Str<'a>),
    Goto(Str<'a>),
    /// `queue` as a verdict (JSON `"queue"`, vmap data).
    Queue,
}

/// An expression: a packet field, a constant, or a structure of them.
#[derive(Clone, Debug)]
pub enum Expr<'a> {
    /// `PROTO FIELD`: `ip saddr`, `ip6 nexthdr`, `tcp dport`, `th sport`,
    /// `icmp type`, `tcp flags`, `ether saddr`, `vlan id`, `ip dscp`...
    Payload { proto: Str<'a>, field: Str<'a> },
    /// `meta KEY` and the bare meta keys (`iifname`, `l4proto`, `mark`...).
    Meta { key: Str<'a> },
    /// `ct [original|reply] KEY`: `ct state`, `ct status`, `ct mark`...
    Ct { key: Str<'a>, dir: Option<Str<'a>> },
    /// Another packet/state expression fwlint does not decode (`fib saddr .
    /// iif oif`, `socket transparent`, `exthdr`, `rt`, `osf`, `numgen`,
    /// `hash`, raw payload `@nh,0,8`...): its text.
    Unknown { text: Str<'a> },
    /// A bare word: a service, state, type, interface or protocol name.
    Symbol(Str<'a>),
    /// A quoted string (`"eth*"`).
    String(Str<'a>),
    /// A number (decimal, hex, octal as nft reads them).
    Number(u128),
    /// An IPv4 or IPv6 address.
    Addr(IpAddr),
    /// `EXPR / LEN`.
    Prefix(Box<Expr<'a>>, u8),
    /// `LOW - HIGH`.
    Range(Box<Expr<'a>>, Box<Expr<'a>>),
    /// `A . B . C`.
    Concat(Vec<Expr<'a>>),
    /// A comma list outside braces: `syn,ack`, `established,related`.
    List(Vec<Expr<'a>>),
    /// An anonymous set `{ e1, e2 }` (map elements carry `value`).
    Set(Vec<SetElem<'a>>),
    /// `@name`: a named set or map.
    SetRef(Str<'a>),
    /// `$name`.
    Variable(Str<'a>),
    /// `LEFT & RIGHT`, `|`, `^`, `<<`, `>>`.
    Binop {
        op: BinOp,
        left: Box<Expr<'a>>,
        right: Box<Expr<'a>>,
    },
    /// `KEY map { ... }` / `KEY map @m`: a looked-up value.
    Map {
        key: Box<Expr<'a>>,
        map: Box<Expr<'a>>,
    },
    /// A verdict as data (map values, policies).
    Verdict(Verdict<'a>),
    /// `*`: the catch-all element of a map.
    Wildcard,
}

/// Binary operators on values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    And,
    Or,
    Xor,
    Shl,
    Shr,
}

/// A set or map declaration.
#[derive(Clone, Debug)]
pub struct SetDecl<'a> {
    pub name: Str<'a>,
    /// True for `map`.
    pub is_map: bool,
    /// `type A . B [: DATA]`: key types.
    pub key_type: Vec<String>,
    /// `typeof EXPR . EXPR [: EXPR]`: key expressions.
    pub key_typeof: Vec<Expr<'a>>,
    /// The data type of a map (`verdict`, `ipv4_addr`, ...), as text.
    pub data_type: Option<String>,
    /// `flags interval, timeout, dynamic, constant`.
    pub flags: Vec<String>,
    pub elements: Vec<SetElem<'a>>,
    /// Other settings (`timeout`, `gc-interval`, `size`, `policy`,
    /// `auto-merge`, `counter`), as (key, value text).
    pub settings: Vec<(String, String)>,
    pub comment: Option<String>,
    pub handle: Option<u64>,
    pub origin: Origin,
}

/// One element of a set or map.
#[derive(Clone, Debug)]
pub struct SetElem<'a> {
    pub key: Expr<'a>,
    /// The map value (`key : value`), for maps and vmaps (boxed: most
    /// elements have none, and elements are the bulk of large sets).
    pub value: Option<Box<Expr<'a>>>,
    /// Element options (`timeout 1h`, `expires ...`, `counter ...`,
    /// `comment "..."`), as (key, value text).
    pub options: Vec<(Str<'a>, Str<'a>)>,
    pub loc: Loc,
}

// ---------------------------------------------------------------------------
// Owned copies: an included file's tree outlives the included text, so its
// borrowed strings are copied (includes are few; the main file stays borrowed).

fn own(s: Str<'_>) -> Str<'static> {
    Cow::Owned(s.into_owned())
}

fn own_pairs(v: Vec<(Str<'_>, Str<'_>)>) -> Vec<(Str<'static>, Str<'static>)> {
    v.into_iter().map(|(k, x)| (own(k), own(x))).collect()
}

fn own_exprs(v: Vec<Expr<'_>>) -> Vec<Expr<'static>> {
    v.into_iter().map(Expr::into_owned).collect()
}

impl TableRef<'_> {
    pub fn into_owned(self) -> TableRef<'static> {
        TableRef {
            family: self.family,
            name: own(self.name),
        }
    }
}

impl ChainRef<'_> {
    pub fn into_owned(self) -> ChainRef<'static> {
        ChainRef {
            table: self.table.into_owned(),
            chain: own(self.chain),
        }
    }
}

impl Command<'_> {
    /// The same command with every string owned.
    pub fn into_owned(self) -> Command<'static> {
        match self {
            Command::Table { op, table } => Command::Table {
                op,
                table: Box::new(table.into_owned()),
            },
            Command::Chain { op, table, chain } => Command::Chain {
                op,
                table: table.into_owned(),
                chain: Box::new(chain.into_owned()),
            },
            Command::Rule {
                op,
                chain,
                position,
                rule,
            } => Command::Rule {
                op,
                chain: chain.into_owned(),
                position,
                rule: Box::new(rule.into_owned()),
            },
            Command::Set { op, table, set } => Command::Set {
                op,
                table: table.into_owned(),
                set: Box::new(set.into_owned()),
            },
            Command::Element {
                op,
                table,
                set,
                elements,
                loc,
            } => Command::Element {
                op,
                table: table.into_owned(),
                set: own(set),
                elements: elements.into_iter().map(SetElem::into_owned).collect(),
                loc,
            },
            Command::Flush { target, origin } => Command::Flush {
                target: target.into_owned(),
                origin,
            },
            Command::Delete { target, origin } => Command::Delete {
                target: target.into_owned(),
                origin,
            },
            Command::Define(d) => Command::Define(d.into_owned()),
            Command::Other { what, origin } => Command::Other { what, origin },
        }
    }
}

impl Target<'_> {
    pub fn into_owned(self) -> Target<'static> {
        match self {
            Target::Ruleset(f) => Target::Ruleset(f),
            Target::Table(t) => Target::Table(t.into_owned()),
            Target::Chain(c) => Target::Chain(c.into_owned()),
            Target::Rule { chain, handle } => Target::Rule {
                chain: chain.into_owned(),
                handle,
            },
            Target::Set { table, name } => Target::Set {
                table: table.into_owned(),
                name: own(name),
            },
            Target::Map { table, name } => Target::Map {
                table: table.into_owned(),
                name: own(name),
            },
            Target::Other(w) => Target::Other(w),
        }
    }
}

impl Define<'_> {
    pub fn into_owned(self) -> Define<'static> {
        Define {
            kind: self.kind,
            name: own(self.name),
            value: self.value.map(Expr::into_owned),
            origin: self.origin,
        }
    }
}

impl Table<'_> {
    pub fn into_owned(self) -> Table<'static> {
        Table {
            family: self.family,
            name: own(self.name),
            flags: self.flags,
            comment: self.comment,
            handle: self.handle,
            items: self
                .items
                .into_iter()
                .map(|i| match i {
                    TableItem::Chain(c) => TableItem::Chain(c.into_owned()),
                    TableItem::Set(s) => TableItem::Set(s.into_owned()),
                    TableItem::Define(d) => TableItem::Define(d.into_owned()),
                    TableItem::Other { what, origin } => TableItem::Other { what, origin },
                })
                .collect(),
            origin: self.origin,
        }
    }
}

impl Chain<'_> {
    pub fn into_owned(self) -> Chain<'static> {
        Chain {
            name: own(self.name),
            hook: self.hook.map(|h| BaseHook {
                chain_type: h.chain_type,
                hook: h.hook,
                priority: h.priority,
                devices: own_exprs(h.devices),
                origin: h.origin,
            }),
            policy: self.policy.map(|p| Policy {
                value: p.value.into_owned(),
                origin: p.origin,
            }),
            comment: self.comment,
            flags: self.flags,
            handle: self.handle,
            rules: self.rules.into_iter().map(Rule::into_owned).collect(),
            origin: self.origin,
        }
    }
}

impl Rule<'_> {
    pub fn into_owned(self) -> Rule<'static> {
        Rule {
            stmts: self
                .stmts
                .into_iter()
                .map(|s| Stmt {
                    kind: s.kind.into_owned(),
                    loc: s.loc,
                })
                .collect(),
            comment: self.comment.map(own),
            handle: self.handle,
            origin: self.origin,
        }
    }
}

impl StmtKind<'_> {
    pub fn into_owned(self) -> StmtKind<'static> {
        match self {
            StmtKind::Match { left, op, right } => StmtKind::Match {
                left: left.into_owned(),
                op,
                right: right.into_owned(),
            },
            StmtKind::Verdict(v) => StmtKind::Verdict(v.into_owned()),
            StmtKind::VerdictMap { key, map } => StmtKind::VerdictMap {
                key: key.into_owned(),
                map: map.into_owned(),
            },
            StmtKind::Counter {
                packets,
                bytes,
                name,
            } => StmtKind::Counter {
                packets,
                bytes,
                name: name.map(own),
            },
            StmtKind::Log { options } => StmtKind::Log {
                options: own_pairs(options),
            },
            StmtKind::Reject { with } => StmtKind::Reject {
                with: with.map(own),
            },
            StmtKind::Nat { kind, args } => StmtKind::Nat {
                kind,
                args: own(args),
            },
            StmtKind::Queue { args } => StmtKind::Queue { args: own(args) },
            StmtKind::Limit { args } => StmtKind::Limit { args: own(args) },
            StmtKind::Quota { args } => StmtKind::Quota { args: own(args) },
            StmtKind::SetUpdate { op, set, key } => StmtKind::SetUpdate {
                op: own(op),
                set: own(set),
                key: key.into_owned(),
            },
            StmtKind::Mangle { target, value } => StmtKind::Mangle {
                target: target.into_owned(),
                value: value.into_owned(),
            },
            StmtKind::Notrack => StmtKind::Notrack,
            StmtKind::AnonChain { goto, rules } => StmtKind::AnonChain {
                goto,
                rules: rules.into_iter().map(Rule::into_owned).collect(),
            },
            StmtKind::Other { keyword } => StmtKind::Other {
                keyword: own(keyword),
            },
        }
    }
}

impl Verdict<'_> {
    pub fn into_owned(self) -> Verdict<'static> {
        match self {
            Verdict::Accept => Verdict::Accept,
            Verdict::Drop => Verdict::Drop,
            Verdict::Continue => Verdict::Continue,
            Verdict::Return => Verdict::Return,
            Verdict::Jump(c) => Verdict::Jump(own(c)),
            Verdict::Goto(c) => Verdict::Goto(own(c)),
            Verdict::Queue => Verdict::Queue,
        }
    }
}

impl Expr<'_> {
    pub fn into_owned(self) -> Expr<'static> {
        let b = |e: Box<Expr<'_>>| Box::new(e.into_owned());
        match self {
            Expr::Payload { proto, field } => Expr::Payload {
                proto: own(proto),
                field: own(field),
            },
            Expr::Meta { key } => Expr::Meta { key: own(key) },
            Expr::Ct { key, dir } => Expr::Ct {
                key: own(key),
                dir: dir.map(own),
            },
            Expr::Unknown { text } => Expr::Unknown { text: own(text) },
            Expr::Symbol(s) => Expr::Symbol(own(s)),
            Expr::String(s) => Expr::String(own(s)),
            Expr::Number(n) => Expr::Number(n),
            Expr::Addr(a) => Expr::Addr(a),
            Expr::Prefix(e, l) => Expr::Prefix(b(e), l),
            Expr::Range(x, y) => Expr::Range(b(x), b(y)),
            Expr::Concat(v) => Expr::Concat(own_exprs(v)),
            Expr::List(v) => Expr::List(own_exprs(v)),
            Expr::Set(v) => Expr::Set(v.into_iter().map(SetElem::into_owned).collect()),
            Expr::SetRef(s) => Expr::SetRef(own(s)),
            Expr::Variable(s) => Expr::Variable(own(s)),
            Expr::Binop { op, left, right } => Expr::Binop {
                op,
                left: b(left),
                right: b(right),
            },
            Expr::Map { key, map } => Expr::Map {
                key: b(key),
                map: b(map),
            },
            Expr::Verdict(v) => Expr::Verdict(v.into_owned()),
            Expr::Wildcard => Expr::Wildcard,
        }
    }
}

impl SetDecl<'_> {
    pub fn into_owned(self) -> SetDecl<'static> {
        SetDecl {
            name: own(self.name),
            is_map: self.is_map,
            key_type: self.key_type,
            key_typeof: own_exprs(self.key_typeof),
            data_type: self.data_type,
            flags: self.flags,
            elements: self.elements.into_iter().map(SetElem::into_owned).collect(),
            settings: self.settings,
            comment: self.comment,
            handle: self.handle,
            origin: self.origin,
        }
    }
}

impl SetElem<'_> {
    pub fn into_owned(self) -> SetElem<'static> {
        SetElem {
            key: self.key.into_owned(),
            value: self.value.map(|v| Box::new(v.into_owned())),
            options: own_pairs(self.options),
            loc: self.loc,
        }
    }
}

#[cfg(test)]
mod size_tests {
    use super::*;

    /// The tree of a large ruleset is mostly commands, statements and set
    /// elements: their sizes decide how much memory parsing writes. Guard
    /// them against growing back (large variants are boxed).
    #[test]
    fn nodes_stay_small() {
        assert!(std::mem::size_of::<Command>() <= 128);
        assert!(std::mem::size_of::<Stmt>() <= 160);
        assert!(std::mem::size_of::<SetElem>() <= 112);
    }
}

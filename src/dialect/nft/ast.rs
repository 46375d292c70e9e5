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
//! Every node that a diagnostic may point at carries an [`Origin`] (file, span,
//! line, column, text). Includes make rules come from several files, so an
//! `Origin` (which names its file) is used rather than a bare byte span. The
//! JSON reader points origins into the JSON text.

use crate::model::Origin;
use std::net::IpAddr;

/// A whole ruleset: commands in the order nft applies them, plus the problems
/// met while reading.
#[derive(Clone, Debug, Default)]
pub struct Ruleset {
    pub commands: Vec<Command>,
    pub issues: Vec<Issue>,
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
pub struct TableRef {
    pub family: TableFamily,
    pub name: String,
}

/// `[FAMILY] TABLE CHAIN`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ChainRef {
    pub table: TableRef,
    pub chain: String,
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
pub enum Command {
    /// `[add|create] table FAMILY NAME [{ items }]` (the block form too).
    Table { op: AddOp, table: Table },
    /// `[add|create] chain FAMILY TABLE NAME [{ ... }]`.
    Chain {
        op: AddOp,
        table: TableRef,
        chain: Chain,
    },
    /// `add rule ...`, `insert rule ...`, `replace rule ...`; also a bare
    /// `rule ...` (nft treats it as `add rule`).
    Rule {
        op: RuleOp,
        chain: ChainRef,
        position: Option<RulePosition>,
        rule: Rule,
    },
    /// `[add|create] set|map FAMILY TABLE NAME { ... }`.
    Set {
        op: AddOp,
        table: TableRef,
        set: SetDecl,
    },
    /// `add|create|delete element FAMILY TABLE SET { elements }`.
    Element {
        op: ElementOp,
        table: TableRef,
        set: String,
        elements: Vec<SetElem>,
        origin: Origin,
    },
    /// `flush ruleset|table|chain|set|map ...`.
    Flush { target: Target, origin: Origin },
    /// `delete|destroy table|chain|rule|set|map ...`.
    Delete { target: Target, origin: Origin },
    /// `define NAME = VALUE` / `redefine` / `undefine NAME` at file level.
    Define(Define),
    /// A command that does not change the filtering ruleset (`list`, `reset`,
    /// `monitor`, `describe`, `rename`...) or a stateful object / flowtable
    /// declaration at file level. Kept so that nothing is dropped in silence.
    Other { what: String, origin: Origin },
}

/// What a `flush` or `delete` names.
#[derive(Clone, Debug)]
pub enum Target {
    /// `flush ruleset [FAMILY]`.
    Ruleset(Option<TableFamily>),
    Table(TableRef),
    Chain(ChainRef),
    /// `delete rule FAMILY TABLE CHAIN handle N`.
    Rule {
        chain: ChainRef,
        handle: u64,
    },
    Set {
        table: TableRef,
        name: String,
    },
    Map {
        table: TableRef,
        name: String,
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
pub struct Define {
    pub kind: DefineKind,
    pub name: String,
    /// `None` for `undefine`.
    pub value: Option<Expr>,
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
pub struct Table {
    pub family: TableFamily,
    pub name: String,
    /// `flags dormant`, `flags owner`...
    pub flags: Vec<String>,
    pub comment: Option<String>,
    pub handle: Option<u64>,
    pub items: Vec<TableItem>,
    /// The `table ... {` header (or the whole `add table` command).
    pub origin: Origin,
}

/// Something declared inside a table block.
#[derive(Clone, Debug)]
pub enum TableItem {
    Chain(Chain),
    /// A set or a map (see [`SetDecl::data`]).
    Set(SetDecl),
    /// `define` inside a table block (scoped to the block).
    Define(Define),
    /// Stateful objects (`counter NAME {}`, `quota`, `limit`, `ct helper`,
    /// `ct timeout`, `secmark`, `synproxy`), `flowtable`s: kept as text.
    Other {
        what: String,
        origin: Origin,
    },
}

/// A chain: regular when `hook` is `None`, a base chain otherwise.
#[derive(Clone, Debug)]
pub struct Chain {
    pub name: String,
    pub hook: Option<BaseHook>,
    /// `policy accept|drop` (or a variable).
    pub policy: Option<Policy>,
    pub comment: Option<String>,
    pub flags: Vec<String>,
    pub handle: Option<u64>,
    pub rules: Vec<Rule>,
    /// The `chain NAME {` header, or the whole `add chain` command.
    pub origin: Origin,
}

/// `type TYPE hook HOOK [device DEV | devices = { ... }] priority PRIO;`
#[derive(Clone, Debug)]
pub struct BaseHook {
    /// `filter`, `nat`, `route`.
    pub chain_type: String,
    /// `prerouting`, `input`, `forward`, `output`, `postrouting`, `ingress`, `egress`.
    pub hook: String,
    pub priority: Priority,
    /// `device "eth0"` / `devices = { ... }` (netdev and inet ingress).
    pub devices: Vec<Expr>,
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
pub struct Policy {
    /// [`Expr::Verdict`] or [`Expr::Variable`].
    pub value: Expr,
    pub origin: Origin,
}

/// One rule: its statements in order.
#[derive(Clone, Debug)]
pub struct Rule {
    pub stmts: Vec<Stmt>,
    /// `comment "..."`.
    pub comment: Option<String>,
    /// `# handle N` in `nft -a list` output, or the JSON handle.
    pub handle: Option<u64>,
    /// The whole rule text.
    pub origin: Origin,
}

/// A statement of a rule with where it is written.
#[derive(Clone, Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub origin: Origin,
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
pub enum StmtKind {
    /// `LEFT [OP] RIGHT`: a match.
    Match { left: Expr, op: RelOp, right: Expr },
    /// `accept`, `drop`, `jump c`, ...
    Verdict(Verdict),
    /// `KEY vmap { k : verdict, ... }` or `KEY vmap @map`.
    VerdictMap { key: Expr, map: Expr },
    /// `counter [packets N bytes M]` or `counter name NAME`.
    Counter {
        packets: Option<u64>,
        bytes: Option<u64>,
        name: Option<String>,
    },
    /// `log [prefix "..."] [level L] [group N] ...`: options as (key, value).
    Log { options: Vec<(String, String)> },
    /// `reject [with icmp|icmpv6|icmpx type X | with tcp reset]`: final (drop).
    Reject { with: Option<String> },
    /// `snat`, `dnat`, `masquerade`, `redirect` with their arguments (text).
    Nat { kind: NatKind, args: String },
    /// `queue [num N] [bypass] [fanout]`: hands the packet to userspace.
    Queue { args: String },
    /// `limit rate ...`: matches while under the rate (opaque).
    Limit { args: String },
    /// `quota ...`: matches while under the quota (opaque).
    Quota { args: String },
    /// `set|add|update|delete @set { key [timeout ...] }`, and `meter`.
    SetUpdate { op: String, set: String, key: Expr },
    /// `meta KEY set EXPR`, `ct KEY set EXPR`, payload mangling
    /// (`ip dscp set ...`), `notrack` (as `target = "notrack"`).
    Mangle { target: Expr, value: Expr },
    /// `notrack`.
    Notrack,
    /// `jump { rules }` / `goto { rules }`: an anonymous (bound) chain.
    AnonChain { goto: bool, rules: Vec<Rule> },
    /// Anything else, kept as text: `fwd`, `dup`, `tproxy`, `synproxy`, `xt ...`,
    /// `flow add @ft`, `objref`... The keyword names it.
    Other { keyword: String },
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
pub enum Verdict {
    Accept,
    Drop,
    Continue,
    Return,
    Jump(String),
    Goto(String),
    /// `queue` as a verdict (JSON `"queue"`, vmap data).
    Queue,
}

/// An expression: a packet field, a constant, or a structure of them.
#[derive(Clone, Debug)]
pub enum Expr {
    /// `PROTO FIELD`: `ip saddr`, `ip6 nexthdr`, `tcp dport`, `th sport`,
    /// `icmp type`, `tcp flags`, `ether saddr`, `vlan id`, `ip dscp`...
    Payload { proto: String, field: String },
    /// `meta KEY` and the bare meta keys (`iifname`, `l4proto`, `mark`...).
    Meta { key: String },
    /// `ct [original|reply] KEY`: `ct state`, `ct status`, `ct mark`...
    Ct { key: String, dir: Option<String> },
    /// Another packet/state expression fwlint does not decode (`fib saddr .
    /// iif oif`, `socket transparent`, `exthdr`, `rt`, `osf`, `numgen`,
    /// `hash`, raw payload `@nh,0,8`...): its text.
    Unknown { text: String },
    /// A bare word: a service, state, type, interface or protocol name.
    Symbol(String),
    /// A quoted string (`"eth*"`).
    String(String),
    /// A number (decimal, hex, octal as nft reads them).
    Number(u128),
    /// An IPv4 or IPv6 address.
    Addr(IpAddr),
    /// `EXPR / LEN`.
    Prefix(Box<Expr>, u8),
    /// `LOW - HIGH`.
    Range(Box<Expr>, Box<Expr>),
    /// `A . B . C`.
    Concat(Vec<Expr>),
    /// A comma list outside braces: `syn,ack`, `established,related`.
    List(Vec<Expr>),
    /// An anonymous set `{ e1, e2 }` (map elements carry `value`).
    Set(Vec<SetElem>),
    /// `@name`: a named set or map.
    SetRef(String),
    /// `$name`.
    Variable(String),
    /// `LEFT & RIGHT`, `|`, `^`, `<<`, `>>`.
    Binop {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `KEY map { ... }` / `KEY map @m`: a looked-up value.
    Map { key: Box<Expr>, map: Box<Expr> },
    /// A verdict as data (map values, policies).
    Verdict(Verdict),
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
pub struct SetDecl {
    pub name: String,
    /// True for `map`.
    pub is_map: bool,
    /// `type A . B [: DATA]`: key types.
    pub key_type: Vec<String>,
    /// `typeof EXPR . EXPR [: EXPR]`: key expressions.
    pub key_typeof: Vec<Expr>,
    /// The data type of a map (`verdict`, `ipv4_addr`, ...), as text.
    pub data_type: Option<String>,
    /// `flags interval, timeout, dynamic, constant`.
    pub flags: Vec<String>,
    pub elements: Vec<SetElem>,
    /// Other settings (`timeout`, `gc-interval`, `size`, `policy`,
    /// `auto-merge`, `counter`), as (key, value text).
    pub settings: Vec<(String, String)>,
    pub comment: Option<String>,
    pub handle: Option<u64>,
    pub origin: Origin,
}

/// One element of a set or map.
#[derive(Clone, Debug)]
pub struct SetElem {
    pub key: Expr,
    /// The map value (`key : value`), for maps and vmaps.
    pub value: Option<Expr>,
    /// Element options (`timeout 1h`, `expires ...`, `counter ...`,
    /// `comment "..."`), as (key, value text).
    pub options: Vec<(String, String)>,
    pub origin: Origin,
}

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
//! Names, words and values are `&str` slices ([`Str`]) of the source text,
//! or of copies in the ruleset's [`Arena`] (JSON strings after unescaping,
//! the texts of included files). Rules, statements, expressions and set
//! elements live in that arena too, referring to each other by `&'a`
//! references and slices: a large ruleset's tree is a few dense blocks
//! instead of millions of small allocations, built and freed at once.
//!
//! Declarations (tables, chains, sets, defines) carry an [`Origin`] (file,
//! span, line, column, text). Rules and the many small nodes (set elements,
//! `add element` commands) carry a [`Loc`] instead: a file number and a
//! byte span, turned into an `Origin` (line and column) only when lowering
//! needs one. A statement carries only its byte [`Span`]: its file is its
//! rule's ([`Stmt::loc`]).
//!
//! Node sizes matter: a large ruleset's tree is written once, and every new
//! page of it costs a page fault. A statement is 32 bytes, an expression 24,
//! a rule 48 (the test `nodes_stay_small` keeps them so); rare or wide parts
//! (verdicts with a chain, counter values and names, payload and ct fields,
//! comments) are out of line, and the common ones are shared static nodes.
//! Includes make rules come from several files, so both name their file. The
//! JSON reader points them into the JSON text.

use crate::model::{Origin, SourceFile};
use std::net::IpAddr;
use std::num::NonZeroU64;
use std::sync::Arc;

/// Text of the syntax tree: a slice of the source text, or of a copy in the
/// [`Arena`] (JSON strings after unescaping, included files' texts).
pub type Str<'a> = &'a str;

/// Where the small nodes of a tree live (statements, expressions, set
/// elements, rules): one bump allocation each instead of one `malloc`, and
/// the whole tree freed (or, with [`Arena::reset`], reused) at once. The
/// nodes it holds own nothing (see `arena_nodes_own_nothing` below): the
/// arena never runs destructors.
pub type Arena = bumpalo::Bump;

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
#[derive(Clone, Debug)]
pub struct Ruleset<'a> {
    /// Where the tree's nodes live (lowering allocates substituted
    /// expressions there too).
    pub arena: &'a Arena,
    pub commands: Vec<Command<'a>>,
    pub issues: Vec<Issue>,
    /// The files read, indexed by [`Loc::file`] (the first is the main file).
    pub files: Vec<Arc<SourceFile>>,
}

impl<'a> Ruleset<'a> {
    /// An empty ruleset whose nodes will live in `arena`.
    pub fn new(arena: &'a Arena) -> Self {
        Ruleset {
            arena,
            commands: Vec::new(),
            issues: Vec::new(),
            files: Vec::new(),
        }
    }

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
        rule: &'a Rule<'a>,
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
        elements: &'a [SetElem<'a>],
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
#[derive(Clone, Copy, Debug)]
pub struct Rule<'a> {
    pub stmts: &'a [Stmt<'a>],
    /// `comment "..."` (out of line: most rules have none, and a rule
    /// stays 48 bytes).
    pub comment: Option<&'a Str<'a>>,
    /// `# handle N` in `nft -a list` output, or the JSON handle (the kernel
    /// numbers rules from 1: a 0 is no handle).
    pub handle: Option<NonZeroU64>,
    /// The whole rule text.
    pub loc: Loc,
}

/// A statement of a rule with where it is written: a byte span in its
/// rule's file ([`Stmt::loc`] gives the full location).
#[derive(Clone, Copy, Debug)]
pub struct Stmt<'a> {
    pub kind: StmtKind<'a>,
    pub span: Span,
}

impl Stmt<'_> {
    /// Where the statement is written, given its rule's file (statements
    /// leave the file to their rule: it keeps them at 32 bytes).
    pub fn loc(&self, file: u32) -> Loc {
        Loc {
            file,
            start: self.span.start,
            end: self.span.end,
        }
    }
}

/// A byte span in a file known from the context (a statement's rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl From<Loc> for Span {
    fn from(l: Loc) -> Span {
        Span {
            start: l.start,
            end: l.end,
        }
    }
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
#[derive(Clone, Copy, Debug)]
pub enum StmtKind<'a> {
    /// `LEFT [OP] RIGHT`: a match.
    Match {
        left: &'a Expr<'a>,
        op: RelOp,
        right: &'a Expr<'a>,
    },
    /// `accept`, `drop`, `jump c`, ... (see [`Verdict::in_arena`]).
    Verdict(&'a Verdict<'a>),
    /// `KEY vmap { k : verdict, ... }` or `KEY vmap @map`.
    VerdictMap {
        key: &'a Expr<'a>,
        map: &'a Expr<'a>,
    },
    /// `counter [packets N bytes M]` or `counter name NAME`.
    Counter {
        /// `packets N bytes M` (a missing one is 0).
        counts: Option<&'a Counts>,
        /// Out of line (rare): a statement stays 32 bytes.
        name: Option<&'a Str<'a>>,
    },
    /// `log [prefix "..."] [level L] [group N] ...`: options as (key, value).
    Log { options: &'a [(Str<'a>, Str<'a>)] },
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
    SetUpdate(&'a SetUpdate<'a>),
    /// `meta KEY set EXPR`, `ct KEY set EXPR`, payload mangling
    /// (`ip dscp set ...`), `notrack` (as `target = "notrack"`).
    Mangle {
        target: &'a Expr<'a>,
        value: &'a Expr<'a>,
    },
    /// `notrack`.
    Notrack,
    /// `jump { rules }` / `goto { rules }`: an anonymous (bound) chain.
    AnonChain { goto: bool, rules: &'a [Rule<'a>] },
    /// Anything else, kept as text: `fwd`, `dup`, `tproxy`, `synproxy`, `xt ...`,
    /// `flow add @ft`, `objref`... The keyword names it.
    Other { keyword: Str<'a> },
}

/// The values of `counter packets N bytes M`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub packets: u64,
    pub bytes: u64,
}

/// `OP @SET { KEY ... }`: a set updated from the packet path (a separate
/// node: rare, and larger than the other statements).
#[derive(Clone, Copy, Debug)]
pub struct SetUpdate<'a> {
    /// `set`, `add`, `update`, `delete`, `meter`.
    pub op: Str<'a>,
    pub set: Str<'a>,
    pub key: &'a Expr<'a>,
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

impl<'a> Verdict<'a> {
    /// The verdict as a tree node: a shared static node for the verdicts
    /// without a chain (most of them), an arena copy for `jump`/`goto`.
    /// Statements and expressions refer to verdicts so that they stay 32
    /// and 24 bytes.
    pub fn in_arena(self, arena: &'a Arena) -> &'a Verdict<'a> {
        match self {
            Verdict::Accept => &Verdict::Accept,
            Verdict::Drop => &Verdict::Drop,
            Verdict::Continue => &Verdict::Continue,
            Verdict::Return => &Verdict::Return,
            Verdict::Queue => &Verdict::Queue,
            Verdict::Jump(_) | Verdict::Goto(_) => arena.alloc(self),
        }
    }
}

/// An expression: a packet field, a constant, or a structure of them.
#[derive(Clone, Copy, Debug)]
pub enum Expr<'a> {
    /// `PROTO FIELD`: `ip saddr`, `ip6 nexthdr`, `tcp dport`, `th sport`,
    /// `icmp type`, `tcp flags`, `ether saddr`, `vlan id`, `ip dscp`...
    Payload(&'a PayloadField<'a>),
    /// `meta KEY` and the bare meta keys (`iifname`, `l4proto`, `mark`...).
    Meta { key: Str<'a> },
    /// `ct [original|reply] KEY`: `ct state`, `ct status`, `ct mark`...
    Ct(&'a CtField<'a>),
    /// Another packet/state expression fwlint does not decode (`fib saddr .
    /// iif oif`, `socket transparent`, `exthdr`, `rt`, `osf`, `numgen`,
    /// `hash`, raw payload `@nh,0,8`...): its text.
    Unknown { text: Str<'a> },
    /// A bare word: a service, state, type, interface or protocol name.
    Symbol(Str<'a>),
    /// A quoted string (`"eth*"`).
    String(Str<'a>),
    /// A number (decimal, hex, octal as nft reads them) up to 64 bits; a
    /// larger constant (no field fwlint models is that wide) stays a
    /// [`Expr::Symbol`] of its text, which lowering reports as out of range.
    Number(u64),
    /// An IPv4 or IPv6 address.
    Addr(IpAddr),
    /// `EXPR / LEN`.
    Prefix(&'a Expr<'a>, u8),
    /// `LOW - HIGH`.
    Range(&'a Expr<'a>, &'a Expr<'a>),
    /// `A . B . C`.
    Concat(&'a [Expr<'a>]),
    /// A comma list outside braces: `syn,ack`, `established,related`.
    List(&'a [Expr<'a>]),
    /// An anonymous set `{ e1, e2 }` (map elements carry `value`).
    Set(&'a [SetElem<'a>]),
    /// `@name`: a named set or map.
    SetRef(Str<'a>),
    /// `$name`.
    Variable(Str<'a>),
    /// `LEFT & RIGHT`, `|`, `^`, `<<`, `>>`.
    Binop {
        op: BinOp,
        left: &'a Expr<'a>,
        right: &'a Expr<'a>,
    },
    /// `KEY map { ... }` / `KEY map @m`: a looked-up value.
    Map {
        key: &'a Expr<'a>,
        map: &'a Expr<'a>,
    },
    /// A verdict as data (map values, policies; see [`Verdict::in_arena`]).
    Verdict(&'a Verdict<'a>),
    /// `*`: the catch-all element of a map.
    Wildcard,
}

/// The right-hand side of `LEFT ! VALUE` (read as `(LEFT & VALUE) == 0`,
/// how nft lists "no bit of VALUE set"): lowering tells this form from a
/// written `LEFT & VALUE == 0` by this node's address, as nft accepts `!`
/// on bitmask types only.
pub static NO_BIT_SET: Expr<'static> = Expr::Number(0);

/// The field of [`Expr::Payload`], out of line so that an expression stays
/// 24 bytes (the common fields are shared static nodes, see the parser).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PayloadField<'a> {
    pub proto: Str<'a>,
    pub field: Str<'a>,
}

/// The key of [`Expr::Ct`] and its direction (`original`, `reply`), out of
/// line as [`PayloadField`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CtField<'a> {
    pub key: Str<'a>,
    pub dir: Option<Str<'a>>,
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
#[derive(Clone, Copy, Debug)]
pub struct SetElem<'a> {
    pub key: &'a Expr<'a>,
    /// The map value (`key : value`), for maps and vmaps.
    pub value: Option<&'a Expr<'a>>,
    /// Element options (`timeout 1h`, `expires ...`, `counter ...`,
    /// `comment "..."`), as (key, value text).
    pub options: &'a [(Str<'a>, Str<'a>)],
    pub loc: Loc,
}

/// The arena never runs destructors: what it holds must own nothing, or
/// that memory (or an `Arc`'s count) would leak. Checked at compile time.
const _: () = {
    assert!(!std::mem::needs_drop::<Expr>());
    assert!(!std::mem::needs_drop::<Stmt>());
    assert!(!std::mem::needs_drop::<SetElem>());
    assert!(!std::mem::needs_drop::<Rule>());
};

#[cfg(test)]
mod size_tests {
    use super::*;

    /// The tree of a large ruleset is mostly commands, rules, statements,
    /// expressions and set elements: their sizes decide how much memory
    /// parsing writes. Guard them against growing back.
    #[test]
    fn nodes_stay_small() {
        assert!(std::mem::size_of::<Command>() <= 128);
        assert!(
            std::mem::size_of::<Stmt>() <= 32,
            "{}",
            std::mem::size_of::<Stmt>()
        );
        assert!(
            std::mem::size_of::<Expr>() <= 24,
            "{}",
            std::mem::size_of::<Expr>()
        );
        assert!(
            std::mem::size_of::<SetElem>() <= 48,
            "{}",
            std::mem::size_of::<SetElem>()
        );
        assert!(
            std::mem::size_of::<Rule>() <= 48,
            "{}",
            std::mem::size_of::<Rule>()
        );
    }
}

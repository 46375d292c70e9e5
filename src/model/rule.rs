//! The vendor-neutral rule set: filters made of rules, each rule a match and an
//! effect. Only the `lower` step of each dialect builds these; checks and the
//! packet-set engine only read them.

use super::origin::Origin;
use super::values::{AddrPattern, CtStates, Family, Ranges};
use serde::Serialize;

/// One condition on a packet. A rule's match is the conjunction of its conditions.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "field", content = "value", rename_all = "kebab-case")]
pub enum Cond {
    /// The packet is of this address family.
    Family(Family),
    /// IP protocol number (IPv4 protocol / IPv6 next header, as `meta l4proto`).
    Protocol(Ranges),
    /// Source address is in any of the patterns.
    SrcAddr(Vec<AddrPattern>),
    /// Destination address is in any of the patterns.
    DstAddr(Vec<AddrPattern>),
    /// Source port is in the set. Implies a protocol that carries ports.
    SrcPort(Ranges),
    /// Destination port is in the set. Implies a protocol that carries ports.
    DstPort(Ranges),
    /// ICMP / ICMPv6 type. Implies an ICMP protocol.
    IcmpType(Ranges),
    /// ICMP / ICMPv6 code. Implies an ICMP protocol.
    IcmpCode(Ranges),
    /// The TCP flags byte (fin=0x01 ... cwr=0x80) is one of these values
    /// (`0..=255`; see [`super::tcp_flags`]). Implies protocol TCP.
    TcpFlags(Ranges),
    /// Connection-tracking state is one of these.
    CtState(CtStates),
    /// Input interface name is one of these (a trailing `*` is a prefix wildcard).
    InIface(Vec<String>),
    /// Output interface name is one of these.
    OutIface(Vec<String>),
    /// Negation of one condition.
    Not(Box<Cond>),
    /// Disjunction of conjunctions: the packet matches at least one inner match.
    /// Used for concatenated sets, object-groups mixing fields, and vmap keys.
    AnyOf(Vec<Match>),
    /// A symbolic address or port set whose members depend on the host (Windows
    /// `LocalSubnet`, `RPC`, `DNS`, ...). A topology may resolve it; otherwise it is
    /// treated as [`Cond::Opaque`].
    Symbolic {
        field: SymbolicField,
        keyword: String,
    },
    /// A condition fwlint cannot decide from packet headers: an unmodelled match
    /// (`meta mark`, `limit`, `fib`, ...), or one outside the packet (a Windows
    /// program or service scope, IPsec authentication). Analyses treat it with
    /// three values: it may match anything when asking "what could be open", and
    /// nothing when asking "what is surely open".
    Opaque { what: String },
}

/// Which header field a [`Cond::Symbolic`] constrains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SymbolicField {
    SrcAddr,
    DstAddr,
    SrcPort,
    DstPort,
}

/// A conjunction of conditions. Empty means "every packet".
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Match {
    pub conds: Vec<Cond>,
}

impl Match {
    pub fn any() -> Self {
        Match { conds: Vec::new() }
    }
    pub fn new(conds: Vec<Cond>) -> Self {
        Match { conds }
    }
    pub fn and(mut self, c: Cond) -> Self {
        self.conds.push(c);
        self
    }
    /// True when some condition (at any depth) is opaque or symbolic, so that the
    /// match is only known between a lower and an upper bound.
    pub fn is_uncertain(&self) -> bool {
        self.conds.iter().any(Cond::is_uncertain)
    }
}

impl Cond {
    pub fn is_uncertain(&self) -> bool {
        self.any(&|c| matches!(c, Cond::Opaque { .. } | Cond::Symbolic { .. }))
    }

    /// True when `found` holds for this condition or one inside it (under
    /// `Not` and `AnyOf`, at any depth).
    pub fn any(&self, found: &dyn Fn(&Cond) -> bool) -> bool {
        found(self)
            || match self {
                Cond::Not(c) => c.any(found),
                Cond::AnyOf(ms) => ms.iter().any(|m| m.conds.iter().any(|c| c.any(found))),
                _ => false,
            }
    }
}

/// A final verdict on a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Allow,
    Deny,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Deny => "deny",
        }
    }
    /// The verb in the third person: "allows", "denies".
    pub fn verb(self) -> &'static str {
        match self {
            Action::Allow => "allows",
            Action::Deny => "denies",
        }
    }
    pub fn other(self) -> Action {
        match self {
            Action::Allow => Action::Deny,
            Action::Deny => Action::Allow,
        }
    }
}

/// What a rule does to the packets it matches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type", content = "target")]
pub enum Effect {
    /// Accept. In an nftables pipeline this ends the current base chain only.
    Allow,
    /// Drop or reject: final.
    Deny,
    /// nftables `jump CHAIN` (index into the pipeline's chains).
    Jump(usize),
    /// nftables `goto CHAIN`.
    Goto(usize),
    /// nftables `return`.
    Return,
    /// No verdict: evaluation continues with the next rule (counters, logging,
    /// `continue`, NAT without a verdict).
    Continue,
}

impl Effect {
    pub fn action(&self) -> Option<Action> {
        match self {
            Effect::Allow => Some(Action::Allow),
            Effect::Deny => Some(Action::Deny),
            _ => None,
        }
    }
}

/// One rule of the normalized model.
#[derive(Clone, Debug, Serialize)]
pub struct Rule {
    pub matches: Match,
    pub effect: Effect,
    /// Disabled (Windows `Active=FALSE`, ASA `inactive`) rules stay in the model
    /// for hygiene checks; evaluation skips them.
    pub enabled: bool,
    /// A vendor identifier: ACL sequence number, Windows rule name, nft handle.
    pub label: Option<String>,
    /// Where the rule is written.
    pub origin: Origin,
    /// Facts worth telling the user that are not conditions (e.g. "scoped to
    /// program C:\x.exe", "log"), shown by `query` and `parse`.
    pub notes: Vec<String>,
}

impl Rule {
    pub fn new(matches: Match, effect: Effect, origin: Origin) -> Self {
        Rule {
            matches,
            effect,
            enabled: true,
            label: None,
            origin,
            notes: Vec::new(),
        }
    }
}

/// A first-match list: the first enabled rule whose match holds decides, else the
/// default action. Cisco ACLs, and Windows precedence once lowered (bypass rules,
/// then block rules, then allow rules: "block beats allow" is exactly first match
/// over that order).
#[derive(Clone, Debug, Serialize)]
pub struct FirstMatch {
    pub rules: Vec<Rule>,
    pub default: Action,
    /// Where the default is stated (a policy line), if anywhere.
    pub default_origin: Option<Origin>,
}

/// An nftables chain: base or regular.
#[derive(Clone, Debug, Serialize)]
pub struct Chain {
    /// `family table chain`, e.g. `inet filter input`.
    pub name: String,
    pub rules: Vec<Rule>,
    pub origin: Origin,
}

/// A base chain attached to the hook that a pipeline models.
#[derive(Clone, Debug, Serialize)]
pub struct BaseChain {
    /// Index into [`Pipeline::chains`].
    pub chain: usize,
    pub priority: i32,
    pub policy: Action,
    /// Packets of other families skip this chain (`ip` tables see only IPv4).
    pub family: Option<Family>,
    pub policy_origin: Option<Origin>,
}

/// Every base chain on one hook, run in priority order as the kernel does.
/// `Allow` ends the current base chain (the packet goes on to the next one);
/// `Deny` is final; a base chain's policy applies when its rules run out.
#[derive(Clone, Debug, Serialize)]
pub struct Pipeline {
    /// The chains of every table of the ruleset. The pipelines of one
    /// ruleset's hooks share them (`Arc::make_mut` before changing them).
    pub chains: std::sync::Arc<Vec<Chain>>,
    /// Sorted by priority. Ties run last-created first: the kernel inserts a new
    /// hook before existing ones of equal priority (checked on a real kernel; see
    /// `dialect::nft::lower`).
    pub base: Vec<BaseChain>,
}

/// How a filter evaluates.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "semantics", rename_all = "kebab-case")]
pub enum FilterBody {
    FirstMatch(FirstMatch),
    Pipeline(Pipeline),
}

/// Where a filter applies, as far as the config says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Binding {
    /// Interface, hook, or Windows profile.
    pub point: String,
    /// `in` or `out`.
    pub direction: String,
    pub origin: Option<Origin>,
}

/// A filter: what `--filter` selects and what checks analyse.
#[derive(Clone, Debug, Serialize)]
pub struct Filter {
    /// ACL name or number; nftables hook (`input`); Windows `in/domain`.
    pub name: String,
    /// Other names `--filter` accepts for this filter (Windows `in` for `in/domain`).
    pub aliases: Vec<String>,
    /// Dialect name (`nft`, `cisco-ios`, ...), for messages and suggestions.
    pub dialect: String,
    /// How the filter is evaluated, in words (for `parse` and diagnostics).
    pub semantics: String,
    pub body: FilterBody,
    pub bindings: Vec<Binding>,
    /// Where the filter is defined (ACL header, first base chain), if anywhere.
    pub origin: Option<Origin>,
}

impl Filter {
    /// False for an nftables hook with no base chain: nothing filters there
    /// (the kernel accepts everything), and the config says nothing about it.
    pub fn is_configured(&self) -> bool {
        match &self.body {
            FilterBody::FirstMatch(_) => true,
            FilterBody::Pipeline(p) => !p.base.is_empty(),
        }
    }

    /// Every rule of the filter, in definition order.
    pub fn rules(&self) -> Box<dyn Iterator<Item = &Rule> + '_> {
        match &self.body {
            FilterBody::FirstMatch(fm) => Box::new(fm.rules.iter()),
            FilterBody::Pipeline(p) => Box::new(p.chains.iter().flat_map(|c| c.rules.iter())),
        }
    }
}

/// A named object of the config (object-group, named set, map, defined
/// variable) and how often it is used, for hygiene checks.
#[derive(Clone, Debug, Serialize)]
pub struct NamedObject {
    /// `object-group`, `set`, `map`, `define`, `chain`, `acl`, ...
    pub kind: String,
    pub name: String,
    pub origin: Origin,
    pub uses: usize,
}

/// A reference to a name that the config does not define.
#[derive(Clone, Debug, Serialize)]
pub struct DanglingRef {
    pub kind: String,
    pub name: String,
    pub origin: Origin,
}

/// A Windows-style rule name shared by rules with different contents.
#[derive(Clone, Debug, Serialize)]
pub struct NameClash {
    pub name: String,
    pub origins: Vec<Origin>,
}

/// Severity of a parse issue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IssueLevel {
    /// The input could not be read at all, or a statement was malformed.
    Error,
    /// A construct was read but is not modelled (it became an opaque condition
    /// or was recorded without effect).
    Warning,
    /// Informational (e.g. a family the tool reports but does not analyse).
    Note,
}

/// A problem met while reading, parsing or lowering: becomes a `parse` finding.
#[derive(Clone, Debug, Serialize)]
pub struct ParseIssue {
    pub level: IssueLevel,
    pub message: String,
    /// What the parser expected, for syntax errors.
    pub expected: Option<String>,
    pub help: Option<String>,
    pub origin: Origin,
}

/// Everything read from one or more input files.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RuleSet {
    pub filters: Vec<Filter>,
    pub issues: Vec<ParseIssue>,
    pub objects: Vec<NamedObject>,
    pub dangling: Vec<DanglingRef>,
    pub name_clashes: Vec<NameClash>,
}

impl RuleSet {
    pub fn merge(&mut self, other: RuleSet) {
        self.filters.extend(other.filters);
        self.issues.extend(other.issues);
        self.objects.extend(other.objects);
        self.dangling.extend(other.dangling);
        self.name_clashes.extend(other.name_clashes);
    }

    /// Find a filter by name or alias (case-insensitive for names).
    pub fn filter(&self, name: &str) -> Option<&Filter> {
        self.filters.iter().find(|f| f.name == name).or_else(|| {
            self.filters.iter().find(|f| {
                f.name.eq_ignore_ascii_case(name)
                    || f.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
            })
        })
    }

    /// Pick the filter `--filter`/`--profile` name, or the natural default.
    pub fn select_filter(
        &self,
        filter: Option<&str>,
        profile: Option<&str>,
    ) -> Result<&Filter, String> {
        let rules = self;
        let names = || {
            rules
                .filters
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if rules.filters.is_empty() {
            return Err("the config defines no filter (no ACL, base chain or rule)".into());
        }
        let is_windows = rules.filters.iter().any(|f| f.dialect.starts_with("winfw"));
        if is_windows {
            let dir = filter.unwrap_or("in").to_ascii_lowercase();
            let prof = profile.unwrap_or("domain").to_ascii_lowercase();
            let name = format!("{dir}/{prof}");
            return rules
                .filter(&name)
                .ok_or_else(|| format!("no filter `{name}`; the config has: {}", names()));
        }
        if profile.is_some() {
            return Err("--profile applies to Windows Firewall configs only".into());
        }
        match filter {
            Some(f) => rules
                .filter(f)
                .ok_or_else(|| format!("no filter `{f}`; the config has: {}", names())),
            None => {
                if rules.filters.len() == 1 {
                    return Ok(&rules.filters[0]);
                }
                rules.filter("input").ok_or_else(|| {
                    format!(
                        "the config has several filters; pick one with --filter: {}",
                        names()
                    )
                })
            }
        }
    }
}

//! The Cisco vendor syntax tree: ACLs and their entries, object-groups and
//! objects, `name` aliases and access-group bindings, as written. Port and
//! protocol names are already resolved to numbers (they depend on the
//! protocol, so the parser resolves them where it knows it); everything else
//! stays in vendor terms. Only `lower` turns this into the model.

use crate::model::Family;
use std::borrow::Cow;
use std::net::IpAddr;
use std::ops::Range;

/// permit / deny.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Permit,
    Deny,
}

/// An address operand of an entry or a network object-group member. 24
/// bytes: two IPv4 addresses inline, IPv6 pairs and names behind a pointer.
#[derive(Clone, Debug, PartialEq)]
pub enum AddrSpec {
    /// `any` (`None`: every family the ACL sees), `any4`, `any6`.
    Any(Option<Family>),
    /// `host A`, or a bare address where it means a host.
    Host(IpAddr),
    /// Address and wildcard mask (bits set are ignored); ASA subnet masks are
    /// inverted into this form by the parser. Build with [`AddrSpec::wild`].
    Wild(Pair),
    /// `A/len`.
    Prefix(IpAddr, u8),
    /// `range A B`. Build with [`AddrSpec::range`].
    Range(Pair),
    /// `object-group N`, `addrgroup N`, `net-group N`.
    Group(Box<str>),
    /// ASA `object N`.
    Object(Box<str>),
    /// Something the model cannot decide (`interface IF`, `fqdn X`).
    Opaque(Box<str>),
}

impl AddrSpec {
    pub fn wild(ip: IpAddr, mask: IpAddr) -> AddrSpec {
        AddrSpec::Wild(Pair::new(ip, mask))
    }
    pub fn range(lo: IpAddr, hi: IpAddr) -> AddrSpec {
        AddrSpec::Range(Pair::new(lo, hi))
    }
}

/// Two addresses (address and mask, or the ends of a range): two IPv4
/// addresses are kept inline (8 bytes), any other pair behind a pointer.
#[derive(Clone, PartialEq)]
pub enum Pair {
    V4(std::net::Ipv4Addr, std::net::Ipv4Addr),
    Other(Box<(IpAddr, IpAddr)>),
}

impl Pair {
    pub fn new(a: IpAddr, b: IpAddr) -> Pair {
        match (a, b) {
            (IpAddr::V4(a), IpAddr::V4(b)) => Pair::V4(a, b),
            _ => Pair::Other(Box::new((a, b))),
        }
    }
    pub fn get(&self) -> (IpAddr, IpAddr) {
        match self {
            Pair::V4(a, b) => (IpAddr::V4(*a), IpAddr::V4(*b)),
            Pair::Other(p) => **p,
        }
    }
}

impl std::fmt::Debug for Pair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (a, b) = self.get();
        write!(f, "({a}, {b})")
    }
}

/// The ports after `eq` / `neq`: nearly always one to three, kept inline
/// (no allocation per entry); longer lists go to the heap. 24 bytes: the
/// vendor tree of a large ACL is mostly entries, and its size is what parsing
/// it costs in memory traffic and page faults.
#[derive(Clone, PartialEq, Eq)]
pub enum Ports {
    Inline(u8, [u16; Ports::INLINE]),
    Heap(Box<[u16]>),
}

impl Ports {
    pub const INLINE: usize = 3;
    pub fn new() -> Self {
        Ports::Inline(0, [0; Ports::INLINE])
    }
    pub fn push(&mut self, p: u16) {
        match self {
            Ports::Inline(n, a) if (*n as usize) < Ports::INLINE => {
                a[*n as usize] = p;
                *n += 1;
            }
            Ports::Inline(n, a) => {
                let mut v = a[..*n as usize].to_vec();
                v.push(p);
                *self = Ports::Heap(v.into_boxed_slice());
            }
            Ports::Heap(v) => {
                let mut w = std::mem::take(v).into_vec();
                w.push(p);
                *v = w.into_boxed_slice();
            }
        }
    }
    pub fn as_slice(&self) -> &[u16] {
        match self {
            Ports::Inline(n, a) => &a[..*n as usize],
            Ports::Heap(v) => v,
        }
    }
}

impl Default for Ports {
    fn default() -> Self {
        Ports::new()
    }
}

impl std::ops::Deref for Ports {
    type Target = [u16];
    fn deref(&self) -> &[u16] {
        self.as_slice()
    }
}

impl std::fmt::Debug for Ports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl FromIterator<u16> for Ports {
    fn from_iter<I: IntoIterator<Item = u16>>(it: I) -> Self {
        let mut p = Ports::new();
        for x in it {
            p.push(x);
        }
        p
    }
}

/// A list that is nearly always empty: one pointer (8 bytes, where a `Vec`
/// takes 24 in every entry), no allocation while empty.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::box_collection)]
pub struct Sparse<T>(Option<Box<Vec<T>>>);

impl<T> Default for Sparse<T> {
    fn default() -> Self {
        Sparse(None)
    }
}

impl<T> Sparse<T> {
    pub fn push(&mut self, x: T) {
        self.0.get_or_insert_with(Default::default).push(x);
    }
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.as_deref().map(|v| v.iter()).unwrap_or_default()
    }
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|v| v.is_empty())
    }
}

impl<T> From<Vec<T>> for Sparse<T> {
    fn from(v: Vec<T>) -> Self {
        Sparse((!v.is_empty()).then(|| Box::new(v)))
    }
}

impl<'s, T> IntoIterator for &'s Sparse<T> {
    type Item = &'s T;
    type IntoIter = std::slice::Iter<'s, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Facts that do not change the match (log, counters), in order. Mostly one
/// static word (`log`), kept inline; the others (counter names, log cookies)
/// in a [`Sparse`] list. 16 bytes, no allocation for a plain `log`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Notes {
    first: Option<&'static str>,
    rest: Sparse<Cow<'static, str>>,
}

impl Notes {
    pub fn push(&mut self, n: Cow<'static, str>) {
        match n {
            Cow::Borrowed(w) if self.first.is_none() && self.rest.is_empty() => {
                self.first = Some(w)
            }
            n => self.rest.push(n),
        }
    }
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.first
            .into_iter()
            .chain(self.rest.iter().map(|c| c.as_ref()))
    }
    pub fn is_empty(&self) -> bool {
        self.first.is_none() && self.rest.is_empty()
    }
}

/// A port operator with resolved numbers.
#[derive(Clone, Debug, PartialEq)]
pub enum PortOp {
    Eq(Ports),
    Neq(Ports),
    Lt(u16),
    Gt(u16),
    Range(u16, u16),
    /// `portgroup N`, `port-group N`, ASA `object-group N` (service group with a protocol).
    Group(String),
}

/// The protocol operand of an entry or service member.
#[derive(Clone, Debug, PartialEq)]
pub enum ProtoSpec {
    /// `ip`, `ipv4` (XR), `ipv6` in IPv6 ACLs: every protocol.
    Any,
    Num(u8),
    /// ASA `tcp-udp`.
    TcpUdp,
    /// `object-group N` in protocol position (service or protocol group).
    Group(Box<str>),
    /// ASA `object N` (a service object).
    Object(Box<str>),
}

/// ICMP type and optional code, or an ICMP-type group.
#[derive(Clone, Debug, PartialEq)]
pub enum IcmpSpec {
    Type(u8, Option<u8>),
    Group(String),
}

/// A condition the model does not decide, with whether it is known-but-unmodelled.
#[derive(Clone, Debug, PartialEq)]
pub struct Unmodelled {
    pub what: String,
    pub span: Range<usize>,
}

/// One permit/deny entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub action: Action,
    pub proto: ProtoSpec,
    pub src: AddrSpec,
    pub sport: Option<PortOp>,
    pub dst: AddrSpec,
    pub dport: Option<PortOp>,
    pub icmp: Option<IcmpSpec>,
    pub established: bool,
    pub fragments: bool,
    /// Conditions that restrict the match but are not modelled (dscp, ttl, ...).
    pub unmodelled: Sparse<Unmodelled>,
    /// Facts that do not change the match (log, counters).
    pub notes: Notes,
    /// ASA `inactive`.
    pub inactive: bool,
}

/// One line of an ACL body. Entries are stored unboxed: they are nearly all
/// of the lines, and a box each was an allocation and a free per entry.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Item {
    Entry(Entry),
    Remark,
    /// An entry whose syntax could not be read: its action if known.
    Broken(Option<Action>),
    /// ASA `show access-list`: a line whose expansions follow, indented.
    /// The children are the entries the device expanded the line into; the
    /// line itself only gives the action and whether it is active.
    Expanded {
        action: Action,
        inactive: bool,
        children: Vec<(Entry, Range<usize>)>,
    },
}

/// An ACL line with its sequence number and span.
#[derive(Clone, Debug, PartialEq)]
pub struct AclLine {
    pub seq: Option<u32>,
    pub item: Item,
    pub span: Range<usize>,
}

/// Standard (source only; ASA: destination only) or extended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AclKind {
    Standard,
    Extended,
}

/// One ACL as written (possibly in several places of the file).
#[derive(Clone, Debug, PartialEq)]
pub struct Acl {
    pub name: String,
    pub family: Family,
    pub kind: AclKind,
    pub lines: Vec<AclLine>,
    /// Read from `show` output (IOS prints port names from one table whatever
    /// the protocol, and service object-groups bare in protocol position).
    pub show: bool,
    /// NX-OS `fragments permit-all|deny-all`.
    pub fragments: Option<(Action, Range<usize>)>,
    pub span: Range<usize>,
}

/// What an object-group or object holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupKind {
    Network,
    /// Service groups (IOS `object-group service`, ASA service groups without
    /// a protocol, ASA `object service`).
    Service,
    /// Port groups (NX-OS `ip port`, XR `port`, ASA service groups with a protocol).
    Port,
    Protocol,
    IcmpType,
}

/// A service: protocol plus optional ports or ICMP type.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    pub proto: ProtoSpec,
    pub sport: Option<PortOp>,
    pub dport: Option<PortOp>,
    pub icmp: Option<IcmpSpec>,
}

/// One member of a group.
#[derive(Clone, Debug, PartialEq)]
pub enum Member {
    Addr(AddrSpec),
    Port(PortOp),
    Service(Service),
    Proto(ProtoSpec),
    Icmp(u8, Option<u8>),
    /// `group-object N` / `object-group N` (nested group).
    Group(String),
    /// `network-object object N` / `service-object object N`.
    Object(String),
}

/// An object-group (`object: false`) or ASA object (`object: true`).
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub name: String,
    pub kind: GroupKind,
    pub object: bool,
    pub members: Vec<(Member, Range<usize>)>,
    pub span: Range<usize>,
}

/// `access-group`, `ip access-group` under an interface, `access-class` under a line.
#[derive(Clone, Debug, PartialEq)]
pub struct Bind {
    pub acl: String,
    pub point: String,
    pub direction: String,
    pub span: Range<usize>,
}

/// A `name A ALIAS` definition (ASA).
#[derive(Clone, Debug, PartialEq)]
pub struct NameDef {
    pub name: String,
    pub addr: IpAddr,
    pub span: Range<usize>,
}

/// A reference to a group, object or name, for use counts.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    pub error: bool,
    pub message: String,
    pub expected: Option<String>,
    pub span: Range<usize>,
}

/// Everything read from one file.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub acls: Vec<Acl>,
    pub groups: Vec<Group>,
    pub names: Vec<NameDef>,
    pub binds: Vec<Bind>,
    pub issues: Vec<Issue>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-entry size budget: a 100,000-entry ACL's tree is mostly
    /// entries, and its size is what parsing it costs in memory traffic and
    /// page faults (296 bytes an entry before the compact forms).
    #[test]
    fn entries_stay_compact() {
        let (e, l) = (std::mem::size_of::<Entry>(), std::mem::size_of::<AclLine>());
        assert!(e <= 184 && l <= 208, "Entry {e} bytes, AclLine {l} bytes");
        assert!(std::mem::size_of::<AddrSpec>() <= 24);
    }

    #[test]
    fn ports_and_notes_keep_order() {
        let p: Ports = [1, 2, 3, 4, 5].into_iter().collect();
        assert_eq!(p.as_slice(), &[1, 2, 3, 4, 5]);
        let mut p = Ports::new();
        p.push(7);
        assert_eq!(&*p, &[7]);
        let mut n = Notes::default();
        assert!(n.is_empty());
        n.push(Cow::Owned("log 42".into()));
        n.push(Cow::Borrowed("capture"));
        assert_eq!(n.iter().collect::<Vec<_>>(), ["log 42", "capture"]);
        let mut n = Notes::default();
        n.push(Cow::Borrowed("log"));
        n.push(Cow::Owned("counter C".into()));
        assert_eq!(n.iter().collect::<Vec<_>>(), ["log", "counter C"]);
        let v4: IpAddr = "10.0.0.0".parse().unwrap();
        let m4: IpAddr = "0.0.0.255".parse().unwrap();
        let v6: IpAddr = "2001:db8::".parse().unwrap();
        assert_eq!(Pair::new(v4, m4).get(), (v4, m4));
        assert_eq!(Pair::new(v4, v6).get(), (v4, v6));
        assert_eq!(Pair::new(v6, v6).get(), (v6, v6));
    }
}

//! The Windows Firewall syntax tree, shared by every Windows source (rule strings
//! in `.reg` / `.wfw` exports, netsh scripts and `show rule` output, PowerShell
//! exports): one [`WinRule`] per rule with every field of [MS-GPFAS] 2.2.2.19 /
//! [MS-FASP] 2.2.37, each value with the span of its text, plus the per-profile
//! settings ([`ProfileSettings`]) of the local and the Group Policy store.
//!
//! Readers fill these; only `lower.rs` turns them into the model. Fields hold what
//! the source *said* (`None` / empty = not stated); the rule-string defaults
//! (absent `Active=` is FALSE, absent `Profile=` is all profiles, absent
//! `Protocol=` is any) are applied by `lower`, so a reader whose source has
//! other defaults (netsh `enable=yes`) states them explicitly.

use super::keywords::{AddrKeyword, PortKeyword};
use std::net::IpAddr;
use std::ops::Range;

/// A value and the byte span of its text in the rule's source file.
/// Equality ignores the span (two rules with the same contents are equal
/// wherever they are written).
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Range<usize>,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Range<usize>) -> Self {
        Spanned { value, span }
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

/// `Action=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WinAction {
    Allow,
    Block,
    /// `ByPass`: allow IPsec-authenticated traffic even over block rules.
    Bypass,
}

/// `Dir=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WinDir {
    In,
    Out,
}

impl WinDir {
    pub fn name(self) -> &'static str {
        match self {
            WinDir::In => "in",
            WinDir::Out => "out",
        }
    }
}

/// A firewall profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Profile {
    Domain,
    Private,
    Public,
}

impl Profile {
    pub const ALL: [Profile; 3] = [Profile::Domain, Profile::Private, Profile::Public];
    pub fn name(self) -> &'static str {
        match self {
            Profile::Domain => "domain",
            Profile::Private => "private",
            Profile::Public => "public",
        }
    }
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One entry of `LPort=` / `RPort=` / `LPort2_10=` / `RPort2_10=` / `LPort2_20=`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortSpec {
    /// `80` or `1000-2000` (inclusive).
    Range(u16, u16),
    Keyword(PortKeyword),
    /// A value that could not be read; kept so the rule stays sound (lowered
    /// as an opaque condition).
    Invalid(String),
}

/// One entry of `LA4=` / `LA6=` / `RA4=` / `RA6=` / `RA42=` / `RA62=`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddrSpec {
    Single(IpAddr),
    /// `lo-hi`, inclusive.
    Range(IpAddr, IpAddr),
    /// `addr/len`.
    Prefix(IpAddr, u8),
    /// `addr/mask` (IPv4 dotted mask). Non-contiguous masks are kept exactly.
    Mask(IpAddr, IpAddr),
    Keyword(AddrKeyword),
    /// A value that could not be read (lowered as an opaque condition).
    Invalid(String),
}

/// One `ICMP4=` / `ICMP6=` entry: `type:code`, code `*` (= `None`) for any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IcmpTypeCode {
    pub icmp_type: u8,
    pub code: Option<u8>,
}

/// One `KEY=VALUE` token of a rule string as written, with spans.
#[derive(Clone, Debug)]
pub struct Token {
    pub key: String,
    pub value: String,
    /// `KEY=VALUE` (without the trailing `|`).
    pub span: Range<usize>,
    pub value_span: Range<usize>,
}

impl PartialEq for Token {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && self.value == other.value
    }
}

/// Where a rule is stored: the local store
/// (`...\SharedAccess\Parameters\FirewallPolicy`) or Group Policy
/// (`SOFTWARE\Policies\Microsoft\WindowsFirewall`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Store {
    #[default]
    Local,
    Gpo,
}

impl Store {
    pub fn name(self) -> &'static str {
        match self {
            Store::Local => "local",
            Store::Gpo => "GPO",
        }
    }
}

/// One Windows Firewall rule, with every field of [MS-GPFAS] 2.2.2.19.
///
/// Repeated tokens accumulate into the `Vec` fields. `None` / empty means the
/// source did not state the field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WinRule {
    /// The rule id: the registry value name (`{GUID}` or a name); netsh/PS rule
    /// `Name`/`InstanceID` when they have one.
    pub id: Option<Spanned<String>>,
    /// `vMAJOR.MINOR`.
    pub version: Option<Spanned<(u8, u8)>>,
    pub action: Option<Spanned<WinAction>>,
    /// `Active=`; absent = FALSE for rule strings.
    pub active: Option<Spanned<bool>>,
    pub dir: Option<Spanned<WinDir>>,
    /// `Protocol=` (0-255); absent = any.
    pub protocol: Option<Spanned<u16>>,
    /// `Profile=` entries; empty = all profiles.
    pub profiles: Vec<Spanned<Profile>>,
    /// `LPort=`, `LPort2_10=`, `LPort2_20=` entries.
    pub lports: Vec<Spanned<PortSpec>>,
    /// `RPort=`, `RPort2_10=` entries.
    pub rports: Vec<Spanned<PortSpec>>,
    /// Local IPv4 addresses (`LA4=`).
    pub la4: Vec<Spanned<AddrSpec>>,
    /// Local IPv6 addresses (`LA6=`).
    pub la6: Vec<Spanned<AddrSpec>>,
    /// Remote IPv4 addresses and keywords (`RA4=`, `RA42=`).
    pub ra4: Vec<Spanned<AddrSpec>>,
    /// Remote IPv6 addresses and keywords (`RA6=`, `RA62=`).
    pub ra6: Vec<Spanned<AddrSpec>>,
    /// `ICMP4=` entries.
    pub icmp4: Vec<Spanned<IcmpTypeCode>>,
    /// `ICMP6=` entries.
    pub icmp6: Vec<Spanned<IcmpTypeCode>>,
    /// `App=` program path.
    pub app: Option<Spanned<String>>,
    /// `Svc=` service short name (`*` = any service).
    pub svc: Option<Spanned<String>>,
    /// `AppPkgId=` package SID.
    pub app_pkg_id: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
    pub desc: Option<Spanned<String>>,
    pub embed_ctxt: Option<Spanned<String>>,
    /// `IF=` interface GUIDs.
    pub interfaces: Vec<Spanned<String>>,
    /// `IFType=` values (`Lan`, `Wireless`, `RemoteAccess`).
    pub if_types: Vec<Spanned<String>>,
    /// `Edge=` edge traversal.
    pub edge: Option<Spanned<bool>>,
    /// `Defer=` (`App` / `User`).
    pub defer: Option<Spanned<String>>,
    /// `LSM=` loose source mapping.
    pub lsm: Option<Spanned<bool>>,
    /// `LOM=` local only mapping.
    pub lom: Option<Spanned<bool>>,
    /// `PCross=` allow profile crossing.
    pub pcross: Option<Spanned<bool>>,
    /// `AuthByPassOut=`.
    pub auth_bypass_out: Option<Spanned<bool>>,
    /// `Security=`, `Security2_9=`, `Security2=` (`Authenticate`,
    /// `AuthenticateEncrypt`, `An-NoEncap`, `AnE-Nego`).
    pub security: Vec<Spanned<String>>,
    /// `RMAuth=` remote machine authorization list (SDDL).
    pub rmauth: Option<Spanned<String>>,
    /// `RUAuth=` remote user authorization list (SDDL).
    pub ruauth: Option<Spanned<String>>,
    /// `LUAuth=` / `LUAuth2_24=` local user authorization list.
    pub luauth: Option<Spanned<String>>,
    /// `LUOwn=` local user owner.
    pub luown: Option<Spanned<String>>,
    /// `Platform=` entries (`platform:major:minor`).
    pub platform: Vec<Spanned<String>>,
    /// `Platform2=` operator (`GTEQ`).
    pub platform2: Option<Spanned<String>>,
    /// `SkipVer=`.
    pub skip_ver: Option<Spanned<String>>,
    /// `TTK=`, `TTK2_22=`, `TTK2_27=`, `TTK2_28=` trust-tuple keywords.
    pub ttk: Vec<Spanned<String>>,
    /// `NNm=` network names.
    pub nnm: Option<Spanned<String>>,
    /// `SecurityRealmId=`.
    pub security_realm_id: Option<Spanned<String>>,
    /// Tokens the reader did not recognise, kept as written.
    pub unknown: Vec<Token>,
    /// The store the rule came from.
    pub store: Store,
    /// The span of the whole rule (the `.reg` value line, the netsh command, the
    /// JSON object): the rule's origin.
    pub span: Range<usize>,
}

impl WinRule {
    /// The rule's display name: `Name=`, else its id.
    pub fn display_name(&self) -> Option<&str> {
        self.name
            .as_ref()
            .or(self.id.as_ref())
            .map(|s| s.value.as_str())
    }

    /// True when the two rules say the same thing, wherever and under whichever
    /// id they are written (for name-clash detection).
    pub fn same_content(&self, other: &WinRule) -> bool {
        let strip = |r: &WinRule| {
            let mut r = r.clone();
            r.id = None;
            r.span = 0..0;
            r
        };
        strip(self) == strip(other)
    }

    /// The effective profile set: empty `Profile=` means all three.
    pub fn applies_to(&self, p: Profile) -> bool {
        self.profiles.is_empty() || self.profiles.iter().any(|s| s.value == p)
    }
}

/// A profile's default verdict as the registry states it (dword 0 = allow, 1 = block).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WinVerdict {
    Allow,
    Block,
}

/// The settings of one profile in one store. `None` = not configured there.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProfileConfig {
    pub enable_firewall: Option<Spanned<bool>>,
    pub default_inbound: Option<Spanned<WinVerdict>>,
    pub default_outbound: Option<Spanned<WinVerdict>>,
    /// Group Policy only: whether local rules apply too.
    pub allow_local_policy_merge: Option<Spanned<bool>>,
}

/// The three profiles of one store, indexed by [`Profile::index`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoreProfiles {
    pub profiles: [ProfileConfig; 3],
}

impl StoreProfiles {
    pub fn get(&self, p: Profile) -> &ProfileConfig {
        &self.profiles[p.index()]
    }
    pub fn get_mut(&mut self, p: Profile) -> &mut ProfileConfig {
        &mut self.profiles[p.index()]
    }
}

/// Profile settings from the local store and Group Policy. Group Policy values
/// override local ones; absent everywhere, Windows' defaults apply (firewall on,
/// inbound block, outbound allow, local rules merged).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProfileSettings {
    pub local: StoreProfiles,
    pub gpo: StoreProfiles,
}

impl ProfileSettings {
    pub fn store(&self, s: Store) -> &StoreProfiles {
        match s {
            Store::Local => &self.local,
            Store::Gpo => &self.gpo,
        }
    }
    pub fn store_mut(&mut self, s: Store) -> &mut StoreProfiles {
        match s {
            Store::Local => &mut self.local,
            Store::Gpo => &mut self.gpo,
        }
    }

    /// The effective `EnableFirewall` (GPO over local, default on) and where it is stated.
    pub fn enabled(&self, p: Profile) -> (bool, Option<Range<usize>>) {
        pick(
            &self.gpo.get(p).enable_firewall,
            &self.local.get(p).enable_firewall,
            true,
        )
    }

    /// The effective default action for a direction, and where it is stated.
    pub fn default_action(&self, p: Profile, dir: WinDir) -> (WinVerdict, Option<Range<usize>>) {
        let (g, l, d) = match dir {
            WinDir::In => (
                &self.gpo.get(p).default_inbound,
                &self.local.get(p).default_inbound,
                WinVerdict::Block,
            ),
            WinDir::Out => (
                &self.gpo.get(p).default_outbound,
                &self.local.get(p).default_outbound,
                WinVerdict::Allow,
            ),
        };
        pick(g, l, d)
    }

    /// Whether local-store rules apply in this profile (GPO `AllowLocalPolicyMerge`).
    pub fn local_merge(&self, p: Profile) -> (bool, Option<Range<usize>>) {
        pick(&self.gpo.get(p).allow_local_policy_merge, &None, true)
    }
}

fn pick<T: Copy>(
    first: &Option<Spanned<T>>,
    second: &Option<Spanned<T>>,
    default: T,
) -> (T, Option<Range<usize>>) {
    match first.as_ref().or(second.as_ref()) {
        Some(s) => (s.value, Some(s.span.clone())),
        None => (default, None),
    }
}

//! The topology file: which hosts and groups exist, which catalog roles they
//! play, which extra flows they need, and which firewalls stand in front of them.
//! See `docs/topology.md` for the file format and `../shared/spec/TOPOLOGY.md`
//! for the contract.
//!
//! # Brief overview
//! - [`load`] reads and validates a topology against the built-in catalog
//!   ([`load_with`] takes another catalog). Every key, host, group and role is
//!   checked; a mistake is a [`TopologyError`] pointing at the exact text, with a
//!   "did you mean" help where a close name exists.
//! - [`Topology::required_flows`] expands roles and `[[flows]]` into concrete
//!   [`RequiredFlow`]s: source addresses, destination addresses, protocol, resolved
//!   ports (host overrides applied, `rpc-dynamic` → `settings.rpc-dynamic`).
//! - [`FirewallDef::governs`] says whether a firewall stands in a flow's path.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("topo.toml");
//! std::fs::write(&path, r#"
//! [hosts.dc01]
//! address = "10.0.0.10"
//! roles = ["windows-core.domain-controller"]
//! [hosts.app01]
//! address = "10.0.1.10"
//! roles = ["windows-core.member"]
//! "#).unwrap();
//! let topo = fwlint::topology::load(&path).unwrap();
//! let flows = topo.required_flows(fwlint::catalog::builtin());
//! assert!(flows.iter().any(|f| f.from_name == "app01" && f.to_name == "dc01"
//!     && f.protocol == 6 && f.ports.contains(445)));
//! ```

// A topology is loaded once per run and its error carries a whole diagnostic
// (source, span, help, related errors): its size does not matter.
#![allow(clippy::result_large_err)]

mod addr;
mod error;
mod flows;
mod node;
mod parse;

pub use addr::{parse_addr, within};
pub use error::{did_you_mean, edit_distance, suggest, TopologyError};

use crate::catalog::{Catalog, Phase, PortSpec};
use crate::model::{AddrPattern, Origin, Ranges, SourceFile};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The default RPC dynamic range (Windows Vista / Server 2008 and later).
pub const DEFAULT_RPC_DYNAMIC: (u16, u16) = (49152, 65535);

/// A loaded, validated topology.
#[derive(Debug, Clone)]
pub struct Topology {
    pub source: Arc<SourceFile>,
    /// The topology file's path; firewall configs are resolved against its directory.
    pub path: PathBuf,
    pub settings: Settings,
    /// `[groups]`, in file order.
    pub groups: Vec<Group>,
    /// `[hosts.NAME]`, in file order.
    pub hosts: Vec<Host>,
    /// `[roles]`: role → the groups (or hosts) that play it.
    pub role_assignments: Vec<RoleAssignment>,
    /// `[[flows]]`.
    pub flows: Vec<FlowSpec>,
    /// `[[firewalls]]`.
    pub firewalls: Vec<FirewallDef>,
}

/// `[settings]`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `operation` (default) or `setup` (setup-only flows are required too).
    pub phase: Phase,
    /// The RPC dynamic range that `rpc-dynamic` stands for (default 49152-65535).
    pub rpc_dynamic: Ranges,
    /// The `[settings]` table, when present.
    pub origin: Option<Origin>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            phase: Phase::Operation,
            rpc_dynamic: Ranges::range(DEFAULT_RPC_DYNAMIC.0, DEFAULT_RPC_DYNAMIC.1),
            origin: None,
        }
    }
}

/// A named address group from `[groups]`.
#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub addresses: Vec<AddrPattern>,
    /// The `name = [...]` entry.
    pub origin: Origin,
}

/// A `[hosts.NAME]` table.
#[derive(Debug, Clone)]
pub struct Host {
    pub name: String,
    pub addresses: Vec<AddrPattern>,
    /// Role ids, each with the origin of its string in `roles = [...]`.
    pub roles: Vec<(String, Origin)>,
    /// Port overrides: catalog service id → the ports this host uses for it.
    pub ports: BTreeMap<String, Ranges>,
    /// The `[hosts.NAME]` header.
    pub origin: Origin,
}

/// One `"ROLE" = ["member", ...]` entry of `[roles]`.
#[derive(Debug, Clone)]
pub struct RoleAssignment {
    pub role: String,
    /// Group or host names, each with the origin of its string.
    pub members: Vec<(String, Origin)>,
    pub origin: Origin,
}

/// One service of a `[[flows]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceRef {
    /// `PROTO/PORTS` or a bare portless protocol (`icmp`, `gre`, `esp`).
    Ports { protocol: u8, ports: PortSpec },
    /// A catalog service id: its protocol and default port, or the destination
    /// host's override.
    Catalog(String),
}

/// One `[[flows]]` entry.
#[derive(Debug, Clone)]
pub struct FlowSpec {
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub services: Vec<ServiceRef>,
    pub reason: String,
    /// `operation` (default) or `setup`.
    pub phase: Phase,
    /// `bidirectional = true`: required both ways.
    pub bidirectional: bool,
    /// The whole `[[flows]]` table.
    pub origin: Origin,
}

/// What kind of firewall a `[[firewalls]]` entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirewallKind {
    /// A host firewall (`hosts = [...]`): governs traffic into and out of these hosts.
    Host { hosts: Vec<String> },
    /// A network filter: governs traffic from `from` to `to` that crosses it. An
    /// empty list means "any source" / "any destination".
    Network {
        filter: Option<String>,
        from: Vec<String>,
        to: Vec<String>,
    },
}

/// One `[[firewalls]]` entry.
#[derive(Debug, Clone)]
pub struct FirewallDef {
    pub name: String,
    /// The config path, resolved against the topology file's directory.
    pub config: PathBuf,
    /// `dialect = "..."` when given (otherwise auto-detected).
    pub dialect: Option<String>,
    pub kind: FirewallKind,
    /// Windows Firewall profile (`domain`, `private`, `public`).
    pub profile: Option<String>,
    /// `filter` also for host firewalls (e.g. the nftables hook); network filters
    /// keep theirs in [`FirewallKind::Network`].
    pub filter: Option<String>,
    /// The whole `[[firewalls]]` table.
    pub origin: Origin,
}

/// Where a required flow comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowSource {
    /// A catalog flow: profile name and index into its `flows`.
    Catalog { profile: String, index: usize },
    /// A `[[flows]]` entry: its index in [`Topology::flows`].
    Declared { index: usize },
}

/// One concrete flow the topology requires: from the addresses of one host or
/// group to the addresses of another, on one protocol and a set of ports.
#[derive(Debug, Clone)]
pub struct RequiredFlow {
    /// Host or group names of the two ends.
    pub from_name: String,
    pub to_name: String,
    /// Role ids for catalog flows; the host or group names for `[[flows]]`.
    pub from_role: String,
    pub to_role: String,
    pub src: Vec<AddrPattern>,
    pub dst: Vec<AddrPattern>,
    /// The host names among the ends (empty when the end is a group).
    pub src_hosts: Vec<String>,
    pub dst_hosts: Vec<String>,
    /// IP protocol number.
    pub protocol: u8,
    /// Destination ports, resolved: `rpc-dynamic` → `settings.rpc_dynamic`, host
    /// overrides applied. Empty for protocols without ports.
    pub ports: Ranges,
    /// The ports came from `rpc-dynamic`.
    pub rpc_dynamic: bool,
    pub phase: Phase,
    /// False for flows the vendor only recommends.
    pub required: bool,
    pub service: Option<String>,
    /// The seed citation (catalog flows).
    pub cite: Option<String>,
    pub note: String,
    /// The topology text that makes this flow required: for a catalog flow, the
    /// role string that gives the destination its role (the host's `roles` entry
    /// or the `[roles]` member); for `[[flows]]`, the entry.
    pub origin: Origin,
    pub source: FlowSource,
}

/// Read and validate a topology file against the built-in catalog.
pub fn load(path: &Path) -> Result<Topology, TopologyError> {
    load_with(path, crate::catalog::builtin())
}

/// Read and validate a topology file against `catalog`.
pub fn load_with(path: &Path, catalog: &Catalog) -> Result<Topology, TopologyError> {
    let name = path.display().to_string();
    let input =
        crate::read::Input::read(path).map_err(|e| TopologyError::file_error(&name, e.message))?;
    let src = input
        .text()
        .map_err(|e| TopologyError::file_error(&name, e.message))?;
    parse::parse(src, path, catalog)
}

/// Validate topology text (named `name`, as if read from `path`) against `catalog`.
pub fn parse_str(
    name: &str,
    text: &str,
    path: &Path,
    catalog: &Catalog,
) -> Result<Topology, TopologyError> {
    parse::parse(SourceFile::new(name, text), path, catalog)
}

impl Topology {
    pub fn host(&self, name: &str) -> Option<&Host> {
        self.hosts.iter().find(|h| h.name == name)
    }

    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// The addresses of a host or group.
    pub fn addresses(&self, name: &str) -> Option<&[AddrPattern]> {
        self.host(name)
            .map(|h| h.addresses.as_slice())
            .or_else(|| self.group(name).map(|g| g.addresses.as_slice()))
    }

    /// Expand catalog roles and `[[flows]]` into concrete required flows. Setup-only
    /// flows are included only when `settings.phase` is `setup`; recommended flows
    /// are included with `required = false`.
    pub fn required_flows(&self, catalog: &Catalog) -> Vec<RequiredFlow> {
        flows::required_flows(self, catalog)
    }
}

impl FirewallDef {
    /// Does this firewall stand in `flow`'s path? A host firewall governs a flow
    /// whose destination (inbound) or source (outbound) is one of its hosts. A
    /// network filter governs a flow whose source is covered by `from` and whose
    /// destination is covered by `to` — by name, or because all the end's addresses
    /// lie within the named members' addresses; an empty list covers everything.
    pub fn governs(&self, flow: &RequiredFlow, topo: &Topology) -> bool {
        flows::governs(self, flow, topo)
    }

    /// For a host firewall: does it see `flow` as inbound traffic (the
    /// destination is one of its hosts)? Outbound otherwise.
    pub fn is_inbound(&self, flow: &RequiredFlow) -> bool {
        match &self.kind {
            FirewallKind::Host { hosts } => flow.dst_hosts.iter().any(|h| hosts.contains(h)),
            FirewallKind::Network { .. } => true,
        }
    }
}

//! The built-in service catalog: which flows each product needs, by role, as
//! the vendors' port documents (the seeds) describe them.
//!
//! # Brief overview
//! - The data lives in `catalog/<profile>.toml` at the repository root, embedded in
//!   the binary with `include_str!`, parsed and validated once by [`builtin`].
//! - A [`Profile`] names its roles (`PROFILE.ROLE`), its configurable services
//!   (`PROFILE.SERVICE`, whose port a topology host may override) and its flows.
//! - A [`FlowDef`] goes from a source role to a destination role (any profile's
//!   role), on one protocol and a [`PortSpec`], in the `operation` or `setup`
//!   [`Phase`], and cites the seed section it comes from.
//! - [`render`] prints the catalog as text, JSON (`fwlint catalog`) and Markdown
//!   (`docs/catalog.md`).
//!
//! ```
//! let cat = fwlint::catalog::builtin();
//! let crm = cat.profile("dynamics-crm").unwrap();
//! assert!(crm.flows.iter().any(|f| f.service.as_deref() == Some("dynamics-crm.web-http")));
//! ```

mod load;
pub mod render;

pub use load::{parse_port_spec, parse_profile, CatalogError};

use crate::model::Ranges;
use serde::Serialize;
use std::fmt;
use std::sync::OnceLock;

/// The data files, in the order `fwlint catalog` lists them.
pub const DATA_FILES: &[(&str, &str)] = &[
    (
        "catalog/windows-core.toml",
        include_str!("../../catalog/windows-core.toml"),
    ),
    (
        "catalog/dynamics-crm.toml",
        include_str!("../../catalog/dynamics-crm.toml"),
    ),
    (
        "catalog/configmgr.toml",
        include_str!("../../catalog/configmgr.toml"),
    ),
    (
        "catalog/skype-for-business.toml",
        include_str!("../../catalog/skype-for-business.toml"),
    ),
];

/// Every built-in profile.
#[derive(Debug, Clone, Serialize)]
pub struct Catalog {
    pub profiles: Vec<Profile>,
}

/// One product: its roles, configurable services and required flows.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    /// `windows-core`, `dynamics-crm`, `configmgr`, `skype-for-business`.
    pub name: String,
    /// The seed document(s) the profile is built from: `FILE: TITLE`.
    pub source: String,
    pub roles: Vec<RoleDef>,
    pub services: Vec<ServiceDef>,
    pub flows: Vec<FlowDef>,
}

/// A role a host or group can play: `PROFILE.ROLE`.
#[derive(Debug, Clone, Serialize)]
pub struct RoleDef {
    pub id: String,
    pub description: String,
}

/// A service whose port is configurable: `PROFILE.SERVICE`. A topology host
/// overrides its port with `ports = { "PROFILE.SERVICE" = PORT }`.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceDef {
    pub id: String,
    pub protocol: String,
    /// The default port(s).
    pub default_ports: PortSpec,
    /// Other ports the vendor names as the usual alternatives (e.g. WSUS 80/8530).
    pub alternate_ports: Ranges,
    pub description: String,
}

/// Whether a flow is needed all the time or only while installing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Needed in normal operation (and so also during setup).
    Operation,
    /// Needed only during setup or installation.
    Setup,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Operation => "operation",
            Phase::Setup => "setup",
        }
    }
    pub fn from_name(s: &str) -> Option<Phase> {
        match s {
            "operation" => Some(Phase::Operation),
            "setup" => Some(Phase::Setup),
            _ => None,
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The destination ports of a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortSpec {
    /// Fixed port numbers and ranges.
    Ports(Ranges),
    /// The RPC dynamic range (resolved by the topology's `settings.rpc-dynamic`).
    RpcDynamic,
    /// A protocol without ports (icmp, gre, esp, ...).
    None,
}

impl fmt::Display for PortSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortSpec::Ports(r) => write!(f, "{r}"),
            PortSpec::RpcDynamic => f.write_str("rpc-dynamic"),
            PortSpec::None => Ok(()),
        }
    }
}

impl Serialize for PortSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// One required (or recommended) flow between two roles.
#[derive(Debug, Clone, Serialize)]
pub struct FlowDef {
    /// Source role id (the side that opens the connection).
    pub from: String,
    /// Destination role id.
    pub to: String,
    /// Protocol name as `fwlint query` spells it (`tcp`, `udp`, `icmp`, `gre`, `esp`).
    pub protocol: String,
    pub ports: PortSpec,
    /// The configurable service these ports belong to, if any.
    pub service: Option<String>,
    /// The seed's `<-->`: either side may open the connection, so the flow is
    /// required both ways.
    pub bidirectional: bool,
    pub phase: Phase,
    /// False for flows the vendor only recommends or marks optional.
    pub required: bool,
    pub note: String,
    /// `SEED-FILE § SECTION HEADING`, plus any remark on where the numbers come from.
    pub cite: String,
}

impl FlowDef {
    /// The IP protocol number.
    pub fn protocol_number(&self) -> u8 {
        crate::model::values::proto::by_name(&self.protocol)
            .expect("catalog protocols are validated at load")
    }
}

impl Catalog {
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    /// A role of any profile.
    pub fn role(&self, id: &str) -> Option<&RoleDef> {
        self.profiles
            .iter()
            .flat_map(|p| p.roles.iter())
            .find(|r| r.id == id)
    }

    /// A configurable service of any profile.
    pub fn service(&self, id: &str) -> Option<&ServiceDef> {
        self.profiles
            .iter()
            .flat_map(|p| p.services.iter())
            .find(|s| s.id == id)
    }

    pub fn role_ids(&self) -> impl Iterator<Item = &str> {
        self.profiles
            .iter()
            .flat_map(|p| p.roles.iter().map(|r| r.id.as_str()))
    }

    pub fn service_ids(&self) -> impl Iterator<Item = &str> {
        self.profiles
            .iter()
            .flat_map(|p| p.services.iter().map(|s| s.id.as_str()))
    }

    /// Every flow of every profile.
    pub fn flows(&self) -> impl Iterator<Item = &FlowDef> {
        self.profiles.iter().flat_map(|p| p.flows.iter())
    }

    /// Parse and cross-check profiles from `(file name, text)` pairs.
    pub fn from_sources(files: &[(&str, &str)]) -> Result<Catalog, CatalogError> {
        let profiles = files
            .iter()
            .map(|(name, text)| parse_profile(name, text))
            .collect::<Result<Vec<_>, _>>()?;
        let cat = Catalog { profiles };
        load::cross_check(&cat)?;
        Ok(cat)
    }
}

/// The built-in catalog, parsed from the embedded data files on first use.
///
/// # Panics
/// If an embedded data file is invalid: a build defect that the test
/// `catalog_profiles` catches.
pub fn builtin() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| match Catalog::from_sources(DATA_FILES) {
        Ok(c) => c,
        Err(e) => panic!("built-in catalog is invalid: {e}"),
    })
}

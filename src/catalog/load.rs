//! Reading one catalog data file (`catalog/<profile>.toml`) into a [`Profile`], and
//! the checks that keep the data honest: ids carry their profile's prefix, every
//! role a flow names exists, protocols are known, ports parse, service ports agree
//! with the service definition, and every flow cites a seed section.
//!
//! File format (see `docs/catalog.md`):
//! ```toml
//! name   = "dynamics-crm"
//! source = "000_2bca468b2b85afa3.txt: Network ports for ..."
//! [[roles]]    id = "dynamics-crm.web"  description = "..."
//! [[services]] id = "dynamics-crm.web-http"  protocol = "tcp"  ports = "80"  alternate = "5555"  description = "..."
//! [[flows]]    from = "..."  to = "..."  protocol = "tcp"  ports = "80"  service = "..."
//!              bidirectional = false  phase = "operation"  required = true  note = "..."  cite = "..."
//! ```

use super::{Catalog, FlowDef, Phase, PortSpec, Profile, RoleDef, ServiceDef};
use crate::model::values::proto;
use crate::model::Ranges;
use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;

/// A defect in a catalog data file.
#[derive(Debug, Clone)]
pub struct CatalogError {
    pub file: String,
    pub message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for CatalogError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: String,
    source: String,
    #[serde(default)]
    roles: Vec<RawRole>,
    #[serde(default)]
    services: Vec<RawService>,
    #[serde(default)]
    flows: Vec<RawFlow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    id: String,
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    id: String,
    protocol: String,
    ports: String,
    #[serde(default)]
    alternate: String,
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlow {
    from: String,
    to: String,
    protocol: String,
    #[serde(default)]
    ports: Option<String>,
    #[serde(default)]
    service: Option<String>,
    #[serde(default)]
    bidirectional: bool,
    #[serde(default = "default_phase")]
    phase: String,
    #[serde(default = "default_true")]
    required: bool,
    #[serde(default)]
    note: String,
    cite: String,
}

fn default_phase() -> String {
    "operation".into()
}
fn default_true() -> bool {
    true
}

/// Parse a port list: `135`, `67-68`, `80,443`, `rpc-dynamic`, or empty (no ports).
pub fn parse_port_spec(s: &str) -> Result<PortSpec, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(PortSpec::None);
    }
    if s.eq_ignore_ascii_case("rpc-dynamic") {
        return Ok(PortSpec::RpcDynamic);
    }
    Ok(PortSpec::Ports(parse_ranges(s)?))
}

/// Parse `N`, `N-M` and comma-separated lists of them into [`Ranges`].
pub fn parse_ranges(s: &str) -> Result<Ranges, String> {
    let mut out = Vec::new();
    for part in s.split(',') {
        let part = part.trim();
        let (lo, hi) = match part.split_once('-') {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (part, part),
        };
        let lo: u16 = lo
            .parse()
            .map_err(|_| format!("`{part}` is not a port or port range"))?;
        let hi: u16 = hi
            .parse()
            .map_err(|_| format!("`{part}` is not a port or port range"))?;
        if lo > hi {
            return Err(format!("`{part}`: the range is inverted"));
        }
        out.push((lo, hi));
    }
    Ok(Ranges::from_ranges(out))
}

/// Parse and validate one data file.
pub fn parse_profile(file: &str, text: &str) -> Result<Profile, CatalogError> {
    let err = |m: String| CatalogError {
        file: file.to_string(),
        message: m,
    };
    let raw: RawProfile = toml::from_str(text).map_err(|e| err(e.to_string()))?;
    let prefix = format!("{}.", raw.name);
    let mut roles = Vec::new();
    let mut seen = HashSet::new();
    for r in raw.roles {
        if !r.id.starts_with(&prefix) {
            return Err(err(format!("role `{}` must start with `{prefix}`", r.id)));
        }
        if !seen.insert(r.id.clone()) {
            return Err(err(format!("role `{}` is defined twice", r.id)));
        }
        roles.push(RoleDef {
            id: r.id,
            description: r.description,
        });
    }
    let mut services = Vec::new();
    for s in raw.services {
        if !s.id.starts_with(&prefix) {
            return Err(err(format!(
                "service `{}` must start with `{prefix}`",
                s.id
            )));
        }
        if !seen.insert(s.id.clone()) {
            return Err(err(format!("id `{}` is defined twice", s.id)));
        }
        check_protocol(&s.protocol).map_err(&err)?;
        let default_ports =
            parse_port_spec(&s.ports).map_err(|m| err(format!("service `{}`: {m}", s.id)))?;
        let alternate_ports = if s.alternate.trim().is_empty() {
            Ranges::empty()
        } else {
            parse_ranges(&s.alternate).map_err(|m| err(format!("service `{}`: {m}", s.id)))?
        };
        services.push(ServiceDef {
            id: s.id,
            protocol: s.protocol,
            default_ports,
            alternate_ports,
            description: s.description,
        });
    }
    let mut flows = Vec::new();
    for (i, f) in raw.flows.into_iter().enumerate() {
        let at = format!("flow #{} ({} -> {} {})", i + 1, f.from, f.to, f.protocol);
        let p = check_protocol(&f.protocol).map_err(|m| err(format!("{at}: {m}")))?;
        let phase = Phase::from_name(&f.phase).ok_or_else(|| {
            err(format!(
                "{at}: phase `{}` is not operation or setup",
                f.phase
            ))
        })?;
        let service = match &f.service {
            Some(id) => Some(
                services
                    .iter()
                    .find(|s| &s.id == id)
                    .ok_or_else(|| err(format!("{at}: unknown service `{id}`")))?,
            ),
            None => None,
        };
        let ports = match (&f.ports, service) {
            (Some(p), _) => parse_port_spec(p).map_err(|m| err(format!("{at}: {m}")))?,
            (None, Some(s)) => s.default_ports.clone(),
            (None, None) => PortSpec::None,
        };
        if let Some(s) = service {
            if s.default_ports != ports || s.protocol != f.protocol {
                return Err(err(format!(
                    "{at}: ports {} do not match service `{}` ({}/{})",
                    ports, s.id, s.protocol, s.default_ports
                )));
            }
        }
        match (&ports, proto::has_ports(p)) {
            (PortSpec::None, true) => {
                return Err(err(format!("{at}: a {} flow needs ports", f.protocol)))
            }
            (PortSpec::Ports(_) | PortSpec::RpcDynamic, false) => {
                return Err(err(format!("{at}: {} has no ports", f.protocol)))
            }
            _ => {}
        }
        if f.cite.trim().is_empty() || !f.cite.contains(" § ") {
            return Err(err(format!("{at}: cite must be `SEED § SECTION`")));
        }
        flows.push(FlowDef {
            from: f.from,
            to: f.to,
            protocol: f.protocol,
            ports,
            service: f.service,
            bidirectional: f.bidirectional,
            phase,
            required: f.required,
            note: f.note,
            cite: f.cite,
        });
    }
    Ok(Profile {
        name: raw.name,
        source: raw.source,
        roles,
        services,
        flows,
    })
}

fn check_protocol(name: &str) -> Result<u8, String> {
    if name != name.to_ascii_lowercase() {
        return Err(format!("protocol `{name}` must be lower case"));
    }
    proto::by_name(name).ok_or_else(|| format!("unknown protocol `{name}`"))
}

/// Checks across profiles: flow roles exist in some profile; profile names unique.
pub(super) fn cross_check(cat: &Catalog) -> Result<(), CatalogError> {
    let mut names = HashSet::new();
    for p in &cat.profiles {
        if !names.insert(p.name.as_str()) {
            return Err(CatalogError {
                file: p.name.clone(),
                message: "profile defined twice".into(),
            });
        }
    }
    for p in &cat.profiles {
        for f in &p.flows {
            for r in [&f.from, &f.to] {
                if cat.role(r).is_none() {
                    return Err(CatalogError {
                        file: format!("catalog/{}.toml", p.name),
                        message: format!("flow {} -> {}: unknown role `{r}`", f.from, f.to),
                    });
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_specs() {
        assert_eq!(parse_port_spec("rpc-dynamic"), Ok(PortSpec::RpcDynamic));
        assert_eq!(parse_port_spec(""), Ok(PortSpec::None));
        assert_eq!(
            parse_port_spec("80, 443,67-68").unwrap().to_string(),
            "67-68,80,443"
        );
        assert!(parse_port_spec("70000").is_err());
        assert!(parse_port_spec("9-3").is_err());
    }

    #[test]
    fn rejects_bad_flows() {
        let base = "name = \"x\"\nsource = \"s\"\n[[roles]]\nid = \"x.a\"\ndescription = \"d\"\n";
        let bad_proto =
            format!("{base}[[flows]]\nfrom=\"x.a\"\nto=\"x.a\"\nprotocol=\"tcpp\"\nports=\"1\"\ncite=\"f § s\"\n");
        assert!(parse_profile("t", &bad_proto)
            .unwrap_err()
            .message
            .contains("unknown protocol"));
        let icmp_ports =
            format!("{base}[[flows]]\nfrom=\"x.a\"\nto=\"x.a\"\nprotocol=\"icmp\"\nports=\"1\"\ncite=\"f § s\"\n");
        assert!(parse_profile("t", &icmp_ports)
            .unwrap_err()
            .message
            .contains("has no ports"));
        let no_cite = format!(
            "{base}[[flows]]\nfrom=\"x.a\"\nto=\"x.a\"\nprotocol=\"tcp\"\nports=\"1\"\ncite=\"\"\n"
        );
        assert!(parse_profile("t", &no_cite).is_err());
        let unknown_key = format!("{base}[[flows]]\nfrom=\"x.a\"\nto=\"x.a\"\nprotocol=\"tcp\"\nport=\"1\"\ncite=\"f § s\"\n");
        assert!(parse_profile("t", &unknown_key).is_err());
    }
}

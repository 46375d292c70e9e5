//! Printing the catalog: text for admins, JSON for `fwlint catalog --format json`
//! (the CLI contract), and Markdown for `docs/catalog.md`.
//!
//! # JSON format
//! `{"profiles": [{"name", "source", "roles": [{"id", "description"}],
//! "services": [{"id", "protocol", "ports", "alternate", "description"}],
//! "flows": [{"from", "to", "protocol", "ports", "service", "bidirectional",
//! "phase", "required", "note", "cite"}]}]}`. `ports` is a string: `"135"`,
//! `"67-68"`, `"80,443"`, `"rpc-dynamic"`, or `""` for portless protocols.

use super::{FlowDef, Profile};
use serde_json::{json, Value};
use std::fmt::Write;

/// The JSON document for the given profiles.
pub fn json(profiles: &[&Profile]) -> Value {
    json!({
        "profiles": profiles.iter().map(|p| json!({
            "name": p.name,
            "source": p.source,
            "roles": p.roles.iter().map(|r| json!({"id": r.id, "description": r.description})).collect::<Vec<_>>(),
            "services": p.services.iter().map(|s| json!({
                "id": s.id,
                "protocol": s.protocol,
                "ports": s.default_ports.to_string(),
                "alternate": s.alternate_ports.to_string(),
                "description": s.description,
            })).collect::<Vec<_>>(),
            "flows": p.flows.iter().map(flow_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>()
    })
}

fn flow_json(f: &FlowDef) -> Value {
    json!({
        "from": f.from,
        "to": f.to,
        "protocol": f.protocol,
        "ports": f.ports.to_string(),
        "service": f.service,
        "bidirectional": f.bidirectional,
        "phase": f.phase.as_str(),
        "required": f.required,
        "note": f.note,
        "cite": f.cite,
    })
}

/// `tcp/135`, `icmp`, `tcp/rpc-dynamic`.
pub fn proto_ports(f: &FlowDef) -> String {
    let ports = f.ports.to_string();
    if ports.is_empty() {
        f.protocol.clone()
    } else {
        format!("{}/{}", f.protocol, ports)
    }
}

fn arrow(f: &FlowDef) -> &'static str {
    if f.bidirectional {
        "<->"
    } else {
        "->"
    }
}

fn flags(f: &FlowDef) -> String {
    let mut v = Vec::new();
    if f.phase != super::Phase::Operation {
        v.push(f.phase.as_str().to_string());
    }
    if !f.required {
        v.push("recommended".to_string());
    }
    if let Some(s) = &f.service {
        v.push(format!("service {s}"));
    }
    v.join(", ")
}

/// Text for a terminal: per profile, the roles, the configurable services, then
/// one line per flow with its note and citation indented below.
pub fn text(profiles: &[&Profile]) -> String {
    let mut out = String::new();
    for (i, p) in profiles.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}  ({} flows)", p.name, p.flows.len());
        let _ = writeln!(out, "  source: {}", p.source);
        let _ = writeln!(out, "  roles:");
        for r in &p.roles {
            let _ = writeln!(out, "    {:<48} {}", r.id, r.description);
        }
        if !p.services.is_empty() {
            let _ = writeln!(
                out,
                "  configurable services (override per host with `ports`):"
            );
            for s in &p.services {
                let alt = if s.alternate_ports.is_empty() {
                    String::new()
                } else {
                    format!(" (or {})", s.alternate_ports)
                };
                let _ = writeln!(
                    out,
                    "    {:<40} {}/{}{}  {}",
                    s.id, s.protocol, s.default_ports, alt, s.description
                );
            }
        }
        let _ = writeln!(out, "  flows:");
        for f in &p.flows {
            let fl = flags(f);
            let _ = writeln!(
                out,
                "    {} {} {}  {}{}",
                f.from,
                arrow(f),
                f.to,
                proto_ports(f),
                if fl.is_empty() {
                    String::new()
                } else {
                    format!("  [{fl}]")
                }
            );
            if !f.note.is_empty() {
                let _ = writeln!(out, "        {}", f.note);
            }
            let _ = writeln!(out, "        cite: {}", f.cite);
        }
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The whole of `docs/catalog.md`.
pub fn markdown(profiles: &[&Profile]) -> String {
    let mut out = String::new();
    out.push_str("# The built-in service catalog\n\n");
    out.push_str(
        "<!-- Generated from catalog/*.toml by `FWLINT_BLESS=1 cargo test --test catalog_docs`; do not edit. -->\n\n",
    );
    out.push_str(
        "`fwlint catalog [PROFILE] [--format text|json]` prints this catalog. A topology gives \
         hosts and groups the roles below; every flow between two roles becomes a required \
         flow between their addresses (see `docs/topology.md`).\n\n\
         - **ports**: numbers and ranges; `rpc-dynamic` is the RPC dynamic range of the \
         topology's `settings.rpc-dynamic` (default 49152-65535).\n\
         - **⇄**: the seed's `<-->`, either side may open the connection: required both ways.\n\
         - **phase** `setup`: needed only while installing; required only when the topology's \
         `settings.phase = \"setup\"`.\n\
         - **required** `no`: the vendor recommends it or marks it optional; a rule allowing it is \
         never `unneeded`, a rule blocking it is never `missing`.\n\
         - **service**: the port is configurable; override it per host with \
         `ports = { \"SERVICE\" = PORT }`.\n\n\
         The catalog's data files are `catalog/<profile>.toml`, embedded in the binary and \
         validated when it starts. Each flow cites the seed document and section it comes from.\n\n",
    );
    for p in profiles {
        let _ = writeln!(out, "## `{}`\n", p.name);
        let _ = writeln!(out, "Source: {}\n", md_escape(&p.source));
        let _ = writeln!(out, "### Roles\n\n| role | description |\n| --- | --- |");
        for r in &p.roles {
            let _ = writeln!(out, "| `{}` | {} |", r.id, md_escape(&r.description));
        }
        out.push('\n');
        if !p.services.is_empty() {
            let _ = writeln!(
                out,
                "### Configurable services\n\n| service | default | alternatives | description |\n| --- | --- | --- | --- |"
            );
            for s in &p.services {
                let _ = writeln!(
                    out,
                    "| `{}` | {}/{} | {} | {} |",
                    s.id,
                    s.protocol,
                    s.default_ports,
                    s.alternate_ports,
                    md_escape(&s.description)
                );
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "### Flows ({})\n\n| from | to | ports | phase | required | service | note | cite |\n| --- | --- | --- | --- | --- | --- | --- | --- |",
            p.flows.len()
        );
        for f in &p.flows {
            let _ = writeln!(
                out,
                "| `{}` | {}`{}` | {} | {} | {} | {} | {} | {} |",
                f.from,
                if f.bidirectional { "⇄ " } else { "" },
                f.to,
                proto_ports(f),
                f.phase,
                if f.required { "yes" } else { "no" },
                f.service
                    .as_deref()
                    .map(|s| format!("`{s}`"))
                    .unwrap_or_default(),
                md_escape(&f.note),
                md_escape(&f.cite)
            );
        }
        out.push('\n');
    }
    out
}

//! `fwlint catalog [PROFILE] [--format text|json]`: the built-in service profiles
//! and their required flows. With `--topology FILE`: validate the topology and
//! list the concrete flows it requires (optionally only those of PROFILE).

use super::args::{CatalogArgs, CatalogFormat};
use super::{EXIT_OK, EXIT_TROUBLE};
use crate::catalog::{builtin, render};
use crate::model::values::proto;
use crate::topology::{self, FlowSource, RequiredFlow};
use serde_json::json;
use std::io::IsTerminal;

pub fn run(a: CatalogArgs) -> Result<i32, String> {
    let cat = builtin();
    let profiles: Vec<_> = match &a.profile {
        Some(name) => match cat.profile(name) {
            Some(p) => vec![p],
            None => {
                let names: Vec<_> = cat.profiles.iter().map(|p| p.name.as_str()).collect();
                let hint = topology::suggest(name, names.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "unknown profile `{name}`{hint}; profiles: {}",
                    names.join(", ")
                ));
            }
        },
        None => cat.profiles.iter().collect(),
    };
    if let Some(path) = &a.topology {
        let topo = match topology::load(path) {
            Ok(t) => t,
            Err(e) => {
                let color =
                    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                eprint!("{}", e.render(color));
                return Ok(EXIT_TROUBLE);
            }
        };
        let flows: Vec<RequiredFlow> = topo
            .required_flows(cat)
            .into_iter()
            .filter(|f| match (&f.source, &a.profile) {
                (FlowSource::Catalog { profile, .. }, Some(p)) => profile == p,
                (FlowSource::Declared { .. }, Some(_)) => false,
                (_, None) => true,
            })
            .collect();
        print_required(&flows, a.format)?;
        return Ok(EXIT_OK);
    }
    match a.format {
        CatalogFormat::Text => print!("{}", render::text(&profiles)),
        CatalogFormat::Json => {
            let v = render::json(&profiles);
            println!(
                "{}",
                serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
            );
        }
    }
    Ok(EXIT_OK)
}

fn flow_service(f: &RequiredFlow) -> String {
    let p = proto::name(f.protocol)
        .map(str::to_string)
        .unwrap_or_else(|| f.protocol.to_string());
    if f.ports.is_empty() {
        p
    } else {
        format!("{p}/{}", f.ports)
    }
}

fn print_required(flows: &[RequiredFlow], format: CatalogFormat) -> Result<(), String> {
    match format {
        CatalogFormat::Text => {
            for f in flows {
                let mut tags = Vec::new();
                if f.phase == crate::catalog::Phase::Setup {
                    tags.push("setup".to_string());
                }
                if !f.required {
                    tags.push("recommended".to_string());
                }
                if f.rpc_dynamic {
                    tags.push("rpc-dynamic".to_string());
                }
                println!(
                    "{} ({}) -> {} ({})  {}{}  [{}:{}]",
                    f.from_name,
                    f.from_role,
                    f.to_name,
                    f.to_role,
                    flow_service(f),
                    if tags.is_empty() {
                        String::new()
                    } else {
                        format!("  [{}]", tags.join(", "))
                    },
                    f.origin.file_name(),
                    f.origin.line
                );
            }
        }
        CatalogFormat::Json => {
            let v: Vec<_> = flows
                .iter()
                .map(|f| {
                    json!({
                        "from": f.from_name, "to": f.to_name,
                        "from_role": f.from_role, "to_role": f.to_role,
                        "src": f.src.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
                        "dst": f.dst.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
                        "protocol": proto::name(f.protocol).map(str::to_string).unwrap_or_else(|| f.protocol.to_string()),
                        "ports": f.ports.to_string(),
                        "rpc_dynamic": f.rpc_dynamic,
                        "phase": f.phase.as_str(),
                        "required": f.required,
                        "service": f.service,
                        "note": f.note,
                        "cite": f.cite,
                        "origin": f.origin,
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({ "flows": v })).map_err(|e| e.to_string())?
            );
        }
    }
    Ok(())
}

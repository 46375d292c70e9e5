//! Expanding a topology into the concrete flows it requires, and deciding which
//! firewalls stand in each flow's path.
//!
//! A catalog flow `A -> B` becomes one [`RequiredFlow`] for every member (host or
//! group) playing role `A` and every member playing role `B`, except a host to
//! itself (a group to itself is kept: its members talk to each other). A bidirectional flow (`<-->` in the seeds) also yields `B -> A`. A
//! `[[flows]]` entry yields one flow per (from, to, service). Ports are resolved
//! here: a destination host's `ports` override replaces a service's default port,
//! and `rpc-dynamic` becomes `settings.rpc-dynamic`.

use super::*;
use crate::catalog::{Catalog, FlowDef, Phase, PortSpec};
use crate::model::values::proto;
use std::collections::HashSet;

/// A host or group playing a role, with the text that gives it the role.
struct Member<'t> {
    name: &'t str,
    addresses: &'t [AddrPattern],
    host: Option<&'t Host>,
    origin: Origin,
}

fn members_of<'t>(topo: &'t Topology, role: &str) -> Vec<Member<'t>> {
    let mut out: Vec<Member<'t>> = Vec::new();
    for h in &topo.hosts {
        if let Some((_, o)) = h.roles.iter().find(|(r, _)| r == role) {
            out.push(Member {
                name: &h.name,
                addresses: &h.addresses,
                host: Some(h),
                origin: o.clone(),
            });
        }
    }
    for ra in topo.role_assignments.iter().filter(|ra| ra.role == role) {
        for (name, o) in &ra.members {
            if out.iter().any(|m| m.name == name) {
                continue;
            }
            let host = topo.host(name);
            let addresses = topo.addresses(name).unwrap_or(&[]);
            out.push(Member {
                name,
                addresses,
                host,
                origin: o.clone(),
            });
        }
    }
    out
}

/// The ports a flow needs at `dst`: the host's override for `service`, else the
/// given spec; `rpc-dynamic` resolves to the settings' range.
fn resolve_ports(
    topo: &Topology,
    spec: &PortSpec,
    service: Option<&str>,
    dst: Option<&Host>,
) -> (Ranges, bool) {
    if let (Some(s), Some(h)) = (service, dst) {
        if let Some(r) = h.ports.get(s) {
            return (r.clone(), false);
        }
    }
    match spec {
        PortSpec::Ports(r) => (r.clone(), false),
        PortSpec::RpcDynamic => (topo.settings.rpc_dynamic.clone(), true),
        PortSpec::None => (Ranges::empty(), false),
    }
}

fn phase_applies(topo: &Topology, phase: Phase) -> bool {
    phase == Phase::Operation || topo.settings.phase == Phase::Setup
}

fn host_names(m: &Member) -> Vec<String> {
    m.host.map(|h| vec![h.name.clone()]).unwrap_or_default()
}

pub(super) fn required_flows(topo: &Topology, catalog: &Catalog) -> Vec<RequiredFlow> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for p in &catalog.profiles {
        for (index, f) in p.flows.iter().enumerate() {
            if !phase_applies(topo, f.phase) {
                continue;
            }
            let srcs = members_of(topo, &f.from);
            let dsts = members_of(topo, &f.to);
            if srcs.is_empty() || dsts.is_empty() {
                continue;
            }
            let mut emit = |s: &Member, d: &Member, from_role: &str, to_role: &str| {
                if (s.name == d.name && s.host.is_some())
                    || !seen.insert((
                        s.name.to_string(),
                        d.name.to_string(),
                        p.name.clone(),
                        index,
                    ))
                {
                    return;
                }
                out.push(catalog_flow(
                    topo, f, &p.name, index, s, d, from_role, to_role,
                ));
            };
            for s in &srcs {
                for d in &dsts {
                    emit(s, d, &f.from, &f.to);
                    if f.bidirectional {
                        emit(d, s, &f.to, &f.from);
                    }
                }
            }
        }
    }
    for (index, spec) in topo.flows.iter().enumerate() {
        if !phase_applies(topo, spec.phase) {
            continue;
        }
        for from in &spec.from {
            for to in &spec.to {
                if from == to && topo.host(from).is_some() {
                    continue;
                }
                for svc in &spec.services {
                    out.extend(declared_flow(topo, catalog, spec, index, from, to, svc));
                    if spec.bidirectional {
                        out.extend(declared_flow(topo, catalog, spec, index, to, from, svc));
                    }
                }
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn catalog_flow(
    topo: &Topology,
    f: &FlowDef,
    profile: &str,
    index: usize,
    s: &Member,
    d: &Member,
    from_role: &str,
    to_role: &str,
) -> RequiredFlow {
    let (ports, rpc_dynamic) = resolve_ports(topo, &f.ports, f.service.as_deref(), d.host);
    RequiredFlow {
        from_name: s.name.to_string(),
        to_name: d.name.to_string(),
        from_role: from_role.to_string(),
        to_role: to_role.to_string(),
        src: s.addresses.to_vec(),
        dst: d.addresses.to_vec(),
        src_hosts: host_names(s),
        dst_hosts: host_names(d),
        protocol: f.protocol_number(),
        ports,
        rpc_dynamic,
        phase: f.phase,
        required: f.required,
        service: f.service.clone(),
        cite: Some(f.cite.clone()),
        note: f.note.clone(),
        origin: d.origin.clone(),
        source: FlowSource::Catalog {
            profile: profile.to_string(),
            index,
        },
    }
}

fn declared_flow(
    topo: &Topology,
    catalog: &Catalog,
    spec: &FlowSpec,
    index: usize,
    from: &str,
    to: &str,
    svc: &ServiceRef,
) -> Option<RequiredFlow> {
    let dst_host = topo.host(to);
    let (protocol, ports, rpc_dynamic, service) = match svc {
        ServiceRef::Ports { protocol, ports } => {
            let (r, rpc) = resolve_ports(topo, ports, None, None);
            (*protocol, r, rpc, None)
        }
        ServiceRef::Catalog(id) => {
            // Validated against the catalog the topology was loaded with; a
            // different catalog without this service yields no flow.
            let def = catalog.service(id)?;
            let (r, rpc) = resolve_ports(topo, &def.default_ports, Some(id), dst_host);
            let p = proto::by_name(&def.protocol).unwrap_or(proto::TCP);
            (p, r, rpc, Some(id.clone()))
        }
    };
    Some(RequiredFlow {
        from_name: from.to_string(),
        to_name: to.to_string(),
        from_role: from.to_string(),
        to_role: to.to_string(),
        src: topo.addresses(from).unwrap_or(&[]).to_vec(),
        dst: topo.addresses(to).unwrap_or(&[]).to_vec(),
        src_hosts: topo
            .host(from)
            .map(|h| vec![h.name.clone()])
            .unwrap_or_default(),
        dst_hosts: dst_host.map(|h| vec![h.name.clone()]).unwrap_or_default(),
        protocol,
        ports,
        rpc_dynamic,
        phase: spec.phase,
        required: true,
        service,
        cite: None,
        note: spec.reason.clone(),
        origin: spec.origin.clone(),
        source: FlowSource::Declared { index },
    })
}

/// Does the list of member names `names` cover the flow end (`name`, `addrs`)?
/// Empty covers everything; else by name, or all of the end's addresses lie in
/// the listed members' addresses.
fn covers(topo: &Topology, names: &[String], name: &str, addrs: &[AddrPattern]) -> bool {
    if names.is_empty() || names.iter().any(|n| n == name) {
        return true;
    }
    let pool: Vec<&AddrPattern> = names
        .iter()
        .filter_map(|n| topo.addresses(n))
        .flatten()
        .collect();
    !addrs.is_empty()
        && addrs
            .iter()
            .all(|a| pool.iter().any(|p| super::addr::within(a, p)))
}

pub(super) fn governs(fw: &FirewallDef, flow: &RequiredFlow, topo: &Topology) -> bool {
    match &fw.kind {
        FirewallKind::Host { hosts } => hosts
            .iter()
            .any(|h| flow.dst_hosts.contains(h) || flow.src_hosts.contains(h)),
        FirewallKind::Network { from, to, .. } => {
            covers(topo, from, &flow.from_name, &flow.src)
                && covers(topo, to, &flow.to_name, &flow.dst)
        }
    }
}

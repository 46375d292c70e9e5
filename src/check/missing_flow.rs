//! `missing-flow`: required flows that a firewall blocks, in whole or in part.

use super::site::{Firewall, Gate, Site};
use crate::finding::{Finding, FlowRef, Kind, RuleRef, Severity};
use crate::model::eval::evaluate;
use crate::model::values::proto;
use crate::suggest::{render, Opening};

declare_check! {
    /// ## What it does
    /// For every flow the topology requires (from the built-in catalog of
    /// vendor port documents, or from `[[flows]]`), and every firewall the flow
    /// crosses, computes exactly which of the flow's packets the firewall does
    /// not surely allow. It reports the flow with its citation, a concrete
    /// packet that is blocked, what blocks it (a rule, or the default action),
    /// and a rule in the config's own dialect that would let it through.
    ///
    /// ## Why is this bad?
    /// The application breaks, often in ways that are hard to trace: a domain
    /// join that times out, a CRM client that cannot reach the web server, a
    /// ConfigMgr client that never reports.
    ///
    /// ## Example
    /// ```text
    /// error[FW101]: required flow dynamics-crm.client → dynamics-crm.web tcp/5555 is blocked
    ///   ┌─ firewalls/core.ios:14:2
    ///   │  deny ip any any
    ///   │  ──────────────── blocks it
    /// ```
    ///
    /// ## How to fix
    /// Add the suggested rule (above the blocking rule), or correct the
    /// topology if the flow is not actually needed.
    ///
    /// ## Known problems
    /// A rule that depends on something fwlint cannot see (a Windows program
    /// scope, `meta mark`) does not count as surely allowing a flow; the finding
    /// is then a warning that says so.
    pub MISSING_FLOW, "FW101", "missing-flow", Kind::Missing, Severity::Error, topology: true,
    "a required flow is blocked"
}

pub fn run(site: &Site, out: &mut Vec<Finding>) {
    for fw in &site.firewalls {
        for gate in &fw.gates {
            for (fi, set) in &gate.flows {
                let flow = &site.flows[*fi];
                if !flow.required || !site.is_active(flow) {
                    continue;
                }
                if let Some(f) = check_flow(site, fw, gate, *fi, set) {
                    out.push(f);
                }
            }
        }
    }
}

fn check_flow(
    site: &Site,
    fw: &Firewall,
    gate: &Gate,
    fi: usize,
    set: &crate::space::PacketSet,
) -> Option<Finding> {
    let flow = &site.flows[fi];
    let filter = &fw.rules.filters[gate.filter];
    let facts = &fw.cx.facts[gate.filter];
    let permitted = &facts.analysis.permitted;
    let set = &set.intersect(&super::site::client_ports(site.space));
    let not_sure = set.minus(&permitted.must);
    if not_sure.is_empty() {
        return None;
    }
    let surely_blocked = set.minus(&permitted.may);
    let shown = if surely_blocked.is_empty() {
        &not_sure
    } else {
        &surely_blocked
    };
    let witness = site.space.witness(shown)?;
    let decision = evaluate(&filter.body, &witness, fw.cx.symbols);
    let whole = set.intersect(&permitted.may).is_empty();
    let ports = if flow.ports.is_empty() {
        String::new()
    } else if flow.rpc_dynamic {
        format!("/{} (RPC dynamic)", flow.ports)
    } else {
        format!("/{}", flow.ports)
    };
    let pname = proto::name(flow.protocol).unwrap_or("ip");
    let what = format!("{} → {} {pname}{ports}", flow.from_role, flow.to_role);
    let message = if !surely_blocked.is_empty() {
        format!(
            "required flow {what} ({} → {}) is blocked{} by firewall `{}`",
            flow.from_name,
            flow.to_name,
            if whole { "" } else { " in part" },
            fw.def.name
        )
    } else {
        format!(
            "required flow {what} ({} → {}) is allowed by firewall `{}` only under conditions fwlint cannot check",
            flow.from_name, flow.to_name, fw.def.name
        )
    };
    let mut finding = Finding::new(&MISSING_FLOW, message)
        .filter(filter.name.clone())
        .severity(if surely_blocked.is_empty() {
            Severity::Warning
        } else {
            Severity::Error
        });
    finding.witness = Some(witness.to_string());
    match decision.rule {
        Some(r) if !surely_blocked.is_empty() => {
            finding = finding
                .at_rule(&r.origin)
                .label(format!("blocks {}", witness));
        }
        Some(r) => {
            finding = finding
                .at_rule(&r.origin)
                .label("allows it only if these conditions hold")
                .note(format!(
                    "the rule depends on: {}",
                    decision.opaque.join(", ")
                ));
        }
        None => {
            let origin = match &filter.body {
                crate::model::FilterBody::FirstMatch(fm) => fm.default_origin.clone(),
                crate::model::FilterBody::Pipeline(p) => p.base.iter().find_map(|b| {
                    (b.policy == crate::model::Action::Deny)
                        .then(|| b.policy_origin.clone())
                        .flatten()
                }),
            }
            .or_else(|| filter.origin.clone());
            if let Some(o) = origin {
                finding = finding
                    .at(&o)
                    .label("the default action blocks it (no rule allows it)");
            } else {
                finding = finding.in_file(fw.def.config.display().to_string());
            }
            finding.rule = None;
        }
    }
    finding = finding.related(&flow.origin, "the topology requires this flow here");
    if let Some(c) = &flow.cite {
        finding = finding.note(format!("required by {c}"));
    }
    if !flow.note.is_empty() {
        finding = finding.note(flow.note.clone());
    }
    let opening = Opening {
        name: format!("{} {pname}{}", flow.to_role, ports),
        protocol: flow.protocol,
        src: flow.src.clone(),
        dst: flow.dst.clone(),
        ports: flow.ports.clone(),
        rpc_keyword: flow.rpc_dynamic && fw.dialect.starts_with("winfw"),
        inbound: gate.inbound,
    };
    finding = finding.help(format!(
        "allow it{}:\n{}",
        if decision.rule.is_some() {
            " above the blocking rule"
        } else {
            ""
        },
        render(&fw.dialect, &opening)
    ));
    finding.flow = Some(flow_ref(flow));
    if finding.rule.is_none() {
        if let Some(r) = decision.rule {
            finding.rule = Some(RuleRef::from(&r.origin));
        }
    }
    Some(finding)
}

/// A flow as JSON shows it.
pub fn flow_ref(flow: &crate::topology::RequiredFlow) -> FlowRef {
    FlowRef {
        from: flow.from_role.clone(),
        to: flow.to_role.clone(),
        protocol: proto::name(flow.protocol)
            .map(str::to_string)
            .unwrap_or_else(|| flow.protocol.to_string()),
        ports: flow.ports.to_string(),
        service: flow
            .service
            .clone()
            .or_else(|| flow.rpc_dynamic.then(|| "rpc-dynamic".to_string())),
        cite: flow.cite.clone(),
        phase: Some(flow.phase.as_str().to_string()),
    }
}

//! `unneeded-rule`: allow rules that serve no required flow.

use super::site::{allow_rules, Site};
use crate::finding::{Finding, Kind, Severity};

declare_check! {
    /// ## What it does
    /// Reports an allow rule that lets through traffic between the hosts the
    /// topology describes, but serves none of the flows the topology requires,
    /// or serves only setup-time flows while the topology is in operation
    /// (`[settings] phase = "operation"`).
    ///
    /// ## Why is this bad?
    /// An opening nobody needs is pure risk. Setup-only openings (SQL Browser
    /// during CRM setup, RPC for ConfigMgr site-system installation, NetBIOS
    /// for named-instance discovery) are meant to be closed once installed.
    ///
    /// ## Example
    /// ```text
    /// permit udp any host 10.0.2.10 eq 1434   ! SQL Browser: setup only
    /// ```
    ///
    /// ## How to fix
    /// Remove the rule. If it is needed by something the topology does not
    /// describe, add that flow under `[[flows]]` with a `reason`.
    pub UNNEEDED_RULE, "FW103", "unneeded-rule", Kind::Unneeded, Severity::Warning, topology: true,
    "an allow rule serves no required flow"
}

pub fn run(site: &Site, out: &mut Vec<Finding>) {
    for fw in &site.firewalls {
        for gate in &fw.gates {
            for r in allow_rules(site, fw, gate) {
                if !r.served.is_empty() || !r.region.intersects(&gate.scope) {
                    continue;
                }
                if super::rpc_dynamic::opens_rpc_range(site, &r) {
                    continue;
                }
                let filter = fw.rules.filters[gate.filter].name.clone();
                let mut f = if let Some(&i) = r.setup_only.first() {
                    let flow = &site.flows[i];
                    let mut f = Finding::new(
                        &UNNEEDED_RULE,
                        format!(
                            "this rule only serves setup-time flows ({} → {}), and the topology is in operation",
                            flow.from_role, flow.to_role
                        ),
                    )
                    .at_rule(&r.rule.origin)
                    .label("needed only during setup")
                    .related(&flow.origin, "the setup-time flow");
                    f.flow = Some(super::missing_flow::flow_ref(flow));
                    if let Some(c) = &flow.cite {
                        f = f.note(format!("setup-only per {c}"));
                    }
                    f.help("remove the rule now that setup is done (or set `phase = \"setup\"` while installing)")
                } else {
                    Finding::new(
                        &UNNEEDED_RULE,
                        "this rule allows traffic between the site's hosts that no required flow needs",
                    )
                    .at_rule(&r.rule.origin)
                    .label("serves no required flow")
                    .help("remove it, or add the flow it is for under [[flows]] with a reason")
                };
                if let Some(w) = site.space.witness(&r.region.intersect(&gate.scope)) {
                    f.witness = Some(w.to_string());
                }
                out.push(f.filter(filter));
            }
        }
    }
}

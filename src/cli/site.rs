//! `fwlint check --topology`: load the topology and the firewalls it names,
//! build the site, and run the hygiene and flow checks on it.

use crate::check::site::{flow_packets, gates, Firewall, Site, TopologySymbols};
use crate::check::{parse_problem, run_flows, run_hygiene, Context};
use crate::dialect::{self, Dialect};
use crate::finding::Finding;
use crate::model::{IssueLevel, RuleSet};
use crate::read::{Input, LoadError};
use crate::space::{PacketSet, Space};
use std::path::Path;

/// What checking a site produced.
pub struct SiteOutcome {
    pub findings: Vec<Finding>,
    pub files: usize,
    pub filters: usize,
    pub rules: usize,
    /// Some input could not be read or parsed.
    pub trouble: bool,
}

/// Check the site a topology file describes. `Err` is a rendered topology
/// error (exit 2).
pub fn check_site(path: &Path) -> Result<SiteOutcome, String> {
    let topo = crate::topology::load(path).map_err(|e| render_topology_error(&e))?;
    let catalog = crate::catalog::builtin();
    // Setup-only flows are expanded too, so that `unneeded-rule` can say a rule
    // serves only setup-time flows; `Site::is_active` filters them by phase.
    let flows = {
        let mut all_phases = topo.clone();
        all_phases.settings.phase = crate::catalog::Phase::Setup;
        all_phases.required_flows(catalog)
    };

    let mut findings = Vec::new();
    let mut trouble = false;
    let mut loaded: Vec<(usize, String, RuleSet)> = Vec::new();
    for (i, fw) in topo.firewalls.iter().enumerate() {
        let forced = fw.dialect.as_deref().and_then(Dialect::from_name);
        match Input::read(&fw.config).and_then(|input| dialect::load(&input, forced)) {
            Ok((d, rules)) => {
                trouble |= rules.issues.iter().any(|i| i.level == IssueLevel::Error);
                loaded.push((i, d.name().to_string(), rules));
            }
            Err(e) => {
                trouble = true;
                findings.push(parse_problem::from_load_error(&LoadError {
                    message: format!("firewall `{}`: {}", fw.name, e.message),
                    ..e
                }));
            }
        }
    }
    let space = Space::for_rulesets(loaded.iter().map(|(_, _, r)| r));
    let flow_sets: Vec<PacketSet> = flows.iter().map(|f| flow_packets(&space, f)).collect();
    let symbols = TopologySymbols {
        rpc_dynamic: topo.settings.rpc_dynamic.clone(),
    };
    let mut firewalls = Vec::new();
    for (i, dialect, rules) in &loaded {
        let def = &topo.firewalls[*i];
        let cx = Context::new(rules, &space, &symbols);
        findings.extend(run_hygiene(&cx));
        match gates(&space, &topo, def, rules, &flows, &flow_sets) {
            Ok(g) => firewalls.push(Firewall {
                def,
                rules,
                cx,
                dialect: dialect.clone(),
                gates: g,
            }),
            Err(msg) => {
                trouble = true;
                findings.push(
                    Finding::new(&parse_problem::UNREADABLE_INPUT, msg)
                        .at(&def.origin)
                        .label("this firewall"),
                );
            }
        }
    }
    let site = Site {
        topology: &topo,
        space: &space,
        flows,
        flow_sets,
        firewalls,
        phase: topo.settings.phase,
    };
    findings.extend(run_flows(&site));
    Ok(SiteOutcome {
        findings,
        files: loaded.len() + 1,
        filters: loaded.iter().map(|(_, _, r)| r.filters.len()).sum(),
        rules: loaded
            .iter()
            .map(|(_, _, r)| r.filters.iter().map(|f| f.rules().count()).sum::<usize>())
            .sum(),
        trouble,
    })
}

fn render_topology_error(e: &crate::topology::TopologyError) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    let mut s = String::new();
    if handler.render_report(&mut s, e).is_err() {
        s = e.to_string();
    }
    s
}

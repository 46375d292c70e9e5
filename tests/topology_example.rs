//! The example of `../shared/spec/TOPOLOGY.md` (copied verbatim to
//! `corpus/topology/spec-example.toml`) loads exactly and expands to the flows it
//! implies.

use fwlint::catalog::{builtin, Phase};
use fwlint::model::values::proto;
use fwlint::topology::{self, FirewallKind, RequiredFlow, Topology};
use std::path::Path;

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/corpus/topology/spec-example.toml"
);

fn example() -> Topology {
    topology::load(Path::new(EXAMPLE)).unwrap_or_else(|e| panic!("{}", e.render(false)))
}

fn find<'a>(
    flows: &'a [RequiredFlow],
    from: &str,
    to: &str,
    p: u8,
    port: u16,
) -> Vec<&'a RequiredFlow> {
    flows
        .iter()
        .filter(|f| {
            f.from_name == from && f.to_name == to && f.protocol == p && f.ports.contains(port)
        })
        .collect()
}

#[test]
fn the_spec_example_is_the_corpus_copy() {
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/spec/TOPOLOGY.md"
    ))
    .unwrap();
    let copy = std::fs::read_to_string(EXAMPLE).unwrap();
    assert!(
        spec.contains(&copy),
        "corpus/topology/spec-example.toml differs from TOPOLOGY.md"
    );
}

#[test]
fn the_spec_example_loads_exactly() {
    let t = example();
    assert_eq!(t.settings.phase, Phase::Operation);
    assert_eq!(t.settings.rpc_dynamic.to_string(), "49152-65535");
    let groups: Vec<_> = t.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(groups, ["clients", "admins", "internet"]);
    assert_eq!(t.group("internet").unwrap().addresses.len(), 2);
    assert!(t
        .group("internet")
        .unwrap()
        .addresses
        .iter()
        .all(|a| a.is_any()));
    let hosts: Vec<_> = t.hosts.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(hosts, ["dc01", "crm01", "sql01"]);
    let crm = t.host("crm01").unwrap();
    assert_eq!(crm.addresses[0].to_string(), "10.0.1.10");
    assert_eq!(crm.roles.len(), 3);
    assert_eq!(crm.ports["dynamics-crm.web-http"].to_string(), "5555");
    assert_eq!(t.role_assignments[0].role, "dynamics-crm.client");
    assert_eq!(t.flows.len(), 1);
    assert_eq!(t.flows[0].reason, "RDP administration");
    assert_eq!(t.firewalls.len(), 2);
    let fw = &t.firewalls[0];
    assert_eq!(fw.name, "crm01");
    assert_eq!(
        fw.config,
        Path::new(EXAMPLE)
            .parent()
            .unwrap()
            .join("firewalls/crm01.reg")
    );
    assert_eq!(fw.profile.as_deref(), Some("domain"));
    assert_eq!(
        fw.kind,
        FirewallKind::Host {
            hosts: vec!["crm01".into()]
        }
    );
    let core = &t.firewalls[1];
    assert_eq!(
        core.kind,
        FirewallKind::Network {
            filter: Some("SERVERS-IN".into()),
            from: vec!["clients".into(), "admins".into()],
            to: vec!["crm01".into(), "sql01".into(), "dc01".into()],
        }
    );
}

#[test]
fn clients_reach_crm01_on_the_overridden_port() {
    let t = example();
    let flows = t.required_flows(builtin());
    let web = find(&flows, "clients", "crm01", proto::TCP, 5555);
    assert_eq!(web.len(), 1, "{web:#?}");
    let f = web[0];
    assert_eq!(f.from_role, "dynamics-crm.client");
    assert_eq!(f.to_role, "dynamics-crm.web");
    assert_eq!(f.ports.to_string(), "5555");
    assert_eq!(f.service.as_deref(), Some("dynamics-crm.web-http"));
    assert!(f.required && !f.rpc_dynamic);
    assert_eq!(f.src[0].to_string(), "10.20.0.0/16");
    assert_eq!(f.dst[0].to_string(), "10.0.1.10");
    assert_eq!(f.dst_hosts, ["crm01"]);
    assert!(f.src_hosts.is_empty());
    assert!(f.cite.as_deref().unwrap().contains(
        "000_2bca468b2b85afa3.txt § Network ports for the Microsoft Dynamics 365 web application"
    ));
    // The origin is the role string that made crm01 a web server.
    assert_eq!(f.origin.text(), "\"dynamics-crm.web\"");
    assert_eq!(f.origin.line, 18);
    // The default port is not required: the override replaced it.
    assert!(find(&flows, "clients", "crm01", proto::TCP, 80).is_empty());
    // HTTPS is there, but only recommended.
    let https = find(&flows, "clients", "crm01", proto::TCP, 443);
    assert_eq!(https.len(), 1);
    assert!(!https[0].required);
}

#[test]
fn declared_rdp_flow_from_admins() {
    let t = example();
    let flows = t.required_flows(builtin());
    for host in ["crm01", "sql01"] {
        let rdp = find(&flows, "admins", host, proto::TCP, 3389);
        assert_eq!(rdp.len(), 1, "{host}");
        let f = rdp[0];
        assert_eq!(f.ports.to_string(), "3389");
        assert_eq!(f.from_role, "admins");
        assert_eq!(f.to_role, host);
        assert_eq!(f.note, "RDP administration");
        assert_eq!(f.src[0].to_string(), "10.30.5.0/24");
        assert!(f.cite.is_none());
        assert!(
            f.origin.text().contains("service = [\"tcp/3389\"]"),
            "{:?}",
            f.origin
        );
    }
    assert!(find(&flows, "admins", "dc01", proto::TCP, 3389).is_empty());
}

#[test]
fn rpc_dynamic_is_resolved_from_settings() {
    let t = example();
    let flows = t.required_flows(builtin());
    let rpc: Vec<_> = flows
        .iter()
        .filter(|f| f.from_name == "crm01" && f.to_name == "dc01" && f.rpc_dynamic)
        .collect();
    assert!(!rpc.is_empty());
    assert!(rpc
        .iter()
        .all(|f| f.ports.to_string() == "49152-65535" && f.protocol == proto::TCP));

    let text = std::fs::read_to_string(EXAMPLE).unwrap().replace(
        "rpc-dynamic = \"49152-65535\"",
        "rpc-dynamic = \"5000-5100\"",
    );
    let t = topology::parse_str("narrow.toml", &text, Path::new(EXAMPLE), builtin()).unwrap();
    let flows = t.required_flows(builtin());
    let rpc: Vec<_> = flows.iter().filter(|f| f.rpc_dynamic).collect();
    assert!(!rpc.is_empty());
    assert!(rpc.iter().all(|f| f.ports.to_string() == "5000-5100"));
}

#[test]
fn member_and_sql_flows() {
    let t = example();
    let flows = t.required_flows(builtin());
    // windows-core: both members authenticate to the DC.
    for m in ["crm01", "sql01"] {
        assert!(
            !find(&flows, m, "dc01", proto::TCP, 88).is_empty(),
            "{m} kerberos"
        );
        assert!(
            !find(&flows, m, "dc01", proto::UDP, 53).is_empty(),
            "{m} dns"
        );
    }
    // CRM web and async reach SQL on 1433.
    let sql = find(&flows, "crm01", "sql01", proto::TCP, 1433);
    let roles: Vec<_> = sql.iter().map(|f| f.from_role.as_str()).collect();
    assert!(roles.contains(&"dynamics-crm.web") && roles.contains(&"dynamics-crm.async"));
    // No host talks to itself, and no setup-only flow in operation.
    assert!(flows
        .iter()
        .all(|f| f.from_name != f.to_name || t.host(&f.from_name).is_none()));
    assert!(flows.iter().all(|f| f.phase == Phase::Operation));
}

#[test]
fn phase_setup_adds_setup_flows() {
    let operation = example().required_flows(builtin());
    let text = std::fs::read_to_string(EXAMPLE)
        .unwrap()
        .replace("phase = \"operation\"", "phase = \"setup\"");
    let t = topology::parse_str("setup.toml", &text, Path::new(EXAMPLE), builtin()).unwrap();
    assert_eq!(t.settings.phase, Phase::Setup);
    let setup = t.required_flows(builtin());
    assert!(setup.len() > operation.len());
    assert!(find(&operation, "crm01", "sql01", proto::UDP, 1434).is_empty());
    let browser = find(&setup, "crm01", "sql01", proto::UDP, 1434);
    assert_eq!(browser.len(), 1);
    assert_eq!(browser[0].phase, Phase::Setup);
    for (p, port) in [(proto::TCP, 139), (proto::UDP, 137), (proto::UDP, 138)] {
        assert!(find(&setup, "crm01", "sql01", p, port)
            .iter()
            .any(|f| f.phase == Phase::Setup));
    }
    // Everything required in operation is still required during setup.
    assert!(operation
        .iter()
        .all(|o| setup.iter().any(|s| s.from_name == o.from_name
            && s.to_name == o.to_name
            && s.protocol == o.protocol
            && s.ports == o.ports)));
}

#[test]
fn firewalls_govern_the_flows_in_their_path() {
    let t = example();
    let flows = t.required_flows(builtin());
    let crm_fw = &t.firewalls[0];
    let core = &t.firewalls[1];
    let web = find(&flows, "clients", "crm01", proto::TCP, 5555)[0];
    assert!(crm_fw.governs(web, &t) && crm_fw.is_inbound(web));
    assert!(core.governs(web, &t));
    let to_dc = find(&flows, "crm01", "dc01", proto::TCP, 445)[0];
    assert!(crm_fw.governs(to_dc, &t) && !crm_fw.is_inbound(to_dc));
    assert!(!core.governs(to_dc, &t), "crm01 is not in core's `from`");
    let sql_dc = find(&flows, "sql01", "dc01", proto::TCP, 445)[0];
    assert!(!crm_fw.governs(sql_dc, &t));
    let rdp = find(&flows, "admins", "sql01", proto::TCP, 3389)[0];
    assert!(core.governs(rdp, &t) && !crm_fw.governs(rdp, &t));
}

#[test]
fn declared_flow_with_a_catalog_service_uses_the_override() {
    let text = std::fs::read_to_string(EXAMPLE).unwrap().replace(
        "service = [\"tcp/3389\"]",
        "service = [\"tcp/3389\", \"dynamics-crm.web-http\", \"udp/137-138\", \"tcp/rpc-dynamic\", \"icmp\"]",
    );
    let t = topology::parse_str("svc.toml", &text, Path::new(EXAMPLE), builtin()).unwrap();
    let flows = t.required_flows(builtin());
    let web = find(&flows, "admins", "crm01", proto::TCP, 5555);
    assert_eq!(web.len(), 1);
    assert_eq!(web[0].service.as_deref(), Some("dynamics-crm.web-http"));
    // sql01 has no override: the service's default port.
    assert_eq!(find(&flows, "admins", "sql01", proto::TCP, 80).len(), 1);
    let nb = find(&flows, "admins", "sql01", proto::UDP, 137);
    assert_eq!(nb[0].ports.to_string(), "137-138");
    let rpc = find(&flows, "admins", "sql01", proto::TCP, 50000);
    assert!(rpc[0].rpc_dynamic && rpc[0].ports.to_string() == "49152-65535");
    assert!(flows.iter().any(|f| f.from_name == "admins"
        && f.to_name == "crm01"
        && f.protocol == proto::ICMP
        && f.ports.is_empty()));
}

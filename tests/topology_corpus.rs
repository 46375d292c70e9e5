//! Every sample topology under `corpus/topology/` loads and requires flows.

use fwlint::catalog::{builtin, Phase};
use fwlint::model::values::proto;
use fwlint::topology;

#[test]
fn every_sample_topology_loads() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/topology");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let t = topology::load(&path).unwrap_or_else(|e| panic!("{}", e.render(false)));
        let flows = t.required_flows(builtin());
        assert!(
            flows.len() > 20,
            "{}: {} flows",
            path.display(),
            flows.len()
        );
        for fw in &t.firewalls {
            assert!(
                flows.iter().any(|f| fw.governs(f, &t)),
                "{}: firewall {} governs nothing",
                path.display(),
                fw.name
            );
        }
        n += 1;
    }
    assert!(n >= 4, "only {n} sample topologies");
}

#[test]
fn crm_setup_sample_overrides_and_setup_flows() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/topology/crm-setup.toml"
    );
    let t = topology::load(std::path::Path::new(path)).unwrap();
    let flows = t.required_flows(builtin());
    let has = |from: &str, to: &str, p: u8, ports: &str| {
        flows.iter().any(|f| {
            f.from_name == from
                && f.to_name == to
                && f.protocol == p
                && f.ports.to_string() == ports
        })
    };
    assert!(
        has("crmfe01", "crmsql01", proto::TCP, "50123"),
        "SQL port override"
    );
    assert!(has("crmbe01", "crmsql01", proto::TCP, "50123"));
    assert!(
        has("crmfe01", "crmbe01", proto::TCP, "8808"),
        "web -> sandbox on the overridden port"
    );
    assert!(
        has("crmbe01", "crmfe01", proto::TCP, "808"),
        "sandbox -> web keeps the default port"
    );
    assert!(
        has("crmfe01", "dc01", proto::TCP, "5000-5100"),
        "restricted rpc-dynamic"
    );
    assert!(flows.iter().any(|f| f.to_name == "crmsql01"
        && f.protocol == proto::UDP
        && f.ports.contains(1434)
        && f.phase == Phase::Setup));
    assert!(
        has("ssrs01", "crmfe01", proto::TCP, "808"),
        "fetch-based reports"
    );
}

#[test]
fn configmgr_sample_bidirectional_site_system_flows() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/topology/configmgr-site.toml"
    );
    let t = topology::load(std::path::Path::new(path)).unwrap();
    let flows = t.required_flows(builtin());
    // Site server <--> Software update point: required both ways, on the WSUS port.
    for (a, b) in [("cm01", "cmsup01"), ("cmsup01", "cm01")] {
        assert!(
            flows
                .iter()
                .any(|f| f.from_name == a && f.to_name == b && f.ports.to_string() == "8530"),
            "{a} -> {b}"
        );
    }
    // Client -> software update point uses the host's WSUS port, not 80.
    assert!(flows.iter().any(|f| f.from_name == "workstations"
        && f.to_name == "cmsup01"
        && f.ports.to_string() == "8531"));
    assert!(!flows
        .iter()
        .any(|f| f.from_name == "workstations" && f.to_name == "cmsup01" && f.ports.contains(80)));
    // PXE: DHCP 67-68 and TFTP 69 from clients to the DP.
    assert!(flows.iter().any(|f| f.from_name == "workstations"
        && f.to_name == "cmdp01"
        && f.protocol == proto::UDP
        && f.ports.contains(69)));
    // The site server reaches the internet on 80.
    assert!(flows
        .iter()
        .any(|f| f.from_name == "cm01" && f.to_name == "internet" && f.ports.contains(80)));
    // Remote SQL installation flows only in setup.
    assert!(!flows.iter().any(|f| f.phase == Phase::Setup));
}

#[test]
fn a_group_playing_both_ends_talks_to_itself() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/topology/skype-pool.toml"
    );
    let t = topology::load(std::path::Path::new(path)).unwrap();
    let flows = t.required_flows(builtin());
    // Peer-to-peer client media: users -> users, both ways collapse into one flow per protocol.
    let p2p: Vec<_> = flows
        .iter()
        .filter(|f| {
            f.from_name == "users" && f.to_name == "users" && f.ports.to_string() == "1024-65535"
        })
        .collect();
    assert_eq!(p2p.len(), 2, "{p2p:#?}");
    // A host never needs a flow to itself (front-end -> front-end within fe01).
    assert!(!flows
        .iter()
        .any(|f| f.from_name == "fe01" && f.to_name == "fe01"));
    assert!(flows
        .iter()
        .any(|f| f.from_name == "fe01" && f.to_name == "fe02" && f.ports.contains(444)));
}

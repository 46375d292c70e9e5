//! The built-in catalog: every data file loads and validates, the contract's role
//! and service names exist, and `fwlint catalog --format json` has the contract's
//! shape.

use fwlint::catalog::{builtin, Catalog, PortSpec, DATA_FILES};
use std::process::Command;

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seeds");

#[test]
fn every_profile_loads_and_validates() {
    let cat = Catalog::from_sources(DATA_FILES).expect("catalog data files are valid");
    let names: Vec<_> = cat.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "windows-core",
            "dynamics-crm",
            "configmgr",
            "skype-for-business"
        ]
    );
    for p in &cat.profiles {
        assert!(
            p.flows.len() >= 40,
            "{} has only {} flows",
            p.name,
            p.flows.len()
        );
        assert!(
            p.roles.len() >= 8,
            "{} has only {} roles",
            p.name,
            p.roles.len()
        );
        for f in &p.flows {
            assert!(cat.role(&f.from).is_some() && cat.role(&f.to).is_some());
            // Every cite names a seed (or the facts file) that exists, and a section.
            for part in f.cite.split("; ").filter(|c| c.contains(" § ")) {
                let file = part.split(" § ").next().unwrap();
                let exists = if let Some(facts) = file.strip_prefix("facts/") {
                    std::path::Path::new(&format!("{SEEDS}/../facts/{facts}")).exists()
                } else {
                    std::path::Path::new(&format!("{SEEDS}/{file}")).exists()
                };
                assert!(exists, "{}: cite names missing file {file}", p.name);
            }
        }
    }
}

#[test]
fn contract_roles_and_services_exist() {
    let cat = builtin();
    for role in [
        "windows-core.domain-controller",
        "windows-core.member",
        "dynamics-crm.web",
        "dynamics-crm.async",
        "dynamics-crm.sql",
        "dynamics-crm.client",
        "dynamics-crm.sandbox",
        "dynamics-crm.reporting",
        "dynamics-crm.email-router",
        "configmgr.site-server",
        "configmgr.management-point",
        "configmgr.distribution-point",
        "configmgr.software-update-point",
        "configmgr.console",
        "configmgr.client",
        "configmgr.internet",
        "skype-for-business.front-end",
        "skype-for-business.director",
        "skype-for-business.mediation",
        "skype-for-business.persistent-chat",
        "skype-for-business.office-web-apps",
        "skype-for-business.front-end-load-balancer",
        "skype-for-business.client",
    ] {
        assert!(cat.role(role).is_some(), "missing role {role}");
    }
    let web = cat.service("dynamics-crm.web-http").unwrap();
    assert_eq!(web.default_ports.to_string(), "80");
    assert!(web.alternate_ports.contains(5555));
    let wsus = cat.service("configmgr.wsus-http").unwrap();
    assert_eq!(wsus.default_ports.to_string(), "8530");
    assert!(wsus.alternate_ports.contains(80));
}

#[test]
fn seed_semantics_are_kept() {
    let cat = builtin();
    let crm = cat.profile("dynamics-crm").unwrap();
    // HTTPS for CRM is recommended, not required.
    let https = crm
        .flows
        .iter()
        .find(|f| f.from == "dynamics-crm.client" && f.ports.to_string() == "443")
        .unwrap();
    assert!(!https.required);
    // UDP 1434 and the NetBIOS ports to SQL are setup-only.
    for (proto, port) in [
        ("udp", "1434"),
        ("tcp", "139"),
        ("udp", "137"),
        ("udp", "138"),
    ] {
        let f = crm
            .flows
            .iter()
            .find(|f| {
                f.to == "dynamics-crm.sql" && f.protocol == proto && f.ports.to_string() == port
            })
            .unwrap_or_else(|| panic!("no {proto}/{port} flow to SQL"));
        assert_eq!(f.phase, fwlint::catalog::Phase::Setup, "{proto}/{port}");
    }
    // ConfigMgr: `<-->` sections are bidirectional; remote-SQL installation ports are setup-only.
    let cm = cat.profile("configmgr").unwrap();
    assert!(cm
        .flows
        .iter()
        .any(|f| f.from == "configmgr.management-point"
            && f.to == "configmgr.site-server"
            && f.bidirectional
            && f.ports == PortSpec::RpcDynamic));
    assert!(cm.flows.iter().any(|f| f.from == "configmgr.site-server"
        && f.to == "configmgr.sql-server"
        && f.ports == PortSpec::RpcDynamic
        && f.phase == fwlint::catalog::Phase::Setup));
    assert!(cm
        .flows
        .iter()
        .any(|f| f.protocol == "icmp" && f.ports == PortSpec::None));
    // Every "Alternate port available" row carries a service id (checked in catalog_seeds too).
    assert!(cm
        .flows
        .iter()
        .filter(|f| f.note.contains("alternate port available"))
        .all(|f| f.service.is_some()));
    // The Windows facts disagree with the vendor text on the old RPC range: the cite says so.
    let wc = cat.profile("windows-core").unwrap();
    assert!(wc
        .flows
        .iter()
        .any(|f| f.ports == PortSpec::RpcDynamic && f.cite.contains("the vendor text wins")));
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fwlint"))
        .args(args)
        .output()
        .expect("run fwlint");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn json_output_has_the_contract_shape() {
    let (code, out, err) = run(&["catalog", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let profiles = v["profiles"].as_array().unwrap();
    assert_eq!(profiles.len(), 4);
    let mut flows = 0;
    for p in profiles {
        assert!(p["name"].is_string());
        assert!(p["source"].as_str().unwrap().contains(".txt"));
        for f in p["flows"].as_array().unwrap() {
            flows += 1;
            for key in ["from", "to", "protocol", "ports", "phase", "note", "cite"] {
                assert!(f[key].is_string(), "{key} missing in {f}");
            }
            let proto = f["protocol"].as_str().unwrap();
            assert!(
                ["tcp", "udp", "icmp", "esp", "gre"].contains(&proto),
                "{proto}"
            );
            assert!(["operation", "setup"].contains(&f["phase"].as_str().unwrap()));
            let ports = f["ports"].as_str().unwrap();
            let ok = ports == "rpc-dynamic"
                || (ports.is_empty() && ["icmp", "esp", "gre"].contains(&proto))
                || ports
                    .split(',')
                    .all(|p| p.split('-').all(|n| n.parse::<u16>().is_ok()));
            assert!(ok, "bad ports {ports:?}");
            assert!(f["required"].is_boolean() && f["bidirectional"].is_boolean());
            assert!(f["cite"].as_str().unwrap().contains(" § "));
        }
    }
    assert_eq!(flows, builtin().flows().count());

    let (code, out, _) = run(&["catalog", "dynamics-crm", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["profiles"].as_array().unwrap().len(), 1);
    let f = &v["profiles"][0]["flows"][0];
    assert_eq!(f["from"], "dynamics-crm.client");
    assert_eq!(f["to"], "dynamics-crm.web");
    assert_eq!(f["ports"], "80");
    assert_eq!(f["service"], "dynamics-crm.web-http");
    assert!(f["cite"].as_str().unwrap().starts_with(
        "000_2bca468b2b85afa3.txt § Network ports for the Microsoft Dynamics 365 web application"
    ));
}

#[test]
fn text_output_and_unknown_profile() {
    let (code, out, _) = run(&["catalog", "configmgr"]);
    assert_eq!(code, 0);
    assert!(out.contains("configmgr.client -> configmgr.management-point  tcp/10123"));
    assert!(out.contains("cite: 003_328c3a474ee86947.txt § Client --> Management point"));
    let (code, _, err) = run(&["catalog", "configmgrr"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `configmgr`?"), "{err}");
}

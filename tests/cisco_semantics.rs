//! Hand-written semantics of the Cisco constructs aerleon never emits:
//! non-contiguous wildcards, `neq`/`lt`/`gt`, nested object-groups and cycles,
//! per-protocol port names, `established`, `fragments`, `inactive`, ASA
//! `show access-list` expansions, standard ACL bare addresses, `no N` and
//! resequencing, access-group bindings. Each asserts exact verdicts and the
//! deciding line (as `fwlint query` reports them).

use fwlint::dialect::Dialect;
use fwlint::model::eval::{evaluate, NoSymbols};
use fwlint::model::{CtStates, IssueLevel, Packet, RuleSet};
use fwlint::read::Input;
use std::process::Command;

fn corpus(name: &str) -> String {
    format!("{}/corpus/cisco/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn load(name: &str, d: Dialect) -> (RuleSet, String) {
    let path = corpus(name);
    let input = Input::read(std::path::Path::new(&path)).expect("read corpus file");
    let text = String::from_utf8(input.bytes.clone()).unwrap();
    (d.load(&input).expect("load"), text)
}

/// 1-based line of the only line containing `needle`.
fn line_of(text: &str, needle: &str) -> u32 {
    let hits: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(hits.len(), 1, "`{needle}` must occur on exactly one line");
    hits[0] as u32 + 1
}

/// (verdict, deciding line or 0 for the default, uncertain?)
fn ask(rs: &RuleSet, filter: &str, packet: &str) -> (&'static str, u32, bool) {
    ask_state(rs, filter, packet, CtStates::NEW)
}

fn ask_state(rs: &RuleSet, filter: &str, packet: &str, st: CtStates) -> (&'static str, u32, bool) {
    let f = rs
        .filter(filter)
        .unwrap_or_else(|| panic!("no filter {filter}"));
    let mut p = Packet::parse(packet).unwrap();
    p.ct_state = st;
    let d = evaluate(&f.body, &p, &NoSymbols);
    (
        d.verdict.as_str(),
        d.rule.map(|r| r.origin.line).unwrap_or(0),
        d.otherwise.is_some(),
    )
}

fn expect(
    rs: &RuleSet,
    text: &str,
    filter: &str,
    packet: &str,
    verdict: &str,
    needle: Option<&str>,
) {
    let (v, line, unc) = ask(rs, filter, packet);
    let want_line = needle.map(|n| line_of(text, n)).unwrap_or(0);
    assert_eq!(
        (v, line, unc),
        (verdict, want_line, false),
        "{filter}: `{packet}`"
    );
}

#[test]
fn ios_masks_ports_groups_sequences() {
    let (rs, t) = load("ios_semantics.ios", Dialect::CiscoIos);
    let e = |p: &str, v: &str, n: Option<&str>| expect(&rs, &t, "EDGE", p, v, n);
    // nested object-group, several ports after `eq`
    e(
        "tcp 1.1.1.1:40000 198.51.100.10:80",
        "allow",
        Some(" 10 permit tcp any object-group WEB"),
    );
    e(
        "tcp 1.1.1.1:40000 198.51.100.70:443",
        "allow",
        Some(" 10 permit tcp any object-group WEB"),
    );
    e(
        "tcp 1.1.1.1:40000 198.51.100.128:443",
        "deny",
        Some(" 60 deny"),
    );
    // resequencing: 5 is first although written last
    e(
        "tcp 192.0.2.66:40000 198.51.100.10:80",
        "deny",
        Some(" 5 deny tcp host 192.0.2.66"),
    );
    // non-contiguous wildcard 0.255.0.255: 10.*.0.*
    e("udp 10.77.0.200:1000 8.8.8.8:53", "deny", Some(" 30 deny"));
    e("udp 10.0.0.1:1000 8.8.8.8:53", "deny", Some(" 30 deny"));
    // 10.77.1.200 is not in it; `no 40` removed `udp eq syslog`
    e(
        "udp 10.77.1.200:1000 8.8.8.8:514",
        "deny",
        Some(" 120 deny"),
    );
    // `cmd` is TCP 514
    e(
        "tcp 1.1.1.1:40000 8.8.8.8:514",
        "allow",
        Some(" 50 permit tcp any any eq cmd"),
    );
    // range with UDP names bootps(67)..tftp(69), inclusive
    e("udp 8.8.8.8:1000 9.9.9.9:67", "allow", Some(" 110 permit"));
    e("udp 8.8.8.8:1000 9.9.9.9:69", "allow", Some(" 110 permit"));
    e("udp 8.8.8.8:1000 9.9.9.9:70", "deny", Some(" 120 deny"));
    // neq 22 denies every other TCP port; lt 1024 is exclusive
    e("tcp 1.1.1.1:1023 9.9.9.9:22", "allow", Some(" 70 permit"));
    e("tcp 1.1.1.1:1024 9.9.9.9:22", "deny", Some(" 120 deny"));
    // gt 65000 is exclusive
    e(
        "udp 1.1.1.1:65001 9.9.9.9:9999",
        "allow",
        Some(" 80 permit"),
    );
    e("udp 1.1.1.1:65000 9.9.9.9:9999", "deny", Some(" 120 deny"));
    // cyclic group: the members that exist still match; the cycle is reported
    e(
        "tcp 1.1.1.1:2000 203.0.113.99:22",
        "allow",
        Some(" 90 permit"),
    );
    assert!(rs
        .issues
        .iter()
        .any(|i| i.level == IssueLevel::Error && i.message.contains("cycle")));
    // established matches TCP segments with ACK or RST set, never a SYN (the
    // first packet of a connection); the ACL is stateless: flags decide.
    e(
        "tcp 1.1.1.1:40000 192.0.2.10:5000",
        "deny",
        Some(" 60 deny"),
    );
    let est = " 20 permit tcp any host 192.0.2.10 established";
    for flags in ["ack", "rst", "syn,ack", "psh,ack", "fin,ack", "rst,ack"] {
        e(
            &format!("tcp 1.1.1.1:40000 192.0.2.10:5000 flags={flags}"),
            "allow",
            Some(est),
        );
    }
    for flags in ["fin", "none", "psh", "syn,urg"] {
        e(
            &format!("tcp 1.1.1.1:40000 192.0.2.10:5000 flags={flags}"),
            "deny",
            Some(" 60 deny"),
        );
    }
    let (v, line, _) = ask_state(
        &rs,
        "EDGE",
        "tcp 1.1.1.1:40000 192.0.2.10:5000",
        CtStates::ESTABLISHED,
    );
    assert_eq!((v, line), ("deny", line_of(&t, " 60 deny")));
    let (v, line, _) = ask_state(
        &rs,
        "EDGE",
        "tcp 1.1.1.1:40000 192.0.2.10:5000 flags=ack",
        CtStates::NEW,
    );
    assert_eq!((v, line), ("allow", line_of(&t, est)));
    // fragments never match a first packet
    e("gre 1.1.1.1 9.9.9.9", "deny", Some(" 120 deny"));
    // standard ACL: a bare address is a host; source only
    let s = |p: &str, v: &str, n: Option<&str>| expect(&rs, &t, "10", p, v, n);
    s(
        "tcp 192.0.2.5:1 8.8.8.8:80",
        "allow",
        Some("access-list 10 permit 192.0.2.5"),
    );
    s(
        "tcp 192.0.2.6:1 8.8.8.8:80",
        "deny",
        Some("access-list 10 deny"),
    );
    s(
        "udp 8.8.8.8:1 192.0.2.6:80",
        "allow",
        Some("access-list 10 permit any"),
    );
    // IPv6 with trailing `sequence N`, resequenced
    let v6 = |p: &str, v: &str, n: Option<&str>| expect(&rs, &t, "V6", p, v, n);
    v6(
        "tcp [2001:db8::66]:1000 [2001:db8::1]:22",
        "deny",
        Some("sequence 10"),
    );
    v6(
        "tcp [2001:db8::67]:1000 [2001:db8::1]:22",
        "allow",
        Some("sequence 20"),
    );
    v6("tcp 10.0.0.1:1000 10.0.0.2:22", "deny", None);
    // IPv4 ACLs never match IPv6
    expect(
        &rs,
        &t,
        "EDGE",
        "tcp [2001:db8::1]:1 [2001:db8::2]:514",
        "deny",
        None,
    );
}

#[test]
fn ios_port_names_are_per_protocol() {
    let (rs, t) = load("ios_semantics.ios", Dialect::CiscoIos);
    let errs: Vec<&str> = rs
        .issues
        .iter()
        .filter(|i| i.level == IssueLevel::Error)
        .map(|i| i.message.as_str())
        .collect();
    assert!(
        errs.iter()
            .any(|m| m.contains("`www` is not a UDP port name (it is TCP port 80)")),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .any(|m| m.contains("`tftp` is not a TCP port name (it is UDP port 69)")),
        "{errs:?}"
    );
    // `domain` is both; the entry is exact. The unreadable entry above it makes
    // the answer uncertain: unless that entry matches, line 30 decides.
    let f = rs.filter("BADPORTS").unwrap();
    let d = evaluate(
        &f.body,
        &Packet::parse("udp 1.1.1.1:1 2.2.2.2:53").unwrap(),
        &NoSymbols,
    );
    let (v2, r2) = d.otherwise.expect("uncertain because of the unread entry");
    assert_eq!(v2.as_str(), "allow");
    assert_eq!(
        r2.unwrap().origin.line,
        line_of(&t, "30 permit udp any any eq domain")
    );
    // The unreadable entries stay in place as uncertain matches, never dropped.
    let (v, line, unc) = ask(&rs, "BADPORTS", "udp 1.1.1.1:1 2.2.2.2:80");
    assert_eq!(
        (v, line, unc),
        ("allow", line_of(&t, "10 permit udp any any eq www"), true)
    );
}

#[test]
fn ios_bindings_objects_and_dangling() {
    let (rs, _) = load("ios_semantics.ios", Dialect::CiscoIos);
    let edge = rs.filter("EDGE").unwrap();
    assert_eq!(edge.dialect, "cisco-ios");
    assert_eq!(edge.semantics, "first match by sequence, implicit deny");
    assert_eq!(edge.bindings.len(), 1);
    assert_eq!(edge.bindings[0].point, "interface GigabitEthernet0/1");
    assert_eq!(edge.bindings[0].direction, "in");
    let ten = rs.filter("10").unwrap();
    assert_eq!(ten.bindings[0].point, "line vty 0 4");
    assert!(rs
        .dangling
        .iter()
        .any(|d| d.kind == "acl" && d.name == "MISSING"));
    let uses = |n: &str| rs.objects.iter().find(|o| o.name == n).map(|o| o.uses);
    assert_eq!(uses("UNUSED"), Some(0));
    assert_eq!(uses("WEB"), Some(1));
    assert_eq!(uses("WEB2"), Some(1));
    // Nothing outside ACL context produced an issue (router ospf wildcard etc.).
    assert!(
        rs.issues.iter().all(|i| i.origin.line < 60),
        "{:?}",
        rs.issues
    );
}

#[test]
fn asa_objects_groups_inactive_names() {
    let (rs, t) = load("asa_semantics.asa", Dialect::CiscoAsa);
    let e = |p: &str, v: &str, n: Option<&str>| expect(&rs, &t, "OUTSIDE_IN", p, v, n);
    let web = Some("object-group SERVERS object-group WEBPORTS");
    e("tcp 1.1.1.1:40000 192.0.2.81:443", "allow", web);
    e("tcp 1.1.1.1:40000 192.0.2.80:80", "allow", web); // `name` alias
    e("tcp 1.1.1.1:40000 198.51.100.100:80", "allow", web); // nested group, subnet mask
                                                            // `line 2` inserted the host deny before the MIXED line
    e(
        "tcp 192.0.2.200:40000 10.10.5.5:22",
        "deny",
        Some("line 2 extended deny"),
    );
    e(
        "tcp 1.1.1.1:40000 10.10.5.5:22",
        "allow",
        Some("object-group MIXED"),
    );
    e(
        "udp 1.1.1.1:40000 10.10.5.5:53",
        "allow",
        Some("object-group MIXED"),
    );
    e(
        "icmp 1.1.1.1 10.10.5.5",
        "allow",
        Some("object-group MIXED"),
    );
    e(
        "tcp 1.1.1.1:40000 10.20.0.7:5000",
        "allow",
        Some("object-group TCPUDP"),
    );
    e(
        "udp 1.1.1.1:40000 10.20.0.9:5000",
        "allow",
        Some("object-group TCPUDP"),
    );
    e(
        "icmp 1.1.1.1 9.9.9.9 0/0",
        "allow",
        Some("object-group PINGS"),
    );
    // ASA knows `www` for UDP
    e(
        "udp 1.1.1.1:40000 9.9.9.9:80",
        "allow",
        Some("permit udp any any eq www"),
    );
    e("gre 1.1.1.1 9.9.9.9", "deny", Some("deny ip any any"));
    // the inactive line never decides; the fqdn line makes TCP uncertain
    let (v, line, unc) = ask(&rs, "OUTSIDE_IN", "tcp 1.1.1.1:40000 203.0.113.5:8080");
    assert_eq!((v, line, unc), ("deny", line_of(&t, "object EXT"), true));
    let f = rs.filter("OUTSIDE_IN").unwrap();
    let inactive: Vec<_> = f.rules().filter(|r| !r.enabled).collect();
    assert_eq!(inactive.len(), 1);
    assert!(inactive[0].origin.text().ends_with("inactive"));
    // ASA `any` is dual-stack
    e(
        "gre 2001:db8::1 2001:db8::2",
        "deny",
        Some("deny ip any any"),
    );
    assert_eq!(f.bindings[0].point, "interface outside");
    assert!(rs
        .dangling
        .iter()
        .any(|d| d.kind == "acl" && d.name == "GLOBAL_NOPE"));
    assert!(rs.issues.iter().any(|i| i.message.contains("cycle")));
    assert!(rs
        .issues
        .iter()
        .any(|i| i.level == IssueLevel::Warning && i.message.contains("fqdn")));
    let uses = |n: &str| rs.objects.iter().find(|o| o.name == n).map(|o| o.uses);
    assert_eq!(uses("websrv"), Some(1));
    assert_eq!(uses("unusedname"), Some(0));
    assert_eq!(uses("SRV1"), Some(1));
}

#[test]
fn asa_show_access_list_expansions_are_not_double_counted() {
    let (rs, t) = load("asa_show.txt", Dialect::CiscoAsa);
    let f = rs.filter("OUT").unwrap();
    assert_eq!(f.rules().count(), 2);
    let parent = Some("line 1 extended permit tcp object-group G1");
    expect(
        &rs,
        &t,
        "OUT",
        "tcp 10.0.1.9:1000 9.9.9.9:80",
        "allow",
        parent,
    );
    expect(
        &rs,
        &t,
        "OUT",
        "tcp 10.0.0.1:1000 9.9.9.9:80",
        "allow",
        parent,
    );
    expect(
        &rs,
        &t,
        "OUT",
        "tcp 10.0.2.9:1000 9.9.9.9:80",
        "deny",
        Some("line 2 extended deny"),
    );
    assert!(rs.issues.is_empty(), "{:?}", rs.issues);
    assert!(rs.dangling.is_empty(), "{:?}", rs.dangling);
}

#[test]
fn nxos_groups_implicit_sequence_and_fragments() {
    let (rs, t) = load("nxos_semantics.nxos", Dialect::CiscoNxos);
    let e = |p: &str, v: &str, n: Option<&str>| expect(&rs, &t, "NX", p, v, n);
    e(
        "tcp 10.0.1.5:1000 1.1.1.1:8080",
        "allow",
        Some("portgroup WEB"),
    );
    e(
        "tcp 10.0.0.1:1000 1.1.1.1:80",
        "allow",
        Some("portgroup WEB"),
    );
    e("tcp 10.0.1.5:1000 1.1.1.1:8081", "deny", None);
    e("udp 10.9.7.0:1000 1.1.1.1:53", "deny", Some("20 deny udp"));
    e(
        "tcp 10.9.7.0:1000 1.1.1.1:53",
        "allow",
        Some("permit ip 10.9.0.0 0.0.255.0"),
    );
    e("tcp 10.9.7.1:1000 1.1.1.1:53", "deny", None);
    let f = rs.filter("NX").unwrap();
    let labels: Vec<_> = f.rules().map(|r| r.label.clone()).collect();
    assert_eq!(
        labels,
        vec![
            None,
            Some("10".into()),
            Some("20".into()),
            Some("30".into())
        ]
    );
    assert_eq!(f.bindings[0].point, "interface Ethernet1/1");
    assert!(rs.issues.is_empty(), "{:?}", rs.issues);
}

#[test]
fn xr_groups_resequencing_bindings() {
    let (rs, t) = load("xr_semantics.iosxr", Dialect::CiscoXr);
    let e = |p: &str, v: &str, n: Option<&str>| expect(&rs, &t, "XR", p, v, n);
    e(
        "tcp 10.5.0.9:1000 1.1.1.1:443",
        "deny",
        Some("10 deny tcp host 10.5.0.9"),
    );
    e(
        "tcp 10.5.1.1:1000 1.1.1.1:1005",
        "allow",
        Some("net-group NG"),
    );
    e(
        "tcp 10.6.0.1:1000 1.1.1.1:443",
        "allow",
        Some("net-group NG"),
    );
    e(
        "tcp 10.6.0.2:1000 1.1.1.1:443",
        "deny",
        Some("30 deny ipv4"),
    );
    e(
        "tcp 10.5.1.1:1000 1.1.1.1:1011",
        "deny",
        Some("30 deny ipv4"),
    );
    expect(
        &rs,
        &t,
        "XR6",
        "tcp [2001:db8::5]:1 [2001:db9::1]:22",
        "allow",
        Some("eq 22"),
    );
    let f = rs.filter("XR").unwrap();
    assert_eq!(f.bindings[0].direction, "in");
    assert!(rs.issues.is_empty(), "{:?}", rs.issues);
}

/// The same answers through the command line, in JSON.
#[test]
fn query_cli_reports_the_deciding_line() {
    let out = Command::new(env!("CARGO_BIN_EXE_fwlint"))
        .args([
            "query",
            &corpus("ios_semantics.ios"),
            "--dialect",
            "cisco-ios",
            "--filter",
            "EDGE",
        ])
        .args([
            "--packet",
            "tcp 192.0.2.66:40000 198.51.100.10:80",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["verdict"], "deny");
    assert_eq!(v[0]["rule"]["text"], "5 deny tcp host 192.0.2.66 any");
}

/// What aerleon writes into IPv6 ACLs (found by the IPv6 oracle): `hbh` (the
/// hop-by-hop header, next header 0) and protocols by number in IOS; `icmp`
/// meaning ICMPv6 in NX-OS IPv6 ACLs; `icmpv6` in IOS-XR; `ipv6` for every
/// protocol. `hbh` is IPv6-only: in an IPv4 ACL it is an error and the entry
/// stays as an uncertain rule.
#[test]
fn ipv6_acl_protocol_keywords() {
    let text = "\
ipv6 access-list V6
 deny hbh any host 2001:db8::1
 permit 58 2001:db8::/32 any
 permit 50 any any
 deny ipv6 any host 2001:db8::2
 permit tcp any any eq www
ip access-list extended V4
 permit tcp any any eq 80
 deny hbh any any
 permit udp any any
";
    let input = Input::from_bytes("v6.ios", text.as_bytes().to_vec());
    let rs = Dialect::CiscoIos.load(&input).expect("load");
    let e = |p: &str, v: &str, n: Option<&str>| expect(&rs, text, "V6", p, v, n);
    e(
        "0 2001:db8::5 2001:db8::1",
        "deny",
        Some("deny hbh any host 2001:db8::1"),
    );
    e(
        "tcp [2001:db8::5]:1000 [2001:db8::1]:80",
        "allow",
        Some("permit tcp any any eq www"),
    );
    e(
        "icmpv6 2001:db8::5 2001:db9::1",
        "allow",
        Some("permit 58 2001:db8::/32 any"),
    );
    // `hbh` is next header 0, not any protocol to that host.
    e("icmpv6 2001:db9::5 2001:db8::1", "deny", None);
    e("icmpv6 2001:db9::5 2001:db9::1", "deny", None);
    e(
        "esp 2001:db9::5 2001:db8::2",
        "allow",
        Some("permit 50 any any"),
    );
    e(
        "gre 2001:db9::5 2001:db8::2",
        "deny",
        Some("deny ipv6 any host 2001:db8::2"),
    );
    // IPv4: `hbh` does not exist; the entry stays in place, uncertain.
    let hbh4 = rs
        .issues
        .iter()
        .filter(|i| i.level == IssueLevel::Error && i.origin.line == 9)
        .count();
    assert_eq!(hbh4, 1, "{:?}", rs.issues);
    assert_eq!(
        ask(&rs, "V4", "tcp 1.1.1.1:1000 2.2.2.2:80"),
        ("allow", 8, false)
    );
    // The `hbh` entry makes what follows uncertain.
    assert!(ask(&rs, "V4", "udp 1.1.1.1:1000 2.2.2.2:80").2);

    for (d, icmp) in [(Dialect::CiscoNxos, "icmp"), (Dialect::CiscoXr, "icmpv6")] {
        let text = format!(
            "ipv6 access-list V6\n 10 permit {icmp} 2001:db8::/32 any\n 20 deny {icmp} any any\n"
        );
        let input = Input::from_bytes("v6", text.clone().into_bytes());
        let rs = d.load(&input).expect("load");
        assert!(rs.issues.is_empty(), "{d:?}: {:?}", rs.issues);
        assert_eq!(
            ask(&rs, "V6", "icmpv6 2001:db8::5 2001:db9::1"),
            ("allow", 2, false),
            "{d:?}"
        );
        assert_eq!(
            ask(&rs, "V6", "icmpv6 2001:db9::5 2001:db8::1"),
            ("deny", 3, false),
            "{d:?}"
        );
        // ICMPv4 (protocol 1) is not ICMPv6.
        assert_eq!(
            ask(&rs, "V6", "1 2001:db9::5 2001:db8::1"),
            ("deny", 0, false),
            "{d:?}"
        );
    }
}

//! netsh scripts and `show rule` output: exact `fwlint query` verdicts and the
//! deciding lines, for Windows precedence, profiles, disabled rules, keywords,
//! `set rule` / `delete rule` ordering, batch syntax and `show rule` blocks.

use std::process::Command;

/// Write `text` as `name` in a temp dir and query `packet`; returns
/// (verdict, deciding place as `LINE` or `default`, full output line).
fn query(
    name: &str,
    text: &str,
    filter: &str,
    profile: &str,
    packet: &str,
) -> (String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_fwlint"))
        .arg("query")
        .arg(&path)
        .args(["--filter", filter, "--profile", profile, "--packet", packet])
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success() || !s.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = s.lines().next().unwrap_or("").to_string();
    let mut cols = line.split('\t');
    let verdict = cols.next().unwrap_or("").to_string();
    let place = cols.next().unwrap_or("").to_string();
    let place = place.rsplit(':').next().unwrap_or("").to_string();
    (verdict, place, line)
}

fn parse_json(name: &str, text: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_fwlint"))
        .arg("parse")
        .arg(&path)
        .args(["--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

const ADD: &str = "netsh advfirewall firewall add rule";

#[test]
fn block_beats_allow_whatever_the_order() {
    let s = format!(
        "{ADD} name=allow445 dir=in action=allow protocol=tcp localport=445\n\
         {ADD} name=block445 dir=in action=block protocol=tcp localport=445 remoteip=10.0.0.0/8\n"
    );
    let (v, l, _) = query(
        "a.netsh",
        &s,
        "in",
        "domain",
        "tcp 10.1.2.3:40000 192.0.2.1:445",
    );
    assert_eq!((v.as_str(), l.as_str()), ("deny", "2"));
    let (v, l, _) = query(
        "a.netsh",
        &s,
        "in",
        "domain",
        "tcp 172.16.0.1:40000 192.0.2.1:445",
    );
    assert_eq!((v.as_str(), l.as_str()), ("allow", "1"));
    let (v, l, _) = query(
        "a.netsh",
        &s,
        "in",
        "domain",
        "tcp 172.16.0.1:40000 192.0.2.1:446",
    );
    assert_eq!((v.as_str(), l.as_str()), ("deny", "default"));
}

#[test]
fn profiles_select_rules_and_firewallpolicy_sets_defaults() {
    let s = format!(
        "{ADD} name=rdp dir=in action=allow protocol=tcp localport=3389 profile=domain,private\n\
         netsh advfirewall set publicprofile firewallpolicy allowinbound,allowoutbound\n\
         netsh advfirewall set privateprofile firewallpolicy blockinbound,blockoutbound\n"
    );
    let p = "tcp 10.0.0.1:5000 10.0.0.2:3389";
    assert_eq!(query("p.netsh", &s, "in", "domain", p).0, "allow");
    assert_eq!(query("p.netsh", &s, "in", "private", p).1, "1");
    // Public: no rule applies; its default inbound is now allow (line 2).
    let (v, l, _) = query(
        "p.netsh",
        &s,
        "in",
        "public",
        "tcp 10.0.0.1:5000 10.0.0.2:22",
    );
    assert_eq!((v.as_str(), l.as_str()), ("allow", "default"));
    // Private outbound: default block from line 3.
    assert_eq!(query("p.netsh", &s, "out", "private", p).0, "deny");
    assert_eq!(query("p.netsh", &s, "out", "domain", p).0, "allow");
}

#[test]
fn firewall_state_off_allows_everything() {
    let s = format!(
        "{ADD} name=b dir=in action=block protocol=tcp localport=22\n\
         netsh advfirewall set domainprofile state off\n"
    );
    assert_eq!(
        query("s.netsh", &s, "in", "domain", "tcp 1.1.1.1:1 2.2.2.2:22").0,
        "allow"
    );
    assert_eq!(
        query("s.netsh", &s, "in", "private", "tcp 1.1.1.1:1 2.2.2.2:22").0,
        "deny"
    );
}

#[test]
fn disabled_rules_do_not_decide() {
    let s = format!("{ADD} name=x dir=in action=allow protocol=udp localport=53 enable=no\n");
    let (v, l, _) = query(
        "d.netsh",
        &s,
        "in",
        "domain",
        "udp 10.0.0.1:5353 10.0.0.2:53",
    );
    assert_eq!((v.as_str(), l.as_str()), ("deny", "default"));
}

#[test]
fn port_keywords_rpc_is_symbolic_epmap_is_135() {
    let s = format!(
        "{ADD} name=epmap dir=in action=allow protocol=tcp localport=RPC-EPMap\n\
         {ADD} name=rpc dir=in action=allow protocol=tcp localport=RPC\n"
    );
    let (v, l, _) = query(
        "k.netsh",
        &s,
        "in",
        "domain",
        "tcp 10.0.0.1:5000 10.0.0.2:135",
    );
    assert_eq!((v.as_str(), l.as_str()), ("allow", "1"));
    // RPC ports depend on the host: the answer is uncertain, not a number match.
    let (_, _, line) = query(
        "k.netsh",
        &s,
        "in",
        "domain",
        "tcp 10.0.0.1:5000 10.0.0.2:49700",
    );
    assert!(line.contains("uncertain"), "{line}");
    let rs = parse_json("k.netsh", &s);
    let text = rs.to_string();
    assert!(text.contains("\"keyword\":\"RPC\""), "{text}");
}

#[test]
fn set_and_delete_rule_apply_in_order() {
    let s = format!(
        "{ADD} name=web dir=in action=allow protocol=tcp localport=80\n\
         {ADD} name=web dir=out action=allow protocol=tcp remoteport=80\n\
         netsh advfirewall firewall set rule name=web dir=in new localport=8080\n\
         {ADD} name=ssh dir=in action=allow protocol=tcp localport=22\n\
         netsh advfirewall firewall delete rule name=ssh protocol=tcp localport=22\n\
         {ADD} name=ssh dir=in action=allow protocol=tcp localport=2222\n\
         netsh advfirewall firewall set rule name=web dir=out new enable=no\n"
    );
    // `set rule` moved the inbound rule to 8080; the origin stays the add line.
    assert_eq!(
        query("o.netsh", &s, "in", "domain", "tcp 1.1.1.1:1 2.2.2.2:80").0,
        "deny"
    );
    let (v, l, _) = query("o.netsh", &s, "in", "domain", "tcp 1.1.1.1:1 2.2.2.2:8080");
    assert_eq!((v.as_str(), l.as_str()), ("allow", "1"));
    // The first ssh rule is gone; the one added after the delete stays.
    assert_eq!(
        query("o.netsh", &s, "in", "domain", "tcp 1.1.1.1:1 2.2.2.2:22").0,
        "deny"
    );
    assert_eq!(
        query("o.netsh", &s, "in", "domain", "tcp 1.1.1.1:1 2.2.2.2:2222").1,
        "6"
    );
    // The outbound web rule was disabled; outbound default is allow anyway.
    assert_eq!(
        query("o.netsh", &s, "out", "domain", "tcp 2.2.2.2:1 1.1.1.1:80").1,
        "default"
    );
}

#[test]
fn batch_file_syntax() {
    let s = "@echo off\r\nREM firewall\r\n:: comment\r\nset PORT=3389\r\n\
             netsh advfirewall firewall add rule name=\"Remote Desktop\" dir=in ^\r\n  action=allow protocol=TCP localport=%PORT% remoteip=10.0.0.0/8,192.168.1.1-192.168.1.9\r\n\
             netsh advfirewall firewall add rule name=x dir=in action=allow protocol=tcp localport=%UNSET%\r\n\
             echo done\r\npause\r\n";
    let (v, l, _) = query(
        "r.bat",
        s,
        "in",
        "domain",
        "tcp 192.168.1.5:5000 10.9.9.9:3389",
    );
    assert_eq!((v.as_str(), l.as_str()), ("allow", "5"));
    // Outside remoteip, only the rule with the unknown %UNSET% port could
    // match: the answer says so (allow if it holds, else the default).
    let (v, _, line) = query(
        "r.bat",
        s,
        "in",
        "domain",
        "tcp 192.168.1.10:5000 10.9.9.9:3389",
    );
    assert_eq!(v, "allow");
    assert!(
        line.contains(":7\tuncertain: deny if") && line.ends_with("(default)"),
        "{line}"
    );
    let rs = parse_json("r.bat", s);
    let issues = rs["unsupported"].as_array().cloned().unwrap_or_default();
    let unset: Vec<_> = issues
        .iter()
        .filter(|i| i["message"].as_str().unwrap_or("").contains("UNSET"))
        .collect();
    assert_eq!(unset.len(), 1, "{issues:?}");
    assert_eq!(unset[0]["level"], "warning");
}

#[test]
fn icmp_types_in_protocol() {
    let s = format!("{ADD} name=ping dir=in action=allow protocol=icmpv4:8,any\n");
    assert_eq!(
        query("i.netsh", &s, "in", "domain", "icmp 1.1.1.1 2.2.2.2 8/0").0,
        "allow"
    );
    assert_eq!(
        query("i.netsh", &s, "in", "domain", "icmp 1.1.1.1 2.2.2.2 0/0").0,
        "deny"
    );
}

#[test]
fn interactive_context_form_and_unknown_commands() {
    let s = "advfirewall firewall add rule name=a dir=in action=allow protocol=udp localport=161\n\
             netsh firewall add portopening TCP 80 web\n\
             cd C:\\temp\n\
             sc stop mpssvc\n";
    assert_eq!(
        query("c.netsh", s, "in", "domain", "udp 1.1.1.1:1 2.2.2.2:161").1,
        "1"
    );
    let rs = parse_json("c.netsh", s);
    let msgs = rs["unsupported"].to_string();
    assert!(msgs.contains("legacy `netsh firewall`"), "{msgs}");
    // Unknown commands warn; clearly unrelated ones (`cd`) pass silently.
    assert!(msgs.contains("command `sc` is not modelled"), "{msgs}");
    assert!(!msgs.contains("`cd`"), "{msgs}");
}

const SHOW: &str = r"
Rule Name:                            Allow SMB
----------------------------------------------------------------------
Enabled:                              Yes
Direction:                            In
Profiles:                             Domain,Private
Grouping:                             
LocalIP:                              Any
RemoteIP:                             10.0.0.0/255.0.0.0,LocalSubnet
Protocol:                             TCP
LocalPort:                            445
RemotePort:                           Any
Edge traversal:                       No
Action:                               Allow

Rule Name:                            Ping
----------------------------------------------------------------------
Enabled:                              Yes
Direction:                            In
Profiles:                             Domain,Private,Public
LocalIP:                              Any
RemoteIP:                             Any
Protocol:                             ICMPv4
                                      Type    Code
                                      8       Any
Edge traversal:                       No
Action:                               Block

Rule Name:                            Off
----------------------------------------------------------------------
Enabled:                              No
Direction:                            In
Profiles:                             Public
LocalIP:                              Any
RemoteIP:                             Any
Protocol:                             Any
Edge traversal:                       No
Action:                               Allow
Ok.
";

#[test]
fn show_rule_output() {
    // netsh writes CRLF line ends.
    let crlf = SHOW.replace('\n', "\r\n");
    let (v, l, _) = query(
        "show.txt",
        &crlf,
        "in",
        "domain",
        "tcp 10.2.3.4:5000 192.0.2.1:445",
    );
    assert_eq!((v.as_str(), l.as_str()), ("allow", "2"));
    assert_eq!(
        query(
            "show.txt",
            SHOW,
            "in",
            "public",
            "tcp 10.2.3.4:5000 192.0.2.1:445"
        )
        .1,
        "default"
    );
    let (v, l, _) = query(
        "show.txt",
        SHOW,
        "in",
        "public",
        "icmp 10.2.3.4 192.0.2.1 8/0",
    );
    assert_eq!((v.as_str(), l.as_str()), ("deny", "16"));
    assert_eq!(
        query(
            "show.txt",
            SHOW,
            "in",
            "public",
            "icmp 10.2.3.4 192.0.2.1 0/0"
        )
        .1,
        "default"
    );
}

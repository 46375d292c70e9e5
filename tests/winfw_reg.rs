//! `.reg` exports and rule strings through the CLI: exact `fwlint query`
//! verdicts and deciding lines for Windows precedence (bypass > block > allow >
//! profile default), profiles, disabled rules, keywords, defaults,
//! EnableFirewall=0, GPO and local stores, repeated and unknown tokens, and
//! malformed strings.

use std::path::Path;
use std::process::Command;

const LOCAL: &str =
    "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy";
const GPO: &str = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall";

/// The test export, one entry per line (line numbers matter: see `line`).
fn export_lines() -> Vec<String> {
    let l = |s: &str| s.to_string();
    vec![
        l("Windows Registry Editor Version 5.00"), // 1
        l(""),
        format!("[{LOCAL}\\DomainProfile]"), // 3
        l("\"EnableFirewall\"=dword:00000001"),
        l("\"DefaultInboundAction\"=dword:00000001"), // 5
        l("\"DefaultOutboundAction\"=dword:00000000"),
        l(""),
        format!("[{LOCAL}\\PublicProfile]"), // 8
        l("\"EnableFirewall\"=dword:00000000"), // 9
        l(""),
        format!("[{LOCAL}\\StandardProfile]"), // 11
        l("\"DefaultOutboundAction\"=dword:00000001"), // 12
        l(""),
        format!("[{LOCAL}\\FirewallRules]"), // 14
        l("\"{R1}\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=22|Name=SSH|\""), // 15
        l("\"{R2}\"=\"v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=22|RA4=203.0.113.0/24|Name=Block bad SSH|\""), // 16
        l("\"{R3}\"=\"v2.30|Action=Allow|Active=FALSE|Dir=In|Protocol=6|LPort=80|Name=Web (disabled)|\""), // 17
        l("\"{R4}\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Private|Profile=Public|LPort=3389|Name=RDP|\""), // 18
        l("\"{R5}\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=RPC-EPMap|Name=EPMap|\""), // 19
        l("\"{R6}\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=17|LPort=53|LPort=5353-5355|RA4=LocalSubnet|Name=DNS local|\""), // 20
        l("\"{R7}\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=1|ICMP4=8:*|Name=Ping|\""), // 21
        l("\"{R8}\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=8080|Frobnicate=yes|Name=Unknown token|\""), // 22
        l("\"{R9}\"=\"v2.30|Action=Allow|Active=FALSE|Dir=In|Protocol=6|LPort=99999|Name=Bad port|\""), // 23
        l("\"{R10}\"=\"2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=9|Name=No version|\""), // 24
        l("\"{R11}\"=\"v2.30|Action=ByPass|Active=TRUE|Dir=In|Protocol=6|LPort=22|RA4=203.0.113.5|Security=Authenticate|Name=Bypass admin|\""), // 25
        l("\"{R12}\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=443|App=C:\\\\srv\\\\web.exe|Name=SSH|\""), // 26
        l("\"{R13}\"=\"v2.30|Action=Block|Active=TRUE|Dir=Out|Protocol=6|RPort=25|Name=No SMTP out|\""), // 27
        l("\"{R14}\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=5000-5010|Name=Range|\""), // 28
        l("\"{R15}\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Name=Everything from admin net|RA4=192.0.2.0/255.255.255.0|\""), // 29
        l("\"NotARule\"=\"hello\""), // 30
        l(""),
        format!("[{GPO}\\FirewallRules]"), // 32
        l("\"{G1}\"=\"v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=23|Name=GPO no telnet|\""), // 33
        l("\"{G2}\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|Profile=Private|LPort=3389|Name=GPO RDP|\""), // 34
        l(""),
        format!("[{GPO}\\PrivateProfile]"), // 36
        l("\"AllowLocalPolicyMerge\"=dword:00000000"), // 37
        l(""),
        format!("[{LOCAL}\\Logging]"), // 39: other keys are skipped
        l("\"LogDroppedPackets\"=dword:00000001"),
    ]
}

fn utf16le_bom(text: &str) -> Vec<u8> {
    let mut b = vec![0xFF, 0xFE];
    b.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    b
}

fn fwlint(args: &[&str]) -> (i32, String, String) {
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

/// Query packets; returns one output line per packet.
fn query(path: &Path, filter: &str, profile: &str, packets: &[&str]) -> Vec<String> {
    let p = path.to_str().unwrap();
    let mut args = vec!["query", p, "--filter", filter, "--profile", profile];
    for pk in packets {
        args.push("--packet");
        args.push(pk);
    }
    let (rc, out, err) = fwlint(&args);
    assert_eq!(rc, 0, "fwlint query failed: {err}");
    out.lines().map(str::to_string).collect()
}

fn write_both(dir: &Path) -> Vec<std::path::PathBuf> {
    let text = export_lines().join("\r\n") + "\r\n";
    let a = dir.join("utf16.reg");
    std::fs::write(&a, utf16le_bom(&text)).unwrap();
    let b = dir.join("utf8.reg");
    std::fs::write(&b, text.as_bytes()).unwrap();
    vec![a, b]
}

#[test]
fn inbound_domain_verdicts_and_deciding_lines() {
    let dir = tempfile::tempdir().unwrap();
    for path in write_both(dir.path()) {
        let f = path.display().to_string();
        let at = |n: u32| format!("{f}:{n}");
        let got = query(
            &path,
            "in",
            "domain",
            &[
                "tcp 198.51.100.1:40000 10.0.0.1:22",   // allow SSH
                "tcp 203.0.113.9:40000 10.0.0.1:22",    // block beats the earlier allow
                "tcp 203.0.113.5:40000 10.0.0.1:22",    // bypass (if authenticated)
                "tcp 198.51.100.1:40000 10.0.0.1:80",   // disabled rule → default
                "tcp 198.51.100.1:40000 10.0.0.1:3389", // Private/Public only
                "tcp 198.51.100.1:40000 10.0.0.1:135",  // RPC-EPMap = TCP 135
                "udp 198.51.100.1:40000 10.0.0.1:5354", // LocalSubnet keyword
                "icmp 198.51.100.1 10.0.0.1 8/0",
                "icmp 198.51.100.1 10.0.0.1 0/0",
                "tcp 198.51.100.1:40000 10.0.0.1:8080", // unknown token
                "tcp 198.51.100.1:40000 10.0.0.1:23",   // GPO block
                "tcp 198.51.100.1:40000 10.0.0.1:443",  // program-scoped
                "tcp 198.51.100.1:40000 10.0.0.1:5010", // port range
                "tcp 198.51.100.1:40000 10.0.0.1:5011",
                "udp 192.0.2.77:40000 10.0.0.1:9999", // any protocol from 192.0.2.0/24
                "tcp [2001:db8::1]:40000 [2001:db8::2]:22", // IPv6 SSH
                "tcp 198.51.100.1:40000 10.0.0.1:9",  // malformed version: still read
            ],
        );
        let expect: Vec<String> = vec![
            format!("allow\t{}", at(15)),
            format!("deny\t{}", at(16)),
            format!(
                "allow\t{}\tuncertain: deny if IPsec-authenticated (bypass), IPsec-secured (Authenticate) do not hold ({})",
                at(25),
                at(16)
            ),
            "deny\tdefault".into(),
            "deny\tdefault".into(),
            format!("allow\t{}", at(19)),
            format!(
                "allow\t{}\tuncertain: deny if LocalSubnet (unresolved keyword) do not hold (default)",
                at(20)
            ),
            format!("allow\t{}", at(21)),
            "deny\tdefault".into(),
            format!(
                "allow\t{}\tuncertain: deny if unknown token Frobnicate=yes do not hold (default)",
                at(22)
            ),
            format!("deny\t{}", at(33)),
            format!(
                "allow\t{}\tuncertain: deny if program C:\\srv\\web.exe do not hold (default)",
                at(26)
            ),
            format!("allow\t{}", at(28)),
            "deny\tdefault".into(),
            format!("allow\t{}", at(29)),
            format!("allow\t{}", at(15)),
            format!("allow\t{}", at(24)),
        ];
        assert_eq!(got, expect, "{f}");
    }
}

#[test]
fn profiles_outbound_firewall_off_and_gpo_merge() {
    let dir = tempfile::tempdir().unwrap();
    for path in write_both(dir.path()) {
        let f = path.display().to_string();
        let at = |n: u32| format!("{f}:{n}");
        // Public: EnableFirewall=0 → everything allowed, even the GPO block.
        let got = query(
            &path,
            "in",
            "public",
            &[
                "tcp 203.0.113.9:40000 10.0.0.1:22",
                "tcp 1.1.1.1:4 10.0.0.1:23",
            ],
        );
        assert_eq!(got, vec!["allow\tdefault", "allow\tdefault"]);
        // Private: GPO AllowLocalPolicyMerge=0 → local rules do not apply; GPO ones do.
        let got = query(
            &path,
            "in",
            "private",
            &[
                "tcp 198.51.100.1:40000 10.0.0.1:22",
                "tcp 198.51.100.1:40000 10.0.0.1:3389",
                "tcp 198.51.100.1:40000 10.0.0.1:23",
            ],
        );
        assert_eq!(
            got,
            vec![
                "deny\tdefault".to_string(),
                format!("allow\t{}", at(34)),
                format!("deny\t{}", at(33)),
            ]
        );
        // Outbound: domain default allow, block rule for SMTP; private
        // (StandardProfile) default outbound block.
        let got = query(
            &path,
            "out",
            "domain",
            &[
                "tcp 10.0.0.1:40000 198.51.100.1:25",
                "tcp 10.0.0.1:40000 198.51.100.1:80",
            ],
        );
        assert_eq!(
            got,
            vec![format!("deny\t{}", at(27)), "allow\tdefault".into()]
        );
        let got = query(
            &path,
            "out",
            "private",
            &["tcp 10.0.0.1:40000 198.51.100.1:80"],
        );
        assert_eq!(got, vec!["deny\tdefault"]);
    }
}

#[test]
fn parse_reports_findings_with_their_spans_and_name_clashes() {
    let dir = tempfile::tempdir().unwrap();
    let path = &write_both(dir.path())[0];
    let (rc, out, _) = fwlint(&["parse", path.to_str().unwrap(), "--format", "json"]);
    // Malformed strings are errors: parse exits with trouble.
    assert_eq!(rc, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let issues: Vec<(String, u64, String, String)> = v["unsupported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["level"].as_str().unwrap().to_string(),
                i["origin"]["line"].as_u64().unwrap(),
                i["origin"]["text"].as_str().unwrap().to_string(),
                i["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let brief: Vec<(&str, u64, &str)> = issues
        .iter()
        .map(|(l, n, t, _)| (l.as_str(), *n, t.as_str()))
        .collect();
    assert_eq!(
        brief,
        vec![
            ("warning", 22, "Frobnicate=yes"),
            ("error", 23, "99999"),
            ("error", 24, "2.30"),
            ("warning", 30, "\"hello\""),
            ("note", 37, "dword:00000000"),
            ("note", 9, "dword:00000000"),
        ],
        "{issues:#?}"
    );
    let clashes = v["name_clashes"].as_array().unwrap();
    assert_eq!(clashes.len(), 1);
    assert_eq!(clashes[0]["name"], "SSH");
    let lines: Vec<u64> = clashes[0]["origins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![15, 26]);
    // Disabled rules are kept (disabled) for hygiene checks.
    let in_domain = v["filters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "in/domain")
        .unwrap();
    let disabled: Vec<&str> = in_domain["body"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["enabled"] == false)
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    assert_eq!(disabled, vec!["Web (disabled)", "Bad port"]);
    // Precedence order: bypass, then blocks, then allows.
    let labels: Vec<&str> = in_domain["body"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        &labels[..3],
        &["Bypass admin", "Block bad SSH", "GPO no telnet"]
    );
}

#[test]
fn bare_rule_string_lines_are_a_valid_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.txt");
    std::fs::write(
        &path,
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=445|RA4=10.0.0.0/8|Name=SMB|\n\
         v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=445|RA4=10.9.0.0-10.9.255.255|Name=SMB block|\n\
         v2.30|Action=Allow|Dir=In|Protocol=6|LPort=446|Name=No Active token = disabled|\n",
    )
    .unwrap();
    let f = path.display().to_string();
    let got = query(
        &path,
        "in",
        "domain",
        &[
            "tcp 10.1.1.1:5 10.0.0.1:445",
            "tcp 10.9.1.1:5 10.0.0.1:445",
            "tcp 11.0.0.1:5 10.0.0.1:445",
            "tcp 10.1.1.1:5 10.0.0.1:446",
        ],
    );
    // A malformed value keeps its rule sound: it may match anything.
    let bad = dir.path().join("bad.txt");
    std::fs::write(
        &bad,
        "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=70000|Name=Malformed port|\n",
    )
    .unwrap();
    let got_bad = query(
        &bad,
        "in",
        "domain",
        &["tcp 11.0.0.1:5 10.0.0.1:7", "udp 11.0.0.1:5 10.0.0.1:7"],
    );
    assert_eq!(
        got_bad,
        vec![
            format!(
                "allow\t{}:1\tuncertain: deny if unreadable local port `70000` do not hold (default)",
                bad.display()
            ),
            "deny\tdefault".to_string(),
        ]
    );
    assert_eq!(
        got,
        vec![
            format!("allow\t{f}:1"),
            format!("deny\t{f}:2"),
            "deny\tdefault".into(),
            "deny\tdefault".into(),
        ]
    );
}

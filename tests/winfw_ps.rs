//! PowerShell scripts and exports: exact `fwlint query` verdicts and deciding
//! lines for `New-NetFirewallRule` with arrays, variables, splats and
//! backticks, and for JSON / CSV exports with numeric and string enums.

use std::process::Command;

fn run(name: &str, text: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_fwlint"))
        .arg(args[0])
        .arg(&path)
        .args(&args[1..])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// (verdict, deciding line or `default`, whole answer line).
fn query(
    name: &str,
    text: &str,
    filter: &str,
    profile: &str,
    packet: &str,
) -> (String, String, String) {
    let s = run(
        name,
        text,
        &[
            "query",
            "--filter",
            filter,
            "--profile",
            profile,
            "--packet",
            packet,
        ],
    );
    let line = s.lines().next().unwrap_or("").to_string();
    let mut cols = line.split('\t');
    let v = cols.next().unwrap_or("").to_string();
    let place = cols
        .next()
        .unwrap_or("")
        .rsplit(':')
        .next()
        .unwrap_or("")
        .to_string();
    (v, place, line)
}

fn issues(name: &str, text: &str) -> Vec<serde_json::Value> {
    let s = run(name, text, &["parse", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&s).unwrap_or_else(|e| panic!("{e}: {s}"));
    v["unsupported"].as_array().cloned().unwrap_or_default()
}

const SCRIPT: &str = r#"# rules
<# block
   comment #>
$Ports = @("80", "443")
$Admins = "10.0.0.0/24", "10.0.1.5"
$Common = @{
    Direction = "Inbound"
    Protocol = "TCP"
}
New-NetFirewallRule -DisplayName "Web" @Common -Action Allow -LocalPort $Ports `
    -Profile Domain,Private | Out-Null
New-NetFirewallRule -DisplayName 'SSH admins' -Direction Inbound -Protocol TCP `
    -LocalPort 22 -RemoteAddress $Admins -Action Allow
New-NetFirewallRule -DisplayName "No telnet" -Direction Inbound -Protocol TCP -LocalPort 23 -Action Block
New-NetFirewallRule -DisplayName "Telnet" -Direction Inbound -Protocol TCP -LocalPort 23 -Action Allow
New-NetFirewallRule -DisplayName "Ping" -Protocol ICMPv4 -IcmpType 8 -Action Allow -Enabled False
New-NetFirewallRule -DisplayName "Lan" -Protocol UDP -LocalPort 137 -RemoteAddress LocalSubnet4 -Action Allow
New-NetFirewallRule -DisplayName "Mystery" -Direction $Direction -Protocol TCP -LocalPort 9000 -Action Allow
"#;

#[test]
fn script_arrays_variables_and_splats() {
    let q = |f: &str, p: &str, pkt: &str| query("r.ps1", SCRIPT, f, p, pkt);
    // Splat (line 10) + array variable.
    let (v, l, _) = q("in", "domain", "tcp 1.2.3.4:5000 10.9.9.9:443");
    assert_eq!((v.as_str(), l.as_str()), ("allow", "10"));
    assert_eq!(
        q("in", "public", "tcp 1.2.3.4:5000 10.9.9.9:443").1,
        "default"
    );
    // Comma-list variable of addresses.
    assert_eq!(q("in", "public", "tcp 10.0.1.5:5000 10.9.9.9:22").1, "12");
    assert_eq!(
        q("in", "public", "tcp 10.0.1.6:5000 10.9.9.9:22").1,
        "default"
    );
    // Block beats allow.
    let (v, l, _) = q("in", "domain", "tcp 1.2.3.4:5000 10.9.9.9:23");
    assert_eq!((v.as_str(), l.as_str()), ("deny", "14"));
    // Disabled ICMP rule.
    assert_eq!(q("in", "domain", "icmp 1.2.3.4 10.9.9.9 8/0").1, "default");
    // LocalSubnet4 stays symbolic: uncertain.
    let (_, l, line) = q("in", "domain", "udp 1.2.3.4:5000 10.9.9.9:137");
    assert!(line.contains("uncertain"), "{line}");
    assert_eq!(l.split('\t').next().unwrap(), "17");
    // $Direction is unknown: the rule is uncertain in both directions.
    let (_, _, line) = q("in", "domain", "tcp 1.2.3.4:5000 10.9.9.9:9000");
    assert!(line.contains("r.ps1:18\tuncertain"), "{line}");
    let (_, _, line) = q("out", "domain", "tcp 10.9.9.9:5000 1.2.3.4:9000");
    assert!(
        line.contains("uncertain") || line.starts_with("allow\tdefault"),
        "{line}"
    );
    let is = issues("r.ps1", SCRIPT);
    let dir: Vec<_> = is
        .iter()
        .filter(|i| i["message"].as_str().unwrap_or("").contains("$direction"))
        .collect();
    assert_eq!(dir.len(), 1, "{is:?}");
    assert_eq!(dir[0]["level"], "warning");
    assert_eq!(dir[0]["origin"]["line"], 18);
}

const JSON: &str = r#"[
  {
    "Name": "{11111111-1111-1111-1111-111111111111}",
    "DisplayName": "SMB numeric",
    "Enabled": 1,
    "Direction": 1,
    "Action": 2,
    "Profile": 1,
    "Protocol": "TCP",
    "LocalPort": ["445", "139"],
    "RemotePort": "Any",
    "IcmpType": "Any",
    "LocalAddress": "Any",
    "RemoteAddress": ["10.0.0.0/8", "192.168.0.0/255.255.0.0"],
    "Program": "System",
    "Service": "Any"
  },
  {
    "Name": "BlockSmbFromGuest",
    "DisplayName": "Guest block",
    "Enabled": "True",
    "Direction": "Inbound",
    "Action": "Block",
    "Profile": "Domain, Private",
    "Protocol": "TCP",
    "LocalPort": "445",
    "RemotePort": "Any",
    "IcmpType": "Any",
    "LocalAddress": "Any",
    "RemoteAddress": "10.66.0.0/16",
    "Program": "Any",
    "Service": "Any"
  },
  {
    "Name": "off",
    "DisplayName": "Disabled",
    "Enabled": 2,
    "Direction": 1,
    "Action": 2,
    "Profile": 0,
    "Protocol": "UDP",
    "LocalPort": "53",
    "RemotePort": "Any",
    "IcmpType": "Any",
    "LocalAddress": "Any",
    "RemoteAddress": "Any",
    "Program": "Any",
    "Service": "Any"
  }
]"#;

#[test]
fn json_export_with_numeric_enums() {
    let q = |p: &str, pkt: &str| query("rules.json", JSON, "in", p, pkt);
    let (v, l, line) = q("domain", "tcp 10.1.1.1:5000 10.9.9.9:139");
    assert_eq!(v, "allow");
    // The program scope makes the answer uncertain; the rule is the first object.
    assert_eq!(l.split('\t').next().unwrap(), "2", "{line}");
    // Block beats allow: the second object, line 18.
    let (v, l, _) = q("domain", "tcp 10.66.1.1:5000 10.9.9.9:445");
    assert_eq!((v.as_str(), l.as_str()), ("deny", "18"));
    // Profile 1 = Domain only.
    assert_eq!(q("private", "tcp 10.1.1.1:5000 10.9.9.9:139").1, "default");
    // Enabled 2 = False.
    assert_eq!(q("public", "udp 1.1.1.1:5000 10.9.9.9:53").1, "default");
}

const CSV: &str = "\"Name\";\"DisplayName\";\"Enabled\";\"Profile\";\"Direction\";\"Action\";\"Protocol\";\"LocalPort\";\"RemotePort\";\"IcmpType\";\"LocalAddress\";\"RemoteAddress\";\"Program\";\"Service\"\r\n\
\"{A}\";\"Echo\";\"True\";\"Domain, Private\";\"Inbound\";\"Allow\";\"ICMPv4\";\"RPC\";\"Any\";\"8\";\"Any\";\"Any\";\"Any\";\"Any\"\r\n\
\"{B}\";\"RDP\";\"1\";\"3\";\"1\";\"2\";\"6\";\"3389\";\"Any\";\"Any\";\"Any\";\"10.0.0.0/8,172.16.0.1-172.16.0.9\";\"Any\";\"Any\"\r\n\
\"{C}\";\"Out block\";\"True\";\"Any\";\"Outbound\";\"Block\";\"UDP\";\"Any\";\"53\";\"Any\";\"Any\";\"Any\";\"Any\";\"Any\"\r\n";

#[test]
fn csv_export_semicolons_numbers_and_stale_ports() {
    let q = |f: &str, p: &str, pkt: &str| query("rules.csv", CSV, f, p, pkt);
    // ICMP row with a stale `RPC` port (as the PDQ export has): the port is
    // dropped with a warning, the ICMP type filter stays.
    let (v, l, _) = q("in", "domain", "icmp 1.1.1.1 10.9.9.9 8/0");
    assert_eq!((v.as_str(), l.as_str()), ("allow", "2"));
    assert_eq!(q("in", "domain", "icmp 1.1.1.1 10.9.9.9 0/0").1, "default");
    let (v, l, _) = q("in", "private", "tcp 172.16.0.5:5000 10.9.9.9:3389");
    assert_eq!((v.as_str(), l.as_str()), ("allow", "3"));
    assert_eq!(
        q("in", "public", "tcp 172.16.0.5:5000 10.9.9.9:3389").1,
        "default"
    );
    let (v, l, _) = q("out", "public", "udp 10.9.9.9:5000 8.8.8.8:53");
    assert_eq!((v.as_str(), l.as_str()), ("deny", "4"));
    let is = issues("rules.csv", CSV);
    assert!(
        is.iter().any(|i| i["message"]
            .as_str()
            .unwrap_or("")
            .contains("only with TCP or UDP")
            && i["origin"]["line"] == 2),
        "{is:?}"
    );
}

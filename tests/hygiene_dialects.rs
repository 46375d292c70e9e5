//! Every hygiene check on real syntax of each dialect family: the exact
//! findings (line and code) that `fwlint check` reports with no topology.

use std::process::Command;

fn findings(file: &str) -> Vec<(u32, String)> {
    let path = format!("{}/corpus/hygiene/{file}", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_fwlint"))
        .args(["check", &path, "--format", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut f: Vec<(u32, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap() as u32,
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    f.sort();
    f
}

fn expect(file: &str, want: &[(u32, &str)]) {
    let got = findings(file);
    let want: Vec<(u32, String)> = want.iter().map(|(l, c)| (*l, c.to_string())).collect();
    assert_eq!(got, want, "{file}");
}

#[test]
fn nftables() {
    expect(
        "shadow.nft",
        &[
            (2, "FW212"),  // unused set
            (10, "FW201"), // drop shadowed by the two /25 accepts together
            (12, "FW202"), // 443 already accepted by the set above
            (13, "FW301"), // SMB from anywhere
            (15, "FW215"), // chain never jumped to
        ],
    );
}

/// Line 18 (drop 8080 in a chain both hooks jump to) is redundant under input
/// (policy drop) but not under forward (policy accept): not reported.
#[test]
fn nftables_redundant_rules_across_chains_and_hooks() {
    expect(
        "redundant.nft",
        &[
            (6, "FW203"),  // drop: the input policy drops the same packets
            (7, "FW203"),  // accept: the rule below accepts them too
            (11, "FW301"), // forward policy accept
            (17, "FW201"), // drop after an accept of the same packets
        ],
    );
}

#[test]
fn cisco_ios_with_non_contiguous_masks() {
    expect(
        "shadow.ios",
        &[
            (1, "FW212"),  // unused object-group
            (7, "FW201"),  // deny covered by two permits together
            (9, "FW201"),  // permit for an odd host under a deny of odd hosts (wildcard 0.0.0.254)
            (10, "FW203"), // permit made pointless by `permit ip any any` below
            (10, "FW301"),
            (12, "FW203"),
            (12, "FW301"),
            (13, "FW301"),
            (13, "FW302"), // any-to-any
            (15, "FW211"), // empty ACL
        ],
    );
}

#[test]
fn cisco_asa() {
    expect(
        "shadow.asa",
        &[
            (4, "FW202"), // duplicate of the object-group entry above
            (5, "FW210"), // inactive
            (6, "FW202"), // names an undefined group: matches nothing
            (6, "FW213"), // undefined object-group
        ],
    );
}

#[test]
fn windows_netsh() {
    expect(
        "shadow.bat",
        &[
            (1, "FW201"), // allow 443 under a block 443: block beats allow
            (1, "FW214"), // two rules named Web
            (2, "FW204"), // 443 of 80-443 is blocked
            (2, "FW301"),
            (4, "FW301"),
            (5, "FW210"),
        ],
    );
}

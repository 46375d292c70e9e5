//! `fwlint query` on hand-written nftables rulesets, one per feature
//! (`corpus/nft/features/*.nft`, also loaded into the kernel by the oracle
//! test): the verdict and the deciding rule (file:line, or `default` for a
//! chain policy / the kernel's accept with no verdict) for each packet.

use std::process::Command;

const FEATURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/nft/features");

/// Run `fwlint query` on a feature file for several packets; returns one
/// `(verdict, where)` per packet.
fn query(file: &str, filter: &str, iif: Option<&str>, packets: &[&str]) -> Vec<(String, String)> {
    let path = format!("{FEATURES}/{file}");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fwlint"));
    cmd.current_dir(FEATURES)
        .args(["query", &path, "--dialect", "nft", "--filter", filter]);
    if let Some(i) = iif {
        cmd.args(["--iif", i]);
    }
    for p in packets {
        cmd.args(["--packet", p]);
    }
    let out = cmd.output().expect("run fwlint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "fwlint query {file} failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<(String, String)> = stdout
        .lines()
        .map(|l| {
            let mut it = l.split('\t');
            let v = it.next().unwrap_or("").to_string();
            let w = it.next().unwrap_or("").to_string();
            let w = w.rsplit('/').next().unwrap_or(&w).to_string();
            (v, w)
        })
        .collect();
    assert_eq!(
        lines.len(),
        packets.len(),
        "one answer per packet:\n{stdout}"
    );
    lines
}

fn check(file: &str, filter: &str, iif: Option<&str>, cases: &[(&str, &str, &str)]) {
    let packets: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let got = query(file, filter, iif, &packets);
    for ((p, verdict, at), (gv, gw)) in cases.iter().zip(&got) {
        assert_eq!(
            (gv.as_str(), gw.as_str()),
            (*verdict, *at),
            "{file} [{filter}] packet {p}"
        );
    }
}

#[test]
fn basic_ct_services_sets_negation_policy() {
    check(
        "basic.nft",
        "input",
        None,
        &[
            ("tcp 10.1.2.3:1000 192.0.2.1:22", "allow", "basic.nft:9"),
            ("tcp 11.1.2.3:1000 192.0.2.1:22", "deny", "default"),
            ("tcp 11.1.2.3:1000 192.0.2.1:443", "allow", "basic.nft:10"),
            (
                "udp [2001:db9::1]:5 [2001:db8::2]:53",
                "allow",
                "basic.nft:11",
            ),
            ("udp [2001:db8::1]:5 [2001:db8::2]:53", "deny", "default"),
            ("udp 1.1.1.1 2.2.2.2:1500", "deny", "basic.nft:12"),
            ("icmp 1.1.1.1 2.2.2.2 8/0", "allow", "basic.nft:13"),
            ("icmp 1.1.1.1 2.2.2.2 0/0", "deny", "default"),
            (
                "icmpv6 [2001:db8::1] [2001:db8::2] 135/0",
                "allow",
                "basic.nft:14",
            ),
            ("gre 1.1.1.1 2.2.2.2", "deny", "default"),
        ],
    );
    check(
        "basic.nft",
        "input",
        Some("lo"),
        &[("tcp 1.1.1.1 2.2.2.2:9", "allow", "basic.nft:8")],
    );
    // Forward: policy drop; output: policy accept.
    check(
        "basic.nft",
        "forward",
        None,
        &[("tcp 1.1.1.1 2.2.2.2:22", "deny", "default")],
    );
    check(
        "basic.nft",
        "output",
        None,
        &[("tcp 1.1.1.1 2.2.2.2:22", "allow", "default")],
    );
}

#[test]
fn jump_goto_return() {
    check(
        "jumps.nft",
        "input",
        None,
        &[
            // return from `web` goes back to the rule after the jump.
            ("tcp 192.0.2.5 198.51.100.1:80", "allow", "jumps.nft:17"),
            ("tcp 1.1.1.1 198.51.100.1:80", "allow", "jumps.nft:6"),
            ("tcp 1.1.1.1 198.51.100.1:8080", "deny", "jumps.nft:7"),
            ("tcp 192.0.2.5 198.51.100.1:8080", "deny", "default"),
            ("tcp 10.0.0.1 198.51.100.1:22", "allow", "jumps.nft:10"),
            // goto does not come back: the rule at line 16 is never reached.
            ("tcp 10.0.0.2 198.51.100.1:22", "deny", "default"),
        ],
    );
}

#[test]
fn several_base_chains_priorities_and_families() {
    check(
        "priorities.nft",
        "input",
        None,
        &[
            ("tcp 1.1.1.1 2.2.2.2:23", "deny", "priorities.nft:7"),
            // accept in the first chain does not stop the next one.
            ("tcp 203.0.113.5 2.2.2.2:22", "deny", "priorities.nft:14"),
            ("tcp 1.1.1.1 2.2.2.2:22", "allow", "default"),
            // the ip6 table sees only IPv6; its policy drops.
            ("tcp [2001:db8::1] [2001:db8::2]:22", "allow", "default"),
            ("tcp [2001:db8::1] [2001:db8::2]:80", "deny", "default"),
            ("udp 1.1.1.1 2.2.2.2:53", "deny", "priorities.nft:26"),
            ("udp [2001:db8::1] [2001:db8::2]:53", "deny", "default"),
        ],
    );
}

#[test]
fn verdict_maps_named_sets_and_concatenations() {
    check(
        "vmaps.nft",
        "input",
        None,
        &[
            ("tcp 198.51.100.9 2.2.2.2:9999", "allow", "vmaps.nft:22"),
            ("tcp 203.0.113.7 2.2.2.2:9999", "allow", "vmaps.nft:22"),
            ("tcp 1.1.1.1 192.0.2.10:443", "allow", "vmaps.nft:23"),
            ("udp 1.1.1.1 192.0.2.11:53", "allow", "vmaps.nft:23"),
            ("udp 1.1.1.1 192.0.2.10:443", "deny", "default"),
            ("tcp 1.1.1.1 2.2.2.2:22", "allow", "vmaps.nft:24"),
            ("tcp 1.1.1.1 2.2.2.2:80", "allow", "vmaps.nft:18"),
            ("tcp 1.1.1.1 2.2.2.2:23", "deny", "vmaps.nft:24"),
            ("tcp 1.1.1.1 2.2.2.2:25", "deny", "vmaps.nft:25"),
            ("tcp 1.1.1.1 2.2.2.2:587", "allow", "vmaps.nft:25"),
            ("udp 1.1.1.1 2.2.2.2:5005", "allow", "vmaps.nft:26"),
            ("udp 1.1.1.1 2.2.2.2:587", "deny", "default"),
        ],
    );
}

#[test]
fn defines_redefine_and_sets_of_sets() {
    check(
        "defines.nft",
        "input",
        None,
        &[
            ("tcp 172.16.5.5 2.2.2.2:443", "allow", "defines.nft:11"),
            ("tcp 10.1.1.1 2.2.2.2:80", "allow", "defines.nft:11"),
            ("udp 10.1.1.1 2.2.2.2:53", "allow", "defines.nft:12"),
            // LAN was redefined before this rule.
            ("tcp 192.168.1.1 2.2.2.2:22", "allow", "defines.nft:18"),
            ("tcp 10.1.1.1 2.2.2.2:22", "deny", "default"),
        ],
    );
}

#[test]
fn includes_relative_and_globs() {
    check(
        "includes.nft",
        "input",
        None,
        &[
            ("tcp 1.1.1.1 2.2.2.2:22", "allow", "10-ssh.nft:1"),
            ("tcp 1.1.1.1 2.2.2.2:443", "allow", "20-web.nft:1"),
            ("tcp 1.1.1.1 2.2.2.2:80", "deny", "default"),
        ],
    );
}

#[test]
fn command_form_positions_and_deletes() {
    check(
        "commands.nft",
        "input",
        None,
        &[
            ("tcp 1.1.1.1 2.2.2.2:80", "deny", "commands.nft:8"),
            ("udp 1.1.1.1 2.2.2.2:53", "allow", "commands.nft:9"),
            ("tcp 1.1.1.1 2.2.2.2:22", "allow", "commands.nft:6"),
            ("tcp 1.1.1.1 2.2.2.2:9", "deny", "default"),
        ],
    );
}

/// `notrack` in raw-priority chains: the packets it may match reach later chains
/// as `ct state untracked`, so `query` (which assumes a new connection) must
/// answer uncertain for them, and stay certain for packets it cannot match.
#[test]
fn notrack_makes_ct_state_uncertain_for_the_packets_it_may_match() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/nft/conntrack");
    let run = |filter: &str, packets: &[&str]| -> Vec<Vec<String>> {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_fwlint"));
        cmd.current_dir(dir).args([
            "query",
            "notrack.nft",
            "--dialect",
            "nft",
            "--filter",
            filter,
        ]);
        for p in packets {
            cmd.args(["--packet", p]);
        }
        let out = cmd.output().expect("run fwlint");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.split('\t').map(str::to_string).collect())
            .collect()
    };
    let input = run(
        "input",
        &[
            "tcp 10.0.0.1:1000 10.0.0.2:22",
            "tcp 10.0.0.1:1000 10.0.0.2:2222",
            "tcp [2001:db8::1]:1000 [2001:db8::2]:2222",
            "tcp 10.0.0.1:1000 10.0.0.2:8022",
        ],
    );
    assert_eq!(input.len(), 4);
    // Port 22: the notrack rule cannot match it, certain.
    assert_eq!(input[0], ["allow", "notrack.nft:23"]);
    // Port 2222 over IPv4: untracked by line 8, so `ct state new` may not hold.
    assert_eq!(input[1][..2], ["allow", "notrack.nft:23"]);
    assert!(
        input[1][2].starts_with("uncertain: deny if")
            && input[1][2].contains("untracked by `notrack` (notrack.nft:8)"),
        "{:?}",
        input[1]
    );
    // The `ip` raw table never untracks IPv6 packets.
    assert_eq!(input[2], ["allow", "notrack.nft:23"]);
    // `ct state untracked` for a port no notrack rule matches: surely false.
    assert_eq!(input[3], ["deny", "default"]);
    let output = run(
        "output",
        &[
            "udp 10.0.0.1:1000 10.0.0.2:53",
            "udp 10.0.0.1:1000 10.0.0.2:54",
        ],
    );
    assert_eq!(output[0][..2], ["deny", "notrack.nft:28"]);
    assert!(
        output[0][2].contains("untracked by `notrack` (notrack.nft:15)"),
        "{:?}",
        output[0]
    );
    assert_eq!(output[1], ["allow", "default"]);
}

//! Differential test of the names nft refuses (`src/dialect/nft/reserved.rs`)
//! against the real `nft -c -f` (nftables 1.0.6), run inside a network
//! namespace this test creates and deletes.
//!
//! For every word of fwlint's lists, a sample of names nft accepts, quoted
//! names and numbers, and for every name position (tables, chains, sets, maps,
//! elements, objects, flowtables, `define`, `$var` in matches and in the
//! statements that keep a scanner start condition over their arguments, `jump`/`goto`, `@set`),
//! a small ruleset is generated; fwlint's verdict (an error-level issue or
//! not) must equal nft's (refuses or accepts the file).
//!
//! Speed: the cases fwlint accepts are checked in one file per position
//! (each case in a table of its own); only if nft refuses that file are they
//! checked one by one. Cases fwlint refuses are checked one by one (nft
//! stops at the syntax error, so these are fast), two at a time.

#[path = "oracle/nft_run.rs"]
mod nft_run;

use fwlint::dialect::nft::reserved::LISTS;
use fwlint::model::IssueLevel;
use fwlint::read::Input;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Names nft accepts everywhere (checked by this test like the others):
/// hook and chain-type names, priorities, common chain and set names, words
/// that are keywords only in some scanner states, and words that contain
/// a keyword.
const ACCEPTED: [&str; 64] = [
    "input",
    "output",
    "forward",
    "prerouting",
    "postrouting",
    "ingress",
    "egress",
    "filter",
    "nat",
    "route",
    "raw",
    "mangle",
    "dstnat",
    "srcnat",
    "security",
    "web",
    "ssh-in",
    "fwd-in",
    "fwd_out",
    "INPUT",
    "FORWARD",
    "OUTPUT",
    "allowed_hosts",
    "blacklist",
    "whitelist",
    "trusted",
    "lan",
    "wan",
    "dmz",
    "mgmt",
    "docker",
    "k8s",
    "inbound",
    "outbound",
    "tcp_in",
    "udp-out",
    "ip4",
    "ipv4",
    "ipv6",
    "inet_filter",
    "established",
    "related",
    "new",
    "ssh",
    "http",
    "https",
    "dns",
    "lo",
    "eth0",
    "saddr",
    "daddr",
    "sport",
    "dport",
    "length",
    "with",
    "to",
    "in",
    "out",
    "version",
    "chains",
    "sets",
    "my.table",
    "_private",
    "counter2",
];

/// One name position: a ruleset with `{W}` for the name and `{T}` for a
/// table name of the case's own.
struct Position {
    id: &'static str,
    template: &'static str,
    /// Judge nft by "syntax error" in its output rather than by its exit
    /// code: the kernel here lacks some object types (flowtables), and the
    /// name is a matter of syntax.
    syntax_only: bool,
}

const fn pos(id: &'static str, template: &'static str) -> Position {
    Position {
        id,
        template,
        syntax_only: false,
    }
}

const fn syn(id: &'static str, template: &'static str) -> Position {
    Position {
        id,
        template,
        syntax_only: true,
    }
}

static POSITIONS: [Position; 48] = [
    pos("table", "table ip {W} {\n}\n"),
    pos("table-no-family", "table {W} {\n}\n"),
    pos("add-table", "add table inet {W}\n"),
    pos("chain", "table ip {T} {\n chain {W} {\n }\n}\n"),
    pos("add-chain", "add table ip {T}\nadd chain ip {T} {W}\n"),
    pos(
        "add-rule",
        "add table ip {T}\nadd chain ip {T} {W}\nadd rule ip {T} {W} counter accept\n",
    ),
    pos("set", "table ip {T} {\n set {W} {\n  type ipv4_addr\n }\n}\n"),
    pos(
        "map",
        "table ip {T} {\n map {W} {\n  type ipv4_addr : verdict\n }\n}\n",
    ),
    pos(
        "add-set",
        "add table ip {T}\nadd set ip {T} {W} { type ipv4_addr; }\n",
    ),
    pos(
        "add-element",
        "table ip {T} {\n set {W} {\n  type ipv4_addr\n }\n}\nadd element ip {T} {W} { 10.0.0.1 }\n",
    ),
    pos("counter", "table ip {T} {\n counter {W} {\n }\n}\n"),
    pos("add-counter", "add table ip {T}\nadd counter ip {T} {W}\n"),
    pos("quota", "table ip {T} {\n quota {W} {\n  25 mbytes\n }\n}\n"),
    pos(
        "ct-helper",
        "table ip {T} {\n ct helper {W} {\n  type \"ftp\" protocol tcp\n }\n}\n",
    ),
    syn("limit", "table ip {T} {\n limit {W} {\n  rate 400/minute\n }\n}\n"),
    syn(
        "synproxy",
        "table ip {T} {\n synproxy {W} {\n  mss 1460\n  wscale 7\n }\n}\n",
    ),
    syn(
        "ct-timeout",
        "table ip {T} {\n ct timeout {W} {\n  protocol tcp\n  l3proto ip\n  policy = { established: 100 }\n }\n}\n",
    ),
    syn(
        "ct-expectation",
        "table ip {T} {\n ct expectation {W} {\n  protocol tcp\n  dport 5432\n  timeout 1h\n  size 12\n  l3proto ip\n }\n}\n",
    ),
    syn(
        "secmark",
        "table ip {T} {\n secmark {W} {\n  \"system_u:object_r:ssh_server_packet_t:s0\"\n }\n}\n",
    ),
    syn(
        "flowtable",
        "table inet {T} {\n flowtable {W} {\n  hook ingress priority 0\n  devices = { lo }\n }\n}\n",
    ),
    pos("define", "define {W} = 22\n"),
    pos(
        "var-dport",
        "define {W} = 22\ntable ip {T} {\n chain c {\n  tcp dport ${W} accept\n }\n}\n",
    ),
    pos(
        "var-saddr",
        "define {W} = 10.0.0.1\ntable ip {T} {\n chain c {\n  ip saddr ${W} accept\n }\n}\n",
    ),
    pos(
        "var-mark",
        "define {W} = 0x1\ntable ip {T} {\n chain c {\n  meta mark ${W} accept\n }\n}\n",
    ),
    // `$NAME` inside statements that keep their scanner start condition
    // over their arguments (reserved::Scope), and matches that do not.
    pos(
        "var-ct-set",
        "define {W} = 0x1\ntable ip {T} {\n chain c {\n  type filter hook input priority 0;\n  ct mark set ${W}\n }\n}\n",
    ),
    pos(
        "var-ct-dir-set",
        "define {W} = 1\ntable ip {T} {\n chain c {\n  type filter hook prerouting priority -300;\n  ct original zone set ${W}\n }\n}\n",
    ),
    pos(
        "var-ct-match",
        "define {W} = 0x1\ntable ip {T} {\n chain c {\n  type filter hook input priority 0;\n  ct mark ${W} accept\n }\n}\n",
    ),
    pos(
        "var-meta-set",
        "define {W} = 0x1\ntable ip {T} {\n chain c {\n  type filter hook input priority 0;\n  meta mark set ${W}\n }\n}\n",
    ),
    pos(
        "var-mark-set",
        "define {W} = 0x1\ntable ip {T} {\n chain c {\n  type filter hook input priority 0;\n  mark set ${W}\n }\n}\n",
    ),
    pos(
        "var-counter-name",
        "define {W} = \"cnt\"\ntable ip {T} {\n counter cnt {\n }\n chain c {\n  type filter hook input priority 0;\n  counter name ${W}\n }\n}\n",
    ),
    pos(
        "var-limit-name",
        "define {W} = \"lim\"\ntable ip {T} {\n limit lim {\n  rate 400/minute\n }\n chain c {\n  type filter hook input priority 0;\n  limit name ${W} accept\n }\n}\n",
    ),
    pos(
        "var-quota-name",
        "define {W} = \"qu\"\ntable ip {T} {\n quota qu {\n  25 mbytes\n }\n chain c {\n  type filter hook input priority 0;\n  quota name ${W} accept\n }\n}\n",
    ),
    syn(
        "var-synproxy-name",
        "define {W} = \"sp\"\ntable ip {T} {\n synproxy sp {\n  mss 1460\n  wscale 7\n }\n chain c {\n  type filter hook input priority 0;\n  tcp dport 80 synproxy name ${W}\n }\n}\n",
    ),
    pos(
        "var-dnat",
        "define {W} = 10.0.0.1\ntable ip {T} {\n chain c {\n  type nat hook prerouting priority -100;\n  tcp dport 80 dnat to ${W}\n }\n}\n",
    ),
    pos(
        "var-snat-port",
        "define {W} = 8080\ntable ip {T} {\n chain c {\n  type nat hook postrouting priority 100;\n  meta l4proto tcp snat to 10.0.0.1:${W}\n }\n}\n",
    ),
    pos(
        "var-masquerade",
        "define {W} = 1024-2048\ntable ip {T} {\n chain c {\n  type nat hook postrouting priority 100;\n  meta l4proto tcp masquerade to :${W}\n }\n}\n",
    ),
    pos(
        "var-redirect",
        "define {W} = 8080\ntable ip {T} {\n chain c {\n  type nat hook prerouting priority -100;\n  tcp dport 80 redirect to :${W}\n }\n}\n",
    ),
    syn(
        "var-tproxy",
        "define {W} = 10.0.0.1\ntable ip {T} {\n chain c {\n  type filter hook prerouting priority -150;\n  meta l4proto tcp tproxy to ${W}\n }\n}\n",
    ),
    syn(
        "var-dup",
        "define {W} = \"lo\"\ntable ip {T} {\n chain c {\n  type filter hook prerouting priority 0;\n  dup to 10.0.0.1 device ${W}\n }\n}\n",
    ),
    syn(
        "var-fwd",
        "define {W} = \"lo\"\ntable netdev {T} {\n chain c {\n  type filter hook ingress device lo priority 0;\n  fwd to ${W}\n }\n}\n",
    ),
    syn(
        "var-queue",
        "define {W} = 1\ntable ip {T} {\n chain c {\n  type filter hook input priority 0;\n  queue num ${W}\n }\n}\n",
    ),
    pos(
        "var-policy",
        "define {W} = \"drop\"\ntable ip {T} {\n chain c {\n  type filter hook input priority 0; policy ${W};\n }\n}\n",
    ),
    pos(
        "jump",
        "table ip {T} {\n chain {W} {\n }\n chain c {\n  jump {W}\n }\n}\n",
    ),
    pos(
        "goto",
        "table ip {T} {\n chain {W} {\n }\n chain c {\n  tcp dport 22 goto {W}\n }\n}\n",
    ),
    pos(
        "jump-after-ct",
        "table ip {T} {\n chain {W} {\n }\n chain c {\n  ct state established jump {W}\n }\n}\n",
    ),
    pos(
        "vmap-jump",
        "table ip {T} {\n chain {W} {\n }\n chain c {\n  tcp dport vmap { 22 : jump {W} }\n }\n}\n",
    ),
    pos(
        "setref-saddr",
        "table ip {T} {\n set {W} {\n  type ipv4_addr\n }\n chain c {\n  ip saddr @{W} accept\n }\n}\n",
    ),
    pos(
        "setref-dport",
        "table ip {T} {\n set {W} {\n  type inet_service\n }\n chain c {\n  tcp dport @{W} accept\n }\n}\n",
    ),
];

/// The names tried: every word of fwlint's lists, the accepted sample, and a
/// few quoted names and numbers (nft refuses both).
fn names() -> Vec<String> {
    let mut set: BTreeSet<String> = BTreeSet::new();
    for list in LISTS.into_iter().chain([&ACCEPTED[..]]) {
        set.extend(list.iter().map(|w| w.to_string()));
    }
    set.extend(
        ["\"web\"", "\"fwd\"", "\"input\"", "22", "8080"]
            .iter()
            .map(|w| w.to_string()),
    );
    set.into_iter().collect()
}

/// One generated ruleset.
struct Case {
    pos: &'static Position,
    name: String,
    /// The ruleset with the table name of its own batch slot.
    text: String,
    fwlint_refuses: bool,
}

fn render(p: &Position, w: &str, table: &str) -> String {
    p.template.replace("{W}", w).replace("{T}", table)
}

/// fwlint's verdict: whether reading the text gives an error-level issue.
fn fwlint_refuses(text: &str) -> bool {
    let input = Input::from_bytes("case.nft", text.as_bytes().to_vec());
    let rs = fwlint::dialect::nft::load_text(&input).expect("loads");
    rs.issues.iter().any(|i| i.level == IssueLevel::Error)
}

/// Fail (never skip) when `nft` or `ip` is missing.
fn require_tools() {
    nft_run::require_tools(
        &["nft", "ip"],
        "the nft keyword oracle",
        "run scripts/test (scripts/install/nft.sh installs nftables and iproute2)",
    );
}

/// A network namespace for `nft -c`, deleted when dropped.
struct Netns(String);

impl Netns {
    /// A namespace of its own for each test (`tag`): tests run in parallel.
    fn new(tag: &str) -> Netns {
        let name = format!("fwlint-resv-{}-{tag}", std::process::id());
        let _ = Command::new("ip").args(["netns", "del", &name]).output();
        let out = Command::new("ip")
            .args(["netns", "add", &name])
            .output()
            .expect("run ip");
        assert!(
            out.status.success(),
            "cannot create network namespace {name} (run as root after scripts/test): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Netns(name)
    }

    /// Run `nft -c -f` on each file (two at a time) and return, per file,
    /// whether nft refused it (`syntax_only`: refused with a syntax error).
    fn refuses(&self, files: &[(PathBuf, bool)], dir: &Path) -> Vec<bool> {
        if files.is_empty() {
            return Vec::new();
        }
        // Two shell scripts run side by side, one `nft` process per file
        // (no shell per file: most cases fail in nft's parser within a few
        // milliseconds, so process start-up is the cost).
        let mut scripts = [String::new(), String::new()];
        for (k, (f, _)) in files.iter().enumerate() {
            let f = f.display();
            scripts[k % 2].push_str(&format!(
                "nft -c -f '{f}' >'{f}.out' 2>&1; echo $? >'{f}.rc'\n"
            ));
        }
        let mut cmd = String::new();
        for (k, script) in scripts.iter().enumerate() {
            let path = dir.join(format!("run-{k}.sh"));
            std::fs::write(&path, script).unwrap();
            cmd.push_str(&format!("sh '{}' & ", path.display()));
        }
        cmd.push_str("wait");
        let out = Command::new("ip")
            .args(["netns", "exec", &self.0, "sh", "-c", &cmd])
            .output()
            .expect("run ip netns exec");
        assert!(
            out.status.success(),
            "nft -c failed to run in {}: {}",
            self.0,
            String::from_utf8_lossy(&out.stderr)
        );
        files
            .iter()
            .map(|(f, syntax_only)| {
                let rc = std::fs::read_to_string(format!("{}.rc", f.display()))
                    .unwrap_or_else(|e| panic!("no exit code for {}: {e}", f.display()));
                let output = std::fs::read_to_string(format!("{}.out", f.display())).unwrap();
                if *syntax_only {
                    output.contains("syntax error")
                } else {
                    rc.trim() != "0"
                }
            })
            .collect()
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).output();
    }
}

#[test]
fn refused_names_match_nft() {
    require_tools();
    let ns = Netns::new("names");
    let dir = tempfile::tempdir().unwrap();
    let names = names();

    // The templates themselves are valid: nft accepts them with a plain name.
    let base: Vec<(PathBuf, bool)> = POSITIONS
        .iter()
        .map(|p| {
            let f = dir.path().join(format!("base-{}.nft", p.id));
            std::fs::write(&f, render(p, "plainname", "t")).unwrap();
            (f, p.syntax_only)
        })
        .collect();
    let refused = ns.refuses(&base, dir.path());
    for (p, r) in POSITIONS.iter().zip(&refused) {
        assert!(!r, "nft refuses the template of position {} itself", p.id);
    }

    let mut cases = Vec::new();
    for p in POSITIONS.iter() {
        for (k, w) in names.iter().enumerate() {
            let text = render(p, w, &format!("tt{k}"));
            let fwlint_refuses = fwlint_refuses(&text);
            cases.push(Case {
                pos: p,
                name: w.clone(),
                text,
                fwlint_refuses,
            });
        }
    }

    // Cases fwlint refuses: one file each.
    let mut single: Vec<usize> = (0..cases.len())
        .filter(|&c| cases[c].fwlint_refuses)
        .collect();
    // Cases fwlint accepts: one file per position; its cases one by one only
    // if nft refuses the file.
    let mut batches = Vec::new();
    for p in &POSITIONS {
        let members: Vec<usize> = (0..cases.len())
            .filter(|&c| std::ptr::eq(cases[c].pos, p) && !cases[c].fwlint_refuses)
            .collect();
        if members.is_empty() {
            continue;
        }
        let f = dir.path().join(format!("batch-{}.nft", p.id));
        let text: String = members.iter().map(|&c| cases[c].text.as_str()).collect();
        std::fs::write(&f, text).unwrap();
        batches.push(((f, p.syntax_only), members));
    }
    let batch_files: Vec<(PathBuf, bool)> = batches.iter().map(|(f, _)| f.clone()).collect();
    let batch_refused = ns.refuses(&batch_files, dir.path());
    for ((f, members), refused) in batches.iter().zip(batch_refused) {
        if refused {
            eprintln!(
                "nft refuses the batch {}: its cases one by one",
                f.0.display()
            );
            single.extend(members);
        }
    }

    let files: Vec<(PathBuf, bool)> = single
        .iter()
        .map(|&c| {
            let f = dir.path().join(format!("case-{c}.nft"));
            std::fs::write(&f, &cases[c].text).unwrap();
            (f, cases[c].pos.syntax_only)
        })
        .collect();
    let refused = ns.refuses(&files, dir.path());
    let mut mismatches = Vec::new();
    for (&c, nft_refuses) in single.iter().zip(refused) {
        let case = &cases[c];
        if nft_refuses != case.fwlint_refuses {
            let out = std::fs::read_to_string(dir.path().join(format!("case-{c}.nft.out")))
                .unwrap_or_default();
            mismatches.push(format!(
                "{} `{}`: nft {}, fwlint {}\n{}{}",
                case.pos.id,
                case.name,
                if nft_refuses { "refuses" } else { "accepts" },
                if case.fwlint_refuses {
                    "refuses"
                } else {
                    "accepts"
                },
                case.text,
                out
            ));
        }
    }
    let refused_by_fwlint = cases.iter().filter(|c| c.fwlint_refuses).count();
    assert!(
        mismatches.is_empty(),
        "{} of {} cases differ from nft -c:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n")
    );
    // Both verdicts occur in every position (the test is not vacuous).
    for p in &POSITIONS {
        let of_p = cases.iter().filter(|c| std::ptr::eq(c.pos, p));
        let (r, a): (Vec<&Case>, Vec<&Case>) = of_p.partition(|c| c.fwlint_refuses);
        assert!(
            !r.is_empty() && !a.is_empty(),
            "position {}: refused {}, accepted {}",
            p.id,
            r.len(),
            a.len()
        );
    }
    eprintln!(
        "{} cases ({} names x {} positions): {} refused by both, {} accepted by both",
        cases.len(),
        names.len(),
        POSITIONS.len(),
        refused_by_fwlint,
        cases.len() - refused_by_fwlint
    );
}

/// `LEFT ! VALUE` (and `LEFT not VALUE`): nft takes it on bitmask types with
/// one value only ("negation can only be used with singleton bitmask
/// values", "cannot combine negation with binary expression"); fwlint must
/// give an error exactly where `nft -c` refuses the rule, and name nft's
/// reason.
#[test]
fn negations_match_nft() {
    require_tools();
    let ns = Netns::new("neg");
    let dir = tempfile::tempdir().unwrap();
    let rules = [
        "tcp dport ! 22",
        "tcp dport not 22",
        "tcp dport ! ssh",
        "tcp sport ! 1024",
        "udp dport ! 53",
        "th dport ! 80",
        "ip saddr ! 10.0.0.1",
        "ip6 daddr ! ::1",
        "ip protocol ! 6",
        "ip dscp ! 0x1",
        "ip frag-off ! 0x1",
        "ip version ! 4",
        "ip6 flowlabel ! 1",
        "tcp doff ! 5",
        "ip ttl ! 1",
        "tcp window ! 1",
        "ct direction ! original",
        "icmp type ! echo-request",
        "meta l4proto ! tcp",
        "meta mark ! 0x1",
        "meta pkttype ! host",
        "iifname ! \"lo\"",
        "ct mark ! 0x1",
        "ct zone ! 1",
        "tcp flags & syn ! ack",
        "tcp flags ! 0x1-0x3",
        "tcp flags ! syn",
        "tcp flags not syn",
        "tcp flags ! syn,ack",
        "tcp flags ! syn|ack",
        "tcp flags ! 0x12",
        "tcp flags ! { syn }",
        "ct state ! established",
        "ct state ! established,related",
        "ct state not invalid",
        "ct status ! dnat",
        "ct status ! snat,dnat",
    ];
    let files: Vec<(PathBuf, bool)> = rules
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let f = dir.path().join(format!("neg-{k}.nft"));
            let text = format!(
                "table inet t {{\n chain c {{\n  type filter hook input priority 0;\n  {r} accept\n }}\n}}\n"
            );
            std::fs::write(&f, text).unwrap();
            (f, false)
        })
        .collect();
    let refused = ns.refuses(&files, dir.path());
    let mut mismatches = Vec::new();
    let (mut both_refuse, mut both_accept) = (0, 0);
    for ((rule, (f, _)), nft_refuses) in rules.iter().zip(&files).zip(refused) {
        let text = std::fs::read_to_string(f).unwrap();
        let input = Input::from_bytes("neg.nft", text.into_bytes());
        let rs = fwlint::dialect::nft::load_text(&input).expect("loads");
        let errors: Vec<&str> = rs
            .issues
            .iter()
            .filter(|i| i.level == IssueLevel::Error)
            .map(|i| i.message.as_str())
            .collect();
        let out = std::fs::read_to_string(format!("{}.out", f.display())).unwrap_or_default();
        // nft's reason is in fwlint's message.
        let reason_shared = ["negation can only be used", "cannot combine negation"]
            .iter()
            .all(|r| out.contains(r) == errors.iter().any(|e| e.contains(r)));
        let fwlint_refuses = !errors.is_empty();
        if nft_refuses != fwlint_refuses || !reason_shared {
            mismatches.push(format!("`{rule}`: nft {out:?}, fwlint {errors:?}"));
        } else if nft_refuses {
            both_refuse += 1;
        } else {
            both_accept += 1;
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} negations differ from nft -c:\n{}",
        mismatches.len(),
        rules.len(),
        mismatches.join("\n")
    );
    assert!(
        both_refuse >= 15 && both_accept >= 8,
        "{both_refuse} refused, {both_accept} accepted"
    );
}

/// `$variables` where nft's grammar takes none (`log` options, `reject with`,
/// `ct count`, the numbers of `limit`/`quota`/`synproxy`) and the neighbouring
/// places where it does: fwlint refuses exactly what `nft -c` refuses.
#[test]
fn variables_where_nft_takes_none_match_nft() {
    require_tools();
    let ns = Netns::new("novar");
    let dir = tempfile::tempdir().unwrap();
    let stmts = [
        ("log prefix $pfx", true),
        ("log level $pfx", true),
        ("log group $num", true),
        ("log snaplen $num", true),
        ("log prefix \"$pfx\"", false),
        ("log prefix \"a $pfx b\"", false),
        ("reject with icmp type $pfx", true),
        ("reject with icmpx $pfx", true),
        ("limit rate $num/second", true),
        ("limit rate 10/second burst $num packets", true),
        ("quota $num mbytes", true),
        ("ct count $num", true),
        ("ct count over $num", true),
        ("tcp dport 80 synproxy mss $num", true),
        ("limit name $lim accept", false),
        ("quota name $qu accept", false),
        ("counter name $cnt", false),
        ("tcp dport $num accept", false),
    ];
    let files: Vec<(PathBuf, bool)> = stmts
        .iter()
        .enumerate()
        .map(|(k, (st, _))| {
            let f = dir.path().join(format!("novar-{k}.nft"));
            let text = format!(
                "define pfx = \"abc\"\ndefine num = 1\ndefine lim = \"lim\"\ndefine qu = \"qu\"\n\
                 define cnt = \"cnt\"\ntable inet t {{\n limit lim {{\n  rate 400/minute\n }}\n\
                 quota qu {{\n  25 mbytes\n }}\n counter cnt {{\n }}\n chain c {{\n\
                 type filter hook input priority 0;\n  {st}\n }}\n}}\n"
            );
            std::fs::write(&f, text).unwrap();
            (f, true)
        })
        .collect();
    // Judged by nft's syntax error (the kernel here may lack a module).
    let refused = ns.refuses(&files, dir.path());
    let mut mismatches = Vec::new();
    for (((st, expect), (f, _)), nft_refuses) in stmts.iter().zip(&files).zip(refused) {
        let fw = fwlint_refuses(&std::fs::read_to_string(f).unwrap());
        if nft_refuses != fw || nft_refuses != *expect {
            let out = std::fs::read_to_string(format!("{}.out", f.display())).unwrap_or_default();
            mismatches.push(format!(
                "`{st}`: nft refuses {nft_refuses} ({out}), fwlint {fw}"
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

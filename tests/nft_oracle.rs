//! Differential test: fwlint's nftables verdicts against the Linux kernel's.
//!
//! Random rulesets (reproducible from a seed) and hand-written feature files are
//! loaded into private network namespaces; probe packets are sent through them
//! (`tests/oracle/nft_kernel.py`) and the kernel's verdicts must equal
//! `fwlint query`'s, with zero mismatches: on the input and output hooks of one
//! namespace, and on the forward hook of a router namespace between a client and a
//! sink (fwlint is given the interfaces the kernel used, `--iif`/`--oif`). TCP
//! probes carry chosen flags (`flags=`; docs/tcp-flags.md), and the tests count
//! the verdicts that depend on them. Runs as
//! root; fails (never skips) when the oracle cannot run. See docs/oracle-nft.md.
//!
//! Reproduce a failure: `FWLINT_NFT_SEED=<seed> FWLINT_NFT_CASES=1 cargo test --test nft_oracle`
//! (add `random_forward` for a forward seed); `FWLINT_NFT_KEEP=DIR` keeps the files.

#[path = "oracle/nft_gen.rs"]
mod nft_gen;
#[path = "oracle/nft_run.rs"]
mod nft_run;
#[path = "common/rng.rs"]
mod rng;

use nft_gen::{packets, ruleset, tcp_flags_word, Rng};
use nft_run::{compare, fwlint, fwlint_forward, kernel, FwAnswer, KernelCase, KernelResult};
use std::path::Path;
use std::process::Command;

/// The default first seed; each case uses the next one.
const SEED: u64 = 20_261_204;
/// Cases and packets per case: 56 x 200 = 11,200 random probes on input and
/// output (and more from the feature files).
const CASES: u64 = 56;
const PACKETS_PER_CASE: usize = 200;
/// The forward hook: 50 x 200 = 10,000 random probes, through a router namespace.
const FWD_SEED: u64 = 20_261_205_000;
const FWD_CASES: u64 = 50;

/// fwlint's answers for one kernel case: on forward, each probe with the
/// interfaces the kernel routed it through.
fn fwlint_for(
    file: &Path,
    kc: &KernelCase,
    r: &KernelResult,
    scratch: &Path,
) -> Result<Vec<FwAnswer>, String> {
    if kc.hook == "forward" {
        let unrouted = r.oif.iter().filter(|o| o.is_none()).count();
        if unrouted > 0 {
            // `query --filter forward` evaluates the forward hook only.
            return Err(format!(
                "{unrouted} probe(s) were dropped before the forward hook (by a prerouting \
                 chain?); the forward oracle compares forward verdicts only"
            ));
        }
        fwlint_forward(file, "nft", &kc.packets, &r.iif, &r.oif, scratch)
    } else {
        fwlint(file, "nft", &kc.hook, &kc.packets, scratch)
    }
}

/// How many of fwlint's forward verdicts change when each probe's input
/// interface (then its output interface) is swapped for the other one: proof
/// that the interface matches are exercised.
fn iface_sensitivity(
    file: &Path,
    kc: &KernelCase,
    r: &KernelResult,
    fw: &[FwAnswer],
    scratch: &Path,
) -> Result<(usize, usize), String> {
    let other = |x: &str, a: &str, b: &str| if x == a { b.to_string() } else { a.to_string() };
    let iif: Vec<String> = r.iif.iter().map(|i| other(i, "lan0", "lan1")).collect();
    let oif: Vec<Option<String>> = r
        .oif
        .iter()
        .map(|o| o.as_deref().map(|o| other(o, "wan0", "wan1")))
        .collect();
    let diff = |alt: Vec<FwAnswer>| {
        alt.iter()
            .zip(fw)
            .filter(|(a, b)| a.verdict != b.verdict)
            .count()
    };
    // Packet files of their own, so that the kept ones stay the kernel's.
    let swapped = scratch.join("swapped");
    std::fs::create_dir_all(&swapped).map_err(|e| e.to_string())?;
    let a = fwlint_forward(file, "nft", &kc.packets, &iif, &r.oif, &swapped)?;
    let b = fwlint_forward(file, "nft", &kc.packets, &r.iif, &oif, &swapped)?;
    Ok((diff(a), diff(b)))
}

/// How many TCP probes carry flags other than a plain SYN, and how many of
/// fwlint's verdicts change when those flags are dropped (each such probe
/// asked again as a SYN): proof that the `tcp flags` matches are exercised.
fn flags_sensitivity(
    file: &Path,
    kc: &KernelCase,
    r: &KernelResult,
    fw: &[FwAnswer],
    scratch: &Path,
) -> Result<(usize, usize), String> {
    let syn: Vec<String> = kc
        .packets
        .iter()
        .map(|p| match p.split_once(" flags=") {
            Some((a, _)) => a.to_string(),
            None => p.clone(),
        })
        .collect();
    let flagged = syn.iter().zip(&kc.packets).filter(|(a, b)| a != b).count();
    let dir = scratch.join("as-syn");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let alt = if kc.hook == "forward" {
        fwlint_forward(file, "nft", &syn, &r.iif, &r.oif, &dir)?
    } else {
        fwlint(file, "nft", &kc.hook, &syn, &dir)?
    };
    let changed = alt
        .iter()
        .zip(fw)
        .filter(|(a, b)| a.verdict != b.verdict)
        .count();
    Ok((flagged, changed))
}

/// The packets as a mismatch report shows them (on forward with their interfaces).
fn shown_packets(kc: &KernelCase, r: &KernelResult) -> Vec<String> {
    if kc.hook != "forward" {
        return kc.packets.clone();
    }
    kc.packets
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let iif = r.iif.get(i).map(String::as_str).unwrap_or("?");
            let oif = r.oif.get(i).cloned().flatten();
            format!(
                "{p}` --iif {iif} --oif `{}",
                oif.as_deref().unwrap_or("(not routed)")
            )
        })
        .collect()
}

/// A scratch directory for the rulesets and packet files; `FWLINT_NFT_KEEP=DIR`
/// keeps them there (to re-run a case by hand), else a temporary one.
enum Scratch {
    Temp(tempfile::TempDir),
    Kept(std::path::PathBuf),
}

impl Scratch {
    fn path(&self) -> &Path {
        match self {
            Scratch::Temp(t) => t.path(),
            Scratch::Kept(p) => p,
        }
    }
}

fn scratch_dir() -> Scratch {
    match std::env::var("FWLINT_NFT_KEEP") {
        Ok(d) if !d.is_empty() => {
            std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("cannot create {d}: {e}"));
            Scratch::Kept(d.into())
        }
        _ => Scratch::Temp(tempfile::tempdir().unwrap()),
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

#[test]
fn kernel_harness_selftest() {
    nft_run::require_oracle();
    let out = Command::new("python3")
        .arg(nft_run::HARNESS)
        .arg("--selftest")
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "the kernel oracle self-test failed (run as root after scripts/test):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn random_rulesets_match_the_kernel() {
    // One case in five puts its base chains on the output hook.
    random_cases(SEED, CASES, 10_000, |seed| {
        if seed % 5 == 4 {
            "output"
        } else {
            "input"
        }
    });
}

#[test]
fn random_forward_rulesets_match_the_kernel() {
    random_cases(FWD_SEED, FWD_CASES, 10_000, |_| "forward");
}

/// Generate `CASES` rulesets from the seed (or `FWLINT_NFT_SEED`/`FWLINT_NFT_CASES`),
/// run them in the kernel and in fwlint, and require identical verdicts.
fn random_cases(seed0: u64, cases0: u64, min_packets: usize, hook_of: fn(u64) -> &'static str) {
    let first = env_u64("FWLINT_NFT_SEED").unwrap_or(seed0);
    let n = env_u64("FWLINT_NFT_CASES").unwrap_or(cases0);
    let dir = scratch_dir();
    let mut cases = Vec::new();
    let mut kcases = Vec::new();
    for seed in first..first + n {
        let hook = hook_of(seed);
        let case = ruleset(seed, hook);
        let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(7));
        let pk = packets(&case, &mut rng, PACKETS_PER_CASE);
        kcases.push(KernelCase {
            id: seed.to_string(),
            ruleset: case.ruleset.clone(),
            path: None,
            hook: hook.to_string(),
            packets: pk,
            dump_json: false,
        });
        cases.push(case);
    }
    let results = kernel(&kcases, dir.path());
    let mut problems = Vec::new();
    let mut compared = 0usize;
    let (mut by_iif, mut by_oif) = (0usize, 0usize);
    let (mut flagged, mut by_flags) = (0usize, 0usize);
    let allowed: usize = results
        .iter()
        .map(|r| r.verdicts.iter().filter(|v| *v == "allow").count())
        .sum();
    for (kc, r) in kcases.iter().zip(&results) {
        let label = format!("seed {} (hook {})", kc.id, kc.hook);
        if let Some(e) = &r.load_error {
            problems.push(format!(
                "{label}: the kernel refused the generated ruleset (generator bug):\n{e}\n{}",
                kc.ruleset
            ));
            continue;
        }
        let file = dir.path().join(format!("case{}.nft", kc.id));
        std::fs::write(&file, &kc.ruleset).unwrap();
        match fwlint_for(&file, kc, r, dir.path()) {
            Ok(fw) => {
                compared += fw.len();
                let shown = shown_packets(kc, r);
                problems.extend(compare(&label, &kc.ruleset, &shown, &r.verdicts, &fw));
                match flags_sensitivity(&file, kc, r, &fw, dir.path()) {
                    Ok((n, c)) => {
                        flagged += n;
                        by_flags += c;
                    }
                    Err(e) => problems.push(format!("{label}: {e}")),
                }
                if kc.hook == "forward" {
                    match iface_sensitivity(&file, kc, r, &fw, dir.path()) {
                        Ok((i, o)) => {
                            by_iif += i;
                            by_oif += o;
                        }
                        Err(e) => problems.push(format!("{label}: {e}")),
                    }
                }
            }
            Err(e) => problems.push(format!("{label}: {e}\nruleset:\n{}", kc.ruleset)),
        }
    }
    if !problems.is_empty() {
        let shown: Vec<&String> = problems.iter().take(40).collect();
        panic!(
            "{} problem(s) comparing fwlint with the kernel ({compared} packets compared; first seed \
             {first}, reproduce one with FWLINT_NFT_SEED=<seed> FWLINT_NFT_CASES=1):\n{}",
            problems.len(),
            shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
        );
    }
    assert!(
        compared >= min_packets || n < cases0,
        "only {compared} packets compared"
    );
    // The probes must exercise both outcomes, not one trivially.
    eprintln!("{compared} packets compared, {allowed} allowed by the kernel");
    // ... and the TCP flags: probes carry them, and verdicts depend on them.
    eprintln!(
        "{flagged} TCP probes carry flags other than SYN; {by_flags} verdicts change when they are sent as SYNs"
    );
    assert!(
        n < cases0 || (flagged >= compared / 10 && by_flags >= compared / 500),
        "the TCP flags are hardly exercised: {flagged} flagged probes, {by_flags} verdicts depend on them, of {compared}"
    );
    if hook_of(first) == "forward" {
        // ... and on forward, the interfaces must matter for a fair share of them.
        eprintln!(
            "forward: {by_iif} verdicts depend on the input interface, {by_oif} on the output interface"
        );
        assert!(
            n < cases0 || (by_iif >= compared / 100 && by_oif >= compared / 100),
            "the forward rulesets hardly depend on interfaces: {by_iif} and {by_oif} of {compared}"
        );
    }
    assert!(
        n < cases0 || (allowed > compared / 10 && allowed < compared * 9 / 10),
        "degenerate probes: {allowed} of {compared} allowed"
    );
}

/// Probes per feature file on the forward hook.
const FWD_FEATURE_PACKETS: usize = 1500;

/// Probes aimed at the numbers a hand-written file mentions.
/// `routed`: for the forward hook, only addresses a router forwards (no loopback,
/// link-local, class E or IPv4-mapped), and destinations behind both uplinks.
fn feature_packets(text: &str, rng: &mut Rng, n: usize, routed: bool) -> Vec<String> {
    let mut v4 = Vec::new();
    let mut v6 = Vec::new();
    let mut ports = vec![22u32, 53, 80, 443];
    for w in text.split(|c: char| c.is_whitespace() || ",{}();\"".contains(c)) {
        let w = w.split('/').next().unwrap_or("");
        for part in w.split('-') {
            if let Ok(a) = part.parse::<std::net::Ipv4Addr>() {
                let x = u32::from(a);
                v4.extend([x, x.wrapping_add(1), x.wrapping_sub(1)]);
            } else if let Ok(a) = part.parse::<std::net::Ipv6Addr>() {
                let x = u128::from(a);
                v6.extend([x, x.wrapping_add(1), x.wrapping_sub(1)]);
            } else if let Ok(p) = part.parse::<u32>() {
                if (1..=65535).contains(&p) {
                    ports.extend([p, (p + 1).min(65535), (p - 1).max(1)]);
                }
            }
        }
    }
    v4.retain(|&x| {
        let a = std::net::Ipv4Addr::from(x);
        !(a.is_multicast() || a.is_broadcast() || a.is_unspecified() || a.octets()[0] == 0)
            && !(routed && (a.is_loopback() || a.is_link_local() || a.octets()[0] >= 240))
    });
    v6.retain(|&x| {
        let a = std::net::Ipv6Addr::from(x);
        !(a.is_multicast() || a.is_unspecified())
            && !(routed
                && (a.is_loopback()
                    || (a.segments()[0] & 0xffc0) == 0xfe80
                    || a.to_ipv4_mapped().is_some()))
    });
    if routed {
        // Behind wan1 (198.19.0.0/16, 2001:db8::1:0/112) and wan0.
        v4.extend([0xC613_0005, 0xC612_0005]);
        v6.extend([
            0x2001_0db8_u128 << 96 | 0x1_0005,
            0x2001_0db8_u128 << 96 | 0x5,
        ]);
    }
    if v4.is_empty() {
        v4.push(0xC612_0001);
    }
    v4.push(0xC612_0102);
    if v6.is_empty() {
        v6.push(0x2001_0db8_u128 << 96 | 1);
    }
    v6.push(0x2001_0db8_u128 << 96 | 0x99);
    // TCP probes carry flags; only those conntrack takes as `new` when the
    // file matches on conntrack state (see `nft_gen::tcp_flags_word`).
    let ct_safe = text.contains("ct state") || text.contains("ct status");
    let mut out = Vec::new();
    for _ in 0..n {
        let port = |rng: &mut Rng| *rng.pick(&ports);
        let line = if rng.pct(70) {
            let (s, d) = (
                std::net::Ipv4Addr::from(*rng.pick(&v4)),
                std::net::Ipv4Addr::from(*rng.pick(&v4)),
            );
            match rng.range(0, 9) {
                0..=4 => {
                    let (sp, dp) = (port(rng), port(rng));
                    let fl = tcp_flags_word(rng, ct_safe);
                    format!("tcp {s}:{sp} {d}:{dp}{fl}")
                }
                5..=7 => format!("udp {s}:{} {d}:{}", port(rng), port(rng)),
                _ => format!("icmp {s} {d} {}/0", rng.pick(&[8, 13])),
            }
        } else {
            let (s, d) = (
                std::net::Ipv6Addr::from(*rng.pick(&v6)),
                std::net::Ipv6Addr::from(*rng.pick(&v6)),
            );
            match rng.range(0, 9) {
                0..=4 => {
                    let (sp, dp) = (port(rng), port(rng));
                    let fl = tcp_flags_word(rng, ct_safe);
                    format!("tcp [{s}]:{sp} [{d}]:{dp}{fl}")
                }
                5..=7 => format!("udp [{s}]:{} [{d}]:{}", port(rng), port(rng)),
                _ => format!("icmpv6 [{s}] [{d}] 128/0"),
            }
        };
        out.push(line);
    }
    out
}

/// The `.nft` files of a corpus folder, sorted (at least one).
fn nft_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "nft"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .nft files in {dir}");
    files
}

#[test]
fn feature_files_match_the_kernel() {
    let files = nft_files(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/nft/features"));
    let tmp = scratch_dir();
    let mut kcases = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let text = std::fs::read_to_string(f).unwrap();
        let mut rng = Rng::new(i as u64 + 1);
        let pk = feature_packets(&text, &mut rng, 300, false);
        // The router's files get more probes: two interfaces each way.
        let fwd_pk = feature_packets(&text, &mut rng, FWD_FEATURE_PACKETS, true);
        for hook in ["input", "output", "forward"] {
            if hook != "input" && !text.contains(&format!("hook {hook}")) {
                continue;
            }
            let pk = if hook == "forward" { &fwd_pk } else { &pk };
            kcases.push((
                f.clone(),
                KernelCase {
                    id: format!("{}:{hook}", f.display()),
                    ruleset: text.clone(),
                    path: Some(f.display().to_string()),
                    hook: hook.to_string(),
                    packets: pk.clone(),
                    dump_json: false,
                },
            ));
        }
    }
    let only: Vec<KernelCase> = kcases
        .iter()
        .map(|(_, k)| KernelCase {
            id: k.id.clone(),
            ruleset: k.ruleset.clone(),
            path: k.path.clone(),
            hook: k.hook.clone(),
            packets: k.packets.clone(),
            dump_json: false,
        })
        .collect();
    let results = kernel(&only, tmp.path());
    let mut problems = Vec::new();
    let mut compared = 0;
    let mut per_hook: std::collections::BTreeMap<String, usize> = Default::default();
    let (mut flagged, mut by_flags) = (0usize, 0usize);
    // Per file that matches on TCP flags: the verdicts that depend on them.
    let mut flags_files: std::collections::BTreeMap<String, usize> = Default::default();
    for ((f, kc), r) in kcases.iter().zip(&results) {
        if let Some(e) = &r.load_error {
            problems.push(format!(
                "{}: the kernel refused this feature file:\n{e}",
                f.display()
            ));
            continue;
        }
        match fwlint_for(f, kc, r, tmp.path()) {
            Ok(fw) => {
                compared += fw.len();
                *per_hook.entry(kc.hook.clone()).or_default() += fw.len();
                let shown = shown_packets(kc, r);
                problems.extend(compare(&kc.id, "(see the file)", &shown, &r.verdicts, &fw));
                match flags_sensitivity(f, kc, r, &fw, tmp.path()) {
                    Ok((n, c)) => {
                        flagged += n;
                        by_flags += c;
                        if kc.ruleset.contains("tcp flags") {
                            *flags_files.entry(f.display().to_string()).or_default() += c;
                        }
                    }
                    Err(e) => problems.push(format!("{}: {e}", kc.id)),
                }
            }
            Err(e) => problems.push(format!("{}: {e}", kc.id)),
        }
    }
    eprintln!("feature files: {compared} packets compared, per hook {per_hook:?}");
    eprintln!("feature files with tcp flags: verdicts that depend on the flags {flags_files:?}");
    for (f, c) in &flags_files {
        assert!(*c > 0, "{f}: no verdict depends on its tcp flags matches");
    }
    eprintln!(
        "feature files: {flagged} TCP probes carry flags other than SYN; {by_flags} verdicts change when they are sent as SYNs"
    );
    assert!(
        by_flags > 0,
        "the feature files' tcp flags matches are not exercised"
    );
    assert!(
        per_hook.get("forward").copied().unwrap_or(0) >= FWD_FEATURE_PACKETS,
        "the feature files exercise the forward hook too little: {per_hook:?}"
    );
    assert_none(
        &problems,
        &format!("problem(s) on the feature files ({compared} packets compared)"),
    );
}

/// Probes per TCP flags feature file in the JSON round trip.
const FLAGS_JSON_PACKETS: usize = 400;

/// The kernel's `nft -j list ruleset` dumps of the TCP flags feature files
/// (`corpus/nft/features/tcp-flags*.nft`: flags in named sets and maps,
/// verdict maps, concatenations, one-element sets, after variables, `!`)
/// give the kernel's verdicts too, on the input hook.
#[test]
fn flags_feature_json_dumps_match_the_kernel() {
    let files: Vec<_> = nft_files(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/nft/features"))
        .into_iter()
        .filter(|f| {
            f.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("tcp-flags"))
        })
        .collect();
    assert!(files.len() >= 3, "TCP flags feature files: {files:?}");
    let dir = scratch_dir();
    let kcases: Vec<KernelCase> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let text = std::fs::read_to_string(f).unwrap();
            let mut rng = Rng::new(0xF1A6 + i as u64);
            KernelCase {
                id: f.display().to_string(),
                ruleset: text.clone(),
                path: Some(f.display().to_string()),
                hook: "input".into(),
                packets: feature_packets(&text, &mut rng, FLAGS_JSON_PACKETS, false),
                dump_json: true,
            }
        })
        .collect();
    let results = kernel(&kcases, dir.path());
    let mut problems = Vec::new();
    let mut compared = 0;
    for (k, (kc, r)) in kcases.iter().zip(&results).enumerate() {
        let label = format!("{} (JSON dump)", kc.id);
        let (Some(dump), None) = (&r.json_dump, &r.load_error) else {
            problems.push(format!(
                "{label}: the kernel refused it: {:?}",
                r.load_error
            ));
            continue;
        };
        let jfile = dir.path().join(format!("flags{k}.json"));
        std::fs::write(&jfile, dump).unwrap();
        match fwlint(&jfile, "nft-json", &kc.hook, &kc.packets, dir.path()) {
            Ok(fw) => {
                compared += fw.len();
                problems.extend(compare(&label, dump, &kc.packets, &r.verdicts, &fw));
            }
            Err(e) => problems.push(format!("{label}: {e}")),
        }
    }
    assert_none(
        &problems,
        &format!("problem(s) ({compared} packets compared)"),
    );
    assert_eq!(compared, files.len() * FLAGS_JSON_PACKETS);
}

/// Fail with the number of `problems` and the first 40 of them, `what`
/// naming them (with what was compared).
fn assert_none(problems: &[String], what: &str) {
    assert!(
        problems.is_empty(),
        "{} {what}:\n{}",
        problems.len(),
        problems
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Seeds of the forward JSON round trip (apart from the other tests').
const FWD_JSON_SEED: u64 = 20_261_205_500;
const FWD_JSON_CASES: u64 = 16;

/// The kernel's `nft -j list ruleset` dump of forward rulesets (interface sets,
/// interface verdict maps and concatenations in JSON form) gives the kernel's
/// verdicts too, with the same interfaces.
#[test]
fn forward_json_dumps_give_the_same_verdicts() {
    let dir = scratch_dir();
    let mut kcases = Vec::new();
    for seed in FWD_JSON_SEED..FWD_JSON_SEED + FWD_JSON_CASES {
        let case = ruleset(seed, "forward");
        let mut rng = Rng::new(seed ^ 0x5eed);
        kcases.push(KernelCase {
            id: seed.to_string(),
            ruleset: case.ruleset.clone(),
            path: None,
            hook: "forward".into(),
            packets: packets(&case, &mut rng, 150),
            dump_json: true,
        });
    }
    let results = kernel(&kcases, dir.path());
    let mut problems = Vec::new();
    let mut compared = 0;
    for (kc, r) in kcases.iter().zip(&results) {
        let label = format!("seed {} (hook forward, JSON dump)", kc.id);
        let (Some(dump), None) = (&r.json_dump, &r.load_error) else {
            problems.push(format!(
                "{label}: the kernel refused the ruleset: {:?}",
                r.load_error
            ));
            continue;
        };
        let jfile = dir.path().join(format!("fwdcase{}.json", kc.id));
        std::fs::write(&jfile, dump).unwrap();
        match fwlint_forward(&jfile, "nft-json", &kc.packets, &r.iif, &r.oif, dir.path()) {
            Ok(fw) => {
                compared += fw.len();
                let shown = shown_packets(kc, r);
                problems.extend(compare(&label, dump, &shown, &r.verdicts, &fw));
            }
            Err(e) => problems.push(format!("{label}: {e}")),
        }
    }
    assert_none(
        &problems,
        &format!("problem(s) ({compared} packets compared)"),
    );
    assert_eq!(compared, FWD_JSON_CASES as usize * 150);
}

/// The real public rulesets (read in place, never copied).
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus-real/nft");

/// Every real ruleset of the corpus with a forward chain that the kernel loads in
/// the router gives the kernel's forward verdicts, for the probes fwlint answers
/// with certainty (an answer that depends on an unmodelled match is reported as
/// uncertain by `query` and skipped here) and that reach the forward hook (a
/// prerouting chain of the file may drop some first). Rulesets with `notrack` are
/// included: the packets it matches reach forward with ct state `untracked`, and
/// `query` must then answer uncertain, never the verdict of a new connection.
#[test]
fn real_forward_rulesets_match_the_kernel() {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(CORPUS)
        .unwrap_or_else(|e| panic!("cannot read the real corpus {CORPUS}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let tmp = scratch_dir();
    let mut kcases = Vec::new();
    let mut with_notrack = 0;
    for (i, f) in files.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        if !text.contains("hook forward") {
            continue;
        }
        if text.contains("notrack") {
            with_notrack += 1;
        }
        let mut rng = Rng::new(0xF0_0000 + i as u64);
        kcases.push(KernelCase {
            id: f.display().to_string(),
            ruleset: String::new(),
            path: Some(f.display().to_string()),
            hook: "forward".into(),
            packets: feature_packets(&text, &mut rng, 300, true),
            dump_json: false,
        });
    }
    let results = kernel(&kcases, tmp.path());
    let mut problems = Vec::new();
    let (mut loaded, mut compared, mut uncertain, mut unrouted) = (0, 0, 0, 0);
    for (kc, r) in kcases.iter().zip(&results) {
        if r.load_error.is_some() {
            // Interfaces, includes or variables of another machine.
            continue;
        }
        loaded += 1;
        let idx: Vec<usize> = (0..kc.packets.len())
            .filter(|&i| r.oif.get(i).is_some_and(|o| o.is_some()))
            .collect();
        unrouted += kc.packets.len() - idx.len();
        let pick = |v: &[String]| idx.iter().map(|&i| v[i].clone()).collect::<Vec<_>>();
        let (pk, iif, verdicts) = (pick(&kc.packets), pick(&r.iif), pick(&r.verdicts));
        let oif: Vec<Option<String>> = idx.iter().map(|&i| r.oif[i].clone()).collect();
        let file = std::path::Path::new(kc.path.as_deref().unwrap_or_default());
        match fwlint_forward(file, "nft", &pk, &iif, &oif, tmp.path()) {
            Ok(fw) => {
                for (((p, k), f), (i, o)) in
                    pk.iter().zip(&verdicts).zip(&fw).zip(iif.iter().zip(&oif))
                {
                    if f.uncertain.is_some() {
                        uncertain += 1;
                        continue;
                    }
                    compared += 1;
                    if *k != f.verdict {
                        problems.push(format!(
                            "{}: `{p}` --iif {i} --oif {}: kernel {k}, fwlint {} (deciding rule: {})",
                            kc.id,
                            o.as_deref().unwrap_or("-"),
                            f.verdict,
                            f.rule
                        ));
                    }
                }
            }
            Err(e) => problems.push(format!("{}: {e}", kc.id)),
        }
    }
    eprintln!(
        "real corpus, forward: {} files with a forward chain ({with_notrack} of them with \
         notrack), {loaded} load in the router; {compared} packets compared, {uncertain} \
         uncertain answers skipped, {unrouted} dropped before forward",
        kcases.len()
    );
    assert_none(&problems, "mismatch(es) on real rulesets");
    assert!(
        loaded >= 8 && compared >= 1500,
        "too little of the real corpus ran on forward: {loaded} files, {compared} packets"
    );
}

/// `corpus/nft/conntrack`: rulesets with `notrack` in raw-priority chains, or
/// `ct state` in an output chain that runs before conntrack, loaded in the kernel
/// (input probes pass prerouting, output probes are sent by a local socket). Every certain answer of `query` must be the kernel's; the packets a
/// `notrack` matched reach the filter chains as `ct state untracked`, and
/// `query` must answer uncertain for them: some uncertain answers must differ
/// from the kernel (proof that the probes do hit the `notrack` rules).
#[test]
fn conntrack_rulesets_match_the_kernel_where_certain() {
    let files = nft_files(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/nft/conntrack"));
    let tmp = scratch_dir();
    let mut kcases = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let text = std::fs::read_to_string(f).unwrap();
        let mut rng = Rng::new(0xC7_0000 + i as u64);
        let pk = feature_packets(&text, &mut rng, 300, false);
        for hook in ["input", "output"] {
            kcases.push(KernelCase {
                id: format!("{}:{hook}", f.display()),
                ruleset: text.clone(),
                path: Some(f.display().to_string()),
                hook: hook.to_string(),
                packets: pk.clone(),
                dump_json: false,
            });
        }
    }
    let results = kernel(&kcases, tmp.path());
    let mut problems = Vec::new();
    let (mut compared, mut uncertain, mut uncertain_differ) = (0, 0, 0);
    for (kc, r) in kcases.iter().zip(&results) {
        if let Some(e) = &r.load_error {
            problems.push(format!("{}: the kernel refused it:\n{e}", kc.id));
            continue;
        }
        let file = Path::new(kc.path.as_deref().unwrap_or_default());
        match fwlint(file, "nft", &kc.hook, &kc.packets, tmp.path()) {
            Ok(fw) => {
                for ((p, k), f) in kc.packets.iter().zip(&r.verdicts).zip(&fw) {
                    if f.uncertain.is_some() {
                        uncertain += 1;
                        uncertain_differ += usize::from(*k != f.verdict);
                        continue;
                    }
                    compared += 1;
                    if *k != f.verdict {
                        problems.push(format!(
                            "{}: `{p}`: kernel {k}, fwlint {} (deciding rule: {})",
                            kc.id, f.verdict, f.rule
                        ));
                    }
                }
            }
            Err(e) => problems.push(format!("{}: {e}", kc.id)),
        }
    }
    eprintln!(
        "conntrack rulesets: {compared} certain answers compared, {uncertain} uncertain \
         ({uncertain_differ} of them with a main verdict the kernel does not give)"
    );
    assert!(
        problems.is_empty(),
        "{} mismatch(es):\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        compared > 0 && uncertain_differ > 0,
        "the probes must reach both tracked and untracked packets"
    );
}

//! Random nftables rulesets and probe packets for the kernel differential tests
//! (`tests/nft_oracle.rs`, `tests/nft_json.rs`).
//!
//! A ruleset is built from one seed, reproducibly: tables of family ip/ip6/inet,
//! base chains on one hook with different and equal priorities, policies, regular
//! chains with jump/goto/return (acyclic: a chain only jumps to chains declared with a
//! higher index), address and port matches as values, prefixes, ranges, anonymous
//! and named interval sets, `!=`, `meta l4proto`, `ip protocol`/`ip6 nexthdr`,
//! `ct state`, `icmp`/`icmpv6 type`, concatenations, verdict maps (anonymous and
//! named), `tcp flags` in every form nft has (any-of-bits, `==`/`!=`, masks
//! `V / M` and `& M == V`, sets, ranges, orderings), and the statements
//! accept/drop/reject/continue/counter. On the forward
//! hook also interface matches (`iifname`/`oifname`/`meta`/`iif`/`oif` with names,
//! wildcards, anonymous and named `ifname` sets, `!=`, `iifname . oifname`
//! concatenations, verdict maps keyed by interface) on the router's interfaces
//! `lan0`/`lan1` (in) and `wan0`/`wan1` (out), and sometimes a base chain on another
//! hook that must not touch forwarded packets.
//!
//! Addresses live in a small universe so that rules and probes meet: IPv4
//! 198.18.0.0/15 (the benchmarking range) and IPv6 2001:db8::/111, both seen as
//! an offset in `0..UNIVERSE`. Probes are biased to the boundaries of every
//! interval a ruleset uses (the first and last value, and one past either side).
//! Probes are first packets of new connections (UDP, ICMP echo and timestamp
//! requests, TCP segments), as fwlint's `query` defines them. TCP probes carry
//! chosen flags (`flags=` on the packet line; none means a SYN): any byte when
//! the ruleset has no `ct state` match, else only flags conntrack takes as a
//! new connection (see [`tcp_flags_word`]).

#![allow(dead_code)]

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Number of addresses in the universe (a /15 in IPv4, a /111 in IPv6).
pub const UNIVERSE: u32 = 1 << 17;
const V4_BASE: u32 = 0xC612_0000; // 198.18.0.0
const PORT_HI: u32 = 2100;

pub use super::rng::Rng;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fam {
    V4,
    V6,
}

fn addr_text(fam: Fam, off: u32) -> String {
    match fam {
        Fam::V4 => Ipv4Addr::from(V4_BASE + off).to_string(),
        Fam::V6 => Ipv6Addr::from(0x2001_0db8_u128 << 96 | u128::from(off)).to_string(),
    }
}

/// One interval of addresses (offsets) or ports, rendered in nft syntax.
fn interval_text(fam: Option<Fam>, lo: u32, hi: u32) -> String {
    let one = |v: u32| match fam {
        Some(f) => addr_text(f, v),
        None => v.to_string(),
    };
    if lo == hi {
        return one(lo);
    }
    if let Some(f) = fam {
        let size = hi - lo + 1;
        if size.is_power_of_two() && lo % size == 0 {
            let bits = match f {
                Fam::V4 => 32,
                Fam::V6 => 128,
            };
            return format!("{}/{}", one(lo), bits - size.trailing_zeros());
        }
    }
    format!("{}-{}", one(lo), one(hi))
}

/// What a ruleset uses, to aim probes at.
#[derive(Default)]
pub struct Targets {
    pub addrs: Vec<u32>,
    pub ports: Vec<u32>,
}

impl Targets {
    fn addr(&mut self, lo: u32, hi: u32) {
        for v in [lo.wrapping_sub(1), lo, hi, hi + 1] {
            if v < UNIVERSE {
                self.addrs.push(v);
            }
        }
    }
    fn port(&mut self, lo: u32, hi: u32) {
        for v in [lo - 1, lo, hi, hi + 1] {
            if (1..=65535).contains(&v) {
                self.ports.push(v);
            }
        }
    }
}

/// A generated case: the ruleset text and the hook its base chains are on.
pub struct Case {
    pub seed: u64,
    pub hook: &'static str,
    pub ruleset: String,
    pub targets: Targets,
    pub families: Vec<Fam>,
    /// Some rule matches `ct state`: probes must be `new` to conntrack.
    pub uses_ct: bool,
}

struct Gen<'a> {
    rng: &'a mut Rng,
    t: Targets,
    uses_ct: bool,
    /// The forward hook: interface matches are meaningful.
    fwd: bool,
}

/// Do two quoted interface names (each maybe a `prefix*` wildcard) share a name?
fn names_overlap(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim_matches('"'), b.trim_matches('"'));
    match (a.strip_suffix('*'), b.strip_suffix('*')) {
        (Some(p), Some(q)) => p.starts_with(q) || q.starts_with(p),
        (Some(p), None) => b.starts_with(p),
        (None, Some(q)) => a.starts_with(q),
        (None, None) => a == b,
    }
}

/// nft refuses set elements that overlap: drop the quoted names (or narrower
/// wildcards) that a `prefix*` wildcard of the list covers.
fn drop_covered(v: &mut Vec<String>) {
    let covers = |w: &str, n: &str| {
        w != n
            && w.trim_matches('"')
                .strip_suffix('*')
                .is_some_and(|p| n.trim_matches('"').starts_with(p))
    };
    let all = v.clone();
    v.retain(|n| !all.iter().any(|w| covers(w, n)));
}

/// Interface names for the forward hook's matches, by direction: mostly the
/// router's own on that side, wildcards, and now and then the other side's or a
/// name that exists nowhere (those never match).
const IN_NAMES: &[&str] = &[
    "lan0", "lan1", "lan0", "lan1", "lan*", "l*", "wan0", "eth0", "lan",
];
const OUT_NAMES: &[&str] = &[
    "wan0", "wan1", "wan0", "wan1", "wan*", "w*", "lan1", "eth0", "wan",
];

/// The L3 context of one rule.
#[derive(Clone, Copy, PartialEq)]
enum L3 {
    Any,
    V4,
    V6,
}

/// Named sets and maps of one table, by kind.
#[derive(Default)]
struct Named {
    addr4: Vec<String>,
    addr6: Vec<String>,
    port: Vec<String>,
    concat4: Vec<String>,
    vmap_port: Vec<String>,
    ifname: Vec<String>,
}

impl Gen<'_> {
    /// Disjoint sorted intervals within `0..=max`, each small or aligned.
    fn intervals(&mut self, n: usize, max: u32, addr: bool) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = Vec::new();
        for _ in 0..n * 3 {
            if out.len() >= n {
                break;
            }
            let (lo, hi) = if addr && self.rng.pct(40) {
                let bits = self.rng.range(0, 17);
                let size = 1u32 << bits;
                let lo = self.rng.range(0, (max + 1) / size - 1) * size;
                (lo, lo + size - 1)
            } else {
                let lo = self.rng.range(if addr { 0 } else { 1 }, max);
                let len = match self.rng.range(0, 9) {
                    0..=4 => 0,
                    5..=7 => self.rng.range(1, 40),
                    _ => self.rng.range(41, 3000),
                };
                (lo, (lo + len).min(max))
            };
            if out.iter().all(|&(a, b)| hi < a || lo > b) {
                out.push((lo, hi));
            }
        }
        out.sort();
        for &(lo, hi) in &out {
            if addr {
                self.t.addr(lo, hi);
            } else {
                self.t.port(lo, hi);
            }
        }
        out
    }

    fn elems(&mut self, fam: Option<Fam>, n: usize) -> String {
        let max = if fam.is_some() {
            UNIVERSE - 1
        } else if self.rng.pct(85) {
            PORT_HI
        } else {
            65535
        };
        let iv = self.intervals(n, max, fam.is_some());
        iv.iter()
            .map(|&(lo, hi)| interval_text(fam, lo, hi))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A right-hand side: value, prefix/range, anonymous set or named set.
    fn value(&mut self, fam: Option<Fam>, named: &[String]) -> String {
        match self.rng.range(0, 9) {
            0..=3 => self.elems(fam, 1),
            4..=6 => {
                let n = self.rng.range(1, 4) as usize;
                format!("{{ {} }}", self.elems(fam, n))
            }
            _ if !named.is_empty() => format!("@{}", self.rng.pick(named)),
            _ => self.elems(fam, 1),
        }
    }

    /// A set of TCP flags written as names (`syn,ack` or `syn|ack`), or as a
    /// number; never empty unless written as `0x0`.
    fn flags_text(&mut self, bits: u32, sep: &str) -> String {
        if bits == 0 || self.rng.pct(15) {
            return format!("{bits:#x}");
        }
        flag_names(bits, sep)
    }

    /// Random flag bits: mostly the handshake flags.
    fn flag_bits(&mut self) -> u32 {
        let mut b = 0;
        while b == 0 {
            for (_, bit) in FLAG_NAMES {
                let p = if bit & 0x17 != 0 { 40 } else { 12 };
                if self.rng.pct(p) {
                    b |= bit;
                }
            }
        }
        b
    }

    /// One `tcp flags` match, in one of nft's forms; `true` when it also
    /// matches `ct state`.
    fn tcp_flags_match(&mut self) -> (String, bool) {
        let fsra = "fin|syn|rst|ack";
        let b = self.flag_bits();
        let m = self.flag_bits();
        // A value under the mask, usually one that can hold.
        let v = if self.rng.pct(80) { b & m } else { b };
        let sep = if self.rng.pct(50) { "," } else { "|" };
        match self.rng.range(0, 16) {
            0 => ("tcp flags syn".into(), false),
            1 => (format!("tcp flags {}", self.flags_text(b, sep)), false),
            2 => (format!("tcp flags == {}", self.flags_text(b, sep)), false),
            3 => (format!("tcp flags != {}", self.flags_text(b, sep)), false),
            4 => {
                let x = self.flag_bits();
                let mut y = self.flag_bits();
                if y == x {
                    // Distinct elements (nft refuses duplicates in some sets).
                    y = if x == 0x02 { 0x12 } else { 0x02 };
                }
                let neg = self.neg();
                let (x, y) = (self.flags_text(x, "|"), self.flags_text(y, "|"));
                (format!("tcp flags {neg}{{ {x}, {y} }}"), false)
            }
            5 => {
                let neg = self.neg();
                if self.rng.pct(15) {
                    // A number after `/` is a prefix length (of 8 bits), not a
                    // mask; the value's top bit keeps the comparison off zero.
                    let n = self.rng.range(1, 8);
                    let v = 0x80 | self.rng.range(0, 0x7f);
                    return (format!("tcp flags {neg}{v:#x} / {n}"), false);
                }
                // nft wants a comma list (two flags or more) after `/`.
                let m = if m.count_ones() == 1 {
                    m | if m == 0x02 { 0x10 } else { 0x02 }
                } else {
                    m
                };
                let v = self.flags_text(v, ",");
                let m = flag_names(m, ",");
                (format!("tcp flags {neg}{v} / {m}"), false)
            }
            6 => {
                let op = *self.rng.pick(&["==", "!=", ""]);
                // The implicit operator with 0 ("any of no bits") is left out.
                let v = if op.is_empty() { off_zero(v, m) } else { v };
                let (v, m) = (self.flags_text(v, "|"), self.flags_text(m, "|"));
                (format!("tcp flags & ({m}) {op} {v}"), false)
            }
            7 => (format!("tcp flags & ({fsra}) == syn"), false),
            8 => (format!("tcp flags & ({fsra}) != syn"), false),
            9 => (format!("tcp flags & ({fsra}) != syn ct state new"), true),
            10 => ("tcp flags syn / syn,ack".into(), false),
            11 => ("tcp flags { syn, syn|ack }".into(), false),
            12 => ("tcp flags != syn".into(), false),
            13 => ("tcp flags == 0x0".into(), false),
            14 => ("tcp flags & (fin|syn) == fin|syn".into(), false),
            _ => {
                let op = *self.rng.pick(&["<", ">", "<=", ">="]);
                (
                    format!("tcp flags {op} {:#x}", self.rng.range(0, 255)),
                    false,
                )
            }
        }
    }

    fn neg(&mut self) -> &'static str {
        if self.rng.pct(15) {
            "!= "
        } else {
            ""
        }
    }

    fn addr_match(&mut self, fam: Fam, named: &Named) -> String {
        let proto = if fam == Fam::V4 { "ip" } else { "ip6" };
        let field = if self.rng.pct(50) { "saddr" } else { "daddr" };
        let sets = if fam == Fam::V4 {
            &named.addr4
        } else {
            &named.addr6
        };
        let sets = sets.clone();
        let neg = self.neg();
        let v = self.value(Some(fam), &sets);
        format!("{proto} {field} {neg}{v}")
    }

    fn port_match(&mut self, proto: &str, named: &Named) -> String {
        let field = if self.rng.pct(70) { "dport" } else { "sport" };
        let neg = self.neg();
        let sets = named.port.clone();
        let v = self.value(None, &sets);
        format!("{proto} {field} {neg}{v}")
    }

    /// The matches of one rule, consistent in L3 and L4.
    fn matches(&mut self, l3: L3, named: &Named) -> (Vec<String>, &'static str) {
        let mut out = Vec::new();
        let mut n = self.rng.range(0, 3);
        // L4 context: tcp, udp, th (tcp or udp), icmp, or none.
        let l4 = match self.rng.range(0, 9) {
            0..=2 => "tcp",
            3..=4 => "udp",
            5 => "th",
            6 if l3 != L3::Any => "icmp",
            _ => "",
        };
        if self.fwd && self.rng.pct(45) {
            out.push(self.iface_match(named));
            // Broad interface rules decide many probes, as in real routers.
            n = n.min(1);
        }
        for _ in 0..n {
            match self.rng.range(0, 9) {
                0..=2 => match l3 {
                    L3::V4 => out.push(self.addr_match(Fam::V4, named)),
                    L3::V6 => out.push(self.addr_match(Fam::V6, named)),
                    L3::Any => {}
                },
                3..=5 => match l4 {
                    "tcp" if self.rng.pct(40) => {
                        let (m, ct) = self.tcp_flags_match();
                        self.uses_ct |= ct;
                        out.push(m);
                    }
                    "tcp" | "udp" => out.push(self.port_match(l4, named)),
                    "th" => {
                        out.push("meta l4proto { tcp, udp }".into());
                        out.push(self.port_match("th", named));
                    }
                    "icmp" => out.push(self.icmp_match(l3)),
                    _ => out.push(self.l4proto_match(l3)),
                },
                6 => {
                    self.uses_ct = true;
                    let s = *self.rng.pick(&[
                        "ct state new",
                        "ct state established",
                        "ct state established,related",
                        "ct state { new, established }",
                        "ct state != established",
                        "ct state invalid",
                        "ct state != new",
                    ]);
                    out.push(s.into());
                }
                7 if l3 == L3::V4
                    && l4 == "tcp"
                    && !named.concat4.is_empty()
                    && self.rng.pct(50) =>
                {
                    out.push(format!(
                        "ip saddr . tcp dport @{}",
                        self.rng.pick(&named.concat4)
                    ));
                }
                7 if l3 == L3::V4 && l4 == "tcp" => {
                    let k = self.rng.range(1, 3);
                    let mut es = Vec::new();
                    for _ in 0..k {
                        let a = self.rng.range(0, UNIVERSE - 1);
                        let p = self.rng.range(1, PORT_HI);
                        self.t.addr(a, a);
                        self.t.port(p, p);
                        es.push(format!("{} . {}", addr_text(Fam::V4, a), p));
                    }
                    out.push(format!("ip saddr . tcp dport {{ {} }}", es.join(", ")));
                }
                _ => match l3 {
                    L3::V4 => out.push(self.addr_match(Fam::V4, named)),
                    L3::V6 => out.push(self.addr_match(Fam::V6, named)),
                    L3::Any => {}
                },
            }
        }
        // TCP flags, often on their own (broad rules decide many probes) or
        // beside a port.
        if (l4 == "tcp" && self.rng.pct(35))
            || (l4.is_empty() && out.is_empty() && self.rng.pct(10))
        {
            let (m, ct) = self.tcp_flags_match();
            self.uses_ct |= ct;
            out.push(m);
        }
        // Keep the rule's L3/L4 context even when no match named it.
        if out.is_empty() && l3 != L3::Any && self.rng.pct(50) {
            let fam = if l3 == L3::V4 { Fam::V4 } else { Fam::V6 };
            out.push(self.addr_match(fam, named));
        }
        (out, l4)
    }

    /// One quoted interface name for input (`out` false) or output; `exact` keeps
    /// to names that exist in the router (for `iif`/`oif`, which nft resolves to an
    /// index at load time).
    fn ifname(&mut self, out: bool, exact: bool) -> String {
        let names = if out { OUT_NAMES } else { IN_NAMES };
        let n = if exact {
            *self.rng.pick(&names[..4])
        } else {
            *self.rng.pick(names)
        };
        format!("\"{n}\"")
    }

    /// Several distinct quoted interface names.
    fn ifnames(&mut self, out: bool, exact: bool, n: usize) -> Vec<String> {
        let mut v: Vec<String> = (0..n).map(|_| self.ifname(out, exact)).collect();
        v.sort();
        v.dedup();
        drop_covered(&mut v);
        v
    }

    /// An interface match for the forward hook.
    fn iface_match(&mut self, named: &Named) -> String {
        if self.rng.pct(12) {
            let k = self.rng.range(1, 3);
            let mut pairs: Vec<(String, String)> = Vec::new();
            for _ in 0..k {
                let (i, o) = (self.ifname(false, false), self.ifname(true, false));
                // nft refuses overlapping elements ("File exists").
                if !pairs
                    .iter()
                    .any(|(a, b)| names_overlap(a, &i) && names_overlap(b, &o))
                {
                    pairs.push((i, o));
                }
            }
            let es: Vec<String> = pairs.iter().map(|(i, o)| format!("{i} . {o}")).collect();
            let neg = self.neg();
            return format!("iifname . oifname {neg}{{ {} }}", es.join(", "));
        }
        let out = self.rng.pct(50);
        let (key, exact) = match self.rng.range(0, 9) {
            0..=5 => (if out { "oifname" } else { "iifname" }, false),
            6..=7 => (if out { "meta oifname" } else { "meta iifname" }, false),
            _ => (if out { "oif" } else { "iif" }, true),
        };
        let neg = self.neg();
        let v = match self.rng.range(0, 9) {
            0..=4 => self.ifname(out, exact),
            5..=7 => {
                let n = self.rng.range(1, 3) as usize;
                format!("{{ {} }}", self.ifnames(out, exact, n).join(", "))
            }
            _ if !exact && !named.ifname.is_empty() => {
                format!("@{}", self.rng.pick(&named.ifname))
            }
            _ => self.ifname(out, exact),
        };
        format!("{key} {neg}{v}")
    }

    fn icmp_match(&mut self, l3: L3) -> String {
        let neg = self.neg();
        if l3 == L3::V4 {
            let v = *self.rng.pick(&[
                "echo-request",
                "timestamp-request",
                "{ echo-request, timestamp-request }",
                "{ echo-reply, destination-unreachable }",
                "echo-reply",
            ]);
            format!("icmp type {neg}{v}")
        } else {
            let v = *self.rng.pick(&[
                "echo-request",
                "echo-reply",
                "{ echo-request, destination-unreachable }",
            ]);
            format!("icmpv6 type {neg}{v}")
        }
    }

    fn l4proto_match(&mut self, l3: L3) -> String {
        let neg = self.neg();
        let v = *self
            .rng
            .pick(&["tcp", "udp", "{ tcp, udp }", "{ tcp, icmp, icmpv6 }", "esp"]);
        match l3 {
            L3::V4 if self.rng.pct(50) => format!("ip protocol {neg}{}", v.replace(", icmpv6", "")),
            L3::V6 if self.rng.pct(30) => format!("ip6 nexthdr {neg}{}", v.replace("icmp, ", "")),
            _ => format!("meta l4proto {neg}{v}"),
        }
    }

    /// The final statement(s) of a rule. `targets` are the chains it may jump to.
    fn action(
        &mut self,
        targets: &[String],
        regular: bool,
        named: &Named,
        l3: L3,
        l4: &str,
    ) -> String {
        let jump = |g: &mut Gen, kw: &str| format!("{kw} {}", g.rng.pick(targets));
        match self.rng.range(0, 99) {
            0..=24 => "accept".into(),
            25..=42 => "drop".into(),
            43..=49 => "reject".into(),
            50..=53 => "continue".into(),
            54..=58 => "counter".into(),
            59..=62 => "counter accept".into(),
            63..=75 if !targets.is_empty() => jump(self, "jump"),
            76..=83 if !targets.is_empty() => jump(self, "goto"),
            // `return` in a base chain ends it: its policy applies (forward only,
            // keeping the input/output seeds as they were).
            84..=87 if regular || self.fwd => "return".into(),
            88..=99 => self.vmap(targets, regular, named, l3, l4),
            _ => "counter drop".into(),
        }
    }

    fn verdict(&mut self, targets: &[String]) -> String {
        match self.rng.range(0, 9) {
            0..=3 => "accept".into(),
            4..=6 => "drop".into(),
            7 if !targets.is_empty() => format!("jump {}", self.rng.pick(targets)),
            8 if !targets.is_empty() => format!("goto {}", self.rng.pick(targets)),
            _ => "continue".into(),
        }
    }

    /// A verdict map keyed by a field that fits the rule's L3/L4 context.
    fn vmap(
        &mut self,
        targets: &[String],
        regular: bool,
        named: &Named,
        l3: L3,
        l4: &str,
    ) -> String {
        // The named vmap may jump to any regular chain: only base chains use it,
        // so that jumps stay acyclic.
        if l4 == "tcp" && !regular && !named.vmap_port.is_empty() && self.rng.pct(30) {
            return format!("tcp dport vmap @{}", self.rng.pick(&named.vmap_port));
        }
        if self.fwd && self.rng.pct(30) {
            let out = self.rng.pct(50);
            let key = if out { "oifname" } else { "iifname" };
            let k = self.rng.range(1, 3) as usize;
            let names = self.ifnames(out, false, k);
            let es: Vec<String> = names
                .iter()
                .map(|n| {
                    let v = self.verdict(targets);
                    format!("{n} : {v}")
                })
                .collect();
            return format!("{key} vmap {{ {} }}", es.join(", "));
        }
        let port_key = matches!(l4, "tcp" | "udp" | "th");
        let key_fam = match l3 {
            L3::V4 if !port_key || self.rng.pct(40) => Some(Fam::V4),
            L3::V6 if !port_key || self.rng.pct(40) => Some(Fam::V6),
            _ => None,
        };
        if key_fam.is_none() && !port_key {
            let mut es = Vec::new();
            for p in ["tcp", "udp", "icmp", "icmpv6"] {
                if self.rng.pct(60) {
                    let v = self.verdict(targets);
                    es.push(format!("{p} : {v}"));
                }
            }
            if es.is_empty() {
                es.push("esp : drop".into());
            }
            return format!("meta l4proto vmap {{ {} }}", es.join(", "));
        }
        let n = self.rng.range(1, 4) as usize;
        let max = if key_fam.is_some() {
            UNIVERSE - 1
        } else {
            PORT_HI
        };
        let iv = self.intervals(n, max, key_fam.is_some());
        let mut es = Vec::new();
        for (lo, hi) in iv {
            let v = self.verdict(targets);
            es.push(format!("{} : {v}", interval_text(key_fam, lo, hi)));
        }
        let key = match key_fam {
            Some(Fam::V4) => if self.rng.pct(50) {
                "ip saddr"
            } else {
                "ip daddr"
            }
            .to_string(),
            Some(Fam::V6) => if self.rng.pct(50) {
                "ip6 saddr"
            } else {
                "ip6 daddr"
            }
            .to_string(),
            None => {
                let field = if self.rng.pct(75) { "dport" } else { "sport" };
                // `th` has no implied protocol: guard it like real rulesets do.
                let guard = if l4 == "th" {
                    "meta l4proto { tcp, udp } "
                } else {
                    ""
                };
                format!("{guard}{l4} {field}")
            }
        };
        format!("{key} vmap {{ {} }}", es.join(", "))
    }
}

/// Build the ruleset of one seed. `hook` is `input`, `output` or `forward`.
pub fn ruleset(seed: u64, hook: &'static str) -> Case {
    let mut rng = Rng::new(seed);
    let mut g = Gen {
        rng: &mut rng,
        t: Targets::default(),
        uses_ct: false,
        fwd: hook == "forward",
    };
    let mut text = String::new();
    let mut families = Vec::new();
    let ntables = g.rng.range(1, 3);
    for ti in 0..ntables {
        let fam = *g.rng.pick(&["ip", "ip6", "inet", "inet"]);
        match fam {
            "ip" => families.push(Fam::V4),
            "ip6" => families.push(Fam::V6),
            _ => families.extend([Fam::V4, Fam::V6]),
        }
        let l3s: &[L3] = match fam {
            "ip" => &[L3::V4, L3::V4, L3::Any],
            "ip6" => &[L3::V6, L3::V6, L3::Any],
            _ => &[L3::V4, L3::V6, L3::Any],
        };
        let _ = writeln!(text, "table {fam} t{ti} {{");
        let mut named = Named::default();
        // Named sets and maps.
        for si in 0..g.rng.range(0, 3) {
            let name = format!("s{si}");
            let kind = g.rng.range(0, if g.fwd { 5 } else { 4 });
            let n = g.rng.range(1, 5) as usize;
            let (ty, elems, flags) = match kind {
                0 if fam != "ip6" => {
                    named.addr4.push(name.clone());
                    ("ipv4_addr", g.elems(Some(Fam::V4), n), "flags interval; ")
                }
                1 if fam != "ip" => {
                    named.addr6.push(name.clone());
                    ("ipv6_addr", g.elems(Some(Fam::V6), n), "flags interval; ")
                }
                3 if fam != "ip6" => {
                    named.concat4.push(name.clone());
                    let mut es = Vec::new();
                    for _ in 0..n {
                        let a = g.rng.range(0, UNIVERSE - 1);
                        let p = g.rng.range(1, PORT_HI);
                        g.t.addr(a, a);
                        g.t.port(p, p);
                        es.push(format!("{} . {}", addr_text(Fam::V4, a), p));
                    }
                    es.sort();
                    es.dedup();
                    ("ipv4_addr . inet_service", es.join(", "), "")
                }
                4 => {
                    named.ifname.push(name.clone());
                    let mut es = g.ifnames(false, false, n);
                    es.extend(g.ifnames(true, false, n));
                    es.sort();
                    es.dedup();
                    drop_covered(&mut es);
                    // Wildcards in a named set need `flags interval`.
                    let flags = if es.iter().any(|e| e.contains('*')) || g.rng.pct(30) {
                        "flags interval; "
                    } else {
                        ""
                    };
                    ("ifname", es.join(", "), flags)
                }
                _ => {
                    named.port.push(name.clone());
                    ("inet_service", g.elems(None, n), "flags interval; ")
                }
            };
            let _ = writeln!(
                text,
                "  set {name} {{ type {ty}; {flags}elements = {{ {elems} }} }}"
            );
        }
        // Regular chains, declared before use; r_i jumps only to r_j with j > i.
        let nreg = g.rng.range(0, 3) as usize;
        let reg: Vec<String> = (0..nreg).map(|i| format!("r{i}")).collect();
        if g.rng.pct(30) {
            let name = "m0".to_string();
            let k = g.rng.range(1, 4) as usize;
            let iv = g.intervals(k, PORT_HI, false);
            let mut es = Vec::new();
            for (lo, hi) in iv {
                let v = g.verdict(&reg);
                es.push(format!("{} : {v}", interval_text(None, lo, hi)));
            }
            let _ = writeln!(
                text,
                "  map {name} {{ type inet_service : verdict; flags interval; elements = {{ {} }} }}",
                es.join(", ")
            );
            named.vmap_port.push(name);
        }
        let mut chains = Vec::new();
        for i in (0..nreg).rev() {
            let targets: Vec<String> = reg[i + 1..].to_vec();
            let mut body = String::new();
            for _ in 0..g.rng.range(1, 5) {
                let l3 = *g.rng.pick(l3s);
                let (ms, l4) = g.matches(l3, &named);
                let a = g.action(&targets, true, &named, l3, l4);
                let _ = writeln!(body, "    {} {a}", ms.join(" "));
            }
            chains.push(format!("  chain {} {{\n{body}  }}\n", reg[i]));
        }
        // Base chains.
        for bi in 0..g.rng.range(1, 3) {
            let prio = *g.rng.pick(&[
                "0",
                "0",
                "-10",
                "10",
                "filter",
                "filter + 5",
                "-150",
                "mangle",
            ]);
            let policy = if g.rng.pct(50) { "accept" } else { "drop" };
            let mut body = String::new();
            for _ in 0..g.rng.range(1, 6) {
                let l3 = *g.rng.pick(l3s);
                let (ms, l4) = g.matches(l3, &named);
                let a = g.action(&reg, false, &named, l3, l4);
                let _ = writeln!(body, "    {} {a}", ms.join(" "));
            }
            chains.push(format!(
                "  chain b{bi} {{\n    type filter hook {hook} priority {prio}; policy {policy};\n{body}  }}\n"
            ));
        }
        // On forward, now and then a chain on another hook that drops everything:
        // forwarded packets never meet it.
        if g.fwd && g.rng.pct(20) {
            let other = *g.rng.pick(&["input", "output"]);
            chains.push(format!(
                "  chain o{other} {{\n    type filter hook {other} priority 0; policy drop;\n    drop\n  }}\n"
            ));
        }
        for c in chains {
            text.push_str(&c);
        }
        text.push_str("}\n");
    }
    families.sort_by_key(|f| *f as u8);
    families.dedup();
    Case {
        seed,
        hook,
        ruleset: text,
        targets: g.t,
        families,
        uses_ct: g.uses_ct,
    }
}

/// A masked flags value that is not 0 (for the implicit operator, where 0
/// would ask for "any of no bits"). With `==` and `!=`, 0 is generated: `nft
/// -j` lists `(flags & M) == 0` with the operator `!`, which the JSON reader
/// reads back (`tests/nft_json.rs` compares those dumps with the text).
fn off_zero(v: u32, m: u32) -> u32 {
    if v == 0 {
        m & m.wrapping_neg()
    } else {
        v
    }
}

/// TCP flag names and bits, as nft and fwlint's packet lines name them.
pub const FLAG_NAMES: [(&str, u32); 8] = [
    ("fin", 0x01),
    ("syn", 0x02),
    ("rst", 0x04),
    ("psh", 0x08),
    ("ack", 0x10),
    ("urg", 0x20),
    ("ecn", 0x40),
    ("cwr", 0x80),
];

/// Flag bytes worth probing whatever the ruleset: the handshake, teardown and
/// scan combinations.
const FLAG_PROBES: [u32; 16] = [
    0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x10, 0x11, 0x12, 0x14, 0x18, 0x29, 0x3f, 0xc2, 0xff, 0x80,
];

/// The `flags=` word of a TCP probe (with a leading space), or nothing (a SYN).
///
/// `ct_safe`: only flags the kernel's conntrack takes as the first packet of a
/// new connection, so that `ct state` reads `new` as `query` assumes. Checked
/// on nft 1.0.6 / Linux 6.x (all 256 bytes against `ct state new accept`):
/// exactly the bytes whose flags other than PSH, ECE and CWR are SYN, SYN|URG,
/// ACK or ACK|URG (the ACK ones by `nf_conntrack_tcp_loose`, on by default);
/// every other combination (SYN|ACK, FIN, RST, none...) is `invalid`.
pub fn tcp_flags_word(rng: &mut Rng, ct_safe: bool) -> String {
    if rng.pct(40) {
        return String::new();
    }
    let v = if ct_safe {
        let base = *rng.pick(&[0x02u32, 0x22, 0x10, 0x30]);
        let extra = *rng.pick(&[0u32, 0, 0, 0x08, 0x40, 0x80, 0xc0, 0xc8]);
        base | extra
    } else if rng.pct(60) {
        *rng.pick(&FLAG_PROBES)
    } else {
        rng.range(0, 255)
    };
    if v == 0 {
        return " flags=none".into();
    }
    if rng.pct(50) {
        return format!(" flags={v:#04x}");
    }
    format!(" flags={}", flag_names(v, ","))
}

/// The names of the flags set in `bits`, joined by `sep`.
fn flag_names(bits: u32, sep: &str) -> String {
    FLAG_NAMES
        .iter()
        .filter(|(_, b)| bits & b != 0)
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(sep)
}

/// Probe packets for a case, in fwlint's packet-line syntax.
pub fn packets(case: &Case, rng: &mut Rng, n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    let addrs = &case.targets.addrs;
    let ports = &case.targets.ports;
    for _ in 0..n {
        let fam = if rng.pct(65) {
            *rng.pick(&case.families)
        } else if rng.pct(50) {
            Fam::V4
        } else {
            Fam::V6
        };
        let addr = |rng: &mut Rng| {
            if !addrs.is_empty() && rng.pct(60) {
                *rng.pick(addrs)
            } else {
                rng.range(0, UNIVERSE - 1)
            }
        };
        let src = addr(rng);
        let dst = addr(rng);
        let (s, d) = (addr_text(fam, src), addr_text(fam, dst));
        let (s, d) = match fam {
            Fam::V4 => (s, d),
            Fam::V6 => (format!("[{s}]"), format!("[{d}]")),
        };
        let port = |rng: &mut Rng| {
            if !ports.is_empty() && rng.pct(60) {
                *rng.pick(ports)
            } else if rng.pct(85) {
                rng.range(1, PORT_HI)
            } else {
                rng.range(1, 65535)
            }
        };
        let line = match rng.range(0, 19) {
            0..=7 => {
                let (sp, dp) = (port(rng), port(rng));
                let fl = tcp_flags_word(rng, case.uses_ct);
                format!("tcp {s}:{sp} {d}:{dp}{fl}")
            }
            8..=14 => format!("udp {s}:{} {d}:{}", port(rng), port(rng)),
            15..=18 => match fam {
                Fam::V4 => format!("icmp {s} {d} {}/0", rng.pick(&[8, 13])),
                Fam::V6 => format!("icmpv6 {s} {d} 128/0"),
            },
            _ => format!("esp {s} {d}"),
        };
        out.push(line);
    }
    out
}

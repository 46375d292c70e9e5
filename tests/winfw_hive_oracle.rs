//! The hive reader against independent tools: hives are written by hivex
//! (Debian python3-hivex, `tests/oracle/winfw_hive_build.py`) and read both by
//! fwlint's reader and by regipy (PyPI, `tests/oracle/winfw_hive_regipy.py`).
//! What is extracted must be identical, and equal to what was written; on
//! damaged hives (truncations, byte flips) fwlint must not panic, and where
//! regipy still reads a value, both must agree. A hive built by hivex is also
//! read end to end as a `.wfw` by `fwlint query`.

#[path = "common/rng.rs"]
mod rng;

use fwlint::dialect::winfw::hive::{reg_type, utf16_z, Hive};
use rng::Rng;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

const BUILD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/oracle/winfw_hive_build.py"
);
const REGIPY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/oracle/winfw_hive_regipy.py"
);

fn run_py(python: &str, script: &str, args: &[&str]) -> String {
    let out = Command::new(python)
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {python}: {e}; run scripts/test to install the oracles")
        });
    assert!(
        out.status.success(),
        "{script} failed (run scripts/test to install hivex/regipy): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Build a hive with hivex from a spec.
fn build(dir: &Path, name: &str, spec: &Value) -> Vec<u8> {
    let sp = dir.join(format!("{name}.json"));
    std::fs::write(&sp, spec.to_string()).unwrap();
    let out = dir.join(format!("{name}.wfw"));
    run_py(
        "/usr/bin/python3",
        BUILD,
        &[sp.to_str().unwrap(), out.to_str().unwrap()],
    );
    std::fs::read(out).unwrap()
}

fn regipy(path: &Path) -> Value {
    serde_json::from_str(&run_py("python3", REGIPY, &[path.to_str().unwrap()])).unwrap()
}

/// fwlint's reader, normalized like the regipy helper. `None` when the file
/// does not open as a hive.
fn ours(bytes: &[u8]) -> Option<(Value, usize)> {
    let hive = Hive::open(bytes).ok()?;
    let dump = hive.dump();
    let keys: Vec<Value> = dump
        .keys
        .iter()
        .map(|k| {
            let values: Vec<Value> = k
                .values
                .iter()
                .filter_map(|v| {
                    let d = v.data.as_ref().ok()?;
                    let data = match v.data_type {
                        reg_type::SZ | reg_type::EXPAND_SZ => json!(utf16_z(d)),
                        reg_type::DWORD | reg_type::DWORD_BE => json!(v.as_dword()?),
                        reg_type::QWORD => json!(u64::from_le_bytes(d.get(..8)?.try_into().ok()?)),
                        reg_type::MULTI_SZ => {
                            let units: Vec<u16> = d
                                .chunks_exact(2)
                                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                                .collect();
                            let s: Vec<String> = units
                                .split(|&u| u == 0)
                                .filter(|p| !p.is_empty())
                                .map(String::from_utf16_lossy)
                                .collect();
                            json!(s)
                        }
                        _ => json!(d.iter().map(|b| format!("{b:02x}")).collect::<String>()),
                    };
                    Some(json!({"name": v.name, "type": v.data_type, "data": data}))
                })
                .collect();
            json!({"path": k.path, "values": values})
        })
        .collect();
    Some((json!({ "keys": keys }), dump.errors.len()))
}

/// [`flat`] of what regipy read from a damaged hive: the values it could
/// not name or type (it prints them with a null name or type) are left out,
/// as nothing can be compared for them.
fn flat_readable(v: &Value) -> std::collections::BTreeMap<(String, String), (u64, Value)> {
    let mut keys = v.clone();
    for k in keys["keys"].as_array_mut().into_iter().flatten() {
        if let Some(values) = k["values"].as_array_mut() {
            values.retain(|val| val["name"].is_string() && val["type"].is_u64());
        }
    }
    flat(&keys)
}

/// (path, value name) → (type, data), for set comparison.
fn flat(v: &Value) -> std::collections::BTreeMap<(String, String), (u64, Value)> {
    let mut m = std::collections::BTreeMap::new();
    for k in v["keys"].as_array().unwrap() {
        let path = k["path"].as_str().unwrap().to_string();
        m.insert((path.clone(), "\u{0}key".into()), (0, Value::Null));
        for val in k["values"].as_array().unwrap() {
            m.insert(
                (path.clone(), val["name"].as_str().unwrap().to_string()),
                (val["type"].as_u64().unwrap(), val["data"].clone()),
            );
        }
    }
    m
}

type Flat = std::collections::BTreeMap<(String, String), (u64, Value)>;

/// The differences between two extractions, briefly (values clipped).
fn diff(a: &Flat, b: &Flat) -> String {
    let clip = |v: Option<&(u64, Value)>| {
        let s = format!("{v:?}");
        s.chars().take(120).collect::<String>()
    };
    let mut out = String::new();
    let keys: std::collections::BTreeSet<_> = a.keys().chain(b.keys()).collect();
    for k in keys.into_iter().filter(|k| a.get(k) != b.get(k)).take(10) {
        out.push_str(&format!(
            "\n  {k:?}: {} vs {}",
            clip(a.get(k)),
            clip(b.get(k))
        ));
    }
    out
}

/// A firewall-policy-like spec: `n` rules, the profile keys, odd value types,
/// UTF-16 names, a big value, nesting.
fn spec(n: usize) -> Value {
    let rules: Vec<Value> = (0..n)
        .map(|i| {
            json!({"name": format!("{{{i:08X}-0000-4000-8000-{i:012X}}}"), "type": 1,
                   "str": format!("v2.30|Action={}|Active=TRUE|Dir=In|Protocol=6|LPort={}|RA4=10.{}.{}.0/24|Name=Rule {i} \"q\" \\x|",
                                  if i % 3 == 0 { "Block" } else { "Allow" }, 1000 + i, i % 250, i / 250)})
        })
        .collect();
    let profile = |en: u64, inb: u64| {
        json!([{"name": "EnableFirewall", "type": 4, "int": en},
               {"name": "DefaultInboundAction", "type": 4, "int": inb},
               {"name": "DefaultOutboundAction", "type": 4, "int": 0},
               {"name": "DisableNotifications", "type": 4, "int": 1}])
    };
    json!({"keys": [
        {"path": "FirewallRules", "values": rules},
        {"path": "DomainProfile", "values": profile(1, 1)},
        {"path": "StandardProfile", "values": profile(1, 1)},
        {"path": "PublicProfile", "values": profile(0, 1)},
        {"path": "ConSecRules", "values": [
            {"name": "big", "type": 1, "str": "v2.30|".to_string() + &"Name=big|".repeat(2500)},
            {"name": "expand", "type": 2, "str": "%SystemRoot%\\x"},
            {"name": "multi", "type": 7, "strs": ["a", "bc", "Ключ"]},
            {"name": "bin", "type": 3, "hex": "00ff10ab"},
            {"name": "q", "type": 11, "int": 1234567890123u64},
            {"name": "", "type": 1, "str": "default value"}]},
        {"path": "Ключ\\Вложенный\\Глубже", "values": [{"name": "Значение", "type": 1, "str": "ok"}]},
        {"path": "Empty", "values": []}
    ]})
}

/// The spec itself, normalized: the ground truth of what hivex wrote.
fn spec_flat(spec: &Value) -> std::collections::BTreeMap<(String, String), (u64, Value)> {
    let mut keys: Vec<Value> = vec![json!({"path": "", "values": []})];
    for k in spec["keys"].as_array().unwrap() {
        let path = k["path"].as_str().unwrap();
        let parts: Vec<&str> = path.split('\\').collect();
        for i in 1..parts.len() {
            keys.push(json!({"path": parts[..i].join("\\"), "values": []}));
        }
        let values: Vec<Value> = k["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                let t = v["type"].as_u64().unwrap();
                let data = match t {
                    1 | 2 => v["str"].clone(),
                    4 | 11 => v["int"].clone(),
                    7 => v["strs"].clone(),
                    _ => v["hex"].clone(),
                };
                json!({"name": v["name"], "type": t, "data": data})
            })
            .collect();
        keys.push(json!({"path": path, "values": values}));
    }
    flat(&json!({ "keys": keys }))
}

#[test]
fn hivex_written_hives_read_identically_by_fwlint_and_regipy() {
    let dir = tempfile::tempdir().unwrap();
    for n in [0usize, 1, 40, 600] {
        let s = spec(n);
        let bytes = build(dir.path(), &format!("h{n}"), &s);
        let path = dir.path().join(format!("h{n}.wfw"));
        let (mine, errors) = ours(&bytes).expect("fwlint opens the hive");
        assert_eq!(errors, 0, "fwlint reported errors on a valid hive");
        let theirs = regipy(&path);
        assert!(
            theirs["error"].is_null(),
            "regipy failed: {}",
            theirs["error"]
        );
        let (m, t) = (flat(&mine), flat(&theirs));
        let truth = spec_flat(&s);
        assert!(
            m == truth,
            "fwlint vs what hivex wrote ({n} rules):{}",
            diff(&m, &truth)
        );
        assert!(m == t, "fwlint vs regipy ({n} rules):{}", diff(&m, &t));
        assert!(m.len() >= n + 20);
    }
}

#[test]
fn latin1_compressed_names_follow_windows_not_regipy() {
    // hivex stores names below U+0100 compressed (one byte per character);
    // Windows reads those bytes as Latin-1. regipy decodes them as UTF-8 and
    // gets replacement characters, so this case is checked against the spec.
    let dir = tempfile::tempdir().unwrap();
    let s =
        json!({"keys": [{"path": "Ünïcode", "values": [{"name": "café", "type": 4, "int": 3}]}]});
    let bytes = build(dir.path(), "latin1", &s);
    let (mine, _) = ours(&bytes).unwrap();
    let (m, truth) = (flat(&mine), spec_flat(&s));
    assert!(m == truth, "{}", diff(&m, &truth));
    let theirs = regipy(&dir.path().join("latin1.wfw"));
    assert_ne!(
        flat(&theirs),
        spec_flat(&s),
        "regipy now decodes Latin-1 names: compare directly"
    );
}

#[test]
fn damaged_hives_never_panic_and_agree_with_regipy_where_it_reads() {
    let dir = tempfile::tempdir().unwrap();
    let good = build(dir.path(), "base", &spec(60));
    let mut rng = Rng::new(7);
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    for cut in [
        4096 + 100,
        good.len() / 3,
        good.len() / 2,
        good.len() - 4096,
        good.len() - 1,
    ] {
        cases.push((format!("truncated at {cut}"), good[..cut].to_vec()));
    }
    for i in 0..20 {
        let mut b = good.clone();
        for _ in 0..(1 + i % 4) {
            let at = 4096 + rng.below(good.len() - 4096);
            b[at] ^= (rng.next() as u8) | 1;
        }
        cases.push((format!("flipped #{i}"), b));
    }
    let mut compared = 0usize;
    for (what, bytes) in &cases {
        let mine = ours(bytes);
        let p = dir.path().join("damaged.wfw");
        std::fs::write(&p, bytes).unwrap();
        let theirs = regipy(&p);
        let Some((mine, _)) = mine else { continue };
        let m = flat(&mine);
        for (k, v) in flat_readable(&theirs) {
            // regipy does not check cell bounds or signatures everywhere; where
            // both read the same key/value, the contents must agree.
            if let Some(mv) = m.get(&k) {
                assert!(
                    mv == &v,
                    "{what}: {k:?} differs between fwlint and regipy: {}",
                    diff(&m, &flat_readable(&theirs))
                );
                compared += 1;
            }
        }
        // A damaged hive also loads as a .wfw without panicking.
        let input = fwlint::read::Input::from_bytes("damaged.wfw", bytes.clone());
        let _ = fwlint::dialect::winfw::load_wfw(&input);
    }
    assert!(compared > 500, "only {compared} values compared");
}

#[test]
fn hivex_built_wfw_answers_queries() {
    let dir = tempfile::tempdir().unwrap();
    let s = json!({"keys": [
        {"path": "FirewallRules", "values": [
            {"name": "{A}", "type": 1, "str": "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=3389|Name=RDP|"},
            {"name": "{B}", "type": 1, "str": "v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=3389|RA4=198.51.100.0/24|Name=RDP block|"},
            {"name": "{C}", "type": 1, "str": "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=17|LPort=161|App=C:\\snmp.exe|Name=SNMP|"}]},
        {"path": "DomainProfile", "values": [{"name": "EnableFirewall", "type": 4, "int": 1}, {"name": "DefaultInboundAction", "type": 4, "int": 1}]},
        {"path": "PublicProfile", "values": [{"name": "EnableFirewall", "type": 4, "int": 0}]}
    ]});
    build(dir.path(), "policy", &s);
    let path = dir.path().join("policy.wfw");
    let f = path.display().to_string();
    let q = |profile: &str, pk: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_fwlint"))
            .args(["query", &f, "--profile", profile, "--packet", pk])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .trim_end()
            .to_string()
    };
    // The rendering: header, comment, then the keys in hive order (hivex sorts
    // subkeys): [DomainProfile] on line 4, [FirewallRules] on line 8, rules 9-11.
    assert_eq!(
        q("domain", "tcp 192.0.2.1:5 10.0.0.1:3389"),
        format!("allow\t{f}:9")
    );
    assert_eq!(
        q("domain", "tcp 198.51.100.7:5 10.0.0.1:3389"),
        format!("deny\t{f}:10")
    );
    assert_eq!(
        q("domain", "udp 192.0.2.1:5 10.0.0.1:161"),
        format!("allow\t{f}:11\tuncertain: deny if program C:\\snmp.exe do not hold (default)")
    );
    assert_eq!(
        q("public", "tcp 198.51.100.7:5 10.0.0.1:3389"),
        "allow\tdefault"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_fwlint"))
        .args(["parse", &f, "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &v["filters"][0]["body"]["rules"][0];
    assert_eq!(r["origin"]["file"], f.as_str());
    assert!(r["origin"]["text"]
        .as_str()
        .unwrap()
        .starts_with("\"{B}\"=\"v2.30|Action=Block"));
}

#[test]
fn big_data_values_agree_with_regipy() {
    // hivex stores long values in one cell; Windows (format 1.4+) splits values
    // over 16344 bytes into `db` segments. fwlint's test writer does that.
    use fwlint::dialect::winfw::hive::write::{hive, Data};
    let big = "v2.30|Action=Allow|Active=TRUE|Dir=In|".to_string() + &"Desc=x|".repeat(5000);
    let h = hive(
        "ROOT",
        &[(
            "FirewallRules",
            vec![
                ("{BIG}".into(), Data::Sz(big.clone())),
                ("small".into(), Data::Dword(3)),
            ],
        )],
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.wfw");
    std::fs::write(&p, &h).unwrap();
    let (mine, errors) = ours(&h).unwrap();
    assert_eq!(errors, 0);
    let theirs = regipy(&p);
    let (m, t) = (flat(&mine), flat(&theirs));
    assert!(m == t, "{}", diff(&m, &t));
    assert_eq!(
        m[&("FirewallRules".to_string(), "{BIG}".to_string())].1,
        json!(big)
    );
}

//! Reading a 20,000-rule Windows Firewall policy: as a `.reg` export
//! (UTF-16LE with BOM, as `reg export` writes it) and as a `.wfw` hive (built
//! by fwlint's small test hive writer), through decoding, parsing and lowering.
//! Figures: docs/performance-winfw.md.

use criterion::{criterion_group, criterion_main, Criterion};
use fwlint::dialect::winfw::{self, hive};
use fwlint::read::Input;
use std::hint::black_box;

const RULES: usize = 20_000;

fn rule(i: usize) -> String {
    let action = if i % 7 == 0 { "Block" } else { "Allow" };
    let dir = if i % 2 == 0 { "In" } else { "Out" };
    let profile = match i % 4 {
        0 => "",
        1 => "Profile=Domain|",
        2 => "Profile=Private|Profile=Public|",
        _ => "Profile=Public|",
    };
    let extra = match i % 5 {
        0 => format!(
            "RA4=10.{}.{}.0/24|RA6=2001:db8:{:x}::/48|",
            i % 250,
            (i / 250) % 250,
            i
        ),
        1 => "RA4=LocalSubnet|RA6=LocalSubnet|".to_string(),
        2 => format!("App=C:\\Program Files\\App{i}\\app{i}.exe|"),
        3 => "LPort=RPC|Svc=*|".to_string(),
        _ => format!("RA4=192.0.2.{}-192.0.2.{}|", i % 100, 100 + i % 100),
    };
    format!(
        "v2.30|Action={action}|Active={}|Dir={dir}|Protocol=6|{profile}LPort={}|LPort={}-{}|{extra}Name=Generated rule {i}|Desc=bench|EmbedCtxt=Bench group|",
        if i % 11 == 0 { "FALSE" } else { "TRUE" },
        1024 + i % 60000,
        2000 + i % 1000,
        3000 + i % 1000
    )
}

fn reg_utf16() -> Vec<u8> {
    let mut t = String::from(
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules]\r\n",
    );
    for i in 0..RULES {
        let r = rule(i).replace('\\', "\\\\");
        t.push_str(&format!(
            "\"{{{i:08X}-0000-4000-8000-000000000000}}\"=\"{r}\"\r\n"
        ));
    }
    t.push_str("\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\DomainProfile]\r\n\"EnableFirewall\"=dword:00000001\r\n");
    let mut b = vec![0xFF, 0xFE];
    b.extend(t.encode_utf16().flat_map(|u| u.to_le_bytes()));
    b
}

fn wfw() -> Vec<u8> {
    let rules: Vec<(String, hive::write::Data)> = (0..RULES)
        .map(|i| {
            (
                format!("{{{i:08X}-0000-4000-8000-000000000000}}"),
                hive::write::Data::Sz(rule(i)),
            )
        })
        .collect();
    hive::write::hive(
        "FirewallPolicy",
        &[
            (
                "DomainProfile",
                vec![("EnableFirewall".into(), hive::write::Data::Dword(1))],
            ),
            ("FirewallRules", rules),
        ],
    )
}

fn bench(c: &mut Criterion) {
    let reg = Input::from_bytes("bench.reg", reg_utf16());
    let wfw = Input::from_bytes("bench.wfw", wfw());
    // Sanity: every rule is read, in both shapes.
    for (rs, what) in [
        (winfw::load_reg(&reg).unwrap(), "reg"),
        (winfw::load_wfw(&wfw).unwrap(), "wfw"),
    ] {
        let n: usize = rs.filters.iter().map(|f| f.rules().count()).sum();
        assert!(n > RULES, "{what}: {n} rule entries");
        assert!(rs.issues.is_empty(), "{what}: {:?}", &rs.issues[..1]);
    }
    let mut g = c.benchmark_group("winfw_parse_20k");
    g.sample_size(10);
    g.bench_function("reg_utf16_load", |b| {
        b.iter(|| black_box(winfw::load_reg(&reg).unwrap()))
    });
    g.bench_function("wfw_load", |b| {
        b.iter(|| black_box(winfw::load_wfw(&wfw).unwrap()))
    });
    g.bench_function("hive_dump_only", |b| {
        b.iter(|| black_box(hive::Hive::open(&wfw.bytes).unwrap().dump()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

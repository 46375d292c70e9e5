//! Robustness: truncations and byte flips of `.reg` exports (UTF-16LE and
//! UTF-8) and of registry hives never panic, hang or error out of the loaders
//! except with a `LoadError` for unusable input.

#[path = "common/rng.rs"]
mod rng;

use fwlint::dialect::winfw::{self, hive};
use fwlint::read::Input;
use rng::Rng;

const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus-real/winfw");
const OURS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/winfw");

fn mutate(seed: &[u8], rng: &mut Rng, load: &dyn Fn(&Input)) -> usize {
    let mut runs = 0;
    let step = (seed.len() / 150).max(1);
    for cut in (0..seed.len()).step_by(step) {
        load(&Input::from_bytes("t", seed[..cut].to_vec()));
        runs += 1;
    }
    for i in 0..300 {
        let mut b = seed.to_vec();
        for _ in 0..(1 + i % 5) {
            let at = rng.below(b.len());
            b[at] = match i % 3 {
                0 => b[at] ^ (1 << rng.below(8)),
                1 => {
                    let special = b"|=\\\"\r\n[]-:/*";
                    *rng.pick(special)
                }
                _ => rng.next() as u8,
            };
        }
        load(&Input::from_bytes("t", b));
        runs += 1;
    }
    runs
}

fn reg_load(i: &Input) {
    if let Ok(rs) = winfw::load_reg(i) {
        assert_eq!(rs.filters.len(), 6);
    }
}

fn wfw_load(i: &Input) {
    if let Ok(rs) = winfw::load_wfw(i) {
        assert_eq!(rs.filters.len(), 6);
    }
}

#[test]
fn reg_exports_survive_truncation_and_flips() {
    let mut rng = Rng::new(42);
    let mut runs = 0;
    for name in [
        "yossidoctor__Windows-Setup-Automation-for-Security-and-Privacy__FirewallRules.reg",
        "malton33__CyberPatriot-windows__Firewall.reg",
    ] {
        let utf16 = std::fs::read(format!("{REAL}/{name}")).unwrap();
        runs += mutate(&utf16, &mut rng, &reg_load);
        let text = fwlint::read::decode_text(&utf16).unwrap();
        runs += mutate(text.as_bytes(), &mut rng, &reg_load);
    }
    let ours = std::fs::read(format!("{OURS}/workstation.reg")).unwrap();
    runs += mutate(&ours, &mut rng, &reg_load);
    assert!(runs > 2000);
}

#[test]
fn hives_survive_truncation_and_flips() {
    let mut rng = Rng::new(9);
    let committed = std::fs::read(format!("{OURS}/workstation.wfw")).unwrap();
    let mut runs = mutate(&committed, &mut rng, &wfw_load);
    let rules: Vec<(String, hive::write::Data)> = (0..200)
        .map(|i| {
            (
                format!("{{R{i}}}"),
                hive::write::Data::Sz(format!(
                    "v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort={i}|Name=r{i}|"
                )),
            )
        })
        .collect();
    let h = hive::write::hive("ROOT", &[("FirewallRules", rules)]);
    runs += mutate(&h, &mut rng, &wfw_load);
    assert!(runs > 800);
}

#[test]
fn hostile_hive_structures_are_bounded() {
    // A key whose subkey list points back at itself, and a value list claiming
    // billions of values: read with errors, quickly, without panicking.
    let h = hive::write::hive(
        "ROOT",
        &[(
            "FirewallRules",
            vec![("a".into(), hive::write::Data::Dword(1))],
        )],
    );
    let mut cyc = h.clone();
    // Root nk at file offset 4096 + 0x20 + 4; its subkey list offset at +28.
    let root = 4096 + 0x20 + 4;
    let list = u32::from_le_bytes(cyc[root + 28..root + 32].try_into().unwrap()) as usize;
    let lh = 4096 + list + 4;
    cyc[lh + 4..lh + 8].copy_from_slice(&0x20u32.to_le_bytes()); // child = root
    let hv = hive::Hive::open(&cyc).unwrap();
    let d = hv.dump();
    assert!(
        d.errors.iter().any(|e| e.message.contains("cycle")),
        "{:?}",
        d.errors
    );
    let mut many = h.clone();
    many[root + 36..root + 40].copy_from_slice(&u32::MAX.to_le_bytes());
    many[root + 40..root + 44].copy_from_slice(&(list as u32).to_le_bytes());
    let d = hive::Hive::open(&many).unwrap().dump();
    assert!(!d.errors.is_empty());
}

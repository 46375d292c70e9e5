//! The tests' one pseudo-random generator: splitmix64, deterministic and the
//! same everywhere, so a failing case repeats from its seed. (Included with
//! `#[path = "common/rng.rs"] mod rng;` by the tests that draw inputs.)
#![allow(dead_code)] // each test uses the methods it needs

/// splitmix64: small, fast, and reproducible everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() % u64::from(hi - lo + 1)) as u32
    }
    /// True with probability `pct`/100.
    pub fn pct(&mut self, pct: u32) -> bool {
        self.range(0, 99) < pct
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.range(0, xs.len() as u32 - 1) as usize]
    }
    /// The state, to name a case so that it can be replayed.
    pub fn state(&self) -> u64 {
        self.0
    }
}

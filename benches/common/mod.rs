//! Helpers shared by the benches: a deterministic generator for the
//! generated configs, and CPU-time throughput (not every bench uses both).
#![allow(dead_code)]

pub mod cisco_acl;

/// xorshift64*: deterministic, no dependency.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// CPU time consumed by this thread so far, in seconds (Linux
/// `/proc/thread-self/schedstat`): unlike wall time it does not grow while
/// the thread waits for a core on a loaded machine.
pub fn cpu_now() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(s.split_whitespace().next()?.parse::<f64>().ok()? / 1e9)
}

/// Print the mean CPU time per run of `f` over at least 5 runs and about
/// 3 s of CPU, and the throughput it gives over `bytes`. (The kernel updates
/// a running thread's CPU time at scheduler ticks, so single short runs are
/// not timed one by one: only the total over many runs is accurate.)
pub fn cpu_throughput(label: &str, bytes: usize, mut f: impl FnMut()) {
    let Some(t0) = cpu_now() else {
        println!("cpu {label}: thread CPU time not available");
        return;
    };
    f();
    let t0 = cpu_now().unwrap_or(t0);
    let mut n = 0u32;
    let mut total = 0.0;
    while n < 5 || (total < 3.0 && n < 10_000) {
        f();
        n += 1;
        total = cpu_now().unwrap_or(t0) - t0;
    }
    let per = total / f64::from(n);
    println!(
        "cpu {label}: {:.2} ms CPU per run (mean of {n}) = {:.1} MB/s",
        per * 1e3,
        bytes as f64 / per / 1e6
    );
}

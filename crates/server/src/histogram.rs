//! `Histogram`: a lock-free, fixed-bucket latency histogram in Prometheus form.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Bucket upper bounds in microseconds: 10 µs growing by about 1.25x to 200 ms, fine enough for
/// a load generator to read p50 and p99 from the difference of two scrapes.
const BOUNDS_US: [u64; 45] = [
    10, 13, 16, 20, 25, 31, 39, 49, 61, 76, 95, 119, 149, 186, 233, 291, 364, 455, 568, 710, 888,
    1_110, 1_388, 1_735, 2_168, 2_711, 3_388, 4_235, 5_294, 6_617, 8_272, 10_340, 12_925, 16_156,
    20_195, 25_244, 31_555, 39_444, 49_305, 61_631, 77_039, 96_299, 120_374, 150_467, 200_000,
];

/// Counts of observations per bucket, their sum and count.
#[derive(Debug)]
pub struct Histogram {
    buckets: [AtomicU64; BOUNDS_US.len() + 1],
    sum_us: AtomicU64,
    count: AtomicU64,
    max_us: AtomicU64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            sum_us: AtomicU64::new(0),
            count: AtomicU64::new(0),
            max_us: AtomicU64::new(0),
        }
    }
}

impl Histogram {
    /// Records one observation in microseconds.
    pub fn observe_us(&self, us: u64) {
        let i = BOUNDS_US.partition_point(|&b| b < us);
        self.buckets[i].fetch_add(1, Relaxed);
        self.sum_us.fetch_add(us, Relaxed);
        self.count.fetch_add(1, Relaxed);
        self.max_us.fetch_max(us, Relaxed);
    }

    /// Observations so far.
    pub fn count(&self) -> u64 {
        self.count.load(Relaxed)
    }

    /// The largest observation so far, in microseconds.
    pub fn max_us(&self) -> u64 {
        self.max_us.load(Relaxed)
    }

    /// Appends the Prometheus exposition (`_bucket`, `_sum`, `_count`, in seconds) to `out`.
    pub fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (i, b) in BOUNDS_US.iter().enumerate() {
            cumulative += self.buckets[i].load(Relaxed);
            let _ = writeln!(
                out,
                "{name}_bucket{{le=\"{}\"}} {cumulative}",
                *b as f64 / 1e6
            );
        }
        cumulative += self.buckets[BOUNDS_US.len()].load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {cumulative}");
        let _ = writeln!(
            out,
            "{name}_sum {}\n{name}_count {}",
            self.sum_us.load(Relaxed) as f64 / 1e6,
            self.count.load(Relaxed)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_bounded() {
        let h = Histogram::default();
        for us in [5, 10, 11, 1_000, 1_000_000] {
            h.observe_us(us);
        }
        let mut out = String::new();
        h.render(&mut out, "t", "test");
        assert!(out.contains("t_bucket{le=\"0.00001\"} 2"), "{out}");
        assert!(out.contains("t_bucket{le=\"+Inf\"} 5"));
        assert!(out.contains("t_count 5"));
        assert_eq!(h.max_us(), 1_000_000);
    }
}

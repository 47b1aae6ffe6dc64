//! `LatencyHistogram`: a lock-free log-linear histogram of microseconds shared by every
//! load-generator client, precise to about 6 % from 64 µs up and exact below.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Buckets per power of two above [`LINEAR`].
const SUB: u64 = 16;
/// Values below this get a bucket each.
const LINEAR: u64 = 64;
/// Powers of two covered above [`LINEAR`] (64 µs << 26 is about 71 minutes).
const OCTAVES: u64 = 26;
const BUCKETS: usize = (LINEAR + OCTAVES * SUB) as usize + 1;

/// Counts of microsecond observations.
#[derive(Debug)]
pub(crate) struct LatencyHistogram {
    buckets: Box<[AtomicU64]>,
    max_us: AtomicU64,
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        LatencyHistogram {
            buckets: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            max_us: AtomicU64::new(0),
        }
    }
}

fn index(us: u64) -> usize {
    if us < LINEAR {
        return us as usize;
    }
    // LINEAR is 2^6: octave 0 covers [64, 128), each octave split into SUB equal parts.
    let octave = u64::from(63 - us.leading_zeros()) - 6;
    if octave >= OCTAVES {
        return BUCKETS - 1;
    }
    let sub = (us >> (octave + 2)) - SUB;
    (LINEAR + octave * SUB + sub) as usize
}

/// The largest value a bucket holds (inclusive).
fn upper(i: usize) -> u64 {
    let i = i as u64;
    if i < LINEAR {
        return i;
    }
    let octave = (i - LINEAR) / SUB;
    let sub = (i - LINEAR) % SUB;
    ((SUB + sub + 1) << (octave + 2)) - 1
}

impl LatencyHistogram {
    /// Records one observation.
    pub(crate) fn observe_us(&self, us: u64) {
        self.buckets[index(us).min(BUCKETS - 1)].fetch_add(1, Relaxed);
        self.max_us.fetch_max(us, Relaxed);
    }

    /// Observations so far.
    pub(crate) fn count(&self) -> u64 {
        self.buckets.iter().map(|b| b.load(Relaxed)).sum()
    }

    /// The upper bound of the bucket holding quantile `q` (0..=1), in microseconds; `None`
    /// when empty. The last bucket reports the largest observation.
    pub(crate) fn quantile_us(&self, q: f64) -> Option<u64> {
        let counts: Vec<u64> = self.buckets.iter().map(|b| b.load(Relaxed)).collect();
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, c) in counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let max = self.max_us.load(Relaxed);
                return Some(if i == BUCKETS - 1 {
                    max
                } else {
                    upper(i).min(max)
                });
            }
        }
        Some(self.max_us.load(Relaxed))
    }

    /// The largest observation, when there is one.
    pub(crate) fn max_us(&self) -> Option<u64> {
        (self.count() > 0).then(|| self.max_us.load(Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_hold_their_values() {
        for us in (0..5_000).chain([65_535, 1 << 20, (1 << 31) - 1]) {
            let i = index(us);
            assert!(us <= upper(i), "{us} above bucket {i}");
            if i > 0 {
                assert!(us > upper(i - 1), "{us} below bucket {i}");
            }
            // Relative width stays under 1/16 above the linear range.
            assert!(upper(i) - us <= us / 16 + 1, "{us}");
        }
        assert_eq!(index(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn quantiles() {
        let h = LatencyHistogram::default();
        assert_eq!(h.quantile_us(0.5), None);
        for us in 1..=100 {
            h.observe_us(us * 100);
        }
        let p50 = h.quantile_us(0.5).expect("some");
        assert!((5_000..=5_320).contains(&p50), "{p50}");
        let p99 = h.quantile_us(0.99).expect("some");
        assert!((9_900..=10_000).contains(&p99), "{p99}");
        assert_eq!(h.quantile_us(1.0), Some(10_000));
        assert_eq!(h.max_us(), Some(10_000));
    }
}

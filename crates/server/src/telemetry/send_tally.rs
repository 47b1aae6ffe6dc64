//! `SendTally`: what one pass of sending adds to the counters, summed locally and added once.
//!
//! The fan-out pass writes to hundreds of sessions from two or more threads; an atomic add per
//! message on the same shared counters would bounce their cache lines between the cores on
//! every send, so each chunk of the pass counts here and adds its sums at the end.

use super::metrics::Metrics;

/// Counts not yet added to [`Metrics`]; [`SendTally::add_to`] adds and clears them.
#[derive(Debug, Default)]
pub(crate) struct SendTally {
    /// WebSocket payload bytes written.
    pub(crate) bytes_out: u64,
    /// Snapshots written.
    pub(crate) snapshots_sent: u64,
    /// Snapshots skipped because a newer one was ready first.
    pub(crate) snapshots_skipped: u64,
    /// Delta encodings reused.
    pub(crate) encode_cache_hits: u64,
    /// Delta encodings computed.
    pub(crate) encode_cache_misses: u64,
    /// Snapshots the pass left to their session's own task.
    pub(crate) handed_over: u64,
    /// How long each delta computed took, in microseconds.
    pub(crate) encode_micros: Vec<u64>,
}

impl SendTally {
    /// Adds the counts to `metrics` and starts again from zero.
    pub(crate) fn add_to(&mut self, metrics: &Metrics) {
        let t = std::mem::take(self);
        for (counter, n) in [
            (&metrics.bytes_out, t.bytes_out),
            (&metrics.snapshots_sent, t.snapshots_sent),
            (&metrics.snapshots_skipped, t.snapshots_skipped),
            (&metrics.encode_cache_hits, t.encode_cache_hits),
            (&metrics.encode_cache_misses, t.encode_cache_misses),
            (&metrics.fan_out_handed_over, t.handed_over),
        ] {
            if n > 0 {
                counter.inc_by(n);
            }
        }
        for micros in t.encode_micros {
            metrics.record_encode(micros);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_added_once_and_cleared() {
        let metrics = Metrics::default();
        let mut tally = SendTally {
            bytes_out: 10,
            snapshots_sent: 2,
            handed_over: 1,
            ..SendTally::default()
        };
        tally.add_to(&metrics);
        tally.add_to(&metrics);
        assert_eq!(metrics.bytes_out.get(), 10);
        assert_eq!(metrics.snapshots_sent.get(), 2);
        assert_eq!(metrics.fan_out_handed_over.get(), 1);
    }
}

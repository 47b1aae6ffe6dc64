//! `MatchKeys`: the unique key of every match result a server process ends, with which the
//! store tells a result written twice (a write tried again after its commit's answer was lost)
//! from a new one, and stores it once.
//!
//! A key is the process's instance id, 128 random bits made when the server starts, and the
//! result's number in this process: `9f0c…e1-17` (32 hex digits, a dash, a count from 1). The
//! random bits keep two processes' keys apart (whether they run side by side on one database or
//! one after the other), the count keeps one process's apart, and no match waits on the
//! system's random generator. Should the generator fail at start, the instance id is made of
//! the time in nanoseconds and the process id instead, which is still unique in practice.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::auth::random_hex::random_hex;

/// Bytes of randomness in an instance id.
const INSTANCE_BYTES: usize = 16;

/// Makes the keys of one server process's match results.
#[derive(Debug)]
pub struct MatchKeys {
    instance: String,
    made: AtomicU64,
}

impl MatchKeys {
    /// Keys under a fresh instance id.
    pub fn new() -> MatchKeys {
        let instance = random_hex(INSTANCE_BYTES).unwrap_or_else(|| {
            tracing::error!(
                "the system's random generator failed; match keys are made from the time and the process id"
            );
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            format!("t{nanos:x}p{:x}", std::process::id())
        });
        MatchKeys {
            instance,
            made: AtomicU64::new(0),
        }
    }

    /// The key of the next match result: never the same twice.
    pub fn next_key(&self) -> String {
        let n = self.made.fetch_add(1, Relaxed) + 1;
        format!("{}-{n}", self.instance)
    }
}

impl Default for MatchKeys {
    fn default() -> Self {
        MatchKeys::new()
    }
}

#[cfg(test)]
mod tests {
    use super::MatchKeys;

    #[test]
    fn keys_differ_within_a_process_and_between_processes() {
        let (a, b) = (MatchKeys::new(), MatchKeys::new());
        let (a1, a2, b1) = (a.next_key(), a.next_key(), b.next_key());
        assert_ne!(a1, a2);
        assert_ne!(a1, b1);
        let (instance, count) = a2.split_once('-').expect("instance-count");
        assert_eq!(instance.len(), 32);
        assert!(instance.bytes().all(|c| c.is_ascii_hexdigit()), "{a2}");
        assert_eq!(count, "2");
    }
}

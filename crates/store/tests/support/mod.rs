//! What the store's test binaries share: a match result to write, and waiting for commits.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use tickwire_store::{EndedBy, MatchRecord, PlayerScore, Store, Write};

/// A match result with a key of its own.
pub fn a_match(room: u32, players: Vec<PlayerScore>) -> Write {
    static NEXT_KEY: AtomicU64 = AtomicU64::new(1);
    Write::Match(MatchRecord {
        key: format!("test-{}", NEXT_KEY.fetch_add(1, Relaxed)),
        room,
        game: "arena".into(),
        map: "arena".into(),
        started_ms: 1_000,
        ended_ms: 61_000,
        ended_by: EndedBy::Clock,
        players,
    })
}

/// Waits until the store has committed `n` writes (or fails after 30 s).
pub async fn committed(store: &Store, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while store.stats().committed < n {
        assert!(
            Instant::now() < deadline,
            "not committed: {:?}",
            store.stats()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

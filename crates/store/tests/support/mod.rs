//! What the store's test binaries share: score lines and match results to write, reading a
//! player's standing back, and waiting for commits.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use tickwire_store::{
    EndedBy, MatchRecord, PlayerRecord, PlayerScore, Standing, Store, StoreStats, Write,
};

/// An arena line: columns `kills` and `deaths`, rating kills minus deaths.
pub fn score(id: &str, kills: i64, deaths: i64) -> PlayerScore {
    line(id, kills - deaths, &[("kills", kills), ("deaths", deaths)])
}

/// A line with `columns` and the `rating` the game made of them.
pub fn line(id: &str, rating: i64, columns: &[(&str, i64)]) -> PlayerScore {
    PlayerScore {
        player_id: id.into(),
        name: id.trim_start_matches("guest:").into(),
        rating,
        columns: columns.iter().map(|(n, v)| (n.to_string(), *v)).collect(),
        played_ms: 60_000,
    }
}

/// An arena match result with a key of its own.
pub fn a_match(room: u32, players: Vec<PlayerScore>) -> Write {
    a_match_of("arena", room, players)
}

/// A match result of `game` with a key of its own.
pub fn a_match_of(game: &str, room: u32, players: Vec<PlayerScore>) -> Write {
    static NEXT_KEY: AtomicU64 = AtomicU64::new(1);
    Write::Match(MatchRecord {
        key: format!("test-{}", NEXT_KEY.fetch_add(1, Relaxed)),
        room,
        game: game.into(),
        map: "arena".into(),
        started_ms: 1_000,
        ended_ms: 61_000,
        ended_by: EndedBy::Clock,
        players,
    })
}

/// The player's standing in `game` (the test fails without one).
pub fn standing<'a>(record: &'a PlayerRecord, game: &str) -> &'a Standing {
    record
        .games
        .iter()
        .find(|s| s.game == game)
        .unwrap_or_else(|| panic!("no standing in {game}: {record:?}"))
}

/// The total of column `name` in `standing` (0 when it has none).
pub fn total(standing: &Standing, name: &str) -> i64 {
    standing
        .totals
        .iter()
        .find(|(n, _)| n == name)
        .map_or(0, |(_, v)| *v)
}

/// Columns as `&str` pairs, for comparing with literals.
pub fn columns(columns: &[(String, i64)]) -> Vec<(&str, i64)> {
    columns.iter().map(|(n, v)| (n.as_str(), *v)).collect()
}

/// Waits until the store has committed `n` writes (or fails after 30 s).
pub async fn committed(store: &Store, n: u64) {
    until(store, &format!("{n} committed"), |s| s.committed >= n).await;
}

/// Waits until the store's counters show `done` (or fails after 30 s, a bound on failure
/// only): the one place the store's tests poll, since the counters have no notification.
pub async fn until(store: &Store, what: &str, done: impl Fn(&StoreStats) -> bool) -> StoreStats {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let stats = store.stats();
        if done(&stats) {
            return stats;
        }
        assert!(Instant::now() < deadline, "{what}: not in time: {stats:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

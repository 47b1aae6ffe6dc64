//! The leaderboard feed: a task that turns the store's change feed into the newest encoded
//! `ServerMsg::Leaderboard`, which every subscribed session's writer sends when it changes.
//!
//! No polling: the task sleeps until the store reports a committed change to the players table,
//! waits a moment for the rest of a burst, reads the top rows once, and publishes them on a
//! `watch` (latest wins, so a slow session never queues boards).

use std::sync::Arc;
use std::time::Duration;

use tickwire_protocol::{LeaderboardEntry, MAX_LEADERBOARD_ROWS, ServerMsg, codec};
use tickwire_store::{LeaderboardRow, Store, Table};
use tokio::sync::{broadcast, watch};

/// Rows pushed to subscribed clients.
pub const PUSHED_ROWS: usize = 10;

/// How long the feed gathers a burst of changes before it reads the board once.
const GATHER: Duration = Duration::from_millis(25);

/// The newest encoded leaderboard; `None` until it has been read once.
pub type BoardReceiver = watch::Receiver<Option<Arc<Vec<u8>>>>;

/// Starts the task for the leaderboard of `game` (the server's game, as its rooms store their
/// results); it ends when the store's feed closes or the handle is aborted.
pub(crate) fn spawn(store: Store, game: String) -> (BoardReceiver, tokio::task::JoinHandle<()>) {
    let (tx, rx) = watch::channel(None);
    let task = tokio::spawn(async move {
        let mut changes = store.subscribe();
        publish(&store, &game, &tx).await;
        loop {
            match changes.recv().await {
                // A board is made of standings and the players' names.
                Ok(c) if !matches!(c.table, Table::Players | Table::Standings) => continue,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            }
            tokio::time::sleep(GATHER).await;
            while changes.try_recv().is_ok() {}
            publish(&store, &game, &tx).await;
        }
    });
    (rx, task)
}

/// Reads the top rows and publishes them when they differ from the last published.
async fn publish(store: &Store, game: &str, tx: &watch::Sender<Option<Arc<Vec<u8>>>>) {
    let rows = match store.leaderboard(game, PUSHED_ROWS).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the leaderboard");
            return;
        }
    };
    let mut bytes = Vec::new();
    if codec::encode_server(&ServerMsg::Leaderboard(entries(&rows)), &mut bytes).is_err() {
        return;
    }
    tx.send_if_modified(|old| {
        if old.as_ref().is_some_and(|o| **o == bytes) {
            return false;
        }
        *old = Some(Arc::new(bytes));
        true
    });
}

/// Store rows as the wire carries them (at most [`MAX_LEADERBOARD_ROWS`]).
pub fn entries(rows: &[LeaderboardRow]) -> Vec<LeaderboardEntry> {
    rows.iter().take(MAX_LEADERBOARD_ROWS).map(entry).collect()
}

/// One store row as the wire carries it; numbers saturate. The one place the store's columns
/// become the wire's: today the arena's `kills` and `deaths` totals (0 when a row has none),
/// and `best_kills`, which the store no longer keeps, carries the closest it does keep: the
/// best rating of one match (kills minus deaths, at least 0).
pub fn entry(r: &LeaderboardRow) -> LeaderboardEntry {
    let sat = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
    let total = |name: &str| {
        r.totals
            .iter()
            .find(|(column, _)| column == name)
            .map_or(0, |(_, v)| sat(*v))
    };
    LeaderboardEntry {
        rank: u16::try_from(r.rank).unwrap_or(u16::MAX),
        name: r
            .name
            .chars()
            .take(tickwire_protocol::MAX_NAME_CHARS)
            .collect(),
        rating: i32::try_from(r.rating).unwrap_or(if r.rating < 0 { i32::MIN } else { i32::MAX }),
        kills: total("kills"),
        deaths: total("deaths"),
        matches: sat(r.matches),
        best_kills: sat(r.best),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_row_becomes_todays_wire_entry() {
        let row = LeaderboardRow {
            rank: 2,
            player_id: "guest:ada".into(),
            name: "ada".into(),
            rating: -3,
            matches: 4,
            best: 6,
            totals: vec![("deaths".into(), 11), ("kills".into(), 8)],
        };
        assert_eq!(
            entry(&row),
            LeaderboardEntry {
                rank: 2,
                name: "ada".into(),
                rating: -3,
                kills: 8,
                deaths: 11,
                matches: 4,
                best_kills: 6,
            }
        );
        // A row without the arena's columns, a negative best and numbers past the wire's.
        let odd = LeaderboardRow {
            rating: i64::MAX,
            best: -2,
            totals: vec![("tags".into(), 5)],
            ..row
        };
        let e = entry(&odd);
        assert_eq!(
            (e.rating, e.kills, e.deaths, e.best_kills),
            (i32::MAX, 0, 0, 0)
        );
    }
}

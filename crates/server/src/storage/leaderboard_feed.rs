//! The leaderboard feed: a task that turns the store's change feed into the newest encoded
//! `ServerMsg::Leaderboard`, which every subscribed session's writer sends when it changes.
//!
//! No polling: the task sleeps until the store reports a committed change to the players table,
//! waits a moment for the rest of a burst, reads the top rows once, and publishes them on a
//! `watch` (latest wins, so a slow session never queues boards).

use std::sync::Arc;
use std::time::Duration;

use tickwire_protocol::{LeaderboardEntry, MAX_LEADERBOARD_ROWS, ScoreColumn, ServerMsg, codec};
use tickwire_store::{LeaderboardRow, Store, Table};
use tokio::sync::{broadcast, watch};

/// Rows pushed to subscribed clients.
pub const PUSHED_ROWS: usize = 10;

/// How long the feed gathers a burst of changes before it reads the board once.
const GATHER: Duration = Duration::from_millis(25);

/// The newest encoded leaderboard; `None` until it has been read once.
pub type BoardReceiver = watch::Receiver<Option<Arc<Vec<u8>>>>;

/// Starts the task for the leaderboard of `game` (the server's game, as its rooms store their
/// results), whose score columns are `columns`; it ends when the store's feed closes or the
/// handle is aborted.
pub(crate) fn spawn(
    store: Store,
    game: String,
    columns: Vec<ScoreColumn>,
) -> (BoardReceiver, tokio::task::JoinHandle<()>) {
    let (tx, rx) = watch::channel(None);
    let task = tokio::spawn(async move {
        let mut changes = store.subscribe();
        publish(&store, &game, &columns, &tx).await;
        loop {
            match changes.recv().await {
                // A board is made of standings and the players' names.
                Ok(c) if !matches!(c.table, Table::Players | Table::Standings) => continue,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            }
            tokio::time::sleep(GATHER).await;
            while changes.try_recv().is_ok() {}
            publish(&store, &game, &columns, &tx).await;
        }
    });
    (rx, task)
}

/// Reads the top rows and publishes them when they differ from the last published.
async fn publish(
    store: &Store,
    game: &str,
    columns: &[ScoreColumn],
    tx: &watch::Sender<Option<Arc<Vec<u8>>>>,
) {
    let rows = match store.leaderboard(game, PUSHED_ROWS).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the leaderboard");
            return;
        }
    };
    let mut bytes = Vec::new();
    if codec::encode_server(&ServerMsg::Leaderboard(entries(&rows, columns)), &mut bytes).is_err() {
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

/// Store rows as the wire carries them (at most [`MAX_LEADERBOARD_ROWS`]; numbers saturate),
/// with totals in the order of the game's score `columns`.
pub fn entries(rows: &[LeaderboardRow], columns: &[ScoreColumn]) -> Vec<LeaderboardEntry> {
    rows.iter()
        .take(MAX_LEADERBOARD_ROWS)
        .map(|r| crate::storage::store_scores::leaderboard_entry(r, columns))
        .collect()
}

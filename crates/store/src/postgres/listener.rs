//! The `LISTEN`ing connection: every `NOTIFY` of the tables' triggers becomes a
//! [`Change`] on the feed. A lost connection is opened again (with a growing wait), and once it
//! listens again a change of the players table is published, since notifications sent while it
//! was away are lost: subscribers read the board again. Each time it is back is counted
//! ([`crate::StoreStats::reconnects`]).

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use tokio::sync::broadcast;
use tokio_postgres::{AsyncMessage, NoTls};

use super::{CHANNEL, describe};
use crate::stats::Counters;
use crate::{Change, Table};

/// The first wait after a failed attempt; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// The longest wait between attempts: live updates are back at most this long after the
/// database.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// Listens until the task is aborted; `ready` is told once the first `LISTEN` is in place.
pub(crate) async fn listen(
    config: tokio_postgres::Config,
    changes: broadcast::Sender<Change>,
    counters: Arc<Counters>,
    ready: tokio::sync::oneshot::Sender<()>,
) {
    let mut ready = Some(ready);
    let mut wait = FIRST_BACKOFF;
    // Since when the listener has been without its connection, once it has had one.
    let mut lost_since: Option<Instant> = None;
    // Failed attempts in a row: the first of a run is a warning, the rest are details.
    let mut failures = 0u32;
    loop {
        match listen_once(&config, &changes).await {
            Ok((client, listening)) => {
                wait = FIRST_BACKOFF;
                failures = 0;
                if let Some(since) = lost_since.take() {
                    counters.reconnects.fetch_add(1, Relaxed);
                    tracing::info!(down_for = ?since.elapsed(), "PostgreSQL listener connected again; live updates go on");
                    // Notifications sent meanwhile are lost: have subscribers read the board.
                    let _ = changes.send(Change {
                        table: Table::Players,
                        key: String::new(),
                    });
                }
                if let Some(ready) = ready.take() {
                    let _ = ready.send(());
                }
                let ended = listening.await;
                drop(client);
                lost_since = Some(Instant::now());
                let error = ended.ok().flatten().unwrap_or_default();
                tracing::warn!(%error, "PostgreSQL listener connection lost; connecting again");
            }
            Err(e) => {
                failures += 1;
                if failures == 1 {
                    tracing::warn!(
                        error = describe(&e),
                        "cannot connect the PostgreSQL listener; trying again until it connects"
                    );
                } else {
                    tracing::debug!(error = describe(&e), retry_in = ?wait, "cannot connect the PostgreSQL listener");
                }
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Connects and `LISTEN`s: the client (the connection stays open while it is held) and the
/// task that turns notifications into changes, which ends with the connection (with its
/// error, if it had one).
async fn listen_once(
    config: &tokio_postgres::Config,
    changes: &broadcast::Sender<Change>,
) -> Result<
    (
        tokio_postgres::Client,
        tokio::task::JoinHandle<Option<String>>,
    ),
    tokio_postgres::Error,
> {
    let (client, mut connection) = config.connect(NoTls).await?;
    let feed = changes.clone();
    // The connection must be driven for LISTEN to complete; notifications arrive here.
    let driver = tokio::spawn(async move {
        while let Some(message) = std::future::poll_fn(|cx| connection.poll_message(cx)).await {
            match message {
                Ok(AsyncMessage::Notification(n)) => {
                    if let Some(change) = parse(n.payload()) {
                        let _ = feed.send(change);
                    }
                }
                Ok(_) => {}
                Err(e) => return Some(describe(&e)),
            }
        }
        None
    });
    match client.batch_execute(&format!("LISTEN {CHANNEL}")).await {
        Ok(()) => Ok((client, driver)),
        Err(e) => {
            driver.abort();
            Err(e)
        }
    }
}

/// `table:key` as a change.
fn parse(payload: &str) -> Option<Change> {
    let (table, key) = payload.split_once(':')?;
    Some(Change {
        table: Table::from_name(table)?,
        key: key.to_owned(),
    })
}

//! The writer thread: takes writes off the queue in batches, commits each batch as one
//! transaction, and publishes what the commit changed. A batch that meets a busy database (a
//! lock held by another process) is kept and tried again until it commits, as the PostgreSQL
//! writer keeps a batch through an outage; only a full queue loses writes then.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use rusqlite::hooks::Action;
use tokio::sync::{broadcast, mpsc};

use crate::applied::BatchOutcome;
use crate::record::{Change, Table, Write};
use crate::sqlite;
use crate::stats::Counters;

/// How often a batch that failed for a reason other than a busy database is tried before its
/// writes are given up (and counted as failed).
const ATTEMPTS: u32 = 5;
/// The first wait after a failed attempt; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// The longest wait between attempts (on top of SQLite's own busy timeout).
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// True when `e` says another connection holds the lock: the same batch commits once it lets go.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// The writer's state; [`Writer::run`] owns the thread.
pub(crate) struct Writer {
    pub(crate) conn: Connection,
    pub(crate) queue: mpsc::Receiver<Write>,
    pub(crate) changes: broadcast::Sender<Change>,
    pub(crate) counters: Arc<Counters>,
    pub(crate) max_batch: usize,
}

impl Writer {
    /// Runs until every sender is gone and the queue is empty.
    pub(crate) fn run(mut self) {
        // The update hook fires inside the transaction, row by row; the rows are published only
        // once the transaction has committed (and forgotten when it rolls back).
        let touched: Arc<Mutex<BTreeSet<Change>>> = Arc::default();
        let hook_touched = touched.clone();
        self.conn.update_hook(Some(
            move |_: Action, _db: &str, table: &str, rowid: i64| {
                if let Some(table) = Table::from_name(table) {
                    hook_touched
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(Change {
                            table,
                            key: rowid.to_string(),
                        });
                }
            },
        ));
        let mut batch = Vec::with_capacity(self.max_batch);
        while let Some(first) = self.queue.blocking_recv() {
            if self.counters.give_up.load(Relaxed) {
                break;
            }
            batch.clear();
            batch.push(first);
            while batch.len() < self.max_batch {
                match self.queue.try_recv() {
                    Ok(w) => batch.push(w),
                    Err(_) => break,
                }
            }
            self.commit_with_retries(&batch, &touched);
        }
        tracing::debug!("store writer stopped");
    }

    /// Commits `batch`. While the database is busy (another connection or process holds its
    /// write lock past the busy timeout) the batch is kept and tried again with a growing wait,
    /// for as long as it takes: a lock held for minutes loses nothing. Any other failure is
    /// tried [`ATTEMPTS`] times, then the batch is lost (logged and counted). A store closing
    /// while the database stays busy gives up after the close's wait (see [`Counters::give_up`]).
    fn commit_with_retries(&mut self, batch: &[Write], touched: &Mutex<BTreeSet<Change>>) {
        let mut attempt = 0;
        let mut wait = FIRST_BACKOFF;
        let mut busy_since: Option<Instant> = None;
        loop {
            touched
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clear();
            let e = match self.commit(batch) {
                Ok(outcome) => {
                    if let Some(since) = busy_since {
                        tracing::info!(
                            busy_for = ?since.elapsed(),
                            writes = batch.len() + self.queue.len(),
                            "the database takes writes again; storing those kept meanwhile"
                        );
                    }
                    outcome.committed(&self.counters, batch.len());
                    let changed = std::mem::take(
                        &mut *touched.lock().unwrap_or_else(PoisonError::into_inner),
                    );
                    for change in changed {
                        // No subscriber is fine: nobody is watching.
                        let _ = self.changes.send(change);
                    }
                    return;
                }
                Err(e) => e,
            };
            if is_busy(&e) {
                if busy_since.is_none() {
                    busy_since = Some(Instant::now());
                    self.counters.outages.fetch_add(1, Relaxed);
                    tracing::warn!(
                        error = %e,
                        writes = batch.len() + self.queue.len(),
                        "the database is locked by another connection; keeping the writes queued and trying again until it lets go"
                    );
                }
            } else {
                attempt += 1;
                if attempt >= ATTEMPTS {
                    tracing::error!(error = %e, writes = batch.len(), "store batch failed; its writes are lost");
                    self.counters.failed.fetch_add(batch.len() as u64, Relaxed);
                    return;
                }
                tracing::warn!(error = %e, attempt, "store batch failed; trying again");
            }
            self.counters.retries.fetch_add(1, Relaxed);
            if self.counters.give_up.load(Relaxed) {
                // Counted as abandoned by `Store::close`, with the writes still queued.
                return;
            }
            std::thread::sleep(wait);
            wait = (wait * 2).min(MAX_BACKOFF);
        }
    }

    /// One transaction for the whole batch: stored whole or not at all. Tried again after a
    /// failure, a match result that did commit is not stored twice (its key is taken).
    fn commit(&mut self, batch: &[Write]) -> Result<BatchOutcome, rusqlite::Error> {
        let tx = self.conn.transaction()?;
        let mut outcome = BatchOutcome::default();
        for write in batch {
            outcome.add(write, sqlite::apply(&tx, write)?);
        }
        tx.commit()?;
        Ok(outcome)
    }
}

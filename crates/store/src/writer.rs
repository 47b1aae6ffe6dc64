//! The writer thread: takes writes off the queue in batches, commits each batch as one
//! transaction, and publishes what the commit changed.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::Connection;
use rusqlite::hooks::Action;
use tokio::sync::{broadcast, mpsc};

use crate::applied::BatchOutcome;
use crate::record::{Change, Table, Write};
use crate::sqlite;
use crate::stats::Counters;

/// How often a failed batch is tried before its writes are given up (and counted as failed).
const ATTEMPTS: u32 = 5;

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

    fn commit_with_retries(&mut self, batch: &[Write], touched: &Mutex<BTreeSet<Change>>) {
        for attempt in 1..=ATTEMPTS {
            touched
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clear();
            match self.commit(batch) {
                Ok(outcome) => {
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
                Err(e) if attempt < ATTEMPTS => {
                    self.counters.retries.fetch_add(1, Relaxed);
                    tracing::warn!(error = %e, attempt, "store batch failed; trying again");
                    std::thread::sleep(Duration::from_millis(100 * u64::from(attempt)));
                }
                Err(e) => {
                    tracing::error!(error = %e, writes = batch.len(), "store batch failed; its writes are lost");
                    self.counters.failed.fetch_add(batch.len() as u64, Relaxed);
                }
            }
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

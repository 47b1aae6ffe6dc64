//! The PostgreSQL writer task: batches off the queue, one transaction per batch. A batch that
//! fails because the database cannot be reached (restarting, the network down) stays queued and
//! is tried again, with a growing wait, until it commits: an outage loses nothing that was
//! queued. Meanwhile the queue fills, and writes past its bound are refused and counted, as
//! always. A batch the database refuses for what it holds (a value it does not take) is stored
//! one write per transaction instead, so that only the write it refuses is lost (and counted).
//! A batch whose commit went through unanswered (the connection lost at that moment) is tried
//! again like any other: its match results' keys are taken, so nothing is stored twice.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use deadpool_postgres::Pool;
use tokio::sync::mpsc;

use super::describe;
use super::queries::apply;
use crate::Write;
use crate::applied::BatchOutcome;
use crate::stats::Counters;

/// The first wait after a failed batch; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// The longest wait between attempts: the kept writes are stored at most this long after the
/// database is back.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// Why a transaction did not commit.
#[derive(Debug)]
enum Failure {
    /// The database could not be reached or gave up on the transaction for reasons of its own:
    /// the same writes may commit later.
    Unreachable(String),
    /// The database refused what the writes hold: trying them again would fail again.
    Refused(String),
}

/// The writer's state: the pool, the counters, and since when the database has been down.
struct PgWriter {
    pool: Pool,
    counters: Arc<Counters>,
    down_since: Option<Instant>,
}

/// Runs until every sender is gone and the queue is empty.
pub(crate) async fn run_writer(
    pool: Pool,
    mut queue: mpsc::Receiver<Write>,
    counters: Arc<Counters>,
    max_batch: usize,
) {
    let mut writer = PgWriter {
        pool,
        counters,
        down_since: None,
    };
    let mut batch = Vec::with_capacity(max_batch);
    while let Some(first) = queue.recv().await {
        batch.clear();
        batch.push(first);
        while batch.len() < max_batch {
            match queue.try_recv() {
                Ok(w) => batch.push(w),
                Err(_) => break,
            }
        }
        writer.store(&batch, &queue).await;
    }
    tracing::debug!("store writer stopped");
}

impl PgWriter {
    /// Stores `batch` whole, or (when the database refuses it) each write that it takes.
    async fn store(&mut self, batch: &[Write], queue: &mpsc::Receiver<Write>) {
        let Err(refused) = self.commit_until_reachable(batch, queue).await else {
            return;
        };
        if let [_] = batch {
            self.lose(1, &refused);
            return;
        }
        tracing::warn!(error = %refused, writes = batch.len(), "PostgreSQL refused a batch of writes; storing them one by one");
        for write in batch {
            if let Err(refused) = self
                .commit_until_reachable(std::slice::from_ref(write), queue)
                .await
            {
                self.lose(1, &refused);
            }
        }
    }

    /// Commits `batch`, trying again for as long as the database cannot be reached; the error
    /// when it refuses the batch.
    async fn commit_until_reachable(
        &mut self,
        batch: &[Write],
        queue: &mpsc::Receiver<Write>,
    ) -> Result<(), String> {
        let mut wait = FIRST_BACKOFF;
        loop {
            match commit(&self.pool, batch).await {
                Ok(outcome) => {
                    if let Some(since) = self.down_since.take() {
                        tracing::info!(
                            down_for = ?since.elapsed(),
                            queued = queue.len() + batch.len(),
                            "PostgreSQL takes writes again; storing those kept meanwhile"
                        );
                    }
                    outcome.committed(&self.counters, batch.len());
                    return Ok(());
                }
                Err(Failure::Refused(e)) => return Err(e),
                Err(Failure::Unreachable(e)) => {
                    self.counters.retries.fetch_add(1, Relaxed);
                    if self.down_since.is_none() {
                        self.down_since = Some(Instant::now());
                        self.counters.outages.fetch_add(1, Relaxed);
                        tracing::warn!(
                            error = %e,
                            queued = queue.len() + batch.len(),
                            "PostgreSQL cannot take writes; keeping them queued and trying again until it can"
                        );
                    } else {
                        tracing::debug!(error = %e, retry_in = ?wait, "PostgreSQL still cannot take writes");
                    }
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    /// Counts `writes` the database refused as lost.
    fn lose(&self, writes: u64, error: &str) {
        tracing::error!(%error, writes, "PostgreSQL refused a write; it is lost");
        self.counters.failed.fetch_add(writes, Relaxed);
    }
}

/// One transaction for the whole batch, and what it did. A batch tried again after its commit
/// went through unanswered (the connection lost meanwhile) stores no match twice: their keys are
/// taken.
async fn commit(pool: &Pool, batch: &[Write]) -> Result<BatchOutcome, Failure> {
    let mut client = pool
        .get()
        .await
        .map_err(|e| Failure::Unreachable(describe(&e)))?;
    let tx = client.transaction().await.map_err(failure)?;
    let mut outcome = BatchOutcome::default();
    for write in batch {
        outcome.add(write, apply(&tx, write).await.map_err(failure)?);
    }
    tx.commit().await.map_err(failure)?;
    Ok(outcome)
}

/// Sorts an error: no SQLSTATE (the connection failed) or one of a class that says the database
/// is unavailable, out of resources or gave up on the transaction by itself (connection
/// exception 08, transaction rollback 40, insufficient resources 53, object not in prerequisite
/// state 55, operator intervention 57, system error 58) is worth trying again; any other
/// SQLSTATE refuses the writes themselves.
fn failure(e: tokio_postgres::Error) -> Failure {
    match e.code() {
        Some(code) if !is_transient(code.code()) => Failure::Refused(describe(&e)),
        _ => Failure::Unreachable(describe(&e)),
    }
}

/// Whether SQLSTATE `code` is of a class worth trying again.
fn is_transient(code: &str) -> bool {
    ["08", "40", "53", "55", "57", "58"]
        .iter()
        .any(|class| code.starts_with(class))
}

#[cfg(test)]
mod tests {
    use super::is_transient;

    #[test]
    fn unavailability_is_transient_and_bad_values_are_not() {
        // admin_shutdown, cannot_connect_now, connection_failure, serialization_failure,
        // too_many_connections, lock_not_available.
        for code in ["57P01", "57P03", "08006", "40001", "53300", "55P03"] {
            assert!(is_transient(code), "{code}");
        }
        // character_not_in_repertoire (a NUL in a string), unique_violation, undefined_table.
        for code in ["22021", "23505", "42P01"] {
            assert!(!is_transient(code), "{code}");
        }
    }
}

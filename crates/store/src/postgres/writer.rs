//! The PostgreSQL writer task: batches off the queue, one transaction per batch, and a batch
//! that fails (the server restarting, the network down) is tried again until it commits, so a
//! restart of the database loses nothing that was queued. Meanwhile the queue fills, and writes
//! past its bound are refused and counted, as always.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use deadpool_postgres::Pool;
use tokio::sync::mpsc;

use super::queries::apply;
use crate::Write;
use crate::stats::Counters;

/// The first wait after a failed batch; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Runs until every sender is gone and the queue is empty.
pub(crate) async fn run_writer(
    pool: Pool,
    mut queue: mpsc::Receiver<Write>,
    counters: Arc<Counters>,
    max_batch: usize,
) {
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
        let mut wait = FIRST_BACKOFF;
        loop {
            match commit(&pool, &batch).await {
                Ok(match_ids) => {
                    counters.batches.fetch_add(1, Relaxed);
                    counters.committed.fetch_add(batch.len() as u64, Relaxed);
                    for id in match_ids {
                        tracing::info!(match_id = id, "match result stored");
                    }
                    break;
                }
                Err(e) => {
                    tracing::warn!(error = %e, writes = batch.len(), retry_in = ?wait, "store batch failed; keeping it and trying again");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(MAX_BACKOFF);
                }
            }
        }
    }
    tracing::debug!("store writer stopped");
}

/// One transaction for the whole batch.
async fn commit(pool: &Pool, batch: &[Write]) -> Result<Vec<i64>, String> {
    let mut client = pool.get().await.map_err(|e| e.to_string())?;
    let tx = client.transaction().await.map_err(|e| e.to_string())?;
    let mut ids = Vec::new();
    for write in batch {
        if let Some(id) = apply(&tx, write).await.map_err(|e| e.to_string())? {
            ids.push(id);
        }
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(ids)
}

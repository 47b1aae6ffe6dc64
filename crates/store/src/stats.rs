//! `StoreStats`: what the store has done, for metrics.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Counts of the store's work since it opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Writes committed.
    pub committed: u64,
    /// Transactions committed (each holds a batch of writes).
    pub batches: u64,
    /// Writes refused because the queue was full, the store closed, or a score line was
    /// invalid: lost.
    pub dropped: u64,
    /// Writes lost because their transaction failed even after retries.
    pub failed: u64,
    /// Writes lost at shutdown: still queued when [`crate::Store::close`] gave up waiting for a
    /// database it could not reach.
    pub abandoned: u64,
    /// Match results not stored again because one with the same key already was: a write tried
    /// again after its commit had gone through unanswered. Nothing was lost or counted twice.
    pub duplicates: u64,
    /// Failed attempts to commit a batch that was then tried again (the database was down or
    /// refused the transaction); the batch stays queued meanwhile.
    pub retries: u64,
    /// Times the database could not be reached for writes after it had been (SQLite: was
    /// locked by another connection past its busy timeout): an outage began.
    pub outages: u64,
    /// Times the `LISTEN`ing connection (PostgreSQL) was opened again after it was lost.
    pub reconnects: u64,
    /// Writes waiting in the queue now.
    pub queued: u64,
}

/// The counters behind [`StoreStats`], shared by the handle and the writer thread.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Writes the queue took (each is later committed, failed or abandoned).
    pub(crate) accepted: AtomicU64,
    pub(crate) committed: AtomicU64,
    pub(crate) batches: AtomicU64,
    pub(crate) dropped: AtomicU64,
    pub(crate) failed: AtomicU64,
    pub(crate) abandoned: AtomicU64,
    pub(crate) duplicates: AtomicU64,
    pub(crate) retries: AtomicU64,
    pub(crate) outages: AtomicU64,
    pub(crate) reconnects: AtomicU64,
    /// Set by a closing store that waited long enough: SQLite's writer, still retrying, stops
    /// (PostgreSQL's writer task is aborted instead).
    #[cfg(feature = "sqlite")]
    pub(crate) give_up: std::sync::atomic::AtomicBool,
}

impl Counters {
    pub(crate) fn read(&self, queued: u64) -> StoreStats {
        StoreStats {
            committed: self.committed.load(Relaxed),
            batches: self.batches.load(Relaxed),
            dropped: self.dropped.load(Relaxed),
            failed: self.failed.load(Relaxed),
            abandoned: self.abandoned.load(Relaxed),
            duplicates: self.duplicates.load(Relaxed),
            retries: self.retries.load(Relaxed),
            outages: self.outages.load(Relaxed),
            reconnects: self.reconnects.load(Relaxed),
            queued,
        }
    }

    /// Writes the queue took that were neither committed nor refused: those a writer that
    /// stopped early left behind.
    pub(crate) fn unfinished(&self) -> u64 {
        let done = self.committed.load(Relaxed) + self.failed.load(Relaxed);
        self.accepted.load(Relaxed).saturating_sub(done)
    }
}

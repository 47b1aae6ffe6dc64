//! What applying writes did, for both backends' writers: [`Applied`] for one write, and
//! [`BatchOutcome`], what a committed batch is logged and counted as.

use std::sync::atomic::Ordering::Relaxed;

use crate::Write;
use crate::stats::Counters;

/// What applying one write inside a transaction did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Applied {
    /// A player was created or updated.
    Seen,
    /// A match result was stored under this id.
    Stored(i64),
    /// A match result with the same key was already stored: nothing changed.
    Duplicate,
    /// A match's recording was named or cleared (in as many rows as there were).
    Replay,
}

/// What a batch did, collected write by write and reported once its transaction committed.
#[derive(Debug, Default)]
pub(crate) struct BatchOutcome {
    /// The ids of the match results stored.
    stored: Vec<i64>,
    /// The keys of the match results already there.
    duplicates: Vec<String>,
}

impl BatchOutcome {
    /// Notes what applying `write` did.
    pub(crate) fn add(&mut self, write: &Write, applied: Applied) {
        match (applied, write) {
            (Applied::Stored(id), _) => self.stored.push(id),
            (Applied::Duplicate, Write::Match(m)) => self.duplicates.push(m.key.clone()),
            (Applied::Duplicate | Applied::Seen | Applied::Replay, _) => {}
        }
    }

    /// The batch of `writes` writes committed: counts it and logs each match result.
    pub(crate) fn committed(self, counters: &Counters, writes: usize) {
        counters.batches.fetch_add(1, Relaxed);
        counters.committed.fetch_add(writes as u64, Relaxed);
        counters
            .duplicates
            .fetch_add(self.duplicates.len() as u64, Relaxed);
        for id in self.stored {
            tracing::info!(match_id = id, "match result stored");
        }
        for key in self.duplicates {
            tracing::info!(
                match_key = %key,
                "match result already stored (a write tried again); not stored twice"
            );
        }
    }
}

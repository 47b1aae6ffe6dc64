//! `Store`: the handle the server holds. Writes go through a bounded queue to the writer thread;
//! reads run on a blocking thread; changes come out of a broadcast feed.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;
use tokio::sync::{broadcast, mpsc};

use crate::stats::Counters;
use crate::writer::Writer;
use crate::{
    Change, Database, LeaderboardRow, MAX_LEADERBOARD, PlayerRecord, RecordError, StoreError,
    StoreStats, Write, sqlite,
};

/// How a store queues and batches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreOptions {
    /// Writes the queue holds; past that, [`Store::record`] refuses (and counts) them.
    pub queue: usize,
    /// Most writes committed in one transaction.
    pub max_batch: usize,
    /// Changes the feed holds for a slow subscriber before it skips some.
    pub feed: usize,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            queue: 4096,
            max_batch: 256,
            feed: 1024,
        }
    }
}

/// The store: players, match results and the leaderboard. Cheap to clone; every clone is the
/// same store. See the crate's documentation for how writes, reads and changes flow.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    location: String,
    queue: Mutex<Option<mpsc::Sender<Write>>>,
    changes: broadcast::Sender<Change>,
    reader: Mutex<Connection>,
    counters: Arc<Counters>,
    writer: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("location", &self.inner.location)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the store `database` names, creating and migrating it; `None` when storage is off.
    pub fn open(database: &Database, options: StoreOptions) -> Result<Option<Store>, StoreError> {
        match database {
            Database::Off => Ok(None),
            Database::Sqlite(path) => Store::open_sqlite(path, options).map(Some),
            Database::Postgres(_) => Err(StoreError::Unsupported(
                "PostgreSQL storage is not in this build yet; use a file path (SQLite) or none"
                    .into(),
            )),
        }
    }

    /// Opens (creating when missing) the SQLite file at `path` and brings its schema up to
    /// date; refuses a file written by a newer tickwire. Starts the writer thread.
    pub fn open_sqlite(path: &Path, options: StoreOptions) -> Result<Store, StoreError> {
        let conn = sqlite::open_and_migrate(path)?;
        let reader = sqlite::open(path)?;
        let (tx, rx) = mpsc::channel(options.queue.max(1));
        let (changes, _) = broadcast::channel(options.feed.max(1));
        let counters = Arc::new(Counters::default());
        let writer = Writer {
            conn,
            queue: rx,
            changes: changes.clone(),
            counters: counters.clone(),
            max_batch: options.max_batch.max(1),
        };
        let handle = std::thread::Builder::new()
            .name("tickwire-store".into())
            .spawn(move || writer.run())
            .map_err(|e| {
                StoreError::Unsupported(format!("cannot start the store's writer: {e}"))
            })?;
        tracing::info!(path = %path.display(), "storage: SQLite");
        Ok(Store {
            inner: Arc::new(Inner {
                location: PathBuf::from(path).display().to_string(),
                queue: Mutex::new(Some(tx)),
                changes,
                reader: Mutex::new(reader),
                counters,
                writer: Mutex::new(Some(handle)),
            }),
        })
    }

    /// Where the store lives, for messages.
    pub fn location(&self) -> &str {
        &self.inner.location
    }

    /// Queues `write` for the writer and returns at once; never waits. When the queue is full
    /// (the database is slower than the writes coming in) or the store is closed, the write is
    /// lost: it is counted in [`StoreStats::dropped`] and the error says why.
    pub fn record(&self, write: Write) -> Result<(), RecordError> {
        let queue = self
            .inner
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let result = match queue.as_ref() {
            None => Err(RecordError::Closed),
            Some(tx) => tx.try_send(write).map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => RecordError::Full,
                mpsc::error::TrySendError::Closed(_) => RecordError::Closed,
            }),
        };
        if result.is_err() {
            self.inner.counters.dropped.fetch_add(1, Relaxed);
        }
        result
    }

    /// The top `limit` players (at most [`MAX_LEADERBOARD`]) by rating: kills minus deaths over
    /// every stored match, ties to more kills, then to the smaller id. Players with no finished
    /// match are not ranked.
    pub async fn leaderboard(&self, limit: usize) -> Result<Vec<LeaderboardRow>, StoreError> {
        let limit = limit.min(MAX_LEADERBOARD);
        self.read(move |conn| sqlite::leaderboard(conn, limit))
            .await
    }

    /// Everything stored about player `id`, or `None`.
    pub async fn player(&self, id: &str) -> Result<Option<PlayerRecord>, StoreError> {
        let id = id.to_owned();
        self.read(move |conn| sqlite::player(conn, &id)).await
    }

    /// The change feed: every row a committed write changed. A subscriber that falls more than
    /// [`StoreOptions::feed`] changes behind skips the oldest (and is told how many).
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.inner.changes.subscribe()
    }

    /// Counts of the work done so far.
    pub fn stats(&self) -> StoreStats {
        let queued = self
            .inner
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map_or(0, |tx| (tx.max_capacity() - tx.capacity()) as u64);
        self.inner.counters.read(queued)
    }

    /// Stops taking writes, waits until every queued write is committed, and stops the writer.
    /// Later [`Store::record`]s are refused; reads still work.
    pub async fn close(&self) {
        let sender = self
            .inner
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        drop(sender);
        let handle = self
            .inner
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(handle) = handle {
            let _ = tokio::task::spawn_blocking(move || handle.join()).await;
        }
    }

    async fn read<T, F>(&self, query: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, rusqlite::Error> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let conn = inner.reader.lock().unwrap_or_else(PoisonError::into_inner);
            query(&conn).map_err(StoreError::from)
        })
        .await
        .map_err(|_| StoreError::Closed)?
    }
}

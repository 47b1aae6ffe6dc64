//! `Store`: the handle the server holds. Writes go through a bounded queue to the writer thread;
//! reads run on a blocking thread; changes come out of a broadcast feed.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{broadcast, mpsc};

#[cfg(feature = "postgres")]
use crate::postgres;
use crate::stats::Counters;
use crate::{
    Change, Database, LeaderboardRow, MAX_LEADERBOARD, MAX_RECENT, PlayerRecord, RecentMatch,
    RecordError, StoreError, StoreStats, StoredReplay, Write,
};
#[cfg(feature = "sqlite")]
use crate::{sqlite, writer::Writer};

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
    reader: Reader,
    counters: Arc<Counters>,
    writer: Mutex<Option<WriterHandle>>,
    listener: Option<tokio::task::JoinHandle<()>>,
    /// Whether the last write was refused for a full queue (an overflow is logged once).
    overflowing: std::sync::atomic::AtomicBool,
    /// The queue's bound, for messages.
    queue_size: usize,
    /// SQLite: stops the thread watching for other processes' commits when the store goes.
    #[cfg(feature = "sqlite")]
    _watch: Option<crate::sqlite_watch::WatchStop>,
}

/// Where reads go: one variant per backend built (with none, no store can be opened).
enum Reader {
    #[cfg(feature = "sqlite")]
    Sqlite(Mutex<rusqlite::Connection>),
    #[cfg(feature = "postgres")]
    Postgres(deadpool_postgres::Pool),
}

/// What runs the writes: SQLite's thread or PostgreSQL's task.
enum WriterHandle {
    #[cfg(feature = "sqlite")]
    Thread(std::thread::JoinHandle<()>),
    #[cfg(feature = "postgres")]
    Task(tokio::task::JoinHandle<()>),
}

/// How long opening a PostgreSQL store waits for its listening connection.
#[cfg(feature = "postgres")]
const LISTEN_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long [`Store::close`] waits for an unreachable PostgreSQL (or a locked SQLite file)
/// before it gives up on the writes still queued.
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(listener) = &self.listener {
            listener.abort();
        }
    }
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
    /// A database whose backend this build left out (its feature is off) is
    /// [`StoreError::NotBuilt`].
    pub async fn open(
        database: &Database,
        options: StoreOptions,
    ) -> Result<Option<Store>, StoreError> {
        match database {
            Database::Off => Ok(None),
            #[cfg(feature = "sqlite")]
            Database::Sqlite(path) => Store::open_sqlite(path, options).map(Some),
            #[cfg(not(feature = "sqlite"))]
            Database::Sqlite(_) => Err(StoreError::NotBuilt {
                backend: "SQLite",
                feature: "sqlite",
            }),
            #[cfg(feature = "postgres")]
            Database::Postgres(url) => Store::open_postgres(url, options).await.map(Some),
            #[cfg(not(feature = "postgres"))]
            Database::Postgres(_) => Err(StoreError::NotBuilt {
                backend: "PostgreSQL",
                feature: "postgres",
            }),
        }
    }

    /// Connects to the PostgreSQL server at `url`, brings its schema up to date (refusing one
    /// newer than this build), starts the writer task and the listening connection.
    #[cfg(feature = "postgres")]
    pub async fn open_postgres(url: &str, options: StoreOptions) -> Result<Store, StoreError> {
        let shown = Database::Postgres(url.to_owned()).to_string();
        let (config, pool) = postgres::pool(url)?;
        postgres::migrate(&pool, &shown).await?;
        let (tx, rx) = mpsc::channel(options.queue.max(1));
        let (changes, _) = broadcast::channel(options.feed.max(1));
        let counters = Arc::new(Counters::default());
        let writer = tokio::spawn(postgres::run_writer(
            pool.clone(),
            rx,
            counters.clone(),
            options.max_batch.max(1),
        ));
        let (ready, listening) = tokio::sync::oneshot::channel();
        let listener = tokio::spawn(postgres::listen(
            config,
            changes.clone(),
            counters.clone(),
            ready,
        ));
        // Changes made before the listener is in place would never reach the feed: wait for it
        // (it keeps trying by itself if the database cannot be reached now).
        if tokio::time::timeout(LISTEN_WAIT, listening).await.is_err() {
            tracing::warn!(
                "the PostgreSQL listener is not connected yet; live updates start when it is"
            );
        }
        tracing::info!(database = %shown, "storage: PostgreSQL");
        Ok(Store {
            inner: Arc::new(Inner {
                location: shown,
                queue: Mutex::new(Some(tx)),
                changes,
                reader: Reader::Postgres(pool),
                counters,
                writer: Mutex::new(Some(WriterHandle::Task(writer))),
                listener: Some(listener),
                overflowing: Default::default(),
                queue_size: options.queue.max(1),
                #[cfg(feature = "sqlite")]
                _watch: None,
            }),
        })
    }

    /// Opens (creating when missing) the SQLite file at `path` and brings its schema up to
    /// date; refuses a file written by a newer tickwire. Starts the writer thread.
    #[cfg(feature = "sqlite")]
    pub fn open_sqlite(path: &std::path::Path, options: StoreOptions) -> Result<Store, StoreError> {
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
        // Commits by other processes reach the feed through the watch; the store's own through
        // the writer's update hook.
        let watch =
            crate::sqlite_watch::spawn(sqlite::open(path)?, changes.clone()).map_err(|e| {
                StoreError::Unsupported(format!("cannot start the store's change watch: {e}"))
            })?;
        tracing::info!(path = %path.display(), "storage: SQLite");
        Ok(Store {
            inner: Arc::new(Inner {
                location: path.display().to_string(),
                queue: Mutex::new(Some(tx)),
                changes,
                reader: Reader::Sqlite(Mutex::new(reader)),
                counters,
                writer: Mutex::new(Some(WriterHandle::Thread(handle))),
                listener: None,
                overflowing: Default::default(),
                queue_size: options.queue.max(1),
                _watch: Some(watch),
            }),
        })
    }

    /// Where the store lives, for messages.
    pub fn location(&self) -> &str {
        &self.inner.location
    }

    /// Queues `write` for the writer and returns at once; never waits. When a player's line
    /// breaks a rule of its columns or rating ([`crate::PlayerScore::columns`]), the queue is
    /// full (the database is slower than the writes coming in) or the store is closed, the
    /// write is lost: it is counted in [`StoreStats::dropped`] and the error says why.
    pub fn record(&self, write: Write) -> Result<(), RecordError> {
        let result = match check(&write) {
            Err(e) => Err(e),
            Ok(()) => self.enqueue(write),
        };
        let counter = match result {
            Ok(()) => &self.inner.counters.accepted,
            Err(_) => &self.inner.counters.dropped,
        };
        counter.fetch_add(1, Relaxed);
        // An overflow is logged once, when it begins; every write it loses is counted. A write
        // refused for what it holds says nothing about the queue.
        let overflowing = result == Err(RecordError::Full);
        if !matches!(result, Err(RecordError::Invalid(_)))
            && self.inner.overflowing.swap(overflowing, Relaxed) != overflowing
            && overflowing
        {
            tracing::error!(
                queue = self.inner.queue_size,
                "the store's write queue is full: writes are lost until the database catches up \
                 (counted in tickwire_store_writes_dropped_total)"
            );
        }
        result
    }

    /// Puts `write` on the queue, unless it is full or closed.
    fn enqueue(&self, write: Write) -> Result<(), RecordError> {
        let queue = self
            .inner
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match queue.as_ref() {
            None => Err(RecordError::Closed),
            Some(tx) => tx.try_send(write).map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => RecordError::Full,
                mpsc::error::TrySendError::Closed(_) => RecordError::Closed,
            }),
        }
    }

    /// The top `limit` players (at most [`MAX_LEADERBOARD`]) of `game`'s leaderboard: by
    /// rating (the sum of their match ratings in that game), ties to the better best match,
    /// then to the smaller id (by bytes, on both backends). Players with no finished match of
    /// `game` are not ranked; an unknown game's board is empty.
    pub async fn leaderboard(
        &self,
        game: &str,
        limit: usize,
    ) -> Result<Vec<LeaderboardRow>, StoreError> {
        let limit = limit.min(MAX_LEADERBOARD);
        match self.inner.reader {
            #[cfg(feature = "postgres")]
            Reader::Postgres(ref pool) => postgres::leaderboard(pool, game, limit).await,
            #[cfg(feature = "sqlite")]
            Reader::Sqlite(_) => {
                let game = game.to_owned();
                self.read(move |conn| sqlite::leaderboard(conn, &game, limit))
                    .await
            }
        }
    }

    /// Everything stored about player `id` (its standing in every game it played), or `None`.
    pub async fn player(&self, id: &str) -> Result<Option<PlayerRecord>, StoreError> {
        match self.inner.reader {
            #[cfg(feature = "postgres")]
            Reader::Postgres(ref pool) => postgres::player(pool, id).await,
            #[cfg(feature = "sqlite")]
            Reader::Sqlite(_) => {
                let id = id.to_owned();
                self.read(move |conn| sqlite::player(conn, &id)).await
            }
        }
    }

    /// The recording of the match stored under `key` (its file and, for a private room, the
    /// room's key), or `None` when there is no such match or it has no recording.
    pub async fn replay(&self, key: &str) -> Result<Option<StoredReplay>, StoreError> {
        match self.inner.reader {
            #[cfg(feature = "postgres")]
            Reader::Postgres(ref pool) => postgres::replay(pool, key).await,
            #[cfg(feature = "sqlite")]
            Reader::Sqlite(_) => {
                let key = key.to_owned();
                self.read(move |conn| sqlite::replay(conn, &key)).await
            }
        }
    }

    /// The `limit` (at most [`MAX_RECENT`]) newest matches of `game` with a recording, of
    /// public rooms only, newest first.
    pub async fn recent_replays(
        &self,
        game: &str,
        limit: usize,
    ) -> Result<Vec<RecentMatch>, StoreError> {
        let limit = limit.min(MAX_RECENT);
        match self.inner.reader {
            #[cfg(feature = "postgres")]
            Reader::Postgres(ref pool) => postgres::recent_replays(pool, game, limit).await,
            #[cfg(feature = "sqlite")]
            Reader::Sqlite(_) => {
                let game = game.to_owned();
                self.read(move |conn| sqlite::recent_replays(conn, &game, limit))
                    .await
            }
        }
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
    /// Later [`Store::record`]s are refused; reads still work. With PostgreSQL out of reach, or
    /// an SQLite file locked by another process, it waits 10 seconds, then gives up the writes
    /// still queued: they are logged (one error with their number) and counted in
    /// [`StoreStats::abandoned`].
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
        match handle {
            #[cfg(feature = "sqlite")]
            Some(WriterHandle::Thread(handle)) => {
                let mut joined = tokio::task::spawn_blocking(move || handle.join());
                if tokio::time::timeout(CLOSE_WAIT, &mut joined).await.is_err() {
                    // The database stayed busy: the writer stops at its next attempt.
                    self.inner.counters.give_up.store(true, Relaxed);
                    let _ = joined.await;
                    abandoned(&self.inner.counters);
                }
            }
            #[cfg(feature = "postgres")]
            Some(WriterHandle::Task(task)) => finish(task, &self.inner.counters).await,
            None => {}
        }
    }

    /// Runs an SQLite `query` on the reading connection, on a blocking thread.
    #[cfg(feature = "sqlite")]
    async fn read<T, F>(&self, query: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Connection) -> Result<T, rusqlite::Error> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            #[allow(irrefutable_let_patterns)]
            let Reader::Sqlite(reader) = &inner.reader else {
                return Err(StoreError::Closed);
            };
            let conn = reader.lock().unwrap_or_else(PoisonError::into_inner);
            query(&conn).map_err(StoreError::from)
        })
        .await
        .map_err(|_| StoreError::Closed)?
    }
}

/// Checks every player's line of a match result; logs the first that breaks a rule.
fn check(write: &Write) -> Result<(), RecordError> {
    let Write::Match(m) = write else {
        return Ok(());
    };
    for p in &m.players {
        if let Err(why) = crate::columns::check(p) {
            tracing::warn!(
                match_key = %m.key,
                player = %p.player_id,
                error = %why,
                "a match result with an invalid score line is not stored"
            );
            return Err(RecordError::Invalid(why));
        }
    }
    Ok(())
}

/// Waits for the PostgreSQL writer to empty the queue, at most [`CLOSE_WAIT`]; then stops it
/// and counts the writes it had not stored as abandoned, with one error saying how many.
#[cfg(feature = "postgres")]
async fn finish(mut task: tokio::task::JoinHandle<()>, counters: &Counters) {
    if tokio::time::timeout(CLOSE_WAIT, &mut task).await.is_ok() {
        return;
    }
    task.abort();
    // Once the task has stopped, no count moves any more.
    let _ = task.await;
    abandoned(counters);
}

/// Counts the writes a stopped writer left behind as abandoned, with one error saying how many.
fn abandoned(counters: &Counters) {
    let lost = counters.unfinished();
    counters.abandoned.fetch_add(lost, Relaxed);
    tracing::error!(
        writes = lost,
        waited = ?CLOSE_WAIT,
        "the database did not take the last writes in time; they are lost"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Storage off opens nothing, whatever was built; a database whose backend this build left
    /// out still parses, and opening it is refused by name (run with `--no-default-features`).
    #[tokio::test]
    async fn a_backend_left_out_is_refused_by_name() {
        let off = Store::open(&Database::Off, StoreOptions::default()).await;
        assert!(matches!(off, Ok(None)), "{off:?}");
        let mut left_out: Vec<(&str, &str)> = Vec::new();
        if cfg!(not(feature = "sqlite")) {
            left_out.push(("tickwire.db", "this build has no SQLite storage"));
        }
        if cfg!(not(feature = "postgres")) {
            left_out.push((
                "postgres://u:secret@h/db",
                "this build has no PostgreSQL storage",
            ));
        }
        for (setting, said) in left_out {
            let database: Database = setting.parse().expect("a database setting");
            let err = Store::open(&database, StoreOptions::default())
                .await
                .expect_err("a backend left out cannot open");
            assert!(matches!(err, StoreError::NotBuilt { .. }), "{err:?}");
            assert!(err.to_string().starts_with(said), "{err}");
        }
    }
}

//! What can go wrong in the store.

use std::path::PathBuf;

/// Why the store could not open, read or write.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or set up.
    #[error("database {path}: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The database was written by a newer tickwire, whose schema this build does not know.
    #[error(
        "database {path} has schema version {found}, newer than this build of tickwire understands \
         (up to {supported}); run a newer tickwire, or point --database at another file"
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// This build cannot use the backend asked for.
    #[error("{0}")]
    Unsupported(String),
    /// A query failed.
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    /// PostgreSQL refused a connection or a query.
    #[error("PostgreSQL: {0}")]
    Postgres(String),
    /// The store has been closed, or its reader thread failed.
    #[error("the store is closed")]
    Closed,
}

/// Why [`crate::Store::record`] did not take a write. Either way the write is lost, logged and
/// counted in [`crate::StoreStats::dropped`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The queue to the writer is full: the database is slower than the writes coming in.
    #[error("the store's write queue is full")]
    Full,
    /// The store has been closed.
    #[error("the store is closed")]
    Closed,
}

//! What can go wrong in the store.

use std::path::PathBuf;

/// Why the store could not open, read or write.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or set up.
    #[cfg(feature = "sqlite")]
    #[error("cannot open the database {}: {}", path.display(), sqlite_reason(error))]
    Open {
        /// The file.
        path: PathBuf,
        /// What SQLite said (shown in the message, so not also a `source`).
        error: rusqlite::Error,
    },
    /// A migration failed: the file holds something other than tickwire's schema.
    #[cfg(feature = "sqlite")]
    #[error(
        "cannot bring the database {} to schema version {version}: {}; is it another program's \
         database? Point --database at another file",
        path.display(),
        sqlite_reason(error)
    )]
    Migrate {
        /// The file.
        path: PathBuf,
        /// The version it was being brought to.
        version: i64,
        /// What SQLite said.
        error: rusqlite::Error,
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
    /// The backend this database needs was left out of this build: its Cargo feature of
    /// tickwire-store is off.
    #[error(
        "this build has no {backend} storage (tickwire-store's `{feature}` feature is off): \
         turn storage off (--database none) or use a build with {backend}"
    )]
    NotBuilt {
        /// The backend: `"SQLite"` or `"PostgreSQL"`.
        backend: &'static str,
        /// Its feature: `"sqlite"` or `"postgres"`.
        feature: &'static str,
    },
    /// A query failed.
    #[cfg(feature = "sqlite")]
    #[error("database: {}", sqlite_reason(.0))]
    Sql(rusqlite::Error),
    /// PostgreSQL refused a connection or a query.
    #[error("PostgreSQL: {0}")]
    Postgres(String),
    /// The store has been closed, or its reader thread failed.
    #[error("the store is closed")]
    Closed,
}

#[cfg(feature = "sqlite")]
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Sql(e)
    }
}

/// What SQLite said, once and without the SQL it was running: a person reads it, and SQLite's
/// own message already names the file when it matters. A file it cannot open gets a hint.
#[cfg(feature = "sqlite")]
pub(crate) fn sqlite_reason(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::CannotOpen => {
            "cannot open or create the file (does its directory exist, and may this user write \
             to it?)"
                .into()
        }
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
            "the file is not an SQLite database".into()
        }
        rusqlite::Error::SqliteFailure(_, Some(msg)) => msg.clone(),
        rusqlite::Error::SqliteFailure(f, None) => f.to_string(),
        other => other.to_string(),
    }
}

/// Why [`crate::Store::record`] did not take a write. Whatever the reason, the write is lost,
/// logged and counted in [`crate::StoreStats::dropped`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The queue to the writer is full: the database is slower than the writes coming in.
    #[error("the store's write queue is full")]
    Full,
    /// The store has been closed.
    #[error("the store is closed")]
    Closed,
    /// A player's line of the match result breaks a rule of its score columns or rating.
    #[error("invalid match result: {0}")]
    Invalid(#[from] crate::InvalidScore),
}

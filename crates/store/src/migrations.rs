//! The schema's versions. Each migration is plain SQL that ports to PostgreSQL (integer times
//! in unix milliseconds); the version a database is at lives in the one-row table
//! `schema_version`. A database is brought up to [`LATEST`] on open, one version per
//! transaction, and one at a version above [`LATEST`] is refused. `version` and
//! `migrate_to` are SQLite's, built with the `sqlite` feature; PostgreSQL's steps add their own
//! triggers to these versions.

#[cfg(feature = "sqlite")]
pub use sqlite_steps::{migrate_to, version};

/// The migrations, in order: index 0 takes an empty database to version 1.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_best_and_rating.sql"),
    include_str!("../migrations/0003_ended_by.sql"),
    include_str!("../migrations/0004_match_key.sql"),
    include_str!("../migrations/0005_notify_deletes.sql"),
    include_str!("../migrations/0006_game_columns.sql"),
    include_str!("../migrations/0007_replay.sql"),
];

/// The newest schema version this build knows.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// SQLite's side: reading a file's version and bringing it up to date.
#[cfg(feature = "sqlite")]
mod sqlite_steps {
    use std::path::Path;

    use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

    use super::{LATEST, MIGRATIONS};
    use crate::StoreError;

    /// The schema version of `conn`'s database: 0 when it is empty.
    pub fn version(conn: &Connection) -> Result<i64, rusqlite::Error> {
        let has_table: Option<i64> = conn
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if has_table.is_none() {
            return Ok(0);
        }
        let v: Option<i64> = conn
            .query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))
            .optional()?
            .flatten();
        Ok(v.unwrap_or(0))
    }

    /// Brings the database of `conn` (the file `path`, for messages) up to `target` and returns the
    /// version it was at. Refuses a database newer than [`LATEST`]. Each step is one transaction
    /// that takes the write lock first, so two processes opening one file migrate it once.
    pub fn migrate_to(conn: &mut Connection, path: &Path, target: i64) -> Result<i64, StoreError> {
        let found = version(conn)?;
        if found > LATEST {
            return Err(StoreError::TooNew {
                path: path.to_owned(),
                found,
                supported: LATEST,
            });
        }
        for step in 1..=target.min(LATEST) {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if version(&tx)? >= step {
                continue;
            }
            tx.execute_batch(
                "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL);
             DELETE FROM schema_version;",
            )?;
            let index = usize::try_from(step - 1).unwrap_or(usize::MAX);
            let sql = MIGRATIONS.get(index).ok_or(StoreError::Closed)?;
            tx.execute_batch(sql).map_err(|error| StoreError::Migrate {
                path: path.to_owned(),
                version: step,
                error,
            })?;
            tx.execute("INSERT INTO schema_version (version) VALUES (?1)", [step])?;
            tx.commit()?;
            tracing::info!(path = %path.display(), version = step, "database migrated");
        }
        Ok(found)
    }
}

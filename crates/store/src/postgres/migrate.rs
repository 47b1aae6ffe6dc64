//! The PostgreSQL schema's versions: the same numbers as SQLite's ([`crate::migrations`]).

use deadpool_postgres::Pool;

use super::{pool_error, query_error};
use crate::StoreError;
use crate::migrations::LATEST;

/// The migrations for PostgreSQL, in order; versions 2 to 4 and 7 are the same SQL as SQLite's.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/postgres/0001_init.sql"),
    include_str!("../../migrations/0002_best_and_rating.sql"),
    include_str!("../../migrations/0003_ended_by.sql"),
    include_str!("../../migrations/0004_match_key.sql"),
    include_str!("../../migrations/postgres/0005_notify_deletes.sql"),
    include_str!("../../migrations/postgres/0006_game_columns.sql"),
    include_str!("../../migrations/0007_replay.sql"),
];

/// Any number, the same in every process: the advisory lock that makes one process migrate.
const MIGRATION_LOCK: i64 = 0x7153_3eed;

/// Brings the database up to [`LATEST`], one version per transaction under an advisory lock;
/// refuses one newer than this build. `shown` names the database in messages.
pub(crate) async fn migrate(pool: &Pool, shown: &str) -> Result<(), StoreError> {
    let mut client = pool.get().await.map_err(pool_error)?;
    for step in 1..=LATEST {
        let tx = client.transaction().await.map_err(query_error)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(query_error)?;
        let found = version(&tx).await?;
        if found > LATEST {
            return Err(StoreError::TooNew {
                path: shown.into(),
                found,
                supported: LATEST,
            });
        }
        if found >= step {
            continue;
        }
        let sql = MIGRATIONS
            .get(usize::try_from(step - 1).unwrap_or(usize::MAX))
            .ok_or(StoreError::Closed)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL);
             DELETE FROM schema_version;",
        )
        .await
        .map_err(query_error)?;
        tx.batch_execute(sql).await.map_err(query_error)?;
        tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&step])
            .await
            .map_err(query_error)?;
        tx.commit().await.map_err(query_error)?;
        tracing::info!(database = shown, version = step, "database migrated");
    }
    Ok(())
}

/// The schema version: 0 for an empty database.
pub(crate) async fn version(
    client: &impl deadpool_postgres::GenericClient,
) -> Result<i64, StoreError> {
    let row = client
        .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])
        .await
        .map_err(query_error)?;
    if !row.get::<_, bool>(0) {
        return Ok(0);
    }
    let row = client
        .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])
        .await
        .map_err(query_error)?;
    Ok(row.get(0))
}

//! The PostgreSQL backend: a connection pool for the writer and the reads, the schema's
//! migrations, and one `LISTEN`ing connection per store that turns the tables' `NOTIFY`s into
//! [`crate::Change`]s, so that a row changed by any process (another server, `psql`) reaches this
//! one's subscribers.

mod listener;
mod migrate;
mod queries;
mod writer;

pub(crate) use listener::listen;
pub(crate) use migrate::migrate;
pub(crate) use queries::{leaderboard, player, recent_replays, replay};
pub(crate) use writer::run_writer;

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use crate::StoreError;

/// Connections the pool holds at most: the writer and a few reads at once.
const POOL_SIZE: usize = 4;

/// The channel the tables' triggers notify on.
pub(crate) const CHANNEL: &str = "tickwire_changes";

/// How long opening a connection may take when the URL does not say (`connect_timeout`): a
/// database that does not answer is then tried again rather than waited on for ever.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The connection settings in `url`, and a pool over them.
pub(crate) fn pool(url: &str) -> Result<(tokio_postgres::Config, Pool), StoreError> {
    let mut config: tokio_postgres::Config = url
        .parse()
        .map_err(|e| StoreError::Unsupported(format!("bad PostgreSQL URL: {e}")))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    let manager = Manager::from_config(
        config.clone(),
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let pool = Pool::builder(manager)
        .max_size(POOL_SIZE)
        .build()
        .map_err(|e| StoreError::Unsupported(format!("cannot make a PostgreSQL pool: {e}")))?;
    Ok((config, pool))
}

/// A pool error as a store error.
pub(crate) fn pool_error(e: deadpool_postgres::PoolError) -> StoreError {
    StoreError::Postgres(describe(&e))
}

/// A query error as a store error.
pub(crate) fn query_error(e: tokio_postgres::Error) -> StoreError {
    StoreError::Postgres(describe(&e))
}

/// `e` with its causes: tokio-postgres says only "db error" and keeps what the server said
/// ("terminating connection due to administrator command") in the source.
pub(crate) fn describe(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let said = c.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        cause = c.source();
    }
    text
}

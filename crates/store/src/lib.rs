//! tickwire-store: what outlives a match. Players, match results with each player's line (the
//! game's own score columns and the line's rating, [`PlayerScore`]), each player's running
//! totals per game, and a leaderboard per game, kept in an embedded SQLite file by default,
//! behind a [`Store`] whose API names no database, so that another backend (PostgreSQL) can sit
//! behind the same calls. The store knows no game's columns or weights: a line's rating comes
//! in made, and a player's rating in a game is the sum of its lines' ratings.
//!
//! Writes never wait: [`Store::record`] puts a [`Write`] on a bounded queue and returns at once
//! (a full queue refuses the write and counts it, and so does a line whose columns break the
//! rules of [`PlayerScore::columns`]). One writer thread takes writes off the queue
//! in batches and commits each batch as one transaction, so that a batch is stored whole or not
//! at all. Every row a commit changed becomes a [`Change`] on a broadcast feed
//! ([`Store::subscribe`]): SQLite's update hook reports it on the writer's connection, and it is
//! published once the transaction has committed; a thread watching `PRAGMA data_version` announces
//! commits made by other processes. Reads ([`Store::leaderboard`],
//! [`Store::player`]) run on a blocking thread with their own connection.
//!
//! Each match result carries a unique key ([`MatchRecord::key`]); a result whose key is already
//! stored changes nothing, so that a batch tried again after a commit whose answer was lost
//! stores no match twice ([`StoreStats::duplicates`]).
//!
//! The schema is versioned ([`migrations`]): a database is created and brought up to date on
//! open, and one newer than this build is refused.
//!
//! With a `postgres://` [`Database`], the same API runs on PostgreSQL: the same tables and
//! versions, a connection pool (deadpool-postgres), a writer task that keeps a failed batch and
//! tries it again until the server is back, and a `LISTEN`ing connection fed by triggers that
//! `NOTIFY` every changed row, so that a change made by any process reaches every store's feed. This crate knows nothing of the game, the
//! protocol or the server.
//!
//! # Cargo features
//!
//! Each backend is a feature, both on by default: `sqlite` (rusqlite, with SQLite compiled in)
//! and `postgres` (tokio-postgres and deadpool-postgres). A [`Database`] of a backend that was
//! left out still parses, and [`Database::Off`] works as ever; opening it with [`Store::open`]
//! fails with [`StoreError::NotBuilt`]. `Store::open_sqlite` and `Store::open_postgres` exist
//! only with their feature, as do `migrations::version` and `migrations::migrate_to` (SQLite's).

// With neither backend built no `Store` can be opened, and what only the backends call (the
// columns' tallies, a batch's outcome, the writers' counters) is left unused.
#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres")),
    allow(dead_code, unused_variables)
)]

mod applied;
mod columns;
mod database;
mod error;
pub mod migrations;
#[cfg(feature = "postgres")]
mod postgres;
mod record;
mod rows;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "sqlite")]
mod sqlite_watch;
mod stats;
mod store;
#[cfg(feature = "sqlite")]
mod writer;

pub use columns::{COLUMN_VALUES, InvalidScore, MAX_COLUMN_NAME, MAX_COLUMNS, MAX_LINE_RATING};
pub use database::{Database, hide_password};
pub use error::{RecordError, StoreError};
pub use record::{Change, EndedBy, MatchRecord, PlayerScore, Table, Write};
pub use rows::{LeaderboardRow, PlayerRecord, RecentMatch, Standing, StoredReplay};
pub use stats::StoreStats;
pub use store::{Store, StoreOptions};

/// Most rows [`Store::leaderboard`] returns, whatever the limit asked for.
pub const MAX_LEADERBOARD: usize = 100;

/// Most matches [`Store::recent_replays`] returns, whatever the limit asked for.
pub const MAX_RECENT: usize = 50;

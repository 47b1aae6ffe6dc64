//! The SQLite backend: opening a file, the SQL of each write, and the reads.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::applied::Applied;
use crate::migrations;
use crate::{LeaderboardRow, MatchRecord, PlayerRecord, StoreError, Write};

/// How long a statement waits for another connection's lock before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens (creating when missing) the database at `path` and sets it up: WAL journal, full sync,
/// foreign keys. The schema is not touched; see [`open_and_migrate`].
pub(crate) fn open(path: &Path) -> Result<Connection, StoreError> {
    let setup = || -> Result<Connection, rusqlite::Error> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL: readers never block the writer nor the writer readers, and a commit is one
        // append to the log. NORMAL: a commit is in the log (in the OS's cache) when it
        // returns, so it survives the process being killed (SIGKILL, a panic, OOM); the log is
        // synced to disk at checkpoints, so a power cut or an OS crash can lose the last
        // commits, never corrupt the file. FULL would add an fsync to every commit, which on a
        // busy disk delays the leaderboard's push by hundreds of milliseconds.
        let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(conn)
    };
    setup().map_err(|error| StoreError::Open {
        path: path.to_owned(),
        error,
    })
}

/// Opens the database at `path` and brings its schema up to date.
pub(crate) fn open_and_migrate(path: &Path) -> Result<Connection, StoreError> {
    let mut conn = open(path)?;
    migrations::migrate_to(&mut conn, path, migrations::LATEST)?;
    Ok(conn)
}

/// Applies one write inside `tx`.
pub(crate) fn apply(tx: &Transaction<'_>, write: &Write) -> Result<Applied, rusqlite::Error> {
    match write {
        Write::Seen {
            player_id,
            name,
            at_ms,
        } => {
            upsert_player(tx, player_id, name, *at_ms)?;
            Ok(Applied::Seen)
        }
        Write::Match(m) => apply_match(tx, m),
    }
}

fn upsert_player(
    tx: &Transaction<'_>,
    id: &str,
    name: &str,
    at_ms: i64,
) -> Result<(), rusqlite::Error> {
    tx.execute(
        "INSERT INTO players (id, name, first_seen_ms, last_seen_ms) VALUES (?1, ?2, ?3, ?3)
         ON CONFLICT (id) DO UPDATE SET
             name = excluded.name,
             last_seen_ms = CASE WHEN excluded.last_seen_ms > players.last_seen_ms
                 THEN excluded.last_seen_ms ELSE players.last_seen_ms END",
        params![id, name, at_ms],
    )?;
    Ok(())
}

/// Stores match `m` and adds it to its players' totals, unless a result with its key is
/// already stored: then nothing changes.
fn apply_match(tx: &Transaction<'_>, m: &MatchRecord) -> Result<Applied, rusqlite::Error> {
    let match_id: Option<i64> = tx
        .query_row(
            "INSERT INTO matches (match_key, room, game, map, started_ms, ended_ms, ended_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (match_key) DO NOTHING
             RETURNING id",
            params![
                m.key,
                m.room,
                m.game,
                m.map,
                m.started_ms,
                m.ended_ms,
                m.ended_by.as_str()
            ],
            |r| r.get(0),
        )
        .optional()?;
    let Some(match_id) = match_id else {
        return Ok(Applied::Duplicate);
    };
    for p in &m.players {
        upsert_player(tx, &p.player_id, &p.name, m.ended_ms)?;
        let played = i64::try_from(p.played_ms).unwrap_or(i64::MAX);
        // A player id appears once per match; should a game report one twice, the lines add up.
        tx.execute(
            "INSERT INTO match_players (match_id, player_id, name, kills, deaths, played_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (match_id, player_id) DO UPDATE SET
                 kills = match_players.kills + excluded.kills,
                 deaths = match_players.deaths + excluded.deaths,
                 played_ms = match_players.played_ms + excluded.played_ms",
            params![match_id, p.player_id, p.name, p.kills, p.deaths, played],
        )?;
        tx.execute(
            "UPDATE players SET
                 kills = kills + ?2,
                 deaths = deaths + ?3,
                 matches = matches + 1,
                 played_ms = played_ms + ?4,
                 best_kills = CASE WHEN ?2 > best_kills THEN ?2 ELSE best_kills END
             WHERE id = ?1",
            params![p.player_id, p.kills, p.deaths, played],
        )?;
    }
    Ok(Applied::Stored(match_id))
}

/// The top `limit` players by rating; ties by the id's bytes (`BINARY`, as PostgreSQL's
/// `COLLATE "C"`), so that both backends give one order.
pub(crate) fn leaderboard(
    conn: &Connection,
    limit: usize,
) -> Result<Vec<LeaderboardRow>, rusqlite::Error> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, kills - deaths, kills, deaths, matches, best_kills FROM players
         WHERE matches > 0
         ORDER BY kills - deaths DESC, kills DESC, id COLLATE BINARY
         LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(LeaderboardRow {
            rank: 0,
            player_id: r.get(0)?,
            name: r.get(1)?,
            rating: r.get(2)?,
            kills: r.get(3)?,
            deaths: r.get(4)?,
            matches: r.get(5)?,
            best_kills: r.get(6)?,
        })
    })?;
    let mut out = Vec::new();
    for (i, row) in rows.enumerate() {
        let mut row = row?;
        row.rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
        out.push(row);
    }
    Ok(out)
}

/// The player `id`, if stored.
pub(crate) fn player(conn: &Connection, id: &str) -> Result<Option<PlayerRecord>, rusqlite::Error> {
    conn.query_row(
        "SELECT id, name, first_seen_ms, last_seen_ms, kills, deaths, matches, played_ms,
                best_kills, kills - deaths
         FROM players WHERE id = ?1",
        [id],
        |r| {
            Ok(PlayerRecord {
                id: r.get(0)?,
                name: r.get(1)?,
                first_seen_ms: r.get(2)?,
                last_seen_ms: r.get(3)?,
                kills: r.get(4)?,
                deaths: r.get(5)?,
                matches: r.get(6)?,
                played_ms: r.get(7)?,
                best_kills: r.get(8)?,
                rating: r.get(9)?,
            })
        },
    )
    .optional()
}

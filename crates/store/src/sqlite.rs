//! The SQLite backend: opening a file, the SQL of each write, and the reads.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::applied::Applied;
use crate::columns::{self, Tally};
use crate::migrations;
use crate::{
    LeaderboardRow, MatchRecord, PlayerRecord, PlayerScore, RecentMatch, Standing, StoreError,
    StoredReplay, Write,
};

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
        Write::Replay {
            key,
            file,
            room_key,
        } => {
            tx.execute(
                "UPDATE matches SET replay = ?2, replay_key = ?3 WHERE match_key = ?1",
                params![key, file, room_key],
            )?;
            Ok(Applied::Replay)
        }
        Write::ReplayGone { file } => {
            tx.execute(
                "UPDATE matches SET replay = NULL, replay_key = NULL WHERE replay = ?1",
                params![file],
            )?;
            Ok(Applied::Replay)
        }
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
    for p in columns::one_line_each(&m.players) {
        upsert_player(tx, &p.player_id, &p.name, m.ended_ms)?;
        let played = i64::try_from(p.played_ms).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO match_players (match_id, player_id, name, columns, rating, played_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                match_id,
                p.player_id,
                p.name,
                columns::to_json(&p.columns),
                p.rating,
                played
            ],
        )?;
        tx.execute(
            "UPDATE players SET matches = matches + 1, played_ms = played_ms + ?2 WHERE id = ?1",
            params![p.player_id, played],
        )?;
        add_to_standing(tx, &p, &m.game, played)?;
    }
    Ok(Applied::Stored(match_id))
}

/// Adds line `p` of a match of `game` to the player's standing in that game: the row is made
/// when missing, read, added to in Rust (saturating; column totals by name) and written back.
fn add_to_standing(
    tx: &Transaction<'_>,
    p: &PlayerScore,
    game: &str,
    played_ms: i64,
) -> Result<(), rusqlite::Error> {
    tx.execute(
        "INSERT INTO standings (player_id, game) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        params![p.player_id, game],
    )?;
    let mut tally = tx.query_row(
        "SELECT rating, matches, played_ms, best, totals FROM standings
         WHERE player_id = ?1 AND game = ?2",
        params![p.player_id, game],
        |r| {
            Ok(Tally {
                rating: r.get(0)?,
                matches: r.get(1)?,
                played_ms: r.get(2)?,
                best: r.get(3)?,
                totals: columns::from_json(&r.get::<_, String>(4)?),
            })
        },
    )?;
    tally.add(p, played_ms);
    tx.execute(
        "UPDATE standings SET rating = ?3, matches = ?4, played_ms = ?5, best = ?6, totals = ?7
         WHERE player_id = ?1 AND game = ?2",
        params![
            p.player_id,
            game,
            tally.rating,
            tally.matches,
            tally.played_ms,
            tally.best,
            columns::to_json(&tally.totals)
        ],
    )?;
    Ok(())
}

/// The top `limit` players of `game` by rating, then best match; ties by the id's bytes
/// (`BINARY`, as PostgreSQL's `COLLATE "C"`), so that both backends give one order.
pub(crate) fn leaderboard(
    conn: &Connection,
    game: &str,
    limit: usize,
) -> Result<Vec<LeaderboardRow>, rusqlite::Error> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(
        "SELECT s.player_id, p.name, s.rating, s.matches, s.best, s.totals
         FROM standings s JOIN players p ON p.id = s.player_id
         WHERE s.game = ?1 AND s.matches > 0
         ORDER BY s.rating DESC, s.best DESC, s.player_id COLLATE BINARY
         LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![game, limit], |r| {
        Ok(LeaderboardRow {
            rank: 0,
            player_id: r.get(0)?,
            name: r.get(1)?,
            rating: r.get(2)?,
            matches: r.get(3)?,
            best: r.get(4)?,
            totals: columns::from_json(&r.get::<_, String>(5)?),
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

/// The player `id`, if stored, with its standing in each game.
pub(crate) fn player(conn: &Connection, id: &str) -> Result<Option<PlayerRecord>, rusqlite::Error> {
    let record = conn
        .query_row(
            "SELECT id, name, first_seen_ms, last_seen_ms, matches, played_ms
             FROM players WHERE id = ?1",
            [id],
            |r| {
                Ok(PlayerRecord {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    first_seen_ms: r.get(2)?,
                    last_seen_ms: r.get(3)?,
                    matches: r.get(4)?,
                    played_ms: r.get(5)?,
                    games: Vec::new(),
                })
            },
        )
        .optional()?;
    let Some(mut record) = record else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT game, rating, matches, played_ms, best, totals FROM standings
         WHERE player_id = ?1 AND matches > 0
         ORDER BY game COLLATE BINARY",
    )?;
    let games = stmt.query_map([id], |r| {
        Ok(Standing {
            game: r.get(0)?,
            rating: r.get(1)?,
            matches: r.get(2)?,
            played_ms: r.get(3)?,
            best: r.get(4)?,
            totals: columns::from_json(&r.get::<_, String>(5)?),
        })
    })?;
    record.games = games.collect::<Result<_, _>>()?;
    Ok(Some(record))
}

/// The recording of the match stored under `key`, if it has one.
pub(crate) fn replay(
    conn: &Connection,
    key: &str,
) -> Result<Option<StoredReplay>, rusqlite::Error> {
    conn.query_row(
        "SELECT replay, replay_key FROM matches WHERE match_key = ?1 AND replay IS NOT NULL",
        [key],
        |r| {
            Ok(StoredReplay {
                file: r.get(0)?,
                room_key: r.get(1)?,
            })
        },
    )
    .optional()
}

/// The `limit` newest matches of `game` played in public rooms that have a recording, with
/// their players' names (best rating first, then by name).
pub(crate) fn recent_replays(
    conn: &Connection,
    game: &str,
    limit: usize,
) -> Result<Vec<RecentMatch>, rusqlite::Error> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(
        "SELECT id, match_key, game, map, started_ms, ended_ms FROM matches
         WHERE replay IS NOT NULL AND replay_key IS NULL AND game = ?1
         ORDER BY ended_ms DESC, id DESC LIMIT ?2",
    )?;
    let found = stmt
        .query_map(params![game, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                RecentMatch {
                    id: r.get(1)?,
                    game: r.get(2)?,
                    map: r.get(3)?,
                    started_ms: r.get(4)?,
                    ended_ms: r.get(5)?,
                    players: Vec::new(),
                },
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut names = conn.prepare_cached(
        "SELECT name FROM match_players WHERE match_id = ?1
         ORDER BY rating DESC, name COLLATE BINARY",
    )?;
    let mut out = Vec::with_capacity(found.len());
    for (id, mut m) in found {
        m.players = names
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        out.push(m);
    }
    Ok(out)
}

//! The SQL of each write and read, for PostgreSQL (the statements of `sqlite.rs`, with `$n`
//! parameters).

use deadpool_postgres::{GenericClient, Pool};

use super::{pool_error, query_error};
use crate::applied::Applied;
use crate::columns::{self, Tally};
use crate::{
    LeaderboardRow, MatchRecord, PlayerRecord, PlayerScore, RecentMatch, Standing, StoreError,
    StoredReplay, Write,
};

/// Applies one write.
pub(crate) async fn apply(
    tx: &impl GenericClient,
    write: &Write,
) -> Result<Applied, tokio_postgres::Error> {
    match write {
        Write::Seen {
            player_id,
            name,
            at_ms,
        } => {
            upsert_player(tx, player_id, name, *at_ms).await?;
            Ok(Applied::Seen)
        }
        Write::Match(m) => apply_match(tx, m).await,
        Write::Replay {
            key,
            file,
            room_key,
        } => {
            tx.execute(
                "UPDATE matches SET replay = $2, replay_key = $3 WHERE match_key = $1",
                &[key, file, room_key],
            )
            .await?;
            Ok(Applied::Replay)
        }
        Write::ReplayGone { file } => {
            tx.execute(
                "UPDATE matches SET replay = NULL, replay_key = NULL WHERE replay = $1",
                &[file],
            )
            .await?;
            Ok(Applied::Replay)
        }
    }
}

async fn upsert_player(
    tx: &impl GenericClient,
    id: &str,
    name: &str,
    at_ms: i64,
) -> Result<(), tokio_postgres::Error> {
    tx.execute(
        "INSERT INTO players (id, name, first_seen_ms, last_seen_ms) VALUES ($1, $2, $3, $3)
         ON CONFLICT (id) DO UPDATE SET
             name = excluded.name,
             last_seen_ms = CASE WHEN excluded.last_seen_ms > players.last_seen_ms
                 THEN excluded.last_seen_ms ELSE players.last_seen_ms END",
        &[&id, &name, &at_ms],
    )
    .await?;
    Ok(())
}

/// Stores match `m` and adds it to its players' totals, unless a result with its key is
/// already stored: then nothing changes.
async fn apply_match(
    tx: &impl GenericClient,
    m: &MatchRecord,
) -> Result<Applied, tokio_postgres::Error> {
    let row = tx
        .query_opt(
            "INSERT INTO matches (match_key, room, game, map, started_ms, ended_ms, ended_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (match_key) DO NOTHING
             RETURNING id",
            &[
                &m.key,
                &i64::from(m.room),
                &m.game,
                &m.map,
                &m.started_ms,
                &m.ended_ms,
                &m.ended_by.as_str(),
            ],
        )
        .await?;
    let Some(row) = row else {
        return Ok(Applied::Duplicate);
    };
    let match_id: i64 = row.get(0);
    for p in columns::one_line_each(&m.players) {
        upsert_player(tx, &p.player_id, &p.name, m.ended_ms).await?;
        let played = i64::try_from(p.played_ms).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO match_players (match_id, player_id, name, columns, rating, played_ms)
             VALUES ($1, $2, $3, $4::text::jsonb, $5, $6)",
            &[
                &match_id,
                &p.player_id,
                &p.name,
                &columns::to_json(&p.columns),
                &p.rating,
                &played,
            ],
        )
        .await?;
        tx.execute(
            "UPDATE players SET matches = matches + 1, played_ms = played_ms + $2 WHERE id = $1",
            &[&p.player_id, &played],
        )
        .await?;
        add_to_standing(tx, &p, &m.game, played).await?;
    }
    Ok(Applied::Stored(match_id))
}

/// Adds line `p` of a match of `game` to the player's standing in that game: the row is made
/// when missing, read under a row lock (another server may be adding to it), added to in Rust
/// (saturating; column totals by name) and written back.
async fn add_to_standing(
    tx: &impl GenericClient,
    p: &PlayerScore,
    game: &str,
    played_ms: i64,
) -> Result<(), tokio_postgres::Error> {
    tx.execute(
        "INSERT INTO standings (player_id, game) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &[&p.player_id, &game],
    )
    .await?;
    let r = tx
        .query_one(
            "SELECT rating, matches, played_ms, best, totals::text FROM standings
             WHERE player_id = $1 AND game = $2 FOR UPDATE",
            &[&p.player_id, &game],
        )
        .await?;
    let mut tally = Tally {
        rating: r.get(0),
        matches: r.get(1),
        played_ms: r.get(2),
        best: r.get(3),
        totals: columns::from_json(r.get(4)),
    };
    tally.add(p, played_ms);
    tx.execute(
        "UPDATE standings SET rating = $3, matches = $4, played_ms = $5, best = $6,
             totals = $7::text::jsonb
         WHERE player_id = $1 AND game = $2",
        &[
            &p.player_id,
            &game,
            &tally.rating,
            &tally.matches,
            &tally.played_ms,
            &tally.best,
            &columns::to_json(&tally.totals),
        ],
    )
    .await?;
    Ok(())
}

/// The top `limit` players of `game` by rating, then best match, then the id's bytes.
pub(crate) async fn leaderboard(
    pool: &Pool,
    game: &str,
    limit: usize,
) -> Result<Vec<LeaderboardRow>, StoreError> {
    let client = pool.get().await.map_err(pool_error)?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = client
        .query(
            "SELECT s.player_id, p.name, s.rating, s.matches, s.best, s.totals::text
             FROM standings s JOIN players p ON p.id = s.player_id
             WHERE s.game = $1 AND s.matches > 0
             ORDER BY s.rating DESC, s.best DESC, s.player_id COLLATE \"C\"
             LIMIT $2",
            &[&game, &limit],
        )
        .await
        .map_err(query_error)?;
    Ok(rows
        .iter()
        .enumerate()
        .map(|(i, r)| LeaderboardRow {
            rank: u32::try_from(i + 1).unwrap_or(u32::MAX),
            player_id: r.get(0),
            name: r.get(1),
            rating: r.get(2),
            matches: r.get(3),
            best: r.get(4),
            totals: columns::from_json(r.get(5)),
        })
        .collect())
}

/// The player `id`, if stored, with its standing in each game.
pub(crate) async fn player(pool: &Pool, id: &str) -> Result<Option<PlayerRecord>, StoreError> {
    let client = pool.get().await.map_err(pool_error)?;
    let row = client
        .query_opt(
            "SELECT id, name, first_seen_ms, last_seen_ms, matches, played_ms
             FROM players WHERE id = $1",
            &[&id],
        )
        .await
        .map_err(query_error)?;
    let Some(r) = row else {
        return Ok(None);
    };
    let games = client
        .query(
            "SELECT game, rating, matches, played_ms, best, totals::text FROM standings
             WHERE player_id = $1 AND matches > 0
             ORDER BY game COLLATE \"C\"",
            &[&id],
        )
        .await
        .map_err(query_error)?;
    Ok(Some(PlayerRecord {
        id: r.get(0),
        name: r.get(1),
        first_seen_ms: r.get(2),
        last_seen_ms: r.get(3),
        matches: r.get(4),
        played_ms: r.get(5),
        games: games
            .iter()
            .map(|g| Standing {
                game: g.get(0),
                rating: g.get(1),
                matches: g.get(2),
                played_ms: g.get(3),
                best: g.get(4),
                totals: columns::from_json(g.get(5)),
            })
            .collect(),
    }))
}

/// The recording of the match stored under `key`, if it has one.
pub(crate) async fn replay(pool: &Pool, key: &str) -> Result<Option<StoredReplay>, StoreError> {
    let client = pool.get().await.map_err(pool_error)?;
    let row = client
        .query_opt(
            "SELECT replay, replay_key FROM matches WHERE match_key = $1 AND replay IS NOT NULL",
            &[&key],
        )
        .await
        .map_err(query_error)?;
    Ok(row.map(|r| StoredReplay {
        file: r.get(0),
        room_key: r.get(1),
    }))
}

/// The `limit` newest matches of `game` played in public rooms that have a recording, with
/// their players' names (best rating first, then by name).
pub(crate) async fn recent_replays(
    pool: &Pool,
    game: &str,
    limit: usize,
) -> Result<Vec<RecentMatch>, StoreError> {
    let client = pool.get().await.map_err(pool_error)?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = client
        .query(
            "SELECT id, match_key, game, map, started_ms, ended_ms FROM matches
             WHERE replay IS NOT NULL AND replay_key IS NULL AND game = $1
             ORDER BY ended_ms DESC, id DESC LIMIT $2",
            &[&game, &limit],
        )
        .await
        .map_err(query_error)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.get(0);
        let names = client
            .query(
                "SELECT name FROM match_players WHERE match_id = $1
                 ORDER BY rating DESC, name COLLATE \"C\"",
                &[&id],
            )
            .await
            .map_err(query_error)?;
        out.push(RecentMatch {
            id: r.get(1),
            game: r.get(2),
            map: r.get(3),
            started_ms: r.get(4),
            ended_ms: r.get(5),
            players: names.iter().map(|n| n.get(0)).collect(),
        });
    }
    Ok(out)
}

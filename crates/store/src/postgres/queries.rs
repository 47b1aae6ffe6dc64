//! The SQL of each write and read, for PostgreSQL (the statements of `sqlite.rs`, with `$n`
//! parameters).

use deadpool_postgres::{GenericClient, Pool};

use super::{pool_error, query_error};
use crate::applied::Applied;
use crate::{LeaderboardRow, MatchRecord, PlayerRecord, StoreError, Write};

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
    for p in &m.players {
        upsert_player(tx, &p.player_id, &p.name, m.ended_ms).await?;
        let (kills, deaths) = (i64::from(p.kills), i64::from(p.deaths));
        let played = i64::try_from(p.played_ms).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO match_players (match_id, player_id, name, kills, deaths, played_ms)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (match_id, player_id) DO UPDATE SET
                 kills = match_players.kills + excluded.kills,
                 deaths = match_players.deaths + excluded.deaths,
                 played_ms = match_players.played_ms + excluded.played_ms",
            &[&match_id, &p.player_id, &p.name, &kills, &deaths, &played],
        )
        .await?;
        tx.execute(
            "UPDATE players SET
                 kills = kills + $2,
                 deaths = deaths + $3,
                 matches = matches + 1,
                 played_ms = played_ms + $4,
                 best_kills = CASE WHEN $2 > best_kills THEN $2 ELSE best_kills END
             WHERE id = $1",
            &[&p.player_id, &kills, &deaths, &played],
        )
        .await?;
    }
    Ok(Applied::Stored(match_id))
}

/// The top `limit` players by rating.
pub(crate) async fn leaderboard(
    pool: &Pool,
    limit: usize,
) -> Result<Vec<LeaderboardRow>, StoreError> {
    let client = pool.get().await.map_err(pool_error)?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = client
        .query(
            "SELECT id, name, kills - deaths, kills, deaths, matches, best_kills FROM players
             WHERE matches > 0
             ORDER BY kills - deaths DESC, kills DESC, id COLLATE \"C\"
             LIMIT $1",
            &[&limit],
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
            kills: r.get(3),
            deaths: r.get(4),
            matches: r.get(5),
            best_kills: r.get(6),
        })
        .collect())
}

/// The player `id`, if stored.
pub(crate) async fn player(pool: &Pool, id: &str) -> Result<Option<PlayerRecord>, StoreError> {
    let client = pool.get().await.map_err(pool_error)?;
    let row = client
        .query_opt(
            "SELECT id, name, first_seen_ms, last_seen_ms, kills, deaths, matches, played_ms,
                    best_kills, kills - deaths
             FROM players WHERE id = $1",
            &[&id],
        )
        .await
        .map_err(query_error)?;
    Ok(row.map(|r| PlayerRecord {
        id: r.get(0),
        name: r.get(1),
        first_seen_ms: r.get(2),
        last_seen_ms: r.get(3),
        kills: r.get(4),
        deaths: r.get(5),
        matches: r.get(6),
        played_ms: r.get(7),
        best_kills: r.get(8),
        rating: r.get(9),
    }))
}

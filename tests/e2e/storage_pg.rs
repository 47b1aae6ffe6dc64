//! The PostgreSQL backend under real servers: two servers on one database, where a match
//! finished on one reaches a leaderboard subscriber of the other within a second, and a row
//! written with `psql` reaches a subscribed client. Each test runs its own throwaway PostgreSQL
//! server; without PostgreSQL they skip loudly, except under CI, where they fail.

use std::time::{Duration, Instant};

use tickwire_server::{Database, ServerConfig};
use tickwire_store::pg_cluster::{self, PgCluster};

use crate::harness::{LIMIT, arena_config, ci_requires, join, start_arena};

fn cluster_or_skip(test: &str) -> Option<PgCluster> {
    if pg_cluster::bin_dir().is_none() {
        ci_requires("PostgreSQL", test, "apt-get install postgresql");
        return None;
    }
    Some(PgCluster::start().expect("start a PostgreSQL server"))
}

fn on(pg: &PgCluster, db: &str, match_length: Duration) -> ServerConfig {
    ServerConfig {
        match_length,
        database: Database::Postgres(pg.url(db)),
        ..arena_config()
    }
}

#[tokio::test]
async fn a_match_on_one_server_reaches_a_subscriber_of_another_within_a_second() {
    let Some(pg) =
        cluster_or_skip("storage_pg::a_match_on_one_server_reaches_a_subscriber_of_another")
    else {
        return;
    };
    pg.create_db("two").expect("create");
    // Server A plays one-second matches; server B's matches never end, so whatever B's
    // subscriber sees about A's player came through the database.
    let a = start_arena(on(&pg, "two", Duration::from_secs(1)), 1).await;
    let b = start_arena(on(&pg, "two", Duration::ZERO), 0).await;
    let mut watcher = join(&b, "watcher").await;
    watcher.subscribe_leaderboard().await.expect("subscribe");
    let first = tokio::time::timeout(LIMIT, watcher.next_leaderboard())
        .await
        .expect("a board in time")
        .expect("board");
    assert!(first.iter().all(|r| r.name != "on-a"), "{first:?}");

    let mut player = join(&a, "on-a").await;
    tokio::time::timeout(LIMIT, player.next_match_end())
        .await
        .expect("a match end on A in time")
        .expect("match end");
    let ended = Instant::now();
    let board = tokio::time::timeout(LIMIT, async {
        loop {
            let rows = watcher.next_leaderboard().await.expect("board");
            if rows.iter().any(|r| r.name == "on-a") {
                return rows;
            }
        }
    })
    .await
    .expect("A's player on B's board in time");
    let waited = ended.elapsed();
    assert!(
        waited < Duration::from_secs(1),
        "B's subscriber saw A's match {waited:?} after it ended: {board:?}"
    );
    drop((a, b));
    pg.drop_db("two").expect("drop");
}

#[tokio::test]
async fn a_row_inserted_with_psql_reaches_a_subscribed_client() {
    let Some(pg) =
        cluster_or_skip("storage_pg::a_row_inserted_with_psql_reaches_a_subscribed_client")
    else {
        return;
    };
    pg.create_db("psql").expect("create");
    let server = start_arena(on(&pg, "psql", Duration::ZERO), 0).await;
    let mut client = join(&server, "watcher").await;
    client.subscribe_leaderboard().await.expect("subscribe");
    tokio::time::timeout(LIMIT, client.next_leaderboard())
        .await
        .expect("a board in time")
        .expect("board");
    pg.psql(
        "psql",
        "INSERT INTO players (id, name, first_seen_ms, last_seen_ms, kills, matches)
         VALUES ('from-psql', 'typed-in', 1, 1, 42, 1)",
    )
    .expect("insert");
    let board = tokio::time::timeout(LIMIT, client.next_leaderboard())
        .await
        .expect("a new board in time")
        .expect("board");
    assert_eq!(board[0].name, "typed-in", "{board:?}");
    assert_eq!(board[0].kills, 42);
    drop(server);
    pg.drop_db("psql").expect("drop");
}

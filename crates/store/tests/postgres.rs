//! The store on a real PostgreSQL server (a throwaway one per test, see `PgCluster`): migrations
//! from empty and from older versions (version 6 from the version 5 fixture's rows), refusal of a
//! newer schema, writes and reads, games' own columns and a board per game, changes made
//! by another connection (`psql`) on the feed, a write the database refuses lost alone, a
//! server stopped and started again that loses no queued write, a match result written twice
//! (also after a commit whose answer was lost) stored once, and the writes a shutdown gives up
//! counted. Without PostgreSQL's programs the tests skip loudly, except under CI, where they
//! fail.

mod commit_cut;
mod support;

use std::io::Write as _;
use std::time::{Duration, Instant};

use support::{a_match_of, columns, committed, line, standing, total, until};
use tickwire_store::{
    Change, EndedBy, RecordError, Store, StoreError, StoreOptions, Table, Write, migrations,
};
use tickwire_testkit::pg_cluster::{self, PgCluster};
use tokio::sync::broadcast;

const V1: &str = include_str!("../migrations/postgres/0001_init.sql");
const V2: &str = include_str!("../migrations/0002_best_and_rating.sql");
const V3: &str = include_str!("../migrations/0003_ended_by.sql");
const V4: &str = include_str!("../migrations/0004_match_key.sql");
const V5: &str = include_str!("../migrations/postgres/0005_notify_deletes.sql");
/// The rows of the version 5 fixture, as SQL both backends take.
const V5_ROWS: &str = include_str!("fixtures/v5_rows.sql");

/// A fresh server, or `None` after a loud skip (a failure under CI) when PostgreSQL is missing.
fn cluster_or_skip(test: &str) -> Option<PgCluster> {
    if pg_cluster::bin_dir().is_none() {
        let ci = std::env::var("CI").unwrap_or_default();
        assert!(
            !["true", "1", "yes"].contains(&ci.trim().to_lowercase().as_str()),
            "{test}: PostgreSQL not found (apt-get install postgresql); under CI it must run"
        );
        let _ = writeln!(
            std::io::stderr(),
            "\n****************\nSKIPPED: {test}: PostgreSQL not found (apt-get install postgresql)\n****************\n"
        );
        return None;
    }
    Some(PgCluster::start().expect("start a PostgreSQL server"))
}

/// Creates database `db` on `pg` and opens a store on it.
async fn open_new(pg: &PgCluster, db: &str) -> Store {
    pg.create_db(db).expect("create");
    Store::open_postgres(&pg.url(db), StoreOptions::default())
        .await
        .expect("open")
}

/// An arena match result of one player, with a key of its own.
fn a_match(room: u32, id: &str, kills: i64, deaths: i64) -> Write {
    support::a_match(room, vec![support::score(id, kills, deaths)])
}

/// Waits for a change of `table` on the feed.
async fn change_of(feed: &mut broadcast::Receiver<Change>, table: Table) -> Change {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match feed.recv().await {
                Ok(c) if c.table == table => return c,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("feed closed: {e}"),
            }
        }
    })
    .await
    .expect("a change in time")
}

#[tokio::test]
async fn postgres_is_migrated_from_empty_and_from_versions_1_2_and_3_and_a_newer_one_is_refused() {
    let Some(pg) = cluster_or_skip("postgres_is_migrated_from_empty_and_from_versions_1_2_and_3")
    else {
        return;
    };
    let store = open_new(&pg, "empty").await;
    assert_eq!(
        pg.psql("empty", "SELECT version FROM schema_version")
            .expect("psql"),
        migrations::LATEST.to_string()
    );
    assert!(
        store
            .leaderboard("arena", 10)
            .await
            .expect("read")
            .is_empty()
    );
    store.close().await;
    drop(store);

    // A database at version 1 with data in it, as the version 1 schema wrote it.
    pg.create_db("v1").expect("create");
    pg.psql("v1", V1).expect("v1 schema");
    pg.psql(
        "v1",
        "CREATE TABLE schema_version (version BIGINT NOT NULL);
         INSERT INTO schema_version VALUES (1);
         INSERT INTO players VALUES ('guest:ada', 'ada', 1, 2, 7, 2, 2, 120000);
         INSERT INTO matches (room, game, map, started_ms, ended_ms) VALUES (1, 'arena', 'arena', 1, 2), (1, 'arena', 'arena', 2, 3);
         INSERT INTO match_players VALUES (1, 'guest:ada', 'ada', 3, 1, 60000), (2, 'guest:ada', 'ada', 4, 1, 60000);",
    )
    .expect("v1 data");
    let store = Store::open_postgres(&pg.url("v1"), StoreOptions::default())
        .await
        .expect("open");
    let ada = store.player("guest:ada").await.expect("read").expect("ada");
    let arena = standing(&ada, "arena");
    assert_eq!((total(arena, "kills"), arena.best, arena.rating), (7, 3, 5));
    // Version 3: the matches stored before it ran their length; a match cut short says so.
    let Write::Match(mut cut_short) = a_match(1, "guest:ada", 1, 0) else {
        unreachable!("a_match makes a match")
    };
    cut_short.ended_by = EndedBy::Shutdown;
    store.record(Write::Match(cut_short)).expect("queued");
    committed(&store, 1).await;
    assert_eq!(
        pg.psql(
            "v1",
            "SELECT string_agg(ended_by, ',' ORDER BY id) FROM matches"
        )
        .expect("psql"),
        "clock,clock,shutdown"
    );
    store.close().await;
    drop(store);

    // A database at version 2, the one before this build's: its matches gain `ended_by`.
    pg.create_db("v2").expect("create");
    pg.psql("v2", V1).expect("v1 schema");
    pg.psql("v2", V2).expect("v2 schema");
    pg.psql(
        "v2",
        "CREATE TABLE schema_version (version BIGINT NOT NULL);
         INSERT INTO schema_version VALUES (2);
         INSERT INTO players VALUES ('guest:bo', 'bo', 1, 2, 3, 1, 1, 60000, 3);
         INSERT INTO matches (room, game, map, started_ms, ended_ms) VALUES (1, 'arena', 'arena', 1, 2);
         INSERT INTO match_players VALUES (1, 'guest:bo', 'bo', 3, 1, 60000);",
    )
    .expect("v2 data");
    let store = Store::open_postgres(&pg.url("v2"), StoreOptions::default())
        .await
        .expect("open");
    assert_eq!(
        pg.psql("v2", "SELECT version FROM schema_version")
            .expect("psql"),
        migrations::LATEST.to_string()
    );
    assert_eq!(
        pg.psql("v2", "SELECT ended_by FROM matches").expect("psql"),
        "clock"
    );
    let bo = store.player("guest:bo").await.expect("read").expect("bo");
    let arena = standing(&bo, "arena");
    assert_eq!((total(arena, "kills"), arena.best, bo.matches), (3, 2, 1));
    store.close().await;
    drop(store);

    // A database at version 3, the one before this build's: its results gain a key column
    // (none for those already stored, and any number may have none).
    pg.create_db("v3").expect("create");
    for schema in [V1, V2, V3] {
        pg.psql("v3", schema).expect("schema");
    }
    pg.psql(
        "v3",
        "CREATE TABLE schema_version (version BIGINT NOT NULL);
         INSERT INTO schema_version VALUES (3);
         INSERT INTO players VALUES ('guest:cy', 'cy', 1, 2, 5, 2, 2, 60000, 3);
         INSERT INTO matches (room, game, map, started_ms, ended_ms, ended_by)
             VALUES (1, 'arena', 'arena', 1, 2, 'clock'), (1, 'arena', 'arena', 2, 3, 'shutdown');
         INSERT INTO match_players VALUES (1, 'guest:cy', 'cy', 3, 1, 30000), (2, 'guest:cy', 'cy', 2, 1, 30000);",
    )
    .expect("v3 data");
    let store = Store::open_postgres(&pg.url("v3"), StoreOptions::default())
        .await
        .expect("open");
    assert_eq!(migrations::LATEST, 7);
    assert_eq!(
        pg.psql("v3", "SELECT version FROM schema_version")
            .expect("psql"),
        "7"
    );
    assert_eq!(
        pg.psql("v3", "SELECT COUNT(*) FROM matches WHERE match_key IS NULL")
            .expect("psql"),
        "2"
    );
    // Every reason a match ends is stored as it is named; each result once.
    for ended_by in EndedBy::ALL {
        let Write::Match(mut m) = a_match(1, "guest:cy", 1, 0) else {
            unreachable!("a_match makes a match")
        };
        m.ended_by = ended_by;
        store.record(Write::Match(m.clone())).expect("queued");
        store.record(Write::Match(m)).expect("queued");
    }
    committed(&store, 8).await;
    assert_eq!(
        pg.psql(
            "v3",
            "SELECT string_agg(ended_by, ',' ORDER BY id) FROM matches WHERE match_key IS NOT NULL"
        )
        .expect("psql"),
        "clock,shutdown,closed,emptied"
    );
    let cy = store.player("guest:cy").await.expect("read").expect("cy");
    assert_eq!((total(standing(&cy, "arena"), "kills"), cy.matches), (9, 6));
    assert_eq!(store.stats().duplicates, 4);
    store.close().await;
    drop(store);

    pg.psql(
        "v1",
        &format!(
            "UPDATE schema_version SET version = {}",
            migrations::LATEST + 1
        ),
    )
    .expect("psql");
    let err = Store::open_postgres(&pg.url("v1"), StoreOptions::default())
        .await
        .expect_err("a newer schema is refused");
    assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
    assert!(err.to_string().contains("newer than this build"), "{err}");
    for db in ["empty", "v1", "v2", "v3"] {
        pg.drop_db(db).expect("drop");
    }
}

#[tokio::test]
async fn postgres_writes_are_read_back_and_any_connections_changes_reach_the_feed() {
    let Some(pg) = cluster_or_skip("postgres_writes_are_read_back") else {
        return;
    };
    let store = open_new(&pg, "w").await;
    let mut feed = store.subscribe();
    store.record(a_match(1, "guest:ada", 5, 1)).expect("queued");
    store.record(a_match(1, "guest:bo", 1, 5)).expect("queued");
    committed(&store, 2).await;
    change_of(&mut feed, Table::Players).await;
    let board = store.leaderboard("arena", 10).await.expect("read");
    let ids: Vec<&str> = board.iter().map(|r| r.player_id.as_str()).collect();
    assert_eq!(ids, ["guest:ada", "guest:bo"]);
    let ada = store.player("guest:ada").await.expect("read").expect("ada");
    let arena = standing(&ada, "arena");
    assert_eq!(columns(&arena.totals), [("deaths", 1), ("kills", 5)]);
    assert_eq!((ada.matches, arena.best), (1, 4));

    // Rows written by another client entirely (psql) are announced by the triggers.
    let mut feed = store.subscribe();
    pg.psql(
        "w",
        "INSERT INTO players (id, name, first_seen_ms, last_seen_ms, matches)
         VALUES ('psql-1', 'from-psql', 1, 1, 1)",
    )
    .expect("insert");
    let change = change_of(&mut feed, Table::Players).await;
    assert_eq!(change.key, "psql-1");
    pg.psql(
        "w",
        "INSERT INTO standings (player_id, game, rating, matches, best, totals)
         VALUES ('psql-1', 'arena', 99, 1, 99, '{\"kills\": 99}')",
    )
    .expect("insert");
    let change = change_of(&mut feed, Table::Standings).await;
    assert_eq!(change.key, "psql-1");
    let top = &store.leaderboard("arena", 1).await.expect("read")[0];
    assert_eq!(top.name, "from-psql");
    assert_eq!(columns(&top.totals), [("kills", 99)]);
    store.close().await;
    drop(store);
    pg.drop_db("w").expect("drop");
}

#[tokio::test]
async fn from_version_5_deletes_and_truncates_reach_the_feed_of_a_migrated_database() {
    let Some(pg) = cluster_or_skip("from_version_5_deletes_and_truncates_reach_the_feed") else {
        return;
    };
    // A database at version 4, whose triggers announced inserts and updates only.
    pg.create_db("v4").expect("create");
    for schema in [V1, V2, V3, V4] {
        pg.psql("v4", schema).expect("schema");
    }
    pg.psql(
        "v4",
        "CREATE TABLE schema_version (version BIGINT NOT NULL);
         INSERT INTO schema_version VALUES (4);
         INSERT INTO players VALUES ('guest:dee', 'dee', 1, 2, 5, 2, 1, 60000, 5);",
    )
    .expect("v4 data");
    let store = Store::open_postgres(&pg.url("v4"), StoreOptions::default())
        .await
        .expect("open");
    assert_eq!(
        pg.psql("v4", "SELECT version FROM schema_version")
            .expect("psql"),
        migrations::LATEST.to_string()
    );
    let mut feed = store.subscribe();
    pg.psql("v4", "DELETE FROM players WHERE id = 'guest:dee'")
        .expect("delete");
    assert_eq!(change_of(&mut feed, Table::Players).await.key, "guest:dee");
    assert!(
        store
            .leaderboard("arena", 10)
            .await
            .expect("read")
            .is_empty()
    );
    pg.psql(
        "v4",
        "INSERT INTO players (id, name, first_seen_ms, last_seen_ms, matches) VALUES ('x', 'x', 1, 1, 1)",
    )
    .expect("insert");
    assert_eq!(change_of(&mut feed, Table::Players).await.key, "x");
    pg.psql("v4", "TRUNCATE standings, match_players, players")
        .expect("truncate");
    assert_eq!(change_of(&mut feed, Table::Players).await.key, "");
    store.close().await;
    drop(store);
    pg.drop_db("v4").expect("drop");
}

#[tokio::test]
async fn a_write_postgres_refuses_is_lost_alone_and_counted() {
    let Some(pg) = cluster_or_skip("a_write_postgres_refuses_is_lost_alone") else {
        return;
    };
    let store = open_new(&pg, "bad").await;
    // PostgreSQL takes no NUL in a text value: this write can never commit. Queued together,
    // the three writes may well be one batch.
    store.record(a_match(1, "guest:ada", 1, 0)).expect("queued");
    store
        .record(a_match(1, "guest:\0nul", 1, 0))
        .expect("queued");
    store.record(a_match(1, "guest:bo", 1, 0)).expect("queued");
    let stats = until(&store, "three writes done", |s| s.committed + s.failed >= 3).await;
    assert_eq!((stats.committed, stats.failed, stats.retries), (2, 1, 0));
    assert_eq!(
        pg.psql("bad", "SELECT string_agg(id, ',' ORDER BY id) FROM players")
            .expect("psql"),
        "guest:ada,guest:bo"
    );
    // The writer goes on.
    store.record(a_match(2, "guest:cy", 1, 0)).expect("queued");
    committed(&store, 3).await;
    store.close().await;
    drop(store);
    pg.drop_db("bad").expect("drop");
}

#[tokio::test]
async fn a_postgres_outage_loses_no_queued_write_and_the_feed_comes_back() {
    let Some(pg) = cluster_or_skip("a_postgres_outage_loses_no_queued_write") else {
        return;
    };
    let store = open_new(&pg, "r").await;
    store.record(a_match(1, "guest:ada", 1, 0)).expect("queued");
    committed(&store, 1).await;
    pg.stop().expect("stop");
    // A write while the server is down: the writer reports the outage and keeps trying it.
    store.record(a_match(2, "guest:ada", 1, 0)).expect("queued");
    until(&store, "the outage seen and a retry", |s| {
        s.outages >= 1 && s.retries >= 1
    })
    .await;
    // Writes keep coming meanwhile: they wait in the queue.
    for i in 3..=20 {
        store.record(a_match(i, "guest:ada", 1, 0)).expect("queued");
    }
    let down = store.stats();
    assert_eq!(down.committed, 1, "{down:?}");
    assert_eq!(down.outages, 1, "{down:?}");
    assert!(down.retries >= 1 && down.queued >= 1, "{down:?}");
    pg.start_again().expect("start");
    committed(&store, 20).await;
    let stats = store.stats();
    assert_eq!((stats.dropped, stats.failed, stats.outages), (0, 0, 1));
    assert_eq!(
        pg.psql("r", "SELECT COUNT(*) FROM matches").expect("psql"),
        "20"
    );
    assert_eq!(
        pg.psql("r", "SELECT matches FROM players WHERE id = 'guest:ada'")
            .expect("psql"),
        "20"
    );

    // The listener connected again: a change made now reaches the feed.
    let mut feed = store.subscribe();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        pg.psql(
            "r",
            "UPDATE players SET name = 'ada2' WHERE id = 'guest:ada'",
        )
        .expect("update");
        match tokio::time::timeout(Duration::from_millis(500), feed.recv()).await {
            Ok(Ok(c)) if c.table == Table::Players && c.key == "guest:ada" => break,
            _ => assert!(Instant::now() < deadline, "no change after the restart"),
        }
    }
    assert_eq!(store.stats().reconnects, 1, "{:?}", store.stats());
    store.close().await;
    drop(store);
    pg.drop_db("r").expect("drop");
}

#[tokio::test]
async fn postgres_stores_a_match_result_written_twice_once_and_announces_it_once() {
    let Some(pg) = cluster_or_skip("postgres_stores_a_match_result_written_twice_once") else {
        return;
    };
    let store = open_new(&pg, "twice").await;
    let result = a_match(1, "guest:ada", 3, 1);
    store.record(result.clone()).expect("queued");
    committed(&store, 1).await;
    let mut feed = store.subscribe();
    // The same result again, after its commit and queued twice more together (most likely one
    // batch): as a writer that did not hear its commit's answer sends it.
    store.record(result.clone()).expect("queued");
    committed(&store, 2).await;
    store.record(result.clone()).expect("queued");
    store.record(result).expect("queued");
    committed(&store, 4).await;
    assert_eq!(
        pg.psql("twice", "SELECT COUNT(*) FROM matches")
            .expect("psql"),
        "1"
    );
    assert_eq!(
        pg.psql("twice", "SELECT COUNT(*) FROM match_players")
            .expect("psql"),
        "1"
    );
    let ada = store.player("guest:ada").await.expect("read").expect("ada");
    let arena = standing(&ada, "arena");
    assert_eq!(columns(&arena.totals), [("deaths", 1), ("kills", 3)]);
    assert_eq!((ada.matches, arena.matches), (1, 1));
    let stats = store.stats();
    assert_eq!((stats.duplicates, stats.failed), (3, 0), "{stats:?}");

    // Nothing changed, so nothing was notified: the next changes on the feed are those of the
    // next match (its row first, then its player's, as the triggers fire).
    store.record(a_match(1, "guest:bo", 1, 0)).expect("queued");
    let next = tokio::time::timeout(Duration::from_secs(10), async {
        let mut seen = Vec::new();
        loop {
            match feed.recv().await {
                Ok(c) => {
                    let last = c.table == Table::Players && c.key == "guest:bo";
                    seen.push(c);
                    if last {
                        return seen;
                    }
                }
                Err(e) => panic!("feed: {e}"),
            }
        }
    })
    .await
    .expect("changes in time");
    // (An insert that finds its key taken still uses up a number of the id sequence: ids may
    // have gaps, as PostgreSQL's sequences always may.)
    let bo_match = pg
        .psql("twice", "SELECT MAX(id) FROM matches")
        .expect("psql");
    assert_eq!(
        next,
        [
            Change {
                table: Table::Matches,
                key: bo_match
            },
            Change {
                table: Table::Players,
                key: "guest:bo".into()
            }
        ]
    );
    store.close().await;
    drop(store);
    pg.drop_db("twice").expect("drop");
}

#[tokio::test]
async fn a_commit_whose_answer_is_lost_is_tried_again_and_stored_once() {
    let Some(pg) = cluster_or_skip("a_commit_whose_answer_is_lost_is_tried_again") else {
        return;
    };
    pg.create_db("lost").expect("create");
    let cut = commit_cut::CommitCut::start(pg.port()).await;
    let url = format!(
        "postgres://{}@127.0.0.1:{}/lost",
        pg_cluster::USER,
        cut.port()
    );
    let store = Store::open_postgres(&url, StoreOptions::default())
        .await
        .expect("open");
    // The next COMMIT reaches the server, which commits; its answer never reaches the writer.
    cut.arm();
    store.record(a_match(1, "guest:ada", 4, 2)).expect("queued");
    committed(&store, 1).await;
    assert_eq!(cut.cuts(), 1, "the commit's answer was cut");
    let stats = store.stats();
    assert!(stats.retries >= 1, "the writer tried again: {stats:?}");
    assert_eq!((stats.duplicates, stats.failed), (1, 0), "{stats:?}");
    assert_eq!(
        pg.psql("lost", "SELECT COUNT(*) FROM matches")
            .expect("psql"),
        "1"
    );
    assert_eq!(
        pg.psql(
            "lost",
            "SELECT (totals->>'kills') || ',' || (totals->>'deaths') || ',' || matches
             FROM standings WHERE player_id = 'guest:ada'"
        )
        .expect("psql"),
        "4,2,1"
    );
    store.close().await;
    drop(store);
    drop(cut);
    pg.drop_db("lost").expect("drop");
}

#[tokio::test]
async fn a_shutdown_that_gives_up_on_postgres_counts_the_writes_it_loses() {
    let Some(pg) = cluster_or_skip("a_shutdown_that_gives_up_on_postgres_counts") else {
        return;
    };
    let store = open_new(&pg, "gone").await;
    store.record(a_match(1, "guest:ada", 1, 0)).expect("queued");
    committed(&store, 1).await;
    pg.stop().expect("stop");
    let lost = 7;
    for room in 0..lost {
        store
            .record(a_match(room, "guest:ada", 1, 0))
            .expect("queued");
    }
    let closing = Instant::now();
    store.close().await;
    let took = closing.elapsed();
    assert!(
        took >= Duration::from_secs(9) && took < Duration::from_secs(30),
        "the close gave up after {took:?}"
    );
    let stats = store.stats();
    assert_eq!(
        (
            stats.committed,
            stats.abandoned,
            stats.failed,
            stats.dropped
        ),
        (1, u64::from(lost), 0, 0),
        "{stats:?}"
    );
    // The database, back, holds only the write committed before it went away.
    pg.start_again().expect("start");
    assert_eq!(
        pg.psql("gone", "SELECT COUNT(*) FROM matches")
            .expect("psql"),
        "1"
    );
    drop(store);
    pg.drop_db("gone").expect("drop");
}

#[tokio::test]
async fn both_backends_order_ties_alike_under_an_icu_collation() {
    let Some(pg) = cluster_or_skip("both_backends_order_ties_alike_under_an_icu_collation") else {
        return;
    };
    // A database whose text sorts by ICU's rules (case and accents aside), unlike bytes.
    pg.psql(
        "postgres",
        "CREATE DATABASE icu TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu \
         ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'",
    )
    .expect("an ICU database");
    assert_eq!(
        pg.psql("icu", "SELECT 'b' < 'B' AND 'B' < 'c'")
            .expect("psql"),
        "t",
        "the database sorts by ICU's rules"
    );
    let pg_store = Store::open_postgres(&pg.url("icu"), StoreOptions::default())
        .await
        .expect("open");
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite_store =
        Store::open_sqlite(&dir.path().join("t.db"), StoreOptions::default()).expect("open");
    // Six players tied on rating and best match, one ahead of them.
    let ids = [
        "guest:bob",
        "guest:Bob",
        "guest:zed",
        "guest:_x",
        "guest:ada",
        "guest:émile",
    ];
    for store in [&pg_store, &sqlite_store] {
        for id in ids {
            store.record(a_match(1, id, 2, 1)).expect("queued");
        }
        store.record(a_match(1, "guest:top", 5, 0)).expect("queued");
        committed(store, 7).await;
    }
    let order = async |store: &Store| -> Vec<String> {
        let rows = store.leaderboard("arena", 10).await.expect("read");
        rows.into_iter().map(|r| r.player_id).collect()
    };
    let on_pg = order(&pg_store).await;
    let on_sqlite = order(&sqlite_store).await;
    let mut by_bytes: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    by_bytes.sort();
    by_bytes.insert(0, "guest:top".into());
    let _ = writeln!(
        std::io::stderr(),
        "tie order on both backends: {on_sqlite:?}"
    );
    assert_eq!(on_pg, on_sqlite, "one order on both backends");
    assert_eq!(on_sqlite, by_bytes, "ties by the id's bytes");
    pg_store.close().await;
    sqlite_store.close().await;
    drop(pg_store);
    pg.drop_db("icu").expect("drop");
}

#[tokio::test]
async fn postgres_version_5_gains_game_columns_and_a_board_per_game_and_keeps_its_rows() {
    let Some(pg) = cluster_or_skip("postgres_version_5_gains_game_columns") else {
        return;
    };
    // The version 5 fixture's rows, in a database the version 5 schema made.
    pg.create_db("v5").expect("create");
    for schema in [V1, V2, V3, V4, V5] {
        pg.psql("v5", schema).expect("schema");
    }
    pg.psql(
        "v5",
        "CREATE TABLE schema_version (version BIGINT NOT NULL);
         INSERT INTO schema_version VALUES (5);",
    )
    .expect("version");
    pg.psql("v5", V5_ROWS).expect("v5 rows");
    let store = Store::open_postgres(&pg.url("v5"), StoreOptions::default())
        .await
        .expect("open");
    assert_eq!(
        pg.psql("v5", "SELECT version FROM schema_version")
            .expect("psql"),
        "7"
    );
    // Each line's kills and deaths became its columns (jsonb), and its rating kills - deaths.
    assert_eq!(
        pg.psql(
            "v5",
            "SELECT string_agg(match_id || ' ' || player_id || ' ' || columns::text || ' '
                 || rating || ' ' || played_ms, '; ' ORDER BY match_id, player_id)
             FROM match_players"
        )
        .expect("psql"),
        "1 guest:ada {\"kills\": 3, \"deaths\": 1} 2 30000; \
         1 guest:bo {\"kills\": 1, \"deaths\": 3} -2 60000; \
         2 guest:ada {\"kills\": 4, \"deaths\": 1} 3 60000; \
         2 guest:bo {\"kills\": 1, \"deaths\": 4} -3 60000; \
         3 guest:ada {\"kills\": 2, \"deaths\": 1} 1 60000"
    );
    let arena = store.leaderboard("arena", 10).await.expect("read");
    let rows: Vec<(u32, &str, &str, i64, i64, i64)> = arena
        .iter()
        .map(|r| {
            let (id, name) = (r.player_id.as_str(), r.name.as_str());
            (r.rank, id, name, r.rating, r.matches, r.best)
        })
        .collect();
    assert_eq!(
        rows,
        [
            (1, "guest:ada", "ada", 5, 2, 3),
            (2, "guest:bo", "Bo", -5, 2, -2)
        ]
    );
    assert_eq!(columns(&arena[0].totals), [("deaths", 2), ("kills", 7)]);
    let tag = store.leaderboard("tag", 10).await.expect("read");
    assert_eq!((tag.len(), tag[0].rating), (1, 1));
    let ada = store.player("guest:ada").await.expect("read").expect("ada");
    assert_eq!(
        (ada.matches, ada.played_ms, ada.games.len()),
        (3, 150_000, 2)
    );
    let cy = store.player("guest:cy").await.expect("read").expect("cy");
    assert!(cy.games.is_empty());

    // A result written now adds to the migrated standing and reaches the feed.
    let mut feed = store.subscribe();
    store.record(a_match(1, "guest:bo", 12, 0)).expect("queued");
    assert_eq!(change_of(&mut feed, Table::Standings).await.key, "guest:bo");
    committed(&store, 1).await;
    let arena = store.leaderboard("arena", 10).await.expect("read");
    assert_eq!(
        (arena[0].player_id.as_str(), arena[0].rating, arena[0].best),
        ("guest:bo", 7, 12)
    );
    assert_eq!(columns(&arena[0].totals), [("deaths", 7), ("kills", 14)]);
    store.close().await;
    drop(store);
    pg.drop_db("v5").expect("drop");
}

#[tokio::test]
async fn postgres_keeps_a_games_own_columns_and_rating_with_a_board_per_game() {
    let Some(pg) = cluster_or_skip("postgres_keeps_a_games_own_columns") else {
        return;
    };
    let store = open_new(&pg, "games").await;
    // Names jsonb must escape; a rating of 3 x tags - 2 x tagged.
    let tag = |id: &str, tags: i64, tagged: i64| {
        line(
            id,
            3 * tags - 2 * tagged,
            &[("tags", tags), ("tagged \"by\" é", tagged)],
        )
    };
    store
        .record(a_match_of(
            "tag",
            1,
            vec![tag("guest:few", 2, 0), tag("guest:many", 5, 4)],
        ))
        .expect("queued");
    store
        .record(a_match_of("tag", 1, vec![tag("guest:few", 0, 1)]))
        .expect("queued");
    store.record(a_match(2, "guest:few", 9, 0)).expect("queued");
    // A line that breaks the rules is refused before it is queued.
    assert!(matches!(
        store.record(a_match_of("tag", 1, vec![line("guest:x", 0, &[("", 1)])])),
        Err(RecordError::Invalid(_))
    ));
    committed(&store, 3).await;
    let board = store.leaderboard("tag", 10).await.expect("read");
    let rows: Vec<(&str, i64, i64, i64)> = board
        .iter()
        .map(|r| (r.player_id.as_str(), r.rating, r.matches, r.best))
        .collect();
    assert_eq!(rows, [("guest:many", 7, 1, 7), ("guest:few", 4, 2, 6)]);
    assert_eq!(
        columns(&board[1].totals),
        [("tagged \"by\" é", 1), ("tags", 2)]
    );
    let arena = store.leaderboard("arena", 10).await.expect("read");
    assert_eq!(arena.len(), 1);
    assert_eq!(
        (arena[0].player_id.as_str(), arena[0].rating),
        ("guest:few", 9)
    );
    let few = store.player("guest:few").await.expect("read").expect("few");
    let games: Vec<(&str, i64)> = few
        .games
        .iter()
        .map(|s| (s.game.as_str(), s.rating))
        .collect();
    assert_eq!(games, [("arena", 9), ("tag", 4)]);
    assert_eq!(few.matches, 3);
    assert_eq!(
        pg.psql(
            "games",
            "SELECT columns->>'tagged \"by\" é' FROM match_players ORDER BY match_id, player_id LIMIT 1"
        )
        .expect("psql"),
        "0"
    );
    store.close().await;
    drop(store);
    pg.drop_db("games").expect("drop");
}

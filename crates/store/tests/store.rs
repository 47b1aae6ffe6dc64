//! The store against a real SQLite file: migrations (version 6 from a version 5 fixture),
//! refusal of a newer schema, writes and reads, games' own columns and ratings with a board per
//! game, invalid lines refused, the change feed, a full queue counted, and a match result
//! written twice stored once.

use std::path::{Path, PathBuf};
use std::time::Duration;

mod support;

use rusqlite::Connection;
use support::{a_match, a_match_of, columns, committed, score, standing, total, until};
use tickwire_store::{
    Change, Database, EndedBy, InvalidScore, PlayerScore, RecordError, Store, StoreError,
    StoreOptions, StoredReplay, Table, Write, migrations,
};

const FIXTURE_V1: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v1.db");
const FIXTURE_V5: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v5.db");
const FIXTURE_V6: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v6.db");
/// The rows of the version 5 fixture, as SQL both backends take.
const V5_ROWS: &str = include_str!("fixtures/v5_rows.sql");

fn temp_db(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("t.db")
}

fn version_of(path: &Path) -> i64 {
    migrations::version(&Connection::open(path).expect("test step")).expect("test step")
}

/// Makes the file at `path` a database at schema `version` holding the rows `sql` inserts.
fn database_at(path: &Path, version: i64, sql: &str) {
    let mut conn = Connection::open(path).expect("test step");
    migrations::migrate_to(&mut conn, path, version).expect("test step");
    conn.execute_batch(sql).expect("test step");
    drop(conn);
    assert_eq!(version_of(path), version);
}

#[tokio::test]
async fn an_empty_file_is_created_at_the_latest_version() {
    let dir = tempfile::tempdir().expect("test step");
    let path = temp_db(&dir);
    let store = Store::open(&Database::Sqlite(path.clone()), StoreOptions::default())
        .await
        .expect("test step")
        .expect("test step");
    assert_eq!(version_of(&path), migrations::LATEST);
    assert!(
        store
            .leaderboard("arena", 10)
            .await
            .expect("test step")
            .is_empty()
    );
    assert_eq!(store.player("guest:nobody").await.expect("test step"), None);
    let mode: String = Connection::open(&path)
        .expect("test step")
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("test step");
    assert_eq!(mode, "wal");
    store.close().await;
    // Opening again changes nothing.
    drop(Store::open_sqlite(&path, StoreOptions::default()).expect("test step"));
    assert_eq!(version_of(&path), migrations::LATEST);
}

#[tokio::test]
async fn storage_off_opens_nothing() {
    assert!(
        Store::open(&Database::Off, StoreOptions::default())
            .await
            .expect("test step")
            .is_none()
    );
}

/// The fixture is a database written by the version 1 schema. `TICKWIRE_WRITE_FIXTURES=1`
/// makes it again; otherwise this checks that it is what the migration test expects.
#[test]
fn the_v1_fixture_is_a_version_1_database() {
    if std::env::var_os("TICKWIRE_WRITE_FIXTURES").is_some() {
        let _ = std::fs::remove_file(FIXTURE_V1);
        let mut conn = Connection::open(FIXTURE_V1).expect("test step");
        migrations::migrate_to(&mut conn, Path::new(FIXTURE_V1), 1).expect("test step");
        conn.execute_batch(
            "INSERT INTO players VALUES ('guest:ada', 'ada', 1000, 61000, 7, 2, 2, 120000);
             INSERT INTO players VALUES ('guest:bo', 'bo', 1000, 61000, 2, 7, 2, 120000);
             INSERT INTO matches (room, game, map, started_ms, ended_ms)
                 VALUES (1, 'arena', 'arena', 1000, 31000), (1, 'arena', 'arena', 31000, 61000);
             INSERT INTO match_players VALUES (1, 'guest:ada', 'ada', 3, 1, 60000);
             INSERT INTO match_players VALUES (1, 'guest:bo', 'bo', 1, 3, 60000);
             INSERT INTO match_players VALUES (2, 'guest:ada', 'ada', 4, 1, 60000);
             INSERT INTO match_players VALUES (2, 'guest:bo', 'bo', 1, 4, 60000);
             VACUUM;",
        )
        .expect("test step");
    }
    assert_eq!(version_of(Path::new(FIXTURE_V1)), 1);
}

#[tokio::test]
async fn a_version_1_database_is_migrated_and_keeps_its_data() {
    let dir = tempfile::tempdir().expect("test step");
    let path = temp_db(&dir);
    std::fs::copy(FIXTURE_V1, &path).expect("test step");
    assert_eq!(version_of(&path), 1);
    let store = Store::open_sqlite(&path, StoreOptions::default()).expect("test step");
    assert_eq!(version_of(&path), migrations::LATEST);
    let board = store.leaderboard("arena", 10).await.expect("test step");
    let ids: Vec<&str> = board.iter().map(|r| r.player_id.as_str()).collect();
    assert_eq!(ids, ["guest:ada", "guest:bo"]);
    assert_eq!(board[0].rating, 5);
    // Version 6 made each player's best match (its best rating) from the stored results.
    assert_eq!(board[0].best, 3);
    assert_eq!(board[1].best, -2);
    store
        .record(a_match(2, vec![score("guest:bo", 9, 0)]))
        .expect("test step");
    committed(&store, 1).await;
    let bo = store
        .player("guest:bo")
        .await
        .expect("test step")
        .expect("test step");
    let arena = standing(&bo, "arena");
    assert_eq!(columns(&arena.totals), [("deaths", 7), ("kills", 11)]);
    assert_eq!((bo.matches, arena.matches, arena.best), (3, 3, 9));
    store.close().await;
}

#[tokio::test]
async fn a_version_2_database_gains_why_each_match_ended() {
    let dir = tempfile::tempdir().expect("test step");
    let path = temp_db(&dir);
    database_at(
        &path,
        2,
        "INSERT INTO players VALUES ('guest:ada', 'ada', 1000, 61000, 3, 1, 1, 60000, 3);
         INSERT INTO matches (room, game, map, started_ms, ended_ms)
             VALUES (1, 'arena', 'arena', 1000, 61000);
         INSERT INTO match_players VALUES (1, 'guest:ada', 'ada', 3, 1, 60000);",
    );
    let store = Store::open_sqlite(&path, StoreOptions::default()).expect("test step");
    assert_eq!(version_of(&path), migrations::LATEST);
    let Write::Match(mut cut_short) = a_match(1, vec![score("guest:ada", 1, 0)]) else {
        unreachable!("a_match makes a match")
    };
    cut_short.ended_by = EndedBy::Shutdown;
    store.record(Write::Match(cut_short)).expect("test step");
    committed(&store, 1).await;
    store.close().await;
    let conn = Connection::open(&path).expect("test step");
    let mut stmt = conn
        .prepare("SELECT id, ended_by FROM matches ORDER BY id")
        .expect("test step");
    let rows: Vec<(i64, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("test step")
        .collect::<Result<_, _>>()
        .expect("test step");
    assert_eq!(rows, [(1, "clock".into()), (2, "shutdown".into())]);
    let ada = store
        .player("guest:ada")
        .await
        .expect("test step")
        .expect("test step");
    let arena = standing(&ada, "arena");
    assert_eq!((total(arena, "kills"), ada.matches, arena.best), (4, 2, 2));
}

#[tokio::test]
async fn a_database_newer_than_this_build_is_refused() {
    let dir = tempfile::tempdir().expect("test step");
    let path = temp_db(&dir);
    drop(Store::open_sqlite(&path, StoreOptions::default()).expect("test step"));
    Connection::open(&path)
        .expect("test step")
        .execute(
            "UPDATE schema_version SET version = ?1",
            [migrations::LATEST + 1],
        )
        .expect("test step");
    let err = Store::open_sqlite(&path, StoreOptions::default()).expect_err("must fail");
    assert!(matches!(err, StoreError::TooNew { found, .. } if found == migrations::LATEST + 1));
    let message = err.to_string();
    assert!(message.contains("newer than this build"), "{message}");
    assert!(message.contains("t.db"), "{message}");
    // Nothing was changed.
    assert_eq!(version_of(&path), migrations::LATEST + 1);
}

#[tokio::test]
async fn writes_update_players_results_and_the_leaderboard_and_feed_changes() {
    let dir = tempfile::tempdir().expect("test step");
    let path = temp_db(&dir);
    let store = Store::open_sqlite(&path, StoreOptions::default()).expect("test step");
    let mut feed = store.subscribe();
    store
        .record(Write::Seen {
            player_id: "guest:ada".into(),
            name: "ada".into(),
            at_ms: 500,
        })
        .expect("test step");
    store
        .record(a_match(
            1,
            vec![score("guest:ada", 5, 1), score("guest:bo", 1, 5)],
        ))
        .expect("test step");
    store
        .record(a_match(
            1,
            vec![score("guest:ada", 2, 2), score("tok-7", 6, 0)],
        ))
        .expect("test step");
    committed(&store, 3).await;

    let board = store.leaderboard("arena", 10).await.expect("test step");
    let top: Vec<(u32, &str, i64)> = board
        .iter()
        .map(|r| (r.rank, r.player_id.as_str(), r.rating))
        .collect();
    assert_eq!(
        top,
        [(1, "tok-7", 6), (2, "guest:ada", 4), (3, "guest:bo", -4)]
    );
    assert_eq!(
        store
            .leaderboard("arena", 1)
            .await
            .expect("test step")
            .len(),
        1
    );

    let ada = store
        .player("guest:ada")
        .await
        .expect("test step")
        .expect("test step");
    assert_eq!(ada.first_seen_ms, 500);
    assert_eq!(ada.last_seen_ms, 61_000);
    let arena = standing(&ada, "arena");
    assert_eq!(columns(&arena.totals), [("deaths", 3), ("kills", 7)]);
    assert_eq!((ada.matches, arena.matches), (2, 2));
    assert_eq!((ada.played_ms, arena.best, arena.rating), (120_000, 4, 4));

    let results: i64 = Connection::open(&path)
        .expect("test step")
        .query_row("SELECT COUNT(*) FROM match_players", [], |r| r.get(0))
        .expect("test step");
    assert_eq!(results, 4);

    let mut seen = Vec::new();
    while let Ok(change) = feed.try_recv() {
        seen.push(change);
    }
    assert!(seen.iter().any(|c| c.table == Table::Players));
    assert!(seen.iter().any(|c| c.table == Table::Standings));
    assert!(seen.contains(&Change {
        table: Table::Matches,
        key: "2".into()
    }));
    let stats = store.stats();
    assert_eq!((stats.committed, stats.dropped, stats.failed), (3, 0, 0));
    store.close().await;
    assert_eq!(
        store.record(a_match(1, vec![])),
        Err(RecordError::Closed),
        "a closed store takes no writes"
    );
}

#[tokio::test]
async fn a_full_queue_refuses_writes_and_counts_them() {
    let dir = tempfile::tempdir().expect("test step");
    let path = temp_db(&dir);
    let options = StoreOptions {
        queue: 2,
        max_batch: 1,
        feed: 16,
    };
    let store = Store::open_sqlite(&path, options).expect("test step");
    // Another connection holds the write lock: the writer waits, and the queue fills up.
    let blocker = Connection::open(&path).expect("test step");
    blocker.execute_batch("BEGIN IMMEDIATE").expect("test step");
    let total = 50;
    let mut refused = 0;
    for i in 0..total {
        match store.record(a_match(i, vec![score("guest:ada", 1, 0)])) {
            Ok(()) => {}
            Err(RecordError::Full) => refused += 1,
            Err(e) => panic!("unexpected {e}"),
        }
        // The writer takes the first write off the queue and blocks on the lock: the queue is
        // empty with one write accepted and none committed.
        if i == 0 {
            writer_holds_one(&store).await;
        }
    }
    assert!(refused > 0, "nothing was refused");
    assert_eq!(store.stats().dropped, refused);
    blocker.execute_batch("COMMIT").expect("test step");
    committed(&store, u64::from(total) - refused).await;
    let ada = store
        .player("guest:ada")
        .await
        .expect("test step")
        .expect("test step");
    assert_eq!(ada.matches as u64, u64::from(total) - refused);
    store.close().await;
}

/// Waits until the writer has taken the one write recorded off the queue (it is then in its
/// transaction, which another connection's lock holds up): the queue is empty and nothing has
/// been committed.
async fn writer_holds_one(store: &Store) {
    let stats = until(store, "the writer takes the first write", |s| s.queued == 0).await;
    assert_eq!((stats.committed, stats.dropped), (0, 0), "{stats:?}");
}

/// The one number `sql` selects from the file at `path`.
fn number(path: &Path, sql: &str) -> i64 {
    Connection::open(path)
        .expect("test step")
        .query_row(sql, [], |r| r.get(0))
        .expect("test step")
}

#[tokio::test]
async fn a_match_result_written_twice_is_stored_once_and_counted_once() {
    let dir = tempfile::tempdir().expect("test step");
    let path = temp_db(&dir);
    let store = Store::open_sqlite(&path, StoreOptions::default()).expect("test step");
    let result = a_match(1, vec![score("guest:ada", 3, 1), score("guest:bo", 1, 3)]);
    store.record(result.clone()).expect("test step");
    committed(&store, 1).await;
    let mut feed = store.subscribe();
    // The same result again, as a writer that did not hear its commit's answer sends it.
    store.record(result.clone()).expect("test step");
    committed(&store, 2).await;
    assert_eq!(number(&path, "SELECT COUNT(*) FROM matches"), 1);
    assert_eq!(number(&path, "SELECT COUNT(*) FROM match_players"), 2);
    let ada = store
        .player("guest:ada")
        .await
        .expect("test step")
        .expect("test step");
    let arena = standing(&ada, "arena");
    assert_eq!(columns(&arena.totals), [("deaths", 1), ("kills", 3)]);
    assert_eq!((ada.matches, ada.played_ms, arena.matches), (1, 60_000, 1));
    let stats = store.stats();
    assert_eq!((stats.duplicates, stats.failed, stats.dropped), (1, 0, 0));

    // The second write changed nothing, so it announced nothing: the next changes on the feed
    // are those of the next match (players' rowids: ada 1, bo 2, cy 3; match 2).
    store
        .record(a_match(1, vec![score("guest:cy", 1, 0)]))
        .expect("test step");
    let next = tokio::time::timeout(Duration::from_secs(10), async {
        let mut seen = Vec::new();
        loop {
            let change = feed.recv().await.expect("the feed");
            let last = change.table == Table::Matches;
            seen.push(change);
            if last {
                return seen;
            }
        }
    })
    .await
    .expect("a change in time");
    let players = |key: &str| Change {
        table: Table::Players,
        key: key.into(),
    };
    let matches = |key: &str| Change {
        table: Table::Matches,
        key: key.into(),
    };
    assert_eq!(next, [players("3"), matches("2")]);
    store.close().await;
}

#[tokio::test]
async fn a_match_result_twice_in_one_batch_is_stored_once() {
    let dir = tempfile::tempdir().expect("test step");
    let path = temp_db(&dir);
    let store = Store::open_sqlite(&path, StoreOptions::default()).expect("test step");
    // Another connection holds the write lock while the writes queue up: the writer takes the
    // first one alone, waits for the lock, then takes the two copies as one batch.
    let blocker = Connection::open(&path).expect("test step");
    blocker.execute_batch("BEGIN IMMEDIATE").expect("test step");
    store
        .record(a_match(1, vec![score("guest:bo", 0, 1)]))
        .expect("test step");
    writer_holds_one(&store).await;
    let result = a_match(2, vec![score("guest:ada", 4, 0)]);
    store.record(result.clone()).expect("test step");
    store.record(result).expect("test step");
    blocker.execute_batch("COMMIT").expect("test step");
    committed(&store, 3).await;
    let stats = store.stats();
    assert_eq!((stats.batches, stats.duplicates), (2, 1), "{stats:?}");
    assert_eq!(number(&path, "SELECT COUNT(*) FROM matches"), 2);
    let ada = store
        .player("guest:ada")
        .await
        .expect("test step")
        .expect("test step");
    let arena = standing(&ada, "arena");
    assert_eq!((total(arena, "kills"), ada.matches, arena.best), (4, 1, 4));
    store.close().await;
}

#[tokio::test]
async fn a_version_3_database_gains_match_keys_and_keeps_its_results() {
    let dir = tempfile::tempdir().expect("test step");
    let path = temp_db(&dir);
    database_at(
        &path,
        3,
        "INSERT INTO players VALUES ('guest:ada', 'ada', 1000, 61000, 5, 2, 2, 120000, 3);
         INSERT INTO matches (room, game, map, started_ms, ended_ms, ended_by)
             VALUES (1, 'arena', 'arena', 1000, 31000, 'clock'),
                    (1, 'arena', 'arena', 31000, 61000, 'shutdown');
         INSERT INTO match_players VALUES (1, 'guest:ada', 'ada', 3, 1, 30000);
         INSERT INTO match_players VALUES (2, 'guest:ada', 'ada', 2, 1, 30000);",
    );
    let store = Store::open_sqlite(&path, StoreOptions::default()).expect("test step");
    assert_eq!(version_of(&path), migrations::LATEST);
    assert_eq!(migrations::LATEST, 7);
    // The results stored before have no key, and any number of them may have none.
    assert_eq!(
        number(
            &path,
            "SELECT COUNT(*) FROM matches WHERE match_key IS NULL"
        ),
        2
    );
    // Every reason a match ends is stored as it is named; each result once.
    for ended_by in EndedBy::ALL {
        let Write::Match(mut m) = a_match(1, vec![score("guest:ada", 1, 0)]) else {
            unreachable!("a_match makes a match")
        };
        m.ended_by = ended_by;
        store.record(Write::Match(m.clone())).expect("test step");
        store.record(Write::Match(m)).expect("test step");
    }
    committed(&store, 8).await;
    store.close().await;
    let conn = Connection::open(&path).expect("test step");
    let reasons: Vec<String> = conn
        .prepare("SELECT ended_by FROM matches WHERE match_key IS NOT NULL ORDER BY id")
        .expect("test step")
        .query_map([], |r| r.get(0))
        .expect("test step")
        .collect::<Result<_, _>>()
        .expect("test step");
    assert_eq!(reasons, ["clock", "shutdown", "closed", "emptied"]);
    let ada = store
        .player("guest:ada")
        .await
        .expect("test step")
        .expect("test step");
    assert_eq!(
        (total(standing(&ada, "arena"), "kills"), ada.matches),
        (9, 6)
    );
    assert_eq!(store.stats().duplicates, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_lock_held_for_40_s_by_another_connection_loses_no_result() {
    let dir = tempfile::tempdir().expect("test step");
    let path = temp_db(&dir);
    let store = Store::open_sqlite(&path, StoreOptions::default()).expect("test step");
    // Another connection takes the write lock and keeps it, as another process would (SQLite's
    // locks between connections are the same whether they share a process or not).
    let holder = Connection::open(&path).expect("test step");
    holder.execute_batch("BEGIN IMMEDIATE").expect("test step");
    let mut feed = store.subscribe();
    store
        .record(a_match(1, vec![score("guest:ada", 3, 1)]))
        .expect("queued");
    let held = std::time::Instant::now();
    // For 40 s the writer keeps the result and tries again; nothing commits, nothing is lost.
    assert!(
        tokio::time::timeout(Duration::from_secs(40), feed.recv())
            .await
            .is_err(),
        "nothing commits while the lock is held"
    );
    let during = store.stats();
    assert_eq!((during.failed, during.dropped), (0, 0), "{during:?}");
    assert!(during.retries > 0 && during.outages == 1, "{during:?}");
    holder.execute_batch("COMMIT").expect("test step");
    let released = std::time::Instant::now();
    committed(&store, 1).await;
    println!(
        "store: lock held {:?}; the result was stored {:?} after it was let go ({} tries)",
        released - held,
        released.elapsed(),
        during.retries
    );
    let stats = store.stats();
    assert_eq!((stats.failed, stats.dropped, stats.abandoned), (0, 0, 0));
    let stored: i64 = Connection::open(&path)
        .expect("test step")
        .query_row("SELECT COUNT(*) FROM matches", [], |r| r.get(0))
        .expect("test step");
    assert_eq!(stored, 1, "stored once");
    let ada = store.player("guest:ada").await.expect("read").expect("ada");
    assert_eq!(
        (total(standing(&ada, "arena"), "kills"), ada.matches),
        (3, 1)
    );
    store.close().await;
}

/// The fixture is a database at schema version 5 holding the rows of `fixtures/v5_rows.sql`.
/// `TICKWIRE_WRITE_FIXTURES=1` makes it again; otherwise this checks that it is what the
/// migration test expects.
#[test]
fn the_v5_fixture_is_a_version_5_database() {
    if std::env::var_os("TICKWIRE_WRITE_FIXTURES").is_some() {
        let _ = std::fs::remove_file(FIXTURE_V5);
        let mut conn = Connection::open(FIXTURE_V5).expect("test step");
        migrations::migrate_to(&mut conn, Path::new(FIXTURE_V5), 5).expect("test step");
        conn.execute_batch(V5_ROWS).expect("test step");
        // One file, no journal beside it: the fixture is copied as it is.
        conn.execute_batch("VACUUM").expect("test step");
    }
    assert_eq!(version_of(Path::new(FIXTURE_V5)), 5);
    assert_eq!(
        number(
            Path::new(FIXTURE_V5),
            "SELECT SUM(kills) FROM match_players"
        ),
        11
    );
}

#[tokio::test]
async fn a_version_5_database_gains_game_columns_and_a_board_per_game_and_keeps_its_rows() {
    let dir = tempfile::tempdir().expect("test step");
    let path = temp_db(&dir);
    std::fs::copy(FIXTURE_V5, &path).expect("test step");
    assert_eq!(version_of(&path), 5);
    let store = Store::open_sqlite(&path, StoreOptions::default()).expect("test step");
    assert_eq!(version_of(&path), migrations::LATEST);

    // Each line's kills and deaths became its columns, and its rating kills minus deaths.
    let conn = Connection::open(&path).expect("test step");
    let lines: Vec<(i64, String, String, i64, i64)> = conn
        .prepare(
            "SELECT match_id, player_id, columns, rating, played_ms FROM match_players
             ORDER BY match_id, player_id",
        )
        .expect("test step")
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .expect("test step")
        .collect::<Result<_, _>>()
        .expect("test step");
    let expected = [
        (1, "guest:ada", r#"{"kills":3,"deaths":1}"#, 2, 30_000),
        (1, "guest:bo", r#"{"kills":1,"deaths":3}"#, -2, 60_000),
        (2, "guest:ada", r#"{"kills":4,"deaths":1}"#, 3, 60_000),
        (2, "guest:bo", r#"{"kills":1,"deaths":4}"#, -3, 60_000),
        (3, "guest:ada", r#"{"kills":2,"deaths":1}"#, 1, 60_000),
    ];
    assert_eq!(lines.len(), expected.len());
    for (got, want) in lines.iter().zip(expected) {
        assert_eq!((got.0, got.1.as_str(), got.2.as_str(), got.3, got.4), want);
    }
    // The matches, keys and reasons are as they were.
    assert_eq!(
        number(
            &path,
            "SELECT COUNT(*) FROM matches WHERE match_key IS NULL"
        ),
        1
    );
    assert_eq!(
        number(
            &path,
            "SELECT COUNT(*) FROM matches WHERE ended_by = 'shutdown'"
        ),
        1
    );
    drop(conn);

    // A board per game, from the lines of that game's matches.
    let arena = store.leaderboard("arena", 10).await.expect("test step");
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
    assert_eq!(columns(&arena[1].totals), [("deaths", 7), ("kills", 2)]);
    let tag = store.leaderboard("tag", 10).await.expect("test step");
    assert_eq!(tag.len(), 1);
    assert_eq!((tag[0].player_id.as_str(), tag[0].rating), ("guest:ada", 1));
    assert_eq!(columns(&tag[0].totals), [("deaths", 1), ("kills", 2)]);

    // The players keep what spans every game.
    let ada = store
        .player("guest:ada")
        .await
        .expect("test step")
        .expect("test step");
    assert_eq!(
        (
            ada.first_seen_ms,
            ada.last_seen_ms,
            ada.matches,
            ada.played_ms
        ),
        (1000, 91_000, 3, 150_000)
    );
    let games: Vec<(&str, i64, i64, i64)> = ada
        .games
        .iter()
        .map(|s| (s.game.as_str(), s.rating, s.matches, s.played_ms))
        .collect();
    assert_eq!(games, [("arena", 5, 2, 90_000), ("tag", 1, 1, 60_000)]);
    let cy = store
        .player("guest:cy")
        .await
        .expect("test step")
        .expect("test step");
    assert_eq!((cy.name.as_str(), cy.matches, cy.games.len()), ("cy", 0, 0));

    // A result written now adds to what was migrated, with the game's own rating, and a key
    // stored before the migration is still taken.
    let Write::Match(mut again) = a_match(1, vec![score("guest:bo", 12, 0)]) else {
        unreachable!("a_match makes a match")
    };
    again.key = "v5-key-2".into();
    store.record(Write::Match(again)).expect("test step");
    store
        .record(a_match(1, vec![score("guest:bo", 12, 0)]))
        .expect("test step");
    committed(&store, 2).await;
    assert_eq!(store.stats().duplicates, 1);
    let arena = store.leaderboard("arena", 10).await.expect("test step");
    let bo = &arena[0];
    assert_eq!(
        (bo.player_id.as_str(), bo.rating, bo.matches, bo.best),
        ("guest:bo", 7, 3, 12)
    );
    assert_eq!(columns(&bo.totals), [("deaths", 7), ("kills", 14)]);
    assert_eq!(
        (arena[1].player_id.as_str(), arena[1].rank),
        ("guest:ada", 2)
    );
    store.close().await;
}

#[tokio::test]
async fn a_games_own_columns_round_trip_and_add_up_by_name() {
    let dir = tempfile::tempdir().expect("test step");
    let path = temp_db(&dir);
    let store = Store::open_sqlite(&path, StoreOptions::default()).expect("test step");
    // Names JSON must escape, in the game's order (not by name).
    let odd = [("zone \"B\"", 2), ("é\\path", -7), ("captures", 1)];
    store
        .record(a_match_of(
            "ctf",
            1,
            vec![support::line("guest:ada", 5, &odd)],
        ))
        .expect("test step");
    // A later match with one column more and one less: totals add up by name.
    store
        .record(a_match_of(
            "ctf",
            1,
            vec![support::line(
                "guest:ada",
                -1,
                &[("captures", 2), ("assists", 3)],
            )],
        ))
        .expect("test step");
    committed(&store, 2).await;
    let stored: String = Connection::open(&path)
        .expect("test step")
        .query_row(
            "SELECT columns FROM match_players ORDER BY match_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("test step");
    assert_eq!(stored, r#"{"zone \"B\"":2,"é\\path":-7,"captures":1}"#);
    let board = store.leaderboard("ctf", 10).await.expect("test step");
    assert_eq!(board.len(), 1);
    assert_eq!(
        (board[0].rating, board[0].matches, board[0].best),
        (4, 2, 5)
    );
    assert_eq!(
        columns(&board[0].totals),
        [
            ("assists", 3),
            ("captures", 3),
            ("zone \"B\"", 2),
            ("é\\path", -7)
        ],
        "name order, by bytes"
    );
    let ada = store
        .player("guest:ada")
        .await
        .expect("test step")
        .expect("test step");
    assert_eq!(standing(&ada, "ctf").totals, board[0].totals);
    store.close().await;
}

#[tokio::test]
async fn each_game_has_its_own_leaderboard() {
    let dir = tempfile::tempdir().expect("test step");
    let store = Store::open_sqlite(&temp_db(&dir), StoreOptions::default()).expect("test step");
    store
        .record(a_match(
            1,
            vec![score("guest:ada", 5, 0), score("guest:bo", 1, 0)],
        ))
        .expect("test step");
    store
        .record(a_match_of(
            "tag",
            2,
            vec![
                support::line("guest:bo", 10, &[("tags", 10)]),
                support::line("guest:cy", 3, &[("tags", 3)]),
            ],
        ))
        .expect("test step");
    committed(&store, 2).await;
    let ids = async |game: &str| -> Vec<(String, i64)> {
        let rows = store.leaderboard(game, 10).await.expect("test step");
        rows.into_iter().map(|r| (r.player_id, r.rating)).collect()
    };
    assert_eq!(
        ids("arena").await,
        [("guest:ada".to_string(), 5), ("guest:bo".to_string(), 1)]
    );
    assert_eq!(
        ids("tag").await,
        [("guest:bo".to_string(), 10), ("guest:cy".to_string(), 3)]
    );
    assert!(ids("nothing-played").await.is_empty());
    let bo = store
        .player("guest:bo")
        .await
        .expect("test step")
        .expect("test step");
    assert_eq!(bo.matches, 2, "matches over every game");
    let games: Vec<(&str, i64)> = bo
        .games
        .iter()
        .map(|s| (s.game.as_str(), s.rating))
        .collect();
    assert_eq!(games, [("arena", 1), ("tag", 10)]);
    store.close().await;
}

#[tokio::test]
async fn a_game_defined_rating_ranks_the_board_then_the_best_match_then_the_id() {
    let dir = tempfile::tempdir().expect("test step");
    let store = Store::open_sqlite(&temp_db(&dir), StoreOptions::default()).expect("test step");
    // A game whose rating is 3 x tags - 2 x tagged: more tags and more tagged rank higher than
    // kills minus deaths would rank them.
    let tag = |id: &str, tags: i64, tagged: i64| {
        support::line(
            id,
            3 * tags - 2 * tagged,
            &[("tags", tags), ("tagged", tagged)],
        )
    };
    store
        .record(a_match_of(
            "tag",
            1,
            vec![tag("guest:few", 2, 0), tag("guest:many", 5, 4)],
        ))
        .expect("test step");
    // Two players tied on rating (4): the one with the better best match goes first, whatever
    // its id; two tied on both, by id.
    store
        .record(a_match_of(
            "tag",
            1,
            vec![
                support::line("guest:zz-steady", 2, &[]),
                support::line("guest:aa-swingy", -1, &[]),
                support::line("guest:m-twin2", 4, &[]),
                support::line("guest:m-twin1", 4, &[]),
            ],
        ))
        .expect("test step");
    store
        .record(a_match_of(
            "tag",
            1,
            vec![
                support::line("guest:zz-steady", 2, &[]),
                support::line("guest:aa-swingy", 5, &[]),
            ],
        ))
        .expect("test step");
    committed(&store, 3).await;
    let board = store.leaderboard("tag", 10).await.expect("test step");
    let rows: Vec<(&str, i64, i64)> = board
        .iter()
        .map(|r| (r.player_id.as_str(), r.rating, r.best))
        .collect();
    assert_eq!(
        rows,
        [
            ("guest:many", 7, 7),
            ("guest:few", 6, 6),
            ("guest:aa-swingy", 4, 5),
            ("guest:m-twin1", 4, 4),
            ("guest:m-twin2", 4, 4),
            ("guest:zz-steady", 4, 2),
        ]
    );
    let ranks: Vec<u32> = board.iter().map(|r| r.rank).collect();
    assert_eq!(ranks, [1, 2, 3, 4, 5, 6]);
    assert_eq!(columns(&board[0].totals), [("tagged", 4), ("tags", 5)]);
    store.close().await;
}

#[tokio::test]
async fn a_result_with_an_invalid_score_line_is_refused_counted_and_stores_nothing() {
    let dir = tempfile::tempdir().expect("test step");
    let path = temp_db(&dir);
    let store = Store::open_sqlite(&path, StoreOptions::default()).expect("test step");
    let many: Vec<(String, i64)> = (0..17).map(|i| (format!("c{i}"), 1)).collect();
    let long = "n".repeat(65);
    let bad = [
        (
            PlayerScore {
                columns: many,
                ..score("guest:bad", 1, 0)
            },
            InvalidScore::TooManyColumns(17),
        ),
        (
            support::line("guest:bad", 0, &[("", 1)]),
            InvalidScore::EmptyName,
        ),
        (
            support::line("guest:bad", 0, &[(&long, 1)]),
            InvalidScore::LongName,
        ),
        (
            support::line("guest:bad", 0, &[("a\0b", 1)]),
            InvalidScore::ControlInName,
        ),
        (
            support::line("guest:bad", 0, &[("k", 1), ("k", 1)]),
            InvalidScore::DuplicateName,
        ),
        (
            support::line("guest:bad", 0, &[("k", i64::MAX)]),
            InvalidScore::ValueOutOfRange(i64::MAX),
        ),
        (
            support::line("guest:bad", i64::MIN, &[]),
            InvalidScore::RatingOutOfRange(i64::MIN),
        ),
    ];
    let refused = bad.len() as u64;
    for (line, why) in bad {
        // One good line beside the bad one: the whole result is refused.
        let result = a_match(1, vec![score("guest:good", 1, 0), line]);
        assert_eq!(store.record(result), Err(RecordError::Invalid(why)));
    }
    assert_eq!(store.stats().dropped, refused);
    // The writer goes on with the next result.
    store
        .record(a_match(1, vec![score("guest:good", 2, 0)]))
        .expect("test step");
    committed(&store, 1).await;
    assert_eq!(number(&path, "SELECT COUNT(*) FROM matches"), 1);
    assert_eq!(store.player("guest:bad").await.expect("test step"), None);
    let board = store.leaderboard("arena", 10).await.expect("test step");
    assert_eq!(board.len(), 1);
    assert_eq!((board[0].rating, board[0].matches), (2, 1));
    store.close().await;
}

#[tokio::test]
async fn a_new_result_reaches_the_feed_as_its_standing_changes() {
    let dir = tempfile::tempdir().expect("test step");
    let store = Store::open_sqlite(&temp_db(&dir), StoreOptions::default()).expect("test step");
    let mut feed = store.subscribe();
    store
        .record(a_match_of(
            "tag",
            1,
            vec![support::line("guest:ada", 9, &[("tags", 3)])],
        ))
        .expect("test step");
    let change = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let change = feed.recv().await.expect("the feed");
            if change.table == Table::Standings {
                return change;
            }
        }
    })
    .await
    .expect("a standing's change in time");
    // The standing's row (SQLite: its rowid), as the board's reader learns of it.
    assert_eq!(change.key, "1");
    let board = store.leaderboard("tag", 10).await.expect("test step");
    assert_eq!(
        (board[0].player_id.as_str(), board[0].rating),
        ("guest:ada", 9)
    );
    store.close().await;
}

/// The fixture is a database at schema version 6: the v5 fixture's rows brought to version 6.
/// `TICKWIRE_WRITE_FIXTURES=1` makes it again; otherwise this checks that it is at version 6.
#[test]
fn the_v6_fixture_is_a_version_6_database() {
    if std::env::var_os("TICKWIRE_WRITE_FIXTURES").is_some() {
        let _ = std::fs::remove_file(FIXTURE_V6);
        std::fs::copy(FIXTURE_V5, FIXTURE_V6).expect("test step");
        let mut conn = Connection::open(FIXTURE_V6).expect("test step");
        migrations::migrate_to(&mut conn, Path::new(FIXTURE_V6), 6).expect("test step");
        conn.execute_batch("VACUUM").expect("test step");
    }
    assert_eq!(version_of(Path::new(FIXTURE_V6)), 6);
}

#[tokio::test]
async fn a_version_6_database_gains_recordings_and_keeps_its_matches() {
    let dir = tempfile::tempdir().expect("test step");
    let path = temp_db(&dir);
    std::fs::copy(FIXTURE_V6, &path).expect("test step");
    let before = number(&path, "SELECT COUNT(*) FROM matches");
    assert!(before > 0, "the fixture holds matches");
    let store = Store::open_sqlite(&path, StoreOptions::default()).expect("test step");
    assert_eq!(version_of(&path), 7);
    assert_eq!(number(&path, "SELECT COUNT(*) FROM matches"), before);
    // The matches stored before have no recording.
    assert_eq!(
        number(&path, "SELECT COUNT(*) FROM matches WHERE replay IS NULL"),
        before
    );
    assert!(
        store
            .recent_replays("arena", 10)
            .await
            .expect("test step")
            .is_empty()
    );

    // A public and a private match with recordings, and one without.
    let mut keys = Vec::new();
    for (i, players) in [
        vec![score("guest:ada", 3, 1), score("guest:bo", 1, 2)],
        vec![score("guest:ada", 1, 0)],
        vec![score("guest:bo", 1, 0)],
    ]
    .into_iter()
    .enumerate()
    {
        let Write::Match(mut m) = a_match(1, players) else {
            unreachable!("a_match makes a match")
        };
        m.ended_ms = 1_000_000 + i as i64;
        keys.push(m.key.clone());
        store.record(Write::Match(m)).expect("test step");
    }
    let replay = |key: &str, room_key: Option<&str>| Write::Replay {
        key: key.to_owned(),
        file: format!("{key}.twreplay"),
        room_key: room_key.map(str::to_owned),
    };
    store.record(replay(&keys[0], None)).expect("test step");
    store
        .record(replay(&keys[1], Some("k3y")))
        .expect("test step");
    // A recording of a match that is not stored names nothing.
    store.record(replay("nobody-1", None)).expect("test step");
    committed(&store, 6).await;

    let public = store.replay(&keys[0]).await.expect("test step");
    assert_eq!(
        public,
        Some(StoredReplay {
            file: format!("{}.twreplay", keys[0]),
            room_key: None
        })
    );
    let private = store.replay(&keys[1]).await.expect("test step");
    assert_eq!(private.and_then(|r| r.room_key).as_deref(), Some("k3y"));
    assert_eq!(store.replay(&keys[2]).await.expect("test step"), None);
    assert_eq!(store.replay("nobody-1").await.expect("test step"), None);

    // Recent: public rooms' recordings only, with the players' names, best first.
    let recent = store.recent_replays("arena", 10).await.expect("test step");
    assert_eq!(recent.len(), 1, "{recent:?}");
    assert_eq!(recent[0].id, keys[0]);
    assert_eq!(recent[0].players, ["ada", "bo"]);
    assert!(
        store
            .recent_replays("tag", 10)
            .await
            .expect("test step")
            .is_empty()
    );

    // An expired recording is named by no row any more.
    store
        .record(Write::ReplayGone {
            file: format!("{}.twreplay", keys[0]),
        })
        .expect("test step");
    committed(&store, 7).await;
    assert_eq!(store.replay(&keys[0]).await.expect("test step"), None);
    assert!(
        store
            .recent_replays("arena", 10)
            .await
            .expect("test step")
            .is_empty()
    );
    store.close().await;
}

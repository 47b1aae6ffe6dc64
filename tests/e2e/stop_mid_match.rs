//! A server stopped with SIGTERM while a match is under way: the drain ends the match as it
//! stands, stores it marked as ended by the shutdown (with its player's line), and the process
//! exits only once the write is committed.

use std::io::Write as _;
use std::time::{Duration, Instant};

use tickwire_client::GameClient;

use crate::harness::LIMIT;
use crate::process::ServerProcess;

#[tokio::test]
async fn a_match_under_way_at_sigterm_is_stored_before_the_process_exits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("stop.db");
    let db_arg = db.to_str().expect("a UTF-8 temp path");
    // A minute-long match: it cannot end by itself while the test runs.
    let mut server = ServerProcess::start(&[
        "--match-length",
        "60",
        "--bots",
        "2",
        "--shutdown-grace",
        "1",
        "--database",
        db_arg,
    ])
    .await;
    let mut player = tokio::time::timeout(LIMIT, GameClient::join(server.addr(), "midway"))
        .await
        .expect("join in time")
        .expect("join");
    let reader = tokio::spawn(async move { while player.recv().await.is_ok() {} });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        server.logged("match ended").is_empty(),
        "no match ended yet"
    );

    let stopping = Instant::now();
    server.sigterm();
    let code = server.exited(LIMIT).await;
    let took = stopping.elapsed();
    reader.abort();
    assert_eq!(code, Some(0), "{:?}", server.stderr_lines());
    let ended = server.logged("match ended");
    assert_eq!(ended.len(), 1, "{ended:?}");
    assert_eq!(ended[0]["fields"]["ended_by"], "shutdown", "{ended:?}");
    assert_eq!(ended[0]["fields"]["queued"], true, "{ended:?}");
    assert_eq!(server.logged("match result stored").len(), 1);

    let conn = rusqlite::Connection::open(&db).expect("open the file");
    let (id, ended_by, length_ms): (i64, String, i64) = conn
        .query_row(
            "SELECT id, ended_by, ended_ms - started_ms FROM matches",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("exactly one match stored");
    assert_eq!(ended_by, "shutdown");
    assert!(length_ms >= 1500, "the match lasted {length_ms} ms");
    // The player's line, and no bot's.
    let lines: Vec<(String, i64)> = conn
        .prepare("SELECT player_id, played_ms FROM match_players WHERE match_id = ?1")
        .expect("query")
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0].0, "guest:midway");
    assert!(lines[0].1 >= 1000, "played {} ms", lines[0].1);
    let matches: i64 = conn
        .query_row(
            "SELECT matches FROM players WHERE id = 'guest:midway'",
            [],
            |r| r.get(0),
        )
        .expect("the player");
    assert_eq!(matches, 1);
    // Straight to the stderr handle: libtest captures `eprintln!` of passing tests.
    let _ = writeln!(
        std::io::stderr(),
        "stop_mid_match: SIGTERM to exit took {took:?}"
    );
}

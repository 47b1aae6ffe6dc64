//! Crash safety: the real `tickwire` binary with one-second matches, killed with SIGKILL while
//! matches go on. Every match result whose commit it logged is in the file afterwards, whole,
//! and SQLite's integrity check passes.

use tickwire_client::GameClient;

use crate::harness::{LIMIT, follow, wait_for};
use crate::process::ServerProcess;

#[tokio::test]
async fn a_match_result_whose_commit_was_logged_survives_sigkill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crash.db");
    let db_arg = db.to_str().expect("a UTF-8 temp path");
    let mut server =
        ServerProcess::start(&["--match-length", "1", "--bots", "3", "--database", db_arg]).await;
    let player = tokio::time::timeout(LIMIT, GameClient::join(server.addr(), "crash"))
        .await
        .expect("join in time")
        .expect("join");
    // Keep reading so that the session stays healthy while matches end.
    let mut player = follow(player);
    wait_for(LIMIT, "three match results logged", async || {
        let n = server.logged("match result stored").len();
        (n >= 3).then_some(()).ok_or(format!("{n} logged"))
    })
    .await;
    // Mid-run: the next match is under way (half of its 60 ticks played), and its player's
    // writes with it.
    player.ticks(30).await;
    server.kill();
    player.ended.abort();
    // The match ids the server logged as committed.
    let logged: Vec<i64> = server
        .logged("match result stored")
        .iter()
        .filter_map(|v| v["fields"]["match_id"].as_i64())
        .collect();

    let conn = rusqlite::Connection::open(&db).expect("open the file");
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity check");
    assert_eq!(integrity, "ok");
    for id in &logged {
        let lines: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM matches m JOIN match_players p ON p.match_id = m.id
                 WHERE m.id = ?1 AND p.player_id = 'guest:crash'",
                [id],
                |r| r.get(0),
            )
            .expect("query");
        assert_eq!(
            lines, 1,
            "match {id} was logged as stored but is not whole in the file"
        );
    }
    let matches: i64 = conn
        .query_row(
            "SELECT matches FROM players WHERE id = 'guest:crash'",
            [],
            |r| r.get(0),
        )
        .expect("the player");
    assert!(
        matches >= logged.len() as i64,
        "the player's totals count {matches} matches, {} were logged",
        logged.len()
    );
}

//! Crash safety: the real `tickwire` binary with one-second matches, killed with SIGKILL while
//! matches go on. Every match result whose commit it logged is in the file afterwards, whole,
//! and SQLite's integrity check passes.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tickwire_client::GameClient;

use crate::harness::{LIMIT, wait_for};

#[tokio::test]
async fn a_match_result_whose_commit_was_logged_survives_sigkill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crash.db");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tickwire"));
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("TICKWIRE_")) {
        cmd.env_remove(name);
    }
    let mut child = cmd
        .args([
            "--bind",
            "127.0.0.1:0",
            "--match-length",
            "1",
            "--bots",
            "3",
        ])
        .args(["--log-format", "json", "--database"])
        .arg(&db)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tickwire");

    // The match ids the server logged as committed, as the log says them.
    let logged: Arc<Mutex<Vec<i64>>> = Arc::default();
    let stderr = child.stderr.take().expect("stderr");
    let ids = logged.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if v["fields"]["message"] == "match result stored"
                && let Some(id) = v["fields"]["match_id"].as_i64()
            {
                ids.lock().expect("ids").push(id);
            }
        }
    });
    let mut url = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut url)
        .expect("the URL line");
    let addr = url
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {url:?}"));

    let mut player = tokio::time::timeout(LIMIT, GameClient::join(addr, "crash"))
        .await
        .expect("join in time")
        .expect("join");
    // Keep reading so that the session stays healthy while matches end.
    let reader = tokio::spawn(async move { while player.recv().await.is_ok() {} });
    wait_for(LIMIT, "three match results logged", async || {
        let n = logged.lock().expect("ids").len();
        (n >= 3).then_some(()).ok_or(format!("{n} logged"))
    })
    .await;
    // Mid-run: the next match is under way, and its player's writes with it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    reader.abort();
    let logged = logged.lock().expect("ids").clone();

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

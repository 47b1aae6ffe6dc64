//! A name cannot forge a log line or pose as another: the real binary, logging text, gets a
//! name with a newline, an escape sequence, a bidi override and a zero-width space; the log,
//! the scoreboard and the leaderboard show it cleaned (format and control characters gone,
//! NFC), the same everywhere.

use std::process::Stdio;

use tickwire_client::{GameClient, Received};
use tickwire_protocol::ServerMsg;

use crate::harness::{LIMIT, wait_for};
use crate::process::{ServerProcess, TICKWIRE, clean_command};

/// What the player sends: a line break that would start a forged log line, an escape
/// sequence that would clear a terminal, a right-to-left override and a zero-width space.
const RAW: &str = "ad\u{200b}min\nFAKE\u{1b}[2J\u{202e}x";
/// What everyone sees.
const CLEAN: &str = "adminFAKE[2Jx";

#[tokio::test]
async fn a_forged_name_is_cleaned_in_the_log_the_scoreboard_and_the_leaderboard() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("names.db");
    let mut cmd = clean_command(TICKWIRE);
    cmd.args(["--bind", "127.0.0.1:0", "--log-format", "text"])
        .args(["--match-length", "1", "--bots", "0", "--database"])
        .arg(&db)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped());
    let server = ServerProcess::serve(cmd).await;
    let addr = server.addr();
    let mut player = tokio::time::timeout(LIMIT, GameClient::join(addr, RAW))
        .await
        .expect("join in time")
        .expect("join");

    let shown = tokio::time::timeout(LIMIT, async {
        loop {
            if let Received::Message(ServerMsg::Scoreboard(lines)) =
                player.recv().await.expect("a message")
                && let Some(line) = lines.iter().find(|l| !l.bot)
            {
                return line.name.clone();
            }
        }
    })
    .await
    .expect("a scoreboard in time");
    assert_eq!(shown, CLEAN, "the scoreboard");

    let board = wait_for(LIMIT, "the player on the leaderboard", async || {
        let (status, body) = crate::storage::get(addr, "/leaderboard").await;
        (status == 200 && body.contains("adminFAKE"))
            .then_some(body.clone())
            .ok_or(body)
    })
    .await;
    let rows: serde_json::Value = serde_json::from_str(&board).expect("JSON");
    assert_eq!(rows[0]["name"], CLEAN, "the leaderboard: {board}");

    let log = server.stderr_lines();
    let joined: Vec<&String> = log.iter().filter(|l| l.contains("player joined")).collect();
    assert_eq!(joined.len(), 1, "{log:#?}");
    assert!(joined[0].contains(CLEAN), "{}", joined[0]);
    for line in &log {
        assert!(!line.starts_with("FAKE"), "a forged log line: {line:?}");
        for c in ['\u{1b}', '\u{202e}', '\u{200b}', '\0'] {
            assert!(!line.contains(c), "{c:?} in the log: {line:?}");
        }
    }
}

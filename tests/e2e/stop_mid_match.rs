//! A room that stops while a match is under way stores that match as it stands, with the lines
//! of its players (those who left during it included), marked with why it ended: a server
//! stopped with SIGTERM (`shutdown`; the process exits only once the write is committed), an
//! operator closing the room (`closed`), or the room's last player leaving (`emptied`, once the
//! room has been empty for `--empty-room-ttl`). Real `tickwire` processes on loopback, each on a
//! real SQLite file.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tickwire_client::GameClient;
use tickwire_protocol::close;

use crate::api::{ADMIN_TOKEN, call};
use crate::harness::{LIMIT, client_ticks, follow, wait_for};
use crate::process::ServerProcess;

/// The one match stored in the file at `db`: why it ended, how long it lasted, and its lines
/// (player id and time played) by player id.
fn the_stored_match(db: &Path) -> (String, i64, Vec<(String, i64)>) {
    let conn = rusqlite::Connection::open(db).expect("open the file");
    let (id, ended_by, length_ms): (i64, String, i64) = conn
        .query_row(
            "SELECT id, ended_by, ended_ms - started_ms FROM matches",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("exactly one match stored");
    let lines = conn
        .prepare(
            "SELECT player_id, played_ms FROM match_players WHERE match_id = ?1 ORDER BY player_id",
        )
        .expect("query")
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    (ended_by, length_ms, lines)
}

/// Waits until the server has logged that it stored a match result.
async fn stored(server: &ServerProcess) {
    wait_for(LIMIT, "a match result stored", async || {
        (!server.logged("match result stored").is_empty())
            .then_some(())
            .ok_or_else(|| format!("{:?}", server.logged("match ended")))
    })
    .await;
}

/// The one "match ended" log line, which must say `ended_by` and that the result was queued.
fn ended_once_by(server: &ServerProcess, ended_by: &str) {
    let ended = server.logged("match ended");
    assert_eq!(ended.len(), 1, "{ended:?}");
    assert_eq!(ended[0]["fields"]["ended_by"], ended_by, "{ended:?}");
    assert_eq!(ended[0]["fields"]["queued"], true, "{ended:?}");
}

/// A `tickwire` with minute-long matches (none can end by itself while a test runs) stored in
/// a file in `dir`, and `args`; the file's path.
async fn start_mid_match(dir: &tempfile::TempDir, args: &[&str]) -> (ServerProcess, PathBuf) {
    let db = dir.path().join("matches.db");
    let db_arg = db.to_str().expect("a UTF-8 temp path");
    let mut all = vec!["--match-length", "60", "--database", db_arg];
    all.extend_from_slice(args);
    (ServerProcess::start(&all).await, db)
}

/// Joins `server` as `name`, failing the test after [`LIMIT`].
async fn join(server: &ServerProcess, name: &str) -> GameClient {
    tokio::time::timeout(LIMIT, GameClient::join(server.addr(), name))
        .await
        .expect("join in time")
        .expect("join")
}

/// Ticks the tests play, at the server's default 60 Hz: a second and a half.
const PLAYED: u32 = 90;

#[tokio::test]
async fn a_match_under_way_at_sigterm_is_stored_before_the_process_exits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut server, db) = start_mid_match(&dir, &["--bots", "2", "--shutdown-grace", "1"]).await;
    let mut player = follow(join(&server, "midway").await);
    // The match goes on for this many server ticks, and has not ended by then.
    player.ticks(PLAYED).await;
    assert!(
        server.logged("match ended").is_empty(),
        "no match ended yet"
    );

    let stopping = Instant::now();
    server.sigterm();
    let code = server.exited(LIMIT).await;
    let took = stopping.elapsed();
    player.ended.abort();
    assert_eq!(code, Some(0), "{:?}", server.stderr_lines());
    ended_once_by(&server, "shutdown");
    assert_eq!(server.logged("match result stored").len(), 1);

    let (ended_by, length_ms, lines) = the_stored_match(&db);
    assert_eq!(ended_by, "shutdown");
    // The player's line, and no bot's: every tick it saw counted.
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0].0, "guest:midway");
    assert!(lines[0].1 >= ms(PLAYED), "played {} ms", lines[0].1);
    assert!(length_ms >= lines[0].1, "the match lasted {length_ms} ms");
    let conn = rusqlite::Connection::open(&db).expect("open the file");
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

/// `ticks` at the server's 60 Hz, in milliseconds, as a stored line counts them.
fn ms(ticks: u32) -> i64 {
    i64::from(ticks) * 1000 / 60
}

#[tokio::test]
async fn a_match_in_a_room_an_operator_closes_is_stored_with_every_players_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (server, db) = start_mid_match(&dir, &["--bots", "1", "--admin-token", ADMIN_TOKEN]).await;
    let stays = join(&server, "stays").await;
    let mut leaves = join(&server, "leaves").await;
    let room = stays.welcome.as_ref().expect("welcome").room;
    assert_eq!(leaves.welcome.as_ref().expect("welcome").room, room);
    let mut stays = follow(stays);
    // One player plays a while and leaves; the other plays on for as long again after the
    // server saw the first leave, and is still there when the room is closed.
    client_ticks(&mut leaves, PLAYED).await;
    leaves.close().await.expect("leave");
    wait_for(LIMIT, "the leave seen by the server", async || {
        let left = server.logged("player left");
        (left.len() == 1).then_some(()).ok_or(format!("{left:?}"))
    })
    .await;
    stays.ticks(PLAYED).await;
    assert!(
        server.logged("match ended").is_empty(),
        "no match ended yet"
    );

    let (status, body) = call(
        server.addr(),
        "DELETE",
        &format!("/rooms/{room}"),
        Some(ADMIN_TOKEN),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (code, _) = tokio::time::timeout(LIMIT, stays.ended)
        .await
        .expect("kicked in time")
        .expect("the reader");
    assert_eq!(code, close::ROOM_CLOSED);
    stored(&server).await;
    ended_once_by(&server, "closed");
    let stopped = server.logged("room stopped");
    assert_eq!(stopped.len(), 1, "{stopped:?}");
    assert_eq!(stopped[0]["fields"]["why"], "closed", "{stopped:?}");

    let (ended_by, length_ms, lines) = the_stored_match(&db);
    assert_eq!(ended_by, "closed");
    let ids: Vec<&str> = lines.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["guest:leaves", "guest:stays"], "{lines:?}");
    let (left_after, stayed) = (lines[0].1, lines[1].1);
    assert!(
        left_after >= ms(PLAYED),
        "the leaver played {left_after} ms"
    );
    // The leaver's line stopped at its leave; the other's went on (by a third less than it
    // played after the leave was logged: the room takes the leave a few ticks after the log).
    assert!(
        stayed >= left_after + ms(PLAYED * 2 / 3),
        "the other played {stayed} ms, the leaver {left_after} ms"
    );
    assert!(length_ms >= stayed, "the match lasted {length_ms} ms");
}

#[tokio::test]
async fn a_match_whose_last_player_left_is_stored_when_its_room_stops() {
    let dir = tempfile::tempdir().expect("temp dir");
    // An empty room stops after a second (30 by default); the match would run a minute.
    let (server, db) = start_mid_match(&dir, &["--bots", "1", "--empty-room-ttl", "1"]).await;
    let mut alone = join(&server, "alone").await;
    client_ticks(&mut alone, PLAYED).await;
    let left = Instant::now();
    alone.close().await.expect("leave");
    stored(&server).await;
    let after = left.elapsed();
    ended_once_by(&server, "emptied");
    let stopped = server.logged("room stopped");
    assert_eq!(stopped.len(), 1, "{stopped:?}");
    assert_eq!(stopped[0]["fields"]["why"], "emptied", "{stopped:?}");
    // A lower bound only (the room's empty time is wall time): never before it.
    assert!(
        after >= Duration::from_secs(1),
        "stored {after:?} after the player left: before the room's empty time"
    );

    let (ended_by, length_ms, lines) = the_stored_match(&db);
    assert_eq!(ended_by, "emptied");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0].0, "guest:alone");
    let played = lines[0].1;
    assert!(played >= ms(PLAYED), "played {played} ms");
    // The line stopped when the player left; the match went on through the empty second.
    assert!(
        length_ms >= played + 1000,
        "the match lasted {length_ms} ms, the player played {played} ms"
    );
}

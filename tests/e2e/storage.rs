//! Matches and storage, in process against a real SQLite file: a match's end reaches every
//! player as `MatchEnd` and is stored; a client subscribed to the leaderboard is pushed the new
//! board after the match ends, without asking; `/leaderboard` and `/players/{id}` answer
//! from the database; a join token's subject is the player's id.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tickwire_client::GameClient;
use tickwire_protocol::ServerMsg;
use tickwire_server::auth::join_token::{JoinClaims, JoinSecret, RoomClaim, sign};
use tickwire_server::{Database, ServerConfig};

use crate::harness::{LIMIT, arena_config, join, start_arena, wait_for};

/// An arena config with one-second matches stored in `dir`.
fn stored(dir: &tempfile::TempDir) -> ServerConfig {
    ServerConfig {
        match_length: Duration::from_secs(1),
        database: Database::Sqlite(dir.path().join("tickwire.db")),
        ..arena_config()
    }
}

/// `GET path`: the status code and the body.
pub async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let got = crate::recording::get_raw(addr, path, "").await;
    (got.status, String::from_utf8_lossy(&got.body).into_owned())
}

/// The next leaderboard pushed to `client`, failing the test after [`LIMIT`].
async fn next_board(client: &mut GameClient) -> Vec<tickwire_protocol::LeaderboardEntry> {
    tokio::time::timeout(LIMIT, client.next_leaderboard())
        .await
        .expect("a board in time")
        .expect("board")
}

#[tokio::test]
async fn a_subscribed_client_is_pushed_the_new_leaderboard_after_a_match_ends() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start_arena(stored(&dir), 2).await;
    let mut ada = join(&server, "ada").await;
    ada.subscribe_leaderboard().await.expect("subscribe");
    // At once: the board as it is (empty: no match has ended yet).
    let first = next_board(&mut ada).await;
    assert!(first.iter().all(|r| r.name != "ada"), "{first:?}");

    // The room announces the result as it queues it for the store: on a busy machine the
    // store can commit and push the new board before the announcement reaches this client, so
    // a board that comes first is kept.
    let mut came_first = None;
    let end = tokio::time::timeout(LIMIT, async {
        loop {
            let next = ada.next_message(|m| match m {
                ServerMsg::MatchEnd(end) => Some(Ok(end)),
                ServerMsg::Leaderboard(rows) => Some(Err(rows)),
                _ => None,
            });
            match next.await.expect("a message") {
                Ok(end) => return end,
                Err(rows) if rows.iter().any(|r| r.name == "ada") => came_first = Some(rows),
                Err(_) => {}
            }
        }
    })
    .await
    .expect("a match end in time");
    let ended = Instant::now();
    assert_eq!(end.game, "arena");
    assert!(end.ended_ms >= end.started_ms + 900, "{end:?}");
    assert!(
        end.scores.iter().any(|s| s.name == "ada" && !s.bot),
        "{end:?}"
    );
    assert_eq!(end.scores.iter().filter(|s| s.bot).count(), 2, "{end:?}");
    // The store commits the result; its update hook reaches the feed; the board is pushed.
    let board = tokio::time::timeout(LIMIT, async {
        if let Some(rows) = came_first {
            println!("storage: the board with the result came before the match's end");
            return rows;
        }
        loop {
            let rows = ada.next_leaderboard().await.expect("board");
            if rows.iter().any(|r| r.name == "ada") {
                return rows;
            }
        }
    })
    .await
    .expect("a board with ada in time");
    // The property is that the board comes, pushed, with the result in it; how soon is
    // information, not a bound.
    let waited = ended.elapsed();
    println!("storage: the board with the result came {waited:?} after the match's end");
    let row = board.iter().find(|r| r.name == "ada").expect("ada");
    assert!(row.matches >= 1);
    assert_eq!(row.totals.len(), 2, "kills and deaths");
    assert_eq!(row.rating, row.totals[0] - row.totals[1]);
}

#[tokio::test]
async fn every_player_sees_the_result_and_it_is_served_over_http() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start_arena(stored(&dir), 1).await;
    let addr = server.local_addr();
    let mut ada = join(&server, "Ada").await;
    let mut bo = join(&server, "bo").await;
    let (a, b) = tokio::join!(ada.next_match_end(), bo.next_match_end());
    let (a, b) = (a.expect("ada's result"), b.expect("bo's result"));
    assert_eq!(a, b, "one result for the whole room");
    let names: Vec<&str> = a
        .scores
        .iter()
        .filter(|s| !s.bot)
        .map(|s| s.name.as_str())
        .collect();
    assert!(names.contains(&"Ada") && names.contains(&"bo"), "{names:?}");

    // Guests are stored under their lower-cased name.
    // The player's row exists from the join on; wait for the match's commit to reach it.
    let (status, body) = wait_for(LIMIT, "ada's record with a match", async || {
        let (status, body) = get(addr, "/players/guest%3Aada").await;
        (status == 200 && !body.contains("\"matches\":0,"))
            .then_some((status, body.clone()))
            .ok_or(format!("{status} {body}"))
    })
    .await;
    assert_eq!(status, 200);
    let record: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(record["id"], "guest:ada");
    assert_eq!(record["name"], "Ada");
    assert!(record["matches"].as_i64() >= Some(1), "{record}");
    assert!(record["played_ms"].as_i64() > Some(0), "{record}");
    // Its standing in the arena: the arena's columns as an object, the rating kills - deaths.
    let arena = &record["games"][0];
    assert_eq!(arena["game"], "arena", "{record}");
    let (kills, deaths) = (&arena["totals"]["kills"], &arena["totals"]["deaths"]);
    assert_eq!(
        arena["rating"].as_i64(),
        kills.as_i64().zip(deaths.as_i64()).map(|(k, d)| k - d),
        "{record}"
    );

    let (status, body) = get(addr, "/leaderboard?limit=1").await;
    assert_eq!(status, 200, "{body}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&body).expect("JSON");
    assert_eq!(rows.len(), 1, "{body}");
    assert_eq!(rows[0]["rank"], 1);
    let (status, body) = get(addr, "/leaderboard?limit=100000").await;
    assert_eq!(status, 200, "a large limit is capped, not refused: {body}");
    let (status, body) = get(addr, "/leaderboard").await;
    assert_eq!(status, 200);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&body).expect("JSON");
    let bo = rows.iter().find(|r| r["player_id"] == "guest:bo");
    let bo = bo.unwrap_or_else(|| panic!("no bo: {body}"));
    assert!(
        bo["totals"]["kills"].is_i64() && bo["best"].is_i64(),
        "{body}"
    );

    for bad in [
        "/leaderboard?limit=abc",
        "/leaderboard?limit=0",
        "/leaderboard?limit=-3",
    ] {
        let (status, body) = get(addr, bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body.contains("limit must be"), "{bad}: {body}");
    }
    let (status, body) = get(addr, "/players/guest%3Anobody").await;
    assert_eq!((status, body.trim()), (404, "no such player: guest:nobody"));
    let (status, _) = get(addr, "/players/%FF").await;
    assert_eq!(status, 400, "an id that is not UTF-8");
    let (status, _) = get(addr, "/players/").await;
    assert_eq!(status, 400, "no id");
}

#[tokio::test]
async fn with_storage_off_the_endpoints_say_so_and_matches_still_end() {
    let config = ServerConfig {
        match_length: Duration::from_secs(1),
        ..arena_config()
    };
    let server = start_arena(config, 1).await;
    let addr = server.local_addr();
    for path in ["/leaderboard", "/players/guest%3Aada"] {
        let (status, body) = get(addr, path).await;
        assert_eq!(status, 503, "{path}");
        assert!(body.contains("storage is off"), "{path}: {body}");
    }
    let mut ada = join(&server, "ada").await;
    // A subscription with storage off is accepted and sends nothing; the session goes on.
    ada.subscribe_leaderboard().await.expect("subscribe");
    let end = tokio::time::timeout(LIMIT, ada.next_match_end())
        .await
        .expect("a match end in time")
        .expect("match end");
    assert!(end.scores.iter().any(|s| s.name == "ada"));
}

#[tokio::test]
async fn a_join_tokens_subject_is_the_players_id() {
    let dir = tempfile::tempdir().expect("temp dir");
    let secret = b"a secret of at least thirty-two bytes!!";
    let config = ServerConfig {
        join_secret: Some(JoinSecret::new(secret).expect("secret")),
        ..stored(&dir)
    };
    let server = start_arena(config, 1).await;
    let addr = server.local_addr();
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        + 600;
    let token = sign(
        &JoinClaims {
            sub: "user-42".into(),
            name: "Grace".into(),
            room: RoomClaim::Any,
            exp,
        },
        &JoinSecret::new(secret).expect("secret"),
    );
    let c = GameClient::connect_path(addr, &format!("/ws?token={token}"))
        .await
        .expect("connect");
    let mut grace = tokio::time::timeout(LIMIT, GameClient::join_with(c, "ignored"))
        .await
        .expect("join in time")
        .expect("join");
    tokio::time::timeout(LIMIT, grace.next_match_end())
        .await
        .expect("a match end in time")
        .expect("match end");
    let body = wait_for(LIMIT, "the token player's record", async || {
        let (status, body) = get(addr, "/players/user-42").await;
        (status == 200)
            .then_some(body.clone())
            .ok_or(format!("{status} {body}"))
    })
    .await;
    let record: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(record["name"], "Grace");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_player_re_seated_three_times_in_a_match_is_stored_once_under_its_own_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = ServerConfig {
        match_length: Duration::from_secs(6),
        // A dropped seat is held "(away)" for a moment, then freed: the next join is a new seat.
        reconnect_window: Duration::from_millis(300),
        ..stored(&dir)
    };
    let server = start_arena(config, 0).await;
    let metrics = &server.shared().metrics;
    // Bob stays for the whole match and says when matches end.
    let mut bob = join(&server, "bob").await;
    tokio::time::timeout(LIMIT, bob.next_match_end())
        .await
        .expect("a match end in time")
        .expect("match end");
    // A match has just begun: ada takes a seat, drops, and is freed from it, three times, then
    // sits for the rest of the match.
    for round in 1..=3 {
        let ada = join(&server, "ada").await;
        ada.drop_connection();
        wait_for(LIMIT, "the held seat is freed", async || {
            let expired = metrics.seats_expired.get();
            (expired == round)
                .then_some(())
                .ok_or(format!("{expired} seats expired"))
        })
        .await;
    }
    let _ada = join(&server, "ada").await;
    let end = tokio::time::timeout(LIMIT, bob.next_match_end())
        .await
        .expect("a match end in time")
        .expect("match end");
    let lines: Vec<&str> = end
        .scores
        .iter()
        .filter(|s| s.name.starts_with("ada"))
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(lines, ["ada"], "one line, under ada's own name: {end:?}");
    let db = dir.path().join("tickwire.db");
    let (matches, name, line_names) = wait_for(LIMIT, "ada's match is stored", async || {
        let conn = rusqlite::Connection::open(&db).map_err(|e| e.to_string())?;
        let (matches, name): (i64, String) = conn
            .query_row(
                "SELECT matches, name FROM players WHERE id = 'guest:ada'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| e.to_string())?;
        let mut rows = conn
            .prepare("SELECT name FROM match_players WHERE player_id = 'guest:ada'")
            .map_err(|e| e.to_string())?;
        let names: Vec<String> = rows
            .query_map([], |r| r.get(0))
            .map_err(|e| e.to_string())?
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        (matches > 0)
            .then_some((matches, name, names))
            .ok_or("no match yet".to_string())
    })
    .await;
    assert_eq!(matches, 1, "one match played, counted once");
    assert_eq!(name, "ada", "the player's own name, not a label");
    assert_eq!(
        line_names,
        ["ada"],
        "one line for the match, under its own name"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_changed_by_another_process_reaches_a_subscribed_client() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Endless matches: nothing the server writes can be what pushes the board.
    let config = ServerConfig {
        match_length: Duration::ZERO,
        ..stored(&dir)
    };
    let server = start_arena(config, 0).await;
    let mut ada = join(&server, "ada").await;
    ada.subscribe_leaderboard().await.expect("subscribe");
    let first = next_board(&mut ada).await;
    assert!(first.is_empty(), "{first:?}");
    // Another connection, not the server's: as a second process or the sqlite3 shell would.
    let other = rusqlite::Connection::open(dir.path().join("tickwire.db")).expect("open");
    other
        .execute_batch(
            "BEGIN;
             INSERT INTO players (id, name, first_seen_ms, last_seen_ms, matches)
             VALUES ('ops:eve', 'eve', 0, 0, 1);
             INSERT INTO standings (player_id, game, rating, matches, best, totals)
             VALUES ('ops:eve', 'arena', 5, 1, 5, '{\"kills\":7,\"deaths\":2}');
             COMMIT;",
        )
        .expect("insert");
    let written = Instant::now();
    let board = next_board(&mut ada).await;
    let took = written.elapsed();
    // How soon is information, not a bound.
    println!("storage: a row written by another connection reached the client in {took:?}");
    assert_eq!(
        board.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["eve"]
    );
    assert_eq!(
        (board[0].rating, board[0].totals.as_slice(), board[0].best),
        (5, [7, 2].as_slice(), 5)
    );
    // A delete is pushed too.
    other
        .execute("DELETE FROM standings WHERE player_id = 'ops:eve'", [])
        .expect("delete");
    let board = next_board(&mut ada).await;
    assert!(board.is_empty(), "{board:?}");
    server.shutdown().await;
}

#[test]
fn a_database_the_server_cannot_use_stops_it_with_one_line_and_its_cause_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Another program's SQLite file, whose `players` is not ours.
    let foreign = dir.path().join("foreign.db");
    rusqlite::Connection::open(&foreign)
        .and_then(|c| c.execute_batch("CREATE TABLE players (id INTEGER PRIMARY KEY, email TEXT)"))
        .expect("a foreign database");
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database, just some text in a file\n").expect("write");
    let missing = dir.path().join("no/such/dir/x.db");
    let cases = [
        (&missing, "cannot open or create the file"),
        (
            &foreign,
            "table players already exists; is it another program's database?",
        ),
        (&junk, "the file is not an SQLite database"),
    ];
    for (path, cause) in cases {
        let path = path.to_str().expect("a UTF-8 temp path");
        let out = crate::process::clean_command(crate::process::TICKWIRE)
            .args(["--bind", "127.0.0.1:0", "--database", path])
            .output()
            .expect("run tickwire");
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line: {stderr}");
        assert!(
            lines[0].starts_with("tickwire: cannot start the server: "),
            "{stderr}"
        );
        assert_eq!(lines[0].matches(cause).count(), 1, "{cause} once: {stderr}");
        assert_eq!(
            lines[0].matches(path).count(),
            1,
            "the file named once: {stderr}"
        );
        assert!(!stderr.contains("CREATE TABLE"), "no SQL: {stderr}");
    }
}

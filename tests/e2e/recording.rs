//! Match recordings over real sockets: a server that records its rooms' matches keeps one file
//! per match, named on the match's row; `/matches/recent` lists it, `/matches/{id}/replay`
//! serves a file that re-simulates with the same checksum on every tick, `/replay/view` the
//! browser's viewer stream; a private room's recording needs its key or the admin token; an id
//! that is not a match key never reaches the disk; old recordings expire by the size budget.

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, SystemTime};

use serde_json::Value;
use tickwire_arena::ArenaSettings;
use tickwire_protocol::{Baselines, ServerMsg, World, apply_delta};
use tickwire_server::AdminToken;
use tickwire_server::RecordingSettings;
use tickwire_server::recording::replay_sim::verify;
use tickwire_server::{Database, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::api::{ADMIN_TOKEN, call};
use crate::harness::{LIMIT, arena_config, join, start_arena, start_with, wait_for};

const BOTS: u32 = 2;

/// An arena config with two-second matches stored in `dir`, recordings in `dir/recordings`.
fn recorded(dir: &tempfile::TempDir, record_all: bool) -> ServerConfig {
    ServerConfig {
        match_length: Duration::from_secs(2),
        database: Database::Sqlite(dir.path().join("tickwire.db")),
        admin_token: Some(AdminToken::new(ADMIN_TOKEN).expect("long enough")),
        recordings: RecordingSettings {
            record: record_all,
            ..RecordingSettings::default()
        },
        ..arena_config()
    }
}

/// A response: status, head (lower-case header lines) and body bytes.
pub(crate) struct Got {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

/// `GET path` with extra header lines `headers`.
pub(crate) async fn get_raw(addr: SocketAddr, path: &str, headers: &str) -> Got {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{headers}\r\n");
    s.write_all(request.as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    tokio::time::timeout(LIMIT, s.read_to_end(&mut raw))
        .await
        .expect("response in time")
        .expect("read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status line");
    Got {
        status,
        head,
        body: raw[split + 4..].to_vec(),
    }
}

pub(crate) fn json(got: &Got) -> Value {
    serde_json::from_slice(&got.body).unwrap_or(Value::Null)
}

/// The recordings' ids in `dir`.
pub(crate) fn files_in(dir: &Path) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    e.file_name()
                        .to_str()
                        .and_then(|n| n.strip_suffix(".twreplay"))
                        .map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

fn games() -> impl tickwire_server::NewGame {
    ArenaSettings::new(None, BOTS, 60)
        .expect("arena settings")
        .games()
}

#[tokio::test]
async fn a_recorded_match_is_listed_served_re_simulated_and_viewable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start_arena(recorded(&dir, true), BOTS).await;
    let addr = server.local_addr();
    let _ada = join(&server, "ada").await;

    // The match ends, the writer finishes the file, the row names it.
    let recent = wait_for(LIMIT, "a recorded match in /matches/recent", async || {
        let got = get_raw(addr, "/matches/recent", "").await;
        match json(&got) {
            Value::Array(list) if !list.is_empty() => Ok(list),
            other => Err(format!("{} {other}", got.status)),
        }
    })
    .await;
    let first = &recent[0];
    let id = first["id"].as_str().expect("an id").to_owned();
    assert_eq!(first["game"], "arena");
    assert_eq!(first["replay"], format!("/?replay={id}"));
    assert_eq!(first["players"], serde_json::json!(["ada"]));
    assert!(first["ended_ms"].as_i64() > first["started_ms"].as_i64());
    assert!(
        dir.path()
            .join("recordings")
            .join(format!("{id}.twreplay"))
            .is_file()
    );

    // The file, as a download, re-simulates with the same checksum on every tick.
    let got = get_raw(addr, &format!("/matches/{id}/replay"), "").await;
    assert_eq!(got.status, 200, "{}", got.head);
    assert!(
        got.head.contains("content-type: application/octet-stream"),
        "{}",
        got.head
    );
    assert!(
        got.head.contains(&format!(
            "content-disposition: attachment; filename=\"{id}.twreplay\""
        )),
        "{}",
        got.head
    );
    let verified = verify(&got.body, &games()).expect("the recording verifies");
    assert!(verified.complete, "{verified:?}");
    assert_eq!(verified.lost, 0);
    assert!(verified.ticks >= 100, "{verified:?}");

    // The viewer stream, converted once and cached beside the recording.
    let view = get_raw(addr, &format!("/matches/{id}/replay/view"), "").await;
    assert_eq!(view.status, 200, "{}", view.head);
    assert!(view.body.starts_with(b"TWVIEW01"));
    let cached = dir.path().join("recordings").join(format!("{id}.twview"));
    assert!(cached.is_file());
    let again = get_raw(addr, &format!("/matches/{id}/replay/view"), "").await;
    assert_eq!(again.body, view.body);

    // Limits and names that are not match keys.
    assert_eq!(
        get_raw(addr, "/matches/recent?limit=51", "").await.status,
        400
    );
    assert_eq!(
        get_raw(addr, "/matches/recent?limit=x", "").await.status,
        400
    );
    for path in [
        "/matches/..%2F..%2Ftickwire.db/replay",
        "/matches/%2e%2e/replay",
        "/matches/..%2Ftickwire.db/replay/view",
        "/matches/a.twreplay/replay",
        "/matches/nosuchmatch-1/replay",
        "/matches/nosuchmatch-1/replay/view",
    ] {
        let got = get_raw(addr, path, "").await;
        assert_eq!(got.status, 404, "{path}: {}", got.head);
        assert!(json(&got)["error"].is_string(), "{path}");
    }
}

#[tokio::test]
async fn a_private_rooms_recording_needs_its_key_or_the_admin_token() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start_arena(recorded(&dir, false), BOTS).await;
    let addr = server.local_addr();
    let bad = serde_json::json!({"private": true, "record": "yes"});
    let (status, body) = call(addr, "POST", "/rooms", None, Some(&bad)).await;
    assert_eq!(status, 400, "{body}");
    let asked = serde_json::json!({"private": true, "record": true});
    let (status, room) = call(addr, "POST", "/rooms", None, Some(&asked)).await;
    assert_eq!(status, 201, "{room}");
    let (room_id, key) = (
        room["id"].as_u64().expect("an id"),
        room["key"].as_str().expect("a key").to_owned(),
    );
    let c =
        tickwire_client::GameClient::connect_path(addr, &format!("/ws?room={room_id}&key={key}"))
            .await
            .expect("connect");
    let _friend = tokio::time::timeout(LIMIT, tickwire_client::GameClient::join_with(c, "friend"))
        .await
        .expect("join in time")
        .expect("join");

    let recordings = dir.path().join("recordings");
    let keyed = wait_for(
        LIMIT,
        "the private match's recording with its key",
        async || {
            let Some(id) = files_in(&recordings).into_iter().next() else {
                return Err("no file yet".into());
            };
            let got = get_raw(addr, &format!("/matches/{id}/replay?key={key}"), "").await;
            match got.status {
                200 => Ok((id, got.body)),
                s => Err(format!("{s} {}", String::from_utf8_lossy(&got.body))),
            }
        },
    )
    .await;
    let (id, bytes) = keyed;
    verify(&bytes, &games()).expect("the recording verifies");

    for (path, headers) in [
        (format!("/matches/{id}/replay"), String::new()),
        (format!("/matches/{id}/replay?key=wrong"), String::new()),
        (format!("/matches/{id}/replay/view"), String::new()),
        (
            format!("/matches/{id}/replay"),
            "Authorization: Bearer not-the-admin-token-at-all\r\n".into(),
        ),
    ] {
        let got = get_raw(addr, &path, &headers).await;
        assert_eq!(got.status, 403, "{path} {headers}");
        assert!(json(&got)["error"].is_string(), "{path}");
    }
    assert!(server.shared().metrics.replay_refusals.get() >= 4);
    let admin = format!("Authorization: Bearer {ADMIN_TOKEN}\r\n");
    let got = get_raw(addr, &format!("/matches/{id}/replay"), &admin).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body, bytes);
    let view = get_raw(addr, &format!("/matches/{id}/replay/view?key={key}"), "").await;
    assert_eq!(view.status, 200);
    assert!(view.body.starts_with(b"TWVIEW01"));
    // A private room's match is not listed.
    let recent = get_raw(addr, "/matches/recent", "").await;
    assert_eq!(json(&recent), serde_json::json!([]));
}

#[tokio::test]
async fn the_oldest_recordings_expire_past_the_size_budget() {
    let dir = tempfile::tempdir().expect("temp dir");
    let recordings = dir.path().join("recordings");
    std::fs::create_dir_all(&recordings).expect("mkdir");
    // Two old recordings (of no stored match), the older over the budget with the newer.
    let now = SystemTime::now();
    for (id, bytes, hours) in [("aaa-1", 600_000, 2), ("bbb-1", 999_000, 1)] {
        let path = recordings.join(format!("{id}.twreplay"));
        std::fs::write(&path, vec![0u8; bytes]).expect("write");
        let f = std::fs::File::options()
            .write(true)
            .open(&path)
            .expect("open");
        f.set_modified(now - Duration::from_secs(hours * 3600))
            .expect("set mtime");
    }
    let mut config = recorded(&dir, true);
    config.recordings.max_bytes = 1_000_000;
    let server = start_arena(config, BOTS).await;
    // At start: the oldest goes, the rest fits.
    assert_eq!(files_in(&recordings), ["bbb-1"]);
    assert_eq!(server.shared().metrics.recordings_expired.get(), 1);
    let _ada = join(&server, "ada").await;
    // A match's recording makes the directory go over again: the oldest left goes.
    let kept = wait_for(LIMIT, "bbb-1 expired by a new recording", async || {
        let files = files_in(&recordings);
        if files.iter().any(|f| f == "bbb-1") || files.is_empty() {
            return Err(format!("{files:?}"));
        }
        Ok(files)
    })
    .await;
    assert!(kept.iter().all(|f| f.len() > 5), "{kept:?}");
    assert!(server.shared().metrics.recordings_expired.get() >= 2);
    assert!(server.shared().metrics.recordings_bytes.get() > 0);
}

/// Capture the flag as its binary serves it, with two-second matches stored and recorded in
/// `dir`.
fn flag_config(dir: &tempfile::TempDir) -> ServerConfig {
    ServerConfig {
        bind: ([127, 0, 0, 1], 0).into(),
        index_page: tickwire_example_flag::PAGE.to_owned(),
        shutdown_grace: Duration::from_secs(1),
        reconnect_window: Duration::ZERO,
        match_length: Duration::from_secs(2),
        database: Database::Sqlite(dir.path().join("tickwire.db")),
        recordings: RecordingSettings {
            record: true,
            ..RecordingSettings::default()
        },
        ..ServerConfig::default()
    }
}

/// Capture the flag's games at `rate`, as its binary makes them.
fn flag_games(rate: u32) -> tickwire_example_flag::FlagGames {
    tickwire_example_flag::FlagGames { tick_rate: rate }
}

#[tokio::test]
async fn a_capture_the_flag_match_is_recorded_served_and_its_viewer_stream_plays() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = flag_config(&dir);
    let rate = config.tick_rate;
    let server = start_with(config, flag_games(rate)).await;
    let addr = server.local_addr();
    let _ada = join(&server, "ada").await;

    let recent = wait_for(
        LIMIT,
        "a recorded flag match in /matches/recent",
        async || {
            let got = get_raw(addr, "/matches/recent", "").await;
            match json(&got) {
                Value::Array(list) if !list.is_empty() => Ok(list),
                other => Err(format!("{} {other}", got.status)),
            }
        },
    )
    .await;
    let id = recent[0]["id"].as_str().expect("an id").to_owned();
    assert_eq!(recent[0]["game"], "flag");
    assert_eq!(recent[0]["players"], serde_json::json!(["ada"]));

    // The file re-simulates: capture the flag has a checksum, so it records its inputs.
    let file = get_raw(addr, &format!("/matches/{id}/replay"), "").await;
    assert_eq!(file.status, 200, "{}", file.head);
    let verified = verify(&file.body, &flag_games(rate)).expect("the flag recording verifies");
    assert!(verified.complete && verified.lost == 0, "{verified:?}");

    // Its viewer stream, from the server's own handler: the flag's schema in the Welcome, then
    // snapshots that apply one after another over the whole match.
    let view = get_raw(addr, &format!("/matches/{id}/replay/view"), "").await;
    assert_eq!(view.status, 200, "{}", view.head);
    let messages = tickwire_replay::read_viewer_stream(&view.body, usize::MAX)
        .expect("the flag's viewer stream reads");
    let ServerMsg::Welcome(welcome) = &messages[0] else {
        panic!("the stream starts with a Welcome: {:?}", messages.first());
    };
    let flag = tickwire_example_flag::flag_schema();
    assert_eq!(welcome.schema.hash(), flag.hash(), "the flag's schema");
    assert_eq!(welcome.schema.desc(), flag.desc());
    let mut world = World::default();
    let mut ticks = Vec::new();
    for m in &messages[1..] {
        if let ServerMsg::Snapshot(s) = m {
            let mut next = World::default();
            let base = Baselines {
                baseline: s.schema.is_none().then_some(&world),
                previous: None,
            };
            apply_delta(&welcome.schema, &s.body.0, base, &mut next).expect("a snapshot applies");
            world = next;
            ticks.push(world.tick.0);
        }
    }
    assert!(
        ticks.windows(2).all(|w| w[0] < w[1]),
        "snapshot ticks run forward"
    );
    let span = ticks.last().copied().unwrap_or(0) - ticks.first().copied().unwrap_or(0);
    assert!(
        u64::from(span) + 2 >= verified.ticks,
        "the stream covers the match: {span} ticks of {}",
        verified.ticks
    );
    // The last world has the field: the two flags and ada's runner at least.
    let kinds: Vec<&str> = world
        .entities()
        .iter()
        .map(|e| {
            welcome.schema.desc().kinds[usize::from(e.kind.0)]
                .name
                .as_str()
        })
        .collect();
    assert!(
        kinds.iter().filter(|k| **k == "flag").count() == 2 && kinds.contains(&"runner"),
        "{kinds:?}"
    );
}

//! Reconnection: a player whose connection drops keeps its seat, entity and score for the
//! reconnect window, held still and safe, and takes it back once with its resume token; after
//! the window the seat is gone and the token refused.

use std::net::SocketAddr;
use std::time::Duration;

use tickwire_arena::ArenaInput;
use tickwire_arena::ArenaSettings;
use tickwire_client::{ClientError, GameClient, Received};
use tickwire_protocol::{ClientMsg, EntityId, ScoreEntry, ServerMsg, close};
use tickwire_server::{Server, ServerConfig};

use crate::harness::{LIMIT, arena_config, arena_input, arena_on_map, kills, start_with, wait_for};

/// An open field with two spawn points in each other's line of fire.
pub(crate) const DUEL_MAP: &str = r#"{"name": "duel", "width": 600, "height": 300, "walls": [],
  "spawns": [{"x": 150, "y": 150}, {"x": 450, "y": 150}]}"#;

pub async fn start_duel(window: Duration) -> Server {
    let arena = arena_on_map(DUEL_MAP);
    // A snapshot every tick: these tests send one input per snapshot, so one per tick, the
    // cadence the server paces inputs to (a client that sends slower loses its late inputs).
    let config = ServerConfig {
        reconnect_window: window,
        snapshot_rate: 60,
        ..arena_config()
    };
    start_with(config, arena.games()).await
}

async fn join(addr: SocketAddr, name: &str) -> GameClient {
    tokio::time::timeout(LIMIT, GameClient::join(addr, name))
        .await
        .expect("join in time")
        .expect("join")
}

fn own(c: &GameClient) -> EntityId {
    c.welcome.as_ref().expect("welcomed").entity_id
}

/// Reads until the next snapshot, keeping the latest scoreboard in `scores`.
async fn next(c: &mut GameClient, scores: &mut Vec<ScoreEntry>) {
    loop {
        match tokio::time::timeout(LIMIT, c.recv()).await {
            Ok(Ok(Received::Snapshot { .. })) => return,
            Ok(Ok(Received::Message(ServerMsg::Scoreboard(s)))) => *scores = s,
            Ok(Ok(Received::Closed { code, reason })) => panic!("closed {code}: {reason}"),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => panic!("{e}"),
            Err(_) => panic!("no snapshot in time"),
        }
    }
}

/// Where entity `id` is in `c`'s world.
fn pos(c: &GameClient, id: EntityId) -> Option<[f64; 2]> {
    c.entity(id)?.vec2("pos")
}

/// Where entity `id` is in `c`'s world and its hit points.
fn pos_hp(c: &GameClient, id: EntityId) -> Option<([f64; 2], f64)> {
    let e = c.entity(id)?;
    Some((e.vec2("pos")?, e.number("hp")?))
}

/// An input from `c` aiming at `target` in its world, firing or not.
fn aim_at(c: &GameClient, target: EntityId, seq: u32, fire: bool) -> ClientMsg {
    let from = pos(c, own(c)).expect("own entity");
    let to = pos(c, target).expect("target");
    let (dx, dy) = ((to[0] - from[0]) as f32, (to[1] - from[1]) as f32);
    let input = ArenaInput {
        aim: dy.atan2(dx),
        fire,
        ..ArenaInput::default()
    };
    arena_input(seq, input)
}

fn line(scores: &[ScoreEntry], entity: EntityId) -> Option<&ScoreEntry> {
    scores.iter().find(|s| s.entity == entity)
}

#[tokio::test]
async fn a_dropped_player_comes_back_to_its_entity_and_score_held_still_and_safe_meanwhile() {
    let server = start_duel(Duration::from_secs(20)).await;
    let addr = server.local_addr();
    let mut a = join(addr, "ada").await;
    let mut b = join(addr, "bob").await;
    let (a_id, b_id) = (own(&a), own(&b));
    let token = a.resume_token().expect("a resume token").to_owned();

    // Ada scores: she shoots Bob (who stands still) until he dies once.
    let (mut a_scores, mut b_scores) = (Vec::new(), Vec::new());
    next(&mut a, &mut a_scores).await;
    next(&mut b, &mut b_scores).await;
    let mut seq = 0;
    while line(&a_scores, a_id).is_none_or(|s| kills(s) == 0) {
        seq += 1;
        assert!(seq < 3_000, "Ada scores a kill");
        let input = aim_at(&a, b_id, seq, true);
        a.send(&input).await.expect("send");
        b.send(&arena_input(seq, ArenaInput::default()))
            .await
            .expect("send");
        next(&mut a, &mut a_scores).await;
        next(&mut b, &mut b_scores).await;
    }
    let ada_kills = line(&a_scores, a_id).map(kills).expect("Ada's line");

    // Her connection drops (no close frame). Bob sees her marked away, then shoots at her.
    a.drop_connection();
    loop {
        next(&mut b, &mut b_scores).await;
        if line(&b_scores, a_id).is_some_and(|s| s.name.ends_with("(away)")) {
            break;
        }
    }
    let held = pos_hp(&b, a_id).expect("Ada held");
    let shots_before = b_scores.clone();
    for _ in 0..120 {
        seq += 1;
        let input = aim_at(&b, a_id, seq, true);
        b.send(&input).await.expect("send");
        next(&mut b, &mut b_scores).await;
        let now = pos_hp(&b, a_id).expect("Ada held");
        assert_eq!(now.0, held.0, "an away player does not move");
        assert_eq!(now.1, held.1, "an away player takes no damage");
    }
    assert_eq!(
        line(&b_scores, b_id).map(kills),
        line(&shots_before, b_id).map(kills),
        "no free kill"
    );
    let players = room_players(addr).await;
    assert!(
        players.contains("\"players\":2"),
        "a held seat counts: {players}"
    );

    // Back with the token: the same entity and score, a full snapshot, a new token.
    let mut back = tokio::time::timeout(LIMIT, GameClient::resume(addr, &token))
        .await
        .expect("in time")
        .expect("resumed");
    assert_eq!(own(&back), a_id);
    let new_token = back.resume_token().expect("a new token").to_owned();
    assert_ne!(new_token, token);
    let mut back_scores = Vec::new();
    next(&mut back, &mut back_scores).await;
    assert!(back.entity(a_id).is_some(), "a full snapshot");
    // The first frame sent may predate the resume; the next scoreboard drops the "(away)".
    for _ in 0..60 {
        if line(&back_scores, a_id).is_some_and(|s| !s.name.ends_with("(away)")) {
            break;
        }
        next(&mut back, &mut back_scores).await;
    }
    let mine = line(&back_scores, a_id).expect("Ada's line");
    assert_eq!(kills(mine), ada_kills, "the score came back");
    assert_eq!(mine.name, "ada");

    // The old token is spent.
    let again = tokio::time::timeout(LIMIT, GameClient::resume(addr, &token))
        .await
        .expect("in time");
    assert!(
        matches!(
            again,
            Err(ClientError::Closed {
                code: close::RESUME_REFUSED,
                ..
            })
        ),
        "{:?}",
        again.err()
    );
    let metrics = &server.shared().metrics;
    assert_eq!(metrics.seats_held.get(), 1);
    assert_eq!(metrics.seats_resumed.get(), 1);
    assert_eq!(metrics.resumes_refused.get(), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn after_the_window_the_seat_is_freed_and_the_token_refused() {
    let server = start_duel(Duration::from_millis(500)).await;
    let addr = server.local_addr();
    let a = join(addr, "ada").await;
    let a_id = own(&a);
    let token = a.resume_token().expect("token").to_owned();
    a.drop_connection();
    wait_for(LIMIT, "the held seat freed", async || {
        let frame = crate::harness::server_frame(&server).ok_or("no frame")?;
        let rooms = room_players(addr).await;
        match (
            frame.entity(a_id).map(|e| e.id()),
            rooms.contains("\"players\":0"),
        ) {
            (None, true) => Ok(()),
            other => Err(format!("{other:?} {rooms}")),
        }
    })
    .await;
    let refused = tokio::time::timeout(LIMIT, GameClient::resume(addr, &token))
        .await
        .expect("in time");
    match refused {
        Err(ClientError::Closed { code, reason }) => {
            assert_eq!(code, close::RESUME_REFUSED);
            assert!(reason.contains("gone"), "{reason}");
        }
        other => panic!("{:?}", other.err()),
    }

    // A player that leaves cleanly is not held: its token is refused at once.
    let mut b = join(addr, "bob").await;
    let token = b.resume_token().expect("token").to_owned();
    b.close().await.expect("close");
    let _ = tokio::time::timeout(LIMIT, b.recv()).await;
    wait_for(LIMIT, "the seat freed", async || {
        let rooms = room_players(addr).await;
        rooms.contains("\"players\":0").then_some(()).ok_or(rooms)
    })
    .await;
    let refused = tokio::time::timeout(LIMIT, GameClient::resume(addr, &token))
        .await
        .expect("in time");
    assert!(
        matches!(
            refused,
            Err(ClientError::Closed {
                code: close::RESUME_REFUSED,
                ..
            })
        ),
        "{:?}",
        refused.err()
    );
    let metrics = body(addr, "/metrics").await;
    assert!(
        metrics.contains("tickwire_seats_expired_total 1\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("tickwire_resumes_refused_total 2\n"),
        "{metrics}"
    );
    server.shutdown().await;
}

/// Reads snapshots until the server ends the session; how it ended.
pub async fn closed(c: &mut GameClient) -> ClientError {
    let ending = async {
        loop {
            if let Err(e) = c.next_snapshot().await {
                return e;
            }
        }
    };
    tokio::time::timeout(LIMIT, ending)
        .await
        .expect("the session ends in time")
}

/// The `/rooms` list as JSON text.
pub async fn room_players(addr: SocketAddr) -> String {
    let list: serde_json::Value = serde_json::from_str(&body(addr, "/rooms").await).expect("JSON");
    list["rooms"].to_string()
}

/// Waits for the session to end and checks that it was closed with `code`.
pub async fn assert_closed_with(c: &mut GameClient, code: u16) {
    let ended = closed(c).await;
    assert!(
        matches!(ended, ClientError::Closed { code: c, .. } if c == code),
        "{ended:?}"
    );
}

/// The body of `GET path`.
pub async fn body(addr: SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    tokio::time::timeout(LIMIT, s.read_to_end(&mut out))
        .await
        .expect("in time")
        .expect("read");
    let text = String::from_utf8_lossy(&out).into_owned();
    text.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or(text)
}

#[tokio::test]
async fn with_a_join_secret_the_resume_token_is_enough_to_come_back() {
    use tickwire_server::auth::join_token::{JoinClaims, JoinSecret, RoomClaim, sign};
    let secret = JoinSecret::new(b"s3cret").expect("a secret");
    let server = start_with(
        ServerConfig {
            join_secret: Some(secret.clone()),
            reconnect_window: Duration::from_secs(20),
            ..arena_config()
        },
        ArenaSettings::new(None, 0, 60).expect("arena").games(),
    )
    .await;
    let addr = server.local_addr();
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs()
        + 60;
    let claims = JoinClaims {
        sub: "id-1".into(),
        name: "ada".into(),
        room: RoomClaim::Any,
        exp,
    };
    let path = format!("/ws?token={}", sign(&claims, &secret));
    let c = GameClient::connect_path(addr, &path)
        .await
        .expect("connect");
    let a = GameClient::join_with(c, "ignored").await.expect("join");
    let (a_id, token) = (own(&a), a.resume_token().expect("token").to_owned());
    a.drop_connection();
    // No join token on the way back: the resume token is the proof.
    let back = tokio::time::timeout(LIMIT, GameClient::resume(addr, &token))
        .await
        .expect("in time")
        .expect("resumed");
    assert_eq!(own(&back), a_id);
    // Without a resume token, `?resume` opens nothing.
    let c = GameClient::connect_path(addr, "/ws?resume")
        .await
        .expect("connect");
    let refused = GameClient::join_with(c, "sneaky").await;
    assert!(
        matches!(
            refused,
            Err(ClientError::Closed {
                code: close::POLICY_VIOLATION,
                ..
            })
        ),
        "{:?}",
        refused.err()
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_resume_takes_over_a_seat_whose_old_connection_still_looks_open() {
    let server = start_duel(Duration::from_secs(20)).await;
    let addr = server.local_addr();
    let mut old = join(addr, "ada").await;
    let token = old.resume_token().expect("token").to_owned();
    // The old connection never said goodbye (a network that vanished): the token's holder
    // comes back on a new one.
    let back = tokio::time::timeout(LIMIT, GameClient::resume(addr, &token))
        .await
        .expect("in time")
        .expect("resumed");
    assert_eq!(own(&back), own(&old));
    let ended = closed(&mut old).await;
    assert!(
        matches!(
            ended,
            ClientError::Closed {
                code: close::SESSION_REPLACED,
                ..
            }
        ),
        "{ended:?}"
    );
    let rooms = room_players(addr).await;
    assert!(rooms.contains("\"players\":1"), "{rooms}");
    server.shutdown().await;
}

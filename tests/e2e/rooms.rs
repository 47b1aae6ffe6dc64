//! Joining rooms: quick join fills the fullest room with a seat, `/ws?room=ID` joins that room,
//! and a room that does not run, a malformed room or a room other than the join token's is refused
//! before the upgrade.

use std::net::SocketAddr;

use tickwire_client::GameClient;
use tickwire_server::ServerConfig;
use tickwire_server::auth::join_token::{JoinClaims, JoinSecret, RoomClaim, sign};

use crate::harness::{LIMIT, arena_config, http, join, start_arena, wait_for};

/// Players per room, by room id.
fn counts(server: &tickwire_server::Server) -> Vec<(u32, usize)> {
    let mut rooms: Vec<_> = server
        .shared()
        .lobby
        .rooms(true)
        .iter()
        .map(|r| (r.id, r.players))
        .collect();
    rooms.sort_unstable();
    rooms
}

async fn wait_counts(server: &tickwire_server::Server, want: &[(u32, usize)]) {
    wait_for(LIMIT, "the rooms' player counts", async || {
        let now = counts(server);
        (now == want).then_some(()).ok_or(format!("{now:?}"))
    })
    .await;
}

async fn join_path(addr: SocketAddr, path: &str, name: &str) -> GameClient {
    let c = GameClient::connect_path(addr, path).await.expect("connect");
    tokio::time::timeout(LIMIT, GameClient::join_with(c, name))
        .await
        .expect("join in time")
        .expect("join")
}

#[tokio::test]
async fn quick_join_fills_the_fullest_room_and_a_query_picks_one() {
    let server = start_arena(
        ServerConfig {
            room_capacity: 3,
            ..arena_config()
        },
        0,
    )
    .await;
    let addr = server.local_addr();
    let (a, b, _c) = (
        join(&server, "a").await,
        join(&server, "b").await,
        join(&server, "c").await,
    );
    let _d = join(&server, "d").await;
    wait_counts(&server, &[(1, 3), (2, 1)]).await;
    // Asked for by number, room 2 gets the next player even though quick join would too.
    let _e = join_path(addr, "/ws?room=2", "e").await;
    wait_counts(&server, &[(1, 3), (2, 2)]).await;
    // Two leave room 1: it has a seat, but room 2 is fuller, so quick join goes there.
    drop((a, b));
    wait_counts(&server, &[(1, 1), (2, 2)]).await;
    let _f = join(&server, "f").await;
    wait_counts(&server, &[(1, 1), (2, 3)]).await;
    // Room 2 is full now: asking for it is refused as full; quick join finds room 1.
    let full = GameClient::connect_path(addr, "/ws?room=2")
        .await
        .expect("connect");
    let refused = tokio::time::timeout(LIMIT, GameClient::join_with(full, "g"))
        .await
        .expect("answer in time");
    assert!(
        matches!(
            refused,
            Err(tickwire_client::ClientError::Closed { code: 4002, .. })
        ),
        "{:?}",
        refused.err()
    );
    let _h = join(&server, "h").await;
    wait_counts(&server, &[(1, 2), (2, 3)]).await;
}

#[tokio::test]
async fn rooms_that_do_not_run_or_do_not_parse_are_refused() {
    let server = start_arena(arena_config(), 0).await;
    let addr = server.local_addr();
    let upgrade = |path: &str| {
        format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
    };
    let head = http(addr, &upgrade("/ws?room=99")).await;
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
    let head = http(addr, &upgrade("/ws?room=first")).await;
    assert!(head.starts_with("HTTP/1.1 400"), "{head}");
}

#[tokio::test]
async fn a_query_room_other_than_the_tokens_is_refused() {
    let secret = b"rooms-test-secret";
    let server = start_arena(
        ServerConfig {
            room_capacity: 1,
            join_secret: JoinSecret::new(secret),
            ..arena_config()
        },
        0,
    )
    .await;
    let addr = server.local_addr();
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        + 300;
    let token = |room| {
        sign(
            &JoinClaims {
                sub: "p".into(),
                name: "p".into(),
                room,
                exp,
            },
            &JoinSecret::new(secret).expect("secret"),
        )
    };
    let _first = join_path(addr, &format!("/ws?token={}", token(RoomClaim::Any)), "x").await;
    wait_counts(&server, &[(1, 1)]).await;
    let _second = join_path(addr, &format!("/ws?token={}", token(RoomClaim::Any)), "y").await;
    wait_counts(&server, &[(1, 1), (2, 1)]).await;
    let head = http(
        addr,
        &format!(
            "GET /ws?room=2&token={} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             Sec-WebSocket-Version: 13\r\n\r\n",
            token(RoomClaim::Id(1))
        ),
    )
    .await;
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
}

#[tokio::test]
async fn an_empty_room_stops_after_its_idle_time() {
    let server = start_arena(
        ServerConfig {
            empty_room_ttl: std::time::Duration::from_millis(300),
            ..arena_config()
        },
        0,
    )
    .await;
    let player = join(&server, "only").await;
    wait_counts(&server, &[(1, 1)]).await;
    drop(player);
    // Empty, the room lives on for its idle time and then leaves the list.
    wait_counts(&server, &[]).await;
    let head = http(
        server.local_addr(),
        "GET /ws?room=1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    )
    .await;
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
}

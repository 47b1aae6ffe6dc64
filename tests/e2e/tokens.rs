//! Join tokens against the real server: with a join secret, a signed token opens the game socket
//! and names the player and the room; a missing, badly signed, expired or wrong-room token is
//! refused at the upgrade with its status, and counted. Without a secret a token is ignored.

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use tickwire_client::{GameClient, Received};
use tickwire_protocol::ServerMsg;
use tickwire_server::auth::join_token::{JoinClaims, JoinSecret, RoomClaim, sign};
use tickwire_server::{Server, ServerConfig};
use tokio::io::AsyncReadExt;

use crate::harness::{LIMIT, arena_config, read_head, send_upgrade, start_arena};

fn secret(s: &str) -> JoinSecret {
    JoinSecret::new(s.as_bytes()).expect("a secret")
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs()
}

fn token(key: &str, name: &str, room: RoomClaim, exp: u64) -> String {
    let claims = JoinClaims {
        sub: format!("id-of-{name}"),
        name: name.into(),
        room,
        exp,
    };
    sign(&claims, &secret(key))
}

async fn start_with_secret() -> Server {
    start_arena(
        ServerConfig {
            join_secret: Some(secret("s3cret")),
            ..arena_config()
        },
        0,
    )
    .await
}

/// Sends an upgrade request for `path` and returns the response head and body.
async fn upgrade(addr: SocketAddr, path: &str) -> (String, String) {
    let mut s = send_upgrade(addr, path).await;
    let head = read_head(&mut s).await;
    let len = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_owned())
        })
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    tokio::time::timeout(LIMIT, s.read_exact(&mut body))
        .await
        .expect("body in time")
        .expect("body");
    (head, String::from_utf8_lossy(&body).into_owned())
}

/// Joins through `path` and returns the client with the name the room's scoreboard shows for it.
async fn join_at(addr: SocketAddr, path: &str) -> (GameClient, String) {
    let c = GameClient::connect_path(addr, path).await.expect("connect");
    let mut c = tokio::time::timeout(LIMIT, GameClient::join_with(c, "from-hello"))
        .await
        .expect("join in time")
        .expect("join");
    let entity = c.welcome.as_ref().expect("welcome").entity_id;
    let name = tokio::time::timeout(LIMIT, async {
        loop {
            if let Received::Message(ServerMsg::Scoreboard(lines)) = c.recv().await.expect("recv")
                && let Some(line) = lines.iter().find(|l| l.entity == entity)
            {
                return line.name.clone();
            }
        }
    })
    .await
    .expect("a scoreboard line in time");
    (c, name)
}

#[tokio::test]
async fn a_signed_token_joins_with_its_name_and_room() {
    let server = start_with_secret().await;
    let addr = server.local_addr();
    let any = token("s3cret", "Ada", RoomClaim::Any, now() + 60);
    let (_ada, name) = join_at(addr, &format!("/ws?token={any}")).await;
    assert_eq!(name, "Ada");
    let room = server.shared().lobby.rooms(true)[0].id;

    let exact = token("s3cret", "Grace", RoomClaim::Id(room), now() + 60);
    let (_grace, name) = join_at(addr, &format!("/ws?v=1&token={exact}")).await;
    assert_eq!(name, "Grace");
    let rooms = server.shared().lobby.rooms(true);
    assert_eq!((rooms.len(), rooms[0].players), (1, 2), "{rooms:?}");
    let m = &server.shared().metrics;
    for reason in ["missing", "invalid", "expired", "wrong_room"] {
        assert_eq!(m.tokens_refused(reason), 0, "{reason}");
    }
}

#[tokio::test]
async fn bad_tokens_are_refused_at_the_upgrade_and_counted() {
    let server = start_with_secret().await;
    let addr = server.local_addr();
    let expired = token("s3cret", "Old", RoomClaim::Any, now() - 1);
    let forged = token("not-the-secret", "Eve", RoomClaim::Any, now() + 60);
    let no_room = token("s3cret", "Lost", RoomClaim::Id(99), now() + 60);
    for (path, status, body) in [
        ("/ws".to_owned(), 401, "a join token is required\n"),
        ("/ws?token=".to_owned(), 401, "a join token is required\n"),
        (format!("/ws?token={expired}"), 401, "token expired\n"),
        (
            format!("/ws?token={forged}"),
            401,
            "invalid join token: bad signature\n",
        ),
        (
            "/ws?token=not.a.token".to_owned(),
            401,
            "invalid join token: malformed header\n",
        ),
        (format!("/ws?token={no_room}"), 403, "no such room: 99\n"),
    ] {
        let (head, text) = upgrade(addr, &path).await;
        assert!(
            head.starts_with(&format!("HTTP/1.1 {status}")),
            "{path}: {head}"
        );
        assert_eq!(text, body, "{path}");
    }
    // No seat was taken, no room started.
    assert!(server.shared().lobby.rooms(true).is_empty());
    let m = &server.shared().metrics;
    let counts = ["missing", "invalid", "expired", "wrong_room"].map(|r| m.tokens_refused(r));
    assert_eq!(counts, [2, 2, 1, 1]);
    let text = m.render();
    assert!(
        text.contains("tickwire_tokens_refused_total{reason=\"invalid\"} 2\n"),
        "{text}"
    );
}

#[tokio::test]
async fn without_a_secret_a_token_is_ignored() {
    let server = start_arena(arena_config(), 0).await;
    let (_c, name) = join_at(server.local_addr(), "/ws?token=anything").await;
    assert_eq!(name, "from-hello");
}

/// A token for any room joins or watches a public room, never a private one.
#[tokio::test]
async fn a_token_for_any_room_never_lands_in_a_private_room() {
    let server = start_arena(
        ServerConfig {
            join_secret: Some(secret("s3cret")),
            admin_token: Some(
                tickwire_server::AdminToken::new(crate::api::ADMIN_TOKEN).expect("long enough"),
            ),
            ..arena_config()
        },
        0,
    )
    .await;
    let addr = server.local_addr();
    let body = serde_json::json!({"private": true, "bots": 2});
    let (status, room) = crate::api::call(
        addr,
        "POST",
        "/rooms",
        Some(crate::api::ADMIN_TOKEN),
        Some(&body),
    )
    .await;
    assert_eq!(status, 201, "{room}");
    let private = u32::try_from(room["id"].as_u64().expect("an id")).expect("a room number");
    let any = token("s3cret", "Ada", RoomClaim::Any, now() + 60);
    let c = GameClient::connect_path(addr, &format!("/ws?spectate=1&token={any}"))
        .await
        .expect("connect");
    let refused = GameClient::hello(c, "peeker", None).await;
    assert!(
        refused.is_err(),
        "a spectator with a token for any room watched a private room"
    );
    let c = GameClient::connect_path(addr, &format!("/ws?token={any}"))
        .await
        .expect("connect");
    let player = GameClient::join_with(c, "ignored").await.expect("join");
    assert_ne!(player.welcome.as_ref().expect("welcome").room, private);
}

/// A token whose `exp` is past the server's most lifetime is refused with its own reason and
/// counted; one within it opens the socket.
#[tokio::test]
async fn a_token_past_the_most_lifetime_is_refused() {
    let server = start_arena(
        ServerConfig {
            join_secret: Some(secret("s3cret")),
            max_token_lifetime: Some(std::time::Duration::from_secs(3600)),
            ..arena_config()
        },
        0,
    )
    .await;
    let addr = server.local_addr();
    for exp in [now() + 7200, u64::MAX] {
        let forever = token("s3cret", "Ada", RoomClaim::Any, exp);
        let (head, body) = upgrade(addr, &format!("/ws?token={forever}")).await;
        assert!(head.starts_with("HTTP/1.1 401"), "{head}");
        assert!(body.contains("lives too long"), "{body}");
    }
    assert_eq!(server.shared().metrics.tokens_refused("lifetime"), 2);
    let fine = token("s3cret", "Ada", RoomClaim::Any, now() + 600);
    let c = GameClient::connect_path(addr, &format!("/ws?token={fine}"))
        .await
        .expect("connect");
    GameClient::join_with(c, "ignored").await.expect("join");
}

/// One live session per player: a second join with the same `sub` takes the first one's
/// place, and the first is closed with 4013, which says why.
#[tokio::test]
async fn a_second_session_of_the_same_player_takes_the_first_ones_place() {
    let server = start_with_secret().await;
    let addr = server.local_addr();
    let path = format!(
        "/ws?token={}",
        token("s3cret", "Ada", RoomClaim::Any, now() + 600)
    );
    let c = GameClient::connect_path(addr, &path)
        .await
        .expect("connect");
    let mut first = GameClient::join_with(c, "ignored").await.expect("join");
    let c = GameClient::connect_path(addr, &path)
        .await
        .expect("connect");
    let mut second = GameClient::join_with(c, "ignored").await.expect("join");
    crate::resume::assert_closed_with(&mut first, tickwire_protocol::close::SAME_PLAYER_JOINED)
        .await;
    tokio::time::timeout(LIMIT, second.next_snapshot())
        .await
        .expect("in time")
        .expect("the second session plays on");
    assert_eq!(server.shared().metrics.abuse.sessions_replaced.get(), 1);
    crate::harness::wait_for(LIMIT, "one seat for the player", async || {
        let players = crate::resume::room_players(addr).await;
        players
            .contains("\"players\":1")
            .then_some(())
            .ok_or(players)
    })
    .await;
}

/// The token may come in `Sec-WebSocket-Protocol` (after `tickwire.token`) instead of the URL,
/// where access logs would keep it; the server then names that protocol in its answer.
#[tokio::test]
async fn the_token_may_come_in_the_websocket_protocol_header() {
    let server = start_with_secret().await;
    let addr = server.local_addr();
    let jwt = token("s3cret", "Ada", RoomClaim::Any, now() + 600);
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!(
        "GET /ws HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Protocol: tickwire.token, {jwt}\r\n\r\n"
    );
    tokio::io::AsyncWriteExt::write_all(&mut s, req.as_bytes())
        .await
        .expect("write");
    let head = read_head(&mut s).await;
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("sec-websocket-protocol: tickwire.token\r\n"),
        "{head}"
    );
    let (head, _) = upgrade(addr, "/ws").await;
    assert!(head.starts_with("HTTP/1.1 401"), "without a token: {head}");
}

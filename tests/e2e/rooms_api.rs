//! The rooms API over loopback: list, create, show, join by id and by share link, capacity,
//! private rooms, and refusals that name what is wrong.

use serde_json::{Value, json};
use tickwire_client::{GameClient, Received};
use tickwire_protocol::{ServerMsg, close};
use tickwire_server::AdminToken;
use tickwire_server::ServerConfig;

use crate::api::{ADMIN_TOKEN, call, get};
use crate::harness::{LIMIT, arena_config, join, start_arena, wait_for};

fn config() -> ServerConfig {
    ServerConfig {
        admin_token: Some(AdminToken::new(ADMIN_TOKEN).expect("long enough")),
        room_capacity: 8,
        ..arena_config()
    }
}

async fn join_path(addr: std::net::SocketAddr, path: &str, name: &str) -> GameClient {
    let c = GameClient::connect_path(addr, path).await.expect("connect");
    tokio::time::timeout(LIMIT, GameClient::join_with(c, name))
        .await
        .expect("join in time")
        .expect("join")
}

/// The ids in a `GET /rooms` answer.
fn ids(list: &Value) -> Vec<u64> {
    list["rooms"]
        .as_array()
        .expect("a rooms array")
        .iter()
        .map(|r| r["id"].as_u64().expect("an id"))
        .collect()
}

#[tokio::test]
async fn create_list_show_and_join_a_room() {
    let server = start_arena(config(), 0).await;
    let addr = server.local_addr();

    let (status, list) = get(addr, "/rooms").await;
    assert_eq!(status, 200);
    assert_eq!(list["game"], "arena");
    assert_eq!(list["maps"], json!(["arena", "duel"]));
    assert_eq!(ids(&list), Vec::<u64>::new());

    let body =
        json!({"map": "duel", "capacity": 2, "bots": 1, "tick_rate": 30, "snapshot_rate": 15});
    let (status, room) = call(addr, "POST", "/rooms", None, Some(&body)).await;
    assert_eq!(status, 201, "{room}");
    let id = room["id"].as_u64().expect("an id");
    assert_eq!(room["map"], "duel");
    assert_eq!(room["game"], "arena");
    assert_eq!(room["capacity"], 2);
    assert_eq!(room["players"], 0);
    assert_eq!(room["private"], false);
    assert_eq!(
        (room["tick_rate"].as_u64(), room["snapshot_rate"].as_u64()),
        (Some(30), Some(15))
    );
    assert_eq!(room["join"], format!("/?room={id}"));
    assert!(room.get("key").is_none(), "public rooms have no key");

    let (status, shown) = get(addr, &format!("/rooms/{id}")).await;
    assert_eq!((status, &shown["id"]), (200, &json!(id)));
    assert_eq!(ids(&get(addr, "/rooms").await.1), vec![id]);

    // Joining by number puts the player in that room, with the room's map and rates.
    let a = join_path(addr, &format!("/ws?room={id}"), "a").await;
    let welcome = a.welcome.clone().expect("welcome");
    assert_eq!(u64::from(welcome.room), id);
    assert_eq!(welcome.map.name, "duel");
    assert_eq!((welcome.tick_rate, welcome.snapshot_rate), (30, 15));
    wait_for(LIMIT, "the list to count the player", async || {
        let (_, r) = get(addr, &format!("/rooms/{id}")).await;
        (r["players"] == 1).then_some(()).ok_or(r.to_string())
    })
    .await;

    // Quick join goes to the fullest public room with a seat: this one.
    let b = join(&server, "b").await;
    assert_eq!(u64::from(b.welcome.clone().expect("welcome").room), id);

    // Full: a third player asking for it is refused with 4002.
    let c = GameClient::connect_path(addr, &format!("/ws?room={id}"))
        .await
        .expect("connect");
    let refused = GameClient::join_with(c, "c").await;
    assert!(refused.is_err(), "a third player joined a room of 2");
    // Quick join now starts another room.
    let d = join(&server, "d").await;
    assert_ne!(u64::from(d.welcome.clone().expect("welcome").room), id);
    drop((a, b, d));
}

#[tokio::test]
async fn a_full_room_refuses_with_4002() {
    let server = start_arena(config(), 0).await;
    let addr = server.local_addr();
    let (_, room) = call(addr, "POST", "/rooms", None, Some(&json!({"capacity": 1}))).await;
    let id = room["id"].as_u64().expect("an id");
    let _a = join_path(addr, &format!("/ws?room={id}"), "a").await;
    let mut c = GameClient::connect_path(addr, &format!("/ws?room={id}"))
        .await
        .expect("connect");
    c.send(&tickwire_protocol::ClientMsg::Hello(
        tickwire_protocol::Hello {
            protocol_version: tickwire_protocol::PROTOCOL_VERSION,
            name: "late".into(),
            resume: None,
            schema: None,
        },
    ))
    .await
    .expect("hello");
    let code = tokio::time::timeout(LIMIT, async {
        loop {
            match c.recv().await {
                Ok(Received::Message(ServerMsg::Kick(k))) => break k.code,
                Ok(Received::Closed { code, .. }) => break code,
                Ok(_) => {}
                Err(e) => panic!("{e}"),
            }
        }
    })
    .await
    .expect("refused in time");
    assert_eq!(code, close::SERVER_FULL);
}

#[tokio::test]
async fn private_rooms_are_hidden_and_joined_by_their_share_link() {
    let server = start_arena(config(), 0).await;
    let addr = server.local_addr();
    let (status, room) = call(
        addr,
        "POST",
        "/rooms",
        None,
        Some(&json!({"private": true})),
    )
    .await;
    assert_eq!(status, 201);
    let id = room["id"].as_u64().expect("an id");
    let key = room["key"].as_str().expect("a key").to_string();
    assert_eq!(key.len(), 24);
    assert_eq!(room["join"], format!("/?room={id}&key={key}"));

    // Hidden from the public list and from a look-up without the key; shown with the admin token.
    assert_eq!(ids(&get(addr, "/rooms").await.1), Vec::<u64>::new());
    assert_eq!(get(addr, &format!("/rooms/{id}")).await.0, 404);
    assert_eq!(get(addr, &format!("/rooms/{id}?key=wrong")).await.0, 404);
    assert_eq!(get(addr, &format!("/rooms/{id}?key={key}")).await.0, 200);
    let (_, admin_list) = call(addr, "GET", "/rooms", Some(ADMIN_TOKEN), None).await;
    assert_eq!(ids(&admin_list), vec![id]);
    assert_eq!(admin_list["rooms"][0]["private"], true);
    assert_eq!(admin_list["rooms"][0]["key"], key.as_str());

    // The socket: without the key the room does not exist; with it, the player gets in.
    let head = crate::harness::http(
        addr,
        &format!("GET /ws?room={id} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
    )
    .await;
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
    let p = join_path(addr, &format!("/ws?room={id}&key={key}"), "friend").await;
    assert_eq!(u64::from(p.welcome.clone().expect("welcome").room), id);

    // Quick join never lands in a private room.
    let q = join(&server, "stranger").await;
    assert_ne!(u64::from(q.welcome.clone().expect("welcome").room), id);
}

#[tokio::test]
async fn bad_requests_are_refused_with_the_reason() {
    let server = start_arena(
        ServerConfig {
            max_rooms: 1,
            ..config()
        },
        0,
    )
    .await;
    let addr = server.local_addr();
    for (body, words) in [
        (json!({"map": "moon"}), "moon"),
        (json!({"capacity": 99}), "capacity"),
        (json!({"game": "chess"}), "chess"),
        (
            json!({"tick_rate": 60, "snapshot_rate": 7}),
            "snapshot_rate",
        ),
        (json!({"colour": "red"}), "colour"),
        (json!({"capacity": "two"}), "capacity"),
    ] {
        let (status, err) = call(addr, "POST", "/rooms", None, Some(&body)).await;
        assert_eq!(status, 400, "{body}: {err}");
        let message = err["error"].as_str().expect("an error message");
        assert!(message.contains(words), "{body}: {message}");
    }
    // Past the server's own bots, rates: only with the admin token.
    for (body, words) in [
        (json!({"bots": 10_000}), "bots"),
        (json!({"tick_rate": 120}), "tick_rate"),
    ] {
        let (status, err) = call(addr, "POST", "/rooms", None, Some(&body)).await;
        assert_eq!(status, 403, "{body}: {err}");
        let message = err["error"].as_str().expect("an error message");
        assert!(message.contains(words), "{body}: {message}");
    }
    let huge = json!({"map": "x".repeat(20_000)});
    assert_eq!(call(addr, "POST", "/rooms", None, Some(&huge)).await.0, 413);
    assert_eq!(call(addr, "POST", "/rooms", None, None).await.0, 201);
    let (status, err) = call(addr, "POST", "/rooms", None, None).await;
    assert_eq!(status, 503, "{err}");
    assert_eq!(get(addr, "/rooms/999").await.0, 404);
    assert_eq!(get(addr, "/rooms/abc").await.0, 404);
    assert_eq!(call(addr, "PUT", "/rooms", None, None).await.0, 405);
    let scrape = crate::harness::http(addr, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(scrape.starts_with("HTTP/1.1 200"));
    assert!(server.shared().metrics.rooms_refused.get() >= 9);
    assert_eq!(server.shared().metrics.rooms_created.get(), 1);
}

#[tokio::test]
async fn with_a_join_secret_creating_a_room_needs_the_admin_token() {
    let server = start_arena(
        ServerConfig {
            join_secret: tickwire_server::auth::join_token::JoinSecret::new(b"rooms-api-secret"),
            ..config()
        },
        0,
    )
    .await;
    let addr = server.local_addr();
    assert_eq!(call(addr, "POST", "/rooms", None, None).await.0, 401);
    assert_eq!(
        call(addr, "POST", "/rooms", Some("wrong-token-0123456789"), None)
            .await
            .0,
        401
    );
    assert_eq!(
        call(addr, "POST", "/rooms", Some(ADMIN_TOKEN), None)
            .await
            .0,
        201
    );
}

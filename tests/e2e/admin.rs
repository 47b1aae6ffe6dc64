//! The admin API over loopback: the token, the session list, kicks and bans by player and by
//! address, server messages, and closing a room. Every action leaves the other players alone.

use std::net::SocketAddr;

use serde_json::json;
use tickwire_client::{GameClient, Received};
use tickwire_protocol::{ServerMsg, close};
use tickwire_server::AdminToken;
use tickwire_server::auth::join_token::{JoinClaims, JoinSecret, RoomClaim, sign};
use tickwire_server::{Server, ServerConfig};

use crate::api::{ADMIN_TOKEN, call};
use crate::harness::{LIMIT, arena_config, http, join, start_arena, wait_for};

fn config() -> ServerConfig {
    ServerConfig {
        admin_token: Some(AdminToken::new(ADMIN_TOKEN).expect("long enough")),
        ..arena_config()
    }
}

async fn admin(
    server: &Server,
    method: &str,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    call(
        server.local_addr(),
        method,
        path,
        Some(ADMIN_TOKEN),
        Some(&body),
    )
    .await
}

/// The session id of `client` (its Welcome's client id).
fn id_of(client: &GameClient) -> u32 {
    client.welcome.as_ref().expect("welcome").client_id.0
}

/// Reads until the server ends the session; returns the Kick's code and reason.
pub async fn kicked(client: &mut GameClient) -> (u16, String) {
    tokio::time::timeout(LIMIT, async {
        loop {
            match client.recv().await {
                Ok(Received::Message(ServerMsg::Kick(k))) => break (k.code, k.reason),
                Ok(Received::Closed { code, reason }) => break (code, reason),
                Ok(_) => {}
                Err(e) => panic!("the session broke instead of a kick: {e}"),
            }
        }
    })
    .await
    .expect("kicked in time")
}

/// Reads until a notice arrives; returns its text.
async fn notice(client: &mut GameClient) -> String {
    tokio::time::timeout(LIMIT, async {
        loop {
            if let Received::Message(ServerMsg::Notice(n)) = client.recv().await.expect("open") {
                break n.text;
            }
        }
    })
    .await
    .expect("a notice in time")
}

/// True when `client` still gets snapshots.
async fn still_playing(client: &mut GameClient) {
    for _ in 0..3 {
        tokio::time::timeout(LIMIT, client.next_snapshot())
            .await
            .expect("a snapshot in time")
            .expect("still connected");
    }
}

async fn listed(server: &Server) -> Vec<u64> {
    let (status, list) = admin(server, "GET", "/admin/sessions", json!(null)).await;
    assert_eq!(status, 200, "{list}");
    let mut ids: Vec<u64> = list
        .as_array()
        .expect("an array")
        .iter()
        .map(|s| s["id"].as_u64().expect("an id"))
        .collect();
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn the_admin_api_needs_its_token_and_is_off_without_one() {
    let off = start_arena(arena_config(), 0).await;
    let (status, _) = call(
        off.local_addr(),
        "GET",
        "/admin/sessions",
        Some(ADMIN_TOKEN),
        None,
    )
    .await;
    assert_eq!(status, 403);

    let server = start_arena(config(), 0).await;
    let addr = server.local_addr();
    assert_eq!(
        call(addr, "GET", "/admin/sessions", None, None).await.0,
        401
    );
    let wrong = "not-the-admin-token-at-all";
    assert_eq!(
        call(addr, "GET", "/admin/sessions", Some(wrong), None)
            .await
            .0,
        401
    );
    assert_eq!(
        call(addr, "DELETE", "/rooms/1", Some(wrong), None).await.0,
        401
    );
    assert_eq!(server.shared().metrics.admin_refused.get(), 3);
    assert_eq!(
        admin(&server, "GET", "/admin/sessions", json!(null))
            .await
            .0,
        200
    );
    assert_eq!(
        admin(&server, "GET", "/admin/nothing", json!(null)).await.0,
        404
    );
    let (status, err) = admin(
        &server,
        "POST",
        "/admin/kick",
        json!({"player": "1", "address": "127.0.0.1"}),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    let (status, err) = admin(
        &server,
        "POST",
        "/admin/kick",
        json!({"player": "1", "colour": 1}),
    )
    .await;
    assert_eq!(status, 400, "{err}");
    assert!(err["error"].as_str().expect("text").contains("colour"));
}

#[tokio::test]
async fn kick_by_player_ends_that_session_only() {
    let server = start_arena(config(), 0).await;
    let mut a = join(&server, "a").await;
    let mut b = join(&server, "b").await;
    let (ia, ib) = (id_of(&a), id_of(&b));
    assert_eq!(listed(&server).await, vec![u64::from(ia), u64::from(ib)]);
    let (_, list) = admin(&server, "GET", "/admin/sessions", json!(null)).await;
    assert_eq!(list[0]["address"], "127.0.0.1");
    assert_eq!(list[0]["room"], 1);

    let (status, body) = admin(
        &server,
        "POST",
        "/admin/kick",
        json!({"player": ia.to_string(), "reason": "be nice"}),
    )
    .await;
    assert_eq!((status, &body["kicked"]), (200, &json!([ia])), "{body}");
    let (code, reason) = kicked(&mut a).await;
    assert_eq!(code, close::KICKED);
    assert!(reason.contains("be nice"), "{reason}");
    still_playing(&mut b).await;
    wait_for(LIMIT, "the kicked session to leave the list", async || {
        let now = listed(&server).await;
        (now == vec![u64::from(ib)])
            .then_some(())
            .ok_or(format!("{now:?}"))
    })
    .await;
    let (status, _) = admin(&server, "POST", "/admin/kick", json!({"player": "9999"})).await;
    assert_eq!(status, 404);
    assert_eq!(server.shared().metrics.admin_actions("kick"), 1);
}

#[tokio::test]
async fn ban_by_address_kicks_and_refuses_until_lifted() {
    let server = start_arena(config(), 0).await;
    let addr = server.local_addr();
    let mut a = join(&server, "a").await;
    let (status, body) = admin(
        &server,
        "POST",
        "/admin/bans",
        json!({"address": "127.0.0.1", "reason": "spam", "minutes": 10}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["banned"], json!([{"address": "127.0.0.1"}]));
    let (code, reason) = kicked(&mut a).await;
    assert_eq!(code, close::KICKED);
    assert!(reason.contains("banned: spam"), "{reason}");

    let upgrade = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    let head = http(addr, upgrade).await;
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    assert_eq!(server.shared().metrics.bans_refused.get(), 1);
    let (_, bans) = admin(&server, "GET", "/admin/bans", json!(null)).await;
    assert_eq!(bans[0]["address"], "127.0.0.1");
    assert_eq!(bans[0]["reason"], "spam");
    assert!(bans[0]["until"].as_u64().is_some());

    let (status, _) = admin(
        &server,
        "DELETE",
        "/admin/bans",
        json!({"address": "127.0.0.1"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        admin(
            &server,
            "DELETE",
            "/admin/bans",
            json!({"address": "127.0.0.1"})
        )
        .await
        .0,
        404
    );
    let _back = join(&server, "a-again").await;
}

#[tokio::test]
async fn ban_by_player_refuses_that_players_tokens_only() {
    let secret = JoinSecret::new(b"admin-test-secret").expect("a secret");
    let server = start_arena(
        ServerConfig {
            join_secret: Some(secret.clone()),
            ..config()
        },
        0,
    )
    .await;
    let addr = server.local_addr();
    let token = |sub: &str| {
        let claims = JoinClaims {
            sub: sub.into(),
            name: sub.into(),
            room: RoomClaim::Any,
            // An hour: within the server's most token lifetime.
            exp: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("after 1970")
                .as_secs()
                + 3600,
        };
        sign(&claims, &secret)
    };
    let join_as = async |sub: &str| -> Result<GameClient, String> {
        let c = GameClient::connect_path(addr, &format!("/ws?token={}", token(sub)))
            .await
            .map_err(|e| e.to_string())?;
        GameClient::join_with(c, "ignored")
            .await
            .map_err(|e| e.to_string())
    };
    let mut cheater = join_as("cheater-7").await.expect("joins");
    let mut honest = join_as("honest-1").await.expect("joins");
    let (status, body) = admin(
        &server,
        "POST",
        "/admin/bans",
        json!({"player": "cheater-7", "reason": "aimbot"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["banned"], json!([{"player": "cheater-7"}]));
    assert_eq!(kicked(&mut cheater).await.0, close::KICKED);
    still_playing(&mut honest).await;
    let refused = join_as("cheater-7").await;
    assert!(refused.is_err(), "a banned player joined again");
    assert!(server.shared().metrics.bans_refused.get() >= 1);
    join_as("someone-else").await.expect("others still join");
}

/// A server with rooms of one seat, and two players: each in a room of its own.
async fn two_rooms_of_one() -> (Server, GameClient, GameClient) {
    let server = start_arena(
        ServerConfig {
            room_capacity: 1,
            ..config()
        },
        0,
    )
    .await;
    let a = join(&server, "a").await;
    let b = join(&server, "b").await;
    (server, a, b)
}

#[tokio::test]
async fn notices_reach_everyone_or_one_room() {
    let (server, mut a, mut b) = two_rooms_of_one().await;
    let room_b = b.welcome.as_ref().expect("welcome").room;
    assert_ne!(a.welcome.as_ref().expect("welcome").room, room_b);

    let (status, body) = admin(
        &server,
        "POST",
        "/admin/notice",
        json!({"text": "Maintenance at noon"}),
    )
    .await;
    assert_eq!((status, &body["sent"]), (200, &json!(2)), "{body}");
    assert_eq!(notice(&mut a).await, "Maintenance at noon");
    assert_eq!(notice(&mut b).await, "Maintenance at noon");

    let (_, body) = admin(
        &server,
        "POST",
        "/admin/notice",
        json!({"text": "Room only", "room": room_b}),
    )
    .await;
    assert_eq!(body["sent"], 1);
    assert_eq!(notice(&mut b).await, "Room only");
    let (status, _) = admin(&server, "POST", "/admin/notice", json!({"text": ""})).await;
    assert_eq!(status, 400);
    let (status, _) = admin(
        &server,
        "POST",
        "/admin/notice",
        json!({"text": "x".repeat(201)}),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn closing_a_room_kicks_its_players_and_stops_it() {
    let (server, mut a, mut b) = two_rooms_of_one().await;
    let room_a = a.welcome.as_ref().expect("welcome").room;
    let (status, body) = admin(&server, "DELETE", &format!("/rooms/{room_a}"), json!(null)).await;
    assert_eq!(status, 200, "{body}");
    let (code, _) = kicked(&mut a).await;
    assert_eq!(code, close::ROOM_CLOSED);
    still_playing(&mut b).await;
    wait_for(LIMIT, "the room to stop", async || {
        let running = server.shared().lobby.running_room(room_a).is_some();
        (!running).then_some(()).ok_or("still running".to_string())
    })
    .await;
    assert_eq!(
        admin(&server, "DELETE", &format!("/rooms/{room_a}"), json!(null))
            .await
            .0,
        404
    );
    assert_eq!(server.shared().metrics.admin_actions("close_room"), 1);
}

#[tokio::test]
async fn on_an_admin_listener_the_admin_api_is_not_public() {
    let server = start_arena(
        ServerConfig {
            admin_bind: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
            ..config()
        },
        0,
    )
    .await;
    let public = server.local_addr();
    let admin_addr = server.admin_addr().expect("admin listener");
    assert_eq!(
        call(public, "GET", "/admin/sessions", Some(ADMIN_TOKEN), None)
            .await
            .0,
        404
    );
    assert_eq!(
        call(public, "DELETE", "/rooms/1", Some(ADMIN_TOKEN), None)
            .await
            .0,
        405
    );
    assert_eq!(
        call(
            admin_addr,
            "GET",
            "/admin/sessions",
            Some(ADMIN_TOKEN),
            None
        )
        .await
        .0,
        200
    );
}

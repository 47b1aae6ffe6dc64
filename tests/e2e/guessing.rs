//! Guessing secrets costs time: wrong private room keys and wrong admin tokens are counted per
//! address, and past a few a minute the address is refused with 429 (other addresses are not);
//! with an admin listener, the admin token means nothing on the public port.

use std::net::{IpAddr, Ipv4Addr};

use serde_json::json;
use tickwire_server::AdminToken;
use tickwire_server::ServerConfig;

use crate::api::{ADMIN_TOKEN, call, call_from, create_private_room};
use crate::harness::{arena_config, read_head, send_upgrade, start_arena};

const NEIGHBOUR: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

fn config() -> ServerConfig {
    ServerConfig {
        admin_token: Some(AdminToken::new(ADMIN_TOKEN).expect("long enough")),
        ..arena_config()
    }
}

#[tokio::test]
async fn the_sixth_wrong_room_key_in_a_minute_is_refused_and_counted() {
    let server = start_arena(config(), 0).await;
    let addr = server.local_addr();
    let (id, key) = create_private_room(addr).await;
    for n in 1..=5 {
        let (status, _) = call(
            addr,
            "GET",
            &format!("/rooms/{id}?key=guess{n}"),
            None,
            None,
        )
        .await;
        assert_eq!(status, 404, "wrong key {n}");
    }
    let (status, body) = call(addr, "GET", &format!("/rooms/{id}?key=guess6"), None, None).await;
    assert_eq!(status, 429, "{body}");
    // While the address waits, even the right key is refused, on the API and the game socket.
    let (status, _) = call(addr, "GET", &format!("/rooms/{id}?key={key}"), None, None).await;
    assert_eq!(status, 429);
    let mut s = send_upgrade(addr, &format!("/ws?room={id}&key={key}")).await;
    let head = read_head(&mut s).await;
    assert!(head.starts_with("HTTP/1.1 429"), "{head}");
    // Another address is not affected.
    let (status, shown) = call_from(
        Some(NEIGHBOUR),
        addr,
        "GET",
        &format!("/rooms/{id}?key={key}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{shown}");
    let metrics = &server.shared().metrics;
    assert_eq!(metrics.abuse.guesses("room_key"), 5);
    assert_eq!(metrics.abuse.guesses_refused.get(), 3);
    let (_, text) = crate::storage::get(addr, "/metrics").await;
    assert!(
        text.contains("tickwire_secret_guesses_total{secret=\"room_key\"} 5"),
        "{text}"
    );
}

#[tokio::test]
async fn wrong_admin_tokens_are_slowed_and_bearer_is_any_case() {
    let server = start_arena(config(), 0).await;
    let addr = server.local_addr();
    for n in 1..=5 {
        let wrong = format!("not-the-admin-token-{n}");
        let (status, _) = call(addr, "GET", "/admin/sessions", Some(&wrong), None).await;
        assert_eq!(status, 401, "wrong token {n}");
    }
    let (status, _) = call(
        addr,
        "GET",
        "/admin/sessions",
        Some("one-more-wrong-token"),
        None,
    )
    .await;
    assert_eq!(status, 429);
    assert_eq!(server.shared().metrics.abuse.guesses("admin_token"), 5);
    // From another address, the scheme's case does not matter (RFC 7235).
    let req = format!(
        "GET /admin/sessions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nauthorization: bearer {ADMIN_TOKEN}\r\n\r\n"
    );
    let mut s = tickwire_client::connect_tcp_from(Some(NEIGHBOUR), addr, None)
        .await
        .expect("connect");
    tokio::io::AsyncWriteExt::write_all(&mut s, req.as_bytes())
        .await
        .expect("write");
    let head = read_head(&mut s).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
}

#[tokio::test]
async fn with_an_admin_listener_the_public_port_ignores_the_admin_token() {
    let server = start_arena(
        ServerConfig {
            admin_bind: Some("127.0.0.1:0".parse().expect("an address")),
            ..config()
        },
        0,
    )
    .await;
    let addr = server.local_addr();
    let admin_addr = server.admin_addr().expect("an admin listener");
    create_private_room(addr).await;
    let (_, public) = call(addr, "GET", "/rooms", Some(ADMIN_TOKEN), None).await;
    assert_eq!(
        public["rooms"],
        json!([]),
        "private rooms listed on the public port"
    );
    let (_, listed) = call(admin_addr, "GET", "/rooms", Some(ADMIN_TOKEN), None).await;
    assert_eq!(
        listed["rooms"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
    assert!(listed["rooms"][0]["key"].is_string(), "{listed}");
}

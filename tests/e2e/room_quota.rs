//! One address cannot take the whole server: the real binary with its defaults refuses room
//! creations from an address past its quota (rooms running at once, creations a minute), while
//! another address still creates and joins a room; what a non-admin may ask for is capped.

use std::net::{IpAddr, Ipv4Addr};

use serde_json::json;
use tickwire_client::{GameClient, connect_tcp_from, websocket_handshake};

use crate::api::call_from;
use crate::harness::LIMIT;
use crate::process::ServerProcess;

const HOME: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
const NEIGHBOUR: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

/// The value of the metric line that starts with `name` in `/metrics`.
pub async fn metric(addr: std::net::SocketAddr, name: &str) -> f64 {
    let (status, text) = crate::storage::get(addr, "/metrics").await;
    assert_eq!(status, 200);
    text.lines()
        .find(|l| l.starts_with(name))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /metrics"))
}

#[tokio::test]
async fn one_address_cannot_take_every_room_and_another_still_plays() {
    // The defaults the probe found open: 64 rooms, no join secret, no admin token.
    let server = ServerProcess::start(&["--database", "none"]).await;
    let addr = server.addr();
    let greedy = json!({"private": true, "bots": 4});
    let mut created = 0;
    let mut refused = 0;
    for _ in 0..64 {
        let (status, body) =
            call_from(Some(HOME), addr, "POST", "/rooms", None, Some(&greedy)).await;
        match status {
            201 => created += 1,
            429 => {
                refused += 1;
                let why = body["error"].as_str().unwrap_or_default();
                assert!(why.contains("rooms running"), "{body}");
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(
        (created, refused),
        (2, 62),
        "two rooms an address by default"
    );
    let counted = metric(
        addr,
        "tickwire_room_creations_refused_total{reason=\"per_address\"}",
    )
    .await;
    assert_eq!(counted, 62.0);

    // Faster or busier rooms than the server's own need the admin token.
    for body in [json!({"bots": 64}), json!({"tick_rate": 240})] {
        let (status, _) =
            call_from(Some(NEIGHBOUR), addr, "POST", "/rooms", None, Some(&body)).await;
        assert_eq!(status, 403, "{body}");
    }
    // Another address creates a room and plays in it.
    let (status, room) = call_from(
        Some(NEIGHBOUR),
        addr,
        "POST",
        "/rooms",
        None,
        Some(&json!({})),
    )
    .await;
    assert_eq!(status, 201, "{room}");
    let id = room["id"].as_u64().expect("an id");
    let tcp = connect_tcp_from(Some(NEIGHBOUR), addr, None)
        .await
        .expect("connect");
    let ws = websocket_handshake(tcp, &addr.to_string(), &format!("/ws?room={id}"))
        .await
        .expect("upgrade");
    let mut player = tokio::time::timeout(
        LIMIT,
        GameClient::join_with(GameClient::from_socket(ws), "neighbour"),
    )
    .await
    .expect("join in time")
    .expect("join");
    tokio::time::timeout(LIMIT, player.next_snapshot())
        .await
        .expect("a snapshot in time")
        .expect("a snapshot");
    assert_eq!(
        player.welcome.as_ref().map(|w| u64::from(w.room)),
        Some(id),
        "joined the room it created"
    );
}

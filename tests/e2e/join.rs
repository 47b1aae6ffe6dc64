//! Joining: welcome, a first full snapshot, and clear refusals.

use std::net::SocketAddr;

use tickwire_client::{GameClient, Received};
use tickwire_protocol::{ClientMsg, Hello, ServerMsg, close};
use tickwire_server::ServerConfig;

use crate::harness::{LIMIT, arena_config, join, start, start_arena};

#[tokio::test]
async fn two_clients_get_a_welcome_and_a_full_snapshot() {
    // The whole world in view, so that the first snapshot must hold every entity.
    let server = start_arena(
        ServerConfig {
            view_radius: None,
            ..arena_config()
        },
        2,
    )
    .await;
    let mut a = join(&server, "alice").await;
    let mut b = join(&server, "bob").await;
    let wa = a.welcome.clone().expect("welcome");
    let wb = b.welcome.clone().expect("welcome");
    assert_ne!(wa.entity_id, wb.entity_id);
    assert_ne!(wa.client_id, wb.client_id);
    assert_eq!((wa.tick_rate, wa.snapshot_rate), (60, 30));
    let walls = a.map_features().expect("the map's features decode");
    let wall = a
        .schema()
        .and_then(|s| s.kind("wall"))
        .expect("a wall kind");
    assert!(!walls.is_empty() && walls.entities().iter().all(|e| e.kind == wall));

    for c in [&mut a, &mut b] {
        // The first snapshot is full: it applies with no baseline, and holds both players and
        // the bots.
        tokio::time::timeout(LIMIT, async {
            loop {
                c.next_snapshot().await.expect("snapshot");
                if c.entity(wa.entity_id).is_some() && c.entity(wb.entity_id).is_some() {
                    break;
                }
            }
        })
        .await
        .expect("both players in view");
        let bots = c
            .client_world()
            .entities()
            .filter(|e| e.kind().name == "bot")
            .count();
        assert_eq!(bots, 2);
    }
    server.shutdown().await;
}

async fn hello_and_wait_close(addr: SocketAddr, version: u16) -> (Option<String>, u16, String) {
    let mut c = GameClient::connect(addr).await.expect("connect");
    c.send(&ClientMsg::Hello(Hello {
        protocol_version: version,
        name: "old".into(),
        resume: None,
        schema: None,
    }))
    .await
    .expect("send");
    let mut kick = None;
    loop {
        match tokio::time::timeout(LIMIT, c.recv())
            .await
            .expect("in time")
        {
            Ok(Received::Message(ServerMsg::Kick(k))) => kick = Some(k.reason),
            Ok(Received::Closed { code, reason }) => return (kick, code, reason),
            Ok(_) => {}
            Err(e) => panic!("{e}"),
        }
    }
}

#[tokio::test]
async fn another_protocol_version_is_refused_with_a_reason() {
    let server = start(0).await;
    let (kick, code, reason) = hello_and_wait_close(server.local_addr(), 999).await;
    assert_eq!(code, close::VERSION_MISMATCH);
    assert!(reason.contains("999"), "{reason}");
    assert!(
        kick.expect("a Kick message before the close")
            .contains("999")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_full_server_says_so() {
    let server = start_arena(
        ServerConfig {
            room_capacity: 1,
            max_rooms: 1,
            ..arena_config()
        },
        0,
    )
    .await;
    let _first = join(&server, "first").await;
    let err = GameClient::join(server.local_addr(), "second")
        .await
        .err()
        .expect("refused");
    match err {
        tickwire_client::ClientError::Closed { code, .. } => {
            assert_eq!(code, close::SERVER_FULL)
        }
        other => panic!("{other}"),
    }
    server.shutdown().await;
}

#[tokio::test]
async fn shutdown_sends_going_away() {
    let server = start(0).await;
    let mut a = join(&server, "alice").await;
    a.next_snapshot().await.expect("snapshot");
    let stop = tokio::spawn(server.shutdown());
    let code = tokio::time::timeout(LIMIT, async {
        loop {
            match a.recv().await {
                Ok(Received::Closed { code, .. }) => return code,
                Ok(_) => {}
                Err(e) => panic!("{e}"),
            }
        }
    })
    .await
    .expect("closed in time");
    assert_eq!(code, close::GOING_AWAY);
    stop.await.expect("shutdown");
}

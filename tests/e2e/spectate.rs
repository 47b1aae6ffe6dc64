//! Spectators: `/ws?room=ID&spectate=1` watches a room's whole world with no entity and no
//! seat, is counted in `/rooms`, may not send inputs, is capped per room, and does not keep an
//! empty room alive.

use std::time::Duration;

use tickwire_client::{ClientError, GameClient};
use tickwire_protocol::{ClientMsg, EntityId, Input, close};
use tickwire_server::ServerConfig;

use crate::harness::{LIMIT, arena_config, join, read_head, send_upgrade, start_arena, wait_for};
use crate::resume::{body, closed, room_players};

async fn spectate(addr: std::net::SocketAddr, room: u32) -> GameClient {
    tokio::time::timeout(LIMIT, GameClient::spectate(addr, room))
        .await
        .expect("in time")
        .expect("spectating")
}

#[tokio::test]
async fn a_spectator_sees_the_whole_world_with_no_entity_and_no_seat() {
    // A small view radius: a player sees part of the world, a spectator all of it.
    let server = start_arena(
        ServerConfig {
            view_radius: Some(150.0),
            ..arena_config()
        },
        8,
    )
    .await;
    let addr = server.local_addr();
    let mut player = join(&server, "ada").await;
    let mut watcher = spectate(addr, 1).await;
    let welcome = watcher.welcome.clone().expect("welcome");
    assert!(welcome.spectator);
    assert_eq!(welcome.entity_id, EntityId(0));
    assert_eq!(welcome.resume_token, "");

    wait_for(LIMIT, "the spectator holds the whole world", async || {
        let tick = tokio::time::timeout(LIMIT, watcher.next_snapshot())
            .await
            .map_err(|_| "no snapshot".to_string())?
            .map_err(|e| e.to_string())?;
        player.next_snapshot().await.map_err(|e| e.to_string())?;
        let frame = crate::harness::server_frame(&server).ok_or("no frame")?;
        let seen = watcher.world().ok_or("no world")?;
        if frame.tick() != tick {
            return Err(format!(
                "server at {:?}, spectator at {tick:?}",
                frame.tick()
            ));
        }
        let all: Vec<_> = frame.state.entities().iter().map(|e| e.id).collect();
        let mine: Vec<_> = seen.entities().iter().map(|e| e.id).collect();
        let theirs = player.world().map_or(0, |w| w.len());
        (mine == all && theirs < all.len())
            .then_some(())
            .ok_or(format!(
                "spectator {mine:?}, world {all:?}, player {theirs}"
            ))
    })
    .await;
    assert!(
        watcher
            .world()
            .expect("world")
            .entities()
            .iter()
            .all(|e| e.id != EntityId(0))
    );

    let rooms = room_players(addr).await;
    assert!(
        rooms.contains("\"players\":1") && rooms.contains("\"spectators\":1"),
        "{rooms}"
    );
    let metrics = body(addr, "/metrics").await;
    assert!(metrics.contains("tickwire_spectators 1\n"), "{metrics}");
    assert!(metrics.contains("tickwire_players 1\n"), "{metrics}");

    // A spectator's input is refused with a clear close.
    watcher
        .send(&ClientMsg::Input(Input {
            seq: 1,
            ..Input::default()
        }))
        .await
        .expect("send");
    let ended = closed(&mut watcher).await;
    assert!(
        matches!(ended, ClientError::Closed { code: close::UNEXPECTED_MESSAGE, ref reason } if reason.contains("spectator")),
        "{ended:?}"
    );
    wait_for(LIMIT, "the spectator count back to 0", async || {
        let rooms = room_players(addr).await;
        rooms
            .contains("\"spectators\":0")
            .then_some(())
            .ok_or(rooms)
    })
    .await;
    server.shutdown().await;
}

#[tokio::test]
async fn the_spectator_cap_refuses_clearly_and_spectators_do_not_keep_a_room_alive() {
    let server = start_arena(
        ServerConfig {
            max_spectators: 1,
            empty_room_ttl: Duration::from_millis(500),
            ..arena_config()
        },
        0,
    )
    .await;
    let addr = server.local_addr();
    let mut player = join(&server, "ada").await;
    let mut first = spectate(addr, 1).await;
    first.next_snapshot().await.expect("a snapshot");

    // Known at the upgrade: 409 with the reason.
    let mut s = send_upgrade(addr, "/ws?room=1&spectate=1").await;
    let head = read_head(&mut s).await;
    assert!(head.starts_with("HTTP/1.1 409"), "{head}");
    assert_eq!(server.shared().metrics.spectators_refused.get(), 1);
    // A room that does not run is 404, as for players.
    let mut s = send_upgrade(addr, "/ws?room=9&spectate=1").await;
    let head = read_head(&mut s).await;
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");

    // The last player leaves; the spectator does not keep the room running.
    player.close().await.expect("close");
    let ended = closed(&mut first).await;
    assert!(
        matches!(
            ended,
            ClientError::Closed {
                code: close::GOING_AWAY,
                ..
            }
        ),
        "{ended:?}"
    );
    wait_for(LIMIT, "the room gone from the list", async || {
        let rooms = room_players(addr).await;
        (rooms == "[]").then_some(()).ok_or(rooms)
    })
    .await;
    server.shutdown().await;
}

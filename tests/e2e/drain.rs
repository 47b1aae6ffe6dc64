//! Draining: on shutdown, readiness and new joins stop at once, running matches go on with a
//! countdown notice, and every session is closed with 1001 at the end of the grace period.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tickwire_client::{ClientError, GameClient, Received};
use tickwire_protocol::{ServerMsg, close};
use tickwire_server::{Server, ServerConfig};

use crate::harness::{LIMIT, arena_config, http, join, read_head, send_upgrade, start_arena};

async fn start_with_grace(grace: Duration) -> Server {
    let config = ServerConfig {
        shutdown_grace: grace,
        ..arena_config()
    };
    start_arena(config, 0).await
}

async fn readyz(addr: SocketAddr) -> String {
    http(addr, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n").await
}

#[tokio::test]
async fn matches_run_on_through_the_drain_with_a_notice_then_close_1001() {
    let grace = Duration::from_secs(2);
    let server = start_with_grace(grace).await;
    let addr = server.local_addr();
    let mut a = join(&server, "alice").await;
    a.next_snapshot().await.expect("snapshot");
    // Upgraded before the drain, says Hello after it began.
    let late = GameClient::connect(addr).await.expect("connect");
    let mut phase = server.shared().shutdown.clone();
    let started = Instant::now();
    let stop = tokio::spawn(server.shutdown());

    // Readiness turns false as soon as the drain begins; new upgrades are refused with 503.
    tokio::time::timeout(LIMIT, phase.wait_for(|p| p.is_draining()))
        .await
        .expect("the drain begins in time")
        .expect("the phase");
    let ready = readyz(addr).await;
    assert!(ready.starts_with("HTTP/1.1 503"), "{ready}");
    let mut s = send_upgrade(addr, "/ws").await;
    let head = read_head(&mut s).await;
    assert!(head.starts_with("HTTP/1.1 503"), "{head}");
    match GameClient::join_with(late, "late").await {
        Err(ClientError::Closed { code, .. }) => assert_eq!(code, close::GOING_AWAY),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("a Hello during the drain joined"),
    }

    let mut notice = None;
    let mut snapshots_after_notice = 0;
    let mut kicked = false;
    let code = tokio::time::timeout(LIMIT, async {
        loop {
            match a.recv().await {
                Ok(Received::Snapshot { .. }) if notice.is_some() => snapshots_after_notice += 1,
                Ok(Received::Message(ServerMsg::Notice(n))) => notice = Some(n),
                Ok(Received::Message(ServerMsg::Kick(k))) => {
                    assert_eq!(k.code, close::GOING_AWAY);
                    kicked = true;
                }
                Ok(Received::Closed { code, .. }) => return code,
                Ok(_) => {}
                Err(e) => panic!("{e}"),
            }
        }
    })
    .await
    .expect("closed in time");
    let notice = notice.expect("a notice");
    assert_eq!(notice.seconds_left, Some(2), "{notice:?}");
    assert!(notice.text.contains("restarting"), "{notice:?}");
    // 2 s at 30 snapshots per second: the match went on.
    assert!(snapshots_after_notice >= 10, "{snapshots_after_notice}");
    assert!(kicked);
    assert_eq!(code, close::GOING_AWAY);
    stop.await.expect("shutdown");
    let took = started.elapsed();
    assert!(took >= grace - Duration::from_millis(100), "{took:?}");
    assert!(took < grace + Duration::from_secs(8), "{took:?}");
}

#[tokio::test]
async fn the_drain_ends_early_when_every_player_left() {
    let server = start_with_grace(Duration::from_secs(60)).await;
    let mut a = join(&server, "alice").await;
    a.next_snapshot().await.expect("snapshot");
    let started = Instant::now();
    let stop = tokio::spawn(server.shutdown());
    let notice = tokio::time::timeout(LIMIT, async {
        loop {
            match a.recv().await {
                Ok(Received::Message(ServerMsg::Notice(n))) => return n,
                Ok(_) => {}
                Err(e) => panic!("{e}"),
            }
        }
    })
    .await
    .expect("a notice in time");
    assert!(matches!(notice.seconds_left, Some(59..=60)), "{notice:?}");
    drop(a);
    tokio::time::timeout(LIMIT, stop)
        .await
        .expect("shutdown before the grace")
        .expect("shutdown");
    assert!(started.elapsed() < LIMIT, "{:?}", started.elapsed());
}

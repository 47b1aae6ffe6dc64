//! The edge's limits, each against the real server on loopback: connection limits, timeouts,
//! idle players, slow readers dropped by the write deadline (and the players gauge back at 0),
//! the Origin check, the admin listener, and dropping a `Server`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tickwire_client::{GameClient, Received};
use tickwire_protocol::{ServerMsg, close};
use tickwire_server::{CloseReason, ConnectionRefusal};
use tickwire_server::{Limits, OriginPolicy, Server, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::{
    LIMIT, arena_config, http, join, raw_ws, read_close_code, start_arena, start_busy_world,
    wait_for,
};

fn with_limits(limits: Limits) -> ServerConfig {
    ServerConfig {
        limits,
        ..arena_config()
    }
}

/// Opens a TCP connection and sends an upgrade request with the given extra header lines.
async fn upgrade_with(addr: SocketAddr, extra: &str) -> String {
    http(
        addr,
        &format!(
            "GET /ws HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n"
        ),
    )
    .await
}

#[tokio::test]
async fn connections_past_a_limit_get_their_status_and_are_counted() {
    let server = start_arena(
        with_limits(Limits {
            max_connections_per_ip: 2,
            ..Limits::default()
        }),
        0,
    )
    .await;
    let addr = server.local_addr();
    let _a = raw_ws(addr).await;
    let _b = raw_ws(addr).await;
    let head = http(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(head.starts_with("HTTP/1.1 429"), "{head}");
    let m = &server.shared().metrics;
    assert_eq!(m.refused(ConnectionRefusal::PerAddress), 1);
    // Places come back when connections close.
    drop((_a, _b));
    wait_for(LIMIT, "the places freed", async || {
        let head = http(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
        head.starts_with("HTTP/1.1 200").then_some(()).ok_or(head)
    })
    .await;

    let full = start_arena(
        with_limits(Limits {
            max_connections: 1,
            ..Limits::default()
        }),
        0,
    )
    .await;
    let _only = raw_ws(full.local_addr()).await;
    let head = http(full.local_addr(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(head.starts_with("HTTP/1.1 503"), "{head}");
    assert_eq!(full.shared().metrics.refused(ConnectionRefusal::Total), 1);
}

#[tokio::test]
async fn headers_sent_a_byte_at_a_time_are_cut_off() {
    let server = start_arena(
        with_limits(Limits {
            header_timeout: Duration::from_millis(800),
            ..Limits::default()
        }),
        0,
    )
    .await;
    let addr = server.local_addr();
    let mut slow = TcpStream::connect(addr).await.expect("connect");
    let started = Instant::now();
    let request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: aaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    let mut sent = 0;
    // One byte every 100 ms would take 6 s; the server must give up after 0.8 s.
    let cut = loop {
        if sent == request.len() || started.elapsed() > LIMIT {
            break false;
        }
        if slow.write_all(&request[sent..=sent]).await.is_err() {
            break true;
        }
        sent += 1;
        let mut buf = [0u8; 256];
        match tokio::time::timeout(Duration::from_millis(100), slow.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break true,
            Ok(Ok(n)) => {
                // hyper may answer 408 before closing.
                let text = String::from_utf8_lossy(&buf[..n]);
                assert!(text.starts_with("HTTP/1.1 408"), "{text}");
                break true;
            }
            Err(_) => {}
        }
    };
    assert!(cut, "the slow client was never cut off");
    assert!(sent < request.len(), "the whole request got through");
    assert!(started.elapsed() < Duration::from_secs(5));
    // Everyone else is still served.
    let head = http(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
}

#[tokio::test]
async fn no_hello_in_time_is_4004_and_counted() {
    let server = start_arena(
        with_limits(Limits {
            hello_timeout: Duration::from_millis(300),
            ..Limits::default()
        }),
        0,
    )
    .await;
    let mut s = raw_ws(server.local_addr()).await;
    assert_eq!(
        read_close_code(&mut s).await,
        Some(close::HANDSHAKE_TIMEOUT)
    );
    let m = &server.shared().metrics;
    wait_for(LIMIT, "the close counted", async || {
        let n = m.closes(CloseReason::HelloTimeout);
        (n == 1).then_some(()).ok_or(format!("{n} counted"))
    })
    .await;
}

#[tokio::test]
async fn an_idle_player_is_closed_with_4006_and_frees_its_seat() {
    let server = start_arena(
        with_limits(Limits {
            idle_timeout: Duration::from_millis(700),
            ..Limits::default()
        }),
        0,
    )
    .await;
    let mut idle = join(&server, "afk").await;
    let m = &server.shared().metrics;
    assert_eq!(m.players.get(), 1);
    // It reads everything the server sends and sends nothing.
    let code = tokio::time::timeout(LIMIT, async {
        loop {
            match idle.recv().await {
                Ok(Received::Message(ServerMsg::Kick(k))) => break Some(k.code),
                Ok(Received::Closed { code, .. }) => break Some(code),
                Ok(_) => {}
                Err(_) => break None,
            }
        }
    })
    .await
    .expect("closed in time");
    assert_eq!(code, Some(close::IDLE));
    wait_for(LIMIT, "the seat freed", async || {
        let (players, idle) = (m.players.get(), m.closes(CloseReason::Idle));
        (players == 0 && idle == 1)
            .then_some(())
            .ok_or(format!("players {players}, idle closes {idle}"))
    })
    .await;
}

/// Pings alone do not hold a seat: a player that sends no input is closed as idle, and the room
/// it kept alive then stops on its empty-room time.
#[tokio::test]
async fn a_player_that_only_pings_idles_out_and_its_room_closes() {
    let server = start_arena(
        ServerConfig {
            empty_room_ttl: Duration::from_millis(200),
            ..with_limits(Limits {
                idle_timeout: Duration::from_millis(700),
                ..Limits::default()
            })
        },
        2,
    )
    .await;
    let mut afk = join(&server, "afk").await;
    // Snapshots come 30 times a second; after each, a ping when 100 ms have passed (the socket
    // is read and written in turn, never raced).
    let mut last_ping = Instant::now();
    let mut nonce = 0;
    let (code, reason) = tokio::time::timeout(LIMIT, async {
        loop {
            match afk.recv().await {
                Ok(Received::Message(ServerMsg::Kick(k))) => break (Some(k.code), k.reason),
                Ok(Received::Closed { code, reason }) => break (Some(code), reason),
                Ok(_) => {}
                Err(_) => break (None, String::new()),
            }
            if last_ping.elapsed() >= Duration::from_millis(100) {
                last_ping = Instant::now();
                nonce += 1;
                let ping = tickwire_protocol::ClientMsg::Ping(tickwire_protocol::Ping::new(nonce));
                if afk.send(&ping).await.is_err() {
                    break (None, String::new());
                }
            }
        }
    })
    .await
    .expect("closed in time");
    assert_eq!(code, Some(close::IDLE), "{reason}");
    assert!(reason.contains("no input"), "{reason}");
    wait_for(LIMIT, "the room stopped", async || {
        let rooms = server.shared().lobby.running_rooms(true).len();
        (rooms == 0).then_some(()).ok_or(format!("{rooms} rooms"))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_dropped_by_the_write_deadline_leave_the_players_gauge_at_zero() {
    // Every snapshot is kilobytes long, so a client that never reads fills its socket within a
    // few snapshots; the write deadline then drops it.
    let server = start_busy_world(Limits {
        write_timeout: Duration::from_millis(500),
        ..Limits::default()
    })
    .await;
    let addr = server.local_addr();
    let mut stuck = Vec::new();
    for i in 0..4 {
        let c = GameClient::connect_with(addr, Some(4096))
            .await
            .expect("connect");
        let c = tokio::time::timeout(LIMIT, GameClient::join_with(c, &format!("stuck-{i}")))
            .await
            .expect("join in time")
            .expect("join");
        stuck.push(c); // never read again
    }
    let mut honest = join(&server, "honest").await;
    let m = &server.shared().metrics;
    wait_for(LIMIT, "every stuck reader dropped", async || {
        // The honest client keeps reading throughout.
        honest.next_snapshot().await.map_err(|e| e.to_string())?;
        let (slow, players) = (m.closes(CloseReason::Slow), m.players.get());
        (slow == 4 && players == 1)
            .then_some(())
            .ok_or(format!("slow closes {slow}, players {players}"))
    })
    .await;
    drop(honest);
    wait_for(LIMIT, "the gauge back at 0", async || {
        let players = m.players.get();
        (players == 0)
            .then_some(())
            .ok_or(format!("{players} players"))
    })
    .await;
    drop(stuck);
}

#[tokio::test]
async fn pages_from_other_sites_cannot_open_the_game_socket() {
    let server = start_arena(arena_config(), 0).await;
    let addr = server.local_addr();
    let head = upgrade_with(addr, "Origin: http://evil.example\r\n").await;
    assert!(head.starts_with("HTTP/1.1 403"), "{head}");
    assert_eq!(server.shared().metrics.origins_refused.get(), 1);
    let own = upgrade_with(addr, &format!("Origin: http://{addr}\r\n")).await;
    assert!(own.starts_with("HTTP/1.1 101"), "{own}");
    let bot = upgrade_with(addr, "").await;
    assert!(bot.starts_with("HTTP/1.1 101"), "no Origin: {bot}");

    let files = start_arena(
        ServerConfig {
            allowed_origins: OriginPolicy::allowing(["null"]),
            ..arena_config()
        },
        0,
    )
    .await;
    let file_page = upgrade_with(files.local_addr(), "Origin: null\r\n").await;
    assert!(file_page.starts_with("HTTP/1.1 101"), "{file_page}");
}

#[tokio::test]
async fn operations_endpoints_move_to_the_admin_listener() {
    let server = start_arena(
        ServerConfig {
            admin_bind: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
            ..arena_config()
        },
        0,
    )
    .await;
    let public = server.local_addr();
    let admin = server.admin_addr().expect("an admin listener");
    // Metrics and the admin API (off here: no admin token) move; the rooms API is on both.
    for (path, on_public, on_admin) in [
        ("/metrics", "404", "200"),
        ("/admin/sessions", "404", "403"),
        ("/rooms", "200", "200"),
    ] {
        let head = http(public, &format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n")).await;
        assert!(
            head.starts_with(&format!("HTTP/1.1 {on_public}")),
            "public {path}: {head}"
        );
        let head = http(admin, &format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n")).await;
        assert!(
            head.starts_with(&format!("HTTP/1.1 {on_admin}")),
            "admin {path}: {head}"
        );
    }
    for (addr, path) in [
        (public, "/healthz"),
        (admin, "/healthz"),
        (admin, "/readyz"),
    ] {
        let head = http(addr, &format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n")).await;
        assert!(head.starts_with("HTTP/1.1 200"), "{addr} {path}: {head}");
    }
    for path in ["/", "/ws"] {
        let head = http(admin, &format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n")).await;
        assert!(head.starts_with("HTTP/1.1 404"), "admin {path}: {head}");
    }
}

#[tokio::test]
async fn dropping_the_server_closes_sessions_and_the_port() {
    let server: Server = start_arena(arena_config(), 0).await;
    let addr = server.local_addr();
    let mut player = join(&server, "left-behind").await;
    drop(server);
    let code = tokio::time::timeout(LIMIT, async {
        loop {
            match player.recv().await {
                Ok(Received::Closed { code, .. }) => break Some(code),
                Ok(Received::Message(ServerMsg::Kick(k))) => break Some(k.code),
                Ok(_) => {}
                Err(_) => break None,
            }
        }
    })
    .await
    .expect("closed in time");
    assert_eq!(code, Some(close::GOING_AWAY));
    wait_for(
        LIMIT,
        "the port closed",
        async || match TcpStream::connect(addr).await {
            Err(_) => Ok(()),
            Ok(_) => Err("still accepting".to_owned()),
        },
    )
    .await;
}

/// An upgrade request with extra header lines on a connection kept open: the answer's head and
/// the stream.
async fn open_upgrade(addr: SocketAddr, extra: &str) -> (String, TcpStream) {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let req = format!(
        "GET /ws HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n"
    );
    s.write_all(req.as_bytes()).await.expect("write");
    (crate::harness::read_head(&mut s).await, s)
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_limit_applies_to_the_forwarded_address() {
    let server = start_arena(
        with_limits(Limits {
            max_connections_per_ip: 2,
            trust_proxy: true,
            ..Limits::default()
        }),
        0,
    )
    .await;
    let addr = server.local_addr();
    // Every connection comes from 127.0.0.1, as from a proxy; the proxy names the clients.
    let a = "X-Forwarded-For: 198.51.100.1, 203.0.113.5\r\n";
    let (h1, _s1) = open_upgrade(addr, a).await;
    let (h2, _s2) = open_upgrade(addr, "Forwarded: for=203.0.113.5;proto=https\r\n").await;
    assert!(
        h1.starts_with("HTTP/1.1 101") && h2.starts_with("HTTP/1.1 101"),
        "{h1}{h2}"
    );
    let (h3, _s3) = open_upgrade(addr, a).await;
    assert!(h3.starts_with("HTTP/1.1 429"), "{h3}");
    let (h4, _s4) = open_upgrade(addr, "X-Forwarded-For: 203.0.113.6\r\n").await;
    assert!(h4.starts_with("HTTP/1.1 101"), "another client: {h4}");
    // The proxy's own address is not limited: a third plain connection is served.
    let head = http(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(
        server
            .shared()
            .metrics
            .refused(ConnectionRefusal::PerAddress),
        1
    );
}

//! Starting a server for a test, and raw socket helpers for tests of malformed traffic.

use std::net::SocketAddr;
use std::time::Duration;

use tickwire_arena::{ARENA_VIEW_RADIUS, ArenaSettings};
use tickwire_client::GameClient;
use tickwire_server::snapshot::SnapshotFrame;
use tickwire_server::{NewGame, Server, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Every wait in these tests is bounded by this.
pub const LIMIT: Duration = Duration::from_secs(20);

/// The settings `tickwire` serves the arena with, on an ephemeral loopback port.
pub fn arena_config() -> ServerConfig {
    ServerConfig {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        view_radius: Some(ARENA_VIEW_RADIUS),
        ..ServerConfig::default()
    }
}

/// An arena server on an ephemeral loopback port with `bots` bots.
pub async fn start(bots: u32) -> Server {
    start_arena(arena_config(), bots).await
}

/// An arena server with a config of the test's own (the bind address should be port 0).
pub async fn start_arena(config: ServerConfig, bots: u32) -> Server {
    let arena = ArenaSettings::new(None, bots, config.tick_rate).expect("arena settings");
    start_with(config, arena.games()).await
}

/// A server running the games `games` makes (the bind address should be port 0).
pub async fn start_with(config: ServerConfig, games: impl NewGame) -> Server {
    Server::start(config, games).await.expect("server starts")
}

/// Joins as `name`, failing the test after [`LIMIT`].
pub async fn join(server: &Server, name: &str) -> GameClient {
    tokio::time::timeout(LIMIT, GameClient::join(server.local_addr(), name))
        .await
        .expect("join in time")
        .expect("join")
}

/// The server's own latest frame of the first room.
pub fn server_frame(server: &Server) -> Option<std::sync::Arc<SnapshotFrame>> {
    let rooms = server.shared().lobby.rooms();
    let room = server.shared().lobby.room(rooms.first()?.id)?;
    room.frames.borrow().clone()
}

/// Sends a raw HTTP/1.1 request and returns the whole response head.
pub async fn http(addr: SocketAddr, request: &str) -> String {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(request.as_bytes()).await.expect("write");
    read_head(&mut s).await
}

/// Reads an HTTP response head (up to the blank line).
pub async fn read_head(s: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = tokio::time::timeout(LIMIT, s.read(&mut byte))
            .await
            .expect("response in time")
            .expect("read");
        if n == 0 {
            break;
        }
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// A raw TCP connection that has completed a WebSocket upgrade on `/ws`.
pub async fn raw_ws(addr: SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let req = format!(
        "GET /ws HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.expect("write");
    let head = read_head(&mut s).await;
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    s
}

/// A masked client frame with the given first byte (FIN, RSV and opcode bits) and payload.
pub fn client_frame(first: u8, payload: &[u8]) -> Vec<u8> {
    assert!(payload.len() < 126);
    let mask = [1u8, 2, 3, 4];
    let mut out = vec![first, 0x80 | payload.len() as u8];
    out.extend_from_slice(&mask);
    out.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    out
}

/// Reads server frames until a close frame, returning its code; skips other frames.
pub async fn read_close_code(s: &mut TcpStream) -> Option<u16> {
    loop {
        let mut head = [0u8; 2];
        tokio::time::timeout(LIMIT, s.read_exact(&mut head))
            .await
            .expect("frame in time")
            .ok()?;
        let opcode = head[0] & 0x0f;
        let mut len = u64::from(head[1] & 0x7f);
        if len == 126 {
            let mut b = [0u8; 2];
            s.read_exact(&mut b).await.ok()?;
            len = u64::from(u16::from_be_bytes(b));
        } else if len == 127 {
            let mut b = [0u8; 8];
            s.read_exact(&mut b).await.ok()?;
            len = u64::from_be_bytes(b);
        }
        let mut payload = vec![0u8; len as usize];
        s.read_exact(&mut payload).await.ok()?;
        if opcode == 0x8 {
            return payload.get(..2).map(|c| u16::from_be_bytes([c[0], c[1]]));
        }
    }
}

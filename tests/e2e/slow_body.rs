//! A request body that never comes (or trickles) is cut off within the body timeout, answered
//! 408, and its connection closed, so that its place in the connection limit comes back.

use std::time::{Duration, Instant};

use tickwire_server::{Limits, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::{LIMIT, arena_config, http, read_head, start_arena};

const BODY_TIMEOUT: Duration = Duration::from_millis(500);

/// Sends a `POST /rooms` whose body promises 100 bytes and brings `sent` of them.
async fn stalled_post(addr: std::net::SocketAddr, sent: &[u8]) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /rooms HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.expect("write");
    s.write_all(sent).await.expect("write");
    s
}

#[tokio::test]
async fn a_body_that_never_comes_is_cut_off_and_its_place_comes_back() {
    let server = start_arena(
        ServerConfig {
            limits: Limits {
                max_connections: 2,
                body_timeout: BODY_TIMEOUT,
                ..Limits::default()
            },
            ..arena_config()
        },
        0,
    )
    .await;
    let addr = server.local_addr();
    let start = Instant::now();
    let mut silent = stalled_post(addr, b"").await;
    let mut trickle = stalled_post(addr, b"{").await;
    // Both places are taken: a third connection is refused.
    let full = http(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(full.starts_with("HTTP/1.1 503"), "{full}");
    for s in [&mut silent, &mut trickle] {
        let head = read_head(s).await;
        assert!(head.starts_with("HTTP/1.1 408"), "{head}");
        // The answer ends the connection.
        let mut rest = Vec::new();
        tokio::time::timeout(LIMIT, s.read_to_end(&mut rest))
            .await
            .expect("closed in time")
            .expect("read");
    }
    let took = start.elapsed();
    assert!(
        took < BODY_TIMEOUT + Duration::from_secs(2),
        "cut off after {took:?}"
    );
    // The places came back.
    let ok = http(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    assert_eq!(server.shared().metrics.abuse.timeouts("body"), 2);
}

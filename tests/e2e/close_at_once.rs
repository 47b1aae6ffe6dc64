//! The closing handshake ends the connection at once (RFC 6455 5.5.1, 7.1.1): once the server
//! has sent and received a close, it closes TCP, on `/ws` and `/echo`, plain and over TLS. Raw
//! sockets, so that the moment the server closes is what is measured.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use std::sync::Arc;

use tickwire_client::rustls::pki_types::ServerName;
use tickwire_client::tls_config_trusting;
use tickwire_server::{Server, ServerConfig};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::{LIMIT, arena_config, client_frame, start_arena};
use crate::tls::TestCert;

/// How soon after the handshake the server must have closed TCP.
const AT_ONCE: Duration = Duration::from_millis(100);

const CLOSE: u8 = 0x88;

/// The client's TLS configuration, trusting the test certificate.
type ClientConfig = Arc<tickwire_client::rustls::ClientConfig>;

/// A plain or TLS connection to the server under test.
trait Conn: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Conn for T {}

/// A server with `/echo` on, plain or with a fresh certificate.
async fn server(tls: bool) -> (Server, Option<(TestCert, ClientConfig)>) {
    let cert = tls.then(|| {
        let (cert, der) = TestCert::new("close-at-once");
        let config = tls_config_trusting(der).expect("client config");
        (cert, config)
    });
    let config = ServerConfig {
        echo: true,
        tls: cert.as_ref().map(|(c, _)| c.files.clone()),
        ..arena_config()
    };
    (start_arena(config, 0).await, cert)
}

/// Connects (with TLS when `tls` holds a client configuration) and upgrades on `path`.
async fn open(addr: SocketAddr, tls: Option<&ClientConfig>, path: &str) -> Box<dyn Conn> {
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let mut conn: Box<dyn Conn> = match tls {
        None => Box::new(tcp),
        Some(config) => {
            let name = ServerName::try_from("127.0.0.1").expect("a server name");
            let connector = tokio_rustls::TlsConnector::from(config.clone());
            Box::new(connector.connect(name, tcp).await.expect("TLS handshake"))
        }
    };
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    conn.write_all(req.as_bytes()).await.expect("write");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = conn.read(&mut byte).await.expect("read the response");
        assert!(n > 0, "closed before the response");
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    conn
}

/// Reads frames until the server's close (its code), skipping others.
async fn read_close(conn: &mut Box<dyn Conn>) -> u16 {
    loop {
        let mut head = [0u8; 2];
        conn.read_exact(&mut head).await.expect("a frame");
        let mut len = u64::from(head[1] & 0x7f);
        if len == 126 {
            let mut b = [0u8; 2];
            conn.read_exact(&mut b).await.expect("length");
            len = u64::from(u16::from_be_bytes(b));
        } else if len == 127 {
            let mut b = [0u8; 8];
            conn.read_exact(&mut b).await.expect("length");
            len = u64::from_be_bytes(b);
        }
        let mut payload = vec![0u8; usize::try_from(len).expect("a length")];
        conn.read_exact(&mut payload).await.expect("payload");
        if head[0] == CLOSE {
            return u16::from_be_bytes([payload[0], payload[1]]);
        }
    }
}

/// How long after now the server closes the connection (end of stream or a reset).
async fn time_to_close(conn: &mut Box<dyn Conn>) -> Duration {
    let start = Instant::now();
    let mut buf = [0u8; 256];
    loop {
        match tokio::time::timeout(LIMIT, conn.read(&mut buf)).await {
            Err(_) => panic!("the server never closed the connection"),
            Ok(Ok(0)) | Ok(Err(_)) => return start.elapsed(),
            Ok(Ok(_)) => {}
        }
    }
}

fn close_frame(code: u16) -> Vec<u8> {
    client_frame(CLOSE, &code.to_be_bytes())
}

/// The client closes first: the server answers and closes TCP at once.
async fn client_first(addr: SocketAddr, tls: Option<&ClientConfig>) {
    for path in ["/echo", "/ws"] {
        let mut conn = open(addr, tls, path).await;
        conn.write_all(&close_frame(1000)).await.expect("write");
        assert_eq!(read_close(&mut conn).await, 1000, "{path}");
        let took = time_to_close(&mut conn).await;
        assert!(
            took < AT_ONCE,
            "{path}: TCP closed {took:?} after the close reply"
        );
        // A close with a code the server refuses is still a complete handshake.
        let mut conn = open(addr, tls, path).await;
        conn.write_all(&close_frame(999)).await.expect("write");
        assert_eq!(read_close(&mut conn).await, 1002, "{path}");
        let took = time_to_close(&mut conn).await;
        assert!(took < AT_ONCE, "{path}: TCP closed {took:?} after a 1002");
    }
}

/// The server closes first (a text frame on `/ws` breaks the game's rules; an unknown opcode
/// on `/echo`): once the client answers, TCP closes at once.
async fn server_first(addr: SocketAddr, tls: Option<&ClientConfig>) {
    for (path, frame) in [
        ("/ws", client_frame(0x81, b"hello")),
        ("/echo", client_frame(0x83, b"")),
    ] {
        let mut conn = open(addr, tls, path).await;
        conn.write_all(&frame).await.expect("write");
        let code = read_close(&mut conn).await;
        conn.write_all(&close_frame(code)).await.expect("write");
        let took = time_to_close(&mut conn).await;
        assert!(
            took < AT_ONCE,
            "{path}: TCP closed {took:?} after our reply"
        );
    }
}

#[tokio::test]
async fn tcp_closes_at_once_after_the_closing_handshake() {
    let (server, _) = server(false).await;
    client_first(server.local_addr(), None).await;
    server_first(server.local_addr(), None).await;
}

#[tokio::test]
async fn tls_closes_at_once_after_the_closing_handshake() {
    let (server, cert) = server(true).await;
    let config = cert.as_ref().map(|(_, c)| c);
    client_first(server.local_addr(), config).await;
    server_first(server.local_addr(), config).await;
}

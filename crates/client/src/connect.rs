//! Opening a connection: TCP with the socket options a game client wants, then the client side
//! of the WebSocket upgrade.

use std::net::{IpAddr, SocketAddr};

use bytes::Bytes;
use fastwebsockets::{WebSocket, handshake};
use http_body_util::Empty;
use hyper::Request;
use hyper::header::{CONNECTION, HOST, UPGRADE};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::ClientError;

/// A WebSocket over an upgraded HTTP/1.1 connection, as the client holds it.
pub type ClientSocket = WebSocket<TokioIo<Upgraded>>;

struct SpawnExecutor;

impl<F> hyper::rt::Executor<F> for SpawnExecutor
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn execute(&self, fut: F) {
        tokio::spawn(fut);
    }
}

/// Performs the client side of a WebSocket upgrade on a connected stream: `GET path` to `host`,
/// then the RFC 6455 handshake. Auto-close and auto-pong are on; the message limit is the caller's.
pub async fn websocket_handshake(
    stream: TcpStream,
    host: &str,
    path: &str,
) -> Result<ClientSocket, ClientError> {
    let req = Request::builder()
        .method("GET")
        // Origin form (the path alone), as HTTP/1.1 clients send to origin servers.
        .uri(path)
        .header(HOST, host)
        .header(UPGRADE, "websocket")
        .header(CONNECTION, "upgrade")
        .header("Sec-WebSocket-Key", handshake::generate_key())
        .header("Sec-WebSocket-Version", "13")
        .body(Empty::<Bytes>::new())
        .map_err(|e| ClientError::Unexpected(e.to_string()))?;
    let (mut ws, _) = handshake::client(&SpawnExecutor, req, stream).await?;
    ws.set_auto_close(true);
    ws.set_auto_pong(true);
    Ok(ws)
}

/// Opens a TCP connection with Nagle off and, when given, a fixed kernel receive buffer (which
/// also turns off the kernel's receive buffer autotuning for this socket).
pub async fn connect_tcp(
    addr: SocketAddr,
    recv_buffer: Option<u32>,
) -> std::io::Result<tokio::net::TcpStream> {
    connect_tcp_from(None, addr, recv_buffer).await
}

/// As [`connect_tcp`], from the local address `local` when given (the socket is bound to it,
/// any port, before connecting). A test or load tool on one machine uses several loopback source
/// addresses (127.0.0.2, 127.0.0.3, ...) to stay under a server's per-address connection limit.
pub async fn connect_tcp_from(
    local: Option<IpAddr>,
    addr: SocketAddr,
    recv_buffer: Option<u32>,
) -> std::io::Result<tokio::net::TcpStream> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    if let Some(bytes) = recv_buffer {
        socket.set_recv_buffer_size(bytes)?;
    }
    if let Some(ip) = local {
        socket.bind(SocketAddr::new(ip, 0))?;
    }
    let stream = socket.connect(addr).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

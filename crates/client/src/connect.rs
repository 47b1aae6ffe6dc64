//! Opening a connection: TCP with the socket options a game client wants, TLS when asked for,
//! then the client side of the WebSocket upgrade.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use bytes::Bytes;
use fastwebsockets::{WebSocket, handshake};
use http_body_util::Empty;
use hyper::Request;
use hyper::header::{CONNECTION, HOST, UPGRADE};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

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

/// Performs the client side of a WebSocket upgrade on a connected stream (TCP, or TLS over TCP
/// for `wss://`): `GET path` to `host`, then the RFC 6455 handshake. Auto-close and auto-pong are
/// on; the message limit is the caller's.
pub async fn websocket_handshake<S>(
    stream: S,
    host: &str,
    path: &str,
) -> Result<ClientSocket, ClientError>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
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

/// The TLS handshake on a connected stream, checking the server's certificate for `server_name`
/// (a DNS name or an IP address) against `config`'s roots.
pub async fn tls_handshake(
    stream: tokio::net::TcpStream,
    server_name: &str,
    config: Arc<ClientConfig>,
) -> Result<tokio_rustls::client::TlsStream<tokio::net::TcpStream>, ClientError> {
    let name = ServerName::try_from(server_name.to_owned())
        .map_err(|e| ClientError::Tls(format!("server name {server_name:?}: {e}")))?;
    TlsConnector::from(config)
        .connect(name, stream)
        .await
        .map_err(|e| ClientError::Tls(e.to_string()))
}

/// A TLS client configuration (ring provider) that trusts exactly `root`, for example the
/// self-signed certificate of a local server (`tickwire cert`).
pub fn tls_config_trusting(
    root: CertificateDer<'static>,
) -> Result<Arc<ClientConfig>, ClientError> {
    let mut roots = RootCertStore::empty();
    roots
        .add(root)
        .map_err(|e| ClientError::Tls(format!("root certificate: {e}")))?;
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| ClientError::Tls(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(Arc::new(config))
}

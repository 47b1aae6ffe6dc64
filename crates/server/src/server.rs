//! `Server`: the listener, the shared state every task reads, and graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::{ConfigError, ServerConfig};
use crate::game::NewGame;
use crate::lobby::Lobby;
use crate::metrics::Metrics;
use crate::shared::Shared;
use crate::tls::{Tls, TlsError, WATCH_INTERVAL};

/// Kernel send buffer per connection (Linux doubles it for bookkeeping).
const SEND_BUFFER_BYTES: usize = 32 * 1024;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A setting is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// The TLS certificate or key could not be loaded.
    #[error(transparent)]
    Tls(#[from] TlsError),
}

/// A running server. Dropping it does not stop it; call [`Server::shutdown`].
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    accept: tokio::task::JoinHandle<()>,
    grace: Duration,
    tls: Option<(Arc<Tls>, tokio::task::JoinHandle<()>)>,
}

impl Server {
    /// Validates `config`, binds and starts accepting connections on the current runtime.
    /// Each room runs a game made by `games` (for example a closure
    /// `|seed| Box::new(MyGame::new(seed)) as Box<dyn Game>`).
    pub async fn start(config: ServerConfig, games: impl NewGame) -> Result<Server, StartError> {
        config.validate()?;
        let metrics = Arc::new(Metrics::default());
        let tls = match &config.tls {
            Some(files) => Some(Arc::new(Tls::new(files.clone(), metrics.clone())?)),
            None => None,
        };
        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.bind,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.bind,
            source,
        })?;
        let (stop, shutdown) = watch::channel(false);
        let grace = config.shutdown_grace;
        let shared = Arc::new(Shared {
            lobby: Lobby::new(config, Arc::new(games), metrics.clone(), shutdown.clone()),
            metrics,
            shutdown,
        });
        let accept = tokio::spawn(accept_loop(listener, shared.clone(), tls.clone()));
        let tls = tls.map(|t| (t.clone(), tokio::spawn(t.watch(WATCH_INTERVAL))));
        Ok(Server {
            addr,
            shared,
            stop,
            accept,
            grace,
            tls,
        })
    }

    /// The address the server listens on (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The shared state, for inspection (tests read rooms' frames through it).
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Whether the server speaks TLS (`https://`, `wss://`).
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// Reads the TLS certificate and key again (the binary calls this on SIGHUP; the files are
    /// also watched for changes). New handshakes use the new pair, connections already up keep
    /// theirs; on failure the previous pair stays in use and the error is logged and counted.
    pub fn reload_tls(&self) -> Result<(), TlsError> {
        self.tls.as_ref().ok_or(TlsError::NotConfigured)?.0.reload()
    }

    /// Drains: readiness turns false, new sessions are refused, every session gets close 1001,
    /// and this returns once all players are gone or the grace period is over.
    pub async fn shutdown(self) {
        tracing::info!("draining");
        let _ = self.stop.send(true);
        let deadline = tokio::time::Instant::now() + self.grace;
        while self.shared.metrics.players.get() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.accept.abort();
        if let Some((_, watch)) = self.tls {
            watch.abort();
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, tls: Option<Arc<Tls>>) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(s) => s,
            Err(e) => {
                // Out of file descriptors and similar: wait a little instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        // A small kernel send buffer bounds what a slow client can have queued on the server:
        // once it is full, the session's writer waits and skips snapshots instead.
        let _ = socket2::SockRef::from(&stream).set_send_buffer_size(SEND_BUFFER_BYTES);
        let (shared, tls) = (shared.clone(), tls.clone());
        tokio::spawn(async move {
            match tls {
                None => serve_http(stream, peer, shared).await,
                Some(tls) => {
                    if let Some(stream) = tls.handshake(stream).await {
                        serve_http(stream, peer, shared).await;
                    }
                }
            }
        });
    }
}

/// Serves HTTP/1.1 (with upgrades to WebSockets) on one connection, plain or TLS.
async fn serve_http<IO>(io: IO, peer: SocketAddr, shared: Arc<Shared>)
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req| crate::http::route(req, shared.clone()));
    let conn = http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(Duration::from_secs(10))
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    if let Err(e) = conn.await {
        tracing::debug!(%peer, error = %e, "HTTP connection ended with an error");
    }
}

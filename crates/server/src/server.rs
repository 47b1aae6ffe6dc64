//! `Server`: the listener, the shared state every task reads, and graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::StatusCode;
use hyper::header::{CONNECTION, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::{ConfigError, ServerConfig};
use crate::edge::conn_gate::{ConnectionGate, Permit};
use crate::edge::http::route;
use crate::edge::listener::Listener;
use crate::edge::respond::text;
use crate::edge::security_headers::add_security_headers;
use crate::edge::tls::{Tls, TlsError, WATCH_INTERVAL};
use crate::game::NewGame;
use crate::ops::admin::Sessions;
use crate::orchestrator::{NoOrchestrator, Orchestrator};
use crate::phase::Phase;
use crate::recording::recordings_dir::Recordings;
use crate::rooms::everyone::Everyone;
use crate::rooms::lobby::Lobby;
use crate::shared::Shared;
use crate::storage::leaderboard_feed;
use crate::storage::match_recorder::MatchRecorder;
use crate::storage::store_metrics::StoreCollector;
use crate::telemetry::metrics::{ConnectionRefusal, Metrics};
use tickwire_store::{Store, StoreOptions};

/// Kernel send buffer per connection (Linux doubles it for bookkeeping).
const SEND_BUFFER_BYTES: usize = 32 * 1024;

/// How long [`Server::shutdown`] waits, after closing every session, for the closes to be sent.
const CLOSE_SETTLE: Duration = Duration::from_secs(1);

/// How long [`Server::shutdown`] waits for its rooms to stop (each stores the match it was
/// playing) before it closes the store.
const ROOMS_STOP: Duration = Duration::from_secs(2);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The TLS certificate or key could not be loaded.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// A setting is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The database could not be opened or migrated.
    #[error("storage: {0}")]
    Store(#[from] tickwire_store::StoreError),
    /// The recordings directory could not be made.
    #[error("cannot make the recordings directory: {0}")]
    Recordings(std::io::Error),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
}

/// A running server. [`Server::shutdown`] drains it gracefully; dropping it stops it at once:
/// both listeners close, rooms stop, and every session is closed with 1001 without waiting.
pub struct Server {
    addr: SocketAddr,
    admin_addr: Option<SocketAddr>,
    shared: Arc<Shared>,
    stop: watch::Sender<Phase>,
    accept: tokio::task::JoinHandle<()>,
    admin: Option<tokio::task::JoinHandle<()>>,
    tls: Option<(Arc<Tls>, tokio::task::JoinHandle<()>)>,
    grace: Duration,
    /// Reports health to the orchestrator, when it asks for reports.
    health: Option<tokio::task::JoinHandle<()>>,
    leaderboard: Option<tokio::task::JoinHandle<()>>,
}

/// Binds `addr`, or says which address could not be bound.
async fn bind(addr: SocketAddr) -> Result<(TcpListener, SocketAddr), StartError> {
    let bind_err = |source| StartError::Bind { addr, source };
    let listener = TcpListener::bind(addr).await.map_err(bind_err)?;
    let local = listener.local_addr().map_err(bind_err)?;
    Ok((listener, local))
}

impl Server {
    /// Validates `config`, binds and starts accepting connections on the current runtime.
    /// Each room runs a game made by `games` (for example a closure
    /// `|seed| Box::new(MyGame::new(seed)) as Box<dyn Game>`).
    pub async fn start(config: ServerConfig, games: impl NewGame) -> Result<Server, StartError> {
        Server::start_orchestrated(config, games, Arc::new(NoOrchestrator)).await
    }

    /// [`Server::start`] under an orchestrator: it hears that the server is ready once it
    /// listens, health reports at its own period, every player's join and leave, and the drain.
    pub async fn start_orchestrated(
        config: ServerConfig,
        games: impl NewGame,
        orchestrator: Arc<dyn Orchestrator>,
    ) -> Result<Server, StartError> {
        config.validate()?;
        let store = Store::open(&config.database, StoreOptions::default()).await?;
        let mut metrics = Metrics::default();
        if let Some(store) = &store {
            metrics.register_collector(Box::new(StoreCollector(store.clone())));
        }
        metrics.netcode.show_settings(&config.link_sim);
        let metrics = Arc::new(metrics);
        let games: Arc<dyn NewGame> = Arc::new(games);
        // Asked once: the default makes a game to ask it.
        let schema = games.schema();
        let columns = schema.desc().scores.clone();
        let (board, leaderboard) = match &store {
            Some(store) => {
                let (board, task) =
                    leaderboard_feed::spawn(store.clone(), games.name().into(), columns);
                (Some(board), Some(task))
            }
            None => (None, None),
        };
        let recorder = MatchRecorder::new(store.clone());
        let recordings = match &store {
            Some(store) => Some(
                Recordings::open(
                    &config.recordings,
                    &config.database,
                    store.clone(),
                    metrics.clone(),
                )
                .map_err(StartError::Recordings)?,
            ),
            None => None,
        };
        let tls = match &config.tls {
            Some(files) => Some(Arc::new(Tls::new(files.clone(), metrics.clone())?)),
            None => None,
        };
        let (listener, addr) = bind(config.bind).await?;
        let admin = match config.admin_bind {
            Some(a) => Some(bind(a).await?),
            None => None,
        };
        let (stop, shutdown) = watch::channel(Phase::Serving);
        let grace = config.shutdown_grace;
        let limits = &config.limits;
        // Behind a trusted proxy every connection comes from the proxy: the per-address limit
        // moves to the session, where the forwarded address is known.
        let (tcp_per_ip, forwarded) = match limits.trust_proxy {
            false => (limits.max_connections_per_ip, None),
            true => (
                0,
                Some(ConnectionGate::new(
                    usize::MAX,
                    limits.max_connections_per_ip,
                    prometheus_client::metrics::gauge::Gauge::default(),
                )),
            ),
        };
        let gate = ConnectionGate::new(
            limits.max_connections,
            tcp_per_ip,
            metrics.connections.clone(),
        );
        let index_page = config.index_page.clone();
        let sessions = Arc::new(Sessions::default());
        let everyone = Everyone::new(sessions.clone());
        let shared = Arc::new(Shared {
            limits: config.limits.clone(),
            link_sim: config.link_sim,
            fan_out: config.fan_out,
            input_reads: config.input_reads,
            origins: config.allowed_origins.clone(),
            admin_separate: admin.is_some(),
            sessions,
            bans: Default::default(),
            gate,
            forwarded,
            lobby: Lobby::new(
                config,
                (games, schema),
                metrics.clone(),
                shutdown.clone(),
                (recorder, everyone),
                recordings,
            ),
            metrics,
            shutdown,
            orchestrator: orchestrator.clone(),
            store,
            leaderboard: board,
            guesses: Default::default(),
            room_quota: Default::default(),
            index_page,
        });
        let accept = tokio::spawn(accept_loop(
            listener,
            shared.clone(),
            Listener::Public,
            tls.clone(),
        ));
        let admin_addr = admin.as_ref().map(|(_, a)| *a);
        // The admin listener is plain HTTP: it belongs on a private interface.
        let admin =
            admin.map(|(l, _)| tokio::spawn(accept_loop(l, shared.clone(), Listener::Admin, None)));
        let tls = tls.map(|t| (t.clone(), tokio::spawn(t.watch(WATCH_INTERVAL))));
        let health = orchestrator
            .health_period()
            .map(|period| tokio::spawn(report_health(orchestrator.clone(), period)));
        orchestrator.ready(addr);
        Ok(Server {
            addr,
            admin_addr,
            shared,
            stop,
            accept,
            admin,
            tls,
            grace,
            health,
            leaderboard,
        })
    }

    /// The address the server listens on (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address of the admin listener, when there is one.
    pub fn admin_addr(&self) -> Option<SocketAddr> {
        self.admin_addr
    }

    /// Whether the server speaks TLS (`https://`, `wss://`) on its public port.
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// Reads the TLS certificate and key again (the binary calls this on SIGHUP; the files are
    /// also watched for changes). New handshakes use the new pair, connections already up keep
    /// theirs; on failure the previous pair stays in use and the error is logged and counted.
    pub fn reload_tls(&self) -> Result<(), TlsError> {
        self.tls.as_ref().ok_or(TlsError::NotConfigured)?.0.reload()
    }

    /// The shared state, for inspection (tests read rooms' frames through it).
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Drains: readiness turns false and new sessions are refused at once, running matches go on
    /// and every session is told how long is left, until all players are gone or the grace
    /// period is over; then every session is closed with 1001 and this returns.
    pub async fn shutdown(self) {
        tracing::info!(grace = ?self.grace, "draining");
        let deadline = tokio::time::Instant::now() + self.grace;
        let _ = self.stop.send(Phase::Draining(deadline));
        self.shared.orchestrator.draining();
        while self.shared.metrics.players.get() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let _ = self.stop.send(Phase::Closing);
        // Give the sessions a moment to write their close frames before the process exits.
        let settle = tokio::time::Instant::now() + CLOSE_SETTLE;
        while self.shared.metrics.connections.get() > 0 && tokio::time::Instant::now() < settle {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Rooms store the matches under way as they stop: wait for them before the store's last
        // writes.
        let stopped = tokio::time::Instant::now() + ROOMS_STOP;
        while !self.shared.lobby.running_rooms(true).is_empty()
            && tokio::time::Instant::now() < stopped
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // Every queued write (the results of matches that just ended) reaches the database.
        if let Some(store) = &self.shared.store {
            store.close().await;
        }
        self.shared.orchestrator.shutdown();
        // Dropping `self` now stops the listeners.
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.stop.send(Phase::Closing);
        self.accept.abort();
        if let Some(admin) = &self.admin {
            admin.abort();
        }
        if let Some((_, watch)) = &self.tls {
            watch.abort();
        }
        if let Some(task) = &self.leaderboard {
            task.abort();
        }
        if let Some(health) = &self.health {
            health.abort();
        }
    }
}

/// Tells `orchestrator` the server is alive every `period`, until the server is dropped.
async fn report_health(orchestrator: Arc<dyn Orchestrator>, period: Duration) {
    let mut every = tokio::time::interval(period);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        orchestrator.health();
    }
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    which: Listener,
    tls: Option<Arc<Tls>>,
) {
    // The listener's routes other than the upgrades, shared by its connections.
    let api = crate::edge::api_router::router(shared.clone(), which);
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
        // The public port admits a bounded number of connections, in total and per address;
        // the admin listener is for operators and is not limited.
        let permit = match which {
            Listener::Admin => None,
            Listener::Public => match shared.gate.admit(shared.address_group(peer.ip())) {
                Ok(p) => Some(p),
                Err(why) => {
                    refuse(stream, peer, why, &shared);
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        // A small kernel send buffer bounds what a slow client can have queued on the server:
        // once it is full, the session's writer waits and skips snapshots instead.
        let _ = socket2::SockRef::from(&stream).set_send_buffer_size(SEND_BUFFER_BYTES);
        // The place is held by the connection and, after an upgrade, by its WebSocket session:
        // hyper hands the socket over and finishes the connection while the session goes on.
        let permit = permit.map(Arc::new);
        let (shared, tls, api) = (shared.clone(), tls.clone(), api.clone());
        tokio::spawn(async move {
            match tls {
                None => serve_http(stream, peer, shared, which, permit, api).await,
                Some(tls) => {
                    if let Some(stream) = tls.handshake(stream, shared.limits.header_timeout).await
                    {
                        serve_http(stream, peer, shared, which, permit, api).await;
                    }
                }
            }
        });
    }
}

/// Serves HTTP/1.1 (with upgrades to WebSockets) on one connection, plain or TLS.
async fn serve_http<IO>(
    io: IO,
    peer: SocketAddr,
    shared: Arc<Shared>,
    which: Listener,
    permit: Option<Arc<Permit>>,
    api: axum::Router,
) where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let header_timeout = shared.limits.header_timeout;
    let held = permit.clone();
    let service = service_fn(move |req| {
        let (shared, held, api) = (shared.clone(), held.clone(), api.clone());
        async move {
            let limit = shared.limits.request_timeout;
            let answer =
                tokio::time::timeout(limit, route(req, shared.clone(), which, peer, held, api));
            let mut resp = match answer.await {
                Ok(Ok(resp)) => resp,
                Err(_) => {
                    shared.metrics.abuse.count_timeout("request");
                    tracing::debug!(%peer, "an HTTP request took too long; cut off");
                    let mut resp = text(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "the request took too long\n",
                    );
                    resp.headers_mut()
                        .insert(CONNECTION, HeaderValue::from_static("close"));
                    resp.map(axum::body::Body::new)
                }
            };
            add_security_headers(resp.headers_mut());
            Ok::<_, std::convert::Infallible>(resp)
        }
    });
    let conn = http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    if let Err(e) = conn.await {
        tracing::debug!(%peer, error = %e, "HTTP connection ended with an error");
    }
    drop(permit);
}

/// Answers a connection past a limit with a short HTTP error and closes it, counting it. The
/// answer is one non-blocking write, so a flood of refused connections costs no task and no wait,
/// and a client that does not read cannot hold the accept loop.
fn refuse(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    why: ConnectionRefusal,
    shared: &Shared,
) {
    shared.metrics.count_refused(why);
    let (status, text) = match why {
        ConnectionRefusal::Total => (
            "503 Service Unavailable",
            "the server is at its connection limit",
        ),
        ConnectionRefusal::PerAddress => (
            "429 Too Many Requests",
            "too many connections from your address",
        ),
    };
    tracing::debug!(%peer, reason = text, "connection refused");
    let answer = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}\n",
        text.len() + 1
    );
    // A fresh socket's send buffer always has room for these few bytes: one non-blocking write,
    // then the socket closes. No task is left behind, however many connections are refused.
    let _ = stream.try_write(answer.as_bytes());
}

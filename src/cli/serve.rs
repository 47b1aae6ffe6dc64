//! `tickwire serve`: the flags, the server and the game they choose, and the wait for a signal.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;
use tickwire_arena::{ARENA_ROOM_CAPACITY, ARENA_VIEW_RADIUS, ArenaSettings};
use tickwire_scenarios::{RANDOM_WALK_VIEW_RADIUS, Scenario};
use tickwire_server::{NewGame, Server, ServerConfig, TlsFiles};

use crate::cli::edge::EdgeArgs;
use crate::cli::logging::LogFormat;
use crate::cli::netcode::NetcodeArgs;

/// Serve the game (the default when no subcommand is given).
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// A TOML file holding any of these options under its flag name (`tick_rate = 30`);
    /// flags and environment variables override it. `tickwire config` prints one.
    #[arg(long, env = "TICKWIRE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address and port to listen on. Use 0.0.0.0:8080 to let other machines on your network join.
    #[arg(long, env = "TICKWIRE_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Simulation ticks per second.
    #[arg(long, env = "TICKWIRE_TICK_RATE", default_value_t = 60)]
    tick_rate: u32,
    /// Snapshots per second sent to each player; must divide the tick rate.
    #[arg(long, env = "TICKWIRE_SNAPSHOT_RATE", default_value_t = 30)]
    snapshot_rate: u32,
    /// Server-controlled players per room.
    #[arg(long, env = "TICKWIRE_BOTS", default_value_t = 4)]
    bots: u32,
    /// Map file (JSON); the bundled arena when not given.
    #[arg(long, env = "TICKWIRE_MAP")]
    map: Option<PathBuf>,
    /// Human players per room; more players open more rooms. Default 32 for the arena, 10000
    /// for the benchmark scenarios (one world for every client).
    #[arg(long, env = "TICKWIRE_ROOM_CAPACITY")]
    room_capacity: Option<usize>,
    /// Most rooms this process runs.
    #[arg(long, env = "TICKWIRE_MAX_ROOMS", default_value_t = 64)]
    max_rooms: usize,
    /// Seed of the rooms' worlds.
    #[arg(long, env = "TICKWIRE_SEED", default_value_t = 0x7153_3eed)]
    seed: u64,
    /// Seconds a room with no players keeps running (and stays joinable by its number) before it
    /// stops.
    #[arg(long, env = "TICKWIRE_EMPTY_ROOM_TTL", default_value_t = 30)]
    empty_room_ttl: u64,
    /// Seconds a shutdown (SIGTERM) lets running matches go on, with a countdown shown to the
    /// players, before every session is closed; it ends sooner when every player has left.
    #[arg(long, env = "TICKWIRE_SHUTDOWN_GRACE", default_value_t = 30)]
    shutdown_grace: u64,
    /// Log format.
    #[arg(long, env = "TICKWIRE_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// What the rooms run: the arena game, or a standard benchmark scenario.
    #[arg(long, env = "TICKWIRE_SCENARIO", value_enum, default_value = "arena")]
    scenario: ScenarioArg,
    /// random-walk: non-player entities.
    #[arg(long, default_value_t = 1000)]
    entities: u32,
    /// random-walk: percentage of entities moving each tick (100 or 10).
    #[arg(long, default_value_t = 100)]
    moving_pct: u32,
    /// Area of interest: players receive only what is near them. Default: on for the arena, off
    /// for the benchmark scenarios.
    #[arg(long, env = "TICKWIRE_AOI", value_enum)]
    aoi: Option<OnOff>,
    /// How far a player sees with area of interest on (world units). Default: 900 in the arena,
    /// 40 in random-walk (a client then sees about 100 of 10,000 entities).
    #[arg(long, env = "TICKWIRE_VIEW_RADIUS")]
    view_radius: Option<f32>,
    /// transport-floor: bytes of the frame sent to every client on every snapshot.
    #[arg(long, default_value_t = 1024)]
    payload_bytes: usize,
    /// TLS certificate chain (PEM): serve https:// and wss:// on the bind port. Needs --tls-key.
    /// Reloaded on SIGHUP and when the file changes.
    #[arg(long, env = "TICKWIRE_TLS_CERT")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM) of --tls-cert.
    #[arg(long, env = "TICKWIRE_TLS_KEY")]
    tls_key: Option<PathBuf>,
    #[command(flatten)]
    edge: EdgeArgs,
    #[command(flatten)]
    netcode: NetcodeArgs,
    /// Serve /echo, a WebSocket that sends every message back (up to 1 MiB), for pointing a
    /// conformance fuzzing client (such as Autobahn's fuzzingclient) at the server.
    /// The environment variable takes 1/0, true/false, yes/no or on/off.
    #[arg(long, env = "TICKWIRE_ECHO", value_parser = clap::builder::BoolishValueParser::new())]
    echo: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum OnOff {
    On,
    Off,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ScenarioArg {
    /// The arena shooter.
    Arena,
    /// The standard synthetic load (docs/scenarios.md).
    RandomWalk,
    /// Sockets only: one pre-encoded frame per client per snapshot.
    TransportFloor,
}

/// Players per room in the benchmark scenarios: one world for every client.
const SCENARIO_ROOM_CAPACITY: usize = 10_000;

impl ServeArgs {
    /// The TLS files: both flags or neither.
    fn tls_files(&self) -> anyhow::Result<Option<TlsFiles>> {
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Ok(Some(TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
            })),
            (None, None) => Ok(None),
            (Some(_), None) => anyhow::bail!(
                "--tls-cert (TICKWIRE_TLS_CERT) needs --tls-key (TICKWIRE_TLS_KEY) as well"
            ),
            (None, Some(_)) => anyhow::bail!(
                "--tls-key (TICKWIRE_TLS_KEY) needs --tls-cert (TICKWIRE_TLS_CERT) as well"
            ),
        }
    }

    /// The server's settings and the game its rooms run, checked.
    fn build(&self) -> anyhow::Result<(ServerConfig, Box<dyn NewGame>)> {
        let arena = self.scenario == ScenarioArg::Arena;
        let aoi = self.aoi.map_or(arena, |a| a == OnOff::On);
        let radius = self.view_radius.unwrap_or(if arena {
            ARENA_VIEW_RADIUS
        } else {
            RANDOM_WALK_VIEW_RADIUS
        });
        let mut config = ServerConfig {
            bind: self.bind,
            tick_rate: self.tick_rate,
            snapshot_rate: self.snapshot_rate,
            room_capacity: self.room_capacity.unwrap_or(if arena {
                ARENA_ROOM_CAPACITY
            } else {
                SCENARIO_ROOM_CAPACITY
            }),
            max_rooms: self.max_rooms,
            seed: self.seed,
            shutdown_grace: Duration::from_secs(self.shutdown_grace),
            empty_room_ttl: Duration::from_secs(self.empty_room_ttl),
            view_radius: aoi.then_some(radius),
            tls: self.tls_files()?,
            echo: self.echo,
            ..ServerConfig::default()
        };
        self.edge.apply(&mut config)?;
        self.netcode.apply(&mut config)?;
        let scenario = match self.scenario {
            ScenarioArg::Arena => {
                let settings = ArenaSettings::new(self.map.as_deref(), self.bots, self.tick_rate)?;
                return Ok((config, Box::new(settings.games())));
            }
            ScenarioArg::RandomWalk => Scenario::RandomWalk {
                entities: self.entities,
                moving_pct: self.moving_pct,
            },
            ScenarioArg::TransportFloor => Scenario::TransportFloor {
                payload_bytes: self.payload_bytes,
            },
        };
        scenario.validate()?;
        Ok((config, Box::new(scenario.games())))
    }
}

/// Serves until SIGTERM or Ctrl-C, then drains.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let (config, games) = args.build()?;
    // Every connection holds a file, plus the listeners, the runtime and a few more.
    tickwire_server::process_stats::raise_open_file_limit(
        config.limits.max_connections as u64 + 64,
    );
    let server = Server::start(config.clone(), games)
        .await
        .context("cannot start the server")?;
    let addr = server.local_addr();
    let shown = if addr.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], addr.port()))
    } else {
        addr
    };
    let scheme = if server.is_tls() { "https" } else { "http" };
    println!("tickwire is serving the game at {scheme}://{shown}/  (open it in a browser to play)");
    if let Some(admin) = server.admin_addr() {
        println!("operations (/metrics, /rooms, /healthz, /readyz) at http://{admin}/");
    }
    tracing::info!(
        %addr,
        tick_rate = config.tick_rate,
        snapshot_rate = config.snapshot_rate,
        scenario = ?args.scenario,
        config_file = ?args.config,
        "listening; metrics at /metrics, health at /healthz"
    );
    wait_for_signal(&server).await;
    server.shutdown().await;
    tracing::info!("stopped");
    Ok(())
}

/// Waits for SIGTERM or Ctrl-C; meanwhile SIGHUP reloads the TLS certificate and key.
async fn wait_for_signal(server: &Server) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        let mut hup = signal(SignalKind::hangup()).ok();
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        loop {
            tokio::select! {
                _ = &mut ctrl_c => return,
                _ = term.recv() => return,
                Some(()) = async { hup.as_mut()?.recv().await } => {
                    if server.is_tls() {
                        // Success and failure are logged and counted by the server.
                        let _ = server.reload_tls();
                    } else {
                        tracing::info!("SIGHUP: no TLS to reload");
                    }
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = server;
        let _ = tokio::signal::ctrl_c().await;
    }
}

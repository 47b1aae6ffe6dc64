//! `tickwire serve`: the flags, the server and the game they choose, and the wait for a signal.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;
use tickwire_arena::{ARENA_ROOM_CAPACITY, ARENA_VIEW_RADIUS, ArenaSettings};
use tickwire_scenarios::{RANDOM_WALK_VIEW_RADIUS, Scenario};
use tickwire_server::Labels;
use tickwire_server::RecordingSettings;
use tickwire_server::{Database, FanOutMode, InputReads, NewGame, Server, ServerConfig, TlsFiles};

use crate::cli::edge::EdgeArgs;
use crate::cli::logging::LogFormat;
use crate::cli::netcode::NetcodeArgs;
use crate::cli::orchestration::OrchestrationArgs;

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
    /// Seconds a player whose connection dropped keeps its seat, entity and score (held still and
    /// safe) for it to come back with its resume token; 0 frees the seat at once.
    #[arg(long, env = "TICKWIRE_RECONNECT_WINDOW", default_value_t = 20)]
    reconnect_window: u64,
    /// Spectators one room accepts at once (`/ws?room=ID&spectate=1`); 0 refuses spectators.
    #[arg(long, env = "TICKWIRE_MAX_SPECTATORS", default_value_t = 32)]
    max_spectators: usize,
    /// Seconds a shutdown (SIGTERM) lets running matches go on, with a countdown shown to the
    /// players, before every session is closed; it ends sooner when every player has left.
    #[arg(long, env = "TICKWIRE_SHUTDOWN_GRACE", default_value_t = 30)]
    shutdown_grace: u64,
    /// Seconds a match lasts; at its end every player sees the result, it is stored, and a new
    /// match starts with scores reset. 0: one endless match.
    #[arg(long, env = "TICKWIRE_MATCH_LENGTH", default_value_t = 300)]
    match_length: u64,
    /// Where players, match results and the leaderboard are kept: an SQLite file (created when
    /// missing), a postgres:// URL, or none to store nothing.
    #[arg(long, env = "TICKWIRE_DATABASE", default_value = "tickwire.db", value_parser = parse_database)]
    database: Database,
    /// Record every room's matches, one file per match in --recordings-dir, served at
    /// /matches/{id}/replay (a room created with "record": true is recorded either way). Needs
    /// storage. The environment variable takes 1/0, true/false, yes/no or on/off.
    #[arg(long, env = "TICKWIRE_RECORD", value_parser = clap::builder::BoolishValueParser::new())]
    record: bool,
    /// Where match recordings go (created when missing). Default: recordings/ beside the SQLite
    /// file, or ./recordings with PostgreSQL.
    #[arg(long, env = "TICKWIRE_RECORDINGS_DIR")]
    recordings_dir: Option<PathBuf>,
    /// Most megabytes of recordings kept; past it the oldest are deleted.
    #[arg(long, env = "TICKWIRE_RECORDINGS_MAX_MB", default_value_t = 1024)]
    recordings_max_mb: u64,
    /// Days a recording is kept; older ones are deleted.
    #[arg(long, env = "TICKWIRE_RECORDINGS_MAX_DAYS", default_value_t = 30)]
    recordings_max_days: u64,
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
    /// Who writes each room's snapshots: `pass` (after each snapshot the room writes to every
    /// socket that takes it at once, and hands only full ones to their session's task) or
    /// `tasks` (every session's own task is woken and writes, as before the pass; for
    /// comparing the two).
    #[arg(long, env = "TICKWIRE_FAN_OUT", default_value = "pass")]
    fan_out: FanOutMode,
    /// How a seated player's socket is read: `paced` (its inputs wait in the socket for the
    /// room's call just before each tick, and every player is read in one burst; a ping or a
    /// burst of bytes wakes it at once) or `ready` (a wake-up for every input, as before; for
    /// comparing the two). Plain TCP only: TLS and the link conditioner always read as bytes come.
    #[arg(long, env = "TICKWIRE_INPUT_READS", default_value = "paced")]
    input_reads: InputReads,
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
    #[command(flatten)]
    orchestration: OrchestrationArgs,
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

/// `--database`: a file path, a postgres:// URL or none.
fn parse_database(s: &str) -> Result<Database, String> {
    s.parse()
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

    /// What an allocator selects this server by: the game, the map, the players it holds.
    fn labels(&self, config: &ServerConfig, map: &str) -> Labels {
        let game = match self.scenario {
            ScenarioArg::Arena => "arena",
            ScenarioArg::RandomWalk => "random-walk",
            ScenarioArg::TransportFloor => "transport-floor",
        };
        Labels {
            game: game.into(),
            map: map.into(),
            capacity: config.room_capacity.saturating_mul(config.max_rooms),
        }
    }

    /// The server's settings, the game its rooms run and their labels, checked.
    fn build(&self) -> anyhow::Result<(ServerConfig, Box<dyn NewGame>, Labels)> {
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
            reconnect_window: Duration::from_secs(self.reconnect_window),
            max_spectators: self.max_spectators,
            view_radius: aoi.then_some(radius),
            tls: self.tls_files()?,
            echo: self.echo,
            match_length: Duration::from_secs(self.match_length),
            database: self.database.clone(),
            recordings: RecordingSettings {
                record: self.record,
                dir: self.recordings_dir.clone(),
                max_bytes: self.recordings_max_mb.saturating_mul(1024 * 1024),
                max_age: Duration::from_secs(self.recordings_max_days.saturating_mul(24 * 3600)),
            },
            ..ServerConfig::default()
        };
        // A room created through the API by anyone but an admin has at most the server's bots.
        config.room_policy.max_bots = self.bots;
        self.edge.apply(&mut config)?;
        self.netcode.apply(&mut config)?;
        config.fan_out = self.fan_out;
        config.input_reads = self.input_reads;
        let scenario = match self.scenario {
            ScenarioArg::Arena => {
                let settings = ArenaSettings::new(self.map.as_deref(), self.bots, self.tick_rate)?;
                let labels = self.labels(&config, &settings.map.name);
                return Ok((config, Box::new(settings.games()), labels));
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
        config.fixed_frame = scenario.fixed_frame();
        // The scenarios have no map of their own.
        let labels = self.labels(&config, "none");
        Ok((config, Box::new(scenario.games()), labels))
    }
}

/// Serves until SIGTERM or Ctrl-C, then drains.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let (config, games, labels) = args.build()?;
    // Every connection holds a file, plus the listeners, the runtime and a few more.
    tickwire_server::telemetry::process_stats::raise_open_file_limit(
        config.limits.max_connections as u64 + 64,
    );
    let orchestration = args.orchestration.start(&labels).await?;
    let server = Server::start_orchestrated(config.clone(), games, orchestration.orchestrator())
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
    orchestration.finish().await;
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

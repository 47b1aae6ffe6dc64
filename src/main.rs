//! `tickwire`: the game server binary. A thin layer over `tickwire-server`: flags in, server out.

mod loadgen_cli;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use tickwire_server::config::Scenario;
use tickwire_server::{Server, ServerConfig};

/// An authoritative multiplayer game server: fixed-tick simulation, binary delta snapshots over
/// WebSockets, and the browser game to play on it.
#[derive(Parser, Debug)]
#[command(name = "tickwire", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the game (the default when no subcommand is given).
    Serve(ServeArgs),
    /// Run the standard scenarios and the arena in-process and print what each client receives.
    Bandwidth(BandwidthArgs),
    /// Load a running server with headless WebSocket clients and print what they measured.
    Loadgen(loadgen_cli::LoadgenArgs),
}

#[derive(Args, Debug, Clone)]
struct BandwidthArgs {
    /// Seconds of simulated time measured per case (after 2 s of warm-up).
    #[arg(long, default_value_t = 10)]
    seconds: u32,
    /// Print JSON rows instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug, Clone)]
struct ServeArgs {
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
    /// Seconds a shutdown waits for players to leave.
    #[arg(long, env = "TICKWIRE_SHUTDOWN_GRACE", default_value_t = 5)]
    shutdown_grace: u64,
    /// Log format.
    #[arg(long, env = "TICKWIRE_LOG_FORMAT", value_enum, default_value = "text")]
    log_format: LogFormat,
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
    /// shared/scenarios/random-walk.md.
    RandomWalk,
    /// Sockets only: one pre-encoded frame per client per snapshot.
    TransportFloor,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum LogFormat {
    Text,
    Json,
}

impl ServeArgs {
    fn config(&self) -> ServerConfig {
        let scenario = match self.scenario {
            ScenarioArg::Arena => Scenario::Arena,
            ScenarioArg::RandomWalk => Scenario::RandomWalk {
                entities: self.entities,
                moving_pct: self.moving_pct,
            },
            ScenarioArg::TransportFloor => Scenario::TransportFloor {
                payload_bytes: self.payload_bytes,
            },
        };
        let arena = scenario == Scenario::Arena;
        let default_capacity = if arena { 32 } else { 10_000 };
        let aoi = self.aoi.map_or(arena, |a| a == OnOff::On);
        let radius = self.view_radius.unwrap_or(if arena {
            tickwire_server::config::ARENA_VIEW_RADIUS
        } else {
            tickwire_server::config::RANDOM_WALK_VIEW_RADIUS
        });
        ServerConfig {
            bind: self.bind,
            tick_rate: self.tick_rate,
            snapshot_rate: self.snapshot_rate,
            bots: self.bots,
            room_capacity: self.room_capacity.unwrap_or(default_capacity),
            max_rooms: self.max_rooms,
            map: self.map.clone(),
            seed: self.seed,
            shutdown_grace: Duration::from_secs(self.shutdown_grace),
            scenario,
            view_radius: aoi.then_some(radius),
        }
    }
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One readable line with the causes, not a backtrace.
            eprintln!("tickwire: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Serve(args)) => args,
        Some(Command::Bandwidth(args)) => return bandwidth(&args),
        Some(Command::Loadgen(args)) => return loadgen_cli::run(args),
        None => cli.serve,
    };
    init_logging(args.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(args))
}

fn bandwidth(args: &BandwidthArgs) -> anyhow::Result<()> {
    use tickwire_server::bandwidth_report::{measure, standard_cases, table};
    let mut rows = Vec::new();
    for case in standard_cases() {
        let row = measure(&case, args.seconds.max(1));
        if args.json {
            println!("{}", serde_json::to_string(&row)?);
        } else {
            eprintln!(
                "measured {} E={} C={}: {:.1} bits per entity update",
                row.scenario, row.entities, row.clients, row.bits_per_entity_update
            );
        }
        anyhow::ensure!(
            row.mismatches == 0,
            "a client's world differed from the server's"
        );
        rows.push(row);
    }
    if !args.json {
        print!("{}", table(&rows));
    }
    Ok(())
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Logs go to stderr, so stdout holds only what a person or script asked for (the URL).
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let config = args.config();
    let server = Server::start(config.clone())
        .await
        .context("cannot start the server")?;
    let addr = server.local_addr();
    let shown = if addr.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], addr.port()))
    } else {
        addr
    };
    println!("tickwire is serving the game at http://{shown}/  (open it in a browser to play)");
    tracing::info!(
        %addr,
        tick_rate = config.tick_rate,
        snapshot_rate = config.snapshot_rate,
        bots = config.bots,
        "listening; metrics at /metrics, health at /healthz"
    );
    wait_for_signal().await;
    server.shutdown().await;
    tracing::info!("stopped");
    Ok(())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

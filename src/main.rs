//! `tickwire`: the game server binary. A thin layer over the crates: flags in, a server (or a
//! tool) out. `anyhow` is used here and nowhere else.

mod cli;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use cli::serve::ServeArgs;

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
    Serve(Box<ServeArgs>),
    /// Run the standard scenarios and the arena in-process and print what each client receives.
    Bandwidth(cli::bandwidth::BandwidthArgs),
    /// Load a running server with headless WebSocket clients and print what they measured.
    Loadgen(cli::loadgen::LoadgenArgs),
    /// Write a self-signed certificate and key for serving over TLS locally.
    Cert(cli::cert::CertArgs),
    /// Run honest and misbehaving clients against a running server for minutes and check that
    /// it stays well.
    Soak(cli::soak::SoakArgs),
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
        Some(Command::Serve(args)) => *args,
        Some(Command::Bandwidth(args)) => return cli::bandwidth::run(&args),
        Some(Command::Loadgen(args)) => return cli::loadgen::run(args),
        Some(Command::Cert(args)) => return cli::cert::run(&args),
        Some(Command::Soak(args)) => return cli::soak::run(args),
        None => cli.serve,
    };
    cli::logging::init(args.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(cli::serve::serve(args))
}

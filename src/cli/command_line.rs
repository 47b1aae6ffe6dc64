//! The command line as clap sees it: the subcommands, and `serve`'s flags at the top level.

use clap::{Parser, Subcommand};

use crate::cli::serve::ServeArgs;

/// An authoritative multiplayer game server: fixed-tick simulation, binary delta snapshots over
/// WebSockets, and the browser game to play on it.
#[derive(Parser, Debug)]
#[command(name = "tickwire", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the game (the default when no subcommand is given).
    Serve(Box<ServeArgs>),
    /// Print the effective configuration (flags, environment, --config file, defaults) as a
    /// config file, each option with its help and where its value came from.
    Config(Box<ServeArgs>),
    /// Run the standard scenarios and the arena in-process and print what each client receives.
    Bandwidth(crate::cli::bandwidth::BandwidthArgs),
    /// Run the standard benchmark matrix against servers it starts itself and write a report
    /// (tables, JSON, SVG charts).
    Bench(crate::cli::bench::BenchArgs),
    /// Load a running server with headless WebSocket clients and print what they measured.
    Loadgen(crate::cli::loadgen::LoadgenArgs),
    /// Write a self-signed certificate and key for serving over TLS locally.
    Cert(crate::cli::cert::CertArgs),
    /// Run honest and misbehaving clients against a running server for minutes and check that
    /// it stays well.
    Soak(crate::cli::soak::SoakArgs),
    /// Match recordings: verify one by re-simulation, or measure what recording costs.
    Replay(crate::cli::replay::ReplayArgs),
}

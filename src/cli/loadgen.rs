//! `tickwire loadgen`: flags in, a load-generator run, a summary (and JSON) out.

use std::time::Duration;

use anyhow::Context as _;
use tickwire_tools::loadgen::{self, LoadgenConfig};

use crate::cli::logging::LogFormat;

/// Load a running tickwire server with headless clients over real WebSockets and print what
/// they received, next to the server's own figures from its /metrics.
#[derive(clap::Args, Debug, Clone)]
pub struct LoadgenArgs {
    /// The server's game socket. Only loopback hosts unless --allow-remote.
    #[arg(long, default_value = "ws://127.0.0.1:8080/ws")]
    url: String,
    /// Clients to connect.
    #[arg(long, default_value_t = 100)]
    clients: u32,
    /// Seconds of the measurement window.
    #[arg(long, default_value_t = 15)]
    duration: u64,
    /// Seconds of warm-up between the last client joining and the window.
    #[arg(long, default_value_t = 5)]
    warmup: u64,
    /// Clients connected per second during the ramp-up.
    #[arg(long, default_value_t = 200)]
    ramp_per_sec: u32,
    /// Seed of the clients' random inputs.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also print the figures as one JSON object, the last line of the output.
    #[arg(long)]
    json: bool,
    /// Allow a host that is not a loopback address (load only servers you are responsible for).
    #[arg(long)]
    allow_remote: bool,
    /// Players are named PREFIX-0, PREFIX-1, ...; by default `lg-` and the run's start time, so
    /// that players a storing server keeps say which run they came from (at most 16 characters).
    #[arg(long)]
    name_prefix: Option<String>,
    /// No progress line every second on stderr.
    #[arg(long)]
    quiet: bool,
    /// Every client sends its input at the same moment of each tick, instead of on its own
    /// clock from when it joined (as players do): what the server costs when its inputs arrive
    /// together, against the default, shows what its wake-ups for inputs cost.
    #[arg(long)]
    aligned_inputs: bool,
    /// Every N-th client applies its snapshots to a world; the others read each one's
    /// acknowledgement only (1: every client). At 1,000 clients of a large world, decoding
    /// everything takes more than a core: sample, so that a load generator on the server's
    /// machine can send the load it is asked for. Updates and bits/update are the decoders'.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    decode_every: u32,
}

/// Runs the load generator on a runtime of its own, prints the summary, and fails when no
/// client could join.
pub fn run(args: LoadgenArgs) -> anyhow::Result<()> {
    crate::cli::logging::init(LogFormat::Text);
    let config = LoadgenConfig {
        url: args.url,
        clients: args.clients,
        duration: Duration::from_secs(args.duration),
        warmup: Duration::from_secs(args.warmup),
        ramp_per_sec: args.ramp_per_sec,
        seed: args.seed,
        allow_remote: args.allow_remote,
        name_prefix: args.name_prefix.unwrap_or_else(loadgen::run_name_prefix),
        progress: (!args.quiet).then(|| "loadgen".to_owned()),
        aligned_inputs: args.aligned_inputs,
        decode_every: args.decode_every,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let report = runtime
        .block_on(loadgen::run(config))
        .context("load generator")?;
    // Tasks still reading sockets the run abandoned must not hold up the exit.
    runtime.shutdown_timeout(Duration::from_millis(100));
    println!("{report}");
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    }
    Ok(())
}

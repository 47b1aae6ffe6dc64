//! `tickwire soak`: flags in, a soak and chaos run, a summary (and JSON) out; fails when the
//! server did not stay well.

use std::time::Duration;

use anyhow::Context as _;
use tickwire_tools::soak::{self, SoakConfig, SoakError};

use crate::cli::logging::LogFormat;

/// Run honest and misbehaving clients against a running tickwire server for minutes, and check
/// that its memory stays flat, its players gauge returns to 0 and no honest client is harmed.
#[derive(clap::Args, Debug, Clone)]
pub struct SoakArgs {
    /// The server's game socket. Only loopback hosts unless --allow-remote.
    #[arg(long, default_value = "ws://127.0.0.1:8080/ws")]
    url: String,
    /// Where the server's /metrics is, when it is on an admin listener
    /// (http://127.0.0.1:PORT/metrics); by default the game socket's host and port.
    #[arg(long)]
    metrics_url: Option<String>,
    /// Minutes to run.
    #[arg(long, default_value_t = 2)]
    minutes: u64,
    /// Seconds to run, instead of --minutes.
    #[arg(long, conflicts_with = "minutes")]
    seconds: Option<u64>,
    /// Clients at once, honest and misbehaving.
    #[arg(long, default_value_t = 200)]
    clients: u32,
    /// Percent of the clients that misbehave.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u8).range(0..=100))]
    misbehaving_pct: u8,
    /// The most the server's resident memory may grow over the run, MiB.
    #[arg(long, default_value_t = 64.0)]
    max_rss_growth_mib: f64,
    /// Seconds a slow reader is held (or slow headers dripped) before it counts as survived;
    /// keep it above the server's --write-timeout and --header-timeout.
    #[arg(long, default_value_t = 15)]
    hold_seconds: u64,
    /// Seed of the honest clients' inputs and session lengths.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also print the report as one JSON object, the last line of the output.
    #[arg(long)]
    json: bool,
    /// Allow a host that is not a loopback address (only servers you are responsible for).
    #[arg(long)]
    allow_remote: bool,
}

/// Runs the soak on a runtime of its own, prints the report, and fails when a check failed.
pub fn run(args: SoakArgs) -> anyhow::Result<()> {
    crate::cli::logging::init(LogFormat::Text);
    let duration = match args.seconds {
        Some(s) => Duration::from_secs(s),
        None => Duration::from_secs(args.minutes.saturating_mul(60)),
    };
    let config = SoakConfig {
        url: args.url,
        metrics_url: args.metrics_url,
        duration,
        clients: args.clients,
        misbehaving_pct: args.misbehaving_pct,
        seed: args.seed,
        allow_remote: args.allow_remote,
        max_rss_growth_mib: args.max_rss_growth_mib,
        hold: Duration::from_secs(args.hold_seconds),
        ..SoakConfig::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(soak::run(config));
    // Tasks still holding sockets the run abandoned must not hold up the exit.
    runtime.shutdown_timeout(Duration::from_millis(100));
    let (report, failed) = match result {
        Ok(report) => (report, None),
        Err(SoakError::Failed { report }) => {
            let why = report.failures.join("; ");
            (*report, Some(why))
        }
        Err(e) => return Err(e).context("soak"),
    };
    println!("{report}");
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    }
    match failed {
        Some(why) => anyhow::bail!("soak failed: {why}"),
        None => Ok(()),
    }
}

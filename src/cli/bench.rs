//! `tickwire bench`: flags in, the standard matrix against servers it starts itself, a report
//! directory out (and its tables printed).

use std::path::PathBuf;

use anyhow::Context as _;
use tickwire_tools::bench::{self, BenchConfig, BenchScenario};

use crate::cli::logging::LogFormat;

/// Run the standard benchmark matrix: each scenario at each client count against a fresh server
/// this command starts itself (this binary, `serve` on a loopback port, storage off, connection
/// limits lifted), and write report.md, report.json and SVG charts.
#[derive(clap::Args, Debug, Clone)]
pub struct BenchArgs {
    /// Scenarios, comma-separated, measured in this order.
    #[arg(long, value_enum, value_delimiter = ',', default_values = ["random-walk", "transport-floor"])]
    scenarios: Vec<ScenarioArg>,
    /// Client counts, comma-separated, measured in this order for each scenario.
    #[arg(long, value_delimiter = ',', default_values_t = [50, 100, 200, 500])]
    clients: Vec<u32>,
    /// Seconds measured per point.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Seconds of warm-up per point, between the last client joining and the window.
    #[arg(long, default_value_t = 3)]
    warmup: u64,
    /// Clients connected per second.
    #[arg(long, default_value_t = 300)]
    ramp_per_sec: u32,
    /// random-walk: non-player entities.
    #[arg(long, default_value_t = 1000)]
    entities: u32,
    /// transport-floor: bytes of the frame (2844: random-walk's snapshot at E=1000, C=200).
    #[arg(long, default_value_t = 2844)]
    payload_bytes: usize,
    /// Tick and snapshot rate of the servers.
    #[arg(long, default_value_t = 30)]
    rate: u32,
    /// A quick run, a few seconds in all: random-walk at 10 and 20 clients, 2 s each (replaces
    /// --scenarios, --clients, --seconds and --warmup).
    #[arg(long)]
    quick: bool,
    /// The report directory (created when missing; its report files are replaced).
    #[arg(long, default_value = "bench-report")]
    out: PathBuf,
    /// A previous report directory: its figures go beside today's, with their ratio, and its
    /// lines dashed in the charts.
    #[arg(long, value_name = "PREVIOUS_DIR")]
    compare: Option<PathBuf>,
    /// No progress lines on stderr.
    #[arg(long)]
    quiet: bool,
    /// A further flag for every server the run starts, e.g. `--server-flag=--fan-out=tasks` to
    /// measure the path before the fan-out pass; repeat it for more.
    #[arg(long = "server-flag", value_name = "FLAG", allow_hyphen_values = true)]
    server_flags: Vec<String>,
    /// Measure every point against a server with this flag instead of the --server-flag ones,
    /// alternately in the same run, as the "before" columns: e.g. `--against=--fan-out=tasks`.
    /// Repeat it for more.
    #[arg(long = "against", value_name = "FLAG", allow_hyphen_values = true)]
    against_flags: Vec<String>,
    /// Measure every point against this binary (an older build, say), alternately in the same
    /// run, as the "before" columns; with --against, with those flags.
    #[arg(long, value_name = "PATH")]
    against_program: Option<PathBuf>,
    /// Runs of each point (of each side, with --against), alternating; the figures are each
    /// side's run of median CPU.
    #[arg(long, default_value_t = 1)]
    rounds: u32,
    /// Every N-th client applies its snapshots to a world; the others read each one's
    /// acknowledgement only (1: every client). Decoding everything for 1,000 clients takes more
    /// than a core: sample so that the load generator can send the load beside the server.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    decode_every: u32,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ScenarioArg {
    /// random-walk, every entity moving.
    RandomWalk,
    /// random-walk, 10 % of the entities moving each tick (named as the report names it).
    #[value(name = "random-walk-10")]
    RandomWalk10,
    /// transport-floor: sockets only.
    TransportFloor,
}

impl From<ScenarioArg> for BenchScenario {
    fn from(s: ScenarioArg) -> BenchScenario {
        match s {
            ScenarioArg::RandomWalk => BenchScenario::RandomWalk,
            ScenarioArg::RandomWalk10 => BenchScenario::RandomWalk10,
            ScenarioArg::TransportFloor => BenchScenario::TransportFloor,
        }
    }
}

/// Runs the matrix, writes the report and prints its tables.
pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    crate::cli::logging::init_at(LogFormat::Text, "warn");
    let config = BenchConfig {
        program: std::env::current_exe().context("cannot find this program's path")?,
        scenarios: args.scenarios.into_iter().map(Into::into).collect(),
        clients: args.clients,
        seconds: args.seconds,
        warmup: args.warmup,
        ramp_per_sec: args.ramp_per_sec,
        entities: args.entities,
        payload_bytes: args.payload_bytes,
        rate: args.rate,
        out: args.out,
        compare: args.compare,
        progress: !args.quiet,
        server_flags: args.server_flags,
        against: None,
        rounds: args.rounds,
        decode_every: args.decode_every,
    };
    let against = (args.against_program.is_some() || !args.against_flags.is_empty()).then(|| {
        bench::Against {
            program: args
                .against_program
                .clone()
                .unwrap_or_else(|| config.program.clone()),
            server_flags: args.against_flags.clone(),
        }
    });
    let config = BenchConfig { against, ..config };
    let config = if args.quick { config.quick() } else { config };
    let run = bench::run(&config).context("bench")?;
    print!(
        "{}",
        bench::markdown::render(&run.report, run.previous.as_ref())
    );
    println!(
        "\nreport written to {}",
        config.out.join("report.md").display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        bench: BenchArgs,
    }

    #[test]
    fn scenarios_are_named_as_the_report_names_them_and_server_flags_pass_through() {
        let cli = Cli::try_parse_from([
            "bench",
            "--scenarios",
            "random-walk-10,transport-floor",
            "--server-flag=--fan-out=tasks",
        ])
        .expect("parses");
        assert_eq!(
            cli.bench.scenarios,
            [ScenarioArg::RandomWalk10, ScenarioArg::TransportFloor]
        );
        assert_eq!(cli.bench.server_flags, ["--fan-out=tasks"]);
        let cli = Cli::try_parse_from(["bench", "--against=--fan-out=tasks", "--rounds", "3"])
            .expect("parses");
        assert_eq!(cli.bench.against_flags, ["--fan-out=tasks"]);
        assert_eq!(cli.bench.rounds, 3);
    }
}

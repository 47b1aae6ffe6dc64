//! `tickwire replay`: verify a recording by re-simulating it, or measure what recording costs.

use std::path::PathBuf;

use anyhow::Context as _;
use tickwire_arena::ArenaSettings;
use tickwire_server::recording::replay_sim::verify;

/// Recordings of matches.
#[derive(clap::Args, Debug, Clone)]
pub struct ReplayArgs {
    #[command(subcommand)]
    command: ReplayCommand,
}

#[derive(clap::Subcommand, Debug, Clone)]
enum ReplayCommand {
    /// Re-simulate an arena recording and compare its checksums tick by tick; names the first
    /// tick (or the file's part) that differs.
    Verify {
        /// The recording.
        file: PathBuf,
        /// The map file the server ran with `--map`, for a recording on that map.
        #[arg(long)]
        map: Option<PathBuf>,
    },
    /// Run an arena match with recording off and on, side by side, and print the room tick's
    /// p99 and the recording's bytes a minute per player.
    Cost {
        /// Scripted players, each sending an input every tick.
        #[arg(long, default_value_t = 8)]
        players: usize,
        /// Bots.
        #[arg(long, default_value_t = 8)]
        bots: u32,
        /// Simulated seconds.
        #[arg(long, default_value_t = 120)]
        seconds: u32,
        /// Ticks a second.
        #[arg(long, default_value_t = 60)]
        tick_rate: u32,
        /// Print a JSON row instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Runs the subcommand.
pub fn run(args: &ReplayArgs) -> anyhow::Result<()> {
    match &args.command {
        ReplayCommand::Verify { file, map } => {
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let games = ArenaSettings::new(map.as_deref(), 0, 60)?.games();
            let v = verify(&bytes, &games)
                .with_context(|| format!("{} does not verify", file.display()))?;
            println!(
                "{}: {} ticks re-simulated, checksums equal on every tick, {} keyframes equal{}",
                file.display(),
                v.ticks,
                v.keyframes,
                if v.complete {
                    String::new()
                } else {
                    format!(" (the file was cut off; {} items lost)", v.lost)
                }
            );
            Ok(())
        }
        ReplayCommand::Cost {
            players,
            bots,
            seconds,
            tick_rate,
            json,
        } => {
            let dir = std::env::temp_dir();
            let c = tickwire_tools::replay_cost::measure(
                *players,
                *bots,
                (*seconds).max(1),
                *tick_rate,
                &dir,
            )?;
            if *json {
                println!("{}", serde_json::to_string(&c)?);
            } else {
                println!(
                    "arena, {} players + {} bots, {} s: recording {} bytes = {:.0} bytes/min/player; \
                     room tick p50 {:.1} us off, {:.1} us on, p99 {:.1} us off, {:.1} us on; verified: {}",
                    c.players,
                    c.bots,
                    c.seconds,
                    c.bytes,
                    c.bytes_per_minute_per_player,
                    c.tick_p50_off_us,
                    c.tick_p50_on_us,
                    c.tick_p99_off_us,
                    c.tick_p99_on_us,
                    c.verified
                );
            }
            anyhow::ensure!(c.verified, "the recording did not verify");
            Ok(())
        }
    }
}

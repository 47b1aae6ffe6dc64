//! Runs the `server_tick` benchmark's dry run for a fixed number of ticks, for instruction
//! counts that do not depend on the machine's load (criterion's wall clock does):
//!
//! ```text
//! cargo build --release -p tickwire-tools --example tick_cost
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*measured_ticks*' \
//!     target/release/examples/tick_cost 10000 1000 40 10
//! ```
//!
//! Arguments: entities, clients, view radius (`all`: no area of interest), measured ticks, and
//! optionally `verify` (every client decodes and checks every delta). It prints the summed
//! figures of the measured ticks; with `verify`, their digest too, which changes when any byte
//! sent changes. It also prints the wall-clock time a tick took; `TICK_COST_WORKERS=2` spreads
//! the clients over two workers as the benchmark does.

use std::hint::black_box;

use tickwire_tools::bandwidth_report::Case;
use tickwire_tools::dry_run::{DryRun, SnapshotBytes};

/// The allocator the `tickwire` binary runs on, so that a tick costs here what it costs there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The ticks callgrind counts (`--toggle-collect`): kept out of line so that its name stays.
#[inline(never)]
fn measured_ticks(run: &mut DryRun, ticks: u32) -> SnapshotBytes {
    let mut sum = SnapshotBytes::default();
    for _ in 0..ticks {
        if let Some(b) = black_box(run.tick()) {
            sum.bytes += b.bytes;
            sum.entity_updates += b.entity_updates;
            sum.cache_hits += b.cache_hits;
            sum.cache_misses += b.cache_misses;
            sum.mismatches += b.mismatches;
            sum.digest = sum.digest.rotate_left(5) ^ b.digest;
        }
    }
    sum
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.into());
    let number = |i: usize, default: &str| -> u32 {
        arg(i, default).parse().unwrap_or_else(|_| {
            eprintln!("usage: tick_cost ENTITIES CLIENTS RADIUS|all TICKS [verify]");
            std::process::exit(2)
        })
    };
    let (entities, clients) = (number(0, "10000"), number(1, "1000"));
    let radius = match arg(2, "40").as_str() {
        "all" => None,
        r => r.parse().ok(),
    };
    let ticks = number(3, "10");
    let verify = arg(4, "") == "verify";
    // On one thread unless asked: callgrind counts the same instructions either way, and the
    // threads started per tick would add their own.
    let workers = std::env::var("TICK_COST_WORKERS")
        .ok()
        .and_then(|w| w.parse().ok())
        .unwrap_or(1);
    let mut run = Case::random_walk(entities, 100, clients as usize, radius)
        .dry_run(verify)
        .with_workers(workers);
    // As the benchmark does: past the first full snapshots, into the steady state.
    for _ in 0..30 {
        run.tick();
    }
    let started = std::time::Instant::now();
    let sum = measured_ticks(&mut run, ticks);
    eprintln!(
        "{:?} a tick on {workers} worker(s) (wall clock)",
        started.elapsed() / ticks.max(1)
    );
    println!(
        "entities {entities} clients {clients} radius {radius:?} ticks {ticks}: bytes {} \
         updates {} cache hits {} misses {} mismatches {} digest {:016x}",
        sum.bytes, sum.entity_updates, sum.cache_hits, sum.cache_misses, sum.mismatches, sum.digest
    );
}

//! `tickwire bandwidth`: the bandwidth report as a table (or JSON rows).

use tickwire_tools::bandwidth_report::{measure, standard_cases, table};

/// Run the standard scenarios and the arena in-process and print what each client receives.
#[derive(clap::Args, Debug, Clone)]
pub struct BandwidthArgs {
    /// Seconds of simulated time measured per case (after 2 s of warm-up).
    #[arg(long, default_value_t = 10)]
    seconds: u32,
    /// Print JSON rows instead of a table.
    #[arg(long)]
    json: bool,
}

/// Measures every standard case; fails when a client's world ever differed from the server's.
pub fn run(args: &BandwidthArgs) -> anyhow::Result<()> {
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

//! The full server tick without sockets: inputs in, step, capture, and one view, one delta and
//! one message per client, as `DryRun` does it. One iteration is one snapshot tick.
//!
//! `cargo bench --bench server_tick`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tickwire_tools::bandwidth_report::Case;

/// The allocator the `tickwire` binary runs on, so that a tick costs here what it costs there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn server_tick(c: &mut Criterion) {
    let mut g = c.benchmark_group("server_tick");
    g.sample_size(30);
    // 1,000 moving entities on 1024 x 1024; a view radius of 130 shows each client about 100.
    let cases = [
        (
            "e1000_c100_view100",
            Case::random_walk(1000, 100, 100, Some(130.0)),
        ),
        (
            "e1000_c200_all_visible",
            Case::random_walk(1000, 100, 200, None),
        ),
        (
            "e10000_c1000_view100",
            Case::random_walk(10_000, 100, 1000, Some(40.0)),
        ),
    ];
    for (name, case) in cases {
        let mut run = case.dry_run(false);
        for _ in 0..30 {
            run.tick();
        }
        g.bench_function(name, |b| b.iter(|| black_box(run.tick())));
    }
    g.finish();
}

criterion_group!(benches, server_tick);
criterion_main!(benches);

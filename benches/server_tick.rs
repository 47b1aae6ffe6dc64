//! The full server tick without sockets: inputs in, step, capture, and one view, one delta and
//! one message per client, as `DryRun` does it. One iteration is one snapshot tick.
//!
//! `cargo bench --bench server_tick`

use std::hint::black_box;
use std::net::SocketAddr;

use criterion::{Criterion, criterion_group, criterion_main};
use tickwire_server::ServerConfig;
use tickwire_server::config::Scenario;
use tickwire_server::dry_run::DryRun;

fn random_walk(entities: u32, view_radius: Option<f32>) -> ServerConfig {
    ServerConfig {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        tick_rate: 30,
        snapshot_rate: 30,
        scenario: Scenario::RandomWalk {
            entities,
            moving_pct: 100,
        },
        view_radius,
        ..ServerConfig::default()
    }
}

fn server_tick(c: &mut Criterion) {
    let mut g = c.benchmark_group("server_tick");
    g.sample_size(30);
    // 1,000 moving entities on 1024 x 1024; a view radius of 130 shows each client about 100.
    let cases = [
        ("e1000_c100_view100", random_walk(1000, Some(130.0)), 100),
        ("e1000_c200_all_visible", random_walk(1000, None), 200),
        (
            "e10000_c1000_view100",
            random_walk(10_000, Some(40.0)),
            1000,
        ),
    ];
    for (name, config, clients) in cases {
        let mut run = DryRun::new(&config, clients, false);
        for _ in 0..30 {
            run.tick();
        }
        g.bench_function(name, |b| b.iter(|| black_box(run.tick())));
    }
    g.finish();
}

criterion_group!(benches, server_tick);
criterion_main!(benches);

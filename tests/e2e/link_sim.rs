//! The link conditioner: latency, jitter and stalls on real loopback sessions, counted in
//! `/metrics`, and nothing of it when off.

use std::time::Duration;

use tickwire_server::LinkSim;

use crate::harness::{arena_config, join, round_trip, start_arena};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_and_stalls_delay_both_ways_and_keep_the_stream_whole() {
    let mut config = arena_config();
    config.link_sim = LinkSim {
        latency: Duration::from_millis(50),
        jitter: Duration::from_millis(20),
        stall_every: Duration::from_secs(1),
        stall: Duration::from_millis(250),
    };
    let server = start_arena(config, 2).await;
    let mut c = join(&server, "far away").await;
    // Pings paced over more than a stall period, so that some meet a stall.
    let mut pace = tokio::time::interval(Duration::from_millis(250));
    let mut rtts = Vec::new();
    for nonce in 1..=12 {
        pace.tick().await;
        rtts.push(round_trip(&mut c, nonce).await);
    }
    let min = rtts.iter().min().copied().unwrap_or_default();
    let max = rtts.iter().max().copied().unwrap_or_default();
    println!(
        "link_sim: round trips over 50 ms +- 20 ms each way, 250 ms stall every 1 s: min {min:?}, max {max:?}"
    );
    // 50 ms each way, less at most 20 ms of jitter each way.
    assert!(min >= Duration::from_millis(60), "{rtts:?}");
    // Some ping met a stall in at least one direction.
    assert!(max >= Duration::from_millis(200), "{rtts:?}");
    // Every snapshot decoded against its baseline: the stream stayed whole and in order.
    for _ in 0..10 {
        c.next_snapshot().await.expect("snapshots keep coming");
    }
    // The text `/metrics` serves.
    let metrics = server.shared().metrics.render();
    for line in [
        "tickwire_link_sim_latency_ms 50",
        "tickwire_link_sim_jitter_ms 20",
        "tickwire_link_sim_stall_every_ms 1000",
        "tickwire_link_sim_stall_ms 250",
    ] {
        assert!(metrics.contains(line), "{line} in {metrics}");
    }
    let stalled = metrics
        .lines()
        .find_map(|l| l.strip_prefix("tickwire_link_sim_chunks_stalled_total "))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(0);
    assert!(stalled > 0, "stalls counted");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn off_by_default_adds_nothing() {
    let server = start_arena(arena_config(), 0).await;
    let mut c = join(&server, "near").await;
    let rtt = round_trip(&mut c, 7).await;
    // The text `/metrics` serves.
    let metrics = server.shared().metrics.render();
    assert!(metrics.contains("tickwire_link_sim_latency_ms 0"));
    assert!(
        metrics.contains("tickwire_link_sim_bytes_total 0"),
        "{metrics}"
    );
    println!("link_sim off: round trip {rtt:?}");
    server.shutdown().await;
}

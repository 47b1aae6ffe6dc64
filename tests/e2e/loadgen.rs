//! The load generator against a real server: every client joins, receives snapshots at the
//! server's rate without errors, and the server's own figures are read from /metrics.

use std::time::Duration;

use tickwire_tools::loadgen::{self, LoadgenConfig, LoadgenError, TargetError};

use crate::harness::start;
use crate::process::ServerProcess;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_run_measures_every_client() {
    let server = start(2).await;
    let report = short_run(&server, 20, 3, false).await;
    server.shutdown().await;
    eprintln!("{report}");

    assert_eq!(report.clients_connected, 20, "{report}");
    assert_eq!(report.clients_measured, 20, "{report}");
    assert_eq!(report.connect_failures, 0, "{report}");
    assert_eq!(report.snapshot_rate, 30);
    // Correctness, not speed: the rate must be the server's, but on a 2-core machine running other
    // tests beside this one a 3 s window can be off by a good share either way (a late reader
    // catches up with a backlog), so the bounds are loose.
    let rate = report.snapshots_per_sec_per_client;
    assert!(
        (15.0..=45.0).contains(&rate),
        "{rate} snapshots/s\n{report}"
    );
    let slowest = report.snapshots_per_sec_slowest_client;
    assert!(
        slowest > 0.0 && slowest <= rate,
        "slowest client {slowest} snapshots/s\n{report}"
    );
    assert_eq!(report.decode_errors, 0, "{report}");
    assert_eq!(report.unexpected_closes, 0, "{report}");
    assert!(report.bytes_per_sec_per_client > 0.0, "{report}");
    assert!(report.entity_updates_per_sec > 0.0, "{report}");
    assert!(report.inputs_per_sec_per_client > 20.0, "{report}");
    assert!(report.input_ack_latency_ms_p50.is_some(), "{report}");
    assert!(report.server_tick_ms_p50.is_some(), "{report}");
    assert!(report.metrics_error.is_none(), "{report}");

    assert!(report.input_ack_samples > 0, "{report}");

    // The JSON holds every figure a benchmark script reads, each a finite number in a range that
    // any working run reaches (loose: this must hold on a loaded 2-core machine too).
    let json = serde_json::to_value(&report).expect("json");
    let figure = |key: &str| -> f64 {
        let v = json
            .get(key)
            .unwrap_or_else(|| panic!("{key} missing from {json}"))
            .as_f64()
            .unwrap_or_else(|| panic!("{key} is not a number in {json}"));
        assert!(v.is_finite(), "{key} = {v}\n{report}");
        v
    };
    let in_range = |key: &str, lo: f64, hi: f64| {
        let v = figure(key);
        assert!(
            (lo..=hi).contains(&v),
            "{key} = {v}, expected {lo}..={hi}\n{report}"
        );
        v
    };
    in_range("clients_requested", 20.0, 20.0);
    in_range("clients_connected", 20.0, 20.0);
    in_range("connect_failures", 0.0, 0.0);
    in_range("decode_errors", 0.0, 0.0);
    in_range("unexpected_closes", 0.0, 0.0);
    in_range("duration_s", 3.0, 3.0);
    let rate = in_range("snapshots_per_sec_per_client", 15.0, 45.0);
    in_range("snapshots_per_sec_slowest_client", f64::MIN_POSITIVE, rate);
    in_range("bytes_per_sec_per_client", 1.0, 10e6);
    in_range("entity_updates_per_sec", 1.0, 1e6);
    in_range("bits_per_entity_update", 5.0, 200.0);
    // The latencies and tick durations are ordered: p50 <= p99 <= max.
    let p50 = in_range("input_ack_latency_ms_p50", f64::MIN_POSITIVE, 10_000.0);
    let p99 = in_range("input_ack_latency_ms_p99", p50, 10_000.0);
    in_range("input_ack_latency_ms_max", p99, 60_000.0);
    let p50 = in_range("server_tick_ms_p50", f64::MIN_POSITIVE, 10_000.0);
    let p99 = in_range("server_tick_ms_p99", p50, 10_000.0);
    in_range("server_tick_ms_max", p99, 10_000.0);
    in_range("server_ticks_per_sec", 1.0, 1_000.0);
    in_range("server_cpu_pct", f64::MIN_POSITIVE, 100_000.0);
    in_range("server_cpu_ms_per_tick", f64::MIN_POSITIVE, 10_000.0);
    in_range("server_rss_mb", 1.0, 1e6);
    in_range("loadgen_cpu_pct", f64::MIN_POSITIVE, 100_000.0);
}

#[tokio::test]
async fn a_remote_url_is_refused_before_any_traffic() {
    // 10.0.0.1 is never contacted: the refusal comes before any lookup or connect, so it is
    // immediate (a connect attempt would take seconds to time out).
    let config = LoadgenConfig {
        url: "ws://10.0.0.1:1/ws".into(),
        clients: 1,
        ..LoadgenConfig::default()
    };
    let result = tokio::time::timeout(Duration::from_millis(500), loadgen::run(config))
        .await
        .expect("refused at once");
    match result {
        Err(LoadgenError::Target(TargetError::NotLoopback { host })) => {
            assert_eq!(host, "10.0.0.1");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let err = LoadgenError::Target(TargetError::NotLoopback {
        host: "10.0.0.1".into(),
    });
    assert!(err.to_string().contains("--allow-remote"), "{err}");
}

/// Runs 8 clients for a short window against a server started with `limits`, and returns the
/// report.
async fn against_limited(limits: &[&str]) -> loadgen::Report {
    let mut args = vec![
        "--database",
        "none",
        "--scenario",
        "random-walk",
        "--entities",
        "50",
    ];
    args.extend_from_slice(limits);
    let server = ServerProcess::start(&args).await;
    let config = LoadgenConfig {
        url: format!("ws://{}/ws", server.addr()),
        clients: 8,
        warmup: Duration::from_millis(500),
        duration: Duration::from_secs(1),
        ..LoadgenConfig::default()
    };
    tokio::time::timeout(Duration::from_secs(20), loadgen::run(config))
        .await
        .expect("the run ends by itself")
        .expect("some clients join")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_past_the_per_address_limit_are_counted_with_the_reason() {
    let report = against_limited(&["--max-connections-per-ip", "3"]).await;
    assert_eq!(report.clients_connected, 3, "{report}");
    assert_eq!(report.connect_failures, 5, "{report}");
    let groups = &report.connect_failures_by_reason;
    assert_eq!(groups.len(), 1, "{report}");
    assert_eq!(groups[0].count, 5);
    assert_eq!(
        groups[0].reason,
        "HTTP 429 at the upgrade: too many connections from your address"
    );
    assert!(
        groups[0]
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("--max-connections-per-ip 0")),
        "{report}"
    );
    // The summary a person reads says it too, not "operation was canceled".
    let text = report.to_string();
    assert!(
        text.contains("5 × HTTP 429 at the upgrade: too many connections from your address"),
        "{text}"
    );
    assert!(!text.contains("operation was canceled"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_past_the_rooms_capacity_are_counted_with_the_close_reason() {
    let report = against_limited(&[
        "--max-connections-per-ip",
        "0",
        "--room-capacity",
        "2",
        "--max-rooms",
        "1",
    ])
    .await;
    assert_eq!(report.clients_connected, 2, "{report}");
    let groups = &report.connect_failures_by_reason;
    assert_eq!(groups.len(), 1, "{report}");
    assert_eq!(groups[0].count, 6, "{report}");
    assert!(
        groups[0]
            .reason
            .starts_with("closed by the server with 4002"),
        "{report}"
    );
    assert!(
        groups[0]
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("--room-capacity")),
        "{report}"
    );
}

#[tokio::test]
async fn no_server_at_all_says_the_connect_was_refused() {
    // A port nothing listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let config = LoadgenConfig {
        url: format!("ws://127.0.0.1:{port}/ws"),
        clients: 3,
        ..LoadgenConfig::default()
    };
    let result = tokio::time::timeout(Duration::from_secs(10), loadgen::run(config))
        .await
        .expect("refused at once");
    match result {
        Err(e @ LoadgenError::NoClientJoined { .. }) => {
            let text = e.to_string();
            assert!(text.contains("3 × TCP connect refused"), "{text}");
            assert!(text.contains("nothing listens there"), "{text}");
        }
        other => panic!("expected no client to join, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_with_aligned_inputs_still_send_one_a_tick_and_are_acknowledged() {
    let server = start(0).await;
    let report = short_run(&server, 10, 2, true).await;
    server.shutdown().await;
    assert_eq!(report.clients_measured, 10, "{report}");
    assert_eq!(report.connect_failures, 0, "{report}");
    // The arena ticks at 60: an input a tick, loosely (a loaded machine skips timer ticks).
    assert!(report.inputs_per_sec_per_client > 40.0, "{report}");
    assert!(report.input_ack_samples > 0, "{report}");
}

/// A run of `clients` against `server`: 1 s of warm-up, `seconds` measured, bounded at 20 s.
async fn short_run(
    server: &tickwire_server::Server,
    clients: u32,
    seconds: u64,
    aligned_inputs: bool,
) -> loadgen::Report {
    let config = LoadgenConfig {
        url: format!("ws://{}/ws", server.local_addr()),
        clients,
        warmup: Duration::from_secs(1),
        duration: Duration::from_secs(seconds),
        aligned_inputs,
        ..LoadgenConfig::default()
    };
    tokio::time::timeout(Duration::from_secs(20), loadgen::run(config))
        .await
        .expect("the run ends by itself")
        .expect("the run succeeds")
}

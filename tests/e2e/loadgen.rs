//! The load generator against a real server: every client joins, receives snapshots at the
//! server's rate without errors, and the server's own figures are read from /metrics.

use std::time::Duration;

use tickwire_tools::loadgen::{self, LoadgenConfig, LoadgenError, TargetError};

use crate::harness::start;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_run_measures_every_client() {
    let server = start(2).await;
    let config = LoadgenConfig {
        url: format!("ws://{}/ws", server.local_addr()),
        clients: 20,
        warmup: Duration::from_secs(1),
        duration: Duration::from_secs(3),
        ..LoadgenConfig::default()
    };
    let report = tokio::time::timeout(Duration::from_secs(20), loadgen::run(config))
        .await
        .expect("the run ends by itself")
        .expect("the run succeeds");
    server.shutdown().await;
    eprintln!("{report}");

    assert_eq!(report.clients_connected, 20, "{report}");
    assert_eq!(report.clients_measured, 20, "{report}");
    assert_eq!(report.connect_failures, 0, "{report}");
    assert_eq!(report.snapshot_rate, 30);
    let rate = report.snapshots_per_sec_per_client;
    assert!(
        (27.0..=33.0).contains(&rate),
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
    assert!(report.inputs_per_sec_per_client > 50.0, "{report}");
    assert!(report.input_ack_latency_ms_p50.is_some(), "{report}");
    assert!(report.server_tick_ms_p50.is_some(), "{report}");
    assert!(report.metrics_error.is_none(), "{report}");

    // The JSON holds every key a benchmark script reads.
    let json = serde_json::to_value(&report).expect("json");
    for key in [
        "clients_requested",
        "clients_connected",
        "duration_s",
        "snapshots_per_sec_per_client",
        "snapshots_per_sec_slowest_client",
        "bytes_per_sec_per_client",
        "entity_updates_per_sec",
        "bits_per_entity_update",
        "input_ack_latency_ms_p50",
        "input_ack_latency_ms_p99",
        "decode_errors",
        "unexpected_closes",
        "connect_failures",
        "server_tick_ms_p50",
        "server_tick_ms_p99",
        "server_tick_ms_max",
        "server_cpu_pct",
        "server_cpu_ms_per_tick",
        "server_rss_mb",
        "loadgen_cpu_pct",
    ] {
        assert!(json.get(key).is_some(), "{key} missing from {json}");
    }
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

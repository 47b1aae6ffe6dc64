//! The soak and chaos run against a real server with short timeouts: honest clients unharmed,
//! every misbehaviour tried and answered as it should be, the players gauge back at 0.

use std::time::Duration;

use tickwire_server::{Limits, ServerConfig};
use tickwire_tools::soak::{self, SoakConfig, SoakError};

use crate::harness::{arena_config, start_arena};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_soak_leaves_the_server_well() {
    let config = ServerConfig {
        limits: Limits {
            write_timeout: Duration::from_millis(500),
            header_timeout: Duration::from_millis(500),
            hello_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(5),
            max_connections_per_ip: 8,
            ..Limits::default()
        },
        ..arena_config()
    };
    // Bots make the snapshots large enough for a slow reader to fill its socket soon.
    let server = start_arena(config, 40).await;
    let soak = SoakConfig {
        url: format!("ws://{}/ws", server.local_addr()),
        duration: Duration::from_secs(8),
        clients: 30,
        misbehaving_pct: 30,
        rejoin_after: (Duration::from_secs(2), Duration::from_secs(4)),
        hold: Duration::from_secs(4),
        address_probe: 16,
        drain_limit: Duration::from_secs(10),
        ..SoakConfig::default()
    };
    let result = tokio::time::timeout(Duration::from_secs(45), soak::run(soak))
        .await
        .expect("the run ends by itself");
    let report = match result {
        Ok(report) => report,
        Err(SoakError::Failed { report }) => panic!("the soak failed:\n{report}"),
        Err(e) => panic!("the soak could not run: {e}"),
    };
    server.shutdown().await;
    eprintln!("{report}");

    assert_eq!((report.clients, report.misbehaving), (30, 9), "{report}");
    assert_eq!(report.players_end, Some(0.0), "{report}");
    assert_eq!(report.honest.decode_errors, 0, "{report}");
    assert_eq!(report.honest.unexpected_closes, 0, "{report}");
    assert!(report.honest.joins >= 21, "{report}");
    assert!(report.honest.leaves > 0, "{report}");
    assert!(report.honest.snapshots > 0, "{report}");
    assert!(report.failures.is_empty(), "{report}");
    for kind in soak::Kind::ALL {
        let k = &report.misbehaviours[kind.as_str()];
        assert!(k.tried >= 1, "{} never tried\n{report}", kind.as_str());
        // The server answers WebSocket pings with pongs (dropped when its control queue is
        // full) and does not count them as messages, so a ping flood is survived, not closed:
        // only that it was tried, and harmed no honest client, is asserted here.
        if kind == soak::Kind::PingFlood {
            continue;
        }
        assert!(
            k.as_expected >= 1,
            "{} never as expected\n{report}",
            kind.as_str()
        );
    }
    let closes = |reason: &str| report.server_closes.get(reason).copied().unwrap_or(0);
    assert!(closes("slow") >= 1, "{report}");
    let per_address = report.server_refusals.get("per_address").copied();
    assert!(per_address.unwrap_or(0) >= 1, "{report}");
    let (rss0, rss1) = (
        report.rss_start_mib.expect("rss at start"),
        report.rss_end_mib.expect("rss at end"),
    );
    assert!(rss1 - rss0 < 64.0, "{report}");
    assert!(report.tick_p99_ms.is_some(), "{report}");
    let json = serde_json::to_value(&report).expect("json");
    assert_eq!(json["players_end"], 0.0);
}

//! End-to-end tests: the real server on a loopback port, real WebSocket clients.
//! One binary, a module per behaviour.

mod admin;
mod agones;
mod agones_run;
mod api;
mod arena_entity;
mod bad_input;
mod bench;
mod browser;
mod browser_layout;
mod browser_lobby;
mod browser_messages;
mod cdp;
mod close_at_once;
mod config_file;
mod conformance;
mod crash;
mod cut_proxy;
mod drain;
mod events;
mod flag_page;
mod guessing;
mod harness;
mod http_edge;
mod join;
mod lag_shot;
mod limits;
mod link_sim;
mod loadgen;
mod names;
mod netcode_feel;
mod netem;
mod node_tests;
mod paced_reads;
mod png;
mod process;
mod recording;
mod replay_viewer;
mod resume;
mod room_quota;
mod rooms;
mod rooms_api;
mod schema;
mod slow_body;
mod soak;
mod spectate;
mod stall;
mod stop_mid_match;
mod storage;
mod storage_pg;
mod sync;
mod tag_page;
mod tls;
mod tokens;

/// The skips of this run, at its end: named to sort after every other test, so that libtest
/// starts it last. Reliable in what it says: which programs are missing here (so which tests
/// skip, each with its own `SKIPPED` banner) is probed again; the skips recorded so far count
/// every test that had already made its check, and a test still starting may add one more
/// banner after this line (each banner numbers the skips so far).
#[test]
fn zz_skipped_tests_summary() {
    use std::io::Write as _;
    let missing: Vec<&str> = [
        ("Chromium", cdp::find_chromium().is_some()),
        (
            "PostgreSQL",
            tickwire_testkit::pg_cluster::bin_dir().is_some(),
        ),
        ("node", node_tests::node_present()),
        ("protoc", agones_run::protoc_present()),
    ]
    .into_iter()
    .filter(|(_, found)| !found)
    .map(|(name, _)| name)
    .collect();
    let skipped = harness::skipped();
    let _ = writeln!(
        std::io::stderr(),
        "\n================================================================================\n\
         e2e: {} test(s) skipped so far in this run{}; missing here: {}\n{}\
         ================================================================================",
        skipped.len(),
        if harness::under_ci() {
            " (CI: a missing program fails its tests instead)"
        } else {
            ""
        },
        if missing.is_empty() {
            "nothing".to_string()
        } else {
            missing.join(", ")
        },
        skipped
            .iter()
            .map(|s| format!("  SKIPPED {s}\n"))
            .collect::<String>()
    );
}

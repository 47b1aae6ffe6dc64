//! The layout's rules, read from the dependency graph itself (`cargo tree`), so that a change
//! that breaks one fails here rather than in a review:
//! - protocol and sim never depend on tokio, hyper, fastwebsockets or any other tickwire crate
//!   (protocol's own derive macro aside, which depends on no crate of ours);
//! - the server never depends on the tools, the client, or a particular game;
//! - the store depends on no other tickwire crate (it knows no game, protocol or server);
//! - the recording format (replay) depends on the protocol only, and on no IO;
//! - the client never depends on the server (a bot never compiles it).

use std::process::Command;

/// Every package `package` depends on for normal builds, transitively, as crate names.
fn dependencies(package: &str) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "--edges",
            "normal",
            "--prefix",
            "none",
            "--package",
            package,
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree -p {package} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut names: Vec<String> = text
        .lines()
        .skip(1) // the package itself
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
}

fn assert_none_of(package: &str, forbidden: &[&str]) {
    let deps = dependencies(package);
    assert!(
        deps.len() > 1,
        "{package}: cargo tree listed nothing: {deps:?}"
    );
    let found: Vec<&String> = deps
        .iter()
        .filter(|d| forbidden.contains(&d.as_str()))
        .collect();
    assert!(found.is_empty(), "{package} depends on {found:?}");
}

const IO: &[&str] = &["tokio", "hyper", "hyper-util", "fastwebsockets", "socket2"];
const TICKWIRE: &[&str] = &[
    "tickwire-protocol",
    "tickwire-sim",
    "tickwire-scenarios",
    "tickwire-server",
    "tickwire-arena",
    "tickwire-client",
    "tickwire-tools",
    "tickwire-store",
    "tickwire-derive",
    "tickwire-replay",
];

/// Everything of ours but the derive macro, which the protocol re-exports.
fn ours_but_derive() -> Vec<&'static str> {
    TICKWIRE
        .iter()
        .copied()
        .filter(|c| *c != "tickwire-derive")
        .collect()
}

#[test]
fn protocol_and_sim_know_no_io_and_no_other_crate_of_ours() {
    for package in ["tickwire-protocol", "tickwire-sim"] {
        assert_none_of(package, IO);
        assert_none_of(package, &ours_but_derive());
    }
    assert_none_of("tickwire-sim", TICKWIRE);
    assert_none_of("tickwire-derive", TICKWIRE);
    assert_none_of("tickwire-derive", IO);
}

#[test]
fn the_server_depends_on_the_protocol_the_store_and_the_recording_format_only() {
    let ours: Vec<&str> = TICKWIRE
        .iter()
        .copied()
        .filter(|c| {
            ![
                "tickwire-protocol",
                "tickwire-server",
                "tickwire-store",
                "tickwire-derive",
                "tickwire-replay",
            ]
            .contains(c)
        })
        .collect();
    assert_none_of("tickwire-server", &ours);
    let deps = dependencies("tickwire-server");
    assert!(deps.contains(&"tickwire-protocol".to_owned()));
    assert!(deps.contains(&"tickwire-store".to_owned()));
}

#[test]
fn the_recording_format_knows_the_protocol_only_and_no_io() {
    assert_none_of("tickwire-replay", IO);
    let ours: Vec<&str> = ours_but_derive()
        .into_iter()
        .filter(|c| *c != "tickwire-protocol")
        .collect();
    assert_none_of("tickwire-replay", &ours);
}

#[test]
fn the_store_knows_no_other_crate_of_ours() {
    assert_none_of("tickwire-store", TICKWIRE);
}

#[test]
fn the_client_never_compiles_the_server() {
    assert_none_of(
        "tickwire-client",
        &[
            "tickwire-server",
            "tickwire-sim",
            "tickwire-tools",
            "tickwire-arena",
        ],
    );
}

//! The library crates as a game crate and crates.io see them:
//! - `tickwire-server` without its default features builds with no storage backend, no TLS and
//!   no embedded client: its normal dependencies (`cargo tree`) hold none of rusqlite,
//!   tokio-postgres, deadpool-postgres, rustls or rust-embed, and with its defaults they hold
//!   all of them (so the names checked are the right ones);
//! - the same build type-checks (`cargo check --no-default-features --offline`), since nothing
//!   else in CI builds the server without its features;
//! - the published crates package (`cargo package --no-verify`): each manifest is complete and
//!   every crate a published one depends on is published too. This needs the crates.io index:
//!   without the network it fails under CI and skips loudly elsewhere.

use std::io::Write as _;
use std::process::{Command, Output};

/// What a server without its default features must not pull in, with the crates that come with
/// each (SQLite's C library, the TLS stream).
const LEFT_OUT: &[&str] = &[
    "rusqlite",
    "tokio-postgres",
    "deadpool-postgres",
    "rustls",
    "rust-embed",
];
const ALSO_LEFT_OUT: &[&str] = &["libsqlite3-sys", "tokio-rustls"];

/// The crates published to crates.io, in no particular order (cargo packages them together).
const PUBLISHED: &[&str] = &[
    "tickwire-derive",
    "tickwire-protocol",
    "tickwire-sim",
    "tickwire-replay",
    "tickwire-store",
    "tickwire-server",
    "tickwire-client",
];

/// `cargo` with `args`, run from the workspace's root; its output whatever its status.
fn cargo(args: &[&str]) -> Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    Command::new(cargo)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo {args:?}: {e}"))
}

/// Fails the test with `what` and cargo's stderr unless `out` succeeded.
fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The crate names in `tickwire-server`'s normal dependencies, with `features` (cargo's flags).
fn server_dependencies(features: &[&str]) -> Vec<String> {
    let mut args = vec![
        "tree",
        "-p",
        "tickwire-server",
        "-e",
        "normal",
        "--prefix",
        "none",
    ];
    args.extend_from_slice(features);
    let out = cargo(&args);
    assert_ok(&out, &format!("cargo {}", args.join(" ")));
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    assert!(names.len() > 10, "cargo tree listed too little: {names:?}");
    names
}

#[test]
fn a_server_without_default_features_has_no_storage_tls_or_client() {
    let bare = server_dependencies(&["--no-default-features"]);
    let found: Vec<&String> = bare
        .iter()
        .filter(|d| LEFT_OUT.contains(&d.as_str()) || ALSO_LEFT_OUT.contains(&d.as_str()))
        .collect();
    assert!(
        found.is_empty(),
        "tickwire-server --no-default-features depends on {found:?}"
    );
    let full = server_dependencies(&[]);
    let missing: Vec<&&str> = LEFT_OUT
        .iter()
        .filter(|d| !full.iter().any(|f| f == *d))
        .collect();
    assert!(
        missing.is_empty(),
        "tickwire-server with its default features lacks {missing:?}: are the names right?"
    );
}

#[test]
fn a_server_without_default_features_builds() {
    let out = cargo(&[
        "check",
        "-p",
        "tickwire-server",
        "--no-default-features",
        "--offline",
        "--quiet",
    ]);
    assert_ok(&out, "cargo check -p tickwire-server --no-default-features");
}

#[test]
fn the_published_crates_package() {
    // A directory of its own for the .crate files: the build directory may be locked by the
    // cargo running these tests.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let target = dir.path().to_string_lossy().into_owned();
    let mut args = vec![
        "package",
        "--no-verify",
        "--allow-dirty",
        "--target-dir",
        &target,
    ];
    for package in PUBLISHED {
        args.extend(["-p", package]);
    }
    let out = cargo(&args);
    if out.status.success() {
        return;
    }
    let said = String::from_utf8_lossy(&out.stderr);
    let offline = [
        "failed to download",
        "failed to get",
        "failed to query replaced source",
        "Couldn't resolve host",
        "Could not resolve host",
        "network",
        "timed out",
        "offline",
    ]
    .iter()
    .any(|sign| said.contains(sign));
    let ci = std::env::var("CI").unwrap_or_default();
    let under_ci = ["true", "1", "yes"]
        .iter()
        .any(|v| ci.trim().eq_ignore_ascii_case(v));
    assert!(
        offline && !under_ci,
        "cargo package failed (CI={ci:?}):\n{said}"
    );
    // Straight to the stderr handle: libtest captures `eprintln!` of passing tests.
    let _ = writeln!(
        std::io::stderr(),
        "\n********************************************************************************\n\
         SKIPPED: the_published_crates_package: cargo package needs the crates.io index, and \
         the network is not there:\n{said}\n\
         ********************************************************************************\n"
    );
}

//! The real binary with `--config`: a bad key stops it at start, and `tickwire config` shows where
//! each value came from.

use std::path::PathBuf;
use std::process::Output;

use crate::process::{TICKWIRE, clean_command};

/// A config file in a fresh directory, removed when dropped.
struct ConfigFile(PathBuf);

impl ConfigFile {
    fn new(test: &str, text: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("tickwire-e2e-config-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the config dir");
        let path = dir.join("tickwire.toml");
        std::fs::write(&path, text).expect("write the config file");
        ConfigFile(path)
    }
}

impl Drop for ConfigFile {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Runs the binary with `args`, with no `TICKWIRE_*` variable but those in `env`.
fn tickwire(args: &[&str], env: &[(&str, &str)]) -> Output {
    clean_command(TICKWIRE)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("run tickwire")
}

#[test]
fn an_unknown_key_stops_the_server_at_start() {
    let file = ConfigFile::new("bad-key", "tick_rate = 30\ntick_rat = 30\n");
    let path = file.0.to_str().expect("a UTF-8 temp path");
    let out = tickwire(&["--config", path, "--bind", "127.0.0.1:0"], &[]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.trim_end(),
        format!("tickwire: {path}: unknown key \"tick_rat\"")
    );
    assert!(
        out.stdout.is_empty(),
        "it must not have started serving: {out:?}"
    );
}

#[test]
fn config_prints_each_value_with_where_it_came_from() {
    let file = ConfigFile::new(
        "precedence",
        "tick_rate = 10\nsnapshot_rate = 5\nbots = 2\nallowed_origins = [\"null\"]\n",
    );
    let path = file.0.to_str().expect("a UTF-8 temp path");
    let out = tickwire(
        &["config", "--config", path, "--tick-rate", "30"],
        &[
            ("TICKWIRE_TICK_RATE", "20"),
            ("TICKWIRE_SNAPSHOT_RATE", "10"),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in [
        "tick_rate = 30  # from: flag",
        "snapshot_rate = 10  # from: env TICKWIRE_SNAPSHOT_RATE",
        "bots = 2  # from: file",
        "allowed_origins = [\"null\"]  # from: file",
        "max_rooms = 64  # from: default",
    ] {
        assert!(
            stdout.lines().any(|l| l == line),
            "no {line:?} in:\n{stdout}"
        );
    }
    // The output is itself a config file that gives the same configuration.
    let again = ConfigFile::new("round-trip", &stdout);
    let again_path = again.0.to_str().expect("a UTF-8 temp path");
    let out = tickwire(&["config", "--config", again_path], &[]);
    assert!(out.status.success(), "{out:?}");
    let replayed = String::from_utf8_lossy(&out.stdout);
    assert!(
        replayed
            .lines()
            .any(|l| l == "tick_rate = 30  # from: file"),
        "{replayed}"
    );
    assert!(
        replayed
            .lines()
            .any(|l| l == "max_rooms = 64  # from: file"),
        "{replayed}"
    );
}

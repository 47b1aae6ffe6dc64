//! The browser client's own tests (`node --test` on each `web-client/test/*.test.js`) run inside
//! `cargo test`. Without Node.js the test skips loudly, except under CI, where it fails.
//!
//! The files are named one by one: Node 21 and later take a bare directory argument for a
//! module path (MODULE_NOT_FOUND), and globs are not expanded by every supported Node.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::harness::ci_requires;

/// The longest the JS tests may run before they are killed and the test fails.
const NODE_LIMIT: Duration = Duration::from_secs(120);
/// Where the JS tests are, from the repository root.
const TEST_DIR: &str = "web-client/test";

/// The JS test files (`*.test.js` in [`TEST_DIR`]), as paths from `root`, sorted.
fn js_test_files(root: &Path) -> Vec<String> {
    let dir = root.join(TEST_DIR);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("read a directory entry").file_name())
        .filter_map(|name| name.to_str().map(str::to_string))
        .filter(|name| name.ends_with(".test.js"))
        .map(|name| format!("{TEST_DIR}/{name}"))
        .collect();
    files.sort();
    files
}

/// Whether `line` is one of the TAP reporter's closing counts (`# pass 73`), not a subtest's name
/// or a console line, which the reporter also starts with `# `.
fn summary_line(line: &str) -> bool {
    line.strip_prefix("# ")
        .and_then(|rest| rest.split_once(' '))
        .is_some_and(|(key, value)| {
            key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') && value.parse::<f64>().is_ok()
        })
}

/// Whether `node` runs here.
pub fn node_present() -> bool {
    Command::new("node").arg("--version").output().is_ok()
}

#[test]
fn the_js_client_tests_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = js_test_files(root);
    assert!(
        !files.is_empty(),
        "no *.test.js files in {TEST_DIR}: the JS client tests are missing"
    );
    // The TAP reporter on every Node: Node 24 picks `spec` even when piped; the summary is
    // read from TAP's closing counts.
    let command = format!("node --test --test-reporter=tap {}", files.join(" "));
    let mut child = match Command::new("node")
        .args(["--test", "--test-reporter=tap"])
        .args(&files)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            ci_requires(
                "`node`",
                "node_tests::the_js_client_tests_pass",
                "install Node.js 20 or later",
            );
            return;
        }
        Err(e) => panic!("start node: {e}"),
    };

    // Drain both pipes on threads so that node never blocks on a full pipe while we wait.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = pipe.read_to_end(&mut out);
            String::from_utf8_lossy(&out).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));

    // Node's exit, as it happens, from a thread that waits on it; the limit only fails the test.
    let pid = child.id();
    let (exited_tx, exited) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = exited_tx.send(child.wait().expect("wait for node"));
    });
    let status = match exited.recv_timeout(NODE_LIMIT) {
        Ok(status) => Some(status),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            // Reaped by the waiting thread.
            let _ = exited.recv();
            None
        }
    };
    let stdout = stdout.join().expect("stdout reader");
    let stderr = stderr.join().expect("stderr reader");
    match status {
        None => panic!(
            "{command} ran longer than {NODE_LIMIT:?} and was killed\n\
             --- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
        ),
        Some(s) if !s.success() => {
            panic!("{command} failed ({s})\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}")
        }
        Some(_) => {
            // The summary lines (`# tests N`, `# pass N`, ...) for the test log.
            let summary: Vec<&str> = stdout.lines().filter(|l| summary_line(l)).collect();
            eprintln!("{command}:\n{}", summary.join("\n"));
            assert!(
                summary.iter().any(|l| l
                    .strip_prefix("# tests ")
                    .and_then(|n| n.parse::<u32>().ok())
                    .is_some_and(|n| n > 0)),
                "{command} ran no tests:\n{stdout}"
            );
        }
    }
}

#[test]
fn the_summary_is_the_closing_counts() {
    assert!(summary_line("# tests 73"));
    assert!(summary_line("# duration_ms 7447.281131"));
    assert!(!summary_line("# Subtest: halfway between two snapshots"));
    assert!(!summary_line("# (node:23843) ExperimentalWarning: ..."));
    assert!(!summary_line("#   expected: 5,"));
    assert!(!summary_line("ok 1 - a test"));
}

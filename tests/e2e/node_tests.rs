//! The browser client's own tests (`node --test web-client/test/`) run inside `cargo test`.
//! Without Node.js the test skips loudly, except under `CI=true`, where it fails.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest the JS tests may run before they are killed and the test fails.
const NODE_LIMIT: Duration = Duration::from_secs(120);

#[test]
fn the_js_client_tests_pass() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut child = match Command::new("node")
        .args(["--test", "web-client/test/"])
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "node_tests: `node` not found on PATH; CI=true requires the JS client tests to run"
            );
            // Straight to the stderr handle: libtest captures `eprintln!` of passing tests.
            let _ = writeln!(
                std::io::stderr(),
                "\n********************************************************************************\n\
                 SKIPPED: node_tests::the_js_client_tests_pass: `node` not found (install nodejs)\n\
                 ********************************************************************************\n"
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

    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for node") {
            break Some(status);
        }
        if started.elapsed() > NODE_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = stdout.join().expect("stdout reader");
    let stderr = stderr.join().expect("stderr reader");
    match status {
        None => panic!(
            "node --test web-client/test/ ran longer than {NODE_LIMIT:?} and was killed\n\
             --- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
        ),
        Some(s) if !s.success() => panic!(
            "node --test web-client/test/ failed ({s})\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
        ),
        Some(_) => {
            // The summary lines (`# tests N`, `# pass N`, ...) for the test log.
            let summary: Vec<&str> = stdout.lines().filter(|l| l.starts_with("# ")).collect();
            eprintln!("node --test web-client/test/:\n{}", summary.join("\n"));
        }
    }
}

//! For the Agones tests: building `tickwire --features agones` and the local Agones SDK server
//! (`tests/agones-sdk`, dummy-agones with Lists and a call log) with a nested cargo into
//! `target/agones`, running both, and reading and replacing the GameServer over the SDK server's
//! HTTP side.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use crate::harness::{LIMIT, wait_for};

/// The two programs, built.
pub struct Built {
    pub tickwire: PathBuf,
    pub sdk_server: PathBuf,
}

/// Whether `protoc` can be run (as `PROTOC` or from `PATH`), as the Agones SDK's build needs.
pub fn protoc_present() -> bool {
    let protoc = std::env::var_os("PROTOC").unwrap_or_else(|| "protoc".into());
    Command::new(protoc)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Builds both programs once per test run (the tests that need them wait for the first build).
pub fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let target = root.join("target").join("agones");
        cargo_build(
            root,
            &["--features", "agones", "--bin", "tickwire"],
            &target,
        );
        cargo_build(
            root,
            &["--manifest-path", "tests/agones-sdk/Cargo.toml"],
            &target,
        );
        let bin = target.join("debug");
        Built {
            tickwire: bin.join("tickwire"),
            sdk_server: bin.join("agones-sdk-test-server"),
        }
    })
}

/// `cargo build --locked ARGS --target-dir TARGET` at low priority (the other tests keep running
/// meanwhile, and measure time) and without debug info (a quicker build of programs that are
/// only run), failing the test with cargo's output when it fails.
fn cargo_build(root: &Path, args: &[&str], target: &Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let started = std::time::Instant::now();
    let out = Command::new("nice")
        .args(["-n", "19", &cargo, "build", "--locked", "--quiet"])
        .args(args)
        .arg("--target-dir")
        .arg(target)
        .current_dir(root)
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .stdin(Stdio::null())
        .output()
        .expect("run cargo build");
    assert!(
        out.status.success(),
        "cargo build {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = writeln!(
        std::io::stderr(),
        "agones: cargo build {args:?} took {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

/// One HTTP/1.1 request to the SDK server's YAML side; the response body.
pub fn http_yaml(addr: SocketAddr, method: &str, body: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect to the SDK server");
    s.set_read_timeout(Some(LIMIT)).expect("timeout");
    let request = format!(
        "{method} / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/yaml\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(request.as_bytes()).expect("write");
    let mut response = String::new();
    s.read_to_string(&mut response).expect("read");
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    assert!(head.starts_with("HTTP/1.1 200"), "{method} /: {response}");
    body.to_owned()
}

/// A GameServer as Agones has it once scheduled, with the players List that
/// `deploy/agones/fleet.yaml` declares (every field spelled out: dummy-agones reads all of them).
pub const SCHEDULED: &str = "\
objectMeta:
  name: tickwire-e2e
  namespace: default
  uid: ''
  resourceVersion: ''
  generation: 1
  creationTimestamp: 0
  deletionTimestamp: 0
  annotations: {}
  labels: {}
spec: ~
status:
  state: Scheduled
  address: 127.0.0.1
  addresses: []
  ports: []
  players: ~
  counters: {}
  lists:
    players:
      capacity: 0
      values: []
";

/// Polls until the GameServer's YAML satisfies `check`; returns it.
pub async fn wait_for_gameserver(
    addr: SocketAddr,
    what: &str,
    check: impl Fn(&str) -> bool,
) -> String {
    wait_for(LIMIT, what, async || {
        let yaml = http_yaml(addr, "GET", "");
        if check(&yaml) {
            Ok(yaml)
        } else {
            Err(format!("GameServer:\n{yaml}"))
        }
    })
    .await
}

/// Replaces the GameServer's state (as an allocation by Kubernetes does).
pub fn set_state(addr: SocketAddr, from: &str, to: &str) {
    let yaml = http_yaml(addr, "GET", "");
    let old = format!("state: {from}");
    assert!(yaml.contains(&old), "not {from}:\n{yaml}");
    http_yaml(
        addr,
        "POST",
        &yaml.replacen(&old, &format!("state: {to}"), 1),
    );
}

/// How long the tests let a shutdown take.
pub const EXIT_LIMIT: Duration = Duration::from_secs(20);

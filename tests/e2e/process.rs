//! Real processes for the tests: a program started with none of the test's `TICKWIRE_*`
//! variables, its output lines collected as they come, signals, and a kill (and reap) when
//! dropped; and [`ServerProcess`], the `tickwire` binary serving on a free loopback port, whose
//! address is read from the line it prints and whose JSON log lines can be read.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::ops::{Deref, DerefMut};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::harness::{LIMIT, wait_for};

/// The `tickwire` binary of this test build.
pub const TICKWIRE: &str = env!("CARGO_BIN_EXE_tickwire");

/// What `tickwire` prints on stdout once it listens, before its address.
const SERVING: &str = "tickwire is serving the game at http://";
/// How long a process may take to print a line (its start: a debug binary making its database,
/// on a machine busy with the rest of the suite and with builds); a bound for failing only.
const START_LIMIT: std::time::Duration = std::time::Duration::from_secs(3 * LIMIT.as_secs());

/// `program` as a command without the test's `TICKWIRE_*` variables (a developer's settings
/// must not change what a test runs).
pub fn clean_command(program: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::new(program);
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("TICKWIRE_")) {
        cmd.env_remove(name);
    }
    cmd
}

/// Lines of one output stream, collected by a thread of their own.
type Lines = Arc<Mutex<Vec<String>>>;

/// A child process, killed and reaped when dropped, with its stdout lines collected as they
/// come (and its stderr lines, when the caller piped stderr).
pub struct Running {
    child: Child,
    stdout: Lines,
    stderr: Lines,
    readers: Vec<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Starts `cmd` with stdin closed and stdout piped and collected; stderr is collected when
    /// the caller set it to `Stdio::piped()`, and left as given otherwise.
    pub fn start(mut cmd: Command) -> Running {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the program");
        let (stdout, stderr) = (Lines::default(), Lines::default());
        let mut readers = Vec::new();
        if let Some(out) = child.stdout.take() {
            readers.push(collect(out, stdout.clone()));
        }
        if let Some(err) = child.stderr.take() {
            readers.push(collect(err, stderr.clone()));
        }
        Running {
            child,
            stdout,
            stderr,
            readers,
        }
    }

    /// The stdout lines so far.
    pub fn lines(&self) -> Vec<String> {
        self.stdout.lock().expect("lines").clone()
    }

    /// The stderr lines so far (none unless stderr was piped).
    pub fn stderr_lines(&self) -> Vec<String> {
        self.stderr.lock().expect("lines").clone()
    }

    /// The first stdout line starting with `prefix`, without it, waiting up to
    /// [`START_LIMIT`].
    pub async fn line_after(&self, prefix: &str) -> String {
        wait_for(
            START_LIMIT,
            &format!("a line starting {prefix:?}"),
            async || {
                self.lines()
                    .iter()
                    .find_map(|l| l.strip_prefix(prefix).map(str::to_owned))
                    .ok_or_else(|| {
                        format!(
                            "stdout: {:?}; stderr: {:?}",
                            self.lines(),
                            self.stderr_lines()
                        )
                    })
            },
        )
        .await
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether it exited, and how.
    pub fn exit_code(&mut self) -> Option<Option<i32>> {
        self.child.try_wait().ok().flatten().map(|s| s.code())
    }

    /// Sends SIGTERM: a graceful stop.
    pub fn sigterm(&self) {
        let pid = self.pid().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM {pid}: {status}");
    }

    /// Kills it (SIGKILL) and reaps it; then its output is all collected.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.join_readers();
    }

    /// Waits up to `limit` for it to exit by itself; its exit code (`None` for a signal). Its
    /// output is all collected once this returns.
    pub async fn exited(&mut self, limit: Duration) -> Option<i32> {
        let code = wait_for(limit, "the process exits", async || {
            self.exit_code().ok_or("still running".to_string())
        })
        .await;
        self.join_readers();
        code
    }

    /// Waits for the output threads, which end at the end of their streams.
    fn join_readers(&mut self) {
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Collects `stream`'s lines into `lines` until it ends.
fn collect(stream: impl Read + Send + 'static, lines: Lines) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            lines.lock().expect("lines").push(line);
        }
    })
}

/// A `tickwire` process serving on a loopback port it chose, killed when dropped; the address
/// it printed, and its output (see [`Running`], which it derefs to).
pub struct ServerProcess {
    process: Running,
    addr: SocketAddr,
}

impl ServerProcess {
    /// This build's `tickwire` with `args` on `127.0.0.1:0`, logging JSON lines at `info` on a
    /// piped stderr (see [`ServerProcess::logged`]).
    pub async fn start(args: &[&str]) -> ServerProcess {
        let mut cmd = clean_command(TICKWIRE);
        cmd.args(["--bind", "127.0.0.1:0", "--log-format", "json"])
            .args(args)
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped());
        ServerProcess::serve(cmd).await
    }

    /// Starts `cmd`, a `tickwire` that serves plain HTTP (its `--bind` and environment are the
    /// caller's), and reads its address from the line it prints once it listens.
    pub async fn serve(cmd: Command) -> ServerProcess {
        let process = Running::start(cmd);
        let url = process.line_after(SERVING).await;
        let addr = url
            .split_once('/')
            .map(|(a, _)| a)
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("an address in {url:?}"));
        ServerProcess { process, addr }
    }

    /// The address it serves at.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its JSON log lines so far whose message is `message`.
    pub fn logged(&self, message: &str) -> Vec<serde_json::Value> {
        self.stderr_lines()
            .iter()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["fields"]["message"] == message)
            .collect()
    }
}

impl Deref for ServerProcess {
    type Target = Running;

    fn deref(&self) -> &Running {
        &self.process
    }
}

impl DerefMut for ServerProcess {
    fn deref_mut(&mut self) -> &mut Running {
        &mut self.process
    }
}

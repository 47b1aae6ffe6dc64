//! A minimal Chrome DevTools Protocol client for the browser tests: it starts a headless
//! Chromium on loopback, opens pages, and sends commands to them over WebSockets.
//!
//! Commands are sent one at a time: `call` writes a request and reads frames until the response
//! with the same id, keeping the events it passes (bounded). One owner reads and writes each
//! socket, so reads and writes are never raced. Every wait is bounded by [`LIMIT`], and the
//! browser is killed (its whole process group) and its profile removed when [`Chromium`] drops.

use std::collections::VecDeque;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use fastwebsockets::{FragmentCollector, Frame, OpCode, Payload};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpStream;

use crate::harness::LIMIT;
use tickwire_client::websocket_handshake;

/// Events kept per connection; older ones are dropped.
const MAX_EVENTS: usize = 1000;
/// Largest CDP message accepted (screenshots are the big ones).
const MAX_MESSAGE: usize = 64 << 20;

/// Names of the browser programs looked up on `PATH`, in order.
const PROGRAMS: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// The browser to use: `TICKWIRE_CHROMIUM`, else the first of [`PROGRAMS`] found on `PATH`.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TICKWIRE_CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    PROGRAMS.iter().find_map(|name| on_path(name))
}

/// The first file called `name` in a directory of `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// A running headless Chromium. Dropping it kills the browser and removes its profile.
pub struct Chromium {
    /// The DevTools HTTP and WebSocket port on 127.0.0.1.
    port: u16,
    /// The browser-level CDP connection (targets are created through it).
    browser: Cdp,
    /// Declared last so that the connection above is dropped before the process is killed.
    process: ProcessGuard,
}

/// Kills the browser's process group and removes its profile directory.
struct ProcessGuard {
    child: Child,
    dir: PathBuf,
    /// Closed when every process holding the browser's stderr (the whole group) has exited.
    stderr_closed: std::sync::mpsc::Receiver<()>,
}

impl Drop for ProcessGuard {
    fn drop(&mut self) {
        // The browser leads its own process group (see `launch`), so this also ends its
        // renderer and utility processes; `kill` is the fallback for the leader alone.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Every process of the group inherited the stderr pipe: its end (the copying thread
        // is done) says they are all gone. Bounded, as a process may have left the group.
        let _ = self.stderr_closed.recv_timeout(Duration::from_secs(5));
        // A directory left behind (a process outside the group still writing) is removed by
        // the next run's `sweep_stale_profiles`.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Copies the browser's stderr into `log` on a thread of its own; sends the DevTools URL the
/// browser prints once it listens ("DevTools listening on ws://...") to `listening`, and closes
/// the returned channel when the pipe ends.
fn copy_stderr(
    stderr: std::process::ChildStderr,
    mut log: std::fs::File,
    listening: tokio::sync::oneshot::Sender<String>,
) -> std::sync::mpsc::Receiver<()> {
    use std::io::{BufRead, Write};
    let (closed_tx, closed) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut listening = Some(listening);
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let _ = writeln!(log, "{line}");
            if let Some(url) = line.strip_prefix("DevTools listening on ")
                && let Some(tx) = listening.take()
            {
                let _ = tx.send(url.trim().to_string());
            }
        }
        drop(closed_tx);
    });
    closed
}

/// The parent of every browser profile the tests create: `<pid>-<n>` below it.
fn profiles_dir() -> PathBuf {
    std::env::temp_dir().join("tickwire-chromium")
}

/// Removes the profiles of test processes that no longer run (killed before they could clean
/// up). A profile whose process id is alive, or whose name is not `<pid>-<n>`, is left alone.
fn sweep_stale_profiles(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

impl Chromium {
    /// Starts `program` headless with a fresh profile and connects to it.
    ///
    /// With `setpriv` the browser is started as `setpriv --pdeathsig KILL -- program ...`, so
    /// that the kernel kills it when the thread that started it (this test's) ends, also when
    /// the test process is killed outright and no `Drop` runs. Without it, only `Drop` ends it.
    pub async fn launch(program: &Path) -> Chromium {
        Chromium::launch_with(program, &[]).await
    }

    /// Starts `program` as [`Chromium::launch`] does, with `extra` flags of the test's own.
    pub async fn launch_with(program: &Path, extra: &[&str]) -> Chromium {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let parent = profiles_dir();
        sweep_stale_profiles(&parent);
        let dir = parent.join(format!(
            "{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the browser profile dir");
        let log = std::fs::File::create(dir.join("chromium.log")).expect("create the browser log");
        // `setpriv` (util-linux, on Debian by default) sets the parent-death signal, then execs.
        let mut command = match on_path("setpriv") {
            Some(setpriv) => {
                let mut c = Command::new(setpriv);
                c.args(["--pdeathsig", "KILL", "--"]).arg(program);
                c
            }
            None => Command::new(program),
        };
        let child = command
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows",
                "--window-size=1280,720",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .args(extra)
            .arg(format!("--user-data-dir={}", dir.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", program.display()));
        let mut child = child;
        let (listening_tx, listening) = tokio::sync::oneshot::channel();
        let stderr = child.stderr.take().expect("the browser's stderr");
        let stderr_closed = copy_stderr(stderr, log, listening_tx);
        let process = ProcessGuard {
            child,
            dir,
            stderr_closed,
        };

        // Chromium prints the URL it listens at, port and browser target's path, on stderr.
        let url = match tokio::time::timeout(LIMIT, listening).await {
            Ok(Ok(url)) => url,
            Ok(Err(_)) => panic!(
                "{} exited at start:\n{}",
                program.display(),
                std::fs::read_to_string(process.dir.join("chromium.log")).unwrap_or_default()
            ),
            Err(_) => panic!(
                "{} printed no DevTools URL within {LIMIT:?}",
                program.display()
            ),
        };
        let (port, browser_path) = url
            .strip_prefix("ws://127.0.0.1:")
            .and_then(|rest| rest.split_once('/'))
            .and_then(|(port, path)| Some((port.parse::<u16>().ok()?, format!("/{path}"))))
            .unwrap_or_else(|| panic!("a DevTools URL on loopback: {url}"));
        let browser = Cdp::connect(port, &browser_path).await;
        Chromium {
            port,
            browser,
            process,
        }
    }

    /// Opens `url` in a new window and connects to its page target.
    pub async fn open(&mut self, url: &str) -> Page {
        let created = self
            .browser
            .call(
                "Target.createTarget",
                json!({ "url": url, "newWindow": true }),
            )
            .await;
        let target_id = created["targetId"]
            .as_str()
            .expect("Target.createTarget returns a targetId")
            .to_string();
        // A page target's socket is at a path named by its id; it exists once the call returned.
        let path = format!("/devtools/page/{target_id}");
        let path = path.as_str();
        let mut cdp = Cdp::connect(self.port, path).await;
        cdp.call("Runtime.enable", json!({})).await;
        cdp.call("Page.enable", json!({})).await;
        // The browser's own messages: failed loads (a 404), refused sockets, CSP violations.
        cdp.call("Log.enable", json!({})).await;
        Page { cdp }
    }

    /// The browser's log so far (its stderr) for failure messages, without the D-Bus noise of
    /// a machine with no session bus.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.process.dir.join("chromium.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.contains("dbus"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// One CDP connection (to the browser or to one page).
pub struct Cdp {
    ws: FragmentCollector<TokioIo<Upgraded>>,
    next_id: u64,
    /// Events received while waiting for responses, oldest first, at most [`MAX_EVENTS`].
    events: VecDeque<Value>,
}

impl Cdp {
    /// Opens `ws://127.0.0.1:port{path}`.
    async fn connect(port: u16, path: &str) -> Cdp {
        let host = format!("127.0.0.1:{port}");
        let stream = tokio::time::timeout(LIMIT, TcpStream::connect(&host))
            .await
            .expect("DevTools connect in time")
            .expect("DevTools connect");
        let mut ws = tokio::time::timeout(LIMIT, websocket_handshake(stream, &host, path))
            .await
            .expect("DevTools handshake in time")
            .unwrap_or_else(|e| panic!("DevTools handshake on {path}: {e}"));
        ws.set_max_message_size(MAX_MESSAGE);
        Cdp {
            ws: FragmentCollector::new(ws),
            next_id: 1,
            events: VecDeque::new(),
        }
    }

    /// Sends a command and returns its result; panics on a protocol error or after [`LIMIT`].
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        let shown = params.to_string();
        self.try_call(method, params)
            .await
            .unwrap_or_else(|err| panic!("{method} {shown}: {err}"))
    }

    /// Sends a command and returns its result, or the protocol error DevTools answered (such as
    /// "Inspected target navigated or closed" during a navigation); panics after [`LIMIT`].
    pub async fn try_call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.next_id;
        self.next_id += 1;
        let request = json!({ "id": id, "method": method, "params": params });
        let bytes = serde_json::to_vec(&request).expect("json");
        tokio::time::timeout(
            LIMIT,
            self.ws
                .write_frame(Frame::new(true, OpCode::Text, None, Payload::Owned(bytes))),
        )
        .await
        .unwrap_or_else(|_| panic!("{method}: write timed out"))
        .unwrap_or_else(|e| panic!("{method}: write: {e}"));
        // A timeout here leaves the socket mid-frame, so it is fatal: the test fails.
        tokio::time::timeout(LIMIT, async {
            loop {
                let frame = self
                    .ws
                    .read_frame()
                    .await
                    .unwrap_or_else(|e| panic!("{method}: read: {e}"));
                match frame.opcode {
                    OpCode::Text | OpCode::Binary => {}
                    OpCode::Close => panic!("{method}: DevTools closed the connection"),
                    _ => continue,
                }
                let msg: Value = serde_json::from_slice(&frame.payload)
                    .unwrap_or_else(|e| panic!("{method}: bad DevTools JSON: {e}"));
                if msg["id"].as_u64() == Some(id) {
                    if let Some(err) = msg.get("error") {
                        return Err(err.clone());
                    }
                    return Ok(msg["result"].clone());
                }
                if msg.get("method").is_some() {
                    if self.events.len() == MAX_EVENTS {
                        self.events.pop_front();
                    }
                    self.events.push_back(msg);
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{method}: no response within {LIMIT:?}"))
    }
}

/// One page (tab) of the browser.
pub struct Page {
    /// Its CDP connection.
    pub cdp: Cdp,
}

impl Page {
    /// The value of `expression` (a promise's, once it settles), or `None` when the page could not answer (it is navigating).
    pub async fn try_eval(&mut self, expression: &str) -> Option<Value> {
        let r = self
            .cdp
            .try_call(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
            )
            .await
            .ok()?;
        if r.get("exceptionDetails").is_some() {
            return None;
        }
        Some(r["result"]["value"].clone())
    }

    /// The value of `expression` (a promise's, once it settles); panics when it throws.
    pub async fn eval(&mut self, expression: &str) -> Value {
        let r = self
            .cdp
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
            )
            .await;
        if let Some(ex) = r.get("exceptionDetails") {
            panic!("{expression} threw: {ex}");
        }
        r["result"]["value"].clone()
    }

    /// Brings the page to the front and makes it believe it has focus, so that its frame loop
    /// runs and key events reach it.
    pub async fn focus(&mut self) {
        self.cdp.call("Page.bringToFront", json!({})).await;
        self.cdp
            .call(
                "Emulation.setFocusEmulationEnabled",
                json!({ "enabled": true }),
            )
            .await;
    }

    /// Presses (`down`) or releases a key, as a physical keyboard would.
    pub async fn key(&mut self, down: bool, key: &str, code: &str, virtual_key: u32) {
        self.cdp
            .call(
                "Input.dispatchKeyEvent",
                json!({
                    "type": if down { "keyDown" } else { "keyUp" },
                    "key": key,
                    "code": code,
                    "windowsVirtualKeyCode": virtual_key,
                    "nativeVirtualKeyCode": virtual_key,
                }),
            )
            .await;
    }

    /// Makes the page a screen of `width` x `height` CSS pixels at `scale` device pixels each;
    /// `touch` makes it a phone's: a mobile viewport with touch points. Takes effect for the
    /// next load (see [`Page::navigate`]).
    pub async fn emulate(&mut self, width: u32, height: u32, scale: f64, touch: bool) {
        self.cdp
            .call(
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": width, "height": height, "deviceScaleFactor": scale, "mobile": touch }),
            )
            .await;
        self.cdp
            .call(
                "Emulation.setTouchEmulationEnabled",
                json!({ "enabled": touch, "maxTouchPoints": if touch { 5 } else { 1 } }),
            )
            .await;
    }

    /// Loads `url` in the page.
    pub async fn navigate(&mut self, url: &str) {
        self.cdp.call("Page.navigate", json!({ "url": url })).await;
    }

    /// A touch event: `kind` is `touchStart`, `touchMove`, `touchEnd` or `touchCancel`, each
    /// point `(id, x, y)` in CSS pixels (none for the end of the last touch).
    pub async fn touch(&mut self, kind: &str, points: &[(u32, f64, f64)]) {
        let points: Vec<Value> = points
            .iter()
            .map(|&(id, x, y)| json!({ "x": x, "y": y, "id": id }))
            .collect();
        self.cdp
            .call(
                "Input.dispatchTouchEvent",
                json!({ "type": kind, "touchPoints": points }),
            )
            .await;
    }

    /// Saves a PNG screenshot of the page to `path`, creating its directory.
    pub async fn screenshot(&mut self, path: &Path) {
        let png = self.screenshot_png().await;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create the artifacts dir");
        }
        std::fs::write(path, png).expect("write the screenshot");
    }

    /// A PNG screenshot of the page, as bytes.
    pub async fn screenshot_png(&mut self) -> Vec<u8> {
        let r = self
            .cdp
            .call("Page.captureScreenshot", json!({ "format": "png" }))
            .await;
        let png = base64_decode(r["data"].as_str().expect("screenshot data"))
            .expect("screenshot is base64");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "screenshot is a PNG");
        png
    }

    /// The page's console messages and uncaught exceptions seen so far, for failure messages.
    pub fn console(&self) -> Vec<String> {
        self.cdp
            .events
            .iter()
            .filter_map(|e| match e["method"].as_str()? {
                "Runtime.consoleAPICalled" => {
                    let args: Vec<String> = e["params"]["args"]
                        .as_array()?
                        .iter()
                        .map(|a| match &a["value"] {
                            Value::String(s) => s.clone(),
                            Value::Null => a["description"].as_str().unwrap_or("").to_string(),
                            v => v.to_string(),
                        })
                        .collect();
                    let kind = e["params"]["type"].as_str().unwrap_or("log");
                    Some(format!("console.{kind}: {}", args.join(" ")))
                }
                "Runtime.exceptionThrown" => {
                    let details = &e["params"]["exceptionDetails"];
                    let text = details["exception"]["description"]
                        .as_str()
                        .or(details["text"].as_str())
                        .unwrap_or("?");
                    Some(format!("exception: {text}"))
                }
                "Log.entryAdded" => {
                    let entry = &e["params"]["entry"];
                    Some(format!(
                        "log.{} ({}): {} {}",
                        entry["level"].as_str().unwrap_or("?"),
                        entry["source"].as_str().unwrap_or("?"),
                        entry["text"].as_str().unwrap_or(""),
                        entry["url"].as_str().unwrap_or("")
                    ))
                }
                _ => None,
            })
            .collect()
    }

    /// The errors among [`Page::console`]: `console.error`, uncaught exceptions, and the
    /// browser's error entries (a failed load, a refused socket, a CSP violation).
    pub fn errors(&self) -> Vec<String> {
        self.console()
            .into_iter()
            .filter(|l| {
                l.starts_with("console.error")
                    || l.starts_with("exception")
                    || l.starts_with("log.error")
            })
            .collect()
    }
}

/// Decodes standard base64 (with `=` padding); `None` on any other character.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let bytes = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= value(c)? << (18 - 6 * i);
        }
        let produced = match chunk.len() {
            4 => 3,
            3 => 2,
            2 => 1,
            _ => return None,
        };
        out.extend_from_slice(&acc.to_be_bytes()[1..1 + produced]);
    }
    Some(out)
}

#[test]
fn base64_decodes_padded_and_unpadded_tails() {
    assert_eq!(base64_decode("").as_deref(), Some(&b""[..]));
    assert_eq!(base64_decode("Zg==").as_deref(), Some(&b"f"[..]));
    assert_eq!(base64_decode("Zm8=").as_deref(), Some(&b"fo"[..]));
    assert_eq!(base64_decode("Zm9v").as_deref(), Some(&b"foo"[..]));
    assert_eq!(base64_decode("Zm9vYmFy").as_deref(), Some(&b"foobar"[..]));
    assert_eq!(base64_decode("+/8=").as_deref(), Some(&[0xfb, 0xff][..]));
    assert_eq!(base64_decode("Zm9v!"), None);
}

#[test]
fn the_sweep_removes_profiles_of_dead_processes_only() {
    let parent = std::env::temp_dir().join(format!("tickwire-sweep-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&parent);
    // No process has the largest pid (Linux caps pids at 2^22).
    let dead = parent.join(format!("{}-0", u32::MAX));
    let alive = parent.join(format!("{}-0", std::process::id()));
    let other = parent.join("not-a-profile");
    for dir in [&dead, &alive, &other] {
        std::fs::create_dir_all(dir.join("Default")).expect("create a profile");
    }
    sweep_stale_profiles(&parent);
    let left = (dead.exists(), alive.exists(), other.exists());
    let _ = std::fs::remove_dir_all(&parent);
    assert_eq!(left, (false, true, true), "(dead, alive, other) kept");
}

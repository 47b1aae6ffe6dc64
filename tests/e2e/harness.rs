//! Starting a server for a test, recording its frames, bounded waits, the rule for tests whose
//! program is missing, and raw socket helpers for tests of malformed traffic.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tickwire_arena::{ARENA_VIEW_RADIUS, ArenaInput, ArenaSettings};
use tickwire_client::{GameClient, Received};
use tickwire_protocol::{ClientMsg, Ping, Record, ScoreEntry, ServerMsg};
use tickwire_server::SnapshotFrame;
use tickwire_server::{NewGame, Server, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Arena input `seq` as a message, written by the arena's schema (no view tick).
pub fn arena_input(seq: u32, input: ArenaInput) -> ClientMsg {
    arena_input_at(seq, 0, input)
}

/// Arena input `seq`, sampled while the client showed the world of `view_tick`.
pub fn arena_input_at(seq: u32, view_tick: u32, input: ArenaInput) -> ClientMsg {
    let schema = tickwire_arena::arena_schema();
    let record = Record::of(&input);
    ClientMsg::Input(tickwire_client::game_data::input(
        &schema, seq, view_tick, &record,
    ))
}

/// An arena input that moves by `move_x` and `move_y` (each -1, 0 or 1).
pub fn arena_move(move_x: i8, move_y: i8) -> ArenaInput {
    ArenaInput {
        move_x,
        move_y,
        ..ArenaInput::default()
    }
}

/// The arena scoreboard line's kills (its first column).
pub fn kills(line: &ScoreEntry) -> i32 {
    line.columns.first().copied().unwrap_or(0)
}

/// The arena scoreboard line's deaths (its second column).
pub fn deaths(line: &ScoreEntry) -> i32 {
    line.columns.get(1).copied().unwrap_or(0)
}

/// Every wait in these tests is bounded by this.
pub const LIMIT: Duration = Duration::from_secs(20);
/// How often [`wait_for`] looks again.
const POLL: Duration = Duration::from_millis(25);
/// Server frames kept by [`record_frames`] (30 s at 30 Hz).
const MAX_RECORDED: usize = 900;

/// Whether `CI` marks a CI run: `true`, `1` or `yes`, in any case.
fn ci_value(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        let v = v.trim();
        ["true", "1", "yes"]
            .iter()
            .any(|ci| v.eq_ignore_ascii_case(ci))
    })
}

/// Whether this is a CI run (see [`ci_value`]).
pub fn under_ci() -> bool {
    ci_value(std::env::var("CI").ok().as_deref())
}

/// Every skip of this run, as `test: why`, in the order they happened.
static SKIPPED: parking_lot::Mutex<Vec<String>> = parking_lot::Mutex::new(Vec::new());

/// The one way a test skips (the caller then returns): a loud banner with the number of skips
/// in this run so far, straight to stderr, and a record for [`skipped`].
pub fn skip(test: &str, why: &str) {
    let n = {
        let mut skipped = SKIPPED.lock();
        skipped.push(format!("{test}: {why}"));
        skipped.len()
    };
    // Straight to the stderr handle: libtest captures `eprintln!` of passing tests.
    let _ = writeln!(
        std::io::stderr(),
        "\n********************************************************************************\n\
         SKIPPED ({n} in this run so far): {test}: {why}\n\
         ********************************************************************************\n"
    );
}

/// The skips recorded so far in this run.
pub fn skipped() -> Vec<String> {
    SKIPPED.lock().clone()
}

/// The one rule for a test whose system program is missing: under CI the test fails; elsewhere
/// it is skipped through [`skip`] (the caller then returns). `install` says how to get it.
#[track_caller]
pub fn ci_requires(program: &str, test: &str, install: &str) {
    assert!(
        !under_ci(),
        "{test}: {program} not found ({install}); under CI (CI={:?}) this test must run",
        std::env::var("CI").unwrap_or_default()
    );
    skip(test, &format!("{program} not found ({install})"));
}

/// Polls `poll` until it returns `Ok`, at most for `limit`; then fails the test with `what` and
/// the last `Err` (what was seen instead).
pub async fn wait_for<T>(
    limit: Duration,
    what: &str,
    mut poll: impl AsyncFnMut() -> Result<T, String>,
) -> T {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match poll().await {
            Ok(value) => return value,
            Err(seen) => assert!(
                tokio::time::Instant::now() < deadline,
                "{what}: not within {limit:?}; {seen}"
            ),
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The first room's tick clock: waits measured in server ticks, on the room's `frames` watch
/// (a notification per frame sent), not in wall time.
pub struct RoomClock {
    frames: tokio::sync::watch::Receiver<Option<Arc<SnapshotFrame>>>,
}

impl RoomClock {
    /// The clock of `server`'s first room.
    pub fn of(server: &Server) -> RoomClock {
        let rooms = server.shared().lobby.rooms(true);
        let room = rooms.first().expect("a room");
        let frames = server.shared().lobby.room(room.id).expect("room").frames;
        RoomClock { frames }
    }

    /// The tick of the room's newest frame (0 before its first).
    pub fn now(&self) -> u32 {
        self.frames.borrow().as_ref().map_or(0, |f| f.tick().0)
    }

    /// Waits until the room has sent a frame at least `n` ticks after its newest one now;
    /// returns that frame's tick. [`LIMIT`] bounds the wait as a failure only.
    pub async fn ticks(&mut self, n: u32) -> u32 {
        let until = self.now() + n;
        self.until(until).await
    }

    /// Waits until the room has sent a frame of tick `tick` or later; returns its tick.
    pub async fn until(&mut self, tick: u32) -> u32 {
        tokio::time::timeout(LIMIT, async {
            loop {
                let now = self.now();
                if now >= tick {
                    return now;
                }
                self.frames.changed().await.expect("the room runs");
            }
        })
        .await
        .unwrap_or_else(|_| panic!("the room reaches tick {tick}: at {}", self.now()))
    }
}

/// Reads `client`'s snapshots until one at least `n` ticks after the first it reads now;
/// returns that snapshot's tick: a wait measured in server ticks, as the client sees them.
pub async fn client_ticks(client: &mut GameClient, n: u32) -> tickwire_protocol::Tick {
    tokio::time::timeout(LIMIT, async {
        let from = client.next_snapshot().await.expect("a snapshot");
        loop {
            let tick = client.next_snapshot().await.expect("a snapshot");
            if tick.since(from) >= n {
                return tick;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{n} ticks of snapshots in time"))
}

/// The ticks of the snapshots a client reads in a task of its own (see [`follow`]).
pub struct Followed {
    ticks: tokio::sync::watch::Receiver<u32>,
    /// The task: it ends with the session, returning the Kick's (or else the close's) code and
    /// reason; code 0 when the connection broke instead.
    pub ended: tokio::task::JoinHandle<(u16, String)>,
}

impl Followed {
    /// The tick of the newest snapshot read (0 before the first).
    pub fn now(&self) -> u32 {
        *self.ticks.borrow()
    }

    /// Waits until a snapshot at least `n` ticks after the newest one now was read; returns
    /// its tick. [`LIMIT`] bounds the wait as a failure only.
    pub async fn ticks(&mut self, n: u32) -> u32 {
        let from = self.now();
        let ticks = &mut self.ticks;
        tokio::time::timeout(LIMIT, ticks.wait_for(|&t| t >= from + n))
            .await
            .unwrap_or_else(|_| panic!("{n} ticks after {from} in time"))
            .map(|t| *t)
            .expect("the session goes on")
    }
}

/// Reads `client` in a task until its session ends, publishing the tick of every snapshot, so
/// that a test waits in the server's ticks while the client keeps its socket drained.
pub fn follow(mut client: GameClient) -> Followed {
    let (tx, ticks) = tokio::sync::watch::channel(0);
    let ended = tokio::spawn(async move {
        loop {
            match client.recv().await {
                Ok(Received::Snapshot { tick, .. }) => {
                    tx.send_replace(tick.0);
                }
                Ok(Received::Message(ServerMsg::Kick(k))) => break (k.code, k.reason),
                Ok(Received::Closed { code, reason }) => break (code, reason),
                Ok(Received::Message(_)) => {}
                Err(e) => break (0, format!("the session broke: {e}")),
            }
        }
    });
    Followed { ticks, ended }
}

/// The first room's frames by tick, recorded while a test runs.
pub type Frames = Arc<parking_lot::Mutex<BTreeMap<u32, Arc<SnapshotFrame>>>>;

/// Records the first room's frames by tick (the newest [`MAX_RECORDED`]) until the server stops.
/// A frame the recorder is too slow to see is missing, as a watch channel keeps only the newest.
pub fn record_frames(server: &Server) -> Frames {
    let frames: Frames = Arc::default();
    let rooms = server.shared().lobby.rooms(true);
    let mut rx = server
        .shared()
        .lobby
        .room(rooms.first().expect("a room").id)
        .expect("room")
        .frames;
    let out = frames.clone();
    tokio::spawn(async move {
        while rx.changed().await.is_ok() {
            if let Some(f) = rx.borrow_and_update().clone() {
                let mut frames = out.lock();
                frames.insert(f.tick().0, f);
                while frames.len() > MAX_RECORDED {
                    frames.pop_first();
                }
            }
        }
    });
    frames
}

/// The recorded frame of `tick`, once the recorder has seen that tick or a later one; `None` if
/// it missed it.
pub async fn recorded(frames: &Frames, tick: u32) -> Option<Arc<SnapshotFrame>> {
    wait_for(
        LIMIT,
        &format!("the recorder reaches tick {tick}"),
        async || {
            let frames = frames.lock();
            match frames.last_key_value() {
                Some((&newest, _)) if newest >= tick => Ok(frames.get(&tick).cloned()),
                newest => Err(format!("newest recorded {:?}", newest.map(|n| n.0))),
            }
        },
    )
    .await
}

/// The settings `tickwire` serves the arena with, on an ephemeral loopback port.
pub fn arena_config() -> ServerConfig {
    ServerConfig {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        view_radius: Some(ARENA_VIEW_RADIUS),
        // Clients still connected keep a drain going for the whole grace: keep tests quick.
        shutdown_grace: Duration::from_secs(1),
        // Tests that drop a client expect its seat freed at once; the resume tests set a window.
        reconnect_window: Duration::ZERO,
        ..ServerConfig::default()
    }
}

/// An arena server on an ephemeral loopback port with `bots` bots.
pub async fn start(bots: u32) -> Server {
    start_arena(arena_config(), bots).await
}

/// An arena server with a config of the test's own (the bind address should be port 0).
pub async fn start_arena(config: ServerConfig, bots: u32) -> Server {
    let arena = ArenaSettings::new(None, bots, config.tick_rate).expect("arena settings");
    start_with(config, arena.games()).await
}

/// A server running the games `games` makes (the bind address should be port 0).
/// The arena without bots at 60 Hz on the map `json` (the map file format), read from a temp
/// file of its own (tests run in parallel and must not read a file another writes).
pub fn arena_on_map(json: &str) -> ArenaSettings {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("tickwire-map-{}-{n}.json", std::process::id()));
    std::fs::write(&path, json).expect("write the map");
    let arena = ArenaSettings::new(Some(&path), 0, 60).expect("the test's map");
    let _ = std::fs::remove_file(&path);
    arena
}

pub async fn start_with(config: ServerConfig, games: impl NewGame) -> Server {
    Server::start(config, games).await.expect("server starts")
}

/// Joins as `name`, failing the test after [`LIMIT`].
pub async fn join(server: &Server, name: &str) -> GameClient {
    tokio::time::timeout(LIMIT, GameClient::join(server.local_addr(), name))
        .await
        .expect("join in time")
        .expect("join")
}

/// The server's own latest frame of the first room.
pub fn server_frame(server: &Server) -> Option<std::sync::Arc<SnapshotFrame>> {
    let rooms = server.shared().lobby.rooms(true);
    let room = server.shared().lobby.room(rooms.first()?.id)?;
    room.frames.borrow().clone()
}

/// The sum of `server`'s metric lines whose name (with any labels) starts with `prefix`.
pub fn metric_sum(server: &Server, prefix: &str) -> f64 {
    server
        .shared()
        .metrics
        .render()
        .lines()
        .filter(|l| l.starts_with(prefix))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// Sends a raw HTTP/1.1 request and returns the whole response head.
pub async fn http(addr: SocketAddr, request: &str) -> String {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(request.as_bytes()).await.expect("write");
    read_head(&mut s).await
}

/// Reads an HTTP response head (up to the blank line).
pub async fn read_head(s: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = tokio::time::timeout(LIMIT, s.read(&mut byte))
            .await
            .expect("response in time")
            .expect("read");
        if n == 0 {
            break;
        }
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// A raw TCP connection that has completed a WebSocket upgrade on `/ws`.
pub async fn raw_ws(addr: SocketAddr) -> TcpStream {
    raw_ws_at(addr, "/ws").await
}

/// A raw TCP connection that has sent a WebSocket upgrade request for `path` (a path and query).
pub async fn send_upgrade(addr: SocketAddr, path: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.expect("write");
    s
}

/// A raw TCP connection that has completed a WebSocket upgrade on `path`.
pub async fn raw_ws_at(addr: SocketAddr, path: &str) -> TcpStream {
    let mut s = send_upgrade(addr, path).await;
    let head = read_head(&mut s).await;
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    s
}

/// A masked client frame with the given first byte (FIN, RSV and opcode bits) and a payload of
/// under 126 bytes.
pub fn client_frame(first: u8, payload: &[u8]) -> Vec<u8> {
    assert!(payload.len() < 126);
    any_frame(first, payload, true)
}

/// A frame of any length (7-, 16- or 64-bit length as RFC 6455 encodes it), masked or not.
pub fn any_frame(first: u8, payload: &[u8], masked: bool) -> Vec<u8> {
    let mask_bit = if masked { 0x80 } else { 0 };
    let mut out = vec![first];
    match payload.len() {
        n @ 0..=125 => out.push(mask_bit | n as u8),
        n @ 126..=0xffff => {
            out.push(mask_bit | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(mask_bit | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    if !masked {
        out.extend_from_slice(payload);
        return out;
    }
    let mask = [1u8, 2, 3, 4];
    out.extend_from_slice(&mask);
    out.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    out
}

/// Reads one server frame: its first byte (FIN, RSV and opcode bits) and payload; `None` when
/// the connection ends. Server frames must not be masked.
pub async fn read_server_frame(s: &mut TcpStream) -> Option<(u8, Vec<u8>)> {
    let mut head = [0u8; 2];
    tokio::time::timeout(LIMIT, s.read_exact(&mut head))
        .await
        .expect("frame in time")
        .ok()?;
    assert_eq!(head[1] & 0x80, 0, "a server frame is masked");
    let mut len = u64::from(head[1] & 0x7f);
    if len == 126 {
        let mut b = [0u8; 2];
        s.read_exact(&mut b).await.ok()?;
        len = u64::from(u16::from_be_bytes(b));
    } else if len == 127 {
        let mut b = [0u8; 8];
        s.read_exact(&mut b).await.ok()?;
        len = u64::from_be_bytes(b);
    }
    assert!(len <= 8 << 20, "a server frame of {len} bytes");
    let mut payload = vec![0u8; len as usize];
    tokio::time::timeout(LIMIT, s.read_exact(&mut payload))
        .await
        .expect("payload in time")
        .ok()?;
    Some((head[0], payload))
}

/// Reads server frames until a close frame, returning its code; skips other frames. Every close
/// the server sends must fit a control frame and carry a UTF-8 reason.
pub async fn read_close_code(s: &mut TcpStream) -> Option<u16> {
    loop {
        let (first, payload) = read_server_frame(s).await?;
        if first & 0x0f == 0x8 {
            assert!(payload.len() <= 125, "close payload of {}", payload.len());
            assert!(std::str::from_utf8(payload.get(2..).unwrap_or_default()).is_ok());
            return payload.get(..2).map(|c| u16::from_be_bytes([c[0], c[1]]));
        }
    }
}

#[test]
fn ci_is_true_one_or_yes_in_any_case() {
    for yes in ["true", "TRUE", "True", "1", "yes", "YES", " yes "] {
        assert!(ci_value(Some(yes)), "{yes:?}");
    }
    for no in ["", "0", "false", "no", "off", "y"] {
        assert!(!ci_value(Some(no)), "{no:?}");
    }
    assert!(!ci_value(None));
}

/// A server running a big, busy world (random-walk, 3,000 entities all moving, everyone sees
/// everything, 30 Hz), so that every snapshot is kilobytes long and a client that stops reading
/// fills its socket within a few snapshots.
pub async fn start_busy_world(limits: tickwire_server::Limits) -> Server {
    start_busy_world_with(limits, tickwire_server::FanOutMode::default()).await
}

/// [`start_busy_world`] with the snapshots written by `fan_out`.
pub async fn start_busy_world_with(
    limits: tickwire_server::Limits,
    fan_out: tickwire_server::FanOutMode,
) -> Server {
    let config = ServerConfig {
        fan_out,
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        tick_rate: 30,
        snapshot_rate: 30,
        room_capacity: 100,
        view_radius: None,
        limits,
        ..ServerConfig::default()
    };
    let walk = tickwire_scenarios::Scenario::RandomWalk {
        entities: 3000,
        moving_pct: 100,
    };
    start_with(config, walk.games()).await
}

/// Sends a ping and waits for its pong, reading (and applying) snapshots meanwhile: each must
/// decode against its baseline. Returns the round trip.
pub async fn round_trip(c: &mut GameClient, nonce: u32) -> Duration {
    round_trip_of(c, Ping::new(nonce)).await
}

/// [`round_trip`] of a ping of the test's own (a bare one, say).
pub async fn round_trip_of(c: &mut GameClient, ping: Ping) -> Duration {
    let nonce = ping.nonce;
    let sent = std::time::Instant::now();
    c.send(&ClientMsg::Ping(ping)).await.expect("ping");
    loop {
        match tokio::time::timeout(Duration::from_secs(5), c.recv())
            .await
            .expect("pong in time")
            .expect("recv")
        {
            Received::Message(ServerMsg::Pong(p)) if p.nonce == nonce => return sent.elapsed(),
            Received::Closed { code, reason } => panic!("closed {code} {reason}"),
            _ => {}
        }
    }
}

//! One load-generator client: a real WebSocket that joins, sends an input every tick, and decodes
//! and applies every snapshot into its own world, counting what it receives in atomics that the
//! load generator sums at the edges of its measurement window.
//!
//! Each client is two tasks over fastwebsockets' split halves: a reader that only reads (its
//! WebSocket reads are never raced in a `select!`, as they are not cancellation safe) and a writer
//! that waits on an interval between writes. The write half sits behind a mutex so that the reader
//! can send the close and pong replies that fastwebsockets owes the server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use fastwebsockets::{
    FragmentCollectorRead, Frame, OpCode, Payload, WebSocket, WebSocketError, WebSocketWrite,
};
use hdrhistogram::Histogram;
use tickwire_protocol::{ClientMsg, Hello, PROTOCOL_VERSION, ServerMsg, Welcome, codec};
use tickwire_sim::Rng;

use crate::game_input::GameInput;
use tokio::io::{ReadHalf, WriteHalf};
use tokio::net::TcpStream;
use tokio::sync::{Mutex, watch};
use tokio::task::JoinHandle;

use tickwire_client::{CappedRead, ClientError, ClientWorld, connect_tcp};

use super::failure::JoinFailure;
use super::target::Target;
use super::upgrade::upgrade;

type Io = TcpStream;
type Writer = Arc<Mutex<WebSocketWrite<WriteHalf<Io>>>>;

/// Inputs remembered for ack latency; older acks are not measured.
const RING: usize = 256;

/// The longest input ack latency told apart, in microseconds; longer ones count as this.
const LATENCY_LIMIT_US: u64 = 60_000_000;

/// State every client of one run shares.
#[derive(Debug)]
pub(crate) struct RunShared {
    /// Ack latencies are recorded only while this is set (the measurement window).
    pub(crate) measuring: AtomicBool,
    /// Set when the run is closing its clients: closes are then expected.
    pub(crate) ending: AtomicBool,
    /// Input ack latencies over the window, in microseconds (1 µs to 60 s, 3 significant
    /// figures). Every reader records into it: one short lock per acknowledged input.
    latency: parking_lot::Mutex<Histogram<u64>>,
    /// The origin of the send times kept in each client's ring.
    pub(crate) epoch: Instant,
    /// Every client sends its input at the same moment of each tick (see
    /// [`LoadgenConfig::aligned_inputs`](crate::loadgen::LoadgenConfig::aligned_inputs)).
    pub(crate) aligned_inputs: bool,
    /// The protocol version the clients say in their `Hello`: this build's, until a server
    /// refuses it naming an older one the load generator also speaks ([`SPEAKS`]).
    pub(crate) version: AtomicU16,
}

/// The protocol versions the load generator speaks: those whose `Hello`, `Input` and server
/// messages are this version's. Version 6 changed only `Ping`, which it never sends, so it
/// loads a version-5 server (an older build, measured against this one) as it is.
pub(crate) const SPEAKS: std::ops::RangeInclusive<u16> = 5..=PROTOCOL_VERSION;

/// The version a refusal for the wrong version names as the server's, when the load generator
/// speaks it: the reason reads "... this server speaks N".
pub(crate) fn spoken_instead(failure: &JoinFailure) -> Option<u16> {
    let JoinFailure::Closed { code, reason } = failure else {
        return None;
    };
    if *code != tickwire_protocol::close::VERSION_MISMATCH {
        return None;
    }
    let version = reason.rsplit(' ').next()?.trim().parse().ok()?;
    SPEAKS.contains(&version).then_some(version)
}

/// Input ack latencies over a window, in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AckLatency {
    /// The median (the largest value equivalent to it at the histogram's precision).
    pub(crate) p50_us: Option<u64>,
    /// The 99th percentile, likewise.
    pub(crate) p99_us: Option<u64>,
    /// The largest, likewise.
    pub(crate) max_us: Option<u64>,
    /// Latencies recorded.
    pub(crate) samples: u64,
}

impl RunShared {
    pub(crate) fn new(aligned_inputs: bool) -> RunShared {
        RunShared {
            aligned_inputs,
            version: AtomicU16::new(PROTOCOL_VERSION),
            measuring: AtomicBool::new(false),
            ending: AtomicBool::new(false),
            latency: parking_lot::Mutex::new(
                Histogram::new_with_bounds(1, LATENCY_LIMIT_US, 3)
                    .expect("constant bounds are valid"),
            ),
            epoch: Instant::now(),
        }
    }

    /// Records one input ack latency; one past the limit counts as the limit.
    pub(crate) fn record_latency_us(&self, us: u64) {
        self.latency.lock().saturating_record(us);
    }

    /// The latencies recorded so far; `None` figures when there are none.
    pub(crate) fn ack_latency(&self) -> AckLatency {
        let h = self.latency.lock();
        if h.is_empty() {
            return AckLatency::default();
        }
        AckLatency {
            p50_us: Some(h.value_at_quantile(0.5)),
            p99_us: Some(h.value_at_quantile(0.99)),
            max_us: Some(h.max()),
            samples: h.len(),
        }
    }
}

/// What one client has received and sent so far.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) snapshots: AtomicU64,
    pub(crate) bytes_in: AtomicU64,
    pub(crate) entity_updates: AtomicU64,
    /// Bytes of the snapshots this client applied to its world (0 for one that does not decode).
    pub(crate) decoded_bytes: AtomicU64,
    /// The client applies its snapshots to a world.
    pub(crate) decodes: AtomicBool,
    pub(crate) inputs_sent: AtomicU64,
    pub(crate) decode_errors: AtomicU64,
    pub(crate) unexpected_close: AtomicBool,
    /// Why the client ended unexpectedly, when it did.
    pub(crate) close_reason: parking_lot::Mutex<Option<JoinFailure>>,
    /// Cleared when the client's reader stops.
    pub(crate) alive: AtomicBool,
}

/// A sum of every client's [`Counters`] at one instant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Totals {
    pub(crate) snapshots: u64,
    pub(crate) bytes_in: u64,
    pub(crate) entity_updates: u64,
    pub(crate) decoded_bytes: u64,
    pub(crate) inputs_sent: u64,
    pub(crate) decode_errors: u64,
    pub(crate) unexpected_closes: u64,
    pub(crate) alive: u64,
    /// Clients alive that decode their snapshots.
    pub(crate) decoding_alive: u64,
}

impl Totals {
    pub(crate) fn sum<'a>(clients: impl IntoIterator<Item = &'a Counters>) -> Totals {
        let mut t = Totals::default();
        for c in clients {
            t.snapshots += c.snapshots.load(Relaxed);
            t.bytes_in += c.bytes_in.load(Relaxed);
            t.entity_updates += c.entity_updates.load(Relaxed);
            t.decoded_bytes += c.decoded_bytes.load(Relaxed);
            t.inputs_sent += c.inputs_sent.load(Relaxed);
            t.decode_errors += c.decode_errors.load(Relaxed);
            t.unexpected_closes += u64::from(c.unexpected_close.load(Relaxed));
            let alive = c.alive.load(Relaxed);
            t.alive += u64::from(alive);
            t.decoding_alive += u64::from(alive && c.decodes.load(Relaxed));
        }
        t
    }
}

/// Send times of the last [`RING`] inputs, by sequence number.
#[derive(Debug)]
struct SentRing(parking_lot::Mutex<[(u32, u64); RING]>);

impl SentRing {
    fn new() -> SentRing {
        SentRing(parking_lot::Mutex::new([(0, 0); RING]))
    }

    fn record(&self, seq: u32, nanos: u64) {
        self.0.lock()[seq as usize % RING] = (seq, nanos);
    }

    fn sent_at(&self, seq: u32) -> Option<u64> {
        let (s, nanos) = self.0.lock()[seq as usize % RING];
        (s == seq && seq != 0).then_some(nanos)
    }
}

/// A client that has joined: its socket and the server's welcome.
pub(crate) struct Joined {
    ws: WebSocket<Io>,
    /// The server's welcome.
    pub(crate) welcome: Welcome,
    /// Payload bytes received while joining.
    bytes_in: u64,
}

/// The kernel receive buffer of each load-generator socket: about a second of snapshots for a
/// world of a thousand moving entities.
const RECV_BUFFER_BYTES: u32 = 128 * 1024;

/// The most one read takes from a socket, so that a client that is behind keeps a read buffer
/// near one snapshot in size (see [`CappedRead`]).
const READ_CHUNK_BYTES: usize = 16 * 1024;

/// Connects to `addr`, upgrades to a WebSocket on the target's path, says `Hello` as `name` and
/// waits for the `Welcome`. The caller bounds the time. A failure says why, in the server's words
/// when it gave any (an HTTP status and body, a close code and reason).
pub(crate) async fn join(
    addr: SocketAddr,
    target: &Target,
    name: String,
    version: u16,
) -> Result<Joined, JoinFailure> {
    // A fixed receive buffer bounds what a client that falls behind holds (in the kernel, and in
    // the read buffer that drains it): the server sees the back-pressure and skips snapshots for
    // it, as it would for a slow player, instead of this process growing without bound.
    let stream = connect_tcp(addr, Some(RECV_BUFFER_BYTES))
        .await
        .map_err(|e| JoinFailure::from(ClientError::Connect(e)))?;
    let mut ws = upgrade(stream, &target.authority(), &target.path).await?;
    let other = |e: &dyn std::fmt::Display| JoinFailure::Other(e.to_string());
    ws.set_max_message_size(codec::MAX_SERVER_MSG);
    let mut hello = Vec::new();
    codec::encode_client(
        &ClientMsg::Hello(Hello {
            protocol_version: version,
            name,
            resume: None,
            schema: None,
        }),
        &mut hello,
    )
    .map_err(|e| other(&e))?;
    ws.write_frame(Frame::binary(Payload::Owned(hello)))
        .await
        .map_err(|e| other(&format_args!("sending Hello: {e}")))?;
    let mut bytes_in = 0;
    loop {
        let frame = ws
            .read_frame()
            .await
            .map_err(|e| other(&format_args!("waiting for Welcome: {e}")))?;
        match frame.opcode {
            OpCode::Binary => {
                bytes_in += frame.payload.len() as u64;
                match codec::decode_server(&frame.payload)
                    .map_err(|e| other(&format_args!("decoding the Welcome: {e}")))?
                {
                    ServerMsg::Welcome(welcome) => {
                        return Ok(Joined {
                            ws,
                            welcome: *welcome,
                            bytes_in,
                        });
                    }
                    ServerMsg::Kick(k) => {
                        return Err(JoinFailure::Closed {
                            code: k.code,
                            reason: k.reason,
                        });
                    }
                    _ => {}
                }
            }
            OpCode::Close => {
                let (code, reason) = close_of(&frame.payload);
                return Err(JoinFailure::Closed { code, reason });
            }
            OpCode::Text => return Err(JoinFailure::Other("a text message".into())),
            _ => {}
        }
    }
}

fn close_of(p: &[u8]) -> (u16, String) {
    let code = match p {
        [a, b, ..] => u16::from_be_bytes([*a, *b]),
        _ => 1005,
    };
    (
        code,
        String::from_utf8_lossy(p.get(2..).unwrap_or_default()).into(),
    )
}

/// The two tasks of a running client.
pub(crate) struct Running {
    pub(crate) reader: JoinHandle<()>,
    pub(crate) writer: JoinHandle<()>,
}

/// Starts the reader and writer of a joined client. The writer sends one input per server tick
/// until `stop` turns true, then a close frame (1000). With `decodes`, the reader applies every
/// snapshot to a world; without, it reads each one's acknowledgement only.
pub(crate) fn start(
    joined: Joined,
    seed: u64,
    decodes: bool,
    counters: Arc<Counters>,
    shared: Arc<RunShared>,
    stop: watch::Receiver<bool>,
) -> Running {
    counters.bytes_in.fetch_add(joined.bytes_in, Relaxed);
    counters.alive.store(true, Relaxed);
    counters.decodes.store(decodes, Relaxed);
    let tick_rate = joined.welcome.tick_rate.max(1);
    // Snapshots decode by the schema the welcome carried, whatever the game, and inputs are
    // the game's own (or its default record, for a game the tools do not know).
    let schema = Arc::new(joined.welcome.schema.clone());
    let world = decodes.then(|| ClientWorld::with_schema(schema.clone()));
    let (rx, tx) = joined.ws.split(|io| {
        let (r, w) = tokio::io::split(io);
        (CappedRead::new(r, READ_CHUNK_BYTES), w)
    });
    // The halves keep the socket's settings (message size limit, automatic close and pong).
    let rx = FragmentCollectorRead::new(rx);
    let tx: Writer = Arc::new(Mutex::new(tx));
    let ring = Arc::new(SentRing::new());
    let writer = tokio::spawn(write_loop(
        tx.clone(),
        ring.clone(),
        counters.clone(),
        shared.clone(),
        stop,
        (tick_rate, schema),
        Rng::new(seed),
    ));
    let reader = tokio::spawn(read_loop(rx, tx, ring, counters, shared, world));
    Running { reader, writer }
}

/// How long after `elapsed` (time since the run's epoch) the next whole `period` after the
/// epoch comes: every client waits until the same phase.
fn until_phase(elapsed: Duration, period: Duration) -> Duration {
    let into = elapsed.as_nanos() % period.as_nanos().max(1);
    period.saturating_sub(Duration::from_nanos(u64::try_from(into).unwrap_or(0)))
}

async fn write_loop(
    tx: Writer,
    ring: Arc<SentRing>,
    counters: Arc<Counters>,
    shared: Arc<RunShared>,
    mut stop: watch::Receiver<bool>,
    (tick_rate, schema): (u16, Arc<tickwire_protocol::Schema>),
    mut rng: Rng,
) {
    let game_input = GameInput::of(&schema);
    let period = Duration::from_secs_f64(1.0 / f64::from(tick_rate));
    let mut interval = if shared.aligned_inputs {
        // The next moment that is a whole number of periods after the run's epoch: the same
        // phase for every client, whenever it joined.
        let wait = until_phase(shared.epoch.elapsed(), period);
        tokio::time::interval_at(tokio::time::Instant::now() + wait, period)
    } else {
        tokio::time::interval(period)
    };
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut seq = 0u32;
    let mut buf = Vec::with_capacity(32);
    loop {
        // Only timers and the stop signal race here; the write below is never cancelled.
        tokio::select! {
            _ = interval.tick() => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() || !counters.alive.load(Relaxed) {
            break;
        }
        seq = seq.wrapping_add(1).max(1);
        let input =
            tickwire_client::game_data::input(&schema, seq, 0, &game_input.random(&mut rng));
        buf.clear();
        if codec::encode_client(&ClientMsg::Input(input), &mut buf).is_err() {
            break;
        }
        ring.record(seq, shared.epoch.elapsed().as_nanos() as u64);
        let sent = tx
            .lock()
            .await
            .write_frame(Frame::binary(Payload::BorrowedMut(&mut buf)))
            .await;
        if sent.is_err() {
            return;
        }
        counters.inputs_sent.fetch_add(1, Relaxed);
    }
    let mut w = tx.lock().await;
    if !w.is_closed() {
        let _ = tokio::time::timeout(
            Duration::from_secs(1),
            w.write_frame(Frame::close(1000, b"load generator done")),
        )
        .await;
    }
}

async fn read_loop(
    mut rx: FragmentCollectorRead<CappedRead<ReadHalf<Io>>>,
    tx: Writer,
    ring: Arc<SentRing>,
    counters: Arc<Counters>,
    shared: Arc<RunShared>,
    // Holds the last two snapshots and a spare buffer: a client that keeps up allocates nothing.
    // `None`: the client does not decode its snapshots.
    mut world: Option<ClientWorld>,
) {
    let mut last_ack = 0u32;
    let unexpected = |why: JoinFailure| {
        if !shared.ending.load(Relaxed) {
            counters.unexpected_close.store(true, Relaxed);
            counters.close_reason.lock().get_or_insert(why);
        }
    };
    // Close and pong replies that fastwebsockets owes the server go out through the write half.
    let mut obligated = |frame: Frame<'_>| {
        let (opcode, payload) = (frame.opcode, frame.payload.to_vec());
        let tx = tx.clone();
        async move {
            let mut w = tx.lock().await;
            if w.is_closed() {
                return Ok(());
            }
            w.write_frame(Frame::new(true, opcode, None, Payload::Owned(payload)))
                .await
        }
    };
    loop {
        let frame = match rx.read_frame::<_, WebSocketError>(&mut obligated).await {
            Ok(f) => f,
            Err(e) => {
                unexpected(JoinFailure::Other(format!("socket failed: {e}")));
                break;
            }
        };
        match frame.opcode {
            OpCode::Binary => {
                let len = frame.payload.len() as u64;
                counters.bytes_in.fetch_add(len, Relaxed);
                let msg = match codec::decode_server(&frame.payload) {
                    Ok(m) => m,
                    Err(_) => {
                        counters.decode_errors.fetch_add(1, Relaxed);
                        break;
                    }
                };
                match msg {
                    ServerMsg::Snapshot(s) => {
                        if let Some(world) = world.as_mut() {
                            let Ok(applied) = world.apply(s.schema, &s.body.0) else {
                                // The world is out of step from here on: stop this client.
                                counters.decode_errors.fetch_add(1, Relaxed);
                                break;
                            };
                            counters
                                .entity_updates
                                .fetch_add((applied.changed + applied.created) as u64, Relaxed);
                            counters.decoded_bytes.fetch_add(len, Relaxed);
                        }
                        counters.snapshots.fetch_add(1, Relaxed);
                        if tickwire_protocol::seq::is_newer(s.ack, last_ack) {
                            if shared.measuring.load(Relaxed)
                                && let Some(sent) = ring.sent_at(s.ack)
                            {
                                let now = shared.epoch.elapsed().as_nanos() as u64;
                                shared.record_latency_us(now.saturating_sub(sent) / 1_000);
                            }
                            last_ack = s.ack;
                        }
                    }
                    ServerMsg::Kick(k) => unexpected(JoinFailure::Closed {
                        code: k.code,
                        reason: k.reason,
                    }),
                    _ => {}
                }
            }
            OpCode::Close => {
                let (code, reason) = close_of(&frame.payload);
                unexpected(JoinFailure::Closed { code, reason });
                break;
            }
            OpCode::Text => {
                counters.decode_errors.fetch_add(1, Relaxed);
                break;
            }
            _ => {}
        }
        // A reader that is behind finds its next frames already buffered, and would decode them
        // all in one poll while this client's writer and every other client wait: give way after
        // each frame so that inputs keep flowing when the machine is saturated.
        tokio::task::yield_now().await;
    }
    counters.alive.store(false, Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_clients_wait_for_the_same_phase_whenever_they_joined() {
        let period = Duration::from_millis(33);
        for joined_ms in [0u64, 5, 32, 33, 100, 1_000_001] {
            let elapsed = Duration::from_millis(joined_ms);
            let first = elapsed + until_phase(elapsed, period);
            assert_eq!(
                first.as_nanos() % period.as_nanos(),
                0,
                "joined at {joined_ms} ms"
            );
            assert!(
                first > elapsed && first <= elapsed + period,
                "joined at {joined_ms} ms"
            );
        }
    }

    #[test]
    fn ack_latency_quantiles() {
        let shared = RunShared::new(false);
        assert_eq!(shared.ack_latency(), AckLatency::default());
        for us in 1..=100 {
            shared.record_latency_us(us * 100);
        }
        let l = shared.ack_latency();
        assert_eq!(l.samples, 100);
        let p50 = l.p50_us.expect("some");
        assert!((5_000..=5_010).contains(&p50), "{p50}");
        let p99 = l.p99_us.expect("some");
        assert!((9_900..=9_910).contains(&p99), "{p99}");
        let max = l.max_us.expect("some");
        assert!((10_000..=10_010).contains(&max), "{max}");
        // An outlier past the limit counts as the limit instead of failing.
        shared.record_latency_us(u64::MAX);
        let max = shared.ack_latency().max_us.expect("some");
        assert!(max >= LATENCY_LIMIT_US, "{max}");
    }

    #[test]
    fn inputs_are_seeded_and_in_range() {
        // The writer's draws, as it makes them.
        let draw = |rng: &mut Rng| {
            (
                rng.range_f32(-3.0, 3.0),
                rng.range_f32(-3.0, 3.0),
                rng.range_f32(-std::f32::consts::PI, std::f32::consts::PI),
            )
        };
        let mut a = Rng::new(7);
        let xs: Vec<_> = (0..10_000).map(|_| draw(&mut a)).collect();
        let mut b = Rng::new(7);
        assert_eq!(
            xs[..5],
            (0..5).map(|_| draw(&mut b)).collect::<Vec<_>>()[..]
        );
        assert!(xs.iter().all(|&(x, y, aim)| (-3.0..3.0).contains(&x)
            && (-3.0..3.0).contains(&y)
            && (-std::f32::consts::PI..std::f32::consts::PI).contains(&aim)));
        let mean = xs.iter().map(|&(x, _, _)| x).sum::<f32>() / xs.len() as f32;
        assert!(mean.abs() < 0.1, "{mean}");
    }

    #[test]
    fn an_older_server_is_spoken_to_in_its_version_when_the_load_generator_speaks_it() {
        let refused = |code, v: u16| JoinFailure::Closed {
            code,
            reason: format!(
                "protocol version {PROTOCOL_VERSION} is not supported; this server speaks {v}"
            ),
        };
        let mismatch = tickwire_protocol::close::VERSION_MISMATCH;
        assert_eq!(spoken_instead(&refused(mismatch, 5)), Some(5));
        // Too old for its messages, another refusal, or no version named: no second try.
        assert_eq!(spoken_instead(&refused(mismatch, 4)), None);
        assert_eq!(
            spoken_instead(&refused(tickwire_protocol::close::POLICY_VIOLATION, 5)),
            None
        );
        let unnamed = JoinFailure::Closed {
            code: mismatch,
            reason: "wrong version".into(),
        };
        assert_eq!(spoken_instead(&unnamed), None);
    }

    #[test]
    fn ring_forgets_overwritten_inputs() {
        let r = SentRing::new();
        r.record(1, 100);
        assert_eq!(r.sent_at(1), Some(100));
        assert_eq!(r.sent_at(0), None);
        r.record(1 + RING as u32, 200);
        assert_eq!(r.sent_at(1), None);
        assert_eq!(r.sent_at(1 + RING as u32), Some(200));
    }
}

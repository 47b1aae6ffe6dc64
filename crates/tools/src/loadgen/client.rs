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
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use fastwebsockets::{
    FragmentCollectorRead, Frame, OpCode, Payload, WebSocket, WebSocketError, WebSocketWrite,
};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use tickwire_protocol::{
    Baselines, ClientMsg, DeltaBody, Hello, Input, PROTOCOL_VERSION, ServerMsg, Welcome,
    WorldState, codec,
};
use tokio::io::{ReadHalf, WriteHalf};
use tokio::sync::{Mutex, watch};
use tokio::task::JoinHandle;

use tickwire_client::{CappedRead, ClientError, connect_tcp, websocket_handshake};

use super::latency::LatencyHistogram;
use super::target::Target;

type Io = TokioIo<Upgraded>;
type Writer = Arc<Mutex<WebSocketWrite<WriteHalf<Io>>>>;

/// Inputs remembered for ack latency; older acks are not measured.
const RING: usize = 256;

/// State every client of one run shares.
#[derive(Debug)]
pub(crate) struct RunShared {
    /// Ack latencies are recorded only while this is set (the measurement window).
    pub(crate) measuring: AtomicBool,
    /// Set when the run is closing its clients: closes are then expected.
    pub(crate) ending: AtomicBool,
    /// Input ack latencies over the window.
    pub(crate) latency: LatencyHistogram,
    /// The origin of the send times kept in each client's ring.
    pub(crate) epoch: Instant,
}

impl RunShared {
    pub(crate) fn new() -> RunShared {
        RunShared {
            measuring: AtomicBool::new(false),
            ending: AtomicBool::new(false),
            latency: LatencyHistogram::default(),
            epoch: Instant::now(),
        }
    }
}

/// What one client has received and sent so far.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) snapshots: AtomicU64,
    pub(crate) bytes_in: AtomicU64,
    pub(crate) entity_updates: AtomicU64,
    pub(crate) inputs_sent: AtomicU64,
    pub(crate) decode_errors: AtomicU64,
    pub(crate) unexpected_close: AtomicBool,
    /// Cleared when the client's reader stops.
    pub(crate) alive: AtomicBool,
}

/// A sum of every client's [`Counters`] at one instant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Totals {
    pub(crate) snapshots: u64,
    pub(crate) bytes_in: u64,
    pub(crate) entity_updates: u64,
    pub(crate) inputs_sent: u64,
    pub(crate) decode_errors: u64,
    pub(crate) unexpected_closes: u64,
    pub(crate) alive: u64,
}

impl Totals {
    pub(crate) fn sum<'a>(clients: impl IntoIterator<Item = &'a Counters>) -> Totals {
        let mut t = Totals::default();
        for c in clients {
            t.snapshots += c.snapshots.load(Relaxed);
            t.bytes_in += c.bytes_in.load(Relaxed);
            t.entity_updates += c.entity_updates.load(Relaxed);
            t.inputs_sent += c.inputs_sent.load(Relaxed);
            t.decode_errors += c.decode_errors.load(Relaxed);
            t.unexpected_closes += u64::from(c.unexpected_close.load(Relaxed));
            t.alive += u64::from(c.alive.load(Relaxed));
        }
        t
    }
}

/// splitmix64: a tiny seeded generator, enough for random inputs.
#[derive(Clone, Debug)]
pub(crate) struct SplitMix(u64);

impl SplitMix {
    pub(crate) fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [lo, hi).
    pub(crate) fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        let unit = (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32;
        lo + unit * (hi - lo)
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
/// waits for the `Welcome`. The caller bounds the time.
pub(crate) async fn join(
    addr: SocketAddr,
    target: &Target,
    name: String,
) -> Result<Joined, ClientError> {
    // A fixed receive buffer bounds what a client that falls behind holds (in the kernel, and in
    // the read buffer that drains it): the server sees the back-pressure and skips snapshots for
    // it, as it would for a slow player, instead of this process growing without bound.
    let stream = connect_tcp(addr, Some(RECV_BUFFER_BYTES)).await?;
    let mut ws = websocket_handshake(stream, &target.authority(), &target.path).await?;
    ws.set_max_message_size(codec::MAX_SERVER_MSG);
    let mut hello = Vec::new();
    codec::encode_client(
        &ClientMsg::Hello(Hello {
            protocol_version: PROTOCOL_VERSION,
            name,
        }),
        &mut hello,
    )?;
    ws.write_frame(Frame::binary(Payload::Owned(hello))).await?;
    let mut bytes_in = 0;
    loop {
        let frame = ws.read_frame().await?;
        match frame.opcode {
            OpCode::Binary => {
                bytes_in += frame.payload.len() as u64;
                match codec::decode_server(&frame.payload)? {
                    ServerMsg::Welcome(welcome) => {
                        return Ok(Joined {
                            ws,
                            welcome,
                            bytes_in,
                        });
                    }
                    ServerMsg::Kick(k) => {
                        return Err(ClientError::Closed {
                            code: k.code,
                            reason: k.reason,
                        });
                    }
                    _ => {}
                }
            }
            OpCode::Close => {
                let (code, reason) = close_of(&frame.payload);
                return Err(ClientError::Closed { code, reason });
            }
            OpCode::Text => return Err(ClientError::Unexpected("text message".into())),
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
/// until `stop` turns true, then a close frame (1000).
pub(crate) fn start(
    joined: Joined,
    seed: u64,
    counters: Arc<Counters>,
    shared: Arc<RunShared>,
    stop: watch::Receiver<bool>,
) -> Running {
    counters.bytes_in.fetch_add(joined.bytes_in, Relaxed);
    counters.alive.store(true, Relaxed);
    let tick_rate = joined.welcome.tick_rate.max(1);
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
        tick_rate,
        SplitMix::new(seed),
    ));
    let reader = tokio::spawn(read_loop(rx, tx, ring, counters, shared));
    Running { reader, writer }
}

async fn write_loop(
    tx: Writer,
    ring: Arc<SentRing>,
    counters: Arc<Counters>,
    shared: Arc<RunShared>,
    mut stop: watch::Receiver<bool>,
    tick_rate: u16,
    mut rng: SplitMix,
) {
    let mut interval = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(tick_rate)));
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
        let input = Input {
            seq,
            move_x: rng.uniform(-3.0, 3.0),
            move_y: rng.uniform(-3.0, 3.0),
            aim: rng.uniform(-std::f32::consts::PI, std::f32::consts::PI),
            fire: false,
        };
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
) {
    let mut world: Option<WorldState> = None;
    let mut previous: Option<WorldState> = None;
    let mut spare: Option<WorldState> = None;
    let mut last_ack = 0u32;
    let unexpected = || {
        if !shared.ending.load(Relaxed) {
            counters.unexpected_close.store(true, Relaxed);
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
            Err(_) => {
                unexpected();
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
                        let worlds = Baselines {
                            baseline: world.as_ref(),
                            previous: previous.as_ref(),
                        };
                        // The world two snapshots back is no longer needed: its buffer takes
                        // the new one, so that a client that keeps up allocates nothing.
                        let mut next = spare.take().unwrap_or_default();
                        let Ok(applied) = DeltaBody::apply_into(&s.body.0, worlds, &mut next)
                        else {
                            // The world is out of step from here on: stop this client.
                            counters.decode_errors.fetch_add(1, Relaxed);
                            break;
                        };
                        spare = previous.take();
                        previous = world.replace(next);
                        counters.snapshots.fetch_add(1, Relaxed);
                        counters
                            .entity_updates
                            .fetch_add((applied.changed + applied.created) as u64, Relaxed);
                        if tickwire_protocol::seq::is_newer(s.ack, last_ack) {
                            if shared.measuring.load(Relaxed) {
                                if let Some(sent) = ring.sent_at(s.ack) {
                                    let now = shared.epoch.elapsed().as_nanos() as u64;
                                    shared.latency.observe_us(now.saturating_sub(sent) / 1_000);
                                }
                            }
                            last_ack = s.ack;
                        }
                    }
                    ServerMsg::Kick(_) => unexpected(),
                    _ => {}
                }
            }
            OpCode::Close => {
                unexpected();
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
    fn splitmix_is_seeded_and_uniform() {
        let mut a = SplitMix::new(7);
        let mut b = SplitMix::new(7);
        let xs: Vec<f32> = (0..10_000).map(|_| a.uniform(-3.0, 3.0)).collect();
        assert!(xs.iter().all(|&x| (-3.0..3.0).contains(&x)));
        assert_eq!(
            xs[..5],
            (0..5).map(|_| b.uniform(-3.0, 3.0)).collect::<Vec<_>>()[..]
        );
        let mean = xs.iter().sum::<f32>() / xs.len() as f32;
        assert!(mean.abs() < 0.1, "{mean}");
        assert_ne!(SplitMix::new(8).next_u64(), SplitMix::new(7).next_u64());
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

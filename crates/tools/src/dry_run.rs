//! `DryRun`: a room and its clients' encoding in one process, with no sockets. It does per tick
//! what the server does (inputs in, step, capture, one view and one delta per client, the
//! per-client message), so that benchmarks and the bandwidth report measure the server's own work
//! and bytes without the kernel's. As the server's fan-out pass does, it spreads a snapshot's
//! clients over a runtime's workers in chunks ([`FanOut::split`]): the caller's thread encodes
//! the first chunk, as the room's task does, and tasks the others.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tickwire_arena::ArenaInput;
use tickwire_client::ClientWorld;
use tickwire_protocol::{ClientId, EntityId, Record, SchemaHash, World, codec};
use tickwire_scenarios::WalkInput;
use tickwire_server::FanOut;
use tickwire_server::InputBuffer;
use tickwire_server::Metrics;
use tickwire_server::{CacheUse, SentView, SnapshotFrame};
use tickwire_server::{Game, PlayerInput};
use tickwire_server::{Room, RoomConfig};
use tickwire_sim::Rng;

/// What the clients of a dry run send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputPattern {
    /// The `random-walk` scenario's players: a movement uniform in [-3, 3] on each axis
    /// ([`WalkInput`]).
    Wander,
    /// Arena players: they change direction now and then, aim around and fire often
    /// ([`ArenaInput`]).
    Arena,
}

/// What a client of a dry run sends: its inputs, numbered, from a seeded sequence. Kept by the
/// run itself, as a server's sessions push inputs whoever encodes their snapshots.
struct Sender {
    inputs: Arc<InputBuffer>,
    seq: u32,
    rng: Rng,
}

/// What a client of a dry run is sent: what the server keeps for it, and optionally the world
/// it decoded.
struct DryClient {
    slot: usize,
    entity: EntityId,
    baseline: Option<SentView>,
    previous: Option<SentView>,
    decoded: ClientWorld,
}

/// What one snapshot tick cost in bytes, summed over clients.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SnapshotBytes {
    /// WebSocket payload bytes of the snapshot messages.
    pub bytes: u64,
    /// Entity updates carried (changed plus created entities), summed over clients.
    pub entity_updates: u64,
    /// Encodings taken from the shared cache.
    pub cache_hits: u64,
    /// Encodings computed.
    pub cache_misses: u64,
    /// With verification, clients whose rebuilt world differed from the server's view (a bug).
    pub mismatches: u64,
    /// With verification, an FNV-1a hash of every message in client order (0 without): any
    /// change to a byte sent changes it, so that an encoder's rework can be checked against the
    /// old one's wire.
    pub digest: u64,
}

/// A room with `clients` players, run without sockets.
pub struct DryRun {
    room: Room,
    metrics: Arc<Metrics>,
    pattern: InputPattern,
    verify: bool,
    senders: Vec<Sender>,
    /// The clients the caller's thread encodes, as the room's task serves the first chunk of
    /// its pass.
    own: Chunk,
    /// The other chunks, when not being encoded.
    others: Vec<Chunk>,
    /// The other chunks of the last snapshot, being encoded by the workers (not waited for
    /// unless verifying, as the room's task does not wait for its pass's spawned chunks).
    in_flight: Vec<tokio::task::JoinHandle<(Chunk, ChunkBytes)>>,
    /// The workers of the chunks past the first; `None` on one worker.
    runtime: Option<tokio::runtime::Runtime>,
    workers: usize,
    /// Sizes the chunks, as the room's pass does ([`FanOut::split`]).
    fan_out: FanOut,
}

/// Clients encoded together, and the buffer their messages are built in.
struct Chunk {
    clients: Vec<DryClient>,
    buf: Vec<u8>,
}

impl Chunk {
    fn new(clients: Vec<DryClient>) -> Chunk {
        Chunk {
            clients,
            buf: Vec::with_capacity(64 * 1024),
        }
    }
}

impl DryRun {
    /// A room running `game` by `config` (its capacity raised to fit), with `clients` players
    /// joined who send inputs of `pattern`. With `verify`, every client also decodes and
    /// applies every delta, checks it against the server's view and counts entity updates
    /// (slower; for tests and the bandwidth report). With area of interest, a snapshot's
    /// clients are spread over as many workers as the machine has cores, as the server spreads
    /// them.
    pub fn new(
        game: Box<dyn Game>,
        config: RoomConfig,
        clients: usize,
        pattern: InputPattern,
        verify: bool,
    ) -> DryRun {
        let metrics = Arc::new(Metrics::default());
        let config = RoomConfig {
            capacity: config.capacity.max(clients),
            ..config
        };
        // Without area of interest, every client is sent the same encoding and a chunk's work
        // is a copy: with no sends to spread, as the server has, a worker's wake-up costs more
        // than it takes off.
        let workers = match config.view_radius {
            Some(_) => std::thread::available_parallelism().map_or(1, |n| n.get()),
            None => 1,
        };
        let mut room = Room::new(game, config, metrics.clone());
        let (mut senders, mut receivers) = (Vec::new(), Vec::new());
        for i in 0..clients {
            let inputs = Arc::new(InputBuffer::new());
            let Ok(joined) = room.handle_join(ClientId(i as u32 + 1), "dry", inputs.clone()) else {
                continue;
            };
            senders.push(Sender {
                inputs,
                seq: 0,
                rng: Rng::new(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1)),
            });
            receivers.push(DryClient {
                slot: joined.slot,
                entity: joined.entity,
                baseline: None,
                previous: None,
                decoded: ClientWorld::with_schema(room.schema().clone()),
            });
        }
        let run = DryRun {
            room,
            senders,
            own: Chunk::new(receivers),
            others: Vec::new(),
            in_flight: Vec::new(),
            runtime: None,
            workers: 1,
            fan_out: FanOut::default(),
            metrics,
            pattern,
            verify,
        };
        run.with_workers(workers)
    }

    /// This run with its clients spread over `workers` workers: the caller's thread and
    /// `workers - 1` threads of a runtime of its own (1: all on the caller's thread, as an
    /// instruction count wants them).
    ///
    /// # Panics
    /// When the runtime's threads cannot be started.
    pub fn with_workers(mut self, workers: usize) -> DryRun {
        self.join_in_flight();
        self.workers = workers.max(1);
        self.runtime = (self.workers > 1).then(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(self.workers - 1)
                .thread_name("dry-run")
                .build()
                .expect("a dry run starts its workers")
        });
        self.split(Duration::ZERO);
        self
    }

    /// Waits for the chunks still being encoded; returns what they were sent.
    fn join_in_flight(&mut self) -> Vec<ChunkBytes> {
        let mut sent = Vec::new();
        let Some(runtime) = &self.runtime else {
            return sent;
        };
        for task in self.in_flight.drain(..) {
            // The runtime lives as long as the run: a task ends only by finishing or by a
            // panic, which is the caller's.
            let (chunk, bytes) = runtime
                .block_on(task)
                .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
            self.others.push(chunk);
            sent.push(bytes);
        }
        sent
    }

    /// Splits the clients (none in flight) into the caller's chunk and the others, as the
    /// room's pass would after a tick that took `serial` ([`FanOut::split`]). Clients keep
    /// their order: the caller's first, then each other chunk's.
    fn split(&mut self, serial: Duration) {
        let n = self.clients();
        let (own, each) = FanOut::split(n, self.workers, serial, self.fan_out.per_session());
        // The others as the split makes them: `each` apiece, the last one what is left.
        let rest = n.saturating_sub(own);
        let sizes = (0..rest.div_ceil(each.max(1))).map(|k| each.min(rest - k * each));
        let unchanged = self.own.clients.len() == own
            && self.others.len() == sizes.len()
            && self
                .others
                .iter()
                .zip(sizes)
                .all(|(c, size)| c.clients.len() == size);
        if unchanged || n == 0 {
            return;
        }
        let mut all: Vec<DryClient> = std::mem::take(&mut self.own.clients);
        for c in &mut self.others {
            all.append(&mut c.clients);
        }
        let rest = all.split_off(own.min(all.len()));
        self.own.clients = all;
        let mut buffers = std::mem::take(&mut self.others).into_iter().map(|c| c.buf);
        if each > 0 {
            let mut rest = rest.into_iter().peekable();
            while rest.peek().is_some() {
                let clients: Vec<DryClient> = rest.by_ref().take(each).collect();
                let buf = buffers
                    .next()
                    .unwrap_or_else(|| Vec::with_capacity(64 * 1024));
                self.others.push(Chunk { clients, buf });
            }
        }
    }

    /// Runs one tick: every client sends an input, the room steps, and on snapshot ticks every
    /// client's message is built. Returns the snapshot's bytes on snapshot ticks.
    ///
    /// As the room's task does, the caller's thread encodes its own chunk and leaves the others
    /// to the workers without waiting for them: they are waited for at the next snapshot, and
    /// their bytes are counted in that snapshot's figures. With verification every chunk is
    /// waited for, and a snapshot's figures are its own.
    pub fn tick(&mut self) -> Option<SnapshotBytes> {
        let started = Instant::now();
        for c in &mut self.senders {
            c.seq += 1;
            let (a, b) = (c.rng.next_f32(), c.rng.next_f32());
            let record = match self.pattern {
                InputPattern::Wander => Record::of(&WalkInput {
                    dx: f64::from(a * 6.0 - 3.0),
                    dy: f64::from(b * 6.0 - 3.0),
                }),
                InputPattern::Arena => {
                    let dir = (c.seq / 20) as f32 + a * 0.2;
                    Record::of(&ArenaInput {
                        move_x: (dir * 1.7).cos().signum() as i8,
                        move_y: (dir * 2.3).sin().signum() as i8,
                        aim: b * std::f32::consts::TAU,
                        fire: c.seq % 3 == 0,
                    })
                }
            };
            c.inputs.push(PlayerInput::new(c.seq, record));
        }
        let frame = self.room.tick()?;
        let serial = started.elapsed();
        let mut counts = self.join_in_flight();
        self.split(serial);
        let (metrics, verify) = (&self.metrics, self.verify);
        // Every chunk past the first goes to the workers before the caller encodes its own.
        if let Some(runtime) = &self.runtime {
            for mut c in self.others.drain(..) {
                let (frame, metrics) = (frame.clone(), metrics.clone());
                self.in_flight.push(runtime.spawn(async move {
                    let bytes = encode_chunk(&frame, &mut c, &metrics, verify);
                    (c, bytes)
                }));
            }
        }
        let started = Instant::now();
        let own = encode_chunk(&frame, &mut self.own, metrics, verify);
        self.fan_out
            .measured(self.own.clients.len(), started.elapsed());
        // On one worker the others (none) are encoded here.
        for c in &mut self.others {
            counts.push(encode_chunk(&frame, c, metrics, verify));
        }
        counts.insert(0, own);
        if verify {
            counts.truncate(1);
            counts.extend(self.join_in_flight());
        }
        let mut out = SnapshotBytes::default();
        for c in counts {
            out.bytes += c.sum.bytes;
            out.entity_updates += c.sum.entity_updates;
            out.cache_hits += c.sum.cache_hits;
            out.cache_misses += c.sum.cache_misses;
            out.mismatches += c.sum.mismatches;
            if verify {
                out.digest = fnv1a(out.digest, &c.sent);
            }
        }
        Some(out)
    }

    /// Number of clients that joined.
    pub fn clients(&self) -> usize {
        self.senders.len()
    }

    /// The entities of the whole world at the last tick.
    pub fn world_entities(&self) -> usize {
        let mut w = World::default();
        self.room.game().capture(&mut w);
        w.len()
    }
}

/// What one chunk of clients was sent of a snapshot: its sums (without the digest) and, with
/// verification, every message it was sent, in client order.
struct ChunkBytes {
    sum: SnapshotBytes,
    sent: Vec<u8>,
}

/// Builds the message of `frame` for each client of `chunk`, as the server's pass does for a
/// chunk of a room's sessions.
fn encode_chunk(
    frame: &SnapshotFrame,
    chunk: &mut Chunk,
    metrics: &Metrics,
    verify: bool,
) -> ChunkBytes {
    let buf = &mut chunk.buf;
    // Encode times, added to the histogram once the chunk is done, as the pass's tally adds.
    let mut encodes = Vec::with_capacity(chunk.clients.len());
    let mut out = ChunkBytes {
        sum: SnapshotBytes::default(),
        sent: Vec::new(),
    };
    for c in &mut chunk.clients {
        let view = frame.view_for(c.entity, c.baseline.as_ref().and_then(|b| b.key.cell));
        let (body, cache) = frame.delta_for(c.baseline.as_ref(), c.previous.as_ref(), &view);

        match cache {
            CacheUse::Hit => out.sum.cache_hits += 1,
            CacheUse::Miss { micros } => {
                out.sum.cache_misses += 1;
                encodes.push(micros);
            }
        }
        buf.clear();
        let schema = c.baseline.is_none().then(|| frame.schema.hash());
        codec::write_snapshot(
            frame.acks.get(c.slot).copied().unwrap_or_default(),
            schema,
            &body,
            buf,
        );
        out.sum.bytes += buf.len() as u64;
        if verify {
            out.sent.extend_from_slice(buf);
            match verify_view(&mut c.decoded, schema, &body, view.world()) {
                Some(updates) => out.sum.entity_updates += updates,
                None => out.sum.mismatches += 1,
            }
        }
        c.previous = c.baseline.replace(view);
    }
    for micros in encodes {
        metrics.record_encode(micros);
    }
    out
}

/// `hash` (0 to start) carried on over `bytes` by FNV-1a, 64 bits.
fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    let start = if hash == 0 {
        0xcbf2_9ce4_8422_2325
    } else {
        hash
    };
    bytes.iter().fold(start, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Decodes `body` as the client would; returns the entity updates it carried (changed and
/// created entities) when it rebuilds the server's view exactly, `None` when it does not.
fn verify_view(
    world: &mut ClientWorld,
    schema: Option<SchemaHash>,
    body: &[u8],
    expected: &World,
) -> Option<u64> {
    let applied = world.apply(schema, body).ok()?;
    if world.current() != Some(expected) {
        return None;
    }
    Some((applied.changed + applied.created) as u64)
}

#[cfg(test)]
mod tests {
    use crate::bandwidth_report::Case;

    /// Spreading clients over threads changes who encodes, never what is sent: every byte (the
    /// digest), every update and every check are those of one thread.
    #[test]
    fn clients_spread_over_threads_are_sent_what_one_thread_sends_them() {
        let case = Case::random_walk(2000, 100, 300, Some(60.0));
        let mut one = case.dry_run(true).with_workers(1);
        let mut three = case.dry_run(true).with_workers(3);
        let mut snapshots = 0;
        for _ in 0..20 {
            let (a, b) = (one.tick(), three.tick());
            assert_eq!(a.is_some(), b.is_some());
            let (Some(a), Some(b)) = (a, b) else { continue };
            snapshots += 1;
            assert_ne!(a.digest, 0);
            assert_eq!(a.mismatches, 0);
            assert_eq!(
                (a.digest, a.bytes, a.entity_updates, b.mismatches),
                (b.digest, b.bytes, b.entity_updates, 0)
            );
            // Two chunks may encode the same delta at once; each is then a miss.
            assert_eq!(a.cache_hits + a.cache_misses, b.cache_hits + b.cache_misses);
        }
        assert_eq!(snapshots, 20);
    }
}

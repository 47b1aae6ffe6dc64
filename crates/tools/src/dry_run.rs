//! `DryRun`: a room and its clients' encoding in one process, with no sockets. It does per tick
//! what the server does (inputs in, step, capture, one view and one delta per client, the
//! per-client message), so that benchmarks and the bandwidth report measure the server's own work
//! and bytes without the kernel's. As the server's fan-out pass does, it spreads a snapshot's
//! clients over a runtime's workers in chunks ([`FanOut::chunk_size`]): the caller's thread
//! encodes the first chunk, as the room's task does, and tasks the others.

use std::sync::Arc;

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

/// A client of a dry run: what the server keeps for it, and optionally the world it decoded.
struct DryClient {
    inputs: Arc<InputBuffer>,
    slot: usize,
    entity: EntityId,
    baseline: Option<SentView>,
    previous: Option<SentView>,
    decoded: ClientWorld,
    seq: u32,
    rng: Rng,
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
    /// The clients, in chunks of [`FanOut::chunk_size`] (all in one on one worker).
    chunks: Vec<Chunk>,
    /// The workers of the chunks past the first; `None` on one worker.
    runtime: Option<tokio::runtime::Runtime>,
}

/// Clients encoded together, and the buffer their messages are built in.
struct Chunk {
    clients: Vec<DryClient>,
    buf: Vec<u8>,
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
        let clients = (0..clients)
            .filter_map(|i| {
                let inputs = Arc::new(InputBuffer::new());
                let joined = room
                    .handle_join(ClientId(i as u32 + 1), "dry", inputs.clone())
                    .ok()?;
                Some(DryClient {
                    inputs,
                    slot: joined.slot,
                    entity: joined.entity,
                    baseline: None,
                    previous: None,
                    decoded: ClientWorld::with_schema(room.schema().clone()),
                    seq: 0,
                    rng: Rng::new(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1)),
                })
            })
            .collect();
        let run = DryRun {
            room,
            chunks: vec![Chunk {
                clients,
                buf: Vec::with_capacity(64 * 1024),
            }],
            runtime: None,
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
        let workers = workers.max(1);
        let clients: Vec<DryClient> = self.chunks.drain(..).flat_map(|c| c.clients).collect();
        let size = FanOut::chunk_size(clients.len(), workers);
        let mut clients = clients.into_iter().peekable();
        while clients.peek().is_some() {
            self.chunks.push(Chunk {
                clients: clients.by_ref().take(size).collect(),
                buf: Vec::with_capacity(64 * 1024),
            });
        }
        self.runtime = (self.chunks.len() > 1).then(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers - 1)
                .thread_name("dry-run")
                .build()
                .expect("a dry run starts its workers")
        });
        self
    }

    /// Runs one tick: every client sends an input, the room steps, and on snapshot ticks every
    /// client's message is built. Returns the snapshot's bytes on snapshot ticks.
    pub fn tick(&mut self) -> Option<SnapshotBytes> {
        for c in self.chunks.iter_mut().flat_map(|c| &mut c.clients) {
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
        let (metrics, verify, runtime) = (&self.metrics, self.verify, &self.runtime);
        let mut chunks = std::mem::take(&mut self.chunks).into_iter();
        let first = chunks.next();
        // Every chunk past the first goes to the workers before the caller encodes its own.
        let spawned: Vec<_> = match runtime {
            Some(runtime) => chunks
                .by_ref()
                .map(|mut c| {
                    let (frame, metrics) = (frame.clone(), metrics.clone());
                    runtime.spawn(async move {
                        let bytes = encode_chunk(&frame, &mut c, &metrics, verify);
                        (c, bytes)
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        let mut counts = Vec::with_capacity(spawned.len() + 1);
        for mut c in first.into_iter().chain(chunks) {
            counts.push(encode_chunk(&frame, &mut c, metrics, verify));
            self.chunks.push(c);
        }
        if let Some(runtime) = runtime {
            for task in spawned {
                // The runtime lives as long as the run: a task ends only by finishing or by a
                // panic, which is the caller's.
                let (c, bytes) = runtime
                    .block_on(task)
                    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
                self.chunks.push(c);
                counts.push(bytes);
            }
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
        self.chunks.iter().map(|c| c.clients.len()).sum()
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
    let mut out = ChunkBytes {
        sum: SnapshotBytes::default(),
        sent: Vec::new(),
    };
    for c in &mut chunk.clients {
        let view = frame.view_for(c.entity, c.baseline.as_ref().and_then(|b| b.key.cell));
        let (body, cache) =
            frame.delta_for(c.baseline.as_ref(), c.previous.as_ref(), &view, metrics);

        match cache {
            CacheUse::Hit => out.sum.cache_hits += 1,
            CacheUse::Miss => out.sum.cache_misses += 1,
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

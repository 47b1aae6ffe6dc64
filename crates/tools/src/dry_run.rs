//! `DryRun`: a room and its clients' encoding in one process, with no sockets. It does per tick
//! what the server does (inputs in, step, capture, one view and one delta per client, the
//! per-client message), so that benchmarks and the bandwidth report measure the server's own work
//! and bytes without the kernel's.

use std::sync::Arc;

use tickwire_arena::ArenaInput;
use tickwire_client::ClientWorld;
use tickwire_protocol::{ClientId, EntityId, Record, SchemaHash, World, codec};
use tickwire_scenarios::WalkInput;
use tickwire_server::InputBuffer;
use tickwire_server::Metrics;
use tickwire_server::{CacheUse, SentView};
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
    clients: Vec<DryClient>,
    metrics: Arc<Metrics>,
    pattern: InputPattern,
    verify: bool,
    buf: Vec<u8>,
}

impl DryRun {
    /// A room running `game` by `config` (its capacity raised to fit), with `clients` players
    /// joined who send inputs of `pattern`. With `verify`, every client also decodes and
    /// applies every delta, checks it against the server's view and counts entity updates
    /// (slower; for tests and the bandwidth report).
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
        DryRun {
            room,
            clients,
            metrics,
            pattern,
            verify,
            buf: Vec::with_capacity(64 * 1024),
        }
    }

    /// Runs one tick: every client sends an input, the room steps, and on snapshot ticks every
    /// client's message is built. Returns the snapshot's bytes on snapshot ticks.
    pub fn tick(&mut self) -> Option<SnapshotBytes> {
        for c in &mut self.clients {
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
        let mut out = SnapshotBytes::default();
        for c in &mut self.clients {
            let view = frame.view_for(c.entity, c.baseline.as_ref().and_then(|b| b.key.cell));
            let (body, cache) = frame.delta_for(
                c.baseline.as_ref(),
                c.previous.as_ref(),
                &view,
                &self.metrics,
            );
            match cache {
                CacheUse::Hit => out.cache_hits += 1,
                CacheUse::Miss => out.cache_misses += 1,
            }
            self.buf.clear();
            let schema = c.baseline.is_none().then(|| frame.schema.hash());
            codec::write_snapshot(
                frame.acks.get(c.slot).copied().unwrap_or_default(),
                schema,
                &body,
                &mut self.buf,
            );
            out.bytes += self.buf.len() as u64;
            if self.verify {
                out.digest = fnv1a(out.digest, &self.buf);
                match verify(&mut c.decoded, schema, &body, &view.world) {
                    Some(updates) => out.entity_updates += updates,
                    None => out.mismatches += 1,
                }
            }
            c.previous = c.baseline.replace(view);
        }
        Some(out)
    }

    /// Number of clients that joined.
    pub fn clients(&self) -> usize {
        self.clients.len()
    }

    /// The entities of the whole world at the last tick.
    pub fn world_entities(&self) -> usize {
        let mut w = World::default();
        self.room.game().capture(&mut w);
        w.len()
    }
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
fn verify(
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

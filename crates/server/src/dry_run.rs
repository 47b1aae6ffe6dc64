//! `DryRun`: a room and its clients' encoding in one process, with no sockets. It does per tick
//! what the server does (inputs in, step, capture, one view and one delta per client, the
//! per-client message), so that benchmarks and the bandwidth report measure the server's own work
//! and bytes without the kernel's.

use std::sync::Arc;

use tickwire_protocol::{Baselines, ClientId, Delta, EntityId, Input, WorldState, codec};

use crate::config::{Scenario, ServerConfig};
use crate::input_buffer::InputBuffer;
use crate::metrics::Metrics;
use crate::room::{Room, RoomConfig};
use crate::snapshot::{CacheUse, SentView};

/// A client of a dry run: what the server keeps for it, and optionally the world it decoded.
struct DryClient {
    inputs: Arc<InputBuffer>,
    slot: usize,
    entity: EntityId,
    baseline: Option<SentView>,
    previous: Option<SentView>,
    decoded: Option<(WorldState, Option<WorldState>)>,
    seq: u32,
    rng: u64,
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
}

/// A room with `clients` players, run without sockets.
pub struct DryRun {
    room: Room,
    clients: Vec<DryClient>,
    metrics: Arc<Metrics>,
    random_walk: bool,
    verify: bool,
    buf: Vec<u8>,
}

impl DryRun {
    /// A room as `config` describes (its first room), with `clients` players joined. With
    /// `verify`, every client also decodes and applies every delta, checks it against the
    /// server's view and counts entity updates (slower; for tests and the bandwidth report).
    pub fn new(config: &ServerConfig, clients: usize, verify: bool) -> DryRun {
        let metrics = Arc::new(Metrics::default());
        let map = config
            .load_map()
            .unwrap_or_else(|_| tickwire_sim::Map::default_arena());
        let mut room = Room::new(
            config.new_game(&map, config.seed),
            RoomConfig {
                tick_rate: config.tick_rate,
                ticks_per_snapshot: config.ticks_per_snapshot(),
                capacity: clients.max(1),
                view_radius: config.view_radius,
            },
            metrics.clone(),
        );
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
                    decoded: None,
                    seq: 0,
                    rng: 0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1),
                })
            })
            .collect();
        DryRun {
            room,
            clients,
            metrics,
            random_walk: matches!(config.scenario, Scenario::RandomWalk { .. }),
            verify,
            buf: Vec::with_capacity(64 * 1024),
        }
    }

    /// Runs one tick: every client sends an input, the room steps, and on snapshot ticks every
    /// client's message is built. Returns the snapshot's bytes on snapshot ticks.
    pub fn tick(&mut self) -> Option<SnapshotBytes> {
        let random_walk = self.random_walk;
        for c in &mut self.clients {
            c.seq += 1;
            let (a, b) = (next(&mut c.rng), next(&mut c.rng));
            let input = if random_walk {
                Input {
                    seq: c.seq,
                    move_x: (a * 6.0 - 3.0) as f32,
                    move_y: (b * 6.0 - 3.0) as f32,
                    aim: 0.0,
                    fire: false,
                }
            } else {
                // Arena players change direction now and then, aim around and fire often.
                let dir = (c.seq / 20) as f64 + a * 0.2;
                Input {
                    seq: c.seq,
                    move_x: (dir * 1.7).cos().signum() as f32,
                    move_y: (dir * 2.3).sin().signum() as f32,
                    aim: (b * std::f64::consts::TAU) as f32,
                    fire: c.seq % 3 == 0,
                }
            };
            c.inputs.push(input);
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
            codec::write_snapshot(
                frame.acks.get(c.slot).copied().unwrap_or(0),
                &body,
                &mut self.buf,
            );
            out.bytes += self.buf.len() as u64;
            if self.verify {
                match verify(c, &body, &view.world) {
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
        let mut w = WorldState::default();
        self.room.game().capture(&mut w);
        w.entities.len()
    }
}

/// Decodes `body` as the client would; returns the entity updates it carried when it rebuilds
/// the server's view exactly, `None` when it does not.
fn verify(c: &mut DryClient, body: &[u8], expected: &WorldState) -> Option<u64> {
    let (world, previous) = match c.decoded.take() {
        Some((w, p)) => (Some(w), p),
        None => (None, None),
    };
    let worlds = Baselines {
        baseline: world.as_ref(),
        previous: previous.as_ref(),
    };
    let delta = Delta::read(body, worlds).ok()?;
    let rebuilt = delta.apply(world.as_ref()).ok()?;
    if &rebuilt != expected {
        return None;
    }
    c.decoded = Some((rebuilt, world));
    Some((delta.changed.len() + delta.created.len()) as u64)
}

/// SplitMix64 to [0, 1).
fn next(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

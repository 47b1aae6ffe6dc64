//! The `transport-floor` scenario: no simulation and no encoding, one pre-encoded frame of a
//! chosen size to every client on every snapshot, over exactly the game's socket code. What the
//! server spends here is the floor its real work is measured against.
//!
//! The frame is the server's to send ([`FixedFrame`], a server setting): the game here has no
//! world at all, only players to seat. The frame is a full snapshot of props in the floor's own
//! schema ([`transport_floor_schema`]: the `random-walk` kinds, and an input of no fields, since
//! the floor reads none), which the game declares, so that real clients decode it like any
//! other.

use std::sync::{Arc, LazyLock};

use tickwire_protocol::{
    Baselines, EntityId, MapInfo, Replicate, Schema, Tick, World, codec, write_delta,
};

use tickwire_server::{FixedFrame, Game, PlayerHandle, TickInput};

use crate::random_walk_schema::{PROP, walker_kinds};

/// What a transport-floor client sends each tick: nothing but the input itself (an empty
/// record), which keeps its session alive and paced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Replicate)]
pub struct FloorInput {}

static SCHEMA: LazyLock<Arc<Schema>> = LazyLock::new(|| {
    let desc = walker_kinds("transport-floor").input::<FloorInput>();
    // A fixed declaration, checked by the tests below.
    Arc::new(desc.build().expect("the transport floor's schema is valid"))
});

/// The floor's schema (built once): game `transport-floor`, the `random-walk` kinds, an empty
/// input.
pub fn transport_floor_schema() -> Arc<Schema> {
    SCHEMA.clone()
}

/// The floor scenario's game: players and ticks, no world.
pub struct TransportFloor {
    tick: u64,
    next_player: u32,
}

impl TransportFloor {
    /// A floor game; its frame comes from [`TransportFloor::frame`].
    pub fn new() -> TransportFloor {
        TransportFloor {
            tick: 0,
            next_player: 1,
        }
    }

    /// The frame to send every client on every snapshot: `payload_bytes` (at least a few dozen)
    /// or a few bytes under, a valid full snapshot.
    pub fn frame(payload_bytes: usize) -> FixedFrame {
        FixedFrame(Arc::new(payload_of(payload_bytes)))
    }
}

impl Default for TransportFloor {
    fn default() -> TransportFloor {
        TransportFloor::new()
    }
}

/// A `ServerMsg::Snapshot` holding a full snapshot of props, as close to `size` bytes as the
/// entity granularity allows (within a few bytes).
fn payload_of(size: usize) -> Vec<u8> {
    let schema = transport_floor_schema();
    let build = |n: u32, pad: i32| {
        let mut state = World::new(Tick(1));
        for i in 0..n {
            state
                .push(EntityId(i + 1), PROP)
                .values(&[100 + i as i32, 100, pad, 100]);
        }
        let mut body = Vec::new();
        write_delta(&schema, Baselines::default(), &state, &mut body);
        let mut out = Vec::with_capacity(size + 16);
        codec::write_snapshot(
            tickwire_protocol::InputAck::default(),
            Some(schema.hash()),
            &body,
            &mut out,
        );
        out
    };
    // The size grows with the entity count: binary search for the largest that fits.
    let (mut lo, mut hi) = (0u32, 60_000u32);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if build(mid, 0).len() <= size {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    build(lo, 0)
}

impl Game for TransportFloor {
    fn add_player(&mut self, _name: &str) -> (PlayerHandle, EntityId) {
        let p = self.next_player;
        self.next_player += 1;
        (PlayerHandle(p), EntityId(0))
    }

    fn remove_player(&mut self, _player: PlayerHandle) {}

    fn step(&mut self, _inputs: &[(PlayerHandle, TickInput)]) {
        self.tick += 1;
    }

    fn tick(&self) -> u64 {
        self.tick
    }

    fn schema(&self) -> Arc<Schema> {
        transport_floor_schema()
    }

    fn capture(&self, out: &mut World) {
        out.clear(Tick(self.tick as u32));
    }

    fn map_info(&self) -> MapInfo {
        MapInfo {
            name: "transport-floor".into(),
            width: 1024.0,
            height: 1024.0,
            features: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_is_a_valid_snapshot_of_about_the_size() {
        for size in [64, 500, 6_000] {
            let p = TransportFloor::frame(size).0;
            assert!(
                p.len() <= size && p.len() + 12 > size,
                "{size}: {}",
                p.len()
            );
            let msg = codec::decode_server(&p).expect("decodes");
            let tickwire_protocol::ServerMsg::Snapshot(s) = msg else {
                panic!("not a snapshot")
            };
            let schema = transport_floor_schema();
            assert_eq!(s.schema, Some(schema.hash()));
            assert!(schema.input().fields().is_empty());
            let mut world = World::default();
            tickwire_protocol::apply_delta(&schema, &s.body.0, Baselines::default(), &mut world)
                .expect("applies");
            assert!(!world.is_empty());
        }
    }
}

//! The `transport-floor` scenario: no simulation and no encoding, one pre-encoded frame of a
//! chosen size to every client on every snapshot, over exactly the game's socket code. What the
//! server spends here is the floor its real work is measured against.

use std::sync::Arc;

use tickwire_protocol::{
    Baselines, Delta, EntityId, EntityKind, EntityState, Input, MapInfo, Tick, WorldState, codec,
};

use tickwire_server::{Game, PlayerHandle};

/// The floor scenario.
pub struct TransportFloor {
    payload: Arc<Vec<u8>>,
    tick: u64,
    next_player: u32,
}

impl TransportFloor {
    /// A floor that sends `payload_bytes` (at least a few dozen) per client per snapshot. The
    /// payload is a valid full snapshot, so that real clients decode it like any other.
    pub fn new(payload_bytes: usize) -> TransportFloor {
        TransportFloor {
            payload: Arc::new(payload_of(payload_bytes)),
            tick: 0,
            next_player: 1,
        }
    }
}

/// A `ServerMsg::Snapshot` holding a full snapshot of props, as close to `size` bytes as the
/// entity granularity allows (within a few bytes).
fn payload_of(size: usize) -> Vec<u8> {
    let build = |n: u32, pad: u8| {
        let state = WorldState {
            tick: Tick(1),
            entities: (0..n)
                .map(|i| EntityState {
                    id: EntityId(i + 1),
                    kind: EntityKind::Prop,
                    x: 100 + i as i32,
                    y: 100,
                    angle: pad,
                    hp: 100,
                })
                .collect(),
        };
        let mut out = Vec::with_capacity(size + 16);
        codec::write_snapshot(
            tickwire_protocol::InputAck::default(),
            &Delta::encode(None, &state).to_bytes(Baselines::default()),
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

    fn step(&mut self, _inputs: &[(PlayerHandle, Input)]) {
        self.tick += 1;
    }

    fn tick(&self) -> u64 {
        self.tick
    }

    fn capture(&self, out: &mut WorldState) {
        out.tick = Tick(self.tick as u32);
        out.entities.clear();
    }

    fn map_info(&self) -> MapInfo {
        MapInfo {
            name: "transport-floor".into(),
            width: 1024.0,
            height: 1024.0,
            walls: Vec::new(),
        }
    }

    fn fixed_payload(&self) -> Option<Arc<Vec<u8>>> {
        Some(self.payload.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_is_a_valid_snapshot_of_about_the_size() {
        for size in [64, 500, 6_000] {
            let p = payload_of(size);
            assert!(
                p.len() <= size && p.len() + 12 > size,
                "{size}: {}",
                p.len()
            );
            let msg = codec::decode_server(&p).expect("decodes");
            let tickwire_protocol::ServerMsg::Snapshot(s) = msg else {
                panic!("not a snapshot")
            };
            Delta::read(&s.body.0, Baselines::default())
                .expect("delta")
                .apply(None)
                .expect("applies");
        }
    }
}

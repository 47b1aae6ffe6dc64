//! The quantized world as a client sees it: what snapshots carry and deltas change.

use serde::{Deserialize, Serialize};

use crate::{EntityId, Tick};

/// What an entity is. Fixed for the life of an entity id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum EntityKind {
    /// A human player's avatar.
    Player = 0,
    /// A server-controlled player.
    Bot = 1,
    /// A projectile in flight.
    Projectile = 2,
    /// A non-player entity of a synthetic scenario (for example `random-walk`).
    Prop = 3,
}

impl EntityKind {
    /// The kind a wire byte names, if any.
    pub fn from_u8(v: u8) -> Option<EntityKind> {
        match v {
            0 => Some(EntityKind::Player),
            1 => Some(EntityKind::Bot),
            2 => Some(EntityKind::Projectile),
            3 => Some(EntityKind::Prop),
            _ => None,
        }
    }
}

/// One entity, quantized (see [`crate::quant`] for the precision of each field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EntityState {
    /// Network id; unique within a snapshot.
    pub id: EntityId,
    /// What the entity is.
    pub kind: EntityKind,
    /// X position in 1/16 world units.
    pub x: i32,
    /// Y position in 1/16 world units (+y points down on screen).
    pub y: i32,
    /// Facing, 256 steps a turn, 0 = +x, 64 = +y.
    pub angle: u8,
    /// Hit points; 0 means dead (not drawn).
    pub hp: u8,
}

/// All the entities one client sees at one tick, sorted by id with no duplicates.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorldState {
    /// The tick the state was captured at.
    pub tick: Tick,
    /// Entities in strictly increasing id order.
    pub entities: Vec<EntityState>,
}

impl WorldState {
    /// The entity with this id, by binary search.
    pub fn entity(&self, id: EntityId) -> Option<&EntityState> {
        self.entities
            .binary_search_by_key(&id, |e| e.id)
            .ok()
            .map(|i| &self.entities[i])
    }

    /// True when ids are strictly increasing, the invariant every function here relies on.
    pub fn is_sorted(&self) -> bool {
        self.entities.windows(2).all(|w| w[0].id < w[1].id)
    }
}

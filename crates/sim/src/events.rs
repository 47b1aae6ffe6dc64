//! What happened during the ticks since the last drain.

use crate::entity::EntityId;

/// Something that happened in the world, for the server to report to players.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GameEvent {
    /// A projectile hit a player or bot (emitted before `Kill` when the hit was fatal).
    Hit {
        /// The shooter (it may have left the world since it fired).
        attacker: EntityId,
        /// The entity that was hit.
        victim: EntityId,
        /// Hit points taken.
        damage: u8,
    },
    /// A player or bot died.
    Kill {
        /// The shooter whose projectile dealt the last damage.
        killer: EntityId,
        /// The entity that died.
        victim: EntityId,
    },
    /// A dead player or bot came back with full hit points.
    Respawn {
        /// The entity that respawned.
        entity: EntityId,
    },
}

//! Entities and their identifiers.

use glam::Vec2;

use crate::input::PlayerInput;

slotmap::new_key_type! {
    /// Storage key of an entity inside the world's slot map. Local to one world and never sent on
    /// the wire; use [`EntityId`] for that.
    pub struct EntityKey;
}

/// Stable network id of an entity. Allocated from a counter in the world starting at 1 and never
/// reused within a world, except that after `u32::MAX` allocations the counter wraps to 1 and
/// skips the ids still alive. Id 0 is never allocated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId(pub u32);

/// Handle for a human player slot, allocated like [`EntityId`] from its own counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlayerId(pub u32);

/// What an entity is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntityKind {
    /// A human player's avatar.
    Player,
    /// A computer-controlled player.
    Bot,
    /// A shot in flight.
    Projectile,
}

impl EntityKind {
    /// True for players and bots, which move, shoot, take damage and score.
    pub fn is_actor(self) -> bool {
        matches!(self, EntityKind::Player | EntityKind::Bot)
    }

    pub(crate) fn tag(self) -> u8 {
        match self {
            EntityKind::Player => 0,
            EntityKind::Bot => 1,
            EntityKind::Projectile => 2,
        }
    }
}

/// One thing in the world. Read it through `World::entities` and `World::entity`; only the world
/// changes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// Stable network id.
    pub id: EntityId,
    /// Player, bot or projectile.
    pub kind: EntityKind,
    /// Centre, in world units; +x is right, +y is down.
    pub pos: Vec2,
    /// Velocity, in units per second.
    pub vel: Vec2,
    /// Facing (players, bots) or heading (projectiles), in radians, in `(-pi, pi]`.
    pub angle: f32,
    /// Hit points of a player or bot, 0 while dead. Projectiles always have 1.
    pub hp: u8,
    /// Collision radius, in units.
    pub radius: f32,
    /// The shooter of a projectile; `None` for players and bots.
    pub owner: Option<EntityId>,
    /// The input a player or bot acts on each tick: for players the last one the server gave,
    /// for bots what their AI chose this tick.
    pub input: PlayerInput,
    /// Ticks until this player or bot may fire again (0 = ready).
    pub cooldown: u32,
    /// Ticks until this dead player or bot respawns (0 while alive).
    pub respawn_in: u32,
    /// Ticks a projectile has left to fly (0 for players and bots).
    pub life: u32,
    /// For a projectile fired this tick, the shooter's centre: its first sweep starts there, so
    /// that a shot cannot skip a wall or a target between the shooter and the muzzle.
    pub(crate) launch_from: Option<Vec2>,
    /// A human player whose connection dropped and whose seat is held for it: it stands still,
    /// does not fire, cannot be hit, and bots do not aim at it (see `World::set_away`).
    pub away: bool,
    /// For a projectile, the shooter's lag compensation: it hits targets where they were this
    /// many ticks ago, as the shooter saw them (0: where they are).
    pub rewind: u16,
}

impl Entity {
    /// True for a player or bot with hit points left.
    pub fn is_alive_actor(&self) -> bool {
        self.kind.is_actor() && self.hp > 0
    }

    /// True for a living player or bot that plays now: not away. Only these move, fire, are hit
    /// and are aimed at.
    pub fn is_active_actor(&self) -> bool {
        self.is_alive_actor() && !self.away
    }
}

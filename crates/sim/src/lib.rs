//! tickwire-sim: the game world of tickwire's top-down arena shooter and its fixed-tick step.
//!
//! A [`World`] holds a [`Map`] (walls and spawn points), players, bots and projectiles (each an
//! [`Entity`] with a stable [`EntityId`]), the scoreboard and a seeded RNG. The server feeds it
//! [`PlayerInput`]s with [`World::step`] at a fixed rate and reads entities, [`GameEvent`]s and
//! [`ScoreEntry`]s back. [`move_player`] is the movement rule as a pure function, written so that
//! the browser client can run it bit-exactly for prediction. Every tunable number is in
//! [`rules`].
//!
//! What it never does: IO (except [`Map::load`], which reads one file), reading a clock, thread
//! or OS randomness, iterating a hash map, async, or knowing about the wire protocol. The same
//! map, config, seed and calls give the same [`World::checksum`] after every tick.

#![warn(missing_docs)]

mod bot;
mod bot_turn;
mod checksum;
mod combat;
mod entity;
mod events;
mod grid;
mod history;
mod input;
mod map;
mod movement;
mod rng;
pub mod rules;
mod score;
mod sweep;
mod world;

pub use checksum::Fnv1a;
pub use entity::{Entity, EntityId, EntityKey, EntityKind, PlayerId};
pub use events::GameEvent;
pub use history::PositionHistory;
pub use input::{PlayerInput, wrap_angle};
pub use map::{BUNDLED_MAPS, DEFAULT_MAP_JSON, Map, MapError, Wall};
pub use movement::{move_direction, move_player};
pub use rng::Rng;
pub use rules::{HISTORY_TICKS, TICK_RATE_DEFAULT};
pub use score::ScoreEntry;
pub use world::{World, WorldConfig};

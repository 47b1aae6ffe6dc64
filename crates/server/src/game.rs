//! `Game`: what a room runs. The arena shooter, or one of the benchmark scenarios.

use std::sync::Arc;

use tickwire_protocol::{EntityId, Input, MapInfo, ScoreEntry, WorldState};

/// A player's handle inside a game (not its entity id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PlayerHandle(pub u32);

/// Something that happened that the world state alone does not show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GameNews {
    /// `killer` killed `victim`.
    Kill {
        /// Who scored.
        killer: EntityId,
        /// Who died.
        victim: EntityId,
    },
}

/// A fixed-tick game a [`crate::room::Room`] can run. Implementations are pure: no IO, no clock.
pub trait Game: Send + 'static {
    /// Adds a player, returning its handle and entity.
    fn add_player(&mut self, name: &str) -> (PlayerHandle, EntityId);
    /// Removes a player and its entity.
    fn remove_player(&mut self, player: PlayerHandle);
    /// Runs one tick with the inputs that arrived for it, at most one per player. What a player
    /// without a new input does is the game's rule (the arena repeats its last input).
    fn step(&mut self, inputs: &[(PlayerHandle, Input)]);
    /// Ticks run so far.
    fn tick(&self) -> u64;
    /// The quantized world, sorted by id, into `out` (its previous contents are replaced).
    fn capture(&self, out: &mut WorldState);
    /// The scoreboard, in a stable order.
    fn scores(&self) -> Vec<ScoreEntry>;
    /// News since the last call.
    fn drain_news(&mut self) -> Vec<GameNews>;
    /// The static map clients draw.
    fn map_info(&self) -> MapInfo;
    /// For the transport-floor scenario: one pre-encoded message sent as is on every snapshot,
    /// with no capture and no encoding. `None` for real games.
    fn fixed_payload(&self) -> Option<Arc<Vec<u8>>> {
        None
    }
}

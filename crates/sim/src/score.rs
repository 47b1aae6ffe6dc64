//! The scoreboard.

use crate::entity::EntityId;

/// One line of the scoreboard: a player or a bot still in the world.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreEntry {
    /// The player's or bot's entity.
    pub entity: EntityId,
    /// Display name ("bot-1", ... for bots).
    pub name: String,
    /// Kills scored (self-kills do not count; there are none today).
    pub kills: u32,
    /// Times died.
    pub deaths: u32,
    /// True for bots.
    pub is_bot: bool,
    /// True for a player who is away (its connection dropped; its seat is held).
    pub away: bool,
}

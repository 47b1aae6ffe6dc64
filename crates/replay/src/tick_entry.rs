//! `TickEntry`: one tick of a recording, the room's calls on the game in order.

use serde::{Deserialize, Serialize};

/// One input the room passed to `Game::step`, as staged (after the server's repeat and drop
/// rules): what the game saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagedInput {
    /// The player's handle (`PlayerHandle.0`).
    pub player: u32,
    /// The lag-compensation rewind the game was given.
    pub rewind: u16,
    /// The input record, written by the schema's input layout (`write_record`).
    pub record: Vec<u8>,
}

/// A call the room made on the game.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// `add_player(name)`, which answered this handle and entity.
    Join {
        /// The cleaned name.
        name: String,
        /// The handle the game gave.
        player: u32,
        /// The entity the game gave.
        entity: u32,
    },
    /// `remove_player`.
    Leave {
        /// The handle.
        player: u32,
    },
    /// `set_away`.
    Away {
        /// The handle.
        player: u32,
        /// Away or back.
        away: bool,
    },
    /// `reset_scores` (a match ended).
    ResetScores,
    /// `step` with these inputs.
    Step(Vec<StagedInput>),
}

/// What a stream recording keeps of a snapshot tick: what every spectator got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    /// The world as a delta body against the section's previous frame (or its keyframe).
    pub body: Vec<u8>,
    /// Events to the room since the previous frame: kind and record bytes.
    pub events: Vec<(u16, Vec<u8>)>,
    /// The encoded `ServerMsg::Scoreboard`, when it changed.
    pub scoreboard: Option<Vec<u8>>,
}

/// One tick: the calls that led to it, and the game's state after them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TickEntry {
    /// The room's calls on the game, in order, since the previous entry.
    pub ops: Vec<Op>,
    /// `Game::checksum` after them, folded to 32 bits; `None` for a game that is not
    /// deterministic.
    pub checksum: Option<u32>,
    /// The snapshot of a stream recording on a snapshot tick.
    pub frame: Option<Frame>,
}

impl TickEntry {
    /// A 64-bit checksum folded into the 32 bits an entry keeps.
    pub fn fold(checksum: u64) -> u32 {
        (checksum ^ (checksum >> 32)) as u32
    }
}

//! `Header`: what a recording is of, enough to make the same game again.

use serde::{Deserialize, Serialize};
use tickwire_protocol::{MapInfo, Schema};

/// What a recording holds besides its keyframes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordingKind {
    /// Every call the room made on a deterministic game, with its checksum after each tick:
    /// re-simulated to verify and to play.
    Inputs,
    /// The snapshot stream of a game that is not deterministic ([`crate::Frame`]s), played as
    /// it is; nothing to re-simulate.
    Stream,
}

/// The recording's header: the game, its schema and version, the map, the seed and the
/// options the game was made with, and the room's rates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Inputs or stream.
    pub kind: RecordingKind,
    /// The game's name (`Game::name`), which tells a verifier which game to make.
    pub game: String,
    /// The game's schema (its version is the schema's).
    pub schema: Schema,
    /// The map as clients got it.
    pub map: MapInfo,
    /// The options that make the same game again (`NewGame::new_game_with`): the map by
    /// name and the bots; `None` when the game can only be made again by `NewGame::new_game`
    /// with the server's own settings.
    pub options: Option<(Option<String>, Option<u32>)>,
    /// The seed the game was made with.
    pub seed: u64,
    /// Simulation ticks per second.
    pub tick_rate: u32,
    /// Ticks between snapshots (frames of a stream recording, and keyframes, fall on these).
    pub ticks_per_snapshot: u32,
    /// The game's tick when recording began (its first keyframe's).
    pub start_tick: u64,
    /// Unix milliseconds when recording began.
    pub started_ms: u64,
}

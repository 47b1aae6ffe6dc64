//! What comes out of the store: leaderboard rows, player records and a player's standing in
//! one game. Column totals are in column-name order (by bytes) on both backends, whatever order
//! the game lists its columns in; a caller that shows them in the game's order looks them up
//! by name. In JSON they are an object (`{"deaths":2,"kills":7}`).

use serde::Serialize;

/// One row of a game's leaderboard ([`crate::Store::leaderboard`]). The rating is the sum of
/// the player's match ratings in that game; ties go to the better best match, then to the
/// smaller player id (by bytes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeaderboardRow {
    /// Place, from 1.
    pub rank: u32,
    /// The player's id.
    pub player_id: String,
    /// The name the player last played under (in any game).
    pub name: String,
    /// The sum of the ratings of the player's matches in this game.
    pub rating: i64,
    /// Matches of this game played.
    pub matches: i64,
    /// The best rating of one match of this game.
    pub best: i64,
    /// Each score column summed over the player's matches of this game, in name order.
    #[serde(serialize_with = "crate::columns::as_object")]
    pub totals: Vec<(String, i64)>,
}

/// Everything stored about one player: who it is and its time over every game, and its
/// standing in each game it has finished a match of. A rating belongs to one game (each game
/// has its own columns and weights), so there is no rating over every game.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlayerRecord {
    /// The player's id.
    pub id: String,
    /// The name the player last played under.
    pub name: String,
    /// When the player was first seen, in unix milliseconds.
    pub first_seen_ms: i64,
    /// When the player was last seen (joined or finished a match), in unix milliseconds.
    pub last_seen_ms: i64,
    /// Matches played, every game together.
    pub matches: i64,
    /// Time played in matches, every game together, in milliseconds.
    pub played_ms: i64,
    /// The player's standing in each game it has played a match of, by game name (by bytes).
    pub games: Vec<Standing>,
}

/// A player's totals in one game: what its leaderboard row is made of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// The game (for example `arena`).
    pub game: String,
    /// The sum of the ratings of the player's matches in this game, as the game's leaderboard
    /// ranks it.
    pub rating: i64,
    /// Matches of this game played.
    pub matches: i64,
    /// Time played in this game's matches, in milliseconds.
    pub played_ms: i64,
    /// The best rating of one match of this game.
    pub best: i64,
    /// Each score column summed over the player's matches of this game, in name order.
    #[serde(serialize_with = "crate::columns::as_object")]
    pub totals: Vec<(String, i64)>,
}

/// Where a stored match's recording is ([`crate::Store::replay`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredReplay {
    /// The recording's file name in the server's recordings directory.
    pub file: String,
    /// The private room's key a download must show; `None` for a public room.
    pub room_key: Option<String>,
}

/// A recent match of a public room that has a recording ([`crate::Store::recent_replays`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecentMatch {
    /// The match's key, which names its recording.
    pub id: String,
    /// The game its room ran.
    pub game: String,
    /// The map's name.
    pub map: String,
    /// When it started, in unix milliseconds.
    pub started_ms: i64,
    /// When it ended, in unix milliseconds.
    pub ended_ms: i64,
    /// The names its players had in it (bots are not stored), best rating first.
    pub players: Vec<String>,
}

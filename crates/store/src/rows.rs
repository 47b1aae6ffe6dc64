//! What comes out of the store: leaderboard rows and player records.

use serde::Serialize;

/// One row of the leaderboard. The rating is kills minus deaths over every stored match; ties
/// go to more kills, then to the smaller player id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeaderboardRow {
    /// Place, from 1.
    pub rank: u32,
    /// The player's id.
    pub player_id: String,
    /// The name the player last played under.
    pub name: String,
    /// Kills minus deaths.
    pub rating: i64,
    /// Kills over every match.
    pub kills: i64,
    /// Deaths over every match.
    pub deaths: i64,
    /// Matches played.
    pub matches: i64,
    /// Most kills in one match.
    pub best_kills: i64,
}

/// Everything stored about one player.
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
    /// Kills over every match.
    pub kills: i64,
    /// Deaths over every match.
    pub deaths: i64,
    /// Matches played.
    pub matches: i64,
    /// Time played in matches, in milliseconds.
    pub played_ms: i64,
    /// Most kills in one match.
    pub best_kills: i64,
    /// Kills minus deaths, as the leaderboard ranks it.
    pub rating: i64,
}

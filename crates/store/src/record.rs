//! What goes into the store ([`Write`]) and what comes out of its change feed ([`Change`]).

/// One player's line of a finished match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayerScore {
    /// The player's id: a join token's subject, or `guest:` and the display name.
    pub player_id: String,
    /// The display name the player had in this match.
    pub name: String,
    /// The line's rating, as the game made it: the sum over its score columns of each value
    /// times the column's weight. The store knows no weights: it keeps the rating as given and
    /// adds it up into the player's rating in the game (within ±[`crate::MAX_LINE_RATING`]).
    pub rating: i64,
    /// The game's score columns, name and value (for example `[("kills", 3), ("deaths", 1)]`):
    /// at most [`crate::MAX_COLUMNS`], names unique, 1 to [`crate::MAX_COLUMN_NAME`] bytes
    /// without control characters, values within [`crate::COLUMN_VALUES`]. A line that breaks
    /// a rule is refused by [`crate::Store::record`]. Stored as a JSON object, in this order.
    pub columns: Vec<(String, i64)>,
    /// How long the player was in this match, in milliseconds.
    pub played_ms: u64,
}

/// A finished match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchRecord {
    /// The result's unique key, made by the server when the match ended. A result whose key is
    /// already stored is not stored again (nothing changes), so that a write tried twice, after
    /// a commit whose answer was lost, counts once.
    pub key: String,
    /// The room's number in its server process.
    pub room: u32,
    /// The game the room ran (for example `arena`).
    pub game: String,
    /// The map's name.
    pub map: String,
    /// When the match started, in unix milliseconds.
    pub started_ms: i64,
    /// When it ended, in unix milliseconds.
    pub ended_ms: i64,
    /// Why it ended: it ran its length, or the room stopped first.
    pub ended_by: EndedBy,
    /// Every player who played in it (bots are not stored).
    pub players: Vec<PlayerScore>,
}

/// Why a match ended (the `ended_by` column of `matches`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum EndedBy {
    /// It ran its full length.
    #[default]
    Clock,
    /// The server shut down while it was under way: the scores are those at the shutdown.
    Shutdown,
    /// An operator closed its room while it was under way: the scores are those at the close.
    Closed,
    /// Its room stopped because it had no players left: the scores are those when it stopped
    /// (the players who left keep their lines).
    Emptied,
}

impl EndedBy {
    /// Every value, in the order of [`EndedBy::as_str`]'s documentation.
    pub const ALL: [EndedBy; 4] = [
        EndedBy::Clock,
        EndedBy::Shutdown,
        EndedBy::Closed,
        EndedBy::Emptied,
    ];

    /// As the column holds it: `clock`, `shutdown`, `closed` or `emptied`.
    pub fn as_str(self) -> &'static str {
        match self {
            EndedBy::Clock => "clock",
            EndedBy::Shutdown => "shutdown",
            EndedBy::Closed => "closed",
            EndedBy::Emptied => "emptied",
        }
    }
}

/// One thing to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Write {
    /// A player joined a room: creates the player, or updates its name and last-seen time.
    Seen {
        /// The player's id.
        player_id: String,
        /// Its display name now.
        name: String,
        /// When, in unix milliseconds.
        at_ms: i64,
    },
    /// A match ended: the result, and every player's totals updated.
    Match(MatchRecord),
    /// The recording of the match stored under `key` is written: its row names `file`, and,
    /// for a private room, the room's key a download must show. Nothing changes when no match
    /// has that key.
    Replay {
        /// The match's key ([`MatchRecord::key`]).
        key: String,
        /// The recording's file name in the server's recordings directory.
        file: String,
        /// A private room's key; `None` for a public room.
        room_key: Option<String>,
    },
    /// The recording `file` is gone (expired): every row naming it names none any more.
    ReplayGone {
        /// The recording's file name.
        file: String,
    },
}

/// A table of the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// Players: names, when they were seen, matches and time played over every game.
    Players,
    /// Match results.
    Matches,
    /// Players' lines of match results.
    MatchPlayers,
    /// Each player's running totals in each game (the leaderboards are read from it).
    Standings,
}

impl Table {
    /// The table's name in the schema.
    pub fn name(self) -> &'static str {
        match self {
            Table::Players => "players",
            Table::Matches => "matches",
            Table::MatchPlayers => "match_players",
            Table::Standings => "standings",
        }
    }

    /// The table called `name`, if it is one of the store's.
    pub fn from_name(name: &str) -> Option<Table> {
        match name {
            "players" => Some(Table::Players),
            "matches" => Some(Table::Matches),
            "match_players" => Some(Table::MatchPlayers),
            "standings" => Some(Table::Standings),
            _ => None,
        }
    }
}

/// A row that a committed transaction inserted, updated or deleted.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Change {
    /// Its table.
    pub table: Table,
    /// The row's key as the backend reports it (SQLite: the rowid; PostgreSQL: the `id`, or a
    /// standing's `player_id`; empty for a whole table emptied).
    pub key: String,
}

//! The messages of the game protocol, one enum per direction.

use serde::{Deserialize, Serialize};

use crate::{ClientId, DeltaBody, EntityId, Schema, SchemaHash, Tick};

/// Longest player name the server accepts, in characters.
pub const MAX_NAME_CHARS: usize = 24;

/// Longest [`Notice`] text, in characters; [`crate::codec::decode_server`] refuses longer ones.
pub const MAX_NOTICE_CHARS: usize = 200;

/// Longest resume token a `Hello` may carry, in characters.
pub const MAX_RESUME_TOKEN_CHARS: usize = 64;

/// Most rows of a [`ServerMsg::Leaderboard`]; [`crate::codec::decode_server`] refuses more.
pub const MAX_LEADERBOARD_ROWS: usize = 100;

/// Most score lines of a [`MatchEnd`]; [`crate::codec::decode_server`] refuses more.
pub const MAX_MATCH_SCORES: usize = 16_384;

/// Longest game or map name in a [`MatchEnd`], in characters.
pub const MAX_LABEL_CHARS: usize = 64;

/// Longest [`MapInfo::features`], in bytes; decoders refuse a longer one before reading it.
pub const MAX_FEATURE_BYTES: usize = 64 * 1024;

/// What a client sends.
///
/// `Hello` is variant 0 and its first field is the version, in every protocol version, so that a
/// server can always read the version of a client it does not understand and refuse it clearly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ClientMsg {
    /// The first message of a session.
    Hello(Hello),
    /// One tick's worth of player input.
    Input(Input),
    /// A round-trip time probe; answered by [`ServerMsg::Pong`].
    Ping(Ping),
    /// What else the client wants to be sent (the leaderboard), from now on.
    Subscribe(Subscribe),
}

/// What a client asks to be sent besides its game, replacing what it asked before.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscribe {
    /// Send [`ServerMsg::Leaderboard`] now and whenever it changes.
    pub leaderboard: bool,
}

/// The first message of a session: who is joining and which protocol it speaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// Must equal [`crate::PROTOCOL_VERSION`].
    pub protocol_version: u16,
    /// Display name, 1..=24 characters after trimming; the server cleans it up.
    pub name: String,
    /// A resume token from an earlier [`Welcome::resume_token`]: take back that seat (same
    /// entity, same score) instead of joining fresh. At most [`MAX_RESUME_TOKEN_CHARS`]
    /// characters. Protocol version 3 added it.
    pub resume: Option<String>,
    /// The schema the client was built for ([`Schema::hash`]); a server that runs another one
    /// refuses it with [`crate::close::SCHEMA_MISMATCH`]. `None`: the client decodes any schema
    /// (it reads the one in [`Welcome::schema`]). Protocol version 4 added it.
    pub schema: Option<SchemaHash>,
}

/// The player's controls for one tick.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// Increases by one per input; acknowledged in snapshots so the client can reconcile.
    pub seq: u32,
    /// The server tick of the world the client was showing of everyone else when it sampled
    /// this input (its interpolated render time; 0: unknown). The server tells the game how far
    /// back that was (lag compensation), within its bound.
    pub view_tick: u32,
    /// The input itself: a record of the schema's input fields (`Schema::input`, see
    /// [`crate::write_record`]), at most [`crate::MAX_RECORD_BYTES`]. A server closes a session
    /// whose record does not decode.
    #[serde(deserialize_with = "crate::bounded::record")]
    pub data: Vec<u8>,
}

/// A round-trip time probe. Make one with [`Ping::new`], which pads it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ping {
    /// Any value; echoed back in the pong.
    pub nonce: u32,
    /// Bytes the server ignores: [`crate::PING_PAD_BYTES`] of them make the ping large enough
    /// to wake a server that otherwise reads a player's socket once a tick, so that the round
    /// trip it measures holds no wait for the tick. Any length is accepted (a shorter pad is
    /// answered at the next tick). Protocol version 6 added it.
    pub pad: Vec<u8>,
}

impl Ping {
    /// A ping with `nonce`, padded with [`crate::PING_PAD_BYTES`] zeros.
    pub fn new(nonce: u32) -> Ping {
        Ping {
            nonce,
            pad: vec![0; crate::PING_PAD_BYTES],
        }
    }
}

/// What the server sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ServerMsg {
    /// The answer to a good `Hello`: who the client is and what the game is (boxed: it is sent
    /// once a session and is the largest message by far).
    Welcome(Box<Welcome>),
    /// The world, as a delta against what this client last received.
    Snapshot(SnapshotMsg),
    /// The answer to a `Ping`.
    Pong(Pong),
    /// Names and scores of everyone in the room; sent on join and whenever it changes.
    Scoreboard(Vec<ScoreEntry>),
    /// Something happened that the world state alone does not show.
    Event(GameEventMsg),
    /// The server is ending the session; a WebSocket close with the same code follows.
    Kick(Kick),
    /// A message from the server's operators to show the player, such as a restart countdown.
    Notice(Notice),
    /// The top of the leaderboard, to a subscribed client: once on subscribing and whenever it
    /// changes. At most [`MAX_LEADERBOARD_ROWS`] rows, best first.
    Leaderboard(Vec<LeaderboardEntry>),
    /// The room's match just ended (a new one has begun, with scores reset): its result, for a
    /// results screen.
    MatchEnd(MatchEnd),
}

/// One row of the leaderboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderboardEntry {
    /// Place, from 1.
    pub rank: u16,
    /// The player's name.
    pub name: String,
    /// The rating the board is sorted by: the sum of the player's match ratings (each the
    /// schema's score columns times their weights).
    pub rating: i32,
    /// Matches played.
    pub matches: u32,
    /// The best rating of a single match.
    pub best: i32,
    /// Each score column summed over the player's matches, in the schema's column order (at
    /// most [`crate::replication::MAX_SCORE_COLUMNS`]).
    #[serde(deserialize_with = "crate::bounded::columns")]
    pub totals: Vec<i32>,
}

/// The result of a match that just ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchEnd {
    /// The room's number.
    pub room: u32,
    /// The game's name (at most [`MAX_LABEL_CHARS`] characters).
    pub game: String,
    /// The map's name (at most [`MAX_LABEL_CHARS`] characters).
    pub map: String,
    /// When the match started, in unix milliseconds.
    pub started_ms: u64,
    /// When it ended, in unix milliseconds.
    pub ended_ms: u64,
    /// Every player's and bot's line, best rating first (at most [`MAX_MATCH_SCORES`]).
    pub scores: Vec<MatchScore>,
}

/// One line of a match's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchScore {
    /// Display name.
    pub name: String,
    /// True for server-controlled players.
    pub bot: bool,
    /// One value per score column of the schema, in order.
    #[serde(deserialize_with = "crate::bounded::columns")]
    pub columns: Vec<i32>,
    /// The line's rating: each column times its weight, summed.
    pub rating: i32,
}

/// The answer to a good `Hello`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Welcome {
    /// The server's protocol version.
    pub protocol_version: u16,
    /// This session's id.
    pub client_id: ClientId,
    /// The entity this client controls.
    pub entity_id: EntityId,
    /// Simulation ticks per second.
    pub tick_rate: u16,
    /// Snapshots per second (at most the tick rate).
    pub snapshot_rate: u16,
    /// The server's tick when the welcome was sent.
    pub tick: Tick,
    /// The static map: bounds and walls.
    pub map: MapInfo,
    /// The room joined, as the rooms API numbers it (for a share link).
    pub room: u32,
    /// The token that takes this seat back after a dropped connection (see [`Hello::resume`]);
    /// single use, and empty when the server holds no seats (or for a spectator).
    pub resume_token: String,
    /// True for a spectator: it controls no entity (`entity_id` is 0), sees the whole world and
    /// sends no inputs. Protocol version 3 added it and `resume_token`.
    pub spectator: bool,
    /// The room's replicated data: the schema every snapshot body is written in (on the wire,
    /// its [`crate::SchemaDesc`]). Protocol version 4 added it.
    pub schema: Schema,
}

/// The static part of the world a client draws and predicts against.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MapInfo {
    /// Map name.
    pub name: String,
    /// Width in world units; x runs over [0, width).
    pub width: f32,
    /// Height in world units; y runs over [0, height).
    pub height: f32,
    /// The map's static things (the arena's walls): a full delta body (no baseline, tick 0) of a
    /// world of the schema's kinds, which a client reads with `apply_delta` into a world of its
    /// own. Empty: no features. At most [`MAX_FEATURE_BYTES`].
    #[serde(deserialize_with = "crate::bounded::features")]
    pub features: Vec<u8>,
}

/// A snapshot for one client.
///
/// The acknowledgement comes first and the delta body last, so that a server can prefix a
/// shared, already encoded body with each client's own [`crate::InputAck`] (see
/// [`crate::codec::write_snapshot`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotMsg {
    /// The sequence number of the last input of this client that the server applied fresh
    /// (0 = none); see [`crate::InputAck`].
    pub ack: u32,
    /// Ticks since `ack` on which the server applied it again, no newer input having arrived.
    pub repeats: u16,
    /// The server asks the client to stretch its input period by this many percent (negative:
    /// send faster), to keep its input buffer at the target.
    pub pace: i8,
    /// Repeats of the inputs before `ack` (`ack - 1` first; [`crate::DROPPED`]: never applied),
    /// at most [`crate::EARLIER_INPUTS`], trailing zeros left off; see [`crate::InputAck`].
    pub earlier: Vec<u16>,
    /// For a full snapshot (a body against no baseline), the [`SchemaHash`] of the schema it is
    /// written in (the one in [`Welcome::schema`]), so that a client never starts a world from a
    /// body of another schema; `None` for a delta, which is read in the schema of its baseline
    /// (one byte, where a hash would cost nine on every snapshot).
    pub schema: Option<SchemaHash>,
    /// The encoded delta (see [`crate::write_delta`]).
    pub body: DeltaBody,
}

/// The answer to a ping.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pong {
    /// The nonce of the ping.
    pub nonce: u32,
    /// The server's tick when it answered.
    pub tick: Tick,
}

/// One line of the scoreboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreEntry {
    /// The player's entity.
    pub entity: EntityId,
    /// Display name.
    pub name: String,
    /// True for server-controlled players.
    pub bot: bool,
    /// One value per score column of the schema (`SchemaDesc::scores`), in order.
    #[serde(deserialize_with = "crate::bounded::columns")]
    pub columns: Vec<i32>,
}

/// Something that happened that the world alone does not show (a kill feed's line).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GameEventMsg {
    /// The event's kind: an index into the schema's `events`.
    pub kind: u16,
    /// A record of that event kind's fields (see [`crate::write_record`]), at most
    /// [`crate::MAX_RECORD_BYTES`].
    #[serde(deserialize_with = "crate::bounded::record")]
    pub data: Vec<u8>,
}

/// Why the server ends a session. `code` is one of [`crate::close`]'s codes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kick {
    /// The WebSocket close code that follows.
    pub code: u16,
    /// A short, human readable reason.
    pub reason: String,
}

/// Text from the server for the player to read (for example "the server is restarting").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// What to show; at most [`MAX_NOTICE_CHARS`] characters.
    pub text: String,
    /// When set, the seconds left until what the text announces (a client may count down).
    pub seconds_left: Option<u16>,
}

impl Notice {
    /// A notice with `text` cut to [`MAX_NOTICE_CHARS`] characters.
    pub fn new(text: &str, seconds_left: Option<u16>) -> Notice {
        Notice {
            text: text.chars().take(MAX_NOTICE_CHARS).collect(),
            seconds_left,
        }
    }
}

//! tickwire-protocol: everything that crosses the wire between a tickwire server and its clients.
//!
//! The main types are the messages ([`ClientMsg`], [`ServerMsg`]), the [`Schema`] a game declares
//! for its data on the wire (entity kinds, input, events, score columns), the quantized [`World`]
//! of that schema, the delta between two worlds ([`write_delta`], [`apply_delta`]), and the
//! [`Record`]s inputs and events travel as ([`write_record`], [`read_record`]). [`codec`] holds the one pinned bincode configuration
//! and the size limits that every decoder enforces. The crate knows no game: every game's data,
//! the bundled arena's included, is a schema.
//!
//! This crate is sans-IO: it never touches a socket, a clock or a thread. Bytes go in, values come
//! out, and back. Decoding never panics on any input and never allocates more than the limits in
//! [`codec`] allow.
#![warn(missing_docs)]

mod bits;
mod block;
mod body;
mod bounded;
pub mod close;
pub mod codec;
mod error;
mod ids;
mod input_ack;
mod message;
pub mod replication;
pub mod seq;
mod subset;

pub use body::DeltaBody;
pub use error::{CodecError, DeltaError};
pub use ids::{ClientId, EntityId, Tick};
pub use input_ack::{DROPPED, EARLIER_INPUTS, InputAck, MAX_PACE, repeats_before_neutral};
pub use message::{
    ClientMsg, GameEventMsg, Hello, Input, Kick, LeaderboardEntry, MAX_FEATURE_BYTES,
    MAX_LABEL_CHARS, MAX_LEADERBOARD_ROWS, MAX_MATCH_SCORES, MAX_NAME_CHARS, MAX_NOTICE_CHARS,
    MAX_RESUME_TOKEN_CHARS, MapInfo, MatchEnd, MatchScore, Notice, Ping, Pong, ScoreEntry,
    ServerMsg, SnapshotMsg, Subscribe, Welcome,
};
pub use replication::{
    Applied, Baselines, EntityView, FieldDesc, InputDesc, Intent, KindDesc, KindId,
    MAX_RECORD_BYTES, Picked, Record, RecordLayout, RecordView, Replicate, Schema, SchemaDesc,
    SchemaHash, ScoreColumn, StateStep, WireType, World, apply_delta, read_record, write_delta,
    write_picked, write_record,
};

/// The protocol version this crate speaks. A client whose `Hello` names another version is
/// refused with [`close::VERSION_MISMATCH`].
///
/// Bump it on any change to the bytes of any message. The first message of each side keeps its
/// shape across versions (see [`Hello`]) so that a mismatch is always detected and reported.
pub const PROTOCOL_VERSION: u16 = 6;

/// The padding a client's [`Ping`] carries. A server may read a player's small messages once a
/// tick, waking at once only when a couple of hundred bytes wait in its socket; a padded ping
/// does, so its pong leaves as soon as it arrives.
pub const PING_PAD_BYTES: usize = 256;

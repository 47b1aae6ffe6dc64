//! tickwire-protocol: everything that crosses the wire between a tickwire server and its clients.
//!
//! The main types are the messages ([`ClientMsg`], [`ServerMsg`]), the quantized world a client
//! sees ([`WorldState`] of [`EntityState`]), and the snapshot [`Delta`] that turns one world into
//! the next. [`codec`] holds the one pinned bincode configuration and the size limits that every
//! decoder enforces.
//!
//! This crate is sans-IO: it never touches a socket, a clock or a thread. Bytes go in, values come
//! out, and back. Decoding never panics on any input and never allocates more than the limits in
//! [`codec`] allow.
#![warn(missing_docs)]

mod bits;
mod block;
mod body_apply;
pub mod close;
pub mod codec;
mod delta;
mod delta_body;
mod error;
mod ids;
mod input_ack;
mod message;
pub mod quant;
pub mod replication;
pub mod seq;
mod state;
mod subset;

pub use body_apply::Applied;
pub use delta::{Delta, EntityChange};
pub use delta_body::{Baselines, DeltaBody};
pub use error::{CodecError, DeltaError};
pub use ids::{ClientId, EntityId, Tick};
pub use input_ack::{DROPPED, EARLIER_INPUTS, InputAck, MAX_PACE, repeats_before_neutral};
pub use message::{
    ClientMsg, GameEventMsg, Hello, Input, Kick, LeaderboardEntry, MAX_LABEL_CHARS,
    MAX_LEADERBOARD_ROWS, MAX_MATCH_SCORES, MAX_NAME_CHARS, MAX_NOTICE_CHARS,
    MAX_RESUME_TOKEN_CHARS, MapInfo, MatchEnd, MatchScore, Notice, Ping, Pong, ScoreEntry,
    ServerMsg, SnapshotMsg, Subscribe, WallInfo, Welcome,
};
pub use state::{EntityKind, EntityState, WorldState};

/// The protocol version this crate speaks. A client whose `Hello` names another version is
/// refused with [`close::VERSION_MISMATCH`].
///
/// Bump it on any change to the bytes of any message. The first message of each side keeps its
/// shape across versions (see [`Hello`]) so that a mismatch is always detected and reported.
pub const PROTOCOL_VERSION: u16 = 3;

//! tickwire's match recordings: the file format, a writer and a bounded reader. Sans-IO: bytes
//! in, bytes out; the server's room stages what it records and a writer thread owns the file.
//!
//! A recording is a [`Header`] (the game, its [`Schema`](tickwire_protocol::Schema), map, seed
//! and options: enough to make the same game again) and [`Section`]s, each a keyframe (the
//! captured world, a full delta body) and the [`TickEntry`]s that follow it: every call the room
//! made on the game ([`Op`]: joins, leaves, away, the staged inputs of each step, score resets)
//! and the game's checksum after each tick. A game that is not deterministic (no checksum)
//! records its snapshot stream instead ([`Frame`]s). The byte layout is in [`format`]'s doc.
//!
//! [`StreamEncoder`] turns worlds into the message stream a browser plays
//! ([`VIEWER_MAGIC`]): the same `ServerMsg` encodings a spectator receives.
//!
//! This crate never touches files, sockets or clocks, and knows no game.

#![warn(missing_docs)]

mod error;
mod fnv;
pub mod format;
mod header;
mod replay_reader;
mod replay_writer;
mod section;
mod stream_encoder;
mod tick_entry;

pub use error::ReplayError;
pub use fnv::fnv1a;
pub use header::{Header, RecordingKind};
pub use replay_reader::{ReplayFile, SectionReader};
pub use replay_writer::ReplayWriter;
pub use section::Section;
pub use stream_encoder::{StreamEncoder, VIEWER_MAGIC, read_viewer_stream};
pub use tick_entry::{Frame, Op, StagedInput, TickEntry};

//! The byte layout of a recording, version 1. All integers little-endian.
//!
//! ```text
//! magic          8   "TWREPLAY"
//! version        2   FORMAT_VERSION
//! header length  4   at most MAX_HEADER_BYTES
//! header hash    8   FNV-1a 64 of the header's bytes
//! header         n   Header, bincode (the protocol's wire configuration)
//! then, until the end marker:
//!   b'S'  section:  length (4, at most MAX_SECTION_BYTES), FNV-1a 64 of the bytes (8),
//!                   the bytes: a Section in bincode, deflated (at most MAX_SECTION_PLAIN
//!                   once inflated)
//!   b'E'  end:      ticks recorded (8), items the room could not queue (8), FNV-1a 64 of
//!                   those 16 bytes (8); nothing may follow
//! ```
//!
//! Every part is hashed, so one changed byte anywhere is refused, naming the part (the header,
//! or section n with the tick it starts after). A file without an end marker was cut off (a
//! server that stopped mid-write): the sections before the cut still read.

/// The first bytes of every recording.
pub const MAGIC: &[u8; 8] = b"TWREPLAY";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u16 = 1;
/// Largest header (a schema and a map's features fit well within it).
pub const MAX_HEADER_BYTES: u32 = 1 << 20;
/// Largest section as stored.
pub const MAX_SECTION_BYTES: u32 = 8 << 20;
/// Largest section once inflated.
pub const MAX_SECTION_PLAIN: usize = 32 << 20;
/// Most sections a file may hold (a day of ten-second sections).
pub const MAX_SECTIONS: usize = 8_640;
/// Tag of a section.
pub const SECTION_TAG: u8 = b'S';
/// Tag of the end marker.
pub const END_TAG: u8 = b'E';

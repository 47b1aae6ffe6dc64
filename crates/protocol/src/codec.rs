//! The one pinned bincode configuration, the size limits, and encode/decode for each direction.
//!
//! The configuration is bincode 2's standard one: little endian, variable-length integers
//! (values under 251 take one byte; 251/252/253 introduce a u16/u32/u64), zigzag for signed
//! integers, a u32 varint for enum variant indexes, a u64 varint for lengths. Decoding goes through
//! bincode's byte limit, so that no length prefix can make it allocate past the message size limit.

use bincode::config::{Configuration, Limit, LittleEndian, Varint};

use crate::message::{
    MAX_LABEL_CHARS, MAX_LEADERBOARD_ROWS, MAX_MATCH_SCORES, MAX_NAME_CHARS, MAX_NOTICE_CHARS,
    MAX_RESUME_TOKEN_CHARS,
};
use crate::{ClientMsg, CodecError, ServerMsg};

/// Largest client message the server accepts, in bytes (WebSocket payload): an `Input` with
/// the largest record ([`crate::MAX_RECORD_BYTES`]) and its numbers fits.
pub const MAX_CLIENT_MSG: usize = crate::MAX_RECORD_BYTES + 64;

/// Largest server message a client accepts, in bytes.
pub const MAX_SERVER_MSG: usize = 4 << 20;

/// Most entities one snapshot may hold.
pub const MAX_ENTITIES: usize = 65_536;

/// The configuration type of [`wire_config`].
pub type WireConfig = Configuration<LittleEndian, Varint>;

/// The one bincode configuration of the protocol.
pub const fn wire_config() -> WireConfig {
    bincode::config::standard()
}

fn limited<const N: usize>() -> Configuration<LittleEndian, Varint, Limit<N>> {
    wire_config().with_limit::<N>()
}

/// Appends the encoding of a client message to `out`.
pub fn encode_client(msg: &ClientMsg, out: &mut Vec<u8>) -> Result<(), CodecError> {
    bincode::serde::encode_into_std_write(msg, out, wire_config())?;
    Ok(())
}

/// Appends the encoding of a server message to `out`.
pub fn encode_server(msg: &ServerMsg, out: &mut Vec<u8>) -> Result<(), CodecError> {
    bincode::serde::encode_into_std_write(msg, out, wire_config())?;
    Ok(())
}

/// Decodes one client message from exactly `bytes`, and checks its values (name and resume
/// token length). An input's record is read by whoever knows the schema (`read_record`).
pub fn decode_client(bytes: &[u8]) -> Result<ClientMsg, CodecError> {
    if bytes.len() > MAX_CLIENT_MSG {
        return Err(CodecError::TooLarge {
            len: bytes.len(),
            limit: MAX_CLIENT_MSG,
        });
    }
    let (msg, used): (ClientMsg, usize) =
        bincode::serde::decode_from_slice(bytes, limited::<MAX_CLIENT_MSG>())?;
    if used != bytes.len() {
        return Err(CodecError::TrailingBytes(bytes.len() - used));
    }
    match &msg {
        ClientMsg::Hello(h) if h.name.chars().count() > MAX_NAME_CHARS => {
            Err(CodecError::Invalid("name too long"))
        }
        ClientMsg::Hello(h)
            if h.resume
                .as_ref()
                .is_some_and(|t| t.chars().count() > MAX_RESUME_TOKEN_CHARS) =>
        {
            Err(CodecError::Invalid("resume token too long"))
        }
        _ => Ok(msg),
    }
}

/// Decodes one server message from exactly `bytes`, and checks its values (notice length,
/// leaderboard and result sizes, name lengths). Allocation is bounded before any of this by the
/// byte limit: no length prefix can make the decoder allocate past [`MAX_SERVER_MSG`].
pub fn decode_server(bytes: &[u8]) -> Result<ServerMsg, CodecError> {
    if bytes.len() > MAX_SERVER_MSG {
        return Err(CodecError::TooLarge {
            len: bytes.len(),
            limit: MAX_SERVER_MSG,
        });
    }
    let (msg, used): (ServerMsg, usize) =
        bincode::serde::decode_from_slice(bytes, limited::<MAX_SERVER_MSG>())?;
    if used != bytes.len() {
        return Err(CodecError::TrailingBytes(bytes.len() - used));
    }
    match &msg {
        ServerMsg::Notice(n) if n.text.chars().count() > MAX_NOTICE_CHARS => {
            Err(CodecError::Invalid("notice too long"))
        }
        ServerMsg::Leaderboard(rows) if rows.len() > MAX_LEADERBOARD_ROWS => {
            Err(CodecError::Invalid("leaderboard too long"))
        }
        ServerMsg::Leaderboard(rows) if rows.iter().any(|r| too_long(&r.name, MAX_NAME_CHARS)) => {
            Err(CodecError::Invalid("leaderboard name too long"))
        }
        ServerMsg::MatchEnd(m) if m.scores.len() > MAX_MATCH_SCORES => {
            Err(CodecError::Invalid("match result too long"))
        }
        ServerMsg::MatchEnd(m)
            if too_long(&m.game, MAX_LABEL_CHARS)
                || too_long(&m.map, MAX_LABEL_CHARS)
                || m.scores.iter().any(|s| too_long(&s.name, MAX_NAME_CHARS)) =>
        {
            Err(CodecError::Invalid("match result name too long"))
        }
        ServerMsg::Snapshot(s) if s.earlier.len() > crate::EARLIER_INPUTS => {
            Err(CodecError::Invalid("too many earlier input counts"))
        }
        _ => Ok(msg),
    }
}

fn too_long(text: &str, chars: usize) -> bool {
    text.chars().count() > chars
}

/// The variant index of [`ServerMsg::Snapshot`].
const SNAPSHOT_VARIANT: u32 = 1;

/// Appends a snapshot message built from a client's own acknowledgement, the room's
/// [`crate::SchemaHash`] when `body` is a full snapshot (see `SnapshotMsg::schema`) and an
/// already encoded delta body.
///
/// The bytes equal those of `encode_server(&ServerMsg::Snapshot(..))`, without re-encoding the
/// body: this is how one encoded delta is sent to many clients.
pub fn write_snapshot(
    ack: crate::InputAck,
    schema: Option<crate::SchemaHash>,
    body: &[u8],
    out: &mut Vec<u8>,
) {
    use bincode::enc::{Encode, EncoderImpl};
    let mut enc = EncoderImpl::new(VecWriter(out), wire_config());
    // Writing to a Vec cannot fail.
    let _ = SNAPSHOT_VARIANT.encode(&mut enc);
    let _ = ack.seq.encode(&mut enc);
    let _ = ack.repeats.encode(&mut enc);
    let _ = ack.pace.encode(&mut enc);
    let earlier = ack.earlier();
    let _ = (earlier.len() as u64).encode(&mut enc);
    for n in earlier {
        let _ = n.encode(&mut enc);
    }
    let _ = schema.map(|h| h.0).encode(&mut enc);
    let _ = (body.len() as u64).encode(&mut enc);
    out.extend_from_slice(body);
}

/// A bincode writer that appends to a `Vec`; it never fails.
pub(crate) struct VecWriter<'a>(pub(crate) &'a mut Vec<u8>);

impl bincode::enc::write::Writer for VecWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> Result<(), bincode::error::EncodeError> {
        self.0.extend_from_slice(bytes);
        Ok(())
    }
}

/// The protocol version a `Hello` names, read without decoding the rest of the message.
///
/// Works on a `Hello` of any protocol version (variant 0, version first is frozen), so that a
/// server can refuse another version with a clear reason even when the rest no longer decodes.
pub fn peek_hello_version(bytes: &[u8]) -> Option<u16> {
    use bincode::de::{Decode, DecoderImpl, read::SliceReader};
    let (&variant, rest) = bytes.split_first()?;
    if variant != 0 {
        return None;
    }
    let mut dec = DecoderImpl::new(SliceReader::new(rest), wire_config(), ());
    u16::decode(&mut dec).ok()
}

//! `StreamEncoder`: a recording as the browser plays it, the messages a spectator receives.
//!
//! ```text
//! magic    8   "TWVIEW01"
//! then each message: length (u32 LE, at most MAX_SERVER_MSG), a ServerMsg as encoded on the wire
//! ```
//!
//! The first message is a spectator's `Welcome` (schema, map, rates, the first tick); then, in
//! tick order, `Snapshot`s (a full one at every keyframe, the seek points, otherwise a delta
//! against the previous snapshot, no prediction), the room's `Event`s and the `Scoreboard`
//! whenever it changed.

use tickwire_protocol::codec::{self, MAX_SERVER_MSG};
use tickwire_protocol::{
    Baselines, GameEventMsg, InputAck, SchemaHash, ServerMsg, Welcome, World, write_delta,
};

use crate::ReplayError;

/// The first bytes of a viewer stream.
pub const VIEWER_MAGIC: &[u8; 8] = b"TWVIEW01";

/// Writes a viewer stream.
#[derive(Debug)]
pub struct StreamEncoder {
    out: Vec<u8>,
    hash: SchemaHash,
    welcome: Welcome,
    previous: Option<World>,
}

impl StreamEncoder {
    /// A stream that starts with `welcome` (a spectator's).
    pub fn new(welcome: Welcome) -> Result<StreamEncoder, ReplayError> {
        let mut encoder = StreamEncoder {
            out: VIEWER_MAGIC.to_vec(),
            hash: welcome.schema.hash(),
            welcome,
            previous: None,
        };
        let message = ServerMsg::Welcome(Box::new(encoder.welcome.clone()));
        encoder.message(&message)?;
        Ok(encoder)
    }

    fn framed(&mut self, bytes: &[u8]) {
        // Every message here is far under MAX_SERVER_MSG, checked by the caller's encoder.
        self.out
            .extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        self.out.extend_from_slice(bytes);
    }

    fn message(&mut self, message: &ServerMsg) -> Result<(), ReplayError> {
        let mut bytes = Vec::new();
        codec::encode_server(message, &mut bytes)
            .map_err(|e| ReplayError::Encode(format!("viewer message: {e}")))?;
        self.framed(&bytes);
        Ok(())
    }

    /// A snapshot of `world`: full (a seek point) when `keyframe`, otherwise against the
    /// previous one.
    pub fn world(&mut self, world: &World, keyframe: bool) {
        let mut body = Vec::new();
        let baseline = if keyframe {
            None
        } else {
            self.previous.as_ref()
        };
        let worlds = Baselines {
            baseline,
            previous: None,
        };
        write_delta(&self.welcome.schema, worlds, world, &mut body);
        let schema = baseline.is_none().then_some(self.hash);
        let mut bytes = Vec::with_capacity(body.len() + 16);
        codec::write_snapshot(InputAck::default(), schema, &body, &mut bytes);
        self.framed(&bytes);
        match &mut self.previous {
            Some(p) => p.clone_from(world),
            None => self.previous = Some(world.clone()),
        }
    }

    /// An event of the room.
    pub fn event(&mut self, kind: u16, data: Vec<u8>) -> Result<(), ReplayError> {
        self.message(&ServerMsg::Event(GameEventMsg { kind, data }))
    }

    /// An already encoded `ServerMsg::Scoreboard`.
    pub fn scoreboard(&mut self, encoded: &[u8]) {
        self.framed(encoded);
    }

    /// The stream's bytes.
    pub fn finish(self) -> Vec<u8> {
        self.out
    }
}

/// The messages of a viewer stream, each checked by the protocol's decoder; at most `max`
/// messages.
pub fn read_viewer_stream(bytes: &[u8], max: usize) -> Result<Vec<ServerMsg>, ReplayError> {
    let malformed = |why: String| ReplayError::Malformed {
        what: "viewer stream".into(),
        why,
    };
    let Some(mut rest) = bytes.strip_prefix(&VIEWER_MAGIC[..]) else {
        return Err(ReplayError::NotARecording);
    };
    let mut out = Vec::new();
    while !rest.is_empty() {
        if out.len() >= max {
            return Err(malformed(format!("more than {max} messages")));
        }
        let Some((len, tail)) = rest.split_first_chunk::<4>() else {
            return Err(ReplayError::Truncated("viewer stream".into()));
        };
        let len = u32::from_le_bytes(*len) as usize;
        if len > MAX_SERVER_MSG || len > tail.len() {
            return Err(ReplayError::Truncated("viewer stream".into()));
        }
        let (message, tail) = tail.split_at(len);
        out.push(codec::decode_server(message).map_err(|e| malformed(e.to_string()))?);
        rest = tail;
    }
    Ok(out)
}

//! `Section`: a keyframe and the ticks after it, stored deflated behind its hash.

use std::io::{Read as _, Write as _};

use serde::{Deserialize, Serialize};
use tickwire_protocol::codec::wire_config;

use crate::ReplayError;
use crate::format::MAX_SECTION_PLAIN;
use crate::tick_entry::TickEntry;

/// A keyframe and the ticks that follow it: seekable on its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The tick of the keyframe; the entries make ticks `first_tick + 1` onwards.
    pub first_tick: u64,
    /// The captured world at `first_tick`, a full delta body (no baseline).
    pub keyframe: Vec<u8>,
    /// The ticks after it.
    pub entries: Vec<TickEntry>,
}

impl Section {
    /// The last tick the section makes.
    pub fn last_tick(&self) -> u64 {
        self.first_tick + self.entries.len() as u64
    }

    /// The section's stored bytes (bincode, deflated).
    pub fn encode(&self) -> Result<Vec<u8>, ReplayError> {
        let plain = bincode::serde::encode_to_vec(self, wire_config()).map_err(|e| {
            ReplayError::Encode(format!("section at tick {}: {e}", self.first_tick))
        })?;
        let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&plain)
            .and_then(|()| z.finish())
            .map_err(|e| ReplayError::Encode(format!("section at tick {}: {e}", self.first_tick)))
    }

    /// A section from its stored bytes, inflating at most [`MAX_SECTION_PLAIN`]; `what` names
    /// it in errors.
    pub fn decode(stored: &[u8], what: &str) -> Result<Section, ReplayError> {
        let malformed = |why: String| ReplayError::Malformed {
            what: what.to_owned(),
            why,
        };
        let mut plain = Vec::new();
        flate2::read::DeflateDecoder::new(stored)
            .take(MAX_SECTION_PLAIN as u64 + 1)
            .read_to_end(&mut plain)
            .map_err(|e| malformed(format!("does not inflate: {e}")))?;
        if plain.len() > MAX_SECTION_PLAIN {
            return Err(ReplayError::TooLarge {
                what: what.to_owned(),
                len: plain.len() as u64,
                limit: MAX_SECTION_PLAIN as u64,
            });
        }
        let config = wire_config().with_limit::<MAX_SECTION_PLAIN>();
        let (section, used): (Section, usize) = bincode::serde::decode_from_slice(&plain, config)
            .map_err(|e| malformed(e.to_string()))?;
        if used != plain.len() {
            return Err(malformed(format!("{} trailing bytes", plain.len() - used)));
        }
        Ok(section)
    }
}

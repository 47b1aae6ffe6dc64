//! Typed errors for decoding and delta application.

/// Why bytes could not be turned into a message.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// The bytes are not a valid message of this protocol version (bad tag, bad varint, short input,
    /// invalid UTF-8, or a length over the decode limit).
    #[error("malformed message: {0}")]
    Malformed(#[from] bincode::error::DecodeError),
    /// The message decoded but bytes were left over after it.
    #[error("{0} trailing bytes after the message")]
    TrailingBytes(usize),
    /// The message is larger than this direction allows.
    #[error("message of {len} bytes is over the limit of {limit}")]
    TooLarge {
        /// Size of the message in bytes.
        len: usize,
        /// The limit for this direction.
        limit: usize,
    },
    /// A value was well formed but out of its allowed range (for example a non-finite float).
    #[error("invalid value: {0}")]
    Invalid(&'static str),
    /// A delta body is against a world (baseline or previous) the reader does not hold.
    #[error("delta needs the world of tick {expected}, but the reader holds {held:?}")]
    Baseline {
        /// The tick the body names.
        expected: u32,
        /// The tick of the world offered, if any.
        held: Option<u32>,
    },
    /// A delta body decoded but does not apply to the baseline it names.
    #[error("delta does not apply: {0}")]
    Apply(#[from] DeltaError),
    /// Encoding failed; only possible when a value is over a limit.
    #[error("cannot encode: {0}")]
    Encode(#[from] bincode::error::EncodeError),
}

/// Why a delta body that decoded cannot be applied to the world it names.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeltaError {
    /// A created entity is already in the baseline.
    #[error("entity {0} is created but already exists")]
    DuplicateEntity(u32),
    /// The snapshot would hold more entities than the protocol allows.
    #[error("snapshot holds more than {0} entities")]
    TooManyEntities(usize),
}

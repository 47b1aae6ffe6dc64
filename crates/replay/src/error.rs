//! Why a recording cannot be read.

/// A recording that cannot be read, and where.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The file does not start with the recording magic.
    #[error("not a tickwire recording (bad magic)")]
    NotARecording,
    /// A format version this build cannot read.
    #[error("recording format version {0} is not supported (this build reads {supported})", supported = crate::format::FORMAT_VERSION)]
    Version(u16),
    /// The file ends inside `what`.
    #[error("the file ends inside the {0}")]
    Truncated(String),
    /// A length over its limit.
    #[error("the {what} claims {len} bytes, over the limit of {limit}")]
    TooLarge {
        /// The part of the file.
        what: String,
        /// The length it claims.
        len: u64,
        /// The limit.
        limit: u64,
    },
    /// A part's hash does not match its bytes: the file was changed or damaged there.
    #[error("the {0} is damaged: its hash does not match its bytes")]
    Damaged(String),
    /// A part's bytes are not what the format says.
    #[error("the {what} is malformed: {why}")]
    Malformed {
        /// The part of the file.
        what: String,
        /// Why.
        why: String,
    },
    /// A recording cannot be written (a value over the format's limits).
    #[error("cannot encode the {0}")]
    Encode(String),
}

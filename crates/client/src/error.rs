//! `ClientError`: what can go wrong on the client side.

use fastwebsockets::WebSocketError;
use tickwire_protocol::{CodecError, DeltaError};

/// What can go wrong on the client side.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// TCP connect failed.
    #[error("connect: {0}")]
    Connect(#[from] std::io::Error),
    /// The TLS layer failed: a bad server name or root, or a failed handshake (an untrusted
    /// certificate, a name that does not match).
    #[error("tls: {0}")]
    Tls(String),
    /// The WebSocket layer failed.
    #[error("websocket: {0}")]
    WebSocket(#[from] WebSocketError),
    /// A server message did not decode.
    #[error("decode: {0}")]
    Decode(#[from] CodecError),
    /// A delta did not apply to the client's baseline.
    #[error("delta: {0}")]
    Delta(#[from] DeltaError),
    /// The server closed the connection.
    #[error("closed by the server: {code} {reason}")]
    Closed {
        /// Close code.
        code: u16,
        /// Close reason.
        reason: String,
    },
    /// The server sent something out of order.
    #[error("unexpected: {0}")]
    Unexpected(String),
}

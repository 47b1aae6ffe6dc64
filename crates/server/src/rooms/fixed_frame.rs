//! `FixedFrame`: the transport-floor benchmark's one message, sent as is instead of the world.

use std::sync::Arc;

/// One pre-encoded server message that every room of the server sends as is to every client on
/// every snapshot tick, instead of capturing and encoding its game's world: what the server
/// spends then is the floor (sockets, framing, scheduling) that its real work is measured
/// against (`--scenario transport-floor`). Real games never set it.
#[derive(Clone, PartialEq, Eq)]
pub struct FixedFrame(pub Arc<Vec<u8>>);

impl std::fmt::Debug for FixedFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FixedFrame({} bytes)", self.0.len())
    }
}

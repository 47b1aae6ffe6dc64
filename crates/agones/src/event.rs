//! `Event`: what the server asked of Agones, queued for the task that owns the SDK.

use tickwire_server::Labels;

/// One thing to tell Agones, in the order the server said it.
#[derive(Debug)]
pub(crate) enum Event {
    /// Set these labels (and size the players List to the capacity).
    Labels(Labels),
    /// The server listens: `Ready`.
    Ready,
    /// A player joined: add its id to the players List.
    Joined(String),
    /// A player left: remove its id from the players List.
    Left(String),
    /// The GameServer was seen `Allocated` (from the watch).
    Allocated,
    /// A drain began.
    Draining,
    /// The drain is over: `Shutdown`, then the task ends.
    Shutdown,
}

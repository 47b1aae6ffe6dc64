//! `Shared`: what every connection, session and route of one server reads.

use std::sync::Arc;

use tokio::sync::watch;

use crate::lobby::Lobby;
use crate::metrics::Metrics;

/// What every connection and session shares.
pub struct Shared {
    /// The rooms.
    pub lobby: Lobby,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// Becomes `true` when the server starts draining.
    pub shutdown: watch::Receiver<bool>,
}

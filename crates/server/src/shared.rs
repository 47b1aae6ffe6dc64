//! `Shared`: what every connection, session and route of one server reads.

use std::sync::Arc;

use tokio::sync::watch;

use crate::conn_gate::ConnectionGate;
use crate::limits::Limits;
use crate::lobby::Lobby;
use crate::metrics::Metrics;
use crate::origin::OriginPolicy;

/// What every connection and session shares.
pub struct Shared {
    /// The rooms.
    pub lobby: Lobby,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// Becomes `true` when the server starts draining.
    pub shutdown: watch::Receiver<bool>,
    /// Connection limits and timeouts.
    pub limits: Limits,
    /// Which pages may open the game socket.
    pub(crate) origins: OriginPolicy,
    /// Open connections, in total and per address (per address only without a trusted proxy).
    pub(crate) gate: ConnectionGate,
    /// Behind a trusted proxy: WebSocket sessions per forwarded client address.
    pub(crate) forwarded: Option<ConnectionGate>,
    /// Whether `/metrics` and `/rooms` are on a separate admin listener (and not public).
    pub(crate) admin_separate: bool,
}

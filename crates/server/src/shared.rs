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
    /// Where the server is in its life: serving, draining, or closing every session.
    pub shutdown: watch::Receiver<Phase>,
    /// Connection limits and timeouts.
    pub limits: Limits,
    /// The link conditioner every session goes through (off by default).
    pub link_sim: crate::link_sim::LinkSim,
    /// Which pages may open the game socket.
    pub(crate) origins: OriginPolicy,
    /// Open connections, in total and per address (per address only without a trusted proxy).
    pub(crate) gate: ConnectionGate,
    /// Behind a trusted proxy: WebSocket sessions per forwarded client address.
    pub(crate) forwarded: Option<ConnectionGate>,
    /// Whether `/metrics` and `/rooms` are on a separate admin listener (and not public).
    pub(crate) admin_separate: bool,
}

/// Where a server is in its life, as every room and session watches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Accepting players.
    Serving,
    /// Draining: readiness is false and joins are refused, but running matches go on until the
    /// deadline, and sessions tell their players how long is left.
    Draining(tokio::time::Instant),
    /// Every session closes with 1001 and every room stops.
    Closing,
}

impl Phase {
    /// True once the server refuses new players (draining or closing).
    pub fn is_draining(self) -> bool {
        self != Phase::Serving
    }
}

//! `Phase`: where a server is in its life (serving, draining, closing), as every room and
//! session watches it.

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

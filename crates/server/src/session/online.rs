//! `Online`: a player counted in `tickwire_players` for exactly as long as this value lives.
//!
//! The count goes down when the value is dropped, which happens on every way out of a session:
//! a normal leave, an error, and a reader task aborted after its writer gave up on a slow socket.

use prometheus_client::metrics::gauge::Gauge;

/// One player in the players gauge.
#[derive(Debug)]
pub(super) struct Online(Gauge);

impl Online {
    /// Counts one more player in `players` until the result is dropped.
    pub(super) fn new(players: &Gauge) -> Online {
        players.inc();
        Online(players.clone())
    }
}

impl Drop for Online {
    fn drop(&mut self) {
        self.0.dec();
    }
}

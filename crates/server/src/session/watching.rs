//! `Watching`: a spectator counted in its room and in `tickwire_spectators` for exactly as long
//! as this value lives (as `Online` counts a player).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use prometheus_client::metrics::gauge::Gauge;

/// One spectator in its room's count and the spectators gauge.
#[derive(Debug)]
pub(super) struct Watching {
    room: Arc<AtomicUsize>,
    gauge: Gauge,
}

impl Watching {
    /// Counts one more spectator in `room` unless it already holds `max`; `None` when full.
    pub(super) fn enter(room: &Arc<AtomicUsize>, max: usize, gauge: &Gauge) -> Option<Watching> {
        room.fetch_update(Relaxed, Relaxed, |n| (n < max).then_some(n + 1))
            .ok()?;
        gauge.inc();
        Some(Watching {
            room: room.clone(),
            gauge: gauge.clone(),
        })
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        self.room.fetch_sub(1, Relaxed);
        self.gauge.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_up_to_the_cap_and_gives_places_back() {
        let room = Arc::new(AtomicUsize::new(0));
        let gauge = Gauge::default();
        let a = Watching::enter(&room, 2, &gauge).expect("first");
        let b = Watching::enter(&room, 2, &gauge).expect("second");
        assert!(Watching::enter(&room, 2, &gauge).is_none());
        assert_eq!((room.load(Relaxed), gauge.get()), (2, 2));
        drop(a);
        drop(b);
        assert_eq!((room.load(Relaxed), gauge.get()), (0, 0));
    }
}

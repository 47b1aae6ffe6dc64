//! `SnapshotFrame`: one published, immutable snapshot of a room, and its shared encodings.

use std::sync::Arc;

use parking_lot::Mutex;
use tickwire_protocol::{Baselines, Delta, Tick, WorldState};

use crate::metrics::Metrics;

/// How many distinct encodings one frame keeps (one per baseline seen). Sessions whose baseline
/// is older than those get their own encoding, uncached.
const ENCODE_CACHE_SLOTS: usize = 4;

/// An encoded delta body, keyed by the ticks of the baseline and previous world it is against.
type CachedDelta = ((Option<Tick>, Option<Tick>), Arc<Vec<u8>>);

/// What a room publishes on each snapshot tick. Shared by every session (`Arc`), never changed
/// after publication except for its encoding cache.
#[derive(Debug)]
pub struct SnapshotFrame {
    /// The quantized world, sorted by id.
    pub state: WorldState,
    /// For each player slot, the seq of the last input applied before this tick's state.
    pub acks: Vec<u32>,
    /// The scoreboard's version and its encoded `ServerMsg::Scoreboard`.
    pub scoreboard: Arc<(u64, Vec<u8>)>,
    /// The most recent game events as (sequence, encoded `ServerMsg::Event`), oldest first.
    pub events: Arc<Vec<(u64, Vec<u8>)>>,
    /// A message sent as is instead of a delta (the transport-floor scenario).
    pub fixed: Option<Arc<Vec<u8>>>,
    encoded: Mutex<Vec<CachedDelta>>,
}

/// Whether an encoding came from the cache, for metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheUse {
    /// Another session had already encoded this delta.
    Hit,
    /// This session encoded it.
    Miss,
}

impl SnapshotFrame {
    /// A frame for `state`, with empty caches.
    pub fn new(
        state: WorldState,
        acks: Vec<u32>,
        scoreboard: Arc<(u64, Vec<u8>)>,
        events: Arc<Vec<(u64, Vec<u8>)>>,
        fixed: Option<Arc<Vec<u8>>>,
    ) -> SnapshotFrame {
        SnapshotFrame {
            state,
            acks,
            scoreboard,
            events,
            fixed,
            encoded: Mutex::new(Vec::with_capacity(ENCODE_CACHE_SLOTS)),
        }
    }

    /// The tick of this frame.
    pub fn tick(&self) -> Tick {
        self.state.tick
    }

    /// The encoded delta from `baseline` (the frame last written to a session's socket) to this
    /// frame; `previous` is the frame written before `baseline`, which the client also holds, and
    /// lets the encoder predict motion. Sessions with the same two frames share one encoding:
    /// every session sees the whole world, so the same frames mean the same bytes.
    pub fn delta_from(
        &self,
        baseline: Option<&SnapshotFrame>,
        previous: Option<&SnapshotFrame>,
        metrics: &Metrics,
    ) -> (Arc<Vec<u8>>, CacheUse) {
        let previous = previous.filter(|_| baseline.is_some());
        let key = (baseline.map(|b| b.tick()), previous.map(|p| p.tick()));
        if let Some((_, bytes)) = self.encoded.lock().iter().find(|(k, _)| *k == key) {
            return (bytes.clone(), CacheUse::Hit);
        }
        // Encode outside the lock so that sessions with other baselines are not held up.
        let started = std::time::Instant::now();
        let worlds = Baselines {
            baseline: baseline.map(|b| &b.state),
            previous: previous.map(|p| &p.state),
        };
        let bytes = Arc::new(Delta::encode(worlds.baseline, &self.state).to_bytes(worlds));
        metrics
            .encode_duration
            .observe_us(started.elapsed().as_micros() as u64);
        let mut cache = self.encoded.lock();
        if let Some((_, existing)) = cache.iter().find(|(k, _)| *k == key) {
            return (existing.clone(), CacheUse::Hit);
        }
        if cache.len() < ENCODE_CACHE_SLOTS {
            cache.push((key, bytes.clone()));
        }
        (bytes, CacheUse::Miss)
    }
}

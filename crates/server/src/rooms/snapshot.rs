//! `SnapshotFrame`: one published, immutable snapshot of a room, with the views clients see of
//! it and their shared encodings.

use std::sync::Arc;

use tickwire_protocol::{Baselines, EntityId, EntityView, Schema, Tick, World, write_delta};

use crate::rooms::aoi::{Cell, Grid};
use crate::rooms::frame_cache::FrameCache;
use crate::telemetry::metrics::Metrics;

/// Most encodings one frame caches (about); past that, sessions encode for themselves.
const ENCODE_CACHE_MAX: usize = 4096;

/// Most views one frame caches (about): one per cell a session is in.
const VIEW_CACHE_MAX: usize = 65_536;

/// Which world a client holds: a frame's tick and, with area of interest, the cell its view was
/// taken from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ViewKey {
    /// The frame's tick.
    pub tick: Tick,
    /// The view's cell; `None` when the client sees the whole world.
    pub cell: Option<Cell>,
}

/// A world as one client received it.
#[derive(Clone, Debug)]
pub struct SentView {
    /// Which frame and view.
    pub key: ViewKey,
    /// The entities the client holds.
    pub world: Arc<World>,
}

type EncodeKey = (Option<ViewKey>, Option<ViewKey>, ViewKey);

/// A game event on its way to a room's sessions: its number in the room, who it is for, and
/// its encoded `ServerMsg::Event`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomEvent {
    /// Numbers increase by one per event of the room, from 1.
    pub seq: u64,
    /// The player slot it is for (as `Joined::slot`); `None`: every session of the room,
    /// spectators included.
    pub to: Option<usize>,
    /// The encoded message.
    pub bytes: Vec<u8>,
}

impl RoomEvent {
    /// Whether a session in player slot `slot` (`None`: a spectator) is sent it.
    pub fn is_for(&self, slot: Option<usize>) -> bool {
        self.to.is_none() || self.to == slot
    }
}

/// What a room publishes on each snapshot tick. Shared by every session (`Arc`), never changed
/// after publication except for its caches.
#[derive(Debug)]
pub struct SnapshotFrame {
    /// The whole quantized world, sorted by id.
    pub state: Arc<World>,
    /// The schema `state` is a world of.
    pub schema: Arc<Schema>,
    /// For each player slot, the seq of the last input applied before this tick's state.
    pub acks: Vec<tickwire_protocol::InputAck>,
    /// The scoreboard's version and its encoded `ServerMsg::Scoreboard`.
    pub scoreboard: Arc<(u64, Vec<u8>)>,
    /// The most recent game events for the room's sessions, oldest first.
    pub events: Arc<Vec<RoomEvent>>,
    /// A message sent as is instead of a delta (the transport-floor benchmark, see
    /// [`crate::FixedFrame`]).
    pub fixed: Option<Arc<Vec<u8>>>,
    /// The last match result's version (0: none yet) and its encoded `ServerMsg::MatchEnd`.
    pub match_end: Arc<(u64, Vec<u8>)>,
    grid: Option<Grid>,
    views: FrameCache<Cell, Arc<World>>,
    encoded: FrameCache<EncodeKey, Arc<Vec<u8>>>,
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
    /// A frame for `state`, a world of `schema`; with `view_radius`, clients see only what is
    /// near them.
    pub fn new(
        schema: Arc<Schema>,
        state: World,
        acks: Vec<tickwire_protocol::InputAck>,
        scoreboard: Arc<(u64, Vec<u8>)>,
        events: Arc<Vec<RoomEvent>>,
        fixed: Option<Arc<Vec<u8>>>,
        view_radius: Option<f32>,
    ) -> SnapshotFrame {
        let grid = view_radius.map(|r| Grid::build(&schema, &state, r));
        SnapshotFrame {
            state: Arc::new(state),
            schema,
            acks,
            scoreboard,
            events,
            fixed,
            match_end: Arc::new((0, Vec::new())),
            grid,
            views: FrameCache::new(VIEW_CACHE_MAX),
            encoded: FrameCache::new(ENCODE_CACHE_MAX),
        }
    }

    /// This frame with the room's last match result (see [`SnapshotFrame::match_end`]).
    pub fn with_match_end(mut self, match_end: Arc<(u64, Vec<u8>)>) -> SnapshotFrame {
        self.match_end = match_end;
        self
    }

    /// The tick of this frame.
    pub fn tick(&self) -> Tick {
        self.state.tick
    }

    /// Entity `id` of the whole world, its fields read by name through the schema.
    pub fn entity(&self, id: EntityId) -> Option<EntityView<'_>> {
        EntityView::find(&self.schema, &self.state, id)
    }

    /// The whole world, whatever the area of interest: what a spectator sees.
    pub fn whole_view(&self) -> SentView {
        SentView {
            key: ViewKey {
                tick: self.tick(),
                cell: None,
            },
            world: self.state.clone(),
        }
    }

    /// What the player owning `entity` sees of this frame. Without area of interest, the whole
    /// world; with it, the view of the cell the entity is in (or `fallback`, the cell of its last
    /// view, when the entity is gone).
    pub fn view_for(&self, entity: EntityId, fallback: Option<Cell>) -> SentView {
        let Some(grid) = &self.grid else {
            return self.whole_view();
        };
        let cell = self
            .state
            .find(entity)
            .and_then(|i| grid.cell_of(&self.state, i))
            .or(fallback)
            .unwrap_or((0, 0));
        // Made outside the cache's lock, as encodings are: a view made under it made the
        // pass's workers take turns.
        let world = self.views.get(&cell).unwrap_or_else(|| {
            self.views
                .keep(cell, Arc::new(grid.view(&self.state, cell)))
                .0
        });
        SentView {
            key: ViewKey {
                tick: self.tick(),
                cell: Some(cell),
            },
            world,
        }
    }

    /// The encoded delta from `baseline` (the view last written to a session's socket) to
    /// `view` of this frame; `previous` is the view written before `baseline`, which the client
    /// also holds, and lets the encoder predict motion. Sessions holding the same views share
    /// one encoding.
    pub fn delta_for(
        &self,
        baseline: Option<&SentView>,
        previous: Option<&SentView>,
        view: &SentView,
        metrics: &Metrics,
    ) -> (Arc<Vec<u8>>, CacheUse) {
        let previous = previous.filter(|_| baseline.is_some());
        let key = (baseline.map(|b| b.key), previous.map(|p| p.key), view.key);
        if let Some(bytes) = self.encoded.get(&key) {
            return (bytes, CacheUse::Hit);
        }
        // Encode outside the lock so that sessions with other baselines are not held up.
        let started = std::time::Instant::now();
        let worlds = Baselines {
            baseline: baseline.map(|b| &*b.world),
            previous: previous.map(|p| &*p.world),
        };
        // About what a moving entity costs, so that the buffer rarely grows while written.
        let mut bytes = Vec::with_capacity(16 + 4 * view.world.len());
        write_delta(&self.schema, worlds, &view.world, &mut bytes);
        metrics.record_encode(started.elapsed().as_micros() as u64);
        match self.encoded.keep(key, Arc::new(bytes)) {
            (bytes, true) => (bytes, CacheUse::Hit),
            (bytes, false) => (bytes, CacheUse::Miss),
        }
    }
}

//! `SnapshotFrame`: one published, immutable snapshot of a room, with the views clients see of
//! it and their shared encodings.

use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;
use tickwire_protocol::{
    Baselines, EntityId, EntityView, Picked, Schema, StateStep, Tick, World, write_delta,
    write_picked,
};

use crate::rooms::aoi::{Cell, Grid};
use crate::rooms::frame_cache::FrameCache;

/// Most encodings one view keeps (one per pair of views sessions were sent before it); past
/// that, sessions encode for themselves.
const VIEW_ENCODINGS_MAX: usize = 64;

/// How many holders of its state a frame's views share (see `SnapshotFrame::holders`).
const STATE_HOLDERS: usize = 16;

/// Most views one frame keeps (about) for cells its grid does not number.
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

/// A world as one client received it: a frame's whole state, or the entities of it that one
/// view picks.
#[derive(Clone, Debug)]
pub struct SentView {
    /// Which frame and view.
    pub key: ViewKey,
    /// What it holds; clients in one cell share it (and its count of holders: one count for
    /// every client of a frame would be written by every worker of the pass).
    view: Arc<View>,
}

/// The entities of a frame's state that one view holds.
#[derive(Debug)]
struct View {
    /// The frame's whole state, through one of the frame's holders of it.
    state: Arc<Holder>,
    /// The indices in the state of the view's entities, increasing; `None`: all of them.
    picks: Option<Vec<u32>>,
    /// The picked entities as a world of their own, made when first asked for: deltas are
    /// written from the picks and the frame's step, and need it only when a client's views are
    /// not the step's.
    world: OnceLock<World>,
    /// The deltas written to this view, by the views they were written from. Sessions holding
    /// the view share them, and only they take this lock.
    encoded: Mutex<Vec<(BaseKey, Arc<[u8]>)>>,
}

/// The views a delta is written from: the session's baseline and the view before it.
type BaseKey = (Option<ViewKey>, Option<ViewKey>);

impl View {
    fn new(state: Arc<Holder>, picks: Option<Vec<u32>>) -> View {
        View {
            state,
            picks,
            world: OnceLock::new(),
            encoded: Mutex::new(Vec::new()),
        }
    }

    /// The delta written to this view from `base`, when one was kept.
    fn encoding(&self, base: &BaseKey) -> Option<Arc<[u8]>> {
        let kept = self.encoded.lock();
        kept.iter().find(|(k, _)| k == base).map(|(_, b)| b.clone())
    }

    /// Keeps `bytes` as the delta from `base` unless one is kept already (another session
    /// wrote it meanwhile), and returns the one kept, with whether it was that other one. Past
    /// [`VIEW_ENCODINGS_MAX`], `bytes` is returned and not kept.
    fn keep(&self, base: BaseKey, bytes: Arc<[u8]>) -> (Arc<[u8]>, bool) {
        let mut kept = self.encoded.lock();
        if let Some((_, b)) = kept.iter().find(|(k, _)| *k == base) {
            return (b.clone(), true);
        }
        if kept.len() < VIEW_ENCODINGS_MAX {
            kept.push((base, bytes.clone()));
        }
        (bytes, false)
    }
}

impl SentView {
    /// The entities the client holds.
    pub fn world(&self) -> &World {
        let v = &self.view;
        match &v.picks {
            None => &v.state.0,
            Some(picks) => v.world.get_or_init(|| {
                let state = &v.state.0;
                let mut w = World::new(state.tick);
                w.reserve(picks.len(), state.slot_count() / state.len().max(1));
                w.extend_picked(state, picks.iter().map(|&i| i as usize));
                w
            }),
        }
    }

    /// The view as picks of its state, when it is not the whole state.
    fn picked(&self) -> Option<Picked<'_>> {
        let v = &self.view;
        v.picks.as_ref().map(|picks| Picked {
            state: &v.state.0,
            picks,
        })
    }

    /// The whole state of the view's frame.
    fn state(&self) -> &Arc<World> {
        &self.view.state.0
    }
}

/// A holder of a frame's state, alone on its cache lines: its count is written by the views
/// that hold the state through it.
#[derive(Debug)]
#[repr(align(128))]
struct Holder(Arc<World>);

/// The step from the last two frames' states to a frame's, which the frame's deltas share (see
/// [`StateStep`]).
#[derive(Debug)]
struct FrameStep {
    /// The last frame's state.
    base: Arc<World>,
    /// The state of the frame before it, when the step predicts from it.
    previous: Option<Arc<World>>,
    step: StateStep,
}

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
    /// What views hold the state through, a few of them: every view made counts itself in one,
    /// from any worker of the pass, and one count for all (the state's own) would be written
    /// from every worker on the cache line every encoding reads the state's header from.
    holders: Vec<Arc<Holder>>,
    step: Option<FrameStep>,
    /// The whole state as a view.
    whole: Arc<View>,
    /// The views of the cells the grid numbers, by number, each made by the first session
    /// in its cell: only sessions of one cell meet here.
    cells: Vec<OnceLock<Arc<View>>>,
    /// The views of cells the grid does not number.
    views: FrameCache<Cell, Arc<View>>,
}

/// Whether an encoding came from the cache, for metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheUse {
    /// Another session had already encoded this delta.
    Hit,
    /// This session encoded it, in `micros` microseconds: for the caller to add to
    /// [`crate::Metrics::record_encode`] with its other counts (the pass's workers would share one
    /// histogram's lock per encoding otherwise).
    Miss {
        /// How long the encoding took.
        micros: u64,
    },
}

impl Drop for SnapshotFrame {
    fn drop(&mut self) {
        // Nobody writes a delta into this frame's views once it is gone, and a session that
        // lags holds the whole view as its baseline for as long as it lags: its deltas, up to
        // one per pair of views a session was sent (each as large as the world's changes), go
        // with the frame.
        drop(std::mem::take(&mut *self.whole.encoded.lock()));
    }
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
        let state = Arc::new(state);
        // Only views of cells hold the state through more than the first.
        let count = if grid.is_some() { STATE_HOLDERS } else { 1 };
        let holders: Vec<_> = (0..count)
            .map(|_| Arc::new(Holder(state.clone())))
            .collect();
        let cells = grid.as_ref().map_or(0, Grid::numbered_cells);
        SnapshotFrame {
            whole: Arc::new(View::new(holders[0].clone(), None)),
            holders,
            state,
            schema,
            acks,
            scoreboard,
            events,
            fixed,
            match_end: Arc::new((0, Vec::new())),
            grid,
            step: None,
            cells: (0..cells).map(|_| OnceLock::new()).collect(),
            views: FrameCache::new(VIEW_CACHE_MAX),
        }
    }

    /// This frame with the room's last match result (see [`SnapshotFrame::match_end`]).
    pub fn with_match_end(mut self, match_end: Arc<(u64, Vec<u8>)>) -> SnapshotFrame {
        self.match_end = match_end;
        self
    }

    /// This frame with its step from `last` (the room's last frame): with area of interest,
    /// every client's delta from its views of the last frame (and the one before, to predict
    /// from) is written from what they share (see [`StateStep`]). Without area of interest, or
    /// without a last frame, the frame is left as it is.
    pub fn after(mut self, last: Option<&SnapshotFrame>) -> Self {
        let Some(last) = last.filter(|_| self.grid.is_some()) else {
            return self;
        };
        let (base, before) = (&last.state, last.step.as_ref());
        let previous = before.map(|b| &b.base);
        let step = StateStep::following(
            before.map(|b| &b.step),
            &self.schema,
            previous.map(|p| &**p),
            base,
            &self.state,
        );
        self.step = step.map(|step| FrameStep {
            base: base.clone(),
            previous: previous.cloned(),
            step,
        });
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
            view: self.whole.clone(),
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
        let make = || {
            let holder = (cell.0 as usize)
                .wrapping_mul(31)
                .wrapping_add(cell.1 as usize);
            let holder = self.holders[holder % self.holders.len()].clone();
            Arc::new(View::new(holder, Some(grid.picks(&self.state, cell))))
        };
        // Made outside any lock, as encodings are: a view made under the cache's lock made the
        // pass's workers take turns. Two sessions of a cell may both make its view; the first
        // kept is the one both hold.
        let view = match grid.number(cell).and_then(|n| self.cells.get(n)) {
            Some(slot) => match slot.get() {
                Some(view) => view.clone(),
                None => {
                    let made = make();
                    slot.get_or_init(|| made).clone()
                }
            },
            None => self
                .views
                .get(&cell)
                .unwrap_or_else(|| self.views.keep(cell, make()).0),
        };
        SentView {
            key: ViewKey {
                tick: self.tick(),
                cell: Some(cell),
            },
            view,
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
    ) -> (Arc<[u8]>, CacheUse) {
        let previous = previous.filter(|_| baseline.is_some());
        let key = (baseline.map(|b| b.key), previous.map(|p| p.key));
        if let Some(bytes) = view.view.encoding(&key) {
            return (bytes, CacheUse::Hit);
        }
        // Encode outside the lock so that sessions with other baselines are not held up.
        let started = std::time::Instant::now();
        // About what a moving entity costs, so that the buffer rarely grows while written.
        let size = view.picked().map_or(view.state().len(), |v| v.picks.len());
        let mut bytes = Vec::with_capacity(16 + 4 * size);
        if !self.write_from_step(baseline, previous, view, &mut bytes) {
            let worlds = Baselines {
                baseline: baseline.map(SentView::world),
                previous: previous.map(SentView::world),
            };
            write_delta(&self.schema, worlds, view.world(), &mut bytes);
        }
        let micros = started.elapsed().as_micros() as u64;
        // One allocation to keep and later free, not a vector's two.
        match view.view.keep(key, Arc::from(bytes)) {
            (bytes, true) => (bytes, CacheUse::Hit),
            (bytes, false) => (bytes, CacheUse::Miss { micros }),
        }
    }

    /// Writes the delta from the frame's step when the client's views are picks of the step's
    /// states (the last frame's and, to predict from, the one before); false when they are not,
    /// with nothing written.
    fn write_from_step(
        &self,
        baseline: Option<&SentView>,
        previous: Option<&SentView>,
        view: &SentView,
        out: &mut Vec<u8>,
    ) -> bool {
        let (Some(fs), Some(baseline)) = (&self.step, baseline) else {
            return false;
        };
        let (Some(base), Some(cur)) = (baseline.picked(), view.picked()) else {
            return false;
        };
        if !Arc::ptr_eq(baseline.state(), &fs.base) || !Arc::ptr_eq(view.state(), &self.state) {
            return false;
        }
        let previous = match previous {
            None => None,
            Some(p) => match (p.picked(), &fs.previous) {
                (Some(picked), Some(state)) if Arc::ptr_eq(p.state(), state) => Some(picked),
                // A previous view the step does not know: its prediction cannot be shared.
                _ if self.schema.predicts() => return false,
                _ => None,
            },
        };
        write_picked(&self.schema, &fs.step, base, previous, cur, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tickwire_protocol::{FieldDesc, KindDesc, KindId, SchemaDesc, WireType};

    fn frame(places: &[(i32, i32)]) -> SnapshotFrame {
        let schema = Schema::new(SchemaDesc {
            game: "cells".into(),
            version: 1,
            kinds: vec![
                KindDesc::new(
                    "prop",
                    vec![FieldDesc::new("pos", WireType::Vec2 { step: 1.0 })],
                )
                .positioned_by("pos"),
            ],
            ..SchemaDesc::default()
        })
        .expect("valid");
        let mut state = World::new(Tick(7));
        for (i, &(x, y)) in places.iter().enumerate() {
            state.push(EntityId(i as u32), KindId(0)).values(&[x, y]);
        }
        let (scoreboard, events) = (Arc::new((0, Vec::new())), Arc::new(Vec::new()));
        SnapshotFrame::new(
            Arc::new(schema),
            state,
            Vec::new(),
            scoreboard,
            events,
            None,
            Some(40.0),
        )
    }

    #[test]
    fn sessions_in_one_cell_share_its_view_and_its_encodings() {
        // Counted cell by cell, and so far apart that the grid searches instead.
        for far in [None, Some((i32::MAX - 5, i32::MIN + 5))] {
            let mut places = vec![(100, 100), (101, 102), (500, 500)];
            places.extend(far);
            let f = frame(&places);
            assert_eq!(f.cells.is_empty(), far.is_some());
            let (a, b, c) = (
                f.view_for(EntityId(0), None),
                f.view_for(EntityId(1), None),
                f.view_for(EntityId(2), None),
            );
            assert!(Arc::ptr_eq(&a.view, &b.view), "far: {far:?}");
            assert!(!Arc::ptr_eq(&a.view, &c.view));
            let (first, used) = f.delta_for(None, None, &a);
            assert!(matches!(used, CacheUse::Miss { .. }));
            let (second, used) = f.delta_for(None, None, &b);
            assert_eq!(used, CacheUse::Hit);
            assert!(Arc::ptr_eq(&first, &second));
            // Another view, or the same one from another baseline, is written anew.
            assert!(matches!(
                f.delta_for(None, None, &c).1,
                CacheUse::Miss { .. }
            ));
            let from = f.delta_for(Some(&c), None, &a);
            assert!(matches!(from.1, CacheUse::Miss { .. }));
            assert_ne!(from.0, first);
        }
    }

    #[test]
    fn the_whole_views_encodings_go_with_its_frame() {
        let f = frame(&[(100, 100), (900, 900)]);
        let held = f.whole_view();
        f.delta_for(None, None, &held);
        assert_eq!(held.view.encoded.lock().len(), 1);
        drop(f);
        // The session still holds the view, as its baseline, but not the deltas written to it.
        assert!(held.view.encoded.lock().is_empty());
        assert_eq!(held.world().len(), 2);
    }

    #[test]
    fn a_view_keeps_a_bounded_number_of_encodings() {
        let f = frame(&[(100, 100)]);
        let view = f.view_for(EntityId(0), None);
        let base = |t: u32| {
            let key = ViewKey {
                tick: Tick(t),
                cell: None,
            };
            (Some(key), None)
        };
        for t in 0..(VIEW_ENCODINGS_MAX as u32 + 10) {
            let bytes: Arc<[u8]> = Arc::from(vec![t as u8]);
            assert!(!view.view.keep(base(t), bytes).1);
        }
        assert_eq!(view.view.encoded.lock().len(), VIEW_ENCODINGS_MAX);
        assert_eq!(view.view.encoding(&base(0)).as_deref(), Some(&[0u8][..]));
        assert_eq!(view.view.encoding(&base(VIEW_ENCODINGS_MAX as u32)), None);
    }
}

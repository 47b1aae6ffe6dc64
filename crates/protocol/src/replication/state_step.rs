//! Deltas between views picked out of whole states, sharing what every client's delta of one
//! snapshot has in common.
//!
//! With area of interest, each client holds a view: some entities of a whole state. Its delta
//! from the view it holds of the last snapshot to its view of this one names entities by their
//! place in its views, which are its own; but an entity's change from the last state to this one
//! (whether it changed, and its residuals, predicted or not) is the same for every client that
//! sees it in both. A [`StateStep`] works those out once per snapshot, for every entity of the
//! whole state; [`write_picked`] then writes each client's delta from its picks and the step's
//! tables, byte for byte what [`super::write_delta`] writes for the same views made into worlds.

use super::encode::{NONE, differs, with_scratch, write_changes, write_created};
use super::schema::{Schema, SlotInfo};
use super::wire_type::{SlotCoding, residual};
use super::world::World;
use crate::Tick;
use crate::bits::{BitWriter, zigzag};
use crate::subset::put_subset;

/// A world made of some entities of a whole state: those at `picks`, indices into `state` in
/// strictly increasing order (so the world is sorted by id, as the state is).
#[derive(Clone, Copy, Debug)]
pub struct Picked<'a> {
    /// The whole state.
    pub state: &'a World,
    /// The indices of the picked entities in `state`, increasing.
    pub picks: &'a [u32],
}

impl Picked<'_> {
    /// True when the picks are strictly increasing indices of the state.
    fn is_valid(&self) -> bool {
        self.picks.windows(2).all(|w| w[0] < w[1])
            && self
                .picks
                .last()
                .is_none_or(|&i| (i as usize) < self.state.len())
    }
}

/// One slot of one entity of the current state, against the same entity in the base state:
/// four bytes, because every client's encoding reads a hundred or so of them from all over the
/// state, and the smaller the table the more of it stays in each core's cache. A change too
/// large for it is kept aside ([`StateStep::wide`]) and marked [`WIDE`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct SlotChange {
    /// The slot's zigzagged residual (a predicted slot's without prediction).
    plain: u16,
    /// A predicted slot's zigzagged residual with prediction from the previous state (its
    /// plain residual when the previous state lacks the entity); for any other slot, 1 when
    /// the value changed and 0 when not. (A predicted slot changed when its plain residual is
    /// not zero; another's residual may wrap to zero.)
    other: u16,
}

/// In [`SlotChange::plain`]: the change is in [`StateStep::wide`].
const WIDE: u16 = u16::MAX;

/// Set in [`StateStep::back`] on an entity that changed.
const CHANGED: u32 = 1 << 31;

/// What every delta from views of `base` (with views of `previous` to predict from) to views of
/// `cur` shares, per entity of `cur`: its index in `base`, whether it changed, and per slot its
/// residuals. Built once per snapshot; see [`write_picked`].
#[derive(Debug)]
pub struct StateStep {
    ticks: (Tick, Option<Tick>, Tick),
    lens: (usize, Option<usize>, usize),
    /// Per entity of `cur`: its index in `base` (same id and kind), with [`CHANGED`] set when
    /// it differs there, [`NONE`] when `base` lacks it; and the index in `previous` of that
    /// entity of `base` ([`NONE`]: none). Side by side, as one client's encoding reads both.
    back: Vec<[u32; 2]>,
    /// Per slot of `cur` (as its values are laid out).
    slots: Vec<SlotChange>,
    /// The changes too large for [`SlotChange`] (plain and other residual), by their place in
    /// `slots`, in increasing order.
    wide: Vec<(u32, u32, u32)>,
    /// Slot numbers (of any kind) that some entity changed, as bits.
    moved_slots: u64,
}

/// Per entity of `to`: the index in `from` of the entity with its id and kind, or [`NONE`].
fn match_ids(from: &World, to: &World) -> Vec<u32> {
    let fe = from.entities();
    let mut f = 0;
    to.entities()
        .iter()
        .map(|e| {
            while fe.get(f).is_some_and(|x| x.id < e.id) {
                f += 1;
            }
            match fe.get(f) {
                Some(x) if x.id == e.id && x.kind == e.kind => f as u32,
                _ => NONE,
            }
        })
        .collect()
}

/// True when every entity of `world` is of a kind of `schema` and holds exactly its slots: the
/// worlds a step can be built over.
fn well_formed(schema: &Schema, world: &World) -> bool {
    world.entities().iter().enumerate().all(|(i, e)| {
        schema
            .layout(e.kind)
            .is_some_and(|l| l.slots.len() == world.slots(i).len())
    })
}

impl StateStep {
    /// The step from `base` to `cur`, predicting from `previous` (the state before `base`)
    /// where given. `None` when a world holds an entity whose kind `schema` lacks or whose
    /// slots are not its kind's: its deltas are then written whole ([`super::write_delta`]).
    pub fn new(
        schema: &Schema,
        previous: Option<&World>,
        base: &World,
        cur: &World,
    ) -> Option<StateStep> {
        StateStep::following(None, schema, previous, base, cur)
    }

    /// [`StateStep::new`], given `before`, the step from `previous` to `base` when there was
    /// one: what it found of those two states (their entities' match, that they are well
    /// formed) is not worked out again.
    pub fn following(
        before: Option<&StateStep>,
        schema: &Schema,
        previous: Option<&World>,
        base: &World,
        cur: &World,
    ) -> Option<StateStep> {
        let before = before.filter(|b| {
            previous.is_some_and(|p| (p.tick, p.len()) == (b.ticks.0, b.lens.0))
                && (base.tick, base.len()) == (b.ticks.2, b.lens.2)
        });
        let checked = before.is_some();
        if !well_formed(schema, cur)
            || (!checked && !well_formed(schema, base))
            || (!checked && previous.is_some_and(|p| !well_formed(schema, p)))
            || base.len() >= CHANGED as usize
        {
            return None;
        }
        let mut back: Vec<[u32; 2]> = match_ids(base, cur).iter().map(|&b| [b, NONE]).collect();
        let base_back = match (before, previous) {
            (Some(b), _) => b
                .back
                .iter()
                .map(|&[x, _]| if x == NONE { NONE } else { x & !CHANGED })
                .collect(),
            (None, Some(p)) => match_ids(p, base),
            (None, None) => Vec::new(),
        };
        let mut slots = vec![SlotChange::default(); cur.values().len()];
        let mut moved_slots = 0u64;
        let mut wide = Vec::new();
        for (i, ([b, before_b], e)) in back.iter_mut().zip(cur.entities()).enumerate() {
            let Some(layout) = schema.layout(e.kind).filter(|_| *b != NONE) else {
                continue;
            };
            let bi = *b as usize;
            let p = base_back.get(bi).copied().unwrap_or(NONE);
            *before_b = p;
            if !differs(Some(layout), base, bi, cur, i) {
                continue;
            }
            *b |= CHANGED;
            let (bs, cs) = (base.slots(bi), cur.slots(i));
            let ps = previous.filter(|_| p != NONE).map(|w| w.slots(p as usize));
            let at = cur.at(i);
            for (k, info) in layout.slots.iter().enumerate() {
                let (bv, cv) = (bs[k], cs[k]);
                moved_slots |= u64::from(bv != cv) << k;
                let (plain, other) = change(info, bv, cv, ps.map(|ps| ps[k]));
                slots[at + k] = match (u16::try_from(plain), u16::try_from(other)) {
                    (Ok(plain), Ok(other)) if plain != WIDE => SlotChange { plain, other },
                    _ => {
                        wide.push(((at + k) as u32, plain, other));
                        SlotChange {
                            plain: WIDE,
                            other: 0,
                        }
                    }
                };
            }
        }
        Some(StateStep {
            ticks: (base.tick, previous.map(|p| p.tick), cur.tick),
            lens: (base.len(), previous.map(World::len), cur.len()),
            back,
            slots,
            wide,
            moved_slots,
        })
    }

    /// True when `previous`, `base` and `cur` are (by tick and size) the states the step was
    /// built over.
    fn fits(&self, previous: Option<&World>, base: &World, cur: &World) -> bool {
        let previous_fits = match (previous, self.ticks.1, self.lens.1) {
            (None, ..) => true,
            (Some(p), Some(tick), Some(len)) => p.tick == tick && p.len() == len,
            _ => false,
        };
        previous_fits
            && (base.tick, base.len()) == (self.ticks.0, self.lens.0)
            && (cur.tick, cur.len()) == (self.ticks.2, self.lens.2)
    }

    /// Entity `i` of the current state: its index in the base state, whether it changed
    /// there, and its index in the previous state ([`NONE`]: none); `None` when the base state
    /// lacks it.
    #[inline(always)]
    pub(crate) fn back(&self, i: u32) -> Option<(u32, bool, u32)> {
        match self.back.get(i as usize).copied().unwrap_or([NONE, NONE]) {
            [NONE, _] => None,
            [b, p] => Some((b & !CHANGED, b & CHANGED != 0, p)),
        }
    }

    /// The plain and other residual of the value at `at` (see [`SlotChange`]).
    #[inline(always)]
    fn change(&self, at: usize) -> (u32, u32) {
        match self.slots.get(at) {
            None => (0, 0),
            Some(c) if c.plain != WIDE => (u32::from(c.plain), u32::from(c.other)),
            Some(_) => self
                .wide
                .binary_search_by_key(&(at as u32), |w| w.0)
                .map_or((0, 0), |k| (self.wide[k].1, self.wide[k].2)),
        }
    }

    /// For a predicted slot whose value is at `at` (a place in the current state's values):
    /// whether it changed, and its plain and predicted residuals.
    #[inline(always)]
    pub(crate) fn predicted(&self, at: usize) -> (bool, u32, u32) {
        let (plain, predicted) = self.change(at);
        (plain != 0, plain, predicted)
    }

    /// Whether the value at `at` changed, and its plain residual; `predict` says whether its
    /// slot is predicted.
    #[inline(always)]
    pub(crate) fn plain(&self, at: usize, predict: bool) -> (bool, u32) {
        let (plain, other) = self.change(at);
        let moved = if predict { plain } else { other };
        (moved != 0, plain)
    }

    /// Whether the value at `at` changed; `predict` says whether its slot is predicted.
    #[inline(always)]
    pub(crate) fn moved(&self, at: usize, predict: bool) -> bool {
        self.plain(at, predict).0
    }

    /// False when no entity of any kind changed slot number `slot`.
    #[inline]
    pub(crate) fn slot_moved(&self, slot: usize) -> bool {
        slot >= 64 || self.moved_slots & (1 << slot) != 0
    }
}

/// A slot's change from `b` to `c`, predicted from `p` (the value before `b`; none: no motion)
/// when the slot is predicted: its plain residual and its other (see [`SlotChange`]), as the
/// encoder computes them.
fn change(info: &SlotInfo, b: i32, c: i32, p: Option<i32>) -> (u32, u32) {
    match info.coding {
        SlotCoding::Residual { .. } if info.predict => {
            // A predicted slot is a plain signed value: its residual never wraps.
            let d = c.wrapping_sub(b);
            let v = p.map_or(0, |p| b.wrapping_sub(p));
            (zigzag(d), zigzag(d.wrapping_sub(v)))
        }
        SlotCoding::Residual { wrap } => (zigzag(residual(wrap, b, c)), u32::from(b != c)),
        _ => (0, u32::from(b != c)),
    }
}

/// Writes the delta from the view `base` (with `previous`, the view before it, to predict from)
/// to the view `cur`, whose states are those `step` was built over; appends to `out` exactly the
/// bytes [`super::write_delta`] appends for the same views made into worlds. Returns false, and
/// writes nothing, when the states are not the step's or a view's picks are not increasing
/// indices of its state.
pub fn write_picked(
    schema: &Schema,
    step: &StateStep,
    base: Picked<'_>,
    previous: Option<Picked<'_>>,
    cur: Picked<'_>,
    out: &mut Vec<u8>,
) -> bool {
    // Without prediction the previous view plays no part, as in `write_delta`.
    let previous = previous.filter(|_| schema.predicts());
    if !step.fits(previous.map(|p| p.state), base.state, cur.state)
        || !base.is_valid()
        || !cur.is_valid()
        || previous.is_some_and(|p| !p.is_valid())
    {
        return false;
    }
    with_scratch(|s| {
        let mut bw = BitWriter::new(out);
        bw.varbits(cur.state.tick.0);
        bw.bit(true);
        bw.varbits(cur.state.tick.since(base.state.tick));
        s.removed.clear();
        s.changed.clear();
        s.created.clear();
        s.prev.clear();
        // Changed entities named by their place among the base view's kept entities.
        s.b.clear();
        // Both views are in id order, and so is `back`: one merge finds removed, changed and
        // created entities, as the worlds' ids would.
        let bp = base.picks;
        let mut p = 0;
        for &i in cur.picks {
            let Some((b, changed, before_b)) = step.back(i) else {
                s.created.push(i);
                continue;
            };
            while bp.get(p).is_some_and(|&x| x < b) {
                s.removed.push(p as u32);
                p += 1;
            }
            if bp.get(p) == Some(&b) {
                if changed {
                    s.b.push((p - s.removed.len()) as u32);
                    s.changed.push((b, i));
                    s.prev.push(before_b);
                }
                p += 1;
            } else {
                s.created.push(i);
            }
        }
        s.removed.extend(p as u32..bp.len() as u32);
        put_subset(&mut bw, bp.len(), &s.removed, &mut s.a);
        let named = std::mem::take(&mut s.b);
        put_subset(&mut bw, bp.len() - s.removed.len(), &named, &mut s.a);
        s.b = named;
        if !s.changed.is_empty() {
            if let Some(pv) = previous {
                // Whether the previous view holds each changed entity: without it, its
                // velocity is zero.
                // `s.prev` holds each one's index in the previous state, in order.
                let mut q = 0;
                for t in &mut s.prev {
                    while *t != NONE && pv.picks.get(q).is_some_and(|&x| x < *t) {
                        q += 1;
                    }
                    let held = *t != NONE && pv.picks.get(q) == Some(t);
                    *t = if held { 0 } else { NONE };
                }
            }
            write_changes(
                schema,
                base.state,
                previous.map(|p| p.state),
                cur.state,
                Some(step),
                &mut bw,
                s,
            );
        }
        write_created(schema, cur.state, &mut bw, s);
        bw.finish();
    });
    true
}

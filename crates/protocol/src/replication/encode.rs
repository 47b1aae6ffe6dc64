//! Writing a snapshot of any schema as a delta body against the world a client holds.
//!
//! The layout (bits least significant first; `varbits`, blocks and subsets as in the arena's
//! format: see `crate::block` and `crate::subset`):
//!
//! ```text
//! varbits tick
//! bit     has baseline          then varbits(tick - baseline tick)
//!   subset removed              indices into the baseline's entities (sorted by id)
//!   subset changed              indices into the baseline's entities left after removal
//!   when at least one entity changed:
//!   bit   predicted             then varbits(baseline tick - previous tick)
//!   for each kind, in schema order, that some changed entity has (its group, in id order):
//!     for each slot of the kind:
//!       bit any changed
//!       residual slots: bit all, then a block of residuals over the group (all), or a subset
//!                       of the group and a block of residuals over it
//!       raw slots:      a subset of the group, then each new value in the type's bits
//!                       (a boolean's change is its flip: no bits)
//!       text slots:     a subset of the group, then each new text: varbits(bytes), the bytes
//! varbits created count
//!   block id gaps (id - previous id - 1; the first from 0), block kinds
//!   for each kind that some created entity has, for each slot, over its group:
//!     signed: block of zigzag values; offset: block of value - min; raw: bits each;
//!     text: varbits(bytes), the bytes each
//! zero padding to a whole byte
//! ```
//!
//! A residual is the wrapping change since the baseline (an angle's the short way round). With
//! prediction, a predicted slot's residual is its change minus its change from the previous world
//! to the baseline (zero for an entity the previous world lacks). The encoder predicts only when it
//! makes the predicted slots' blocks smaller, and writes "all" only when it is no larger than the
//! subset: the choices are fixed, so that any encoder writes the same bytes for the same worlds
//! (the JavaScript package's encoder is checked against this one byte for byte). Texts are
//! compared and sent as a client holds them: cut at a character boundary to their `max_bytes`.

use std::cell::RefCell;

use super::schema::{KindLayout, Schema, SlotInfo};
use super::state_step::StateStep;
use super::wire_type::{FullCoding, SlotCoding, residual};
use super::world::World;
use crate::bits::{BitWriter, width, zigzag};
use crate::block::{WidthStats, put_block, put_block_at};
use crate::subset::put_subset;

/// The worlds a delta body is written and read against: the baseline it is a delta from, and
/// optionally the world the client held before that (for prediction).
#[derive(Clone, Copy, Debug, Default)]
pub struct Baselines<'a> {
    /// The world the delta is against; `None` for a full snapshot.
    pub baseline: Option<&'a World>,
    /// The world the client held before `baseline`; enables prediction.
    pub previous: Option<&'a World>,
}

/// No entity in the previous world.
pub(crate) const NONE: u32 = u32::MAX;

/// Reusable buffers, so that encoding and decoding allocate nothing once warm.
#[derive(Default)]
pub(crate) struct Scratch {
    /// Baseline indices of removed entities.
    pub(crate) removed: Vec<u32>,
    /// (baseline index, current index) of changed entities.
    pub(crate) changed: Vec<(u32, u32)>,
    /// Current indices of created entities.
    pub(crate) created: Vec<u32>,
    /// Per changed entity, its index in the previous world (or [`NONE`]).
    pub(crate) prev: Vec<u32>,
    /// Changed (or created) entities ordered by kind, as indices into their list.
    pub(crate) order: Vec<u32>,
    /// Where each kind's run of `order` starts (one more entry than kinds).
    pub(crate) starts: Vec<u32>,
    /// Per changed entity, where its slots start in the baseline, the current (or decoded) world
    /// and the previous world ([`NONE`] when it has none).
    pub(crate) bat: Vec<u32>,
    pub(crate) cat: Vec<u32>,
    pub(crate) pat: Vec<u32>,
    pub(crate) a: Vec<u32>,
    pub(crate) b: Vec<u32>,
    pub(crate) c: Vec<u32>,
    pub(crate) members: Vec<u32>,
    /// The encoder's trials of predicted slots.
    pub(crate) trials: Vec<Trial>,
    /// Members of a group that did not change the slot being written.
    pub(crate) unchanged: Vec<u32>,
}

thread_local! {
    /// One set of buffers per thread: a server encodes on every worker thread.
    pub(crate) static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's scratch buffers (fresh ones if they are in use, which only a
/// re-entrant call could cause).
pub(crate) fn with_scratch<T>(f: impl FnOnce(&mut Scratch) -> T) -> T {
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut s) => f(&mut s),
        Err(_) => f(&mut Scratch::default()),
    })
}

/// Orders `n` items by kind (a stable counting sort): `order` lists item indices kind by kind,
/// `starts[k]..starts[k + 1]` is kind `k`'s run.
pub(crate) fn group_by_kind(
    kinds: usize,
    n: usize,
    kind_of: impl Fn(usize) -> usize,
    order: &mut Vec<u32>,
    starts: &mut Vec<u32>,
) {
    starts.clear();
    starts.resize(kinds + 1, 0);
    // With a few kinds and not too many items, the counts (and below, where each run is
    // filled to) are sixteen-bit fields of one register: an item does not wait for the store
    // of the one before, as it does counting in memory (most items are of the kind before).
    let packed = kinds <= 4 && n < 1 << 16;
    if packed {
        let mut counts = 0u64;
        for i in 0..n {
            counts += 1 << (16 * (kind_of(i) & 3));
        }
        for k in 0..kinds {
            starts[k + 1] = ((counts >> (16 * k)) & 0xFFFF) as u32;
        }
    } else {
        for i in 0..n {
            starts[kind_of(i) + 1] += 1;
        }
    }
    for k in 0..kinds {
        starts[k + 1] += starts[k];
    }
    order.clear();
    if starts.windows(2).any(|run| (run[1] - run[0]) as usize == n) {
        // One kind: the order is the items' own (and `starts` already says where it runs).
        order.extend(0..n as u32);
        return;
    }
    order.resize(n, 0);
    if packed {
        let mut at = 0u64;
        for (k, &start) in starts.iter().take(kinds).enumerate() {
            at |= u64::from(start) << (16 * k);
        }
        for i in 0..n {
            let shift = 16 * (kind_of(i) & 3);
            if let Some(o) = order.get_mut(((at >> shift) & 0xFFFF) as usize) {
                *o = i as u32;
            }
            at += 1 << shift;
        }
        return;
    }
    // Fill each run from its start; `starts[k]` walks forward and is put back after.
    for i in 0..n {
        let k = kind_of(i);
        order[starts[k] as usize] = i as u32;
        starts[k] += 1;
    }
    for k in (1..=kinds).rev() {
        starts[k] = starts[k - 1];
    }
    starts[0] = 0;
}

/// [`group_by_kind`] over the changed entities (`s.changed`), by their kind in the baseline
/// whose entities are `be`; each must be a kind of the schema's `kinds`.
pub(crate) fn group_changed_by_kind(kinds: usize, be: &[super::Entity], s: &mut Scratch) {
    group_by_kind(
        kinds,
        s.changed.len(),
        |i| usize::from(be[s.changed[i].0 as usize].kind.0),
        &mut s.order,
        &mut s.starts,
    );
}

/// Writes the delta that turns `worlds.baseline` into `current` (a full snapshot when there is
/// no baseline), appending its bytes to `out`. Both worlds must be sorted by id and hold only
/// kinds of `schema` with their slots; an id whose kind changed is sent as a removal and a
/// creation.
pub fn write_delta(schema: &Schema, worlds: Baselines<'_>, current: &World, out: &mut Vec<u8>) {
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut s) => write_with(schema, worlds, current, out, &mut s),
        Err(_) => write_with(schema, worlds, current, out, &mut Scratch::default()),
    });
}

fn write_with(
    schema: &Schema,
    worlds: Baselines<'_>,
    cur: &World,
    out: &mut Vec<u8>,
    s: &mut Scratch,
) {
    let mut bw = BitWriter::new(out);
    bw.varbits(cur.tick.0);
    bw.bit(worlds.baseline.is_some());
    s.removed.clear();
    s.changed.clear();
    s.created.clear();
    match worlds.baseline {
        Some(base) => {
            bw.varbits(cur.tick.since(base.tick));
            diff(schema, base, cur, s);
            let kept = base.len() - s.removed.len();
            put_subset(&mut bw, base.len(), &s.removed, &mut s.a);
            // Changed entities are named by their index among the kept ones.
            s.b.clear();
            let mut r = 0;
            for &(bi, _) in &s.changed {
                while s.removed.get(r).is_some_and(|&x| x < bi) {
                    r += 1;
                }
                s.b.push(bi - r as u32);
            }
            let named = std::mem::take(&mut s.b);
            put_subset(&mut bw, kept, &named, &mut s.a);
            s.b = named;
            if !s.changed.is_empty() {
                write_changes(schema, base, worlds.previous, cur, None, &mut bw, s);
            }
        }
        None => s.created.extend(0..cur.len() as u32),
    }
    write_created(schema, cur, &mut bw, s);
    bw.finish();
}

/// The removed, changed and created entities of `cur` against `base`, into the scratch lists.
fn diff(schema: &Schema, base: &World, cur: &World, s: &mut Scratch) {
    let (be, ce) = (base.entities(), cur.entities());
    let (mut i, mut j) = (0, 0);
    while i < be.len() || j < ce.len() {
        match (be.get(i), ce.get(j)) {
            (Some(b), Some(c)) if b.id == c.id => {
                if b.kind != c.kind {
                    s.removed.push(i as u32);
                    s.created.push(j as u32);
                } else if differs(schema.layout(c.kind), base, i, cur, j) {
                    s.changed.push((i as u32, j as u32));
                }
                i += 1;
                j += 1;
            }
            (Some(b), Some(c)) if b.id < c.id => {
                s.removed.push(i as u32);
                i += 1;
            }
            (_, Some(_)) => {
                s.created.push(j as u32);
                j += 1;
            }
            (Some(_), None) => {
                s.removed.push(i as u32);
                i += 1;
            }
            (None, None) => break,
        }
    }
}

/// True when entity `i` of `a` and entity `j` of `b` (same id and kind) hold different values.
#[inline]
pub(crate) fn differs(
    layout: Option<&KindLayout>,
    a: &World,
    i: usize,
    b: &World,
    j: usize,
) -> bool {
    let (x, y) = (a.slots(i), b.slots(j));
    // Compared slot by slot: a kind holds a few slots, for which a call to `memcmp` costs more
    // than the comparison.
    if x.len() != y.len() || x.iter().zip(y).any(|(p, q)| p != q) {
        return true;
    }
    match layout {
        Some(l) if l.has_text => l.slots.iter().zip(x).any(|(slot, &k)| match slot.coding {
            SlotCoding::Text { max_bytes } => {
                cut(a.text(i, k), max_bytes) != cut(b.text(j, k), max_bytes)
            }
            _ => false,
        }),
        _ => false,
    }
}

/// Slot `slot` of the entity whose slots start at `at` (0 past the end: never for a valid world).
#[inline(always)]
pub(crate) fn slot_at(values: &[i32], at: u32, slot: usize) -> i32 {
    values.get(at as usize + slot).copied().unwrap_or(0)
}

/// The change a predicted slot is expected to make: its change from the previous world to the
/// baseline (0 for an entity the previous world lacks).
#[inline(always)]
pub(crate) fn velocity(bv: &[i32], bat: u32, pv: &[i32], pat: u32, slot: usize) -> i32 {
    if pat == NONE {
        return 0;
    }
    slot_at(bv, bat, slot).wrapping_sub(slot_at(pv, pat, slot))
}

/// Fills `s.pat` with each changed entity's slot offset in `prev` (same id and kind), or
/// [`NONE`]; `s.prev` must hold their indices from [`previous_indices`].
pub(crate) fn previous_offsets(prev: &World, s: &mut Scratch) {
    s.pat.clear();
    s.pat.extend(s.prev.iter().map(|&p| {
        if p == NONE {
            NONE
        } else {
            prev.at(p as usize) as u32
        }
    }));
}

/// Each changed entity's index in `prev` (same id and kind), or [`NONE`].
pub(crate) fn previous_indices(
    changed_ids: impl Iterator<Item = (crate::EntityId, super::KindId)>,
    prev: &World,
    out: &mut Vec<u32>,
) {
    out.clear();
    let pe = prev.entities();
    let mut p = 0;
    for (id, kind) in changed_ids {
        while pe.get(p).is_some_and(|e| e.id < id) {
            p += 1;
        }
        out.push(match pe.get(p) {
            Some(e) if e.id == id && e.kind == kind => p as u32,
            _ => NONE,
        });
    }
}

/// Writes the changed entities (`s.changed`, as indices into `base` and `cur`). With `step`,
/// `base` and `cur` are the step's whole states and residuals are read from its tables, and
/// `s.prev` says per changed entity whether the previous view holds it (`NONE` when not);
/// otherwise residuals are computed from the worlds' values.
pub(crate) fn write_changes(
    schema: &Schema,
    base: &World,
    previous: Option<&World>,
    cur: &World,
    step: Option<&StateStep>,
    bw: &mut BitWriter<'_>,
    s: &mut Scratch,
) {
    let layouts = schema.layouts();
    let be = base.entities();
    // Where each changed entity's slots start, in group order, so that the slot loops below
    // walk plain arrays. From a step, the base world's values are not read (the step has their
    // changes): nor is its entities' kind, which is the current one's.
    s.bat.clear();
    s.cat.clear();
    if step.is_some() {
        let ce = cur.entities();
        group_by_kind(
            layouts.len(),
            s.changed.len(),
            |i| usize::from(ce[s.changed[i].1 as usize].kind.0),
            &mut s.order,
            &mut s.starts,
        );
        for &m in &s.order {
            s.cat.push(cur.at(s.changed[m as usize].1 as usize) as u32);
        }
    } else {
        group_changed_by_kind(layouts.len(), be, s);
        for &m in &s.order {
            let (bi, ci) = s.changed[m as usize];
            s.bat.push(base.at(bi as usize) as u32);
            s.cat.push(cur.at(ci as usize) as u32);
        }
    }
    let (bv, cv) = (base.values(), cur.values());
    // Predict only where it makes the predicted slots' blocks smaller. The trial keeps every
    // predicted slot's residuals both ways, so that the write below only picks one.
    let mut prev = None;
    // Trials are kept between encodings (their buffers with them); the first `tried` are this
    // one's.
    let mut tried = 0;
    if let Some(p) = previous.filter(|_| schema.predicts()) {
        if step.is_none() {
            previous_indices(
                s.changed.iter().map(|&(bi, _)| {
                    let e = be[bi as usize];
                    (e.id, e.kind)
                }),
                p,
                &mut s.prev,
            );
        }
        s.pat.clear();
        s.pat
            .extend(s.order.iter().map(|&m| match s.prev[m as usize] {
                NONE => NONE,
                i if step.is_some() => i,
                i => p.at(i as usize) as u32,
            }));
        let pv = p.values();
        let (mut plain, mut predicted) = (0u64, 0u64);
        for (k, layout) in layouts.iter().enumerate() {
            let run = s.starts[k] as usize..s.starts[k + 1] as usize;
            if run.is_empty() {
                continue;
            }
            for (slot, info) in layout.slots.iter().enumerate() {
                if !info.predict {
                    continue;
                }
                if s.trials.len() == tried {
                    s.trials.push(Trial::default());
                }
                let t = &mut s.trials[tried];
                tried += 1;
                let (cat, pat) = (&s.cat[run.clone()], &s.pat[run.clone()]);
                match step {
                    Some(step) => t.trial_step(step, cat, pat, slot),
                    None => t.trial(bv, cv, pv, &s.bat[run.clone()], cat, pat, slot),
                }
                plain += t.plain_best.1;
                predicted += t.predicted_best.1;
            }
        }
        if predicted < plain {
            prev = Some(p);
        }
    }
    bw.bit(prev.is_some());
    if let Some(p) = prev {
        bw.varbits(base.tick.since(p.tick));
    }
    let mut trial = 0;
    // The trials are taken out whole (a trial is a few hundred bytes to move, their list three
    // words) so that a trial writes with the rest of the scratch at hand.
    let trials = std::mem::take(&mut s.trials);
    for (k, layout) in layouts.iter().enumerate() {
        let (lo, hi) = (s.starts[k] as usize, s.starts[k + 1] as usize);
        if lo == hi {
            continue;
        }
        for (slot, info) in layout.slots.iter().enumerate() {
            match trials.get(trial).filter(|_| info.predict && trial < tried) {
                Some(t) => {
                    t.write(prev.is_some(), hi - lo, bw, s);
                    trial += 1;
                }
                None => write_slot_changes(base, cur, step, slot, info, lo..hi, bw, s),
            }
        }
    }
    s.trials = trials;
}

/// One predicted slot of one kind's group, tried both ways: its residuals with and without
/// prediction, their blocks' statistics, and which members changed it and which did not.
#[derive(Debug, Default)]
pub(crate) struct Trial {
    members: Vec<u32>,
    unchanged: Vec<u32>,
    /// How many of `members`, `unchanged` and the values below are this trial's (the buffers
    /// only grow, so that no encoding clears them).
    counts: (usize, usize, usize),
    plain: Vec<u32>,
    predicted: Vec<u32>,
    plain_stats: WidthStats,
    predicted_stats: WidthStats,
    plain_best: (u32, u64),
    predicted_best: (u32, u64),
}

impl Trial {
    /// Fills the trial for `slot` of a group whose slots start at `bat`, `cat` and `pat` (a
    /// predicted slot is a plain signed value: its residual never wraps).
    #[allow(clippy::too_many_arguments)]
    fn trial(
        &mut self,
        bv: &[i32],
        cv: &[i32],
        pv: &[i32],
        bat: &[u32],
        cat: &[u32],
        pat: &[u32],
        slot: usize,
    ) {
        let members = bat.iter().zip(cat).zip(pat).map(|((&b_at, &c_at), &p_at)| {
            let (b, c) = (slot_at(bv, b_at, slot), slot_at(cv, c_at, slot));
            let d = c.wrapping_sub(b);
            // The velocity (see [`velocity`]), from the baseline's value already read.
            let v = if p_at == NONE {
                0
            } else {
                b.wrapping_sub(slot_at(pv, p_at, slot))
            };
            (b != c, zigzag(d), zigzag(d.wrapping_sub(v)))
        });
        self.fill(bat.len(), members);
    }

    /// [`Trial::trial`] from a step's tables: members are named by where their slots start in
    /// the step's current state (`cat`), and `pat` is [`NONE`] for a member the previous view
    /// lacks (its velocity is zero: its predicted residual is its plain one).
    fn trial_step(&mut self, step: &StateStep, cat: &[u32], pat: &[u32], slot: usize) {
        let members = cat.iter().zip(pat).map(|(&c_at, &p_at)| {
            let (changed, z, zp) = step.predicted(c_at as usize + slot);
            (changed, z, if p_at == NONE { z } else { zp })
        });
        self.fill(cat.len(), members);
    }

    /// Fills the trial from its `n` members' changes: whether each changed the slot, and its
    /// zigzagged residuals without and with prediction.
    #[inline(always)]
    fn fill(&mut self, n: usize, changes: impl Iterator<Item = (bool, u32, u32)>) {
        // Written by index into buffers of at least the group's size (no capacity check per
        // value); a member goes to both lists and only one of them moves on.
        for list in [
            &mut self.members,
            &mut self.unchanged,
            &mut self.plain,
            &mut self.predicted,
        ] {
            grow(list, n);
        }
        let (mut plain, mut predicted) = (WidthStats::default(), WidthStats::default());
        let (mut m, mut u) = (0, 0);
        let (members, unchanged) = (&mut self.members[..n], &mut self.unchanged[..n]);
        let outs = self.plain[..n].iter_mut().zip(&mut self.predicted[..n]);
        for (g, ((changed, z, zp), (zo, zpo))) in changes.zip(outs).enumerate() {
            if let Some(x) = members.get_mut(m) {
                *x = g as u32;
            }
            if let Some(x) = unchanged.get_mut(u) {
                *x = g as u32;
            }
            m += usize::from(changed);
            u += usize::from(!changed);
            plain.add(z);
            *zo = z;
            predicted.add(zp);
            *zpo = zp;
        }
        self.counts = (m, u, n);
        self.plain_best = plain.best();
        self.predicted_best = predicted.best();
        self.plain_stats = plain;
        self.predicted_stats = predicted;
    }

    /// Writes the slot's changes, predicted or not, as [`write_slot_changes`] would.
    fn write(&self, predict: bool, n: usize, bw: &mut BitWriter<'_>, s: &mut Scratch) {
        let (m, u, len) = self.counts;
        let block = if predict {
            Block {
                values: &self.predicted[..len],
                stats: &self.predicted_stats,
                best: self.predicted_best,
            }
        } else {
            Block {
                values: &self.plain[..len],
                stats: &self.plain_stats,
                best: self.plain_best,
            }
        };
        put_residuals(bw, n, &self.members[..m], &self.unchanged[..u], block, s);
    }
}

/// Makes `list` at least `n` long, zeroing only what it grows by: its first `n` are written
/// before they are read.
#[inline]
fn grow(list: &mut Vec<u32>, n: usize) {
    if list.len() < n {
        list.resize(n, 0);
    }
}

/// A slot's residuals over its whole group, with their block's statistics and best width.
#[derive(Clone, Copy)]
struct Block<'a> {
    values: &'a [u32],
    stats: &'a WidthStats,
    best: (u32, u64),
}

/// Writes a residual slot's changes: whether any, then every residual of the group ("all") or
/// the subset that changed and theirs, whichever is smaller (all when they tie).
///
/// Both sizes come from the few members that did not change (`unchanged`): the members'
/// block is the whole block's statistics without those values, and the subset's gap list is
/// zeros but for one gap per run of them.
fn put_residuals(
    bw: &mut BitWriter<'_>,
    n: usize,
    members: &[u32],
    unchanged: &[u32],
    block: Block<'_>,
    s: &mut Scratch,
) {
    bw.bit(!members.is_empty());
    if members.is_empty() {
        return;
    }
    let all = members.len() == n || {
        let mut changed = *block.stats;
        for &g in unchanged {
            changed.remove(block.values[g as usize]);
        }
        block.best.1 <= subset_bits(n, members.len(), unchanged) + changed.best().1
    };
    bw.bit(all);
    if all {
        put_block_at(bw, block.values, block.best.0);
    } else {
        s.b.clear();
        s.b.extend(members.iter().map(|&g| block.values[g as usize]));
        put_subset(bw, n, members, &mut s.c);
        put_block(bw, &s.b);
    }
}

/// The size in bits of the subset of `m` members of `0..n` that leaves out `unchanged`
/// (increasing), as `crate::subset::put_subset` writes it.
fn subset_bits(n: usize, m: usize, unchanged: &[u32]) -> u64 {
    // One gap per member: zero, or the length of the run of left-out indices just before it.
    let mut gaps = WidthStats::default();
    let mut runs = 0;
    let mut i = 0;
    while i < unchanged.len() {
        let start = unchanged[i];
        while unchanged.get(i + 1) == Some(&(unchanged[i] + 1)) {
            i += 1;
        }
        let end = unchanged[i];
        i += 1;
        // A run at the very end has no member after it.
        if (end as usize) + 1 < n {
            gaps.add(end - start + 1);
            runs += 1;
        }
    }
    gaps.add_zeros(m as u64 - runs);
    let list = 6 + u64::from(width(m as u32)) + gaps.best().1;
    1 + (n as u64).min(list)
}

/// Writes the changes of one slot of a kind's group (`run`, in group order) that is not
/// predicted (or has no previous world to be).
#[allow(clippy::too_many_arguments)]
fn write_slot_changes(
    base: &World,
    cur: &World,
    step: Option<&StateStep>,
    slot: usize,
    info: &SlotInfo,
    run: std::ops::Range<usize>,
    bw: &mut BitWriter<'_>,
    s: &mut Scratch,
) {
    let n = run.len();
    // Which of the group changed this slot (indices into the group), and every residual.
    let (bv, cv) = (base.values(), cur.values());
    // `bat` is empty when writing from a step.
    let (bat, cat) = (s.bat.get(run.clone()).unwrap_or(&[]), &s.cat[run.clone()]);
    let base_at = |g: usize| bat.get(g).copied().unwrap_or(0);
    match info.coding {
        SlotCoding::Residual { wrap } => {
            // A slot no member changed (a game's constant field) is one bit: found by comparing
            // alone, before any residual or statistic is made.
            let none = match step {
                Some(step) => {
                    !step.slot_moved(slot)
                        || cat
                            .iter()
                            .all(|&c| !step.moved(c as usize + slot, info.predict))
                }
                None => cat
                    .iter()
                    .enumerate()
                    .all(|(g, &c_at)| slot_at(bv, base_at(g), slot) == slot_at(cv, c_at, slot)),
            };
            if none {
                bw.bit(false);
                return;
            }
            grow(&mut s.members, n);
            grow(&mut s.unchanged, n);
            grow(&mut s.a, n);
            let mut stats = WidthStats::default();
            let (mut m, mut u) = (0, 0);
            let (members, unchanged) = (&mut s.members[..n], &mut s.unchanged[..n]);
            for (g, (&c_at, out)) in cat.iter().zip(&mut s.a[..n]).enumerate() {
                let (changed, z) = match step {
                    Some(step) => step.plain(c_at as usize + slot, info.predict),
                    None => {
                        let (b, c) = (slot_at(bv, base_at(g), slot), slot_at(cv, c_at, slot));
                        (b != c, zigzag(residual(wrap, b, c)))
                    }
                };
                if let Some(x) = members.get_mut(m) {
                    *x = g as u32;
                }
                if let Some(x) = unchanged.get_mut(u) {
                    *x = g as u32;
                }
                m += usize::from(changed);
                u += usize::from(!changed);
                stats.add(z);
                *out = z;
            }
            if m == 0 {
                bw.bit(false);
                return;
            }
            let (members, unchanged) = (
                std::mem::take(&mut s.members),
                std::mem::take(&mut s.unchanged),
            );
            let values = std::mem::take(&mut s.a);
            let block = Block {
                values: &values[..n],
                stats: &stats,
                best: stats.best(),
            };
            put_residuals(bw, n, &members[..m], &unchanged[..u], block, s);
            (s.members, s.unchanged, s.a) = (members, unchanged, values);
        }
        SlotCoding::Raw { bits } => {
            s.members.clear();
            for (g, &c_at) in cat.iter().enumerate() {
                let changed = match step {
                    Some(step) => step.moved(c_at as usize + slot, info.predict),
                    None => slot_at(bv, base_at(g), slot) != slot_at(cv, c_at, slot),
                };
                if changed {
                    s.members.push(g as u32);
                }
            }
            bw.bit(!s.members.is_empty());
            if s.members.is_empty() {
                return;
            }
            put_subset(bw, n, &s.members, &mut s.c);
            for &g in &s.members {
                bw.put(slot_at(cv, cat[g as usize], slot) as u32, u32::from(bits));
            }
        }
        SlotCoding::Text { max_bytes } => {
            s.members.clear();
            for (g, &m) in s.order[run.clone()].iter().enumerate() {
                let (bi, ci) = s.changed[m as usize];
                let k = slot_at(cv, cat[g], slot);
                if cut(base.text(bi as usize, k), max_bytes)
                    != cut(cur.text(ci as usize, k), max_bytes)
                {
                    s.members.push(g as u32);
                }
            }
            bw.bit(!s.members.is_empty());
            if s.members.is_empty() {
                return;
            }
            put_subset(bw, n, &s.members, &mut s.c);
            for &g in &s.members {
                let ci = s.changed[s.order[run.start + g as usize] as usize].1 as usize;
                let k = slot_at(cv, cat[g as usize], slot);
                put_text(bw, cur.text(ci, k), max_bytes);
            }
        }
    }
}

/// `text` cut at a character boundary to at most `max` bytes: what a client holds of it. The
/// reader refuses a longer text, so a game's over-long text costs only its tail, never the
/// snapshot; and two texts are the same to a client when their cuts are.
fn cut(text: &str, max: u16) -> &str {
    let mut end = text.len().min(usize::from(max));
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Writes a text as a client holds it ([`cut`]).
pub(crate) fn put_text(bw: &mut BitWriter<'_>, text: &str, max: u16) {
    let text = cut(text, max);
    bw.varbits(text.len() as u32);
    for &b in text.as_bytes() {
        bw.put(u32::from(b), 8);
    }
}

pub(crate) fn write_created(schema: &Schema, cur: &World, bw: &mut BitWriter<'_>, s: &mut Scratch) {
    bw.varbits(s.created.len() as u32);
    if s.created.is_empty() {
        return;
    }
    let ce = cur.entities();
    s.a.clear();
    let mut prev: Option<u32> = None;
    for &j in &s.created {
        let id = ce[j as usize].id.0;
        s.a.push(match prev {
            None => id,
            Some(p) => id.wrapping_sub(p).wrapping_sub(1),
        });
        prev = Some(id);
    }
    put_block(bw, &s.a);
    s.a.clear();
    s.a.extend(s.created.iter().map(|&j| u32::from(ce[j as usize].kind.0)));
    put_block(bw, &s.a);
    let layouts = schema.layouts();
    group_by_kind(
        layouts.len(),
        s.created.len(),
        |i| usize::from(ce[s.created[i] as usize].kind.0),
        &mut s.order,
        &mut s.starts,
    );
    for (k, layout) in layouts.iter().enumerate() {
        let run = s.starts[k] as usize..s.starts[k + 1] as usize;
        if run.is_empty() {
            continue;
        }
        for (slot, info) in layout.slots.iter().enumerate() {
            let value = |m: u32| {
                let j = s.created[m as usize] as usize;
                cur.slots(j).get(slot).copied().unwrap_or(0)
            };
            match info.full {
                FullCoding::Signed => {
                    s.a.clear();
                    s.a.extend(s.order[run.clone()].iter().map(|&m| zigzag(value(m))));
                    put_block(bw, &s.a);
                }
                FullCoding::Offset { min } => {
                    s.a.clear();
                    s.a.extend(
                        s.order[run.clone()]
                            .iter()
                            .map(|&m| value(m).wrapping_sub(min) as u32),
                    );
                    put_block(bw, &s.a);
                }
                FullCoding::Raw { bits } => {
                    for &m in &s.order[run.clone()] {
                        bw.put(value(m) as u32, u32::from(bits));
                    }
                }
                FullCoding::Text => {
                    let max = match info.coding {
                        SlotCoding::Text { max_bytes } => max_bytes,
                        _ => 0,
                    };
                    for &m in &s.order[run.clone()] {
                        let j = s.created[m as usize] as usize;
                        put_text(bw, cur.text(j, value(m)), max);
                    }
                }
            }
        }
    }
}

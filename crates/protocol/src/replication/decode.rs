//! Reading a delta body of any schema straight into the world it describes.
//!
//! The reader refuses what no world can mean (a changed entity that changes nothing, a value out
//! of its type's range, a listed change that is no change, a text over its length or not UTF-8).
//! It does not re-check the encoder's size choices (a block's width, "all" or a subset, a bitmask
//! or a gap list, prediction on or off): a body that makes another choice still describes one
//! world, which the encoder writes as its own bytes.

use std::sync::Arc;

use super::encode::{
    Baselines, Scratch, group_by_kind, group_changed_by_kind, previous_indices, previous_offsets,
    slot_at, velocity, with_scratch,
};
use super::schema::{KindId, Schema, SlotInfo};
use super::wire_type::{FullCoding, SlotCoding, apply_residual};
use super::world::World;
use crate::bits::{BitReader, unzigzag};
use crate::block::get_block;
use crate::codec::MAX_ENTITIES;
use crate::subset::get_subset;
use crate::{CodecError, EntityId, Tick};

/// How many entities a delta body removed, changed and created, for the reader's statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Entities that left.
    pub removed: usize,
    /// Entities whose values changed.
    pub changed: usize,
    /// Entities sent in full.
    pub created: usize,
}

/// Decodes `bytes` against `worlds` and writes the world they describe into `out` (reusing its
/// buffers). Never panics; allocates at most in proportion to `bytes` and the baseline; on an
/// error `out` holds no meaningful world.
pub fn apply_delta(
    schema: &Schema,
    bytes: &[u8],
    worlds: Baselines<'_>,
    out: &mut World,
) -> Result<Applied, CodecError> {
    with_scratch(|s| apply_with(schema, bytes, worlds, out, s))
}

fn bad(why: &'static str) -> CodecError {
    CodecError::Invalid(why)
}

/// The world of tick `want`, which the body names, if it is the one the reader holds.
fn held(want: Tick, held: Option<&World>) -> Result<&World, CodecError> {
    match held {
        Some(w) if w.tick == want => Ok(w),
        other => Err(CodecError::Baseline {
            expected: want.0,
            held: other.map(|w| w.tick.0),
        }),
    }
}

fn apply_with(
    schema: &Schema,
    bytes: &[u8],
    worlds: Baselines<'_>,
    out: &mut World,
    s: &mut Scratch,
) -> Result<Applied, CodecError> {
    let mut br = BitReader::new(bytes);
    let tick = Tick(br.varbits()?);
    let mut applied = Applied::default();
    out.clear(tick);
    if br.bit()? {
        let base = held(tick.minus(br.varbits()?), worlds.baseline)?;
        let n = base.len();
        get_subset(&mut br, n, &mut s.removed, &mut s.a)?;
        get_subset(&mut br, n - s.removed.len(), &mut s.b, &mut s.a)?;
        // The kept entities, in order; a changed entity's index in `out` is its kept index.
        out.copy_except(base, &s.removed);
        out.tick = tick;
        applied.removed = s.removed.len();
        applied.changed = s.b.len();
        if !s.b.is_empty() {
            // Baseline index of each changed entity, for its velocity.
            s.changed.clear();
            let mut r = 0;
            for &k in &s.b {
                let mut i = k as usize + r;
                while s.removed.get(r).is_some_and(|&x| x as usize <= i) {
                    r += 1;
                    i = k as usize + r;
                }
                s.changed.push((i as u32, k));
            }
            read_changes(schema, &mut br, base, worlds.previous, out, s)?;
        }
    }
    applied.created = read_created(schema, &mut br, out, s)?;
    br.finish()?;
    Ok(applied)
}

fn read_changes(
    schema: &Schema,
    br: &mut BitReader<'_>,
    base: &World,
    previous: Option<&World>,
    out: &mut World,
    s: &mut Scratch,
) -> Result<(), CodecError> {
    let prev = if br.bit()? {
        let want = base.tick.minus(br.varbits()?);
        let p = held(want, previous)?;
        if !schema.predicts() {
            return Err(bad("prediction for a schema that predicts nothing"));
        }
        let be = base.entities();
        previous_indices(
            s.changed.iter().map(|&(bi, _)| {
                let e = be[bi as usize];
                (e.id, e.kind)
            }),
            p,
            &mut s.prev,
        );
        previous_offsets(p, s);
        Some(p)
    } else {
        None
    };
    let layouts = schema.layouts();
    let be = base.entities();
    if s.changed
        .iter()
        .any(|&(bi, _)| usize::from(be[bi as usize].kind.0) >= layouts.len())
    {
        return Err(bad("an entity of a kind the schema lacks"));
    }
    group_changed_by_kind(layouts.len(), be, s);
    s.bat.clear();
    s.bat
        .extend(s.changed.iter().map(|&(bi, _)| base.at(bi as usize) as u32));
    s.cat.clear();
    s.cat
        .extend(s.changed.iter().map(|&(_, k)| out.at(k as usize) as u32));
    // Per changed entity, whether some slot really changed (in `s.c`, by index into `changed`).
    s.c.clear();
    s.c.resize(s.changed.len(), 0);
    for (k, layout) in layouts.iter().enumerate() {
        let (lo, hi) = (s.starts[k] as usize, s.starts[k + 1] as usize);
        if lo == hi {
            continue;
        }
        for (slot, info) in layout.slots.iter().enumerate() {
            read_slot_changes(br, base, prev, out, slot, info, lo..hi, s)?;
        }
    }
    if s.c.contains(&0) {
        return Err(bad("a changed entity that did not change"));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn read_slot_changes(
    br: &mut BitReader<'_>,
    base: &World,
    prev: Option<&World>,
    out: &mut World,
    slot: usize,
    info: &SlotInfo,
    run: std::ops::Range<usize>,
    s: &mut Scratch,
) -> Result<(), CodecError> {
    if !br.bit()? {
        return Ok(());
    }
    let n = run.len();
    let out_of_range = || bad("a value out of its type's range");
    match info.coding {
        SlotCoding::Residual { wrap } => {
            let all = br.bit()?;
            if all {
                s.members.clear();
                s.members.extend(0..n as u32);
            } else {
                get_subset(br, n, &mut s.members, &mut s.a)?;
                if s.members.is_empty() || s.members.len() == n {
                    return Err(bad("a subset that should be none or all"));
                }
            }
            get_block(br, s.members.len(), &mut s.a)?;
            let mut any = false;
            let bv = base.values();
            let pv = prev.map_or(&[][..], |p| p.values());
            let predict = info.predict && prev.is_some();
            let ov = out.values_mut();
            for (&g, &r) in s.members.iter().zip(&s.a) {
                let m = s.order[run.start + g as usize] as usize;
                let mut r = unzigzag(r);
                if predict {
                    r = r.wrapping_add(velocity(bv, s.bat[m], pv, s.pat[m], slot));
                }
                let Some(v) = ov.get_mut(s.cat[m] as usize + slot) else {
                    return Err(bad("a slot the entity lacks"));
                };
                let new = apply_residual(wrap, *v, r);
                if new < info.min || new > info.max {
                    return Err(out_of_range());
                }
                if new != *v {
                    *v = new;
                    s.c[m] = 1;
                    any = true;
                } else if !all {
                    return Err(bad("a listed change that changes nothing"));
                }
            }
            if !any {
                return Err(bad("a slot said to change that did not"));
            }
        }
        SlotCoding::Raw { bits } => {
            get_subset(br, n, &mut s.members, &mut s.a)?;
            if s.members.is_empty() {
                return Err(bad("an empty subset of changes"));
            }
            let ov = out.values_mut();
            for &g in &s.members {
                let m = s.order[run.start + g as usize] as usize;
                let Some(v) = ov.get_mut(s.cat[m] as usize + slot) else {
                    return Err(bad("a slot the entity lacks"));
                };
                let new = if bits == 0 {
                    1 - *v
                } else {
                    br.get(u32::from(bits))? as i32
                };
                if new < info.min || new > info.max {
                    return Err(out_of_range());
                }
                if new == *v {
                    return Err(bad("a listed change that changes nothing"));
                }
                *v = new;
                s.c[m] = 1;
            }
        }
        SlotCoding::Text { max_bytes } => {
            get_subset(br, n, &mut s.members, &mut s.a)?;
            if s.members.is_empty() {
                return Err(bad("an empty subset of changes"));
            }
            for &g in &s.members {
                let m = s.order[run.start + g as usize] as usize;
                let k = s.changed[m].1 as usize;
                let t = slot_at(out.values(), s.cat[m], slot);
                let text = get_text(br, max_bytes)?;
                if *text == *out.text(k, t) {
                    return Err(bad("a listed change that changes nothing"));
                }
                out.set_text(k, t, text);
                s.c[m] = 1;
            }
        }
    }
    Ok(())
}

pub(crate) fn get_text(br: &mut BitReader<'_>, max_bytes: u16) -> Result<Arc<str>, CodecError> {
    let len = br.varbits()? as usize;
    if len > usize::from(max_bytes) || len * 8 > br.bits_left() {
        return Err(bad("a text over its length"));
    }
    let mut bytes = Vec::with_capacity(len);
    for _ in 0..len {
        bytes.push(br.get(8)? as u8);
    }
    let text = String::from_utf8(bytes).map_err(|_| bad("a text that is not UTF-8"))?;
    Ok(Arc::from(text))
}

/// Reads the created entities and merges them into `out` by id; returns how many.
fn read_created(
    schema: &Schema,
    br: &mut BitReader<'_>,
    out: &mut World,
    s: &mut Scratch,
) -> Result<usize, CodecError> {
    let count = br.varbits()? as usize;
    // A block of zeros costs no bits a value, so a short body may name many entities: the
    // protocol's limit bounds what they take.
    if count > MAX_ENTITIES {
        return Err(bad("created count"));
    }
    if count == 0 {
        return Ok(0);
    }
    if out.len() + count > MAX_ENTITIES {
        return Err(CodecError::Apply(crate::DeltaError::TooManyEntities(
            MAX_ENTITIES,
        )));
    }
    // Ids (in `s.removed`, reused) and kinds (in `s.created`).
    get_block(br, count, &mut s.a)?;
    s.removed.clear();
    let mut prev: Option<u32> = None;
    for &gap in &s.a {
        let id = match prev {
            None => gap,
            Some(p) => p
                .checked_add(gap)
                .and_then(|v| v.checked_add(1))
                .ok_or(bad("id overflow"))?,
        };
        s.removed.push(id);
        prev = Some(id);
    }
    get_block(br, count, &mut s.created)?;
    let layouts = schema.layouts();
    if s.created.iter().any(|&k| k as usize >= layouts.len()) {
        return Err(bad("an entity of a kind the schema lacks"));
    }
    // Each created entity's slots start at `s.prev[i]` in `s.b` (as u32 bits); texts go to
    // `texts`, one per slot position (most slots are not texts).
    s.prev.clear();
    let mut total = 0u32;
    for &k in &s.created {
        s.prev.push(total);
        total += layouts[k as usize].slots.len() as u32;
    }
    s.b.clear();
    s.b.resize(total as usize, 0);
    let mut texts: Vec<(u32, Arc<str>)> = Vec::new();
    let created = std::mem::take(&mut s.created);
    group_by_kind(
        layouts.len(),
        count,
        |i| created[i] as usize,
        &mut s.order,
        &mut s.starts,
    );
    s.created = created;
    for (k, layout) in layouts.iter().enumerate() {
        let run = s.starts[k] as usize..s.starts[k + 1] as usize;
        if run.is_empty() {
            continue;
        }
        for (slot, info) in layout.slots.iter().enumerate() {
            let at = |m: u32| s.prev[m as usize] as usize + slot;
            match info.full {
                FullCoding::Signed | FullCoding::Offset { .. } => {
                    get_block(br, run.len(), &mut s.a)?;
                    for (&m, &v) in s.order[run.clone()].iter().zip(&s.a) {
                        let v = match info.full {
                            FullCoding::Offset { min } => {
                                let v = i64::from(min) + i64::from(v);
                                i32::try_from(v).map_err(|_| bad("a value out of range"))?
                            }
                            _ => unzigzag(v),
                        };
                        if v < info.min || v > info.max {
                            return Err(bad("a value out of its type's range"));
                        }
                        let i = at(m);
                        s.b[i] = v as u32;
                    }
                }
                FullCoding::Raw { bits } => {
                    for &m in &s.order[run.clone()] {
                        let v = br.get(u32::from(bits))? as i32;
                        if v < info.min || v > info.max {
                            return Err(bad("a value out of its type's range"));
                        }
                        let i = at(m);
                        s.b[i] = v as u32;
                    }
                }
                FullCoding::Text => {
                    let max = match info.coding {
                        SlotCoding::Text { max_bytes } => max_bytes,
                        _ => 0,
                    };
                    for &m in &s.order[run.clone()] {
                        let i = at(m);
                        texts.push((i as u32, get_text(br, max)?));
                    }
                }
            }
        }
    }
    texts.sort_unstable_by_key(|t| t.0);
    // Merge the kept entities (now in `out`) with the created ones, by id.
    let kept = std::mem::take(out);
    out.clear(kept.tick);
    out.reserve(kept.len() + count, 4);
    let ke = kept.entities();
    let mut i = 0;
    let mut t = texts.into_iter().peekable();
    for c in 0..count {
        let id = EntityId(s.removed[c]);
        while let Some(e) = ke.get(i).filter(|e| e.id < id) {
            let _ = e;
            out.push_copy(&kept, i);
            i += 1;
        }
        if ke.get(i).is_some_and(|e| e.id == id) {
            return Err(CodecError::Apply(crate::DeltaError::DuplicateEntity(id.0)));
        }
        let kind = s.created[c] as u16;
        let layout = &layouts[usize::from(kind)];
        let from = s.prev[c] as usize;
        let mut w = out.push(id, KindId(kind));
        for (slot, info) in layout.slots.iter().enumerate() {
            if let FullCoding::Text = info.full {
                let text = match t.next_if(|x| x.0 as usize == from + slot) {
                    Some((_, text)) => text,
                    None => Arc::from(""),
                };
                w.text_arc(text);
            } else {
                w.value(s.b[from + slot] as i32);
            }
        }
    }
    while i < ke.len() {
        out.push_copy(&kept, i);
        i += 1;
    }
    Ok(count)
}

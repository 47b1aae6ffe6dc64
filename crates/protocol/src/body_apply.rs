//! Decoding a delta body straight into a world. A client that keeps up receives bodies that only
//! move entities (nothing removed, nothing created); for those the changes are written into a
//! copy of the baseline as they are read, without building a [`Delta`] and without allocating
//! once the caller's buffer is warm. Anything else takes the general path.

use crate::bits::{BitReader, unzigzag};
use crate::block::get_block;
use crate::delta_body::{
    Baselines, DeltaBody, Scratch, held, read_previous, velocity, with_scratch,
};
use crate::subset::get_subset;
use crate::{CodecError, Delta, EntityState, Tick, WorldState};

/// How many entities a delta body removed, changed and created, for the reader's statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Entities that left.
    pub removed: usize,
    /// Entities that moved, turned or changed hit points.
    pub changed: usize,
    /// Entities sent in full.
    pub created: usize,
}

impl DeltaBody {
    /// Decodes `bytes` against `worlds` and writes the world they describe into `out`, reusing
    /// `out`'s buffer: the world [`Delta::read`] then [`Delta::apply`] would give, refused in the
    /// same cases. On an error `out` holds no meaningful world.
    pub fn apply_into(
        bytes: &[u8],
        worlds: Baselines<'_>,
        out: &mut WorldState,
    ) -> Result<Applied, CodecError> {
        if let Some(applied) = with_scratch(|s| changes_only(bytes, worlds, out, s))? {
            return Ok(applied);
        }
        let delta = Delta::read(bytes, worlds)?;
        *out = delta.apply(worlds.baseline)?;
        Ok(Applied {
            removed: delta.removed.len(),
            changed: delta.changed.len(),
            created: delta.created.len(),
        })
    }
}

/// The fast path. `Ok(None)` when the body is a full snapshot or removes or creates entities.
/// The layout is the one `delta_body` documents; the checks are the general reader's.
fn changes_only(
    bytes: &[u8],
    worlds: Baselines<'_>,
    out: &mut WorldState,
    s: &mut Scratch,
) -> Result<Option<Applied>, CodecError> {
    let mut br = BitReader::new(bytes);
    let tick = Tick(br.varbits()?);
    if !br.bit()? {
        return Ok(None);
    }
    let base = held(tick.minus(br.varbits()?), worlds.baseline)?;
    let n = base.entities.len();
    get_subset(&mut br, n, &mut s.xs, &mut s.a)?;
    if !s.xs.is_empty() {
        return Ok(None);
    }
    // With nothing removed, changed indices are baseline indices.
    get_subset(&mut br, n, &mut s.ys, &mut s.a)?;
    out.tick = tick;
    out.entities.clear();
    out.entities.extend_from_slice(&base.entities);
    let m = s.ys.len();
    if m > 0 {
        let previous = read_previous(&mut br, base, worlds.previous)?;
        get_block(&mut br, m, &mut s.a)?;
        get_block(&mut br, m, &mut s.b)?;
        get_block(&mut br, m, &mut s.c)?;
        // Changed entities that did not move or turn must change hit points: listed in `s.d`.
        s.d.clear();
        let mut p = 0;
        let prev: &[EntityState] = previous.map_or(&[], |w| &w.entities);
        for (j, &i) in s.ys.iter().enumerate() {
            let Some(e) = out.entities.get_mut(i as usize) else {
                return Err(CodecError::Invalid("subset index out of range"));
            };
            // Without a previous world every velocity is zero: `prev` is empty.
            let (vx, vy) = velocity(prev, &mut p, i, e);
            let dx = unzigzag(s.a[j]).wrapping_add(vx);
            let dy = unzigzag(s.b[j]).wrapping_add(vy);
            let dangle =
                i8::try_from(unzigzag(s.c[j])).map_err(|_| CodecError::Invalid("angle delta"))?;
            if dx == 0 && dy == 0 && dangle == 0 {
                s.d.push(j as u32);
            }
            e.x = e.x.wrapping_add(dx);
            e.y = e.y.wrapping_add(dy);
            e.angle = e.angle.wrapping_add(dangle as u8);
        }
        read_hp(&mut br, m, out, s)?;
    }
    if br.varbits()? != 0 {
        return Ok(None);
    }
    br.finish()?;
    Ok(Some(Applied {
        changed: m,
        ..Applied::default()
    }))
}

/// The hit point changes of the changed entities (indices `s.ys`), checking that every entity
/// listed in `s.d` (no motion) is among them.
fn read_hp(
    br: &mut BitReader<'_>,
    m: usize,
    out: &mut WorldState,
    s: &mut Scratch,
) -> Result<(), CodecError> {
    let unchanged = || CodecError::Invalid("a changed entity that did not change");
    if !br.bit()? {
        return if s.d.is_empty() {
            Ok(())
        } else {
            Err(unchanged())
        };
    }
    get_subset(br, m, &mut s.xs, &mut s.a)?;
    if s.xs.is_empty() {
        return Err(CodecError::Invalid("empty hp subset"));
    }
    let mut still = s.d.iter().peekable();
    for &j in &s.xs {
        if still.peek().is_some_and(|&&k| k < j) {
            return Err(unchanged());
        }
        still.next_if(|&&k| k == j);
        let hp = br.get(8)? as u8;
        let i = s.ys.get(j as usize).copied().unwrap_or(u32::MAX) as usize;
        if let Some(e) = out.entities.get_mut(i) {
            e.hp = hp;
        }
    }
    if still.next().is_some() {
        return Err(unchanged());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EntityId, EntityKind};

    fn world(tick: u32, shift: i32) -> WorldState {
        let entities = (0..50)
            .map(|i| EntityState {
                id: EntityId(i * 2),
                kind: EntityKind::Bot,
                x: i as i32 * 100 + shift * (i as i32 % 3),
                y: -(i as i32) * 40,
                angle: (i * 5) as u8,
                hp: 100 - (i as u8 % 2) * (shift as u8 % 4),
            })
            .collect();
        WorldState {
            tick: Tick(tick),
            entities,
        }
    }

    #[test]
    fn a_body_that_only_moves_entities_takes_the_fast_path() {
        let (prev, base, cur) = (world(8, 0), world(10, 4), world(12, 9));
        let worlds = Baselines {
            baseline: Some(&base),
            previous: Some(&prev),
        };
        let bytes = Delta::encode(Some(&base), &cur).to_bytes(worlds);
        let mut out = WorldState::default();
        let applied = with_scratch(|s| changes_only(&bytes, worlds, &mut out, s));
        assert!(matches!(applied, Ok(Some(a)) if a.changed > 0 && a.created == 0));
        assert_eq!(out, cur);
    }

    #[test]
    fn a_body_that_creates_entities_takes_the_general_path() {
        let (base, mut cur) = (world(10, 0), world(12, 3));
        cur.entities.push(EntityState {
            id: EntityId(1000),
            ..cur.entities[0]
        });
        let worlds = Baselines {
            baseline: Some(&base),
            previous: None,
        };
        let bytes = Delta::encode(Some(&base), &cur).to_bytes(worlds);
        let mut out = WorldState::default();
        let fast = with_scratch(|s| changes_only(&bytes, worlds, &mut out, s));
        assert!(matches!(fast, Ok(None)));
        let applied = DeltaBody::apply_into(&bytes, worlds, &mut out).expect("applies");
        assert_eq!(applied.created, 1);
        assert_eq!(out, cur);
    }
}

//! `Delta`: the difference between a client's baseline world and the current one.

use serde::{Deserialize, Serialize};

use crate::codec::MAX_ENTITIES;
use crate::{DeltaError, EntityId, EntityState, Tick, WorldState};

/// How one entity changed since the baseline. Zero fields (and `hp: None`) did not change, and cost
/// nothing on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityChange {
    /// Which entity.
    pub id: EntityId,
    /// Change of x in 1/16 units (wrapping i32 arithmetic).
    pub dx: i32,
    /// Change of y in 1/16 units (wrapping i32 arithmetic).
    pub dy: i32,
    /// Change of angle in 1/256 turns (wrapping).
    pub dangle: i8,
    /// The new hit points, when they changed.
    pub hp: Option<u8>,
}

impl EntityChange {
    /// True when nothing changed (such a change is never sent).
    pub fn is_empty(&self) -> bool {
        self.dx == 0 && self.dy == 0 && self.dangle == 0 && self.hp.is_none()
    }

    fn between(base: &EntityState, cur: &EntityState) -> EntityChange {
        EntityChange {
            id: cur.id,
            dx: cur.x.wrapping_sub(base.x),
            dy: cur.y.wrapping_sub(base.y),
            dangle: cur.angle.wrapping_sub(base.angle) as i8,
            hp: (cur.hp != base.hp).then_some(cur.hp),
        }
    }

    fn applied_to(&self, base: &EntityState) -> EntityState {
        EntityState {
            x: base.x.wrapping_add(self.dx),
            y: base.y.wrapping_add(self.dy),
            angle: base.angle.wrapping_add(self.dangle as u8),
            hp: self.hp.unwrap_or(base.hp),
            ..*base
        }
    }
}

/// A snapshot as sent: the current tick's world expressed against a baseline the client holds
/// (or in full when `baseline` is `None`).
///
/// Entities that did not change cost nothing; removed ones cost their id; new ones are sent in
/// full. Every list is in strictly increasing id order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delta {
    /// The tick this snapshot shows.
    pub tick: Tick,
    /// The tick of the world this delta is against; `None` for a full snapshot.
    pub baseline: Option<Tick>,
    /// Entities in the baseline that are gone (or out of view).
    pub removed: Vec<EntityId>,
    /// Entities not in the baseline, in full.
    pub created: Vec<EntityState>,
    /// Entities in both whose state changed.
    pub changed: Vec<EntityChange>,
}

impl Delta {
    /// The delta that turns `baseline` into `current` (a full snapshot when `baseline` is `None`).
    ///
    /// Both worlds must be sorted by id ([`WorldState::is_sorted`]). An id whose kind changed is
    /// sent as a removal and a creation, so that a client never mixes two entities' states.
    pub fn encode(baseline: Option<&WorldState>, current: &WorldState) -> Delta {
        let mut delta = Delta {
            tick: current.tick,
            baseline: baseline.map(|b| b.tick),
            ..Delta::default()
        };
        let base: &[EntityState] = baseline.map_or(&[], |b| &b.entities);
        let (mut i, mut j) = (0, 0);
        while i < base.len() || j < current.entities.len() {
            match (base.get(i), current.entities.get(j)) {
                (Some(b), Some(c)) if b.id == c.id => {
                    if b.kind != c.kind {
                        delta.removed.push(b.id);
                        delta.created.push(*c);
                    } else {
                        let change = EntityChange::between(b, c);
                        if !change.is_empty() {
                            delta.changed.push(change);
                        }
                    }
                    i += 1;
                    j += 1;
                }
                (Some(b), Some(c)) if b.id < c.id => {
                    delta.removed.push(b.id);
                    i += 1;
                }
                (_, Some(c)) => {
                    delta.created.push(*c);
                    j += 1;
                }
                (Some(b), None) => {
                    delta.removed.push(b.id);
                    i += 1;
                }
                (None, None) => break,
            }
        }
        delta
    }

    /// The world this delta describes, rebuilt on top of `baseline`.
    ///
    /// Fails (and changes nothing) when the delta is against another baseline, names entities the
    /// baseline lacks, creates one it has, or breaks the id order.
    pub fn apply(&self, baseline: Option<&WorldState>) -> Result<WorldState, DeltaError> {
        let base: &[EntityState] = match (self.baseline, baseline) {
            (None, _) => &[],
            (Some(t), Some(b)) if b.tick == t => &b.entities,
            (expected, actual) => {
                return Err(DeltaError::BaselineMismatch {
                    expected: expected.map(|t| t.0),
                    actual: actual.map(|b| b.tick.0),
                });
            }
        };
        check_increasing(self.removed.iter().copied())?;
        check_increasing(self.created.iter().map(|e| e.id))?;
        check_increasing(self.changed.iter().map(|c| c.id))?;
        if self.removed.is_empty() && self.created.is_empty() {
            return self.apply_changes_only(base);
        }

        let mut kept = Vec::with_capacity(base.len() + self.created.len());
        let mut removed = self.removed.iter().peekable();
        let mut changed = self.changed.iter().peekable();
        for b in base {
            if removed.peek().is_some_and(|&&id| id == b.id) {
                removed.next();
                if changed.peek().is_some_and(|c| c.id == b.id) {
                    return Err(DeltaError::UnknownEntity(b.id.0));
                }
                continue;
            }
            if let Some(id) = removed.peek().filter(|&&&id| id < b.id) {
                return Err(DeltaError::UnknownEntity(id.0));
            }
            match changed.peek() {
                Some(c) if c.id == b.id => {
                    kept.push(c.applied_to(b));
                    changed.next();
                }
                Some(c) if c.id < b.id => return Err(DeltaError::UnknownEntity(c.id.0)),
                _ => kept.push(*b),
            }
        }
        if let Some(id) = removed.next() {
            return Err(DeltaError::UnknownEntity(id.0));
        }
        if let Some(c) = changed.next() {
            return Err(DeltaError::UnknownEntity(c.id.0));
        }
        if kept.len() + self.created.len() > MAX_ENTITIES {
            return Err(DeltaError::TooManyEntities(MAX_ENTITIES));
        }
        let entities = merge_created(kept, &self.created)?;
        Ok(WorldState {
            tick: self.tick,
            entities,
        })
    }

    /// The common case of a client keeping up: nothing removed or created, so the world is the
    /// baseline with the changed entities patched in place.
    fn apply_changes_only(&self, base: &[EntityState]) -> Result<WorldState, DeltaError> {
        let mut entities = base.to_vec();
        let mut i = 0;
        for c in &self.changed {
            while entities.get(i).is_some_and(|e| e.id < c.id) {
                i += 1;
            }
            match entities.get_mut(i) {
                Some(e) if e.id == c.id => *e = c.applied_to(e),
                _ => return Err(DeltaError::UnknownEntity(c.id.0)),
            }
        }
        Ok(WorldState {
            tick: self.tick,
            entities,
        })
    }

    /// Number of entity records this delta carries (removed + created + changed).
    pub fn len(&self) -> usize {
        self.removed.len() + self.created.len() + self.changed.len()
    }

    /// True when the delta changes nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn check_increasing(ids: impl Iterator<Item = EntityId>) -> Result<(), DeltaError> {
    let mut prev: Option<EntityId> = None;
    for id in ids {
        if prev.is_some_and(|p| p >= id) {
            return Err(DeltaError::Unordered);
        }
        prev = Some(id);
    }
    Ok(())
}

fn merge_created(
    kept: Vec<EntityState>,
    created: &[EntityState],
) -> Result<Vec<EntityState>, DeltaError> {
    if created.is_empty() {
        return Ok(kept);
    }
    let mut out = Vec::with_capacity(kept.len() + created.len());
    let mut new = created.iter().peekable();
    for k in kept {
        while let Some(c) = new.next_if(|c| c.id <= k.id) {
            if c.id == k.id {
                return Err(DeltaError::DuplicateEntity(c.id.0));
            }
            out.push(*c);
        }
        out.push(k);
    }
    out.extend(new);
    Ok(out)
}

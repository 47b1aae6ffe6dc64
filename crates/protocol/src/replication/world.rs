//! `World`: a quantized world of any schema, as snapshots carry it and deltas change it.
//!
//! Entities are sorted by id. Each holds its kind's slots (see [`super::KindLayout`]) in one flat
//! array shared by the world, so a world is three vectors whatever the game: copying a view or a
//! baseline is a few `memcpy`s. A text slot holds the text's index among its entity's texts, so
//! slots copy between worlds unchanged.

use std::sync::Arc;

use super::schema::KindId;
use crate::{EntityId, Tick};

/// One entity's header: which entity, its kind, and where its slots and texts start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entity {
    /// Network id; unique within a world.
    pub id: EntityId,
    /// Its kind in the schema.
    pub kind: KindId,
    at: u32,
    text_at: u32,
}

/// A quantized world: entities in strictly increasing id order, with their slots and texts.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct World {
    /// The tick the world was captured at.
    pub tick: Tick,
    entities: Vec<Entity>,
    values: Vec<i32>,
    texts: Vec<Arc<str>>,
}

impl Clone for World {
    fn clone(&self) -> World {
        World {
            tick: self.tick,
            entities: self.entities.clone(),
            values: self.values.clone(),
            texts: self.texts.clone(),
        }
    }

    /// Copies `source` into this world's buffers, which allocates only when they are too small.
    fn clone_from(&mut self, source: &World) {
        self.tick = source.tick;
        self.entities.clone_from(&source.entities);
        self.values.clone_from(&source.values);
        self.texts.clone_from(&source.texts);
    }
}

impl World {
    /// An empty world at `tick`.
    pub fn new(tick: Tick) -> World {
        World {
            tick,
            ..World::default()
        }
    }

    /// Empties the world (keeping its buffers) and sets its tick.
    pub fn clear(&mut self, tick: Tick) {
        self.tick = tick;
        self.entities.clear();
        self.values.clear();
        self.texts.clear();
    }

    /// Reserves room for `entities` more entities of about `slots` slots each.
    pub fn reserve(&mut self, entities: usize, slots: usize) {
        self.entities.reserve(entities);
        self.values.reserve(entities * slots);
    }

    /// The entities, sorted by id.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// How many entities the world holds.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// True when the world holds no entity.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// The index of the entity with this id, by binary search.
    pub fn find(&self, id: EntityId) -> Option<usize> {
        self.entities.binary_search_by_key(&id, |e| e.id).ok()
    }

    /// The slots of the entity at index `i` (empty past the end).
    #[inline]
    pub fn slots(&self, i: usize) -> &[i32] {
        let Some(e) = self.entities.get(i) else {
            return &[];
        };
        let end = self
            .entities
            .get(i + 1)
            .map_or(self.values.len(), |n| n.at as usize);
        &self.values[e.at as usize..end]
    }

    /// Text number `k` of the entity at index `i` (the value of one of its text slots); empty
    /// when there is no such text.
    pub fn text(&self, i: usize, k: i32) -> &str {
        let Some(e) = self.entities.get(i) else {
            return "";
        };
        let end = self
            .entities
            .get(i + 1)
            .map_or(self.texts.len(), |n| n.text_at as usize);
        usize::try_from(k)
            .ok()
            .map(|k| e.text_at as usize + k)
            .filter(|&t| t < end)
            .map_or("", |t| &self.texts[t])
    }

    /// Replaces text number `k` of entity `i` (which must exist).
    pub(crate) fn set_text(&mut self, i: usize, k: i32, text: Arc<str>) {
        if let Some(e) = self.entities.get(i)
            && let Some(slot) = self.texts.get_mut(e.text_at as usize + k as usize)
        {
            *slot = text;
        }
    }

    /// Starts a new entity, which must come after every entity already in the world; write its
    /// slots in order through the returned writer.
    #[inline]
    pub fn push(&mut self, id: EntityId, kind: KindId) -> EntityWriter<'_> {
        self.entities.push(Entity {
            id,
            kind,
            at: self.values.len() as u32,
            text_at: self.texts.len() as u32,
        });
        EntityWriter {
            world: self,
            texts: 0,
        }
    }

    /// Appends a copy of entity `i` of `src` (its id must come after every entity here).
    #[inline]
    pub fn push_copy(&mut self, src: &World, i: usize) {
        let Some(e) = src.entities.get(i) else {
            return;
        };
        self.entities.push(Entity {
            at: self.values.len() as u32,
            text_at: self.texts.len() as u32,
            ..*e
        });
        self.values.extend_from_slice(src.slots(i));
        let end = src
            .entities
            .get(i + 1)
            .map_or(src.texts.len(), |n| n.text_at as usize);
        self.texts
            .extend_from_slice(&src.texts[e.text_at as usize..end]);
    }

    /// Appends copies of the entities of `src` at `picks` (increasing indices; ids after every
    /// entity here): [`World::push_copy`] for many, without looking up texts in a world that
    /// has none.
    pub fn extend_picked(&mut self, src: &World, picks: impl Iterator<Item = usize>) {
        if !src.texts.is_empty() {
            for i in picks {
                self.push_copy(src, i);
            }
            return;
        }
        // When every entity holds four slots (the common game body: the arrays say so when the
        // values are four times the entities and the header agrees), an entity's slots are at
        // four times its index: read from there, they need not wait for its header to come from
        // memory (the header is still checked, and another place is read from the header).
        let four = src.values.len() == 4 * src.entities.len();
        for i in picks {
            let Some(e) = src.entities.get(i) else {
                continue;
            };
            if four && let Some(slots) = src.values.get(4 * i..4 * i + 4) {
                let slots: [i32; 4] = [slots[0], slots[1], slots[2], slots[3]];
                if e.at as usize == 4 * i && src.at(i + 1) == 4 * i + 4 {
                    self.entities.push(Entity {
                        at: self.values.len() as u32,
                        text_at: self.texts.len() as u32,
                        ..*e
                    });
                    self.values.extend_from_slice(&slots);
                    continue;
                }
            }
            let (from, to) = (e.at as usize, src.at(i + 1));
            self.entities.push(Entity {
                at: self.values.len() as u32,
                text_at: self.texts.len() as u32,
                ..*e
            });
            // A few slots: a kind of four (the common game body) is one 16-byte move; others are
            // pushed one by one rather than through a call to `memcpy`.
            match <[i32; 4]>::try_from(&src.values[from..to]) {
                Ok(four) => self.values.extend_from_slice(&four),
                Err(_) => {
                    for &v in &src.values[from..to] {
                        self.values.push(v);
                    }
                }
            }
        }
    }

    /// Where the slots of entity `i` start in [`World::values`] (the end of the values past the
    /// last entity).
    #[inline]
    pub(crate) fn at(&self, i: usize) -> usize {
        self.entities
            .get(i)
            .map_or(self.values.len(), |e| e.at as usize)
    }

    /// Every slot of every entity, entity after entity.
    #[inline]
    pub(crate) fn values(&self) -> &[i32] {
        &self.values
    }

    /// [`World::values`], to change in place.
    #[inline]
    pub(crate) fn values_mut(&mut self) -> &mut [i32] {
        &mut self.values
    }

    /// Makes this world a copy of `src` without the entities at the indices `removed`
    /// (increasing), copying each run of kept entities at once.
    pub(crate) fn copy_except(&mut self, src: &World, removed: &[u32]) {
        self.tick = src.tick;
        if removed.is_empty() {
            self.entities.clone_from(&src.entities);
            self.values.clone_from(&src.values);
            self.texts.clone_from(&src.texts);
            return;
        }
        self.entities.clear();
        self.values.clear();
        self.texts.clear();
        let mut start = 0;
        for end in removed.iter().map(|&r| r as usize).chain([src.len()]) {
            if end > start && end <= src.len() {
                let (v0, v1) = (src.at(start), src.at(end));
                let t0 = src.entities[start].text_at as usize;
                let t1 = src
                    .entities
                    .get(end)
                    .map_or(src.texts.len(), |e| e.text_at as usize);
                let dv = self.values.len() as i64 - v0 as i64;
                let dt = self.texts.len() as i64 - t0 as i64;
                self.entities
                    .extend(src.entities[start..end].iter().map(|e| Entity {
                        at: (i64::from(e.at) + dv) as u32,
                        text_at: (i64::from(e.text_at) + dt) as u32,
                        ..*e
                    }));
                self.values.extend_from_slice(&src.values[v0..v1]);
                self.texts.extend_from_slice(&src.texts[t0..t1]);
            }
            start = end + 1;
        }
    }

    /// True when ids are strictly increasing, the invariant every function here relies on.
    pub fn is_sorted(&self) -> bool {
        self.entities.windows(2).all(|w| w[0].id < w[1].id)
    }

    /// Slots held in all, for sizing buffers.
    pub fn slot_count(&self) -> usize {
        self.values.len()
    }
}

/// Writes one entity's slots, in the order of its kind's layout.
pub struct EntityWriter<'w> {
    world: &'w mut World,
    texts: i32,
}

impl EntityWriter<'_> {
    /// The next slot's value (already quantized).
    #[inline]
    pub fn value(&mut self, v: i32) -> &mut Self {
        self.world.values.push(v);
        self
    }

    /// The next slot is a text.
    pub fn text(&mut self, s: &str) -> &mut Self {
        self.text_arc(Arc::from(s))
    }

    /// The next slot is a text already shared.
    pub fn text_arc(&mut self, s: Arc<str>) -> &mut Self {
        self.world.values.push(self.texts);
        self.world.texts.push(s);
        self.texts += 1;
        self
    }

    /// Several slots at once.
    #[inline]
    pub fn values(&mut self, vs: &[i32]) -> &mut Self {
        self.world.values.extend_from_slice(vs);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_keep_slots_and_texts_whatever_came_before() {
        let mut a = World::new(Tick(3));
        a.push(EntityId(1), KindId(0)).value(5).text("ada").value(7);
        a.push(EntityId(4), KindId(1)).value(-2);
        a.push(EntityId(9), KindId(0)).value(6).text("bo").value(8);
        let mut b = World::new(Tick(3));
        b.push_copy(&a, 0);
        b.push_copy(&a, 2);
        assert_eq!(b.slots(1), &[6, 0, 8]);
        assert_eq!(b.text(1, 0), "bo");
        assert_eq!(b.text(0, 0), "ada");
        assert_eq!(b.text(0, 1), "");
        assert_eq!(b.find(EntityId(9)), Some(1));
        let mut c = World::new(Tick(3));
        c.push(EntityId(1), KindId(0)).value(5).text("ada").value(7);
        c.push(EntityId(9), KindId(0)).value(6).text("bo").value(8);
        assert_eq!(b, c);
    }
}

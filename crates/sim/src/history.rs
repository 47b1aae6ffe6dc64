//! `PositionHistory`: where every living actor was at the end of each of the last
//! [`HISTORY_TICKS`] ticks, so that a shot can be judged against the world its shooter saw
//! (lag compensation). A ring of reused buffers: recording allocates nothing once warm.

use glam::Vec2;

use crate::entity::EntityId;
use crate::rules::HISTORY_TICKS;

/// The last [`HISTORY_TICKS`] states of the actors' positions, each sorted by id.
#[derive(Clone, Debug)]
pub struct PositionHistory {
    states: Vec<Vec<(EntityId, Vec2)>>,
    newest: usize,
    len: usize,
}

impl Default for PositionHistory {
    fn default() -> Self {
        PositionHistory {
            states: (0..HISTORY_TICKS).map(|_| Vec::new()).collect(),
            newest: 0,
            len: 0,
        }
    }
}

impl PositionHistory {
    /// Records a new state; `actors` must come in id order.
    pub fn record(&mut self, actors: impl Iterator<Item = (EntityId, Vec2)>) {
        self.newest = (self.newest + 1) % HISTORY_TICKS;
        let state = &mut self.states[self.newest];
        state.clear();
        state.extend(actors);
        self.len = (self.len + 1).min(HISTORY_TICKS);
    }

    /// The state `back` ticks before the newest (0: the newest), if still held.
    pub fn state(&self, back: usize) -> Option<&[(EntityId, Vec2)]> {
        (back < self.len)
            .then(|| self.states[(self.newest + HISTORY_TICKS - back) % HISTORY_TICKS].as_slice())
    }

    /// Where `id` was `back` ticks before the newest state, if it was alive then.
    pub fn position(&self, back: usize, id: EntityId) -> Option<Vec2> {
        let state = self.state(back)?;
        state
            .binary_search_by_key(&id, |&(i, _)| i)
            .ok()
            .map(|i| state[i].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_ticks_and_forgets_older_ones() {
        let mut h = PositionHistory::default();
        assert_eq!(h.position(0, EntityId(1)), None);
        for t in 0..40 {
            h.record([(EntityId(1), Vec2::new(t as f32, 0.0))].into_iter());
        }
        assert_eq!(h.position(0, EntityId(1)), Some(Vec2::new(39.0, 0.0)));
        assert_eq!(h.position(5, EntityId(1)), Some(Vec2::new(34.0, 0.0)));
        assert_eq!(
            h.position(HISTORY_TICKS - 1, EntityId(1)),
            Some(Vec2::new(8.0, 0.0))
        );
        assert_eq!(h.position(HISTORY_TICKS, EntityId(1)), None);
        assert_eq!(h.position(0, EntityId(2)), None);
    }
}

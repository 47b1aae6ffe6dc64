//! `World::think_bots`: every living bot decides its input for this tick, in id order.

use glam::Vec2;

use crate::bot::nearest_visible;
use crate::entity::EntityId;
use crate::world::World;

impl World {
    /// Sets every living bot's input for this tick.
    pub(crate) fn think_bots(&mut self) {
        let living: Vec<(EntityId, Vec2)> = self
            .by_id
            .values()
            .map(|&key| &self.entities[key])
            .filter(|e| e.is_active_actor())
            .map(|e| (e.id, e.pos))
            .collect();
        let bot_ids: Vec<EntityId> = self.bots.keys().copied().collect();
        for id in bot_ids {
            let Some(&key) = self.by_id.get(&id) else {
                continue;
            };
            if !self.entities[key].is_alive_actor() {
                continue;
            }
            let pos = self.entities[key].pos;
            let target = nearest_visible(&self.map, &living, id, pos);
            let Some(brain) = self.bots.get_mut(&id) else {
                continue;
            };
            let input = match target {
                Some(target) => brain.fight(&mut self.rng, pos, target, self.timers.strafe),
                None => brain.wander(&mut self.rng, &self.map, pos, self.timers.wander_timeout),
            };
            self.entities[key].input = input;
        }
    }
}

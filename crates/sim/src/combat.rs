//! Moving and shooting: players' and bots' moves, projectiles, damage, deaths and respawns.

use glam::Vec2;

use crate::entity::{Entity, EntityId, EntityKey, EntityKind};
use crate::events::GameEvent;
use crate::grid::PointGrid;
use crate::input::PlayerInput;
use crate::movement::move_player;
use crate::rules::{
    MAX_HP, MUZZLE_GAP, PROJECTILE_DAMAGE, PROJECTILE_RADIUS, PROJECTILE_SPEED,
    SPAWN_CLEAR_DISTANCE,
};
use crate::sweep::{segment_circle, segment_wall};
use crate::world::World;

/// A living player or bot, as projectiles see it during one tick.
struct Target {
    id: EntityId,
    key: EntityKey,
    pos: Vec2,
    radius: f32,
    alive: bool,
}

impl World {
    /// Dead players and bots count down, and come back at a spawn point when the delay is over.
    pub(crate) fn respawn_due(&mut self) {
        for key in self.keys_in_id_order() {
            let e = &mut self.entities[key];
            if !e.kind.is_actor() || e.hp > 0 {
                continue;
            }
            e.respawn_in = e.respawn_in.saturating_sub(1);
            if e.respawn_in > 0 {
                continue;
            }
            let id = e.id;
            let pos = self.pick_spawn();
            let e = &mut self.entities[key];
            e.pos = pos;
            e.vel = Vec2::ZERO;
            e.hp = MAX_HP;
            e.cooldown = 0;
            self.push_event(GameEvent::Respawn { entity: id });
        }
    }

    /// Every living player and bot moves by its input, turns to its aim, and fires if it can.
    /// Projectiles fired here are created in shooter-id order and fly in the same tick.
    pub(crate) fn move_and_fire(&mut self) {
        let mut shots = Vec::new();
        for key in self.keys_in_id_order() {
            let e = &mut self.entities[key];
            if !e.is_active_actor() {
                continue;
            }
            let (pos, vel) = move_player(e.pos, e.vel, &e.input, self.dt, &self.map);
            e.pos = pos;
            e.vel = vel;
            e.angle = e.input.aim;
            e.cooldown = e.cooldown.saturating_sub(1);
            if e.input.fire && e.cooldown == 0 {
                e.cooldown = self.timers.fire_cooldown;
                shots.push((e.id, e.pos, e.angle, e.radius, e.input.rewind));
            }
        }
        for (owner, pos, angle, radius, rewind) in shots {
            self.spawn_projectile(owner, pos, angle, radius, rewind);
        }
    }

    fn spawn_projectile(
        &mut self,
        owner: EntityId,
        from: Vec2,
        angle: f32,
        radius: f32,
        rewind: u16,
    ) {
        // sin/cos are fine here: projectiles are server-authoritative and never predicted.
        let dir = Vec2::new(angle.cos(), angle.sin());
        let id = self.alloc_entity_id();
        self.insert_entity(Entity {
            id,
            kind: EntityKind::Projectile,
            pos: from + dir * (radius + PROJECTILE_RADIUS + MUZZLE_GAP),
            vel: dir * PROJECTILE_SPEED,
            angle,
            hp: 1,
            radius: PROJECTILE_RADIUS,
            owner: Some(owner),
            input: PlayerInput::default(),
            cooldown: 0,
            respawn_in: 0,
            life: self.timers.projectile_life,
            launch_from: Some(from),
            away: false,
            rewind,
        });
    }

    /// Every projectile, in id order, sweeps from where it is to where it will be: the first
    /// player or bot it reaches (not its owner, not behind a wall) takes damage and the
    /// projectile vanishes; one that reaches a wall, the map's edge or the end of its life
    /// vanishes too.
    pub(crate) fn advance_projectiles(&mut self) {
        let mut targets: Vec<Target> = self
            .by_id
            .values()
            .filter_map(|&key| {
                let e = &self.entities[key];
                e.is_active_actor().then_some(Target {
                    id: e.id,
                    key,
                    pos: e.pos,
                    radius: e.radius,
                    alive: true,
                })
            })
            .collect();
        let grid = PointGrid::build(
            self.map.width,
            self.map.height,
            targets.iter().map(|t| t.pos),
        );
        let max_target_radius = targets.iter().map(|t| t.radius).fold(0.0, f32::max);
        let projectiles: Vec<EntityKey> = self
            .by_id
            .values()
            .copied()
            .filter(|&key| self.entities[key].kind == EntityKind::Projectile)
            .collect();

        for key in projectiles {
            let p = &self.entities[key];
            let (id, owner, radius, rewind) = (p.id, p.owner, p.radius, p.rewind);
            let to = p.pos + p.vel * self.dt;
            let from = p.launch_from.unwrap_or(p.pos);

            let mut limit = 1.0_f32;
            let mut blocked = false;
            for wall in &self.map.walls {
                if let Some(t) = segment_wall(from, to, wall, radius) {
                    limit = limit.min(t);
                    blocked = true;
                }
            }
            // The earliest target along the sweep; on a tie, the lowest id (targets are in id
            // order), whatever order the grid yields them in.
            let mut hit: Option<(f32, usize)> = None;
            let mut consider = |i: usize, pos: Vec2| {
                let target = &targets[i];
                if !target.alive || Some(target.id) == owner {
                    return;
                }
                let Some(t) = segment_circle(from, to, pos, target.radius + radius) else {
                    return;
                };
                // A hit exactly where the wall begins still counts: the shot touched both.
                if t <= limit && hit.is_none_or(|best| (t, i) < best) {
                    hit = Some((t, i));
                }
            };
            if rewind == 0 {
                let reach = Vec2::splat(max_target_radius + radius);
                grid.for_each_near(from.min(to) - reach, from.max(to) + reach, |i| {
                    consider(i, targets[i].pos);
                });
            } else {
                // Lag compensation: against where each target was when the shooter saw it. The
                // newest recorded state is the end of the last tick, one before the present.
                let back = usize::from(rewind) - 1;
                for (i, target) in targets.iter().enumerate() {
                    if let Some(pos) = self.history.position(back, target.id) {
                        consider(i, pos);
                    }
                }
            }

            if let Some((_, i)) = hit {
                self.remove_entity(id);
                let victim_key = targets[i].key;
                let attacker = owner.unwrap_or(id);
                if self.damage(attacker, victim_key, PROJECTILE_DAMAGE) {
                    targets[i].alive = false;
                }
                continue;
            }
            let outside =
                to.x < 0.0 || to.y < 0.0 || to.x > self.map.width || to.y > self.map.height;
            let p = &mut self.entities[key];
            if blocked || outside || p.life <= 1 {
                self.remove_entity(id);
                continue;
            }
            p.pos = to;
            p.life -= 1;
            p.launch_from = None;
        }
    }

    /// Takes `amount` hit points from a living player or bot; at 0 it dies, the attacker scores
    /// a kill (unless it hit itself) and the victim a death. Returns true if it died.
    fn damage(&mut self, attacker: EntityId, victim_key: EntityKey, amount: u8) -> bool {
        let respawn = self.timers.respawn;
        let v = &mut self.entities[victim_key];
        let victim = v.id;
        v.hp = v.hp.saturating_sub(amount);
        let died = v.hp == 0;
        if died {
            v.vel = Vec2::ZERO;
            v.respawn_in = respawn;
            v.input.fire = false;
        }
        self.push_event(GameEvent::Hit {
            attacker,
            victim,
            damage: amount,
        });
        if died {
            if let Some(r) = self.scores.get_mut(&victim) {
                r.deaths += 1;
            }
            if attacker != victim
                && let Some(r) = self.scores.get_mut(&attacker)
            {
                r.kills += 1;
            }
            self.push_event(GameEvent::Kill {
                killer: attacker,
                victim,
            });
        }
        died
    }

    /// A spawn point for a player or bot: a random one (from the world's RNG) among those with no
    /// living player or bot within `SPAWN_CLEAR_DISTANCE`; if none is free, the one farthest from
    /// every living player and bot (first in map order on ties).
    pub(crate) fn pick_spawn(&mut self) -> Vec2 {
        if self.map.spawns.is_empty() {
            return Vec2::new(self.map.width * 0.5, self.map.height * 0.5);
        }
        let living: Vec<Vec2> = self
            .entities
            .values()
            .filter(|e| e.is_alive_actor())
            .map(|e| e.pos)
            .collect();
        let nearest_d2: Vec<f32> = self
            .map
            .spawns
            .iter()
            .map(|s| {
                living
                    .iter()
                    .map(|p| p.distance_squared(*s))
                    .fold(f32::INFINITY, f32::min)
            })
            .collect();
        let clear = SPAWN_CLEAR_DISTANCE * SPAWN_CLEAR_DISTANCE;
        let free: Vec<usize> = (0..nearest_d2.len())
            .filter(|&i| nearest_d2[i] >= clear)
            .collect();
        let index = if free.is_empty() {
            let mut best = 0;
            for (i, &d2) in nearest_d2.iter().enumerate() {
                if d2 > nearest_d2[best] {
                    best = i;
                }
            }
            best
        } else {
            free[self.rng.below(free.len() as u32) as usize]
        };
        self.map.spawns[index]
    }
}

//! Bots: a small deterministic AI that wanders, chases, strafes and shoots.
//!
//! Each tick every living bot, in id order, looks for the nearest living player or bot in sight
//! (closer than `BOT_SIGHT_RANGE`, no wall in between). With a target it aims at it (plus a
//! little seeded jitter), fires when closer than `BOT_FIRE_RANGE`, and moves to keep about
//! `BOT_PREFERRED_DISTANCE`, strafing around it. Without one it walks to a random open point,
//! picking a new one when it gets there or after `BOT_WANDER_TIMEOUT_SECS`. Its wish becomes an
//! ordinary 8-direction [`PlayerInput`], so bots move by the same rule as players.

use glam::Vec2;

use crate::checksum::Fnv1a;
use crate::entity::EntityId;
use crate::input::{PlayerInput, wrap_angle};
use crate::map::Map;
use crate::rng::Rng;
use crate::rules::{
    BOT_AIM_JITTER, BOT_FIRE_RANGE, BOT_PREFERRED_DISTANCE, BOT_SIGHT_RANGE, BOT_WANDER_REACHED,
    PLAYER_RADIUS, PROJECTILE_RADIUS,
};
use crate::sweep::clear_line;

/// sin(22.5 degrees): an axis counts in the 8-direction input when the wish leans that way by
/// more than this fraction of its length.
const OCTANT_SIN: f32 = 0.382_683_43;

/// Attempts at finding a random open point before falling back to a spawn point.
const WANDER_TRIES: u32 = 8;

/// What a bot remembers between ticks.
#[derive(Clone, Debug)]
pub(crate) struct BotBrain {
    /// Where it is wandering to.
    wander_to: Vec2,
    /// Ticks before it gives up on `wander_to`.
    wander_left: u32,
    /// Which way it circles a target: +1 or -1.
    strafe_sign: f32,
    /// Ticks before it may change `strafe_sign`.
    strafe_left: u32,
}

impl BotBrain {
    /// A brain that starts wandering to a random open point of `map`; `wander_timeout` and
    /// `strafe` are the world's timers in ticks.
    pub(crate) fn new(rng: &mut Rng, map: &Map, wander_timeout: u32, strafe: u32) -> BotBrain {
        BotBrain {
            wander_to: random_open_point(rng, map),
            wander_left: wander_timeout,
            strafe_sign: 1.0,
            strafe_left: strafe,
        }
    }

    pub(crate) fn hash_into(&self, h: &mut Fnv1a) {
        h.f32(self.wander_to.x);
        h.f32(self.wander_to.y);
        h.u32(self.wander_left);
        h.f32(self.strafe_sign);
        h.u32(self.strafe_left);
    }
}

impl BotBrain {
    pub(crate) fn fight(
        &mut self,
        rng: &mut Rng,
        pos: Vec2,
        target: Vec2,
        strafe_ticks: u32,
    ) -> PlayerInput {
        let to = target - pos;
        let dist = to.length();
        self.strafe_left = self.strafe_left.saturating_sub(1);
        if self.strafe_left == 0 {
            self.strafe_left = strafe_ticks;
            self.strafe_sign = if rng.below(2) == 0 { 1.0 } else { -1.0 };
        }
        let wish = if dist > BOT_PREFERRED_DISTANCE + 40.0 {
            to
        } else if dist < BOT_PREFERRED_DISTANCE - 80.0 {
            -to
        } else {
            to.perp() * self.strafe_sign
        };
        let (move_x, move_y) = octant(wish);
        let aim = to.y.atan2(to.x) + rng.range_f32(-BOT_AIM_JITTER, BOT_AIM_JITTER);
        PlayerInput {
            move_x,
            move_y,
            aim: wrap_angle(aim),
            fire: dist <= BOT_FIRE_RANGE,
            rewind: 0,
        }
    }

    pub(crate) fn wander(
        &mut self,
        rng: &mut Rng,
        map: &Map,
        pos: Vec2,
        timeout: u32,
    ) -> PlayerInput {
        self.wander_left = self.wander_left.saturating_sub(1);
        if self.wander_left == 0 || pos.distance(self.wander_to) < BOT_WANDER_REACHED {
            self.wander_to = random_open_point(rng, map);
            self.wander_left = timeout;
        }
        let wish = self.wander_to - pos;
        let (move_x, move_y) = octant(wish);
        PlayerInput {
            move_x,
            move_y,
            aim: wrap_angle(wish.y.atan2(wish.x)),
            fire: false,
            rewind: 0,
        }
    }
}

/// The nearest living player or bot other than `me`, in sight range and line of sight.
pub(crate) fn nearest_visible(
    map: &Map,
    living: &[(EntityId, Vec2)],
    me: EntityId,
    pos: Vec2,
) -> Option<Vec2> {
    let mut best: Option<(f32, Vec2)> = None;
    for &(id, p) in living {
        if id == me {
            continue;
        }
        let d2 = pos.distance_squared(p);
        if d2 > BOT_SIGHT_RANGE * BOT_SIGHT_RANGE || best.is_some_and(|(b, _)| d2 >= b) {
            continue;
        }
        if clear_line(map, pos, p, PROJECTILE_RADIUS) {
            best = Some((d2, p));
        }
    }
    best.map(|(_, p)| p)
}

/// The 8-direction movement input closest to a wished direction (none for a tiny wish).
fn octant(wish: Vec2) -> (i8, i8) {
    let len = wish.length();
    if len < 1e-3 {
        return (0, 0);
    }
    let t = len * OCTANT_SIN;
    let axis = |v: f32| {
        if v > t {
            1
        } else if v < -t {
            -1
        } else {
            0
        }
    };
    (axis(wish.x), axis(wish.y))
}

/// A random point where a player fits without touching a wall (with some margin), or a random
/// spawn point if a few tries find none.
fn random_open_point(rng: &mut Rng, map: &Map) -> Vec2 {
    let margin = PLAYER_RADIUS * 2.0;
    if map.width > 2.0 * margin && map.height > 2.0 * margin {
        for _ in 0..WANDER_TRIES {
            let p = Vec2::new(
                rng.range_f32(margin, map.width - margin),
                rng.range_f32(margin, map.height - margin),
            );
            if !map.circle_hits_wall(p, margin) {
                return p;
            }
        }
    }
    match map.spawns.len() {
        0 => Vec2::new(map.width * 0.5, map.height * 0.5),
        n => map.spawns[rng.below(n as u32) as usize],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octant_maps_directions() {
        assert_eq!(octant(Vec2::new(1.0, 0.0)), (1, 0));
        assert_eq!(octant(Vec2::new(1.0, 1.0)), (1, 1));
        assert_eq!(octant(Vec2::new(-1.0, 0.1)), (-1, 0));
        assert_eq!(octant(Vec2::new(0.1, -1.0)), (0, -1));
        assert_eq!(octant(Vec2::ZERO), (0, 0));
    }
}

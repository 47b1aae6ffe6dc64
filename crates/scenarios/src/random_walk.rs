//! `RandomWalk`: the standard synthetic load `random-walk`, exactly as `docs/scenarios.md`
//! defines it, so that figures compare across servers.
//!
//! The world is 1024 x 1024; E non-player entities walk randomly (all of them every tick, or a
//! tenth of them in turn), and each client's entity moves by the client's input. Math is in `f64`
//! (as in the reference JavaScript); the server quantizes positions for the wire like any world.

use std::f64::consts::{PI, TAU};

use std::hash::Hasher as _;

use rustc_hash::FxHasher;

use crate::mulberry32::Mulberry32;

/// World side length.
pub const SIZE: f64 = 1024.0;
/// Largest coordinate after a clamp.
pub const MAX_COORD: f64 = 1023.999;
/// Distance of one random-walk move.
pub const STEP: f64 = 2.0;
/// Largest player movement per tick on each axis.
pub const MAX_PLAYER_MOVE: f64 = 3.0;
/// Hit points of every entity (they never change).
pub const HP: u8 = 100;

const SEED_ENTITIES: u32 = 12345;
const SEED_PLAYERS: u32 = 4242;
const SEED_WALK: u32 = 67890;

/// Which share of entities moves each tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moving {
    /// Every entity moves every tick.
    All,
    /// Entity i moves on ticks t with (i + t) mod 10 = 0.
    Tenth,
}

/// One walker or player.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Walker {
    /// Stable id: entity i has id i + 1; players get ids after the entities, in join order.
    pub id: u32,
    /// X in [0, 1024).
    pub x: f64,
    /// Y in [0, 1024).
    pub y: f64,
    /// Angle in (-pi, pi].
    pub angle: f64,
    /// True for a client's entity.
    pub is_player: bool,
}

/// The scenario's world.
#[derive(Clone, Debug)]
pub struct RandomWalk {
    walkers: Vec<Walker>,
    players: Vec<Option<Walker>>,
    moving: Moving,
    tick: u64,
    walk_rng: Mulberry32,
    spawn_rng: Mulberry32,
    next_player_id: u32,
}

/// A player's handle: its join index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WalkPlayer(pub u32);

impl RandomWalk {
    /// A world of `entities` walkers with their initial values drawn from the seed-12345 stream.
    pub fn new(entities: u32, moving: Moving) -> RandomWalk {
        let mut init = Mulberry32::new(SEED_ENTITIES);
        let walkers = (0..entities)
            .map(|i| {
                let x = init.next_f64() * SIZE;
                let y = init.next_f64() * SIZE;
                let angle = init.next_f64() * TAU - PI;
                Walker {
                    id: i + 1,
                    x,
                    y,
                    angle,
                    is_player: false,
                }
            })
            .collect();
        RandomWalk {
            walkers,
            players: Vec::new(),
            moving,
            tick: 0,
            walk_rng: Mulberry32::new(SEED_WALK),
            spawn_rng: Mulberry32::new(SEED_PLAYERS),
            next_player_id: entities + 1,
        }
    }

    /// Adds a client's entity, drawn from the seed-4242 stream in join order.
    pub fn add_player(&mut self) -> (WalkPlayer, u32) {
        let x = self.spawn_rng.next_f64() * SIZE;
        let y = self.spawn_rng.next_f64() * SIZE;
        let angle = self.spawn_rng.next_f64() * TAU - PI;
        let id = self.next_player_id;
        self.next_player_id = self.next_player_id.wrapping_add(1);
        self.players.push(Some(Walker {
            id,
            x,
            y,
            angle,
            is_player: true,
        }));
        (WalkPlayer(self.players.len() as u32 - 1), id)
    }

    /// Removes a client's entity.
    pub fn remove_player(&mut self, player: WalkPlayer) {
        if let Some(slot) = self.players.get_mut(player.0 as usize) {
            *slot = None;
        }
    }

    /// One tick: walkers move by the scenario's rule, then each player by its input
    /// `(dx, dy)`, clamped to [-3, 3] per axis (non-finite values count as 0).
    pub fn step(&mut self, inputs: &[(WalkPlayer, f64, f64)]) {
        let t = self.tick;
        for (i, w) in self.walkers.iter_mut().enumerate() {
            let moves = match self.moving {
                Moving::All => true,
                Moving::Tenth => (i as u64 + t).is_multiple_of(10),
            };
            if moves {
                let r = self.walk_rng.next_f64();
                walk(w, r);
            }
        }
        for &(player, dx, dy) in inputs {
            if let Some(Some(p)) = self.players.get_mut(player.0 as usize) {
                let dx = clamp_move(dx);
                let dy = clamp_move(dy);
                p.x = (p.x + dx).clamp(0.0, MAX_COORD);
                p.y = (p.y + dy).clamp(0.0, MAX_COORD);
                p.angle = dy.atan2(dx);
            }
        }
        self.tick += 1;
    }

    /// Ticks run so far.
    pub fn tick(&self) -> u64 {
        self.tick
    }

    /// Every walker, then every player, each in id order.
    pub fn entities(&self) -> impl Iterator<Item = &Walker> {
        self.walkers.iter().chain(self.players.iter().flatten())
    }

    /// Number of entities (walkers and players).
    pub fn entity_count(&self) -> usize {
        self.walkers.len() + self.players.iter().flatten().count()
    }

    /// A hash of the whole state, for determinism checks.
    pub fn checksum(&self) -> u64 {
        // FxHasher has no random state: the same world hashes the same in every process.
        let mut h = FxHasher::default();
        h.write_u64(self.tick);
        h.write_u32(self.walk_rng.state());
        h.write_u32(self.spawn_rng.state());
        for w in self.entities() {
            h.write_u32(w.id);
            h.write_u64(w.x.to_bits());
            h.write_u64(w.y.to_bits());
            h.write_u64(w.angle.to_bits());
        }
        h.finish()
    }
}

fn clamp_move(v: f64) -> f64 {
    if v.is_finite() {
        v.clamp(-MAX_PLAYER_MOVE, MAX_PLAYER_MOVE)
    } else {
        0.0
    }
}

/// One move of the scenario: turn by up to a quarter radian, step 2 units, bounce off the edges.
fn walk(w: &mut Walker, r: f64) {
    let mut a = w.angle + (r - 0.5) * 0.5;
    let mut x = w.x + STEP * a.cos();
    let mut y = w.y + STEP * a.sin();
    if !(0.0..SIZE).contains(&x) {
        x = x.clamp(0.0, MAX_COORD);
        a = PI - a;
    }
    if !(0.0..SIZE).contains(&y) {
        y = y.clamp(0.0, MAX_COORD);
        a = -a;
    }
    w.x = x;
    w.y = y;
    w.angle = wrap(a);
}

/// Wraps an angle into (-pi, pi].
fn wrap(mut a: f64) -> f64 {
    while a > PI {
        a -= TAU;
    }
    while a <= -PI {
        a += TAU;
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_values_follow_the_seed_stream() {
        let w = RandomWalk::new(2, Moving::All);
        let mut r = Mulberry32::new(12345);
        let first = w.entities().next().copied().expect("entity");
        assert_eq!(first.x, r.next_f64() * 1024.0);
        assert_eq!(first.y, r.next_f64() * 1024.0);
        assert_eq!(first.angle, r.next_f64() * TAU - PI);
    }

    #[test]
    fn a_tenth_moves_each_tick_and_everything_stays_inside() {
        let mut w = RandomWalk::new(1000, Moving::Tenth);
        for _ in 0..300 {
            let before: Vec<Walker> = w.entities().copied().collect();
            w.step(&[]);
            let moved = w
                .entities()
                .zip(&before)
                .filter(|(a, b)| a.x != b.x || a.y != b.y || a.angle != b.angle)
                .count();
            assert_eq!(moved, 100);
            for e in w.entities() {
                assert!((0.0..SIZE).contains(&e.x) && (0.0..SIZE).contains(&e.y));
                assert!(e.angle > -PI && e.angle <= PI);
            }
        }
    }

    #[test]
    fn players_move_by_clamped_input() {
        let mut w = RandomWalk::new(0, Moving::All);
        let (p, id) = w.add_player();
        assert_eq!(id, 1);
        let start = *w.entities().next().expect("player");
        w.step(&[(p, 10.0, f64::NAN)]);
        let now = *w.entities().next().expect("player");
        assert_eq!(now.x, (start.x + 3.0).clamp(0.0, MAX_COORD));
        assert_eq!(now.y, start.y);
        assert_eq!(now.angle, 0.0);
    }

    #[test]
    fn same_inputs_same_checksums() {
        let run = || {
            let mut w = RandomWalk::new(500, Moving::All);
            let (a, _) = w.add_player();
            let (b, _) = w.add_player();
            (0..200)
                .map(|t| {
                    let d = (t % 7) as f64 - 3.0;
                    w.step(&[(a, d, -d), (b, 1.5, 0.25)]);
                    w.checksum()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(run(), run());
    }
}

//! `RandomWalkGame`: the `random-walk` scenario as a [`Game`].

use std::sync::Arc;

use crate::random_walk::{HP, Moving, RandomWalk, SIZE, WalkPlayer};
use crate::random_walk_schema::{PLAYER, PROP, WalkInput, WalkerBody, random_walk_schema};
use tickwire_protocol::{EntityId, MapInfo, Replicate, Schema, Tick, World};

use tickwire_server::{Game, PlayerHandle, TickInput};

/// The scenario with E walkers; clients' inputs move their own entity.
pub struct RandomWalkGame {
    world: RandomWalk,
    inputs: Vec<(WalkPlayer, f64, f64)>,
}

impl RandomWalkGame {
    /// `entities` walkers, all moving (`moving_pct` 100) or a tenth at a time (10).
    pub fn new(entities: u32, moving_pct: u32) -> RandomWalkGame {
        let moving = if moving_pct >= 100 {
            Moving::All
        } else {
            Moving::Tenth
        };
        RandomWalkGame {
            world: RandomWalk::new(entities, moving),
            inputs: Vec::new(),
        }
    }
}

impl Game for RandomWalkGame {
    fn add_player(&mut self, _name: &str) -> (PlayerHandle, EntityId) {
        let (p, id) = self.world.add_player();
        (PlayerHandle(p.0), EntityId(id))
    }

    fn remove_player(&mut self, player: PlayerHandle) {
        self.world.remove_player(WalkPlayer(player.0));
    }

    fn step(&mut self, inputs: &[(PlayerHandle, TickInput)]) {
        // Only inputs that arrived move a player: the scenario moves by each input once.
        self.inputs.clear();
        self.inputs.extend(inputs.iter().map(|(p, i)| {
            let walk: WalkInput = i.record.read().unwrap_or_default();
            (WalkPlayer(p.0), walk.dx, walk.dy)
        }));
        self.world.step(&self.inputs);
    }

    fn tick(&self) -> u64 {
        self.world.tick()
    }

    fn schema(&self) -> Arc<Schema> {
        random_walk_schema()
    }

    fn capture(&self, out: &mut World) {
        out.clear(Tick(self.world.tick() as u32));
        // Walkers come first in id order, then players in join order with larger ids: sorted.
        for w in self.world.entities() {
            let body = WalkerBody {
                pos: [w.x, w.y],
                angle: w.angle,
                hp: HP,
            };
            let kind = if w.is_player { PLAYER } else { PROP };
            body.push_to(out, EntityId(w.id), kind);
        }
        debug_assert!(out.is_sorted());
    }

    fn map_info(&self) -> MapInfo {
        MapInfo {
            name: "random-walk".into(),
            width: SIZE as f32,
            height: SIZE as f32,
            features: Vec::new(),
        }
    }
}

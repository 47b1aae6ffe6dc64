//! `RandomWalkGame`: the `random-walk` scenario as a [`Game`].

use crate::random_walk::{HP, Moving, RandomWalk, SIZE, WalkPlayer};
use tickwire_protocol::{
    EntityId, EntityKind, EntityState, Input, MapInfo, Tick, WorldState, quant,
};

use tickwire_server::{Game, PlayerHandle};

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

    fn step(&mut self, inputs: &[(PlayerHandle, Input)]) {
        // Only inputs that arrived move a player: the scenario moves by each input once.
        self.inputs.clear();
        self.inputs.extend(
            inputs
                .iter()
                .map(|(p, i)| (WalkPlayer(p.0), f64::from(i.move_x), f64::from(i.move_y))),
        );
        self.world.step(&self.inputs);
    }

    fn tick(&self) -> u64 {
        self.world.tick()
    }

    fn capture(&self, out: &mut WorldState) {
        out.tick = Tick(self.world.tick() as u32);
        out.entities.clear();
        out.entities
            .extend(self.world.entities().map(|w| EntityState {
                id: EntityId(w.id),
                kind: if w.is_player {
                    EntityKind::Player
                } else {
                    EntityKind::Prop
                },
                x: quant::pos_to_fixed(w.x as f32),
                y: quant::pos_to_fixed(w.y as f32),
                angle: quant::angle_to_u8(w.angle as f32),
                hp: HP,
            }));
        // Walkers come first in id order, then players in join order with larger ids: sorted.
        debug_assert!(out.is_sorted());
    }

    fn map_info(&self) -> MapInfo {
        MapInfo {
            name: "random-walk".into(),
            width: SIZE as f32,
            height: SIZE as f32,
            walls: Vec::new(),
        }
    }
}

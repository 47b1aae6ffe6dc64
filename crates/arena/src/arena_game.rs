//! The arena shooter of `tickwire-sim` as a [`Game`].

use std::sync::Arc;

use tickwire_protocol::{
    EntityId, Input, KindId, MapInfo, Replicate, Schema, ScoreEntry, Tick, WallInfo,
};
use tickwire_sim::{EntityKind, GameEvent, Map, PlayerId, PlayerInput, World, WorldConfig};

use crate::replicated::{Body, arena_schema};

use tickwire_server::{Game, GameNews, PlayerHandle};

/// The arena game.
pub struct ArenaGame {
    world: World,
    inputs: Vec<(PlayerId, PlayerInput)>,
}

impl ArenaGame {
    /// An arena on `map` with `bots` bots.
    pub fn new(map: Map, tick_rate: u32, bots: u32, seed: u64) -> ArenaGame {
        ArenaGame {
            world: World::new(map, WorldConfig { tick_rate, bots }, seed),
            inputs: Vec::new(),
        }
    }

    /// The simulated world.
    pub fn world(&self) -> &World {
        &self.world
    }
}

/// The arena reads the sign of each movement axis; anything under half a unit is no movement.
/// `now` is the game's tick before the step the input is for: an input whose `view_tick` is
/// older was aimed at the world as it was then (the server has bounded how far back).
fn to_sim_input(input: &Input, now: u64) -> PlayerInput {
    let axis = |v: f32| {
        if v > 0.5 {
            1
        } else if v < -0.5 {
            -1
        } else {
            0
        }
    };
    PlayerInput {
        move_x: axis(input.move_x),
        move_y: axis(input.move_y),
        aim: input.aim,
        fire: input.fire,
        // The player saw the world of `view_tick`; the sim counts back from the state this
        // step makes, one tick after `now`.
        rewind: match (now as u32).wrapping_sub(input.view_tick) {
            _ if input.view_tick == 0 => 0,
            0 => 0,
            back if back < u32::from(u16::MAX) => back as u16 + 1,
            _ => 0,
        },
    }
}

impl Game for ArenaGame {
    fn add_player(&mut self, name: &str) -> (PlayerHandle, EntityId) {
        let (player, entity) = self.world.add_player(name);
        (PlayerHandle(player.0), EntityId(entity.0))
    }

    fn remove_player(&mut self, player: PlayerHandle) {
        self.world.remove_player(PlayerId(player.0));
    }

    fn set_away(&mut self, player: PlayerHandle, away: bool) {
        self.world.set_away(PlayerId(player.0), away);
    }

    fn step(&mut self, inputs: &[(PlayerHandle, Input)]) {
        self.inputs.clear();
        let now = self.world.tick();
        self.inputs.extend(
            inputs
                .iter()
                .map(|(p, i)| (PlayerId(p.0), to_sim_input(i, now))),
        );
        self.world.step(&self.inputs);
    }

    fn tick(&self) -> u64 {
        self.world.tick()
    }

    fn schema(&self) -> Arc<Schema> {
        arena_schema()
    }

    fn capture(&self, out: &mut tickwire_protocol::World) {
        out.clear(Tick(self.world.tick() as u32));
        for e in self.world.entities_by_id() {
            // Kinds in the order of `replicated::KINDS`.
            let kind = KindId(match e.kind {
                EntityKind::Player => 0,
                EntityKind::Bot => 1,
                EntityKind::Projectile => 2,
            });
            let body = Body {
                pos: e.pos.to_array(),
                angle: e.angle,
                hp: e.hp,
            };
            body.push_to(out, EntityId(e.id.0), kind);
        }
    }

    fn scores(&self) -> Vec<ScoreEntry> {
        self.world
            .scores()
            .into_iter()
            .map(|s| ScoreEntry {
                entity: EntityId(s.entity.0),
                // The wire's scoreboard has no away flag: the name carries it.
                name: if s.away {
                    format!("{} (away)", s.name)
                } else {
                    s.name
                },
                kills: s.kills,
                deaths: s.deaths,
                bot: s.is_bot,
            })
            .collect()
    }

    fn reset_scores(&mut self) {
        self.world.reset_scores();
    }

    fn name(&self) -> &str {
        "arena"
    }

    fn drain_news(&mut self) -> Vec<GameNews> {
        self.world
            .drain_events()
            .into_iter()
            .filter_map(|e| match e {
                GameEvent::Kill { killer, victim } => Some(GameNews::Kill {
                    killer: EntityId(killer.0),
                    victim: EntityId(victim.0),
                }),
                _ => None,
            })
            .collect()
    }

    fn map_info(&self) -> MapInfo {
        let map = self.world.map();
        MapInfo {
            name: map.name.clone(),
            width: map.width,
            height: map.height,
            walls: map
                .walls
                .iter()
                .map(|w| WallInfo {
                    x: w.x,
                    y: w.y,
                    w: w.w,
                    h: w.h,
                })
                .collect(),
        }
    }
}

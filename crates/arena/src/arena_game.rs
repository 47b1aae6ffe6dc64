//! The arena shooter of `tickwire-sim` as a [`Game`].

use std::sync::Arc;

use tickwire_protocol::{
    Baselines, EntityId, KindId, MapInfo, Replicate, Schema, ScoreEntry, Tick, WireType,
    write_delta,
};
use tickwire_sim::{
    EntityKind, GameEvent as SimEvent, Map, PlayerId, PlayerInput, World, WorldConfig,
};

use crate::replicated::{ArenaInput, Body, Kill, Wall, arena_schema};

use tickwire_server::{Audience, Game, GameEvent, GameOptions, PlayerHandle, TickInput};

/// The arena game.
pub struct ArenaGame {
    world: World,
    /// The bots asked for, to make the same game again.
    bots: u32,
    /// The tick rate it was made with.
    tick_rate: u32,
    inputs: Vec<(PlayerId, PlayerInput)>,
    /// The map's walls as [`MapInfo::features`] carries them, written once.
    features: Vec<u8>,
}

impl ArenaGame {
    /// An arena on `map` (its walls snapped to the half-unit grid the wire carries them on) with
    /// `bots` bots.
    pub fn new(map: Map, tick_rate: u32, bots: u32, seed: u64) -> ArenaGame {
        let map = on_wall_grid(map);
        let features = features(&map);
        ArenaGame {
            world: World::new(map, WorldConfig { tick_rate, bots }, seed),
            bots,
            tick_rate,
            inputs: Vec::new(),
            features,
        }
    }

    /// The simulated world.
    pub fn world(&self) -> &World {
        &self.world
    }
}

/// The wall grid: walls travel to clients to half a unit ([`Wall`]), and the server's walls
/// must be the ones clients predict against.
const WALL_GRID: WireType = WireType::Vec2 { step: 0.5 };

/// `map` with every wall's corner and size on the [`WALL_GRID`] (the bundled maps already are).
fn on_wall_grid(mut map: Map) -> Map {
    let snap = |v: f32| WALL_GRID.dequantize(WALL_GRID.quantize(f64::from(v))) as f32;
    for w in &mut map.walls {
        (w.x, w.y, w.w, w.h) = (snap(w.x), snap(w.y), snap(w.w), snap(w.h));
    }
    map
}

/// The map's walls as a full delta body (tick 0, no baseline) of a world of [`Wall`]s, ids from
/// 1 in the map's order.
fn features(map: &Map) -> Vec<u8> {
    let schema = arena_schema();
    let Some(wall) = schema.kind_of::<Wall>() else {
        return Vec::new();
    };
    let mut world = tickwire_protocol::World::new(Tick(0));
    for (i, w) in map.walls.iter().enumerate() {
        let feature = Wall {
            min: [w.x, w.y],
            size: [w.w, w.h],
        };
        feature.push_to(&mut world, EntityId(i as u32 + 1), wall);
    }
    let mut body = Vec::new();
    write_delta(&schema, Baselines::default(), &world, &mut body);
    body
}

/// The sim's input for an arena input record (the server decoded it by the arena's schema, so
/// it reads; a record that does not is no movement and no shot). `rewind` is how many ticks
/// before the state this step starts from the player was looking at; the sim counts back from
/// the state the step makes, one tick later.
fn to_sim_input(input: &TickInput) -> PlayerInput {
    let i: ArenaInput = input.record.read().unwrap_or_default();
    PlayerInput {
        move_x: i.move_x,
        move_y: i.move_y,
        aim: i.aim,
        fire: i.fire,
        rewind: match input.rewind {
            0 => 0,
            back => back.saturating_add(1),
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

    fn step(&mut self, inputs: &[(PlayerHandle, TickInput)]) {
        self.inputs.clear();
        self.inputs
            .extend(inputs.iter().map(|(p, i)| (PlayerId(p.0), to_sim_input(i))));
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
        let count = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
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
                bot: s.is_bot,
                // The schema's columns: kills, deaths.
                columns: vec![count(s.kills), count(s.deaths)],
            })
            .collect()
    }

    fn reset_scores(&mut self) {
        self.world.reset_scores();
    }

    fn checksum(&self) -> Option<u64> {
        Some(self.world.checksum())
    }

    fn options(&self) -> Option<GameOptions> {
        Some(GameOptions {
            map: Some(self.world.map().name.clone()),
            bots: Some(self.bots),
            tick_rate: self.tick_rate,
        })
    }

    fn name(&self) -> &str {
        "arena"
    }

    fn drain_events(&mut self) -> Vec<(Audience, GameEvent)> {
        let schema = arena_schema();
        self.world
            .drain_events()
            .into_iter()
            .filter_map(|e| match e {
                SimEvent::Kill { killer, victim } => {
                    let kill = Kill {
                        killer: killer.0,
                        victim: victim.0,
                    };
                    Some((Audience::Room, GameEvent::of(&schema, &kill)?))
                }
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
            features: self.features.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tickwire_protocol::{Record, apply_delta};

    #[test]
    fn the_walls_travel_as_features_and_read_back_as_the_servers() {
        let game = ArenaGame::new(Map::default_arena(), 60, 0, 1);
        let info = game.map_info();
        let schema = arena_schema();
        let mut world = tickwire_protocol::World::default();
        apply_delta(&schema, &info.features, Baselines::default(), &mut world)
            .expect("a full body of the arena's schema");
        let walls = &game.world().map().walls;
        assert_eq!(world.len(), walls.len());
        assert!(
            info.features.len() <= 8 * walls.len(),
            "about 7 bytes a wall"
        );
        for (i, w) in walls.iter().enumerate() {
            let back = Wall::read(&world, i).expect("a wall");
            assert_eq!(back.min, [w.x, w.y]);
            assert_eq!(back.size, [w.w, w.h]);
        }
    }

    #[test]
    fn walls_off_the_grid_are_snapped_and_the_largest_map_fits_its_limit() {
        let mut map = Map::default_arena();
        if let Some(w) = map.walls.first_mut() {
            w.x = 10.3;
            w.w = 99.8;
        }
        let game = ArenaGame::new(map, 60, 0, 1);
        let w = game.world().map().walls[0];
        assert_eq!((w.x, w.w), (10.5, 100.0));
        let mut big = Map::default_arena();
        big.walls = (0..tickwire_sim::rules::MAP_MAX_WALLS)
            .map(|i| tickwire_sim::Wall {
                x: 16_000.5 - i as f32,
                y: 16_000.5,
                w: 300.5,
                h: 383.5,
            })
            .collect();
        assert!(features(&big).len() <= tickwire_protocol::MAX_FEATURE_BYTES);
    }

    #[test]
    fn an_input_record_is_the_sims_input_and_the_rewind_counts_from_the_next_state() {
        let record = Record::of(&ArenaInput {
            move_x: -1,
            move_y: 1,
            aim: 1.0,
            fire: true,
        });
        let i = to_sim_input(&TickInput { record, rewind: 3 });
        assert_eq!((i.move_x, i.move_y, i.fire, i.rewind), (-1, 1, true, 4));
        assert!((i.aim - 1.0).abs() < 1e-4);
        let now = to_sim_input(&TickInput {
            record: Record::new(),
            rewind: 0,
        });
        assert_eq!(now, PlayerInput::default(), "no record, no movement");
    }
}

//! `FlagGame`: the [`FlagSim`] on tickwire's `Game` seam. A thin adapter: the rules are the
//! simulation's, the data clients see is [`crate::views`]', and this file only moves the game's
//! own shapes onto the wire (protocol v5):
//!
//! - **inputs**: each [`TickInput`]'s record is a [`FlagInput`] (the schema's input), read as
//!   it is;
//! - **events**: the simulation's [`FlagEvent`]s as the schema's event kinds
//!   ([`crate::records`]), each with its audience ([`audience`]): captures, tags, returns and
//!   drops to the whole room; a pickup only to the runner who picked the flag up ("you have the
//!   flag"), since everyone else sees it in the world (`flag.carrier`, `runner.carrying`);
//! - **scores**: one value per [`crate::records::SCORE_COLUMNS`] column (captures, tags,
//!   returns, tagged);
//! - **map**: the two bases, as the map's features ([`crate::views::map_features`]).

use std::sync::Arc;

use tickwire_protocol::{EntityId, MapInfo, Schema, ScoreEntry, World};
use tickwire_server::{Audience, Game, GameEvent, NewGame, PlayerHandle, TickInput};

use crate::field::{HEIGHT, WIDTH};
use crate::input::FlagInput;
use crate::records::{EventRecord, event_record, score_columns};
use crate::sim::{FlagEvent, FlagSim, PlayerId, Runner};
use crate::views::{capture, flag_schema, map_features, runner_id};

/// The map's name, as the Welcome carries it.
pub const MAP_NAME: &str = "flag-field";

/// One room's game of capture the flag.
pub struct FlagGame {
    sim: FlagSim,
    /// This tick's inputs in the simulation's shape (kept to reuse its allocation).
    inputs: Vec<(PlayerId, FlagInput)>,
    /// Everything that happened, oldest first, until the server drains it.
    events: Vec<FlagEvent>,
    /// The bases as the map's features, written once.
    features: Vec<u8>,
}

/// Makes each room's [`FlagGame`] at the server's tick rate, under the game's own name: the
/// room list and `/matches/recent` go by this name, and a match's stored row by
/// [`Game::name`], so the two must agree (a closure's `NewGame::name` is `game`, under which
/// `/matches/recent` would never find a flag match).
#[derive(Clone, Copy, Debug)]
pub struct FlagGames {
    /// The server's tick rate.
    pub tick_rate: u32,
}

impl NewGame for FlagGames {
    fn new_game(&self, seed: u64) -> Box<dyn Game> {
        Box::new(FlagGame::new(self.tick_rate, seed))
    }

    fn name(&self) -> &str {
        "flag"
    }

    fn schema(&self) -> Arc<Schema> {
        flag_schema()
    }
}

impl FlagGame {
    /// An empty field; `tick_rate` is the server's, `seed` places the players.
    pub fn new(tick_rate: u32, seed: u64) -> FlagGame {
        FlagGame {
            sim: FlagSim::new(tick_rate, seed),
            inputs: Vec::new(),
            events: Vec::new(),
            features: map_features(),
        }
    }

    /// The simulation, to read.
    pub fn sim(&self) -> &FlagSim {
        &self.sim
    }
}

/// The game's input from a tick's input record. The server decoded it by the schema's input
/// fields, so it reads; one that does not is standing still.
pub fn flag_input(input: &TickInput) -> FlagInput {
    input.record.read().unwrap_or_default()
}

/// Who hears `event`: the runner alone for a pickup (its "you have the flag"), the room for the
/// rest.
pub fn audience(event: &FlagEvent) -> Audience {
    match *event {
        FlagEvent::Pickup { runner, .. } => Audience::Player(PlayerHandle(runner.0)),
        FlagEvent::Capture { .. }
        | FlagEvent::Tag { .. }
        | FlagEvent::Drop { .. }
        | FlagEvent::Return { .. } => Audience::Room,
    }
}

/// `event` as an event of the schema's kinds.
fn wire_event(schema: &Schema, event: &FlagEvent) -> Option<GameEvent> {
    match event_record(event) {
        EventRecord::Capture(e) => GameEvent::of(schema, &e),
        EventRecord::Tag(e) => GameEvent::of(schema, &e),
        EventRecord::Return(e) => GameEvent::of(schema, &e),
        EventRecord::Carrier(e) => GameEvent::of(schema, &e),
    }
}

impl Game for FlagGame {
    fn add_player(&mut self, name: &str) -> (PlayerHandle, EntityId) {
        let id = self.sim.join(name);
        (PlayerHandle(id.0), runner_id(id))
    }

    fn remove_player(&mut self, player: PlayerHandle) {
        self.sim.leave(PlayerId(player.0));
        self.events.extend(self.sim.drain_events());
    }

    fn set_away(&mut self, player: PlayerHandle, away: bool) {
        self.sim.set_away(PlayerId(player.0), away);
        self.events.extend(self.sim.drain_events());
    }

    fn step(&mut self, inputs: &[(PlayerHandle, TickInput)]) {
        self.inputs.clear();
        let own = inputs.iter().map(|(p, i)| (PlayerId(p.0), flag_input(i)));
        self.inputs.extend(own);
        self.sim.step(&self.inputs);
        self.events.extend(self.sim.drain_events());
    }

    fn tick(&self) -> u64 {
        self.sim.tick()
    }

    fn schema(&self) -> Arc<Schema> {
        flag_schema()
    }

    fn capture(&self, out: &mut World) {
        capture(&self.sim, out);
    }

    fn scores(&self) -> Vec<ScoreEntry> {
        let entry = |(&id, r): (&PlayerId, &Runner)| ScoreEntry {
            entity: runner_id(id),
            name: r.name.to_string(),
            bot: false,
            columns: score_columns(&r.stats).to_vec(),
        };
        self.sim.runners().iter().map(entry).collect()
    }

    fn reset_scores(&mut self) {
        self.sim.reset_scores();
    }

    fn name(&self) -> &str {
        "flag"
    }

    /// FNV-1a of the captured world's full body and the scores: the simulation is pure, so
    /// its recordings are re-simulated and checked tick by tick (this covers what clients see,
    /// to the wire's precision, which is where a divergence shows within a few ticks).
    fn checksum(&self) -> Option<u64> {
        let mut world = World::default();
        capture(&self.sim, &mut world);
        let mut bytes = Vec::new();
        let schema = flag_schema();
        tickwire_protocol::write_delta(
            &schema,
            tickwire_protocol::Baselines::default(),
            &world,
            &mut bytes,
        );
        for line in self.scores() {
            for c in line.columns {
                bytes.extend_from_slice(&c.to_le_bytes());
            }
        }
        let mut h: u64 = 0xCBF2_9CE4_8422_2325;
        for b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
        Some(h)
    }

    fn drain_events(&mut self) -> Vec<(Audience, GameEvent)> {
        let schema = flag_schema();
        self.events
            .drain(..)
            .filter_map(|e| Some((audience(&e), wire_event(&schema, &e)?)))
            .collect()
    }

    fn map_info(&self) -> MapInfo {
        MapInfo {
            name: MAP_NAME.into(),
            width: WIDTH,
            height: HEIGHT,
            features: self.features.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Team;
    use crate::records::{CarrierEvent, TagEvent};
    use tickwire_protocol::Record;

    /// An input record running from `from` towards `to`.
    fn towards(from: [f32; 2], to: [f32; 2]) -> TickInput {
        TickInput {
            record: Record::of(&FlagInput::new(to[0] - from[0], to[1] - from[1])),
            rewind: 0,
        }
    }

    fn still() -> TickInput {
        TickInput {
            record: Record::of(&FlagInput::default()),
            rewind: 0,
        }
    }

    #[test]
    fn a_pickup_goes_to_the_carrier_and_a_tag_to_the_room_and_the_columns() {
        let mut game = FlagGame::new(30, 5);
        let (ada, ada_entity) = game.add_player("ada");
        let (bob, bob_entity) = game.add_player("bob");
        assert_eq!((ada_entity.0, bob_entity.0), (16, 17));
        // Ada runs to blue's flag and waits with it; bob then runs at her and tags her.
        let schema = flag_schema();
        let tag = schema.event_of::<TagEvent>();
        let mut events = Vec::new();
        for _ in 0..900 {
            let sim = game.sim();
            let pos = |h: PlayerHandle| sim.runner(PlayerId(h.0)).expect("a runner").pos;
            let carrying = sim.flag(Team::Blue).carrier().is_some();
            let inputs = if carrying {
                [(ada, still()), (bob, towards(pos(bob), pos(ada)))]
            } else {
                [(ada, towards(pos(ada), Team::Blue.base())), (bob, still())]
            };
            game.step(&inputs);
            events.extend(game.drain_events());
            if events.iter().any(|(_, e)| Some(e.kind) == tag) {
                break;
            }
        }
        let picked = CarrierEvent {
            runner: ada_entity.0,
            flag: Team::Blue,
            dropped: false,
        };
        let tagged = TagEvent {
            tagger: bob_entity.0,
            carrier: ada_entity.0,
            flag: Team::Blue,
        };
        let expected = [
            (
                Audience::Player(ada),
                GameEvent::of(&schema, &picked).expect("a flag_carrier event"),
            ),
            (
                Audience::Room,
                GameEvent::of(&schema, &tagged).expect("a tag event"),
            ),
        ];
        assert_eq!(events, expected);
        let scores = game.scores();
        assert_eq!(scores[0].columns, [0, 0, 0, 1], "ada was tagged once");
        assert_eq!(scores[1].columns, [0, 1, 0, 0], "bob tagged once");
        assert_eq!(schema.rating(&scores[1].columns), 1);
        assert_eq!(game.sim().flag(Team::Blue).carrier(), None);
    }

    #[test]
    fn an_input_that_does_not_read_is_standing_still_and_the_map_holds_the_bases() {
        let input = TickInput::default();
        assert_eq!(flag_input(&input), FlagInput::default());
        let game = FlagGame::new(30, 1);
        let info = game.map_info();
        assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
        assert_eq!(info.features, map_features());
        assert!(!info.features.is_empty());
    }

    #[test]
    fn who_hears_what() {
        let (ada, bob) = (PlayerId(1), PlayerId(2));
        let pickup = FlagEvent::Pickup {
            runner: ada,
            flag: Team::Blue,
        };
        assert_eq!(audience(&pickup), Audience::Player(PlayerHandle(1)));
        for event in [
            FlagEvent::Capture {
                runner: ada,
                team: Team::Red,
            },
            FlagEvent::Tag {
                tagger: bob,
                carrier: ada,
                flag: Team::Blue,
            },
            FlagEvent::Drop {
                runner: ada,
                flag: Team::Blue,
            },
            FlagEvent::Return {
                flag: Team::Red,
                by: None,
            },
        ] {
            assert_eq!(audience(&event), Audience::Room, "{event:?}");
            assert!(wire_event(&flag_schema(), &event).is_some(), "{event:?}");
        }
    }
}

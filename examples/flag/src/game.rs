//! `FlagGame`: the [`FlagSim`] on tickwire's `Game` seam. A thin adapter: the rules are the
//! simulation's, the data clients see is [`crate::views`]', and this file only translates
//! between the game's own shapes and today's (protocol v4) wire shapes:
//!
//! - **inputs**: the arena-shaped [`Input`] becomes a [`FlagInput`] ([`flag_input`]: `move_x`
//!   and `move_y`; `aim` and `fire` are ignored);
//! - **events**: of the simulation's [`FlagEvent`]s, tags go out as the kill feed
//!   (`GameNews::Kill { killer: tagger, victim: carrier }`); captures, returns, pickups and drops
//!   have no v4 shape (clients see them in the world: scores, `carrier`, `home`);
//! - **scores**: a player's captures are its `kills`, the times it was tagged its `deaths`.
//!
//! With protocol v5 these three become the game's own ([`crate::records`] has the shapes).

use std::sync::Arc;

use tickwire_protocol::{EntityId, Input, MapInfo, Schema, ScoreEntry, World};
use tickwire_server::{Game, GameNews, PlayerHandle};

use crate::field::{HEIGHT, WIDTH};
use crate::input::FlagInput;
use crate::sim::{FlagEvent, FlagSim, PlayerId};
use crate::views::{capture, flag_schema, runner_id};

/// One room's game of capture the flag.
pub struct FlagGame {
    sim: FlagSim,
    /// This tick's inputs in the simulation's shape (kept to reuse its allocation).
    inputs: Vec<(PlayerId, FlagInput)>,
    /// Everything that happened, oldest first, until the server drains it.
    events: Vec<FlagEvent>,
}

impl FlagGame {
    /// An empty field; `tick_rate` is the server's, `seed` places the players.
    pub fn new(tick_rate: u32, seed: u64) -> FlagGame {
        FlagGame {
            sim: FlagSim::new(tick_rate, seed),
            inputs: Vec::new(),
            events: Vec::new(),
        }
    }

    /// The simulation, to read.
    pub fn sim(&self) -> &FlagSim {
        &self.sim
    }
}

/// The game's input from today's wire input: only the movement.
pub fn flag_input(input: &Input) -> FlagInput {
    FlagInput::new(input.move_x, input.move_y)
}

/// The v4 kill feed's view of an event: tags only.
fn news(event: &FlagEvent) -> Option<GameNews> {
    match *event {
        FlagEvent::Tag {
            tagger, carrier, ..
        } => Some(GameNews::Kill {
            killer: runner_id(tagger),
            victim: runner_id(carrier),
        }),
        _ => None,
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

    fn step(&mut self, inputs: &[(PlayerHandle, Input)]) {
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
        let entry = |(&id, r): (&PlayerId, &crate::sim::Runner)| ScoreEntry {
            entity: runner_id(id),
            name: r.name.to_string(),
            kills: r.stats.captures,
            deaths: r.stats.tagged,
            bot: false,
        };
        self.sim.runners().iter().map(entry).collect()
    }

    fn reset_scores(&mut self) {
        self.sim.reset_scores();
    }

    fn name(&self) -> &str {
        "flag"
    }

    fn drain_news(&mut self) -> Vec<GameNews> {
        self.events.drain(..).filter_map(|e| news(&e)).collect()
    }

    fn map_info(&self) -> MapInfo {
        MapInfo {
            name: "flag-field".into(),
            width: WIDTH,
            height: HEIGHT,
            walls: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Team;

    #[test]
    fn a_tag_reaches_the_kill_feed_and_the_scoreboard() {
        let mut game = FlagGame::new(30, 5);
        let (ada, ada_entity) = game.add_player("ada");
        let (bob, bob_entity) = game.add_player("bob");
        assert_eq!((ada_entity.0, bob_entity.0), (16, 17));
        // Ada runs to blue's flag and waits with it; bob then runs at her and tags her.
        let towards = |from: [f32; 2], to: [f32; 2]| Input {
            move_x: to[0] - from[0],
            move_y: to[1] - from[1],
            ..Input::default()
        };
        let mut news = Vec::new();
        for _ in 0..900 {
            let sim = game.sim();
            let pos = |h: PlayerHandle| sim.runner(PlayerId(h.0)).expect("a runner").pos;
            let carrying = sim.flag(Team::Blue).carrier().is_some();
            let inputs = if carrying {
                [(ada, Input::default()), (bob, towards(pos(bob), pos(ada)))]
            } else {
                [
                    (ada, towards(pos(ada), Team::Blue.base())),
                    (bob, Input::default()),
                ]
            };
            game.step(&inputs);
            news.extend(game.drain_news());
            if !news.is_empty() {
                break;
            }
        }
        assert_eq!(
            news,
            [GameNews::Kill {
                killer: bob_entity,
                victim: ada_entity
            }]
        );
        let scores = game.scores();
        assert_eq!((scores[0].kills, scores[0].deaths), (0, 1));
        assert_eq!(game.sim().flag(Team::Blue).carrier(), None);
        assert_eq!(game.map_info().width, WIDTH);
    }
}

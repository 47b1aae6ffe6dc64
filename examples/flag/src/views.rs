//! What clients see: the game's schema (`flag` version 2) and the capture of a [`FlagSim`] into
//! a world of it. Four entity kinds:
//!
//! - `runner { pos, team, color, label, carrying }`: a player (entity ids from
//!   [`FIRST_RUNNER_ID`] on);
//! - `flag { pos, team, carrier, home }`: a team's flag (`carrier` is the carrier's entity id,
//!   0 for none);
//! - `team_score { team, captures }`: a team's score. It has **no position**, so that every client
//!   sees it wherever it stands, even with an area of interest;
//! - `base { pos, team, radius }`: a team's base, which never changes. It is map data, never in a
//!   snapshot: the two bases travel once, as the map's features ([`map_features`]), in the
//!   Welcome.
//!
//! Besides the kinds, the schema declares the game's input ([`FlagInput`]), its event kinds
//! (`capture`, `tag`, `flag_return`, `flag_carrier`: [`crate::records`]) and its score columns
//! ([`SCORE_COLUMNS`]).

use std::sync::{Arc, LazyLock};

use tickwire_protocol::{
    Baselines, EntityId, KindId, Replicate, Schema, SchemaDesc, Tick, World, write_delta,
};

use crate::field::{BASE_RADIUS, Team};
use crate::input::FlagInput;
use crate::records::{CaptureEvent, CarrierEvent, ReturnEvent, SCORE_COLUMNS, TagEvent};
use crate::sim::{FlagSim, PlayerId};

/// The score of `team`: entity 1 (red) or 2 (blue).
pub fn score_id(team: Team) -> EntityId {
    EntityId(1 + team.slot() as u32)
}

/// The flag of `team`: entity 3 (red) or 4 (blue).
pub fn flag_id(team: Team) -> EntityId {
    EntityId(3 + team.slot() as u32)
}

/// The base of `team` in the map's features: entity 1 (red) or 2 (blue) of the features' world.
pub fn base_id(team: Team) -> EntityId {
    EntityId(1 + team.slot() as u32)
}

/// The entity id of the first player's runner; player `n` (from 1) is `FIRST_RUNNER_ID + n - 1`.
pub const FIRST_RUNNER_ID: u32 = 16;

/// The runner entity of a player.
pub fn runner_id(player: PlayerId) -> EntityId {
    EntityId(player.0.saturating_add(FIRST_RUNNER_ID - 1))
}

/// A player's runner as clients see it.
#[derive(Clone, Debug, PartialEq, Replicate)]
#[replicate(kind = "runner")]
pub struct RunnerView {
    /// Where it is.
    #[replicate(vec2(step = 0.0625), position, moving)]
    pub pos: [f32; 2],
    /// Its team.
    #[replicate(enumeration)]
    pub team: Team,
    /// Its colour, `0xRRGGBB`: from the player's name, shaded by team.
    #[replicate(color)]
    pub color: u32,
    /// The player's name (cut to 24 bytes).
    #[replicate(text(max = 24))]
    pub label: Arc<str>,
    /// Whether it carries the enemy flag.
    pub carrying: bool,
}

/// A team's flag as clients see it.
#[derive(Clone, Debug, PartialEq, Replicate)]
#[replicate(kind = "flag")]
pub struct FlagView {
    /// Where it is (its carrier's position while carried). It jumps (dropped, home), so it is
    /// predicted by the encoder but not interpolated by clients.
    #[replicate(vec2(step = 0.0625), position, predict)]
    pub pos: [f32; 2],
    /// Whose flag it is.
    #[replicate(enumeration)]
    pub team: Team,
    /// The carrier's entity id, 0 when nobody carries it.
    #[replicate(int(min = 0, max = 2_147_483_647))]
    pub carrier: u32,
    /// Whether it rests at its base.
    pub home: bool,
}

/// A team's score as clients see it: no position, seen by everyone.
#[derive(Clone, Debug, PartialEq, Replicate)]
#[replicate(kind = "team_score")]
pub struct TeamScoreView {
    /// Whose score.
    #[replicate(enumeration)]
    pub team: Team,
    /// Flags captured.
    #[replicate(int(min = 0, max = 65_535))]
    pub captures: u32,
}

/// A team's base as clients see it: a map feature, never in a snapshot, so it has no position
/// (like the arena's walls).
#[derive(Clone, Debug, PartialEq, Replicate)]
#[replicate(kind = "base")]
pub struct BaseView {
    /// Its centre.
    #[replicate(vec2(step = 1.0))]
    pub pos: [f32; 2],
    /// Whose base.
    #[replicate(enumeration)]
    pub team: Team,
    /// Its radius.
    #[replicate(int(min = 0, max = 1024))]
    pub radius: u16,
}

/// The kinds' ids, in the order the schema declares them.
const RUNNER: KindId = KindId(0);
const FLAG: KindId = KindId(1);
const TEAM_SCORE: KindId = KindId(2);
const BASE: KindId = KindId(3);

/// The schema's version: 2 since the input, the events, the score columns and the bases as map
/// features are the game's own (protocol v5).
pub const VERSION: u32 = 2;

static SCHEMA: LazyLock<Arc<Schema>> = LazyLock::new(|| {
    let mut desc = SchemaDesc::builder("flag", VERSION)
        .kind::<RunnerView>()
        .kind::<FlagView>()
        .kind::<TeamScoreView>()
        .kind::<BaseView>()
        .input::<FlagInput>()
        .event::<CaptureEvent>()
        .event::<TagEvent>()
        .event::<ReturnEvent>()
        .event::<CarrierEvent>();
    for (name, weight) in SCORE_COLUMNS {
        desc = desc.score(name, weight);
    }
    Arc::new(desc.build().expect("the flag schema is valid"))
});

/// The schema of capture the flag: game `flag` version [`VERSION`]; kinds `runner`, `flag`,
/// `team_score` and `base` (the last only in the map's features); the input [`FlagInput`]
/// (`move_x`, `move_y`); the event kinds `capture`, `tag`, `flag_return` and `flag_carrier`
/// ([`crate::records`]); the score columns of [`SCORE_COLUMNS`] (`captures`, `tags`, `returns`,
/// `tagged`). The page's `web-client/flag/flag_schema.js` declares the same.
pub fn flag_schema() -> Arc<Schema> {
    SCHEMA.clone()
}

/// The map's features ([`tickwire_protocol::MapInfo::features`]): a full delta body (tick 0, no
/// baseline) of a world holding the two bases, red's as entity 1 and blue's as 2 ([`base_id`]).
pub fn map_features() -> Vec<u8> {
    let schema = flag_schema();
    let mut world = World::new(Tick(0));
    for team in Team::BOTH {
        let view = BaseView {
            pos: team.base(),
            team,
            radius: BASE_RADIUS as u16,
        };
        view.push_to(&mut world, base_id(team), BASE);
    }
    let mut body = Vec::new();
    write_delta(&schema, Baselines::default(), &world, &mut body);
    body
}

/// The whole world of `sim` into `out`, sorted by entity id: the scores (1, 2), the flags (3, 4),
/// then the runners (the bases are the map's, not the snapshots').
pub fn capture(sim: &FlagSim, out: &mut World) {
    out.clear(Tick(sim.tick() as u32));
    for team in Team::BOTH {
        let captures = sim.captures(team);
        TeamScoreView { team, captures }.push_to(out, score_id(team), TEAM_SCORE);
    }
    for team in Team::BOTH {
        let flag = sim.flag(team);
        let view = FlagView {
            pos: flag.pos,
            team,
            carrier: flag.carrier().map_or(0, |p| runner_id(p).0),
            home: flag.state == crate::sim::FlagState::Home,
        };
        view.push_to(out, flag_id(team), FLAG);
    }
    // Player ids and runner ids grow together, so the runners come out sorted.
    for (&id, r) in sim.runners() {
        let view = RunnerView {
            pos: r.pos,
            team: r.team,
            color: r.colour,
            label: r.name.clone(),
            carrying: r.carrying.is_some(),
        };
        view.push_to(out, runner_id(id), RUNNER);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tickwire_protocol::apply_delta;

    #[test]
    fn the_schema_declares_four_kinds_and_the_score_has_no_position() {
        let schema = flag_schema();
        let kinds: Vec<_> = schema
            .desc()
            .kinds
            .iter()
            .map(|k| k.name.as_str())
            .collect();
        assert_eq!(kinds, ["runner", "flag", "team_score", "base"]);
        assert_eq!(schema.kind_of::<RunnerView>(), Some(RUNNER));
        assert_eq!(schema.kind_of::<FlagView>(), Some(FLAG));
        assert_eq!(schema.kind_of::<TeamScoreView>(), Some(TEAM_SCORE));
        assert_eq!(schema.kind_of::<BaseView>(), Some(BASE));
        assert_eq!(schema.desc().kinds[TEAM_SCORE.0 as usize].position, None);
        assert_eq!(schema.desc().kinds[BASE.0 as usize].position, None);
        assert_eq!(schema.desc().version, VERSION);
    }

    #[test]
    fn the_schema_declares_the_input_the_events_and_the_columns() {
        let schema = flag_schema();
        let desc = schema.desc();
        let input: Vec<_> = desc.input.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(input, ["move_x", "move_y"]);
        let events: Vec<_> = desc.events.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(events, ["capture", "tag", "flag_return", "flag_carrier"]);
        assert_eq!(schema.event_of::<CaptureEvent>(), Some(0));
        assert_eq!(schema.event_of::<CarrierEvent>(), Some(3));
        let columns: Vec<_> = desc
            .scores
            .iter()
            .map(|c| (c.name.as_str(), c.weight))
            .collect();
        assert_eq!(columns, SCORE_COLUMNS);
        // A capture is worth five tags; being tagged costs nothing.
        assert_eq!(schema.rating(&[1, 2, 3, 4]), 10);
    }

    #[test]
    fn the_bases_travel_as_map_features() {
        let schema = flag_schema();
        let mut world = World::default();
        apply_delta(&schema, &map_features(), Baselines::default(), &mut world)
            .expect("a full body of the flag schema");
        let ids: Vec<u32> = world.entities().iter().map(|e| e.id.0).collect();
        assert_eq!(ids, [1, 2]);
        for team in Team::BOTH {
            let base = BaseView::read_if_kind(&world, team.slot(), BASE).expect("a base");
            assert_eq!(
                base,
                BaseView {
                    pos: team.base(),
                    team,
                    radius: BASE_RADIUS as u16
                }
            );
        }
        assert!(map_features().len() <= tickwire_protocol::MAX_FEATURE_BYTES);
    }

    #[test]
    fn a_captured_world_travels_and_reads_back() {
        let mut sim = FlagSim::new(30, 3);
        let ada = sim.join("ada");
        sim.join("a name that is much longer than twenty-four bytes");
        let mut world = World::default();
        capture(&sim, &mut world);
        let ids: Vec<u32> = world.entities().iter().map(|e| e.id.0).collect();
        assert_eq!(ids, [1, 2, 3, 4, 16, 17]);
        let schema = flag_schema();
        let mut bytes = Vec::new();
        write_delta(&schema, Baselines::default(), &world, &mut bytes);
        let mut seen = World::default();
        apply_delta(&schema, &bytes, Baselines::default(), &mut seen).expect("applies");
        let runner = RunnerView::read_if_kind(&seen, 4, RUNNER).expect("ada");
        assert_eq!(&*runner.label, "ada");
        assert_eq!(runner.team, Team::Red);
        assert_eq!(
            runner.pos,
            sim.runner(ada)
                .expect("ada")
                .pos
                .map(|v| (v * 16.0).round() / 16.0)
        );
        let long = RunnerView::read_if_kind(&seen, 5, RUNNER).expect("the other");
        assert_eq!(&*long.label, "a name that is much long");
        let flag = FlagView::read_if_kind(&seen, 3, FLAG).expect("blue's flag");
        assert_eq!((flag.team, flag.carrier, flag.home), (Team::Blue, 0, true));
        let score = TeamScoreView::read_if_kind(&seen, 0, TEAM_SCORE).expect("red's score");
        assert_eq!((score.team, score.captures), (Team::Red, 0));
    }
}

//! Tag on tickwire: a game of your own in some 250 lines. One player is "it"; touching a runner
//! passes "it" on, except on the base (the square in the middle). Being caught and being "it"
//! count against a player on the scoreboard, and whoever becomes "it" is announced to the room
//! as an event. The server does the rest: sockets, rooms, inputs, delta snapshots. Everything
//! on the wire is the game's own schema ([`tag_schema`]): kinds `runner` (with its `it` flag)
//! and `base`, the input [`TagInput`], the event [`BecameIt`] and the score columns `tagged`
//! and `seconds_it`. Its browser page is `web-client/tag/` ([`PAGE`]), built on the netcode
//! package; `docs/game-api.md` walks through both sides.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use tickwire_protocol::{EntityId, KindId, Replicate, Schema, SchemaDesc, ScoreEntry, Tick, World};
use tickwire_server::{Audience, Game, GameEvent, PlayerHandle, TickInput};

/// Side of the square field, in world units (the size of the default map a `Game` reports).
pub const FIELD: f32 = 1024.0;
/// How fast everyone runs, in units per second ("it" runs 10 % faster, or nobody is ever caught).
pub const SPEED: f32 = 200.0;
/// Centre distance at which "it" touches a runner.
pub const TAG_REACH: f32 = 28.0;
/// Half the side of the base; a runner inside it is safe.
pub const BASE_HALF: f32 = 40.0;
/// Seconds a player who was just tagged cannot tag back.
pub const NO_TAG_BACK_SECS: f32 = 1.0;
/// What being caught once takes from a rating, against one per second of being "it".
pub const TAGGED_WEIGHT: i32 = -10;

/// The page of the bundled web client that plays tag: a server of tag serves it at `/`
/// ([`tickwire_server::ServerConfig::index_page`]).
pub const PAGE: &str = "tag/index.html";

/// The base's entity id; players get ids from 2 on.
const BASE: EntityId = EntityId(1);

/// What clients see of a runner (pos, angle, it) and of the base (its centre and half side).
#[derive(Replicate)]
#[replicate(kind = "runner")]
struct RunnerView {
    #[replicate(vec2(step = 0.0625), position, moving)]
    pos: [f32; 2],
    #[replicate(angle(bits = 8), interpolate)]
    angle: f32,
    it: bool,
}

#[derive(Replicate)]
#[replicate(kind = "base")]
struct BaseView {
    #[replicate(vec2(step = 1.0), position)]
    pos: [f32; 2],
    #[replicate(int(min = 0, max = 1024))]
    half: u16,
}

/// What a tag player sends each tick: where it runs, each axis from -1 to 1 to 1/64 (a longer
/// direction is cut to length 1). Both always count for the same-intent rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Replicate)]
pub struct TagInput {
    /// Running along x.
    #[replicate(fixed(step = 0.015625))]
    pub move_x: f32,
    /// Running along y (+y is down on screen).
    #[replicate(fixed(step = 0.015625))]
    pub move_y: f32,
}

/// The event the room hears when someone becomes "it": `runner` (an entity id) was tagged by
/// `by`, or, with `by` 0, became "it" because nobody else was (the first player, or "it" left).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Replicate)]
#[replicate(kind = "it")]
pub struct BecameIt {
    /// Who is "it" now.
    #[replicate(int(min = 0, max = i32::MAX))]
    pub runner: u32,
    /// Who tagged them; 0 for nobody.
    #[replicate(int(min = 0, max = i32::MAX))]
    pub by: u32,
}

static SCHEMA: LazyLock<Arc<Schema>> = LazyLock::new(|| {
    let desc = SchemaDesc::builder("tag", 1)
        .kind::<RunnerView>()
        .kind::<BaseView>()
        .input::<TagInput>()
        .event::<BecameIt>()
        .score("tagged", TAGGED_WEIGHT)
        .score("seconds_it", -1);
    Arc::new(desc.build().expect("valid"))
});

/// The schema of tag: game `tag` version 1; kinds `runner` (`pos`, `angle`, `it`) and `base`
/// (`pos`, `half`); input [`TagInput`] (`move_x`, `move_y`); event `it` ([`BecameIt`]); score
/// columns `tagged` (times caught, weight [`TAGGED_WEIGHT`]) and `seconds_it` (weight -1), so
/// that the best rating is 0. The page's `web-client/tag/tag_schema.js` declares the same.
pub fn tag_schema() -> Arc<Schema> {
    SCHEMA.clone()
}

struct Runner {
    entity: EntityId,
    name: String,
    x: f32,
    y: f32,
    angle: f32,
    /// Times caught this match.
    tagged: u32,
    /// Ticks spent "it" this match.
    ticks_it: u64,
    /// Ticks before this player may tag (after being tagged).
    cooldown: u32,
}

/// One room's game of tag.
pub struct Tag {
    tick: u64,
    tick_rate: u32,
    runners: BTreeMap<u32, Runner>,
    it: Option<u32>,
    next: u32,
    seed: u64,
    events: Vec<(Audience, GameEvent)>,
}

impl Tag {
    /// A field with nobody on it; `seed` places the players, `tick_rate` is the server's.
    pub fn new(tick_rate: u32, seed: u64) -> Tag {
        Tag {
            tick: 0,
            tick_rate: tick_rate.max(1),
            runners: BTreeMap::new(),
            it: None,
            next: 2,
            seed,
            events: Vec::new(),
        }
    }

    /// Tells the room that the runner `runner` became "it", tagged by `by` (0: nobody).
    fn announce_it(&mut self, runner: EntityId, by: EntityId) {
        let became = BecameIt {
            runner: runner.0,
            by: by.0,
        };
        if let Some(event) = GameEvent::of(&SCHEMA, &became) {
            self.events.push((Audience::Room, event));
        }
    }

    /// A coordinate away from the edges, from a seeded generator (64-bit LCG, top 24 bits).
    fn spot(&mut self) -> f32 {
        self.seed = self
            .seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        50.0 + (self.seed >> 40) as f32 / (1u32 << 24) as f32 * (FIELD - 100.0)
    }
}

fn on_base(r: &Runner) -> bool {
    let c = FIELD / 2.0;
    (r.x - c).abs() <= BASE_HALF && (r.y - c).abs() <= BASE_HALF
}

impl Game for Tag {
    fn add_player(&mut self, name: &str) -> (PlayerHandle, EntityId) {
        let (handle, entity) = (self.next, EntityId(self.next));
        self.next += 1;
        let (x, y) = (self.spot(), self.spot());
        let runner = Runner {
            entity,
            name: name.to_owned(),
            x,
            y,
            angle: 0.0,
            tagged: 0,
            ticks_it: 0,
            cooldown: 0,
        };
        self.runners.insert(handle, runner);
        // The first player is "it", so that a lone player has something to do when others come.
        if self.it.is_none() {
            self.it = Some(handle);
            self.announce_it(entity, EntityId(0));
        }
        (PlayerHandle(handle), entity)
    }

    fn remove_player(&mut self, player: PlayerHandle) {
        self.runners.remove(&player.0);
        if self.it == Some(player.0) {
            self.it = self.runners.keys().next().copied();
            let next = self.it.and_then(|h| self.runners.get(&h)).map(|r| r.entity);
            if let Some(next) = next {
                self.announce_it(next, EntityId(0));
            }
        }
    }

    fn step(&mut self, inputs: &[(PlayerHandle, TickInput)]) {
        self.tick += 1;
        let dt = 1.0 / self.tick_rate as f32;
        // A player without an input this tick stands still.
        for (player, input) in inputs {
            let Some(r) = self.runners.get_mut(&player.0) else {
                continue;
            };
            let input: TagInput = input.record.read().unwrap_or_default();
            let (mx, my) = (input.move_x.clamp(-1.0, 1.0), input.move_y.clamp(-1.0, 1.0));
            let len = (mx * mx + my * my).sqrt();
            if len > 0.01 {
                let boost = if self.it == Some(player.0) { 1.1 } else { 1.0 };
                let step = SPEED * boost * dt / len.max(1.0);
                r.x = (r.x + mx * step).clamp(0.0, FIELD);
                r.y = (r.y + my * step).clamp(0.0, FIELD);
                r.angle = my.atan2(mx);
            }
        }
        for r in self.runners.values_mut() {
            r.cooldown = r.cooldown.saturating_sub(1);
        }
        let Some(it) = self.it else { return };
        if let Some(r) = self.runners.get_mut(&it) {
            r.ticks_it += 1;
        }
        let Some(tagger) = self.runners.get(&it).filter(|r| r.cooldown == 0) else {
            return;
        };
        let (ix, iy, killer) = (tagger.x, tagger.y, tagger.entity);
        // The lowest handle within reach and off the base is tagged.
        let caught = self.runners.iter_mut().find(|(h, r)| {
            let d2 = (r.x - ix).powi(2) + (r.y - iy).powi(2);
            **h != it && !on_base(r) && d2 <= TAG_REACH * TAG_REACH
        });
        if let Some((&victim, r)) = caught {
            r.tagged += 1;
            r.cooldown = (NO_TAG_BACK_SECS * self.tick_rate as f32) as u32;
            let victim_entity = r.entity;
            self.it = Some(victim);
            self.announce_it(victim_entity, killer);
        }
    }

    fn tick(&self) -> u64 {
        self.tick
    }

    fn schema(&self) -> Arc<Schema> {
        SCHEMA.clone()
    }

    fn capture(&self, out: &mut World) {
        out.clear(Tick(self.tick as u32));
        let base = BaseView {
            pos: [FIELD / 2.0; 2],
            half: BASE_HALF as u16,
        };
        base.push_to(out, BASE, KindId(1));
        // Handles and entity ids grow together, so the runners come out sorted by id.
        for (&h, r) in &self.runners {
            let view = RunnerView {
                pos: [r.x, r.y],
                angle: r.angle,
                it: self.it == Some(h),
            };
            view.push_to(out, r.entity, KindId(0));
        }
    }

    fn scores(&self) -> Vec<ScoreEntry> {
        let whole = |v: u64| i32::try_from(v).unwrap_or(i32::MAX);
        let entry = |r: &Runner| ScoreEntry {
            entity: r.entity,
            name: r.name.clone(),
            bot: false,
            // The schema's columns: tagged, seconds_it.
            columns: vec![
                whole(u64::from(r.tagged)),
                whole(r.ticks_it / u64::from(self.tick_rate)),
            ],
        };
        self.runners.values().map(entry).collect()
    }

    fn reset_scores(&mut self) {
        for r in self.runners.values_mut() {
            r.tagged = 0;
            r.ticks_it = 0;
        }
    }

    fn name(&self) -> &str {
        "tag"
    }

    fn drain_events(&mut self) -> Vec<(Audience, GameEvent)> {
        std::mem::take(&mut self.events)
    }
}

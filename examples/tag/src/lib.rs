//! Tag on tickwire: a game of your own in some 200 lines. One player is "it"; touching a runner
//! passes "it" on, except on the base (the square in the middle). Tags count on the scoreboard
//! (and come as the server's `Kill` events). The server does the rest: sockets, rooms, inputs,
//! delta snapshots. What clients see is the game's own schema ([`tag_schema`]): kinds `runner`
//! (with its `it` flag) and `base`. Its browser page is `web-client/tag/` ([`PAGE`]), built on
//! the netcode package; `docs/game-api.md` walks through both sides.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use tickwire_protocol::{
    EntityId, Input, KindId, Replicate, Schema, SchemaDesc, ScoreEntry, Tick, World,
};
use tickwire_server::{Game, GameNews, PlayerHandle};

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

static SCHEMA: LazyLock<Arc<Schema>> = LazyLock::new(|| {
    let desc = SchemaDesc::builder("tag", 1).kind::<RunnerView>();
    Arc::new(desc.kind::<BaseView>().build().expect("valid"))
});

/// The schema of what tag's clients see: game `tag` version 1, kinds `runner` (`pos`, `angle`,
/// `it`) and `base` (`pos`, `half`). The page's `web-client/tag/tag_schema.js` declares the same.
pub fn tag_schema() -> Arc<Schema> {
    SCHEMA.clone()
}

struct Runner {
    entity: EntityId,
    name: String,
    x: f32,
    y: f32,
    angle: f32,
    tags: u32,
    tagged: u32,
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
    news: Vec<GameNews>,
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
            news: Vec::new(),
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
            tags: 0,
            tagged: 0,
            cooldown: 0,
        };
        self.runners.insert(handle, runner);
        // The first player is "it", so that a lone player has something to do when others come.
        self.it.get_or_insert(handle);
        (PlayerHandle(handle), entity)
    }

    fn remove_player(&mut self, player: PlayerHandle) {
        self.runners.remove(&player.0);
        if self.it == Some(player.0) {
            self.it = self.runners.keys().next().copied();
        }
    }

    fn step(&mut self, inputs: &[(PlayerHandle, Input)]) {
        self.tick += 1;
        let dt = 1.0 / self.tick_rate as f32;
        // A player without an input this tick stands still.
        for (player, input) in inputs {
            let Some(r) = self.runners.get_mut(&player.0) else {
                continue;
            };
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
            self.news.push(GameNews::Kill {
                killer,
                victim: victim_entity,
            });
            self.it = Some(victim);
            if let Some(k) = self.runners.get_mut(&it) {
                k.tags += 1;
            }
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
        let entry = |r: &Runner| ScoreEntry {
            entity: r.entity,
            name: r.name.clone(),
            kills: r.tags,
            deaths: r.tagged,
            bot: false,
        };
        self.runners.values().map(entry).collect()
    }

    fn drain_news(&mut self) -> Vec<GameNews> {
        std::mem::take(&mut self.news)
    }
}

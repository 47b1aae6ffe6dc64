//! Tag on tickwire: a game of your own in under 200 lines. One player is "it"; touching a runner
//! passes "it" on, except on the base (the square in the middle). Tags show in the kill feed and
//! on the scoreboard. The server does the rest: sockets, rooms, inputs, delta snapshots.

use std::collections::BTreeMap;

use tickwire_protocol::{
    EntityId, EntityKind, EntityState, Input, ScoreEntry, Tick, WorldState, quant,
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
/// Hit points shown for a runner (the client draws them as a health bar).
pub const RUNNER_HP: u8 = 100;
/// Hit points shown for "it": the one with the low health bar is the one to run from.
pub const IT_HP: u8 = 25;
/// Seconds a player who was just tagged cannot tag back.
pub const NO_TAG_BACK_SECS: f32 = 1.0;

/// The base's entity id; players get ids from 2 on.
const BASE: EntityId = EntityId(1);

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

    fn capture(&self, out: &mut WorldState) {
        out.tick = Tick(self.tick as u32);
        out.entities.clear();
        let c = quant::pos_to_fixed(FIELD / 2.0);
        out.entities.push(EntityState {
            id: BASE,
            kind: EntityKind::Prop,
            x: c,
            y: c,
            angle: 0,
            hp: RUNNER_HP,
        });
        // Handles and entity ids grow together, so the runners come out sorted by id.
        out.entities
            .extend(self.runners.iter().map(|(&h, r)| EntityState {
                id: r.entity,
                kind: EntityKind::Player,
                x: quant::pos_to_fixed(r.x),
                y: quant::pos_to_fixed(r.y),
                angle: quant::angle_to_u8(r.angle),
                hp: if self.it == Some(h) { IT_HP } else { RUNNER_HP },
            }));
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

//! The world: every entity, the scoreboard, the RNG, and the fixed-tick step.

use std::collections::{BTreeMap, VecDeque};

use glam::Vec2;
use slotmap::SlotMap;

use crate::bot::BotBrain;
use crate::checksum::Fnv1a;
use crate::entity::{Entity, EntityId, EntityKey, EntityKind, PlayerId};
use crate::events::GameEvent;
use crate::history::PositionHistory;
use crate::input::PlayerInput;
use crate::map::Map;
use crate::rng::Rng;
use crate::rules::{
    BOT_STRAFE_SECS, BOT_WANDER_TIMEOUT_SECS, BOTS_DEFAULT, BOTS_MAX, EVENTS_MAX_PENDING,
    FIRE_COOLDOWN_SECS, MAX_HP, NAME_MAX_CHARS, PLAYER_RADIUS, PROJECTILE_LIFETIME_SECS,
    RESPAWN_DELAY_SECS, TICK_RATE_DEFAULT, TICK_RATE_MAX, TICK_RATE_MIN, secs_to_ticks,
};
use crate::score::ScoreEntry;

/// How a world is set up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorldConfig {
    /// Ticks per second; `dt = 1 / tick_rate`. Clamped to
    /// `TICK_RATE_MIN..=TICK_RATE_MAX` (10..=1000).
    pub tick_rate: u32,
    /// Number of bots, named "bot-1", "bot-2", ... Clamped to `BOTS_MAX` (64).
    pub bots: u32,
}

impl Default for WorldConfig {
    fn default() -> Self {
        Self {
            tick_rate: TICK_RATE_DEFAULT,
            bots: BOTS_DEFAULT,
        }
    }
}

/// Durations from `rules`, in ticks of this world.
#[derive(Clone, Debug)]
pub(crate) struct Timers {
    pub(crate) fire_cooldown: u32,
    pub(crate) projectile_life: u32,
    pub(crate) respawn: u32,
    pub(crate) wander_timeout: u32,
    pub(crate) strafe: u32,
}

/// A human player's slot.
#[derive(Clone, Debug)]
struct PlayerSlot {
    entity: EntityId,
}

/// A scoreboard line as the world keeps it.
#[derive(Clone, Debug)]
pub(crate) struct ScoreRecord {
    pub(crate) name: String,
    pub(crate) kills: u32,
    pub(crate) deaths: u32,
    pub(crate) is_bot: bool,
}

/// The authoritative game world, stepped at a fixed `dt`.
///
/// Its contract: [`World::step`] depends only on the world and the inputs it is given (no clock,
/// no IO, no thread RNG, no hash-map iteration order), so two worlds built from the same map,
/// config and seed and given the same calls have the same [`World::checksum`] after every tick.
/// Everything that decides an outcome (moves, shots, hits, respawns, bots) runs in entity-id
/// order. Read it through the getters; drive it through `add_player`, `remove_player` and `step`;
/// collect what happened through `drain_events`.
#[derive(Clone, Debug)]
pub struct World {
    pub(crate) map: Map,
    tick_rate: u32,
    pub(crate) dt: f32,
    tick: u64,
    pub(crate) rng: Rng,
    pub(crate) timers: Timers,
    pub(crate) entities: SlotMap<EntityKey, Entity>,
    pub(crate) by_id: BTreeMap<EntityId, EntityKey>,
    next_entity: u32,
    players: BTreeMap<PlayerId, PlayerSlot>,
    next_player: u32,
    pub(crate) bots: BTreeMap<EntityId, BotBrain>,
    pub(crate) scores: BTreeMap<EntityId, ScoreRecord>,
    events: VecDeque<GameEvent>,
    events_dropped: u64,
    pub(crate) history: PositionHistory,
}

impl World {
    /// A world on `map` with `config.bots` bots already spawned, its RNG seeded with `seed`.
    /// The map should have passed [`Map::validate`] (maps from `Map::from_json`/`load` have);
    /// a map without spawn points makes everyone spawn at its centre.
    pub fn new(map: Map, config: WorldConfig, seed: u64) -> World {
        let tick_rate = config.tick_rate.clamp(TICK_RATE_MIN, TICK_RATE_MAX);
        let timers = Timers {
            fire_cooldown: secs_to_ticks(FIRE_COOLDOWN_SECS, tick_rate),
            projectile_life: secs_to_ticks(PROJECTILE_LIFETIME_SECS, tick_rate),
            respawn: secs_to_ticks(RESPAWN_DELAY_SECS, tick_rate),
            wander_timeout: secs_to_ticks(BOT_WANDER_TIMEOUT_SECS, tick_rate),
            strafe: secs_to_ticks(BOT_STRAFE_SECS, tick_rate),
        };
        let mut world = World {
            map,
            tick_rate,
            dt: 1.0 / tick_rate as f32,
            tick: 0,
            rng: Rng::new(seed),
            timers,
            entities: SlotMap::with_key(),
            by_id: BTreeMap::new(),
            next_entity: 1,
            players: BTreeMap::new(),
            next_player: 1,
            bots: BTreeMap::new(),
            scores: BTreeMap::new(),
            events: VecDeque::new(),
            events_dropped: 0,
            history: PositionHistory::default(),
        };
        for n in 1..=config.bots.min(BOTS_MAX) {
            let id = world.spawn_actor(EntityKind::Bot, format!("bot-{n}"));
            let brain = BotBrain::new(
                &mut world.rng,
                &world.map,
                world.timers.wander_timeout,
                world.timers.strafe,
            );
            world.bots.insert(id, brain);
        }
        world
    }

    /// Adds a human player at a free spawn point. The name is trimmed and cut to
    /// `NAME_MAX_CHARS` characters; an empty one becomes "player-N".
    pub fn add_player(&mut self, name: &str) -> (PlayerId, EntityId) {
        let player = PlayerId(alloc_id(&mut self.next_player, |id| {
            self.players.contains_key(&PlayerId(id))
        }));
        let trimmed: String = name.trim().chars().take(NAME_MAX_CHARS).collect();
        let name = if trimmed.is_empty() {
            format!("player-{}", player.0)
        } else {
            trimmed
        };
        let entity = self.spawn_actor(EntityKind::Player, name);
        self.players.insert(player, PlayerSlot { entity });
        (player, entity)
    }

    /// Removes a player: its entity, its projectiles still in flight, and its scoreboard line.
    /// Unknown players are ignored.
    pub fn remove_player(&mut self, player: PlayerId) {
        let Some(slot) = self.players.remove(&player) else {
            return;
        };
        self.remove_entity(slot.entity);
        self.scores.remove(&slot.entity);
        let orphans: Vec<EntityId> = self
            .entities
            .values()
            .filter(|e| e.owner == Some(slot.entity))
            .map(|e| e.id)
            .collect();
        for id in orphans {
            self.remove_entity(id);
        }
    }

    /// Marks a player away (its connection dropped and the server holds its seat) or back. An
    /// away player stands still (its velocity and input are cleared), does not fire, cannot be
    /// hit and is not aimed at by bots; it still dies and respawns on the usual clock if it was
    /// dead, and keeps its score. Returns false for an unknown player.
    pub fn set_away(&mut self, player: PlayerId, away: bool) -> bool {
        let Some(slot) = self.players.get(&player) else {
            return false;
        };
        let Some(&key) = self.by_id.get(&slot.entity) else {
            return false;
        };
        let e = &mut self.entities[key];
        e.away = away;
        e.vel = Vec2::ZERO;
        e.input = PlayerInput::default();
        true
    }

    /// Advances the world by one tick of `dt`. `inputs` replaces the stored input of each player
    /// listed (later entries win; unknown players are ignored); the others keep their last input.
    pub fn step(&mut self, inputs: &[(PlayerId, PlayerInput)]) {
        for (player, input) in inputs {
            let Some(slot) = self.players.get(player) else {
                continue;
            };
            if let Some(&key) = self.by_id.get(&slot.entity) {
                self.entities[key].input = input.sanitized();
            }
        }
        self.respawn_due();
        self.think_bots();
        self.move_and_fire();
        self.advance_projectiles();
        self.record_history();
        self.tick += 1;
    }

    /// Ticks stepped so far.
    pub fn tick(&self) -> u64 {
        self.tick
    }

    /// The tick rate in use, in ticks per second (the configured one, clamped).
    pub fn tick_rate(&self) -> u32 {
        self.tick_rate
    }

    /// The fixed time step, in seconds (`1 / tick_rate` in f32).
    pub fn dt(&self) -> f32 {
        self.dt
    }

    /// Every entity, in no particular order.
    pub fn entities(&self) -> impl Iterator<Item = &Entity> {
        self.entities.values()
    }

    /// Every entity, in id order.
    pub fn entities_by_id(&self) -> impl Iterator<Item = &Entity> {
        self.by_id.values().map(|&key| &self.entities[key])
    }

    /// Number of entities.
    pub fn entity_count(&self) -> usize {
        self.entities.len()
    }

    /// The entity with this id, if it is still in the world.
    pub fn entity(&self, id: EntityId) -> Option<&Entity> {
        self.by_id.get(&id).and_then(|&key| self.entities.get(key))
    }

    /// The entity of a human player, if the player is in the world.
    pub fn player_entity(&self, player: PlayerId) -> Option<EntityId> {
        self.players.get(&player).map(|slot| slot.entity)
    }

    /// The display name of a player or bot, if it is in the world.
    pub fn name(&self, entity: EntityId) -> Option<&str> {
        self.scores.get(&entity).map(|r| r.name.as_str())
    }

    /// Number of human players.
    pub fn player_count(&self) -> usize {
        self.players.len()
    }

    /// The scoreboard: every player and bot, in entity-id order.
    pub fn scores(&self) -> Vec<ScoreEntry> {
        self.scores
            .iter()
            .map(|(&entity, r)| ScoreEntry {
                entity,
                name: r.name.clone(),
                kills: r.kills,
                deaths: r.deaths,
                is_bot: r.is_bot,
                away: self
                    .by_id
                    .get(&entity)
                    .is_some_and(|&key| self.entities[key].away),
            })
            .collect()
    }

    /// Sets every player's and bot's kills and deaths to zero: a new match begins. Nothing else
    /// changes (positions, health and the RNG go on), so the world stays deterministic.
    pub fn reset_scores(&mut self) {
        for r in self.scores.values_mut() {
            r.kills = 0;
            r.deaths = 0;
        }
    }

    /// The events since the last drain, oldest first. At most `EVENTS_MAX_PENDING` are kept.
    pub fn drain_events(&mut self) -> Vec<GameEvent> {
        self.events.drain(..).collect()
    }

    /// Events dropped because nobody drained them in time, since the world began.
    pub fn events_dropped(&self) -> u64 {
        self.events_dropped
    }

    /// The map.
    pub fn map(&self) -> &Map {
        &self.map
    }

    /// A 64-bit FNV-1a hash of the whole simulation state: tick, RNG state, id counters, every
    /// entity field (floats by their bits) in id order, player slots, bot brains and the
    /// scoreboard. Undrained events are output, not state, and are not included.
    pub fn checksum(&self) -> u64 {
        let mut h = Fnv1a::new();
        h.u64(self.tick);
        h.u32(self.tick_rate);
        h.u64(self.rng.state());
        h.u32(self.next_entity);
        h.u32(self.next_player);
        h.u64(self.by_id.len() as u64);
        for (&id, &key) in &self.by_id {
            let e = &self.entities[key];
            h.u32(id.0);
            h.u8(e.kind.tag());
            for v in [e.pos.x, e.pos.y, e.vel.x, e.vel.y, e.angle, e.radius] {
                h.f32(v);
            }
            h.u8(e.hp);
            h.u32(e.owner.map_or(0, |o| o.0));
            h.u8(e.input.move_x as u8);
            h.u8(e.input.move_y as u8);
            h.f32(e.input.aim);
            h.u8(u8::from(e.input.fire));
            h.u32(e.cooldown);
            h.u32(e.respawn_in);
            h.u32(e.life);
            h.u8(u8::from(e.away));
            h.u32(u32::from(e.rewind));
            h.u32(u32::from(e.input.rewind));
            match e.launch_from {
                Some(p) => {
                    h.u8(1);
                    h.f32(p.x);
                    h.f32(p.y);
                }
                None => h.u8(0),
            }
        }
        for (player, slot) in &self.players {
            h.u32(player.0);
            h.u32(slot.entity.0);
        }
        for (id, brain) in &self.bots {
            h.u32(id.0);
            brain.hash_into(&mut h);
        }
        for (id, r) in &self.scores {
            h.u32(id.0);
            h.str(&r.name);
            h.u32(r.kills);
            h.u32(r.deaths);
            h.u8(u8::from(r.is_bot));
        }
        h.finish()
    }

    /// Allocates an entity id that is not in use.
    /// Where every living actor ended this tick, for lag compensation.
    fn record_history(&mut self) {
        let entities = &self.entities;
        self.history.record(self.by_id.values().filter_map(|&key| {
            let e = &entities[key];
            e.is_alive_actor().then_some((e.id, e.pos))
        }));
    }

    pub(crate) fn alloc_entity_id(&mut self) -> EntityId {
        EntityId(alloc_id(&mut self.next_entity, |id| {
            self.by_id.contains_key(&EntityId(id))
        }))
    }

    /// Inserts an entity and indexes it by id.
    pub(crate) fn insert_entity(&mut self, entity: Entity) {
        let id = entity.id;
        let key = self.entities.insert(entity);
        self.by_id.insert(id, key);
    }

    /// Removes an entity by id, if present.
    pub(crate) fn remove_entity(&mut self, id: EntityId) {
        if let Some(key) = self.by_id.remove(&id) {
            self.entities.remove(key);
        }
    }

    /// Keys of all entities, in id order (a snapshot, so the caller may mutate while iterating).
    pub(crate) fn keys_in_id_order(&self) -> Vec<EntityKey> {
        self.by_id.values().copied().collect()
    }

    /// Records an event, dropping the oldest past the cap.
    pub(crate) fn push_event(&mut self, event: GameEvent) {
        if self.events.len() >= EVENTS_MAX_PENDING {
            self.events.pop_front();
            self.events_dropped += 1;
        }
        self.events.push_back(event);
    }

    /// Creates a living player or bot at a free spawn point, with a scoreboard line.
    fn spawn_actor(&mut self, kind: EntityKind, name: String) -> EntityId {
        let id = self.alloc_entity_id();
        let pos = self.pick_spawn();
        self.insert_entity(Entity {
            id,
            kind,
            pos,
            vel: Vec2::ZERO,
            angle: 0.0,
            hp: MAX_HP,
            radius: PLAYER_RADIUS,
            owner: None,
            input: PlayerInput::default(),
            cooldown: 0,
            respawn_in: 0,
            life: 0,
            launch_from: None,
            away: false,
            rewind: 0,
        });
        let is_bot = kind == EntityKind::Bot;
        self.scores.insert(
            id,
            ScoreRecord {
                name,
                kills: 0,
                deaths: 0,
                is_bot,
            },
        );
        id
    }
}

/// Takes the next id from `counter` (never 0), wrapping after `u32::MAX` and skipping ids for
/// which `in_use` is true. Ends because a world cannot hold 2^32 - 1 live things.
fn alloc_id(counter: &mut u32, in_use: impl Fn(u32) -> bool) -> u32 {
    loop {
        let id = *counter;
        *counter = counter.checked_add(1).unwrap_or(1);
        if id != 0 && !in_use(id) {
            return id;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alloc_id_wraps_and_skips_live_ids() {
        let mut counter = u32::MAX - 1;
        let live = [u32::MAX, 1, 2];
        assert_eq!(
            alloc_id(&mut counter, |id| live.contains(&id)),
            u32::MAX - 1
        );
        assert_eq!(alloc_id(&mut counter, |id| live.contains(&id)), 3);
        assert_eq!(counter, 4);
    }
}

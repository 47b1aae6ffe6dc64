//! `Room`: one match. A plain struct that owns a world and its players, driven by `handle_*`
//! calls and `tick()`; it does no IO and knows nothing of sockets or time.

use std::collections::VecDeque;
use std::sync::Arc;

use tickwire_protocol::{
    ClientId, EntityId, GameEventMsg, MAX_NAME_CHARS, MapInfo, PROTOCOL_VERSION, ScoreEntry,
    ServerMsg, Tick, WallInfo, Welcome, codec,
};
use tickwire_sim::{GameEvent, Map, PlayerId, PlayerInput, World, WorldConfig};

use crate::input_buffer::InputBuffer;
use crate::metrics::Metrics;
use crate::snapshot::{SnapshotFrame, capture};

/// Game events kept for sessions that skipped a few snapshots.
const EVENT_LOG_LEN: usize = 32;

/// The numbers a room runs by.
#[derive(Clone, Copy, Debug)]
pub struct RoomConfig {
    /// Simulation ticks per second.
    pub tick_rate: u32,
    /// Ticks between snapshots.
    pub ticks_per_snapshot: u32,
    /// Most human players.
    pub capacity: usize,
    /// Bots in the world.
    pub bots: u32,
}

/// What a successful join gives the session.
#[derive(Clone, Debug)]
pub struct Joined {
    /// Index of the player in every frame's `acks`.
    pub slot: usize,
    /// The player's entity.
    pub entity: EntityId,
    /// The welcome message to send first.
    pub welcome: Welcome,
}

/// The room has no space.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("room is full")]
pub struct RoomFull;

#[derive(Debug)]
struct PlayerSlot {
    player: PlayerId,
    inputs: Arc<InputBuffer>,
    last_input: PlayerInput,
    ack: u32,
}

/// One match: a world, its players, and what it last published.
pub struct Room {
    world: World,
    config: RoomConfig,
    map_info: MapInfo,
    slots: Vec<Option<PlayerSlot>>,
    players: usize,
    scoreboard: Arc<(u64, Vec<u8>)>,
    scores: Vec<ScoreEntry>,
    events: VecDeque<(u64, Vec<u8>)>,
    next_event: u64,
    metrics: Arc<Metrics>,
    step_inputs: Vec<(PlayerId, PlayerInput)>,
}

impl Room {
    /// A room running `map` with `seed`.
    pub fn new(map: Map, config: RoomConfig, seed: u64, metrics: Arc<Metrics>) -> Room {
        let map_info = map_info(&map);
        let world = World::new(
            map,
            WorldConfig {
                tick_rate: config.tick_rate,
                bots: config.bots,
            },
            seed,
        );
        let mut room = Room {
            world,
            config,
            map_info,
            slots: Vec::new(),
            players: 0,
            scoreboard: Arc::new((0, Vec::new())),
            scores: Vec::new(),
            events: VecDeque::with_capacity(EVENT_LOG_LEN),
            next_event: 1,
            metrics,
            step_inputs: Vec::new(),
        };
        room.refresh_scoreboard();
        room
    }

    /// Adds a player; its inputs will be read from `inputs` once per tick.
    pub fn handle_join(
        &mut self,
        client: ClientId,
        name: &str,
        inputs: Arc<InputBuffer>,
    ) -> Result<Joined, RoomFull> {
        if self.players >= self.config.capacity {
            return Err(RoomFull);
        }
        let (player, entity) = self.world.add_player(&clean_name(name));
        let slot = PlayerSlot {
            player,
            inputs,
            last_input: PlayerInput::default(),
            ack: 0,
        };
        let index = match self.slots.iter().position(Option::is_none) {
            Some(i) => {
                self.slots[i] = Some(slot);
                i
            }
            None => {
                self.slots.push(Some(slot));
                self.slots.len() - 1
            }
        };
        self.players += 1;
        self.refresh_scoreboard();
        Ok(Joined {
            slot: index,
            entity: EntityId(entity.0),
            welcome: Welcome {
                protocol_version: PROTOCOL_VERSION,
                client_id: client,
                entity_id: EntityId(entity.0),
                tick_rate: self.config.tick_rate as u16,
                snapshot_rate: (self.config.tick_rate / self.config.ticks_per_snapshot) as u16,
                tick: Tick(self.world.tick() as u32),
                map: self.map_info.clone(),
            },
        })
    }

    /// Removes the player in `slot` (its entity leaves the world now).
    pub fn handle_leave(&mut self, slot: usize) {
        if let Some(p) = self.slots.get_mut(slot).and_then(Option::take) {
            self.world.remove_player(p.player);
            self.players -= 1;
            self.refresh_scoreboard();
        }
    }

    /// Runs one simulation tick. On snapshot ticks, returns the frame to publish.
    pub fn tick(&mut self) -> Option<Arc<SnapshotFrame>> {
        let gone: Vec<usize> = (0..self.slots.len())
            .filter(|&i| self.slots[i].as_ref().is_some_and(|p| p.inputs.is_closed()))
            .collect();
        for slot in gone {
            self.handle_leave(slot);
        }

        self.step_inputs.clear();
        for p in self.slots.iter_mut().flatten() {
            let (input, skipped) = p.inputs.take();
            if skipped > 0 {
                self.metrics
                    .inputs_dropped
                    .fetch_add(skipped as u64, std::sync::atomic::Ordering::Relaxed);
            }
            if let Some(input) = input {
                p.last_input = to_sim_input(&input);
                p.ack = input.seq;
            }
            // With no new input, the last one repeats: the player keeps doing what it did.
            self.step_inputs.push((p.player, p.last_input));
        }
        self.world.step(&self.step_inputs);

        let events = self.world.drain_events();
        let mut scores_changed = false;
        for event in events {
            if let GameEvent::Kill { killer, victim } = event {
                scores_changed = true;
                self.log_event(GameEventMsg::Kill {
                    killer: EntityId(killer.0),
                    victim: EntityId(victim.0),
                });
            }
        }
        if scores_changed {
            self.refresh_scoreboard();
        }

        if self.world.tick() % u64::from(self.config.ticks_per_snapshot) != 0 {
            return None;
        }
        let acks = self
            .slots
            .iter()
            .map(|s| s.as_ref().map_or(0, |p| p.ack))
            .collect();
        Some(Arc::new(SnapshotFrame::new(
            capture(&self.world),
            acks,
            self.scoreboard.clone(),
            Arc::new(self.events.iter().cloned().collect()),
        )))
    }

    /// Human players in the room.
    pub fn player_count(&self) -> usize {
        self.players
    }

    /// The world, for inspection.
    pub fn world(&self) -> &World {
        &self.world
    }

    fn log_event(&mut self, event: GameEventMsg) {
        let mut bytes = Vec::new();
        if codec::encode_server(&ServerMsg::Event(event), &mut bytes).is_ok() {
            if self.events.len() == EVENT_LOG_LEN {
                self.events.pop_front();
            }
            self.events.push_back((self.next_event, bytes));
            self.next_event += 1;
        }
    }

    fn refresh_scoreboard(&mut self) {
        let scores: Vec<ScoreEntry> = self
            .world
            .scores()
            .into_iter()
            .map(|s| ScoreEntry {
                entity: EntityId(s.entity.0),
                name: s.name,
                kills: s.kills,
                deaths: s.deaths,
                bot: s.is_bot,
            })
            .collect();
        if scores == self.scores && self.scoreboard.0 != 0 {
            return;
        }
        let mut bytes = Vec::new();
        if codec::encode_server(&ServerMsg::Scoreboard(scores.clone()), &mut bytes).is_ok() {
            self.scoreboard = Arc::new((self.scoreboard.0 + 1, bytes));
            self.scores = scores;
        }
    }
}

/// The arena reads the sign of each movement axis; anything under half a unit is no movement.
fn to_sim_input(input: &tickwire_protocol::Input) -> PlayerInput {
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
    }
}

/// A display name with control characters removed and spaces trimmed; never empty.
pub fn clean_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "player".to_string()
    } else {
        cleaned.to_string()
    }
}

fn map_info(map: &Map) -> MapInfo {
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

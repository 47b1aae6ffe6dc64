//! `Room`: one match. A plain struct that owns a game and its players, driven by `handle_*`
//! calls and `tick()`; it does no IO and knows nothing of sockets or time.

use std::collections::VecDeque;
use std::sync::Arc;

use tickwire_protocol::{
    ClientId, EntityId, GameEventMsg, Input, MAX_NAME_CHARS, MapInfo, PROTOCOL_VERSION, ScoreEntry,
    ServerMsg, Tick, Welcome, WorldState, codec,
};

use crate::game::{Game, GameNews, PlayerHandle};
use crate::input_buffer::InputBuffer;
use crate::match_clock::{self, FinalScore, MatchClock, MatchOutcome, Present};
use crate::metrics::Metrics;
use crate::snapshot::SnapshotFrame;

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
    /// With area of interest, how far a player sees (world units); `None`: the whole world.
    pub view_radius: Option<f32>,
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
    player: PlayerHandle,
    inputs: Arc<InputBuffer>,
    ack: u32,
    entity: EntityId,
    player_id: String,
    joined_tick: u64,
}

/// One match: a game, its players, and what it last published.
pub struct Room {
    game: Box<dyn Game>,
    config: RoomConfig,
    map_info: MapInfo,
    slots: Vec<Option<PlayerSlot>>,
    players: usize,
    scoreboard: Arc<(u64, Vec<u8>)>,
    scores: Vec<ScoreEntry>,
    events: VecDeque<(u64, Vec<u8>)>,
    events_shared: Arc<Vec<(u64, Vec<u8>)>>,
    next_event: u64,
    metrics: Arc<Metrics>,
    step_inputs: Vec<(PlayerHandle, Input)>,
    clock: MatchClock,
    departed: Vec<FinalScore>,
    finished: Option<MatchOutcome>,
    match_end: Arc<(u64, Vec<u8>)>,
}

impl Room {
    /// A room running `game`.
    pub fn new(game: Box<dyn Game>, config: RoomConfig, metrics: Arc<Metrics>) -> Room {
        let map_info = game.map_info();
        let mut room = Room {
            game,
            config,
            map_info,
            slots: Vec::new(),
            players: 0,
            scoreboard: Arc::new((0, Vec::new())),
            scores: Vec::new(),
            events: VecDeque::with_capacity(EVENT_LOG_LEN),
            events_shared: Arc::new(Vec::new()),
            next_event: 1,
            metrics,
            step_inputs: Vec::new(),
            clock: MatchClock::endless(),
            departed: Vec::new(),
            finished: None,
            match_end: Arc::new((0, Vec::new())),
        };
        room.refresh_scoreboard();
        room
    }

    /// Gives the room matches that end by `clock` (rooms run one endless match by default).
    pub fn with_match_clock(mut self, clock: MatchClock) -> Room {
        self.clock = clock;
        self.clock.restart(self.game.tick());
        self
    }

    /// Adds a guest player (its id derived from its name, see [`match_clock::guest_id`]); its
    /// inputs will be read from `inputs` once per tick.
    pub fn handle_join(
        &mut self,
        client: ClientId,
        name: &str,
        inputs: Arc<InputBuffer>,
    ) -> Result<Joined, RoomFull> {
        self.handle_join_as(client, &match_clock::guest_id(name), name, inputs)
    }

    /// Adds the player `player_id` (as match results name it) under `name`.
    pub fn handle_join_as(
        &mut self,
        client: ClientId,
        player_id: &str,
        name: &str,
        inputs: Arc<InputBuffer>,
    ) -> Result<Joined, RoomFull> {
        if self.players >= self.config.capacity {
            return Err(RoomFull);
        }
        let (player, entity) = self.game.add_player(&clean_name(name));
        let slot = PlayerSlot {
            player,
            inputs,
            ack: 0,
            entity,
            player_id: player_id.to_owned(),
            joined_tick: self.game.tick(),
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
            entity,
            welcome: Welcome {
                protocol_version: PROTOCOL_VERSION,
                client_id: client,
                entity_id: entity,
                tick_rate: self.config.tick_rate as u16,
                snapshot_rate: (self.config.tick_rate / self.config.ticks_per_snapshot) as u16,
                tick: Tick(self.game.tick() as u32),
                map: self.map_info.clone(),
            },
        })
    }

    /// Removes the player in `slot` (its entity leaves the world now).
    pub fn handle_leave(&mut self, slot: usize) {
        if let Some(p) = self.slots.get_mut(slot).and_then(Option::take) {
            if self.clock.has_matches() {
                let leaving = Present {
                    entity: p.entity,
                    player_id: &p.player_id,
                    joined_tick: p.joined_tick,
                };
                let tick = self.game.tick();
                let line = match_clock::departed_line(&self.scores, leaving, &self.clock, tick);
                self.departed.extend(line);
            }
            self.game.remove_player(p.player);
            self.players -= 1;
            self.refresh_scoreboard();
        }
    }

    /// Runs one simulation tick. On snapshot ticks, returns the frame to publish.
    pub fn tick(&mut self) -> Option<Arc<SnapshotFrame>> {
        for slot in 0..self.slots.len() {
            if self.slots[slot]
                .as_ref()
                .is_some_and(|p| p.inputs.is_closed())
            {
                self.handle_leave(slot);
            }
        }

        self.step_inputs.clear();
        let mut dropped = 0;
        for p in self.slots.iter_mut().flatten() {
            let (input, skipped) = p.inputs.take();
            dropped += skipped as u64;
            if let Some(input) = input {
                p.ack = input.seq;
                self.step_inputs.push((p.player, input));
            }
        }
        if dropped > 0 {
            self.metrics.inputs_dropped.inc_by(dropped);
        }
        self.game.step(&self.step_inputs);

        let news = self.game.drain_news();
        if !news.is_empty() {
            for n in news {
                let GameNews::Kill { killer, victim } = n;
                self.log_event(GameEventMsg::Kill { killer, victim });
            }
            self.events_shared = Arc::new(self.events.iter().cloned().collect());
            self.refresh_scoreboard();
        }
        if self.clock.is_over(self.game.tick()) {
            self.finish_match();
        }

        if !self
            .game
            .tick()
            .is_multiple_of(u64::from(self.config.ticks_per_snapshot))
        {
            return None;
        }
        let acks = self
            .slots
            .iter()
            .map(|s| s.as_ref().map_or(0, |p| p.ack))
            .collect();
        let mut state = WorldState::default();
        let fixed = self.game.fixed_payload();
        if fixed.is_none() {
            self.game.capture(&mut state);
        } else {
            state.tick = Tick(self.game.tick() as u32);
        }
        Some(Arc::new(
            SnapshotFrame::new(
                state,
                acks,
                self.scoreboard.clone(),
                self.events_shared.clone(),
                fixed,
                self.config.view_radius,
            )
            .with_match_end(self.match_end.clone()),
        ))
    }

    /// The match that ended on the last tick, once: its lines, for the room task to stamp with
    /// times, store and announce. Scores have been reset and the next match has begun.
    pub fn poll_match_end(&mut self) -> Option<MatchOutcome> {
        self.finished.take()
    }

    /// Sends `message` (an encoded `ServerMsg::MatchEnd`) to every player with the next
    /// snapshots; each session sends it once.
    pub fn announce_match_end(&mut self, message: Vec<u8>) {
        self.match_end = Arc::new((self.match_end.0 + 1, message));
    }

    fn finish_match(&mut self) {
        let tick = self.game.tick();
        let present: Vec<Present<'_>> = self
            .slots
            .iter()
            .flatten()
            .map(|p| Present {
                entity: p.entity,
                player_id: &p.player_id,
                joined_tick: p.joined_tick,
            })
            .collect();
        let departed = std::mem::take(&mut self.departed);
        let scores =
            match_clock::final_scores(self.game.scores(), &present, departed, &self.clock, tick);
        self.finished = Some(MatchOutcome {
            started_tick: self.clock.started_tick(),
            ended_tick: tick,
            scores,
        });
        self.game.reset_scores();
        self.clock.restart(tick);
        self.refresh_scoreboard();
    }

    /// Human players in the room.
    pub fn player_count(&self) -> usize {
        self.players
    }

    /// The numbers this room runs by.
    pub fn config(&self) -> RoomConfig {
        self.config
    }

    /// The name of the game's map.
    pub fn map_name(&self) -> &str {
        &self.map_info.name
    }

    /// The game, for inspection.
    pub fn game(&self) -> &dyn Game {
        self.game.as_ref()
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
        let scores = self.game.scores();
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

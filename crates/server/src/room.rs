//! `Room`: one match. A plain struct that owns a game and its players, driven by `handle_*`
//! calls and `tick()`; it does no IO and knows nothing of sockets or time.

use std::collections::VecDeque;
use std::sync::Arc;

use tickwire_protocol::{
    ClientId, EntityId, GameEventMsg, Input, InputAck, MAX_NAME_CHARS, MapInfo, PROTOCOL_VERSION,
    ScoreEntry, ServerMsg, Tick, Welcome, WorldState, codec,
};

use crate::game::{Game, GameNews, PlayerHandle};
use crate::input_buffer::InputBuffer;
use crate::input_pacer::{Applied, InputPacer};
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
    /// Lag compensation: the most ticks an input's `view_tick` may lie in the past; older ones
    /// are brought forward to this bound (0: every input is judged at the present).
    pub max_rewind_ticks: u32,
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
    pacer: InputPacer,
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
        let (player, entity) = self.game.add_player(&clean_name(name));
        let slot = PlayerSlot {
            player,
            inputs,
            pacer: InputPacer::new(self.config.tick_rate),
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
        let mut repeated = 0;
        let mut rewound = (0, 0);
        let now = self.game.tick() as u32;
        for p in self.slots.iter_mut().flatten() {
            let (input, skipped, depth) = p
                .inputs
                .take_from(p.pacer.expected(), p.pacer.accept_late());
            dropped += skipped as u64;
            match p.pacer.on_tick(depth, input, skipped) {
                Applied::Fresh(mut input) => {
                    input.view_tick =
                        bounded_view(now, input.view_tick, self.config.max_rewind_ticks);
                    let back = now.wrapping_sub(input.view_tick);
                    if input.fire && back > 0 {
                        rewound.0 += 1;
                        rewound.1 += u64::from(back);
                    }
                    self.step_inputs.push((p.player, input));
                }
                Applied::Neutral(mut input) => {
                    input.view_tick = now;
                    repeated += 1;
                    self.step_inputs.push((p.player, input));
                }
                Applied::Repeat => repeated += 1,
                Applied::Nothing => {}
            }
        }
        if dropped > 0 {
            self.metrics.inputs_dropped.inc_by(dropped);
        }
        if repeated > 0 {
            self.metrics.netcode.inputs_repeated.inc_by(repeated);
        }
        if rewound.0 > 0 {
            self.metrics.netcode.rewound_shots.inc_by(rewound.0);
            self.metrics.netcode.rewound_ticks.inc_by(rewound.1);
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
            .map(|s| s.as_ref().map_or(InputAck::default(), |p| p.pacer.ack()))
            .collect();
        let mut state = WorldState::default();
        let fixed = self.game.fixed_payload();
        if fixed.is_none() {
            self.game.capture(&mut state);
        } else {
            state.tick = Tick(self.game.tick() as u32);
        }
        Some(Arc::new(SnapshotFrame::new(
            state,
            acks,
            self.scoreboard.clone(),
            self.events_shared.clone(),
            fixed,
            self.config.view_radius,
        )))
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

/// The tick an input's shot is judged at: what the client saw (`view`), or the present when it
/// did not say (0), in the future, or further back than `max_back` ticks (then `max_back` ago).
fn bounded_view(now: u32, view: u32, max_back: u32) -> u32 {
    let back = now.wrapping_sub(view);
    if view == 0 || back > u32::MAX / 2 {
        now
    } else {
        now.wrapping_sub(back.min(max_back))
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

#[cfg(test)]
mod tests {
    use super::bounded_view;

    #[test]
    fn a_view_is_judged_no_further_back_than_the_bound() {
        assert_eq!(bounded_view(100, 0, 12), 100, "unknown: the present");
        assert_eq!(bounded_view(100, 95, 12), 95);
        assert_eq!(bounded_view(100, 50, 12), 88, "too far back: the bound");
        assert_eq!(bounded_view(100, 130, 12), 100, "the future: the present");
        assert_eq!(bounded_view(100, 95, 0), 100, "lag compensation off");
        assert_eq!(
            bounded_view(3, u32::MAX - 2, 12),
            u32::MAX - 2,
            "across the wrap"
        );
    }
}

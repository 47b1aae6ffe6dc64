//! `Room`: one match. A plain struct that owns a game and its players, driven by `handle_*`
//! calls and `tick()`; it does no IO and knows nothing of sockets or time.

use std::sync::Arc;

use tickwire_protocol::{
    ClientId, EntityId, GameEventMsg, InputAck, MapInfo, PROTOCOL_VERSION, Record, Schema,
    ScoreEntry, ServerMsg, Tick, Welcome, World, codec, write_record,
};
use tickwire_store::EndedBy;

use crate::auth::resume_token::ResumeToken;
use crate::game::{Audience, Game, GameEvent, PlayerHandle, TickInput};
use crate::inputs::input_buffer::InputBuffer;
use crate::inputs::input_pacer::{Applied, InputPacer};
use crate::recording::room_recording::RoomRecording;
use crate::rooms::event_log::EventLog;
use crate::rooms::match_clock::{self, FinalScore, MatchClock, MatchOutcome, Present};
use crate::rooms::snapshot::SnapshotFrame;
use crate::telemetry::metrics::Metrics;

/// Most events to everyone ([`Audience::Everyone`]) a room sends a tick; more are dropped and
/// counted, so that one game cannot flood every session of the server.
pub const MAX_EVERYONE_PER_TICK: usize = 4;

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
    /// Ticks a dropped player's seat is held for it to resume; 0: freed at once.
    pub hold_ticks: u64,
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

/// Why a resume token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResumeRefused {
    /// No seat holds this token: its window ran out (the seat is gone), it was used already,
    /// or it never was one.
    #[error("the seat is gone (the reconnect window ran out, or the token was used)")]
    Unknown,
    /// The token's room does not run any more.
    #[error("the room stopped")]
    RoomStopped,
}

/// What happened to a held seat, for the room task to log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeatEvent {
    /// A player's connection dropped; its seat is held for it.
    Held(EntityId),
    /// A held seat's window ran out; the seat is freed and its entity removed.
    Expired(EntityId),
}

#[derive(Debug)]
struct PlayerSlot {
    player: PlayerHandle,
    entity: EntityId,
    inputs: Arc<InputBuffer>,
    /// The token that takes this seat back; `None` when the seat cannot be resumed.
    resume: Option<ResumeToken>,
    /// While the seat is held after a drop: the game tick at which it is freed.
    held_until: Option<u64>,
    player_id: String,
    /// The player's own name, as it joined: stored with its results, whatever label the game
    /// shows (a dropped player's is marked "(away)").
    name: String,
    joined_tick: u64,
    pacer: InputPacer,
}

/// One match: a game, its players, and what it last published.
pub struct Room {
    game: Box<dyn Game>,
    config: RoomConfig,
    map_info: MapInfo,
    schema: Arc<Schema>,
    /// The transport-floor benchmark's frame, sent instead of the world.
    fixed: Option<Arc<Vec<u8>>>,
    /// The last capture's entities and slots, to size the next one.
    captured: (usize, usize),
    /// With area of interest, the last frame: the next one's deltas share their step from it
    /// (and from the frame before it).
    last_frame: Option<Arc<SnapshotFrame>>,
    slots: Vec<Option<PlayerSlot>>,
    players: usize,
    scoreboard: Arc<(u64, Vec<u8>)>,
    scores: Vec<ScoreEntry>,
    events: EventLog,
    /// Encoded events to every session of the server, until the room task takes them.
    to_everyone: Vec<Vec<u8>>,
    metrics: Arc<Metrics>,
    /// The inputs of this tick's step, in `step_inputs[..staged]`; the entries past it keep
    /// their buffers for the next ticks, so that staging an input allocates nothing.
    step_inputs: Vec<(PlayerHandle, TickInput)>,
    staged: usize,
    seat_events: Vec<SeatEvent>,
    clock: MatchClock,
    departed: Vec<FinalScore>,
    finished: Option<MatchOutcome>,
    match_end: Arc<(u64, Vec<u8>)>,
    recording: Option<RoomRecording>,
}

impl Room {
    /// A room running `game`.
    pub fn new(game: Box<dyn Game>, config: RoomConfig, metrics: Arc<Metrics>) -> Room {
        let map_info = game.map_info();
        let schema = game.schema();
        let mut room = Room {
            game,
            config,
            map_info,
            schema,
            fixed: None,
            captured: (0, 0),
            last_frame: None,
            slots: Vec::new(),
            players: 0,
            scoreboard: Arc::new((0, Vec::new())),
            scores: Vec::new(),
            events: EventLog::new(),
            to_everyone: Vec::new(),
            metrics,
            step_inputs: Vec::new(),
            staged: 0,
            seat_events: Vec::new(),
            clock: MatchClock::endless(),
            departed: Vec::new(),
            finished: None,
            match_end: Arc::new((0, Vec::new())),
            recording: None,
        };
        room.refresh_scoreboard();
        room
    }

    /// Makes the room send `frame` on every snapshot instead of its world (the transport-floor
    /// benchmark; see [`crate::FixedFrame`]).
    pub fn with_fixed_frame(mut self, frame: Option<crate::FixedFrame>) -> Room {
        self.fixed = frame.map(|f| f.0);
        self
    }

    /// Records the match from now on into `recording` (begun at [`Room::game`]'s tick): its
    /// first keyframe is the world now. A room sending a fixed frame records nothing.
    pub fn with_recording(mut self, recording: RoomRecording) -> Room {
        self.start_recording(recording);
        self
    }

    /// Records from now on into `recording` (begun at [`Room::game`]'s tick), in place of any
    /// recording under way; its first keyframe is the world now. A room sending a fixed frame
    /// records nothing.
    pub fn start_recording(&mut self, mut recording: RoomRecording) {
        if self.fixed.is_some() {
            return;
        }
        let mut world = World::new(Tick(self.game.tick() as u32));
        self.game.capture(&mut world);
        recording.end_keyframe(Arc::new(world));
        self.recording = Some(recording);
    }

    /// Stops recording and hands the recording back (dropping it lets its writer finish).
    pub fn take_recording(&mut self) -> Option<RoomRecording> {
        self.recording.take()
    }

    /// Whether the room records its match, and nothing was lost so far.
    pub fn is_recording(&self) -> bool {
        self.recording.as_ref().is_some_and(RoomRecording::is_whole)
    }

    /// The schema of the room's game.
    pub fn schema(&self) -> &Arc<Schema> {
        &self.schema
    }

    /// Gives the room matches that end by `clock` (rooms run one endless match by default).
    pub fn with_match_clock(mut self, clock: MatchClock) -> Room {
        self.clock = clock;
        self.clock.restart(self.game.tick());
        self
    }

    /// Adds a guest player (its id derived from its name, see `guest_id`); its
    /// inputs will be read from `inputs` once per tick.
    pub fn handle_join(
        &mut self,
        client: ClientId,
        name: &str,
        inputs: Arc<InputBuffer>,
    ) -> Result<Joined, RoomFull> {
        self.handle_join_resumable(client, &match_clock::guest_id(name), name, inputs, None)
    }

    /// Adds the player `player_id` (as match results name it) under `name`, with no resume.
    pub fn handle_join_as(
        &mut self,
        client: ClientId,
        player_id: &str,
        name: &str,
        inputs: Arc<InputBuffer>,
    ) -> Result<Joined, RoomFull> {
        self.handle_join_resumable(client, player_id, name, inputs, None)
    }

    /// Adds the player `player_id` (as match results name it) under `name`, whose seat `resume`
    /// takes back after a dropped connection (when the room holds seats,
    /// `RoomConfig::hold_ticks`); the welcome carries the token.
    pub fn handle_join_resumable(
        &mut self,
        client: ClientId,
        player_id: &str,
        name: &str,
        inputs: Arc<InputBuffer>,
        resume: Option<ResumeToken>,
    ) -> Result<Joined, RoomFull> {
        if self.players >= self.config.capacity {
            return Err(RoomFull);
        }
        let name = crate::rooms::player_name::clean_name(name);
        let (player, entity) = self.game.add_player(&name);
        if let Some(r) = &mut self.recording {
            r.join(&name, player, entity.0);
        }
        let resume = resume.filter(|_| self.config.hold_ticks > 0);
        let slot = PlayerSlot {
            player,
            entity,
            inputs,
            resume,
            held_until: None,
            player_id: player_id.to_owned(),
            name,
            joined_tick: self.game.tick(),
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
            welcome: self.welcome(client, entity, resume, false),
        })
    }

    /// Gives the seat that holds `token` back to a new session: the same entity and score, a
    /// fresh token (`next`; the old one no longer works), inputs from `inputs`. A seat held
    /// after a drop comes back; so does one whose connection still looks open (the old session
    /// is told to end: [`InputBuffer::replaced`]). A seat whose player left does not.
    pub fn handle_resume(
        &mut self,
        client: ClientId,
        token: &ResumeToken,
        inputs: Arc<InputBuffer>,
        next: Option<ResumeToken>,
    ) -> Result<Joined, ResumeRefused> {
        let index = self
            .slots
            .iter()
            .position(|s| {
                s.as_ref()
                    .and_then(|p| p.resume.as_ref())
                    .is_some_and(|t| t.matches(token))
            })
            .ok_or(ResumeRefused::Unknown)?;
        let welcome_token;
        let entity;
        {
            let Some(p) = self.slots[index].as_mut() else {
                return Err(ResumeRefused::Unknown);
            };
            if p.held_until.is_none() && p.inputs.is_closed() && !p.inputs.is_dropped() {
                // Leaving for good: the seat is freed at the next tick.
                return Err(ResumeRefused::Unknown);
            }
            if !p.inputs.is_closed() {
                // The old connection still looks open (a network that vanished without a
                // word): the token's holder is back on a new one, which takes the seat over.
                p.inputs.replace();
            }
            p.inputs = inputs;
            // The new session numbers its inputs afresh.
            // The new connection numbers its inputs afresh.
            p.pacer = InputPacer::new(self.config.tick_rate);
            p.resume = next;
            welcome_token = next;
            entity = p.entity;
            if p.held_until.take().is_some() {
                self.game.set_away(p.player, false);
                if let Some(r) = &mut self.recording {
                    r.away(p.player, false);
                }
            }
        }
        self.metrics.seats_resumed.inc();
        self.refresh_scoreboard();
        Ok(Joined {
            slot: index,
            entity,
            welcome: self.welcome(client, entity, welcome_token, false),
        })
    }

    /// The welcome of a spectator: no entity, no seat, no token.
    pub fn handle_spectate(&self, client: ClientId) -> Welcome {
        self.welcome(client, EntityId(0), None, true)
    }

    /// What happened to held seats since the last call.
    pub fn poll_seat_events(&mut self) -> impl Iterator<Item = SeatEvent> + '_ {
        self.seat_events.drain(..)
    }

    fn welcome(
        &self,
        client: ClientId,
        entity: EntityId,
        resume: Option<ResumeToken>,
        spectator: bool,
    ) -> Welcome {
        Welcome {
            protocol_version: PROTOCOL_VERSION,
            client_id: client,
            entity_id: entity,
            tick_rate: self.config.tick_rate as u16,
            snapshot_rate: (self.config.tick_rate / self.config.ticks_per_snapshot) as u16,
            tick: Tick(self.game.tick() as u32),
            map: self.map_info.clone(),
            // The room does not know its number; the session sets it from the room's handle.
            room: 0,
            resume_token: resume.map(|t| t.to_string()).unwrap_or_default(),
            spectator,
            schema: (*self.schema).clone(),
        }
    }

    /// Frees held seats whose window ran out and starts holding the seats of dropped sessions;
    /// removes players that left.
    fn settle_departures(&mut self) {
        let now = self.game.tick();
        for slot in 0..self.slots.len() {
            let Some(p) = self.slots[slot].as_mut() else {
                continue;
            };
            if let Some(until) = p.held_until {
                if now >= until {
                    let entity = p.entity;
                    self.handle_leave(slot);
                    self.metrics.seats_expired.inc();
                    self.seat_events.push(SeatEvent::Expired(entity));
                }
                continue;
            }
            if !p.inputs.is_closed() {
                continue;
            }
            if p.inputs.is_dropped() && p.resume.is_some() && self.config.hold_ticks > 0 {
                p.held_until = Some(now + self.config.hold_ticks);
                let (player, entity) = (p.player, p.entity);
                self.game.set_away(player, true);
                if let Some(r) = &mut self.recording {
                    r.away(player, true);
                }
                self.metrics.seats_held.inc();
                self.seat_events.push(SeatEvent::Held(entity));
                self.refresh_scoreboard();
            } else {
                self.handle_leave(slot);
            }
        }
    }

    /// Removes the player in `slot` (its entity leaves the world now).
    pub fn handle_leave(&mut self, slot: usize) {
        if let Some(p) = self.slots.get_mut(slot).and_then(Option::take) {
            if self.clock.has_matches() {
                let leaving = Present {
                    entity: p.entity,
                    player_id: &p.player_id,
                    name: &p.name,
                    joined_tick: p.joined_tick,
                };
                let tick = self.game.tick();
                let line = match_clock::departed_line(&self.scores, leaving, &self.clock, tick);
                self.departed.extend(line);
            }
            self.game.remove_player(p.player);
            if let Some(r) = &mut self.recording {
                r.leave(p.player);
            }
            self.players -= 1;
            self.refresh_scoreboard();
        }
    }

    /// Runs one simulation tick. On snapshot ticks, returns the frame to publish.
    pub fn tick(&mut self) -> Option<Arc<SnapshotFrame>> {
        self.settle_departures();
        self.stage_inputs();
        self.game.step(&self.step_inputs[..self.staged]);
        if let Some(r) = &mut self.recording {
            r.step(&self.schema, &self.step_inputs[..self.staged]);
        }

        // Events to everyone are taken after every tick (the room task sends them); what no one
        // took is dropped, so that a room run without a task (the tools) holds one tick's worth.
        if !self.to_everyone.is_empty() {
            self.metrics
                .events_dropped
                .inc_by(self.to_everyone.len() as u64);
            self.to_everyone.clear();
        }
        let events = self.game.drain_events();
        let had_events = !events.is_empty();
        for (audience, event) in events {
            self.deliver(audience, event);
        }
        // Scores change with events, and may change with time (a game that counts seconds):
        // read after events, and once a second.
        let second = u64::from(self.config.tick_rate.max(1));
        if had_events || self.game.tick().is_multiple_of(second) {
            self.refresh_scoreboard();
        }
        if self.clock.is_over(self.game.tick()) {
            self.finish_match(EndedBy::Clock);
        }

        if !self
            .game
            .tick()
            .is_multiple_of(u64::from(self.config.ticks_per_snapshot))
        {
            self.end_recorded_tick(None);
            return None;
        }
        let acks = self
            .slots
            .iter()
            .map(|s| s.as_ref().map_or(InputAck::default(), |p| p.pacer.ack()))
            .collect();
        let mut state = World::new(Tick(self.game.tick() as u32));
        if self.fixed.is_none() {
            let (entities, slots) = self.captured;
            state.reserve(entities, slots / entities.max(1));
            self.game.capture(&mut state);
            self.captured = (state.len(), state.slot_count());
        }
        let frame = Arc::new(
            SnapshotFrame::new(
                self.schema.clone(),
                state,
                acks,
                self.scoreboard.clone(),
                self.events.shared(),
                self.fixed.clone(),
                self.config.view_radius,
            )
            .with_match_end(self.match_end.clone())
            .after(self.last_frame.as_deref()),
        );
        if self.config.view_radius.is_some() {
            self.last_frame = Some(frame.clone());
        }
        self.end_recorded_tick(Some(&frame.state));
        Some(frame)
    }

    /// Ends the recording's tick: the checksum (a deterministic game's), and on a snapshot
    /// tick the captured world.
    fn end_recorded_tick(&mut self, captured: Option<&Arc<World>>) {
        if let Some(r) = &mut self.recording {
            let checksum = match r.kind() {
                tickwire_replay::RecordingKind::Inputs => self.game.checksum(),
                tickwire_replay::RecordingKind::Stream => None,
            };
            r.end_tick(self.game.tick(), checksum, captured);
        }
    }

    /// Takes each seated player's input for this tick into `step_inputs[..staged]`: a fresh
    /// one with its rewind (lag compensation, bounded by `max_rewind_ticks`), or the neutral
    /// input of one that went quiet; nothing for a repeat (the game repeats) or a player that
    /// never sent one.
    fn stage_inputs(&mut self) {
        self.staged = 0;
        let (mut dropped, mut surplus) = (0, 0);
        let mut repeated = 0;
        let mut rewound = (0, 0);
        let now = self.game.tick() as u32;
        let input = &self.schema.desc().input;
        for p in self.slots.iter_mut().flatten() {
            if p.held_until.is_some() {
                continue;
            }
            let taken = p.inputs.take_due(p.pacer.due(), input);
            dropped += taken.dropped as u64;
            surplus += taken.surplus as u64;
            let (record, rewind) = match p.pacer.on_tick(taken.depth, taken.input, taken.dropped) {
                Applied::Fresh => {
                    let Some(last) = p.pacer.last() else { continue };
                    let view = bounded_view(now, last.view_tick, self.config.max_rewind_ticks);
                    let back = now.wrapping_sub(view);
                    if back > 0 && crate::inputs::player_input::acts(input, &last.record) {
                        rewound.0 += 1;
                        rewound.1 += u64::from(back);
                    }
                    (&last.record, u16::try_from(back).unwrap_or(u16::MAX))
                }
                Applied::Neutral => {
                    repeated += 1;
                    (p.pacer.neutral(input), 0)
                }
                Applied::Repeat => {
                    repeated += 1;
                    continue;
                }
                Applied::Nothing => continue,
            };
            stage(
                &mut self.step_inputs,
                &mut self.staged,
                p.player,
                record,
                rewind,
            );
        }
        if dropped > 0 {
            self.metrics.inputs_dropped.inc_by(dropped);
        }
        if surplus > 0 {
            self.metrics.netcode.inputs_surplus.inc_by(surplus);
        }
        if repeated > 0 {
            self.metrics.netcode.inputs_repeated.inc_by(repeated);
        }
        if rewound.0 > 0 {
            self.metrics.netcode.rewound_shots.inc_by(rewound.0);
            self.metrics.netcode.rewound_ticks.inc_by(rewound.1);
        }
    }

    /// Encodes `event` once and sends it on its way to `audience`; an event of a kind the schema
    /// lacks, for a player who is not here, or to everyone past this tick's bound is dropped
    /// and counted.
    fn deliver(&mut self, audience: Audience, event: GameEvent) {
        let Some(layout) = self.schema.event_layout(event.kind) else {
            tracing::debug!(
                kind = event.kind,
                "an event of a kind the schema lacks; dropped"
            );
            self.metrics.events_dropped.inc();
            return;
        };
        let mut data = Vec::new();
        write_record(layout, &event.record, &mut data);
        let message = ServerMsg::Event(GameEventMsg {
            kind: event.kind,
            data,
        });
        let mut bytes = Vec::new();
        if codec::encode_server(&message, &mut bytes).is_err() {
            self.metrics.events_dropped.inc();
            return;
        }
        if let (Some(r), Audience::Room | Audience::Everyone) = (&mut self.recording, audience) {
            r.event(event.kind, &event.record, &self.schema);
        }
        match audience {
            Audience::Room => self.events.push(None, bytes),
            Audience::Player(player) => {
                let slot = self
                    .slots
                    .iter()
                    .position(|s| s.as_ref().is_some_and(|p| p.player == player));
                match slot {
                    Some(slot) => self.events.push(Some(slot), bytes),
                    None => {
                        self.metrics.events_dropped.inc();
                    }
                }
            }
            Audience::Everyone if self.to_everyone.len() < MAX_EVERYONE_PER_TICK => {
                self.to_everyone.push(bytes);
            }
            Audience::Everyone => {
                self.metrics.events_dropped.inc();
            }
        }
    }

    /// The encoded events to every session of the server of the last tick (at most
    /// [`MAX_EVERYONE_PER_TICK`]), for the room task to send after each tick; the next tick
    /// drops what was not taken.
    pub fn poll_everyone(&mut self) -> impl Iterator<Item = Vec<u8>> + '_ {
        self.to_everyone.drain(..)
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

    /// Ends the match under way now, for a room that stops before its clock ran out (the
    /// server shuts down, an operator closes the room, its last player left): its lines as they
    /// stand, players who left during it included, marked `ended_by`. `None` when the room plays
    /// no matches (one endless match) or the match has not run a tick yet.
    pub fn end_match_now(&mut self, ended_by: EndedBy) -> Option<MatchOutcome> {
        if !self.clock.has_matches() || self.game.tick() <= self.clock.started_tick() {
            return None;
        }
        self.finish_match(ended_by);
        self.poll_match_end()
    }

    fn finish_match(&mut self, ended_by: EndedBy) {
        let tick = self.game.tick();
        let present: Vec<Present<'_>> = self
            .slots
            .iter()
            .flatten()
            .map(|p| Present {
                entity: p.entity,
                player_id: &p.player_id,
                name: &p.name,
                joined_tick: p.joined_tick,
            })
            .collect();
        let departed = std::mem::take(&mut self.departed);
        let scores = match_clock::final_scores(
            self.game.scores(),
            &present,
            departed,
            (&self.clock, tick),
            &self.schema,
        );
        self.finished = Some(MatchOutcome {
            started_tick: self.clock.started_tick(),
            ended_tick: tick,
            scores,
            ended_by,
        });
        self.game.reset_scores();
        if let Some(r) = &mut self.recording {
            r.reset_scores();
        }
        self.clock.restart(tick);
        self.refresh_scoreboard();
    }

    /// The room's match clock: its length, and when the match under way ends.
    pub fn match_clock(&self) -> &MatchClock {
        &self.clock
    }

    /// Human players in the room, held seats included.
    pub fn player_count(&self) -> usize {
        self.players
    }

    /// The metrics the room counts into.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
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

    fn refresh_scoreboard(&mut self) {
        let scores = self.game.scores();
        if scores == self.scores && self.scoreboard.0 != 0 {
            return;
        }
        let mut bytes = Vec::new();
        if codec::encode_server(&ServerMsg::Scoreboard(scores.clone()), &mut bytes).is_ok() {
            if let Some(r) = &mut self.recording {
                r.scoreboard(&bytes);
            }
            self.scoreboard = Arc::new((self.scoreboard.0 + 1, bytes));
            self.scores = scores;
        }
    }
}

/// Puts `player`'s `record` at `staged` in `inputs` (copied into the buffers left there by
/// earlier ticks), and counts it.
fn stage(
    inputs: &mut Vec<(PlayerHandle, TickInput)>,
    staged: &mut usize,
    player: PlayerHandle,
    record: &Record,
    rewind: u16,
) {
    match inputs.get_mut(*staged) {
        Some((p, input)) => {
            *p = player;
            input.record.clone_from(record);
            input.rewind = rewind;
        }
        None => inputs.push((
            player,
            TickInput {
                record: record.clone(),
                rewind,
            },
        )),
    }
    *staged += 1;
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

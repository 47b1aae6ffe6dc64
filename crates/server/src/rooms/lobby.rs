//! `Lobby`: the rooms of this process, and which room a joining player goes to.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

use parking_lot::Mutex;
use tickwire_protocol::{ClientId, Welcome};
use tokio::sync::{oneshot, watch};

use crate::config::ServerConfig;
use crate::game::NewGame;
use crate::inputs::input_buffer::InputBuffer;
use crate::phase::Phase;
use crate::recording::recordings_dir::Recordings;
use crate::rooms::everyone::Everyone;
use crate::rooms::match_clock::MatchClock;
use crate::rooms::match_recording::MatchRecording;
use crate::storage::match_recorder::MatchRecorder;
use crate::telemetry::metrics::Metrics;

use crate::auth::resume_token::ResumeToken;
use crate::rooms::room::{Joined, ResumeRefused, Room, RoomFull};
use crate::rooms::room_request::{RoomPlan, RoomRequest};
use crate::rooms::room_task::{RoomCommand, RoomHandle, RoomMeta, spawn_room};

/// Why a join failed.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    /// Every room is full and no more may be created.
    #[error("the server is full")]
    Full,
    /// The server is shutting down.
    #[error("the server is shutting down")]
    ShuttingDown,
    /// The room asked for does not run (any more).
    #[error("no such room: {0}")]
    NoSuchRoom(u32),
    /// A resume token was refused.
    #[error("cannot resume: {0}")]
    Resume(ResumeRefused),
}

/// Why a room could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// The request cannot work; the text says why.
    #[error("{0}")]
    Invalid(String),
    /// The server runs as many rooms as it may.
    #[error("the server runs its most rooms ({0}); try again when one has closed")]
    Full(usize),
    /// The server is shutting down.
    #[error("the server is shutting down")]
    ShuttingDown,
    /// The system's random source failed, so no unguessable private key could be made.
    #[error("no system randomness for a private room key")]
    NoRandomness,
}

/// A room as the room list shows it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RoomInfo {
    /// Room number.
    pub id: u32,
    /// The game it runs.
    pub game: String,
    /// Map name.
    pub map: String,
    /// Human players now.
    pub players: usize,
    /// Most human players.
    pub capacity: usize,
    /// Seconds since the room started.
    pub age_seconds: u64,
    /// Left out of the public list and of quick join.
    pub private: bool,
    /// Simulation ticks per second.
    pub tick_rate: u32,
    /// Snapshots per second.
    pub snapshot_rate: u32,
    /// Spectators watching now.
    pub spectators: usize,
    /// A match's length in seconds; 0 for one endless match.
    pub match_seconds: f64,
    /// The server tick the match under way ends at (the ticks snapshots carry); absent for an
    /// endless match. A page's match timer counts down to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub match_ends_tick: Option<u64>,
}

impl RoomInfo {
    /// What the list shows of `room` now.
    pub fn of(room: &RoomHandle) -> RoomInfo {
        RoomInfo {
            id: room.id,
            game: room.meta.game.clone(),
            map: room.map.clone(),
            players: room.players.load(Relaxed),
            capacity: room.capacity,
            age_seconds: room.meta.started.elapsed().as_secs(),
            private: room.is_private(),
            tick_rate: room.meta.tick_rate,
            snapshot_rate: room.meta.snapshot_rate,
            spectators: room.spectators.load(Relaxed),
            match_seconds: room.meta.match_ticks as f64 / f64::from(room.meta.tick_rate.max(1)),
            match_ends_tick: Some(room.match_ends.load(Relaxed)).filter(|&t| t > 0),
        }
    }
}

/// Every room of this process.
pub struct Lobby {
    config: ServerConfig,
    games: Arc<dyn NewGame>,
    /// The games' name: the maker's, or when it does not name itself (a closure), the name
    /// its games give themselves, which is what their match results are stored under.
    game_name: String,
    /// The schema of every room's game, asked of `games` once.
    schema: Arc<tickwire_protocol::Schema>,
    metrics: Arc<Metrics>,
    shutdown: watch::Receiver<Phase>,
    rooms: Mutex<Vec<RoomHandle>>,
    next_room: AtomicU32,
    next_client: AtomicU32,
    recorder: MatchRecorder,
    everyone: Everyone,
    /// Where match recordings go; `None` with storage off.
    recordings: Option<Arc<Recordings>>,
}

impl Lobby {
    /// A lobby with no rooms yet; rooms start on the first join, each with a game from `games`
    /// (whose schema is `schema`), storing results through `recorder` and reaching every session
    /// through `everyone`.
    pub(crate) fn new(
        config: ServerConfig,
        (games, schema): (Arc<dyn NewGame>, Arc<tickwire_protocol::Schema>),
        metrics: Arc<Metrics>,
        shutdown: watch::Receiver<Phase>,
        (recorder, everyone): (MatchRecorder, Everyone),
        recordings: Option<Arc<Recordings>>,
    ) -> Lobby {
        let game_name = match games.name() {
            crate::game::UNNAMED => games.new_game(0).name().to_owned(),
            named => named.to_owned(),
        };
        Lobby {
            config,
            schema,
            games,
            game_name,
            metrics,
            shutdown,
            rooms: Mutex::new(Vec::new()),
            next_room: AtomicU32::new(1),
            next_client: AtomicU32::new(1),
            recorder,
            everyone,
            recordings,
        }
    }

    /// What makes this server's games (a recording is re-simulated with it).
    pub fn games(&self) -> Arc<dyn NewGame> {
        self.games.clone()
    }

    /// Where match recordings go; `None` with storage off.
    pub fn recordings(&self) -> Option<&Arc<Recordings>> {
        self.recordings.as_ref()
    }

    /// The settings this server runs by.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// A fresh client id.
    pub fn next_client_id(&self) -> ClientId {
        ClientId(self.next_client.fetch_add(1, Relaxed))
    }

    /// Quick join: puts a player in the fullest room with a seat, starting a room when none has
    /// one. `player` is its id in match results.
    pub async fn join(
        &self,
        client: ClientId,
        player: &str,
        name: &str,
        inputs: Arc<InputBuffer>,
    ) -> Result<(RoomHandle, Joined), JoinError> {
        self.check_open()?;
        // A room can fill up between the look and the join; then the next one is tried.
        for _ in 0..4 {
            // Quick join: the fullest room with a seat first, so that players meet rather than
            // spread over half-empty rooms (the oldest room first among equals).
            let mut candidates: Vec<(usize, RoomHandle)> = {
                let mut rooms = self.rooms.lock();
                rooms.retain(RoomHandle::is_running);
                rooms
                    .iter()
                    .filter(|r| !r.is_private())
                    .map(|r| (r.players.load(Relaxed), r))
                    .filter(|(players, r)| *players < r.capacity)
                    .map(|(players, r)| (players, r.clone()))
                    .collect()
            };
            candidates.sort_by_key(|(players, r)| (std::cmp::Reverse(*players), r.id));
            let candidates = candidates.into_iter().map(|(_, r)| r);
            for room in candidates {
                if let Some(Ok(joined)) =
                    ask_seat(&room, client, (player, name), inputs.clone()).await
                {
                    return Ok((room, joined));
                }
            }
            if self.start_room(None).is_err() {
                return Err(JoinError::Full);
            }
        }
        Err(JoinError::Full)
    }

    /// Puts a player in room `id` (a join token's room), or refuses: full, or no such room.
    pub async fn join_room(
        &self,
        id: u32,
        client: ClientId,
        player: &str,
        name: &str,
        inputs: Arc<InputBuffer>,
    ) -> Result<(RoomHandle, Joined), JoinError> {
        self.check_open()?;
        let room = self.running_room(id).ok_or(JoinError::NoSuchRoom(id))?;
        match ask_seat(&room, client, (player, name), inputs).await {
            Some(Ok(joined)) => Ok((room, joined)),
            Some(Err(RoomFull)) => Err(JoinError::Full),
            None => Err(JoinError::NoSuchRoom(id)),
        }
    }

    /// Gives the seat of `token` back to a new session (see `Room::handle_resume`).
    pub async fn resume(
        &self,
        token: &ResumeToken,
        client: ClientId,
        inputs: Arc<InputBuffer>,
    ) -> Result<(RoomHandle, Joined), JoinError> {
        self.check_open()?;
        let stopped = JoinError::Resume(ResumeRefused::RoomStopped);
        let room = self.running_room(token.room).ok_or(stopped)?;
        let (reply, answer) = oneshot::channel();
        let cmd = RoomCommand::Resume {
            client,
            token: *token,
            inputs,
            reply,
        };
        room.commands
            .send(cmd)
            .await
            .map_err(|_| JoinError::Resume(ResumeRefused::RoomStopped))?;
        match answer.await {
            Ok(Ok(joined)) => Ok((room, joined)),
            Ok(Err(refused)) => Err(JoinError::Resume(refused)),
            Err(_) => Err(JoinError::Resume(ResumeRefused::RoomStopped)),
        }
    }

    /// A spectator's welcome in room `id`, or with `None` in the room with the most players.
    /// The caller counts the spectator in the handle's `spectators`.
    pub async fn spectate(
        &self,
        id: Option<u32>,
        client: ClientId,
    ) -> Result<(RoomHandle, Welcome), JoinError> {
        self.check_open()?;
        let room = match id {
            Some(id) => self.running_room(id).ok_or(JoinError::NoSuchRoom(id))?,
            None => self.busiest_room().ok_or(JoinError::NoSuchRoom(0))?,
        };
        let (reply, answer) = oneshot::channel();
        let gone = || JoinError::NoSuchRoom(room.id);
        room.commands
            .send(RoomCommand::Watch { client, reply })
            .await
            .map_err(|_| gone())?;
        let welcome = answer.await.map_err(|_| gone())?;
        Ok((room, welcome))
    }

    /// The running public room with the most players (the oldest among equals), for a spectator
    /// that names none. A private room is never chosen: it is watched only by its id and key.
    pub fn busiest_room(&self) -> Option<RoomHandle> {
        let mut rooms = self.rooms.lock();
        rooms.retain(RoomHandle::is_running);
        rooms
            .iter()
            .filter(|r| !r.is_private())
            .min_by_key(|r| (std::cmp::Reverse(r.players.load(Relaxed)), r.id))
            .cloned()
    }

    /// Refuses joins once the server is shutting down.
    fn check_open(&self) -> Result<(), JoinError> {
        if self.shutdown.borrow().is_draining() {
            return Err(JoinError::ShuttingDown);
        }
        Ok(())
    }

    /// The handle of room `id` if it runs now.
    pub fn running_room(&self, id: u32) -> Option<RoomHandle> {
        self.room(id).filter(RoomHandle::is_running)
    }

    /// Creates a room as `request` asks (`POST /rooms`).
    pub fn create_room(&self, request: &RoomRequest) -> Result<RoomHandle, CreateError> {
        if self.shutdown.borrow().is_draining() {
            return Err(CreateError::ShuttingDown);
        }
        let plan = request
            .plan(&self.config, self.games.name())
            .map_err(CreateError::Invalid)?;
        if plan.record && self.recordings.is_none() {
            return Err(CreateError::Invalid(
                "record needs storage: this server runs with --database none".into(),
            ));
        }
        if plan.record && self.config.match_length.is_zero() {
            return Err(CreateError::Invalid(
                "record needs timed matches: this server runs one endless match (--match-length 0)"
                    .into(),
            ));
        }
        self.start_room(Some(&plan))
    }

    /// Starts a new room, by `plan` or with the server's defaults, unless the limit is reached.
    fn start_room(&self, plan: Option<&RoomPlan>) -> Result<RoomHandle, CreateError> {
        let private_key = match plan.filter(|p| p.private) {
            Some(_) => Some(private_key().ok_or(CreateError::NoRandomness)?),
            None => None,
        };
        let mut rooms = self.rooms.lock();
        rooms.retain(RoomHandle::is_running);
        if rooms.len() >= self.config.max_rooms {
            return Err(CreateError::Full(self.config.max_rooms));
        }
        let id = self.next_room.load(Relaxed);
        let seed = self.config.seed.wrapping_add(u64::from(id));
        let mut config = self.config.room_config();
        let game = match plan {
            None => self.games.new_game(seed),
            Some(plan) => {
                config.tick_rate = plan.options.tick_rate;
                config.ticks_per_snapshot = plan.ticks_per_snapshot;
                config.capacity = plan.capacity;
                self.games
                    .new_game_with(seed, &plan.options)
                    .map_err(CreateError::Invalid)?
            }
        };
        // Numbers are taken under the lock, so a refused request leaves no gap.
        self.next_room.fetch_add(1, Relaxed);
        let clock = MatchClock::new(self.config.match_length, config.tick_rate);
        let mut room = Room::new(game, config, self.metrics.clone())
            .with_match_clock(clock)
            .with_fixed_frame(self.config.fixed_frame.clone());
        let record = plan.is_some_and(|p| p.record) || self.config.recordings.record;
        let recording = self
            .recordings
            .clone()
            .filter(|_| record && clock.has_matches() && self.config.fixed_frame.is_none())
            .and_then(|r| {
                MatchRecording::start(r, &mut room, (&self.recorder, seed), private_key.clone())
            });
        tracing::info!(
            room = id,
            map = room.map_name(),
            capacity = config.capacity,
            private = private_key.is_some(),
            recording = recording.is_some(),
            "room started"
        );
        let meta = RoomMeta::new(self.games.name(), private_key, &config)
            .with_match_ticks(clock.length_ticks());
        let handle = spawn_room(
            id,
            (room, recording),
            meta,
            self.config.empty_room_ttl,
            self.metrics.clone(),
            self.shutdown.clone(),
            self.recorder.clone(),
            self.everyone.clone(),
        );
        rooms.push(handle.clone());
        Ok(handle)
    }

    /// The running rooms, for the room list; private ones only when `private` is set.
    pub fn rooms(&self, private: bool) -> Vec<RoomInfo> {
        self.running_rooms(private)
            .iter()
            .map(RoomInfo::of)
            .collect()
    }

    /// The handles of the running rooms; private ones only when `private` is set.
    pub fn running_rooms(&self, private: bool) -> Vec<RoomHandle> {
        let mut rooms = self.rooms.lock();
        rooms.retain(RoomHandle::is_running);
        rooms
            .iter()
            .filter(|r| private || !r.is_private())
            .cloned()
            .collect()
    }

    /// The maps a created room may ask for.
    pub fn maps(&self) -> Vec<String> {
        self.games.maps()
    }

    /// The game this server runs.
    pub fn game_name(&self) -> &str {
        &self.game_name
    }

    /// The schema of every room's game: what a client's `Hello` must name, if it names one.
    pub fn schema(&self) -> &Arc<tickwire_protocol::Schema> {
        &self.schema
    }

    /// Stops room `id` now; false when it does not run.
    pub fn stop_room(&self, id: u32) -> bool {
        let Some(room) = self.running_room(id) else {
            return false;
        };
        // A full command queue means the room is busy with joins; the stop waits its turn.
        if room.commands.try_send(RoomCommand::Stop).is_err() {
            tokio::spawn(async move {
                let _ = room.commands.send(RoomCommand::Stop).await;
            });
        }
        true
    }

    /// The handle of room `id`, if it runs (tests read the server's own frames through it).
    pub fn room(&self, id: u32) -> Option<RoomHandle> {
        self.rooms.lock().iter().find(|r| r.id == id).cloned()
    }
}

/// A private room's key: 96 random bits in hex, unguessable where room numbers are not; `None`
/// when the system has no randomness to give.
fn private_key() -> Option<String> {
    crate::auth::random_hex::random_hex(12)
}

/// Asks `room` for a seat: its answer, or `None` when the room has stopped.
async fn ask_seat(
    room: &RoomHandle,
    client: ClientId,
    (player, name): (&str, &str),
    inputs: Arc<InputBuffer>,
) -> Option<Result<Joined, RoomFull>> {
    let (reply, answer) = oneshot::channel();
    let cmd = RoomCommand::Join {
        client,
        name: name.to_string(),
        player_id: player.to_string(),
        inputs,
        reply,
    };
    room.commands.send(cmd).await.ok()?;
    answer.await.ok()
}

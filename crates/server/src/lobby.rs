//! `Lobby`: the rooms of this process, and which room a joining player goes to.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

use parking_lot::Mutex;
use tickwire_protocol::ClientId;
use tokio::sync::{oneshot, watch};

use crate::config::ServerConfig;
use crate::game::NewGame;
use crate::input_buffer::InputBuffer;
use crate::match_clock::MatchClock;
use crate::match_recorder::MatchRecorder;
use crate::metrics::Metrics;
use crate::room::{Joined, Room, RoomFull};
use crate::room_task::{RoomCommand, RoomHandle, spawn_room};
use crate::shared::Phase;

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
}

/// A room as the room list shows it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RoomInfo {
    /// Room number.
    pub id: u32,
    /// Human players now.
    pub players: usize,
    /// Most human players.
    pub capacity: usize,
    /// Map name.
    pub map: String,
}

/// Every room of this process.
pub struct Lobby {
    config: ServerConfig,
    games: Arc<dyn NewGame>,
    metrics: Arc<Metrics>,
    shutdown: watch::Receiver<Phase>,
    rooms: Mutex<Vec<RoomHandle>>,
    next_room: AtomicU32,
    next_client: AtomicU32,
    recorder: MatchRecorder,
}

impl Lobby {
    /// A lobby with no rooms yet; rooms start on the first join, each with a game from `games`.
    pub(crate) fn new(
        config: ServerConfig,
        games: Arc<dyn NewGame>,
        metrics: Arc<Metrics>,
        shutdown: watch::Receiver<Phase>,
        recorder: MatchRecorder,
    ) -> Lobby {
        Lobby {
            config,
            games,
            metrics,
            shutdown,
            rooms: Mutex::new(Vec::new()),
            next_room: AtomicU32::new(1),
            next_client: AtomicU32::new(1),
            recorder,
        }
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
            if !self.start_room() {
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

    /// Starts a new room unless the limit is reached; returns whether one started.
    fn start_room(&self) -> bool {
        let mut rooms = self.rooms.lock();
        rooms.retain(RoomHandle::is_running);
        if rooms.len() >= self.config.max_rooms {
            return false;
        }
        let id = self.next_room.fetch_add(1, Relaxed);
        let game = self
            .games
            .new_game(self.config.seed.wrapping_add(u64::from(id)));
        let clock = MatchClock::new(self.config.match_length, self.config.tick_rate);
        let room = Room::new(game, self.config.room_config(), self.metrics.clone())
            .with_match_clock(clock);
        tracing::info!(room = id, "room started");
        rooms.push(spawn_room(
            id,
            room,
            self.config.empty_room_ttl,
            self.metrics.clone(),
            self.shutdown.clone(),
            self.recorder.clone(),
        ));
        true
    }

    /// The running rooms, for the room list.
    pub fn rooms(&self) -> Vec<RoomInfo> {
        let mut rooms = self.rooms.lock();
        rooms.retain(RoomHandle::is_running);
        rooms
            .iter()
            .map(|r| RoomInfo {
                id: r.id,
                players: r.players.load(Relaxed),
                capacity: r.capacity,
                map: r.map.clone(),
            })
            .collect()
    }

    /// The handle of room `id`, if it runs (tests read the server's own frames through it).
    pub fn room(&self, id: u32) -> Option<RoomHandle> {
        self.rooms.lock().iter().find(|r| r.id == id).cloned()
    }
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

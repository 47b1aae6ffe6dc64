//! The tokio task around a [`Room`]: a fixed-timestep loop, joins in, snapshots out.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use tickwire_protocol::{ClientId, Welcome};
use tickwire_store::EndedBy;
use tokio::sync::{mpsc, oneshot, watch};

use crate::auth::resume_token::ResumeToken;
use crate::inputs::input_buffer::InputBuffer;
use crate::inputs::read_call::ReadCall;
use crate::phase::Phase;
use crate::rooms::everyone::Everyone;
use crate::rooms::fan_out::FanOut;
use crate::rooms::match_clock::MatchOutcome;
use crate::rooms::match_recording::MatchRecording;
use crate::rooms::room::{Joined, ResumeRefused, Room, RoomConfig, RoomFull, SeatEvent};
use crate::rooms::snapshot::SnapshotFrame;
use crate::storage::match_recorder::{MatchRecorder, unix_ms};
use crate::telemetry::metrics::Metrics;

/// Most ticks a late room runs back to back before it drops the rest of the lost time.
const MAX_CATCH_UP_TICKS: u32 = 5;

/// Requests a room task accepts.
#[derive(Debug)]
pub enum RoomCommand {
    /// Add a player.
    Join {
        /// The session's id.
        client: ClientId,
        /// Display name.
        name: String,
        /// The player's id in match results: a join token's subject, or a guest id.
        player_id: String,
        /// Where the session puts the player's inputs.
        inputs: Arc<InputBuffer>,
        /// The answer.
        reply: oneshot::Sender<Result<Joined, RoomFull>>,
    },
    /// Give a held seat back to a new session.
    Resume {
        /// The new session's id.
        client: ClientId,
        /// The token the client presented.
        token: ResumeToken,
        /// Where the new session puts the player's inputs.
        inputs: Arc<InputBuffer>,
        /// The answer.
        reply: oneshot::Sender<Result<Joined, ResumeRefused>>,
    },
    /// A spectator's welcome (it takes no seat).
    Watch {
        /// The session's id.
        client: ClientId,
        /// The answer.
        reply: oneshot::Sender<Welcome>,
    },
    /// Stop now (an operator closed the room); its sessions see the room close, and a match
    /// under way is stored as ended by the close.
    Stop,
}

/// What the room list shows of a room that never changes while it runs.
#[derive(Debug)]
pub struct RoomMeta {
    /// The game's name.
    pub game: String,
    /// Left out of the room list and of quick join; joined with this key.
    pub private_key: Option<String>,
    /// When the room started.
    pub started: Instant,
    /// Simulation ticks per second.
    pub tick_rate: u32,
    /// Snapshots per second.
    pub snapshot_rate: u32,
    /// A match's length in ticks; 0 for one endless match.
    pub match_ticks: u64,
}

impl RoomMeta {
    /// The facts of a room starting now with `config`, running `game`, private with
    /// `private_key`.
    pub fn new(game: &str, private_key: Option<String>, config: &RoomConfig) -> RoomMeta {
        RoomMeta {
            game: game.to_owned(),
            private_key,
            started: Instant::now(),
            tick_rate: config.tick_rate,
            snapshot_rate: config.tick_rate / config.ticks_per_snapshot.max(1),
            match_ticks: 0,
        }
    }

    /// The same facts, for a room whose matches last `ticks` (0: one endless match).
    pub fn with_match_ticks(self, ticks: u64) -> RoomMeta {
        RoomMeta {
            match_ticks: ticks,
            ..self
        }
    }
}

/// The latest frame a room published; `None` before the first snapshot tick.
pub type FrameReceiver = watch::Receiver<Option<Arc<SnapshotFrame>>>;

/// What the rest of the server holds of a running room.
#[derive(Clone, Debug)]
pub struct RoomHandle {
    /// Room number, unique in this process.
    pub id: u32,
    /// Requests to the room; closed when the room stops.
    pub commands: mpsc::Sender<RoomCommand>,
    /// The room's latest frame, latest wins.
    pub frames: FrameReceiver,
    /// The sessions the room's fan-out pass writes its snapshots to.
    pub fan_out: Arc<FanOut>,
    /// Human players, as last counted by the room (held seats included).
    pub players: Arc<AtomicUsize>,
    /// Spectators watching now, counted by their sessions.
    pub spectators: Arc<AtomicUsize>,
    /// The tick the match under way ends at, as the room last stored it; 0 for an endless
    /// match (the page's match timer reads it through the rooms API).
    pub match_ends: Arc<AtomicU64>,
    /// Players the room accepts.
    pub capacity: usize,
    /// The name of the room's map.
    pub map: String,
    /// The room's fixed facts: game, privacy, age, rates.
    pub meta: Arc<RoomMeta>,
    /// The room's call to its paced players' readers, just before each tick.
    pub(crate) read_call: Arc<ReadCall>,
}

impl RoomHandle {
    /// True while the room task runs.
    pub fn is_running(&self) -> bool {
        !self.commands.is_closed()
    }

    /// True for a room left out of the list and of quick join.
    pub fn is_private(&self) -> bool {
        self.meta.private_key.is_some()
    }

    /// True when `key` lets a player in: any key for a public room, its own for a private one.
    pub fn opens_with(&self, key: Option<&str>) -> bool {
        match &self.meta.private_key {
            None => true,
            Some(k) => key
                .is_some_and(|key| crate::auth::secret_eq::secret_eq(key.as_bytes(), k.as_bytes())),
        }
    }
}

/// Starts `room` on the runtime and returns its handle. The room stops by itself once it has had
/// no players for `empty_room_ttl`. Joins and finished matches go to `recorder`, the match under
/// way when the room stops included (for whatever reason it stops); its events to everyone go
/// to `everyone`; with `recording`, each match is recorded to a file of its own.
#[allow(clippy::too_many_arguments)]
pub fn spawn_room(
    id: u32,
    (room, recording): (Room, Option<MatchRecording>),
    meta: RoomMeta,
    empty_room_ttl: Duration,
    metrics: Arc<Metrics>,
    shutdown: watch::Receiver<Phase>,
    recorder: MatchRecorder,
    everyone: Everyone,
) -> RoomHandle {
    let capacity = room.config().capacity;
    let meta = Arc::new(meta);
    let (cmd_tx, cmd_rx) = mpsc::channel(64);
    let (frame_tx, frame_rx) = watch::channel(None);
    let fan_out = Arc::new(FanOut::default());
    let read_call = Arc::new(ReadCall::default());
    let players = Arc::new(AtomicUsize::new(0));
    let match_ends = Arc::new(AtomicU64::new(room.match_clock().ends_tick().unwrap_or(0)));
    let handle = RoomHandle {
        id,
        commands: cmd_tx,
        frames: frame_rx,
        fan_out: fan_out.clone(),
        players: players.clone(),
        spectators: Arc::new(AtomicUsize::new(0)),
        match_ends: match_ends.clone(),
        capacity,
        map: room.map_name().to_owned(),
        meta,
        read_call: read_call.clone(),
    };
    metrics.rooms.inc();
    tokio::spawn(async move {
        // However the room ends, a panic included, its sessions are told.
        let _closes = ClosesOnDrop(fan_out.clone(), read_call.clone());
        let why = run(
            (id, room, recording),
            (recorder, everyone),
            empty_room_ttl,
            cmd_rx,
            (frame_tx, &fan_out, &read_call),
            (players, match_ends),
            shutdown,
        )
        .await;
        metrics.rooms.dec();
        tracing::info!(room = id, why = why.as_str(), "room stopped");
    });
    handle
}

/// Tells a room's sessions that it stopped, when the room task ends.
struct ClosesOnDrop(Arc<FanOut>, Arc<ReadCall>);

impl Drop for ClosesOnDrop {
    fn drop(&mut self) {
        self.0.close();
        self.1.close();
    }
}

/// Runs the room until it stops, and returns why: the server shuts down, an operator closed
/// it, or it had no players for `empty_room_ttl`. A match under way then is stored as it
/// stands, marked with that reason.
#[allow(clippy::too_many_arguments)]
async fn run(
    (id, mut room, mut recording): (u32, Room, Option<MatchRecording>),
    (recorder, everyone): (MatchRecorder, Everyone),
    empty_room_ttl: Duration,
    mut commands: mpsc::Receiver<RoomCommand>,
    (frames, fan_out, reads): (
        watch::Sender<Option<Arc<SnapshotFrame>>>,
        &FanOut,
        &ReadCall,
    ),
    (players, match_ends): (Arc<AtomicUsize>, Arc<AtomicU64>),
    mut shutdown: watch::Receiver<Phase>,
) -> EndedBy {
    let metrics = room.metrics().clone();
    let dt = Duration::from_secs_f64(1.0 / f64::from(room.config().tick_rate));
    let mut next = tokio::time::Instant::now() + dt;
    let read_bound = dt / 4;
    let mut empty_since = Some(Instant::now());
    let mut match_started = unix_ms(std::time::SystemTime::now());
    // Why the room stops.
    let stopped_by = loop {
        tokio::select! {
            biased;
            // Matches go on through a drain; the room stops when sessions are closed.
            _ = shutdown.wait_for(|p| *p == Phase::Closing) => break EndedBy::Shutdown,
            cmd = commands.recv() => match cmd {
                Some(RoomCommand::Join { client, name, player_id, inputs, reply }) => {
                    let token = resume_token(&room, id);
                    let joined = room.handle_join_resumable(client, &player_id, &name, inputs, token);
                    if joined.is_ok() {
                        recorder.seen(&player_id, &name);
                    }
                    players.store(room.player_count(), Relaxed);
                    let _ = reply.send(joined);
                    continue;
                }
                Some(RoomCommand::Resume { client, token, inputs, reply }) => {
                    let next = resume_token(&room, id);
                    let resumed = room.handle_resume(client, &token, inputs, next);
                    let _ = reply.send(resumed);
                    continue;
                }
                Some(RoomCommand::Watch { client, reply }) => {
                    let _ = reply.send(room.handle_spectate(client));
                    continue;
                }
                Some(RoomCommand::Stop) => break EndedBy::Closed,
                // Every handle is gone: the server that ran the room is.
                None => break EndedBy::Shutdown,
            },
            _ = tokio::time::sleep_until(next) => {}
        }
        // The paced players' readers read what their sockets hold, all at once, and the tick
        // waits for them (within a bound), so that an input that came before the tick is in it.
        if reads.call() > 0 && !reads.all_answered(read_bound).await {
            metrics.read_calls_unanswered.inc();
        }
        let now = tokio::time::Instant::now();
        let mut ran = 0;
        let mut newest = None;
        let mut ticked = Duration::ZERO;
        while next <= now && ran < MAX_CATCH_UP_TICKS {
            let started = Instant::now();
            if let Some(frame) = room.tick() {
                frames.send_replace(Some(frame.clone()));
                newest = Some(frame);
            }
            for message in room.poll_everyone() {
                let (sent, missed) = everyone.send(&message);
                tracing::debug!(room = id, sent, missed, "event to everyone");
            }
            if let Some(outcome) = room.poll_match_end() {
                let over = (&mut room, recording.as_mut());
                match_started = match_over(over, id, &recorder, (&outcome, match_started), false).0;
                match_ends.store(room.match_clock().ends_tick().unwrap_or(0), Relaxed);
            }
            ticked = started.elapsed();
            metrics.record_tick(ticked.as_micros() as u64);
            for event in room.poll_seat_events() {
                match event {
                    SeatEvent::Held(entity) => {
                        tracing::info!(room = id, %entity, "connection dropped; seat held");
                    }
                    SeatEvent::Expired(entity) => {
                        tracing::info!(room = id, %entity, "reconnect window over; seat freed");
                    }
                }
            }
            next += dt;
            ran += 1;
        }
        // Outside the ticks' timing: the pass is the sessions' sending, not the simulation's. A
        // room catching up sends only its newest frame, as a slow session would skip to it.
        if let Some(frame) = newest {
            fan_out.offer(&frame, &metrics, ticked).await;
        }
        if next <= now {
            // Too far behind: drop the lost time rather than run ever longer bursts.
            let behind = now - next;
            let lost = (behind.as_secs_f64() / dt.as_secs_f64()).floor() as u32 + 1;
            next += dt * lost;
            metrics.ticks_dropped.inc_by(u64::from(lost));
        }
        players.store(room.player_count(), Relaxed);
        if room.player_count() > 0 {
            empty_since = None;
        } else if empty_since.get_or_insert_with(Instant::now).elapsed() > empty_room_ttl {
            break EndedBy::Emptied;
        }
    };
    // A match under way when the room stops is stored as it stands, with the lines of the
    // players who left during it. On a shutdown this comes before the store takes its last
    // writes (the server waits for its rooms to stop first).
    let finishing = match room.end_match_now(stopped_by) {
        Some(outcome) => {
            let over = (&mut room, recording.as_mut());
            match_over(over, id, &recorder, (&outcome, match_started), true).1
        }
        // No match to store: a recording under way is deleted.
        None => recording
            .as_mut()
            .and_then(|r| r.match_over(&mut room, &recorder, false, true)),
    };
    // The last recording is named on its row before the store takes its last writes.
    if let Some(finishing) = finishing {
        let _ = finishing.await;
    }
    stopped_by
}

/// Stamps the match `outcome` that started at `started_ms` with the time now, queues it for
/// the store (a bounded queue: never waits on the database), has the room announce it, logs it,
/// ends its recording (and starts the next match's unless the room is `stopping`), and returns
/// the time now, when the next match starts, and the task finishing the recording.
fn match_over(
    (room, recording): (&mut Room, Option<&mut MatchRecording>),
    id: u32,
    recorder: &MatchRecorder,
    (outcome, started_ms): (&MatchOutcome, u64),
    stopping: bool,
) -> (u64, Option<tokio::task::JoinHandle<()>>) {
    let ended = unix_ms(std::time::SystemTime::now());
    let game = room.game().name().to_owned();
    let map = room.map_name().to_owned();
    let tick_rate = room.config().tick_rate;
    let schema = room.schema().clone();
    let columns = &schema.desc().scores;
    let key = recording
        .as_ref()
        .and_then(|r| r.key().map(str::to_owned))
        .unwrap_or_else(|| recorder.next_key());
    let finished = recorder.finished(
        key,
        id,
        &game,
        &map,
        outcome,
        (started_ms, ended),
        tick_rate,
        columns,
    );
    room.announce_match_end(finished.message);
    tracing::info!(
        room = id,
        players = outcome.scores.len(),
        ended_by = outcome.ended_by.as_str(),
        queued = finished.queued,
        "match ended"
    );
    // After the match's write: the recording's row update is queued behind it.
    let finishing = recording.and_then(|r| r.match_over(room, recorder, finished.queued, stopping));
    (ended, finishing)
}

/// A fresh resume token for a seat in room `id`, when the room holds seats.
fn resume_token(room: &Room, id: u32) -> Option<ResumeToken> {
    if room.config().hold_ticks == 0 {
        return None;
    }
    let token = ResumeToken::generate(id);
    if token.is_none() {
        tracing::error!(
            room = id,
            "the system's random generator failed; seat not resumable"
        );
    }
    token
}

//! `RoomRecording`: what a room stages for its recording, tick by tick: every call it makes on
//! the game (what `Game::step` saw, after the repeat and drop rules), the game's checksum, and
//! keyframes of the captured world, or, for a game without a checksum, its snapshot stream. It
//! hands them to a writer (`recording_writer.rs`) in batches of [`BATCH_TICKS`] ticks over a
//! bounded queue (one wake-up of the writer a batch, not a tick) and never waits: a full queue
//! loses the batch, whose items are counted, and the recording stops there (a gap cannot be
//! re-simulated). The last batch goes when the room drops the recording.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::mpsc::{SyncSender, TrySendError};

use tickwire_protocol::{Record, Schema, World, write_record};
use tickwire_replay::{Op, RecordingKind, StagedInput, TickEntry};

use crate::game::{PlayerHandle, TickInput};
use crate::telemetry::metrics::Metrics;

/// Seconds between keyframes (rounded to whole snapshots): the seek step of a replay.
pub const KEYFRAME_SECONDS: u32 = 10;

/// Ticks a batch holds before it is sent (half a second at 60 Hz).
pub const BATCH_TICKS: u32 = 30;

/// Items a batch holds at most (a room that stages many per tick sends sooner).
const BATCH_ITEMS: usize = 256;

/// What a room sends its recording's writer.
#[derive(Debug)]
pub enum RecordItem {
    /// One tick.
    Tick(TickEntry),
    /// A stream recording's snapshot of the last tick: the world, the room's events since the
    /// last one, the encoded scoreboard when it changed.
    Frame {
        /// The captured world.
        world: Arc<World>,
        /// Events to the room: kind and record bytes.
        events: Vec<(u16, Vec<u8>)>,
        /// The encoded `ServerMsg::Scoreboard`, when it changed.
        scoreboard: Option<Vec<u8>>,
    },
    /// The captured world after the last tick, which starts a section.
    Keyframe(Arc<World>),
}

/// A room's recording in progress.
#[derive(Debug)]
pub struct RoomRecording {
    queue: SyncSender<Vec<RecordItem>>,
    /// Items staged for the next send, and the ticks they cover.
    batch: Vec<RecordItem>,
    batch_ticks: u32,
    kind: RecordingKind,
    keyframe_ticks: u64,
    start_tick: u64,
    entry: TickEntry,
    events: Vec<(u16, Vec<u8>)>,
    scoreboard: Option<Vec<u8>>,
    /// Set once an item was lost: nothing more is sent.
    broken: bool,
    /// Items lost, which the writer puts in the end marker.
    lost: Arc<AtomicU64>,
    metrics: Arc<Metrics>,
}

impl RoomRecording {
    /// A recording that sends to `queue`, of `kind`, begun at `start_tick`, with a keyframe
    /// every [`KEYFRAME_SECONDS`] (a whole number of snapshots).
    pub fn new(
        (queue, lost): (SyncSender<Vec<RecordItem>>, Arc<AtomicU64>),
        kind: RecordingKind,
        (start_tick, tick_rate, ticks_per_snapshot): (u64, u32, u32),
        metrics: Arc<Metrics>,
    ) -> RoomRecording {
        let per = u64::from(ticks_per_snapshot.max(1));
        let keyframe_ticks =
            (u64::from(tick_rate) * u64::from(KEYFRAME_SECONDS)).div_ceil(per) * per;
        RoomRecording {
            queue,
            batch: Vec::with_capacity(BATCH_ITEMS),
            batch_ticks: 0,
            kind,
            keyframe_ticks: keyframe_ticks.max(per),
            start_tick,
            entry: TickEntry::default(),
            events: Vec::new(),
            scoreboard: None,
            broken: false,
            lost,
            metrics,
        }
    }

    /// Inputs or stream.
    pub fn kind(&self) -> RecordingKind {
        self.kind
    }

    /// Whether the recording still runs (nothing was lost).
    pub fn is_whole(&self) -> bool {
        !self.broken
    }

    fn send(&mut self, item: RecordItem) {
        if !self.broken {
            self.batch.push(item);
        }
    }

    /// Sends the staged batch; a full queue (or a stopped writer) loses it, counts its items
    /// and stops the recording.
    fn flush(&mut self) {
        self.batch_ticks = 0;
        if self.broken || self.batch.is_empty() {
            return;
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH_ITEMS));
        let why = match self.queue.try_send(batch) {
            Ok(()) => return,
            Err(TrySendError::Full(b)) => (b.len(), "the recording's queue is full"),
            Err(TrySendError::Disconnected(b)) => (b.len(), "the recording's writer stopped"),
        };
        self.broken = true;
        self.lost.fetch_add(why.0 as u64, Relaxed);
        self.metrics.recording_items_dropped.inc_by(why.0 as u64);
        tracing::warn!(items = why.0, "{}; the recording stops here", why.1);
    }

    /// The game added a player.
    pub fn join(&mut self, name: &str, player: PlayerHandle, entity: u32) {
        self.entry.ops.push(Op::Join {
            name: name.to_owned(),
            player: player.0,
            entity,
        });
    }

    /// The game removed a player.
    pub fn leave(&mut self, player: PlayerHandle) {
        self.entry.ops.push(Op::Leave { player: player.0 });
    }

    /// A player went away or came back.
    pub fn away(&mut self, player: PlayerHandle, away: bool) {
        self.entry.ops.push(Op::Away {
            player: player.0,
            away,
        });
    }

    /// The scores were reset.
    pub fn reset_scores(&mut self) {
        self.entry.ops.push(Op::ResetScores);
    }

    /// The game stepped with `inputs`.
    pub fn step(&mut self, schema: &Schema, inputs: &[(PlayerHandle, TickInput)]) {
        if self.kind == RecordingKind::Stream {
            return;
        }
        let layout = schema.input();
        let staged = inputs
            .iter()
            .map(|(p, i)| {
                let mut record = Vec::new();
                write_record(layout, &i.record, &mut record);
                StagedInput {
                    player: p.0,
                    rewind: i.rewind,
                    record,
                }
            })
            .collect();
        self.entry.ops.push(Op::Step(staged));
    }

    /// An event to the room (kept for a stream recording's next frame).
    pub fn event(&mut self, kind: u16, record: &Record, schema: &Schema) {
        if self.kind != RecordingKind::Stream {
            return;
        }
        if let Some(layout) = schema.event_layout(kind) {
            let mut data = Vec::new();
            write_record(layout, record, &mut data);
            self.events.push((kind, data));
        }
    }

    /// The scoreboard changed (kept for a stream recording's next frame).
    pub fn scoreboard(&mut self, encoded: &[u8]) {
        if self.kind == RecordingKind::Stream {
            self.scoreboard = Some(encoded.to_vec());
        }
    }

    /// Starts a section at `world` (the recording's first keyframe).
    pub fn end_keyframe(&mut self, world: Arc<World>) {
        self.send(RecordItem::Keyframe(world));
    }

    /// The tick is over: its entry with the game's `checksum`, then on snapshot ticks the
    /// `captured` world (a stream's frame; a keyframe when one is due).
    pub fn end_tick(&mut self, tick: u64, checksum: Option<u64>, captured: Option<&Arc<World>>) {
        let mut entry = std::mem::take(&mut self.entry);
        entry.checksum = checksum.map(TickEntry::fold);
        self.send(RecordItem::Tick(entry));
        if let Some(world) = captured {
            if self.kind == RecordingKind::Stream {
                let item = RecordItem::Frame {
                    world: world.clone(),
                    events: std::mem::take(&mut self.events),
                    scoreboard: self.scoreboard.take(),
                };
                self.send(item);
            }
            if (tick - self.start_tick).is_multiple_of(self.keyframe_ticks) {
                self.send(RecordItem::Keyframe(world.clone()));
            }
        }
        self.tick_done();
    }

    /// Counts the tick into the batch, and sends the batch once it is full.
    fn tick_done(&mut self) {
        self.batch_ticks += 1;
        if self.batch_ticks >= BATCH_TICKS || self.batch.len() >= BATCH_ITEMS {
            self.flush();
        }
    }
}

impl Drop for RoomRecording {
    /// The last batch goes to the writer, which then finishes the file.
    fn drop(&mut self) {
        self.flush();
    }
}

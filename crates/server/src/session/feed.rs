//! `Feed`: what a session in a room has been sent, and what it is to be sent of the next frame.
//!
//! It holds one baseline, the last view written, and always encodes the newest frame against
//! it: a client that reads slowly skips frames instead of queueing them. Either the room's
//! fan-out pass or the session's own task calls it, whichever writes the frame.

use std::sync::Arc;

use tickwire_protocol::{EntityId, Tick, codec};

use fastwebsockets::OpCode;

use super::outlet::push_frame;
use crate::rooms::room_task::FrameReceiver;
use crate::rooms::snapshot::{CacheUse, SentView, SnapshotFrame};
use crate::telemetry::send_tally::SendTally;

/// A session in a room: a player (its slot for acks and its entity for its view) or a
/// spectator (neither: no ack, the whole world).
pub(super) struct Feed {
    seat: Option<(usize, EntityId)>,
    /// The room's frames, read for the newest when the session's own task catches up.
    frames: FrameReceiver,
    ticks_per_snapshot: u32,
    /// The last view written to this socket, and the one written before it: the client holds
    /// both, so deltas are against the first and may predict motion from the second.
    baseline: Option<SentView>,
    previous: Option<SentView>,
    last_tick: Option<Tick>,
    scoreboard_version: u64,
    match_end_version: u64,
    last_event: u64,
    /// The snapshot message being built, kept for its capacity.
    message: Vec<u8>,
}

impl Feed {
    /// A feed that starts with the newest frame of `frames` (a full snapshot: there is no
    /// baseline); events and a match end from before the join are not this session's news.
    pub(super) fn new(
        seat: Option<(usize, EntityId)>,
        frames: FrameReceiver,
        ticks_per_snapshot: u32,
    ) -> Feed {
        let (last_event, match_end_version) = frames.borrow().as_ref().map_or((0, 0), |f| {
            (f.events.last().map_or(0, |e| e.seq), f.match_end.0)
        });
        Feed {
            seat,
            frames,
            ticks_per_snapshot: ticks_per_snapshot.max(1),
            baseline: None,
            previous: None,
            last_tick: None,
            scoreboard_version: 0,
            match_end_version,
            last_event,
            message: Vec::with_capacity(4096),
        }
    }

    /// The room's newest frame when this session has not been sent it yet.
    pub(super) fn newest_unsent(&self) -> Option<Arc<SnapshotFrame>> {
        let frame = self.frames.borrow().clone()?;
        (Some(frame.tick()) != self.last_tick).then_some(frame)
    }

    /// Frames into `out` everything of `frame` this session is to be sent: the scoreboard and
    /// match end when they changed, its events since the last frame, and its snapshot. Counts
    /// go to `tally`, encode times with them.
    pub(super) fn queue(
        &mut self,
        frame: &SnapshotFrame,
        out: &mut Vec<u8>,
        tally: &mut SendTally,
    ) {
        let mut push_binary = |out: &mut Vec<u8>, bytes: &[u8]| {
            tally.bytes_out += bytes.len() as u64;
            push_frame(out, OpCode::Binary, bytes);
        };
        if let Some(t) = self.last_tick {
            let skipped = (frame.tick().since(t) / self.ticks_per_snapshot).saturating_sub(1);
            tally.snapshots_skipped += u64::from(skipped);
        }
        self.last_tick = Some(frame.tick());
        if frame.scoreboard.0 != self.scoreboard_version {
            push_binary(out, &frame.scoreboard.1);
            self.scoreboard_version = frame.scoreboard.0;
        }
        if frame.match_end.0 != self.match_end_version {
            if !frame.match_end.1.is_empty() {
                push_binary(out, &frame.match_end.1);
            }
            self.match_end_version = frame.match_end.0;
        }
        let (since, slot) = (self.last_event, self.seat.map(|(slot, _)| slot));
        for e in frame.events.iter().filter(|e| e.seq > since) {
            if e.is_for(slot) {
                push_binary(out, &e.bytes);
            }
            self.last_event = e.seq;
        }
        if let Some(fixed) = &frame.fixed {
            push_binary(out, fixed);
            tally.snapshots_sent += 1;
            return;
        }
        let view = match self.seat {
            Some((_, entity)) => {
                frame.view_for(entity, self.baseline.as_ref().and_then(|b| b.key.cell))
            }
            None => frame.whole_view(),
        };
        let (body, cache) = frame.delta_for(self.baseline.as_ref(), self.previous.as_ref(), &view);
        match cache {
            CacheUse::Hit => tally.encode_cache_hits += 1,
            CacheUse::Miss { micros } => {
                tally.encode_cache_misses += 1;
                tally.encode_micros.push(micros);
            }
        };
        let ack = self
            .seat
            .and_then(|(slot, _)| frame.acks.get(slot).copied())
            .unwrap_or_default();
        self.message.clear();
        // A full snapshot names its schema; a delta is read in its baseline's.
        let schema = self.baseline.is_none().then(|| frame.schema.hash());
        codec::write_snapshot(ack, schema, &body, &mut self.message);
        push_binary(out, &self.message);
        tally.snapshots_sent += 1;
        self.previous = self.baseline.replace(view);
    }
}

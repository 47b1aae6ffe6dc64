//! `MatchRecording`: a room's recordings, one file per match. The room's first match starts
//! with the room (tick 0 of a game made from the room's seed), so it is recorded as inputs and
//! re-simulates from the seed. A later match starts from a world that only the earlier matches
//! lead to, which the seed alone cannot make again: it is recorded as its snapshot stream (the
//! same viewer stream, not re-simulated). At each match's end the room drops the recording's
//! half, the writer finishes the file, and the file is named on the match's row (or deleted
//! when the match was not stored), off the async runtime.

use std::sync::Arc;

use tickwire_replay::RecordingKind;
use tokio::task::JoinHandle;

use crate::recording::recordings_dir::{Pending, Recordings};
use crate::recording::replay_sim::recording_header;
use crate::rooms::room::Room;
use crate::storage::match_recorder::{MatchRecorder, unix_ms};

/// A room's recording of the match under way.
#[derive(Debug)]
pub struct MatchRecording {
    recordings: Arc<Recordings>,
    pending: Option<Pending>,
    /// The private room's key, kept (as a digest) on each match's row.
    room_key: Option<String>,
    seed: u64,
}

impl MatchRecording {
    /// Starts recording `room`'s first match (made with `seed`) under a new key of `recorder`;
    /// `None` (logged) when the file cannot be made.
    pub fn start(
        recordings: Arc<Recordings>,
        room: &mut Room,
        (recorder, seed): (&MatchRecorder, u64),
        room_key: Option<String>,
    ) -> Option<MatchRecording> {
        let mut me = MatchRecording {
            recordings,
            pending: None,
            room_key,
            seed,
        };
        me.begin(room, recorder, None);
        me.pending.as_ref()?;
        Some(me)
    }

    /// The key of the match being recorded.
    pub fn key(&self) -> Option<&str> {
        self.pending.as_ref().map(|p| p.key.as_str())
    }

    fn begin(&mut self, room: &mut Room, recorder: &MatchRecorder, kind: Option<RecordingKind>) {
        let config = room.config();
        let mut header = recording_header(
            room.game(),
            self.seed,
            (config.tick_rate, config.ticks_per_snapshot),
            unix_ms(std::time::SystemTime::now()),
        );
        if let Some(kind) = kind {
            header.kind = kind;
        }
        if let Some((half, pending)) = self.recordings.begin(recorder.next_key(), header) {
            room.start_recording(half);
            self.pending = Some(pending);
        }
    }

    /// The match under way ended, `stored` or not: its file is finished and named on its row
    /// (or deleted) on a blocking thread, whose handle this returns; unless the room is
    /// `stopping`, the next match's recording (its snapshot stream) starts.
    pub fn match_over(
        &mut self,
        room: &mut Room,
        recorder: &MatchRecorder,
        stored: bool,
        stopping: bool,
    ) -> Option<JoinHandle<()>> {
        // Dropping the room's half closes the queue: the writer ends the file.
        drop(room.take_recording());
        let pending = self.pending.take();
        if !stopping {
            self.begin(room, recorder, Some(RecordingKind::Stream));
        }
        let pending = pending?;
        let recordings = self.recordings.clone();
        let room_key = self.room_key.clone();
        Some(tokio::task::spawn_blocking(move || {
            recordings.finish(pending, stored, room_key.as_deref());
        }))
    }
}

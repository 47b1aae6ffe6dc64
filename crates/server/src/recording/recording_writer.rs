//! The thread that writes one room's recording: it takes the batches the room queued (bounded, see
//! `room_recording.rs`) and appends sections to `<file>.part`, renamed to `<file>` once the
//! end marker is down. The tick loop never touches the file.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::mpsc::{Receiver, sync_channel};
use std::thread::JoinHandle;

use tickwire_replay::{Header, ReplayWriter};

use crate::recording::room_recording::{RecordItem, RoomRecording};
use crate::telemetry::metrics::Metrics;

/// Batches a room may have queued for its writer before it loses one: 128 batches of
/// `BATCH_TICKS` ticks, about a minute at 60 Hz.
pub const QUEUE_BATCHES: usize = 128;

/// Why a recording could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file could not be created or written.
    #[error("cannot write the recording {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A value over the format's limits.
    #[error(transparent)]
    Format(#[from] tickwire_replay::ReplayError),
}

/// A recording being written: the room's half, and the writer thread, which ends with the
/// file's size once the room drops its half.
#[derive(Debug)]
pub struct RecordingWriter {
    /// The room's half.
    pub recording: RoomRecording,
    /// The thread; its result is the bytes written.
    pub thread: JoinHandle<Result<u64, WriteError>>,
}

/// Starts writing `header`'s recording to `path` (a room starting at `header.start_tick`),
/// with room for `queue` batches between the room and the writer ([`QUEUE_BATCHES`] for a
/// server).
pub fn start(
    path: &Path,
    header: Header,
    queue: usize,
    metrics: Arc<Metrics>,
) -> Result<RecordingWriter, WriteError> {
    let ticks_per_snapshot = header.ticks_per_snapshot;
    let part = path.with_extension("part");
    let io = |source| WriteError::Io {
        path: part.clone(),
        source,
    };
    let file = File::create(&part).map_err(io)?;
    let (writer, first) = ReplayWriter::start(header)?;
    let mut file = BufWriter::new(file);
    file.write_all(&first).map_err(io)?;
    let (queue, items) = sync_channel(queue.max(1));
    let lost = Arc::new(AtomicU64::new(0));
    let h = writer.header();
    let recording = RoomRecording::new(
        (queue, lost.clone()),
        h.kind,
        (h.start_tick, h.tick_rate, ticks_per_snapshot),
        metrics.clone(),
    );
    let (path, target) = (path.to_owned(), path.to_owned());
    let thread = std::thread::Builder::new()
        .name("recording".into())
        .spawn(move || {
            let written = write_all(items, writer, file, &part, &path, &lost);
            match &written {
                Ok(_) => {
                    metrics.recordings_written.inc();
                }
                Err(e) => tracing::warn!(error = %e, "a recording was not written"),
            }
            written
        })
        .map_err(|source| WriteError::Io {
            path: target,
            source,
        })?;
    Ok(RecordingWriter { recording, thread })
}

fn write_all(
    items: Receiver<Vec<RecordItem>>,
    mut writer: ReplayWriter,
    mut file: BufWriter<File>,
    part: &Path,
    path: &Path,
    lost: &AtomicU64,
) -> Result<u64, WriteError> {
    let io = |source| WriteError::Io {
        path: part.to_owned(),
        source,
    };
    let mut buf = Vec::new();
    // Ends when the room drops its half (its queue's sender).
    for item in items.into_iter().flatten() {
        match item {
            RecordItem::Tick(entry) => writer.tick(entry),
            RecordItem::Frame {
                world,
                events,
                scoreboard,
            } => writer.frame(&world, events, scoreboard),
            RecordItem::Keyframe(world) => {
                writer.keyframe(&world, &mut buf)?;
                file.write_all(&buf).map_err(io)?;
                buf.clear();
            }
        }
    }
    writer.finish(lost.load(Relaxed), &mut buf)?;
    file.write_all(&buf).map_err(io)?;
    let file = file.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    std::fs::rename(part, path).map_err(|source| WriteError::Io {
        path: path.to_owned(),
        source,
    })?;
    Ok(size)
}

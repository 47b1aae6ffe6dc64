//! Where match recordings live: the settings (`--record`, `--recordings-dir`, the budgets), the
//! directory's default (beside the SQLite file), the one rule a recording's name must pass (a
//! match key: ASCII letters, digits and dashes), and [`Recordings`], what rooms and the HTTP
//! routes share: the directory, the store that names each file on its match's row, and the
//! budgets that expire old files.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tickwire_replay::Header;
use tickwire_store::{Database, Store, Write};

use crate::recording::file_names::{REPLAY_EXT, VIEW_EXT, is_safe_id};
use crate::recording::recording_writer::{self, QUEUE_BATCHES, WriteError};
use crate::recording::room_recording::RoomRecording;
use crate::telemetry::metrics::Metrics;

/// How a server records matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordingSettings {
    /// Record every room's matches (`--record`); a room created with `"record": true` is
    /// recorded either way.
    pub record: bool,
    /// Where the files go; `None`: `recordings/` beside the SQLite file, or `./recordings`
    /// with PostgreSQL.
    pub dir: Option<PathBuf>,
    /// Most bytes of recordings kept; the oldest go first past it.
    pub max_bytes: u64,
    /// Recordings older than this are deleted.
    pub max_age: Duration,
}

impl Default for RecordingSettings {
    fn default() -> Self {
        RecordingSettings {
            record: false,
            dir: None,
            max_bytes: 1024 * 1024 * 1024,
            max_age: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

impl RecordingSettings {
    /// The directory recordings go to with `database`.
    pub fn dir_for(&self, database: &Database) -> PathBuf {
        if let Some(dir) = &self.dir {
            return dir.clone();
        }
        match database {
            Database::Sqlite(path) => path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .join("recordings"),
            _ => PathBuf::from("recordings"),
        }
    }
}

/// A room's recording whose writer may still be at work: the match's key, and the thread.
#[derive(Debug)]
pub struct Pending {
    /// The match's key, which names the file.
    pub key: String,
    thread: std::thread::JoinHandle<Result<u64, WriteError>>,
}

/// The recordings of one server: where they go, the store that names them on their matches'
/// rows, and the budgets.
#[derive(Debug)]
pub struct Recordings {
    dir: PathBuf,
    settings: RecordingSettings,
    store: Store,
    metrics: Arc<Metrics>,
    /// One conversion to a viewer stream at a time: a re-simulation is seconds of CPU, and many
    /// asks at once (of one match before its stream is cached, or of many) must not run many.
    conversions: tokio::sync::Semaphore,
}

impl Recordings {
    /// Waits for the turn to convert a recording to its viewer stream (one at a time); `None`
    /// only if the gate was closed, which it never is.
    pub(crate) async fn conversion_turn(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        self.conversions.acquire().await.ok()
    }

    /// The recordings of a server storing into `store` (recordings need one: a file is found
    /// through its match's row), in `settings`' directory for `database`, created if missing.
    /// Expires what is over the budgets now.
    pub fn open(
        settings: &RecordingSettings,
        database: &Database,
        store: Store,
        metrics: Arc<Metrics>,
    ) -> std::io::Result<Arc<Recordings>> {
        let dir = settings.dir_for(database);
        std::fs::create_dir_all(&dir)?;
        let recordings = Arc::new(Recordings {
            dir,
            settings: settings.clone(),
            store,
            metrics,
            conversions: tokio::sync::Semaphore::new(1),
        });
        tracing::info!(dir = %recordings.dir.display(), record_all = settings.record, "recordings");
        recordings.expire();
        Ok(recordings)
    }

    /// Whether every room records.
    pub fn record_all(&self) -> bool {
        self.settings.record
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The recording file of match `id`; `None` for a name that is not a match key.
    pub fn replay_path(&self, id: &str) -> Option<PathBuf> {
        is_safe_id(id).then(|| self.dir.join(format!("{id}.{REPLAY_EXT}")))
    }

    /// The cached viewer stream of match `id`; `None` for a name that is not a match key.
    pub fn view_path(&self, id: &str) -> Option<PathBuf> {
        is_safe_id(id).then(|| self.dir.join(format!("{id}.{VIEW_EXT}")))
    }

    /// Starts recording the match `key` with `header`: the room's half, and the writer to
    /// [`Recordings::finish`] once the match is over. `None` (logged) when the file cannot be
    /// made.
    pub fn begin(&self, key: String, header: Header) -> Option<(RoomRecording, Pending)> {
        let path = self.replay_path(&key)?;
        match recording_writer::start(&path, header, QUEUE_BATCHES, self.metrics.clone()) {
            Ok(w) => Some((
                w.recording,
                Pending {
                    key,
                    thread: w.thread,
                },
            )),
            Err(e) => {
                tracing::warn!(error = %e, "cannot start a recording");
                None
            }
        }
    }

    /// Waits (blocking: call it off the async runtime) for `pending`'s writer, which ends once
    /// the room has dropped its half; then names the file on its match's row, when the match
    /// was `stored` (a private room's with a digest of `room_key`), or deletes it; then expires
    /// what is over the budgets.
    pub fn finish(&self, pending: Pending, stored: bool, room_key: Option<&str>) {
        let Pending { key, thread } = pending;
        let written = thread.join();
        let file = format!("{key}.{REPLAY_EXT}");
        match written {
            Ok(Ok(bytes)) if stored => {
                let write = Write::Replay {
                    key: key.clone(),
                    file,
                    room_key: room_key.map(key_digest),
                };
                match self.store.record(write) {
                    Ok(()) => tracing::info!(match_key = %key, bytes, "recording kept"),
                    Err(e) => {
                        tracing::warn!(match_key = %key, error = %e, "a recording's row was not updated; the file is deleted");
                        self.remove(&key);
                    }
                }
            }
            Ok(Ok(_)) => {
                tracing::debug!(match_key = %key, "a match not stored (no players): its recording is deleted");
                self.remove(&key);
            }
            Ok(Err(e)) => {
                tracing::warn!(match_key = %key, error = %e, "a recording was not written");
                self.remove(&key);
                let _ = std::fs::remove_file(self.dir.join(format!("{key}.part")));
            }
            Err(_) => {
                tracing::error!(match_key = %key, "a recording's writer panicked");
                self.remove(&key);
            }
        }
        self.expire();
    }

    /// Deletes match `key`'s recording and its viewer stream.
    fn remove(&self, key: &str) {
        for path in [self.replay_path(key), self.view_path(key)]
            .into_iter()
            .flatten()
        {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Deletes the oldest recordings past the budgets, clears their rows, counts them and
    /// sets the gauge of bytes on disk.
    pub fn expire(&self) {
        let now = std::time::SystemTime::now();
        let budget = crate::recording::recording_expiry::Budget {
            max_bytes: self.settings.max_bytes,
            max_age: self.settings.max_age,
        };
        let outcome = crate::recording::recording_expiry::expire(&self.dir, budget, now);
        for key in &outcome.expired {
            self.remove(key);
            self.metrics.recordings_expired.inc();
            let gone = Write::ReplayGone {
                file: format!("{key}.{REPLAY_EXT}"),
            };
            if let Err(e) = self.store.record(gone) {
                tracing::warn!(match_key = %key, error = %e, "an expired recording's row still names it");
            }
            tracing::info!(match_key = %key, "recording expired");
        }
        self.metrics
            .recordings_bytes
            .set(i64::try_from(outcome.kept_bytes).unwrap_or(i64::MAX));
    }

    /// Whether `given` is a private room's key whose digest is `stored` (constant time).
    pub fn key_matches(stored: &str, given: &str) -> bool {
        crate::auth::secret_eq::secret_eq(key_digest(given).as_bytes(), stored.as_bytes())
    }
}

/// How the store keeps a private room's key: SHA-256, in hex, so that the database does not
/// hold the key itself.
fn key_digest(key: &str) -> String {
    ring::digest::digest(&ring::digest::SHA256, key.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_dir_sits_beside_the_database() {
        let s = RecordingSettings::default();
        let db = Database::Sqlite(PathBuf::from("/var/lib/tw/tickwire.db"));
        assert_eq!(s.dir_for(&db), PathBuf::from("/var/lib/tw/recordings"));
        let db = Database::Sqlite(PathBuf::from("tickwire.db"));
        assert_eq!(s.dir_for(&db), PathBuf::from("./recordings"));
        let pg = Database::Postgres("postgres://x/y".into());
        assert_eq!(s.dir_for(&pg), PathBuf::from("recordings"));
        let own = RecordingSettings {
            dir: Some("/r".into()),
            ..s
        };
        assert_eq!(own.dir_for(&db), PathBuf::from("/r"));
    }

    #[test]
    fn a_key_matches_its_digest_only() {
        let stored = key_digest("abc123");
        assert!(Recordings::key_matches(&stored, "abc123"));
        assert!(!Recordings::key_matches(&stored, "abc124"));
        assert!(!Recordings::key_matches(&stored, ""));
    }
}

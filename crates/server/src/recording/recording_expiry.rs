//! Expiring recordings: the oldest go first once the directory holds more than the size budget
//! (a recording and its cached viewer stream count together), and any older than the age
//! budget go. Age is the file's modification time (when its writer finished it). Checked when
//! the server starts and whenever a recording is finished (`recordings_dir.rs`).

use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::recording::file_names::{REPLAY_EXT, VIEW_EXT, is_safe_id};

/// What may be kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Most bytes on disk.
    pub max_bytes: u64,
    /// Oldest recording kept.
    pub max_age: Duration,
}

/// One recording on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnDisk {
    /// Its match key.
    pub key: String,
    /// Its bytes with its viewer stream's.
    pub bytes: u64,
    /// When it was finished.
    pub modified: SystemTime,
}

/// What [`expire`] decided.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expired {
    /// The keys of the recordings to delete, oldest first.
    pub expired: Vec<String>,
    /// Bytes of the recordings kept.
    pub kept_bytes: u64,
}

/// Which of `files` go by `budget` at `now`: those older than the age budget, then the oldest
/// until the rest fit the size budget.
pub fn choose(mut files: Vec<OnDisk>, budget: Budget, now: SystemTime) -> Expired {
    files.sort_by(|a, b| a.modified.cmp(&b.modified).then_with(|| a.key.cmp(&b.key)));
    let mut total: u64 = files.iter().map(|f| f.bytes).sum();
    let mut out = Expired::default();
    for f in files {
        let age = now.duration_since(f.modified).unwrap_or(Duration::ZERO);
        if age > budget.max_age || total > budget.max_bytes {
            total -= f.bytes;
            out.expired.push(f.key);
        }
    }
    out.kept_bytes = total;
    out
}

/// The recordings in `dir` and what of them goes by `budget` at `now` (the caller deletes
/// them). A directory that cannot be read expires nothing (logged).
pub fn expire(dir: &Path, budget: Budget, now: SystemTime) -> Expired {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot read the recordings directory");
            return Expired::default();
        }
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(key) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(&format!(".{REPLAY_EXT}")))
            .filter(|k| is_safe_id(k))
        else {
            continue;
        };
        let Ok(meta) = entry.metadata() else { continue };
        let view = dir.join(format!("{key}.{VIEW_EXT}"));
        let view_bytes = std::fs::metadata(view).map_or(0, |m| m.len());
        files.push(OnDisk {
            key: key.to_owned(),
            bytes: meta.len() + view_bytes,
            modified: meta.modified().unwrap_or(now),
        });
    }
    choose(files, budget, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(key: &str, bytes: u64, secs_ago: u64, now: SystemTime) -> OnDisk {
        OnDisk {
            key: key.into(),
            bytes,
            modified: now - Duration::from_secs(secs_ago),
        }
    }

    #[test]
    fn the_oldest_go_first_past_the_size_and_any_past_the_age() {
        let now = SystemTime::now();
        let files = vec![
            file("c", 100, 10, now),
            file("a", 100, 30, now),
            file("b", 100, 20, now),
        ];
        let budget = Budget {
            max_bytes: 250,
            max_age: Duration::from_secs(3600),
        };
        let out = choose(files.clone(), budget, now);
        assert_eq!(out.expired, ["a"]);
        assert_eq!(out.kept_bytes, 200);
        let budget = Budget {
            max_bytes: 1000,
            max_age: Duration::from_secs(15),
        };
        let out = choose(files, budget, now);
        assert_eq!(out.expired, ["a", "b"]);
        assert_eq!(out.kept_bytes, 100);
    }
}

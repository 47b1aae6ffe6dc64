//! `FanOut`: how a room's snapshots reach its sessions.
//!
//! With [`FanOutMode::Pass`] (the default) the room task makes one pass over its sessions after
//! each snapshot tick, and each session writes its own delta straight to its socket without
//! waiting: no task wakes, no timer is armed, one send per socket. Only a session that cannot
//! take the snapshot at once (its socket is full, or it is busy with a message of its own) is
//! handed to its own task, which finishes the write with a deadline and then sends the newest
//! snapshot. Large rooms split the pass into a chunk per worker, which the runtime's other workers take.
//!
//! With [`FanOutMode::Tasks`] each session's task is woken by every snapshot and writes it
//! itself, as the server did before the pass: kept so that the two are measured in one run.

use std::sync::{Arc, Weak};

use parking_lot::Mutex;

use crate::rooms::snapshot::SnapshotFrame;
use crate::telemetry::metrics::Metrics;
use crate::telemetry::send_tally::SendTally;

/// Who writes a room's snapshots to its sessions' sockets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FanOutMode {
    /// One pass per snapshot from the room writes to every socket that can take it.
    #[default]
    Pass,
    /// Every session's own task is woken by each snapshot and writes it.
    Tasks,
}

impl FanOutMode {
    /// The mode's name as the command line spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            FanOutMode::Pass => "pass",
            FanOutMode::Tasks => "tasks",
        }
    }
}

impl std::str::FromStr for FanOutMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pass" => Ok(FanOutMode::Pass),
            "tasks" => Ok(FanOutMode::Tasks),
            other => Err(format!("expected pass or tasks, not {other:?}")),
        }
    }
}

/// A session as the fan-out pass sees it.
pub(crate) trait Outlet: Send + Sync {
    /// Writes what the session should be sent of `frame` now if its socket takes it without
    /// waiting; otherwise leaves it to the session's own task. Never waits. Counts go to
    /// `tally`.
    fn offer(&self, frame: &Arc<SnapshotFrame>, tally: &mut SendTally);
    /// The room stopped: no more frames will come.
    fn room_closed(&self);
}

/// Fewest sessions a chunk of the pass is given: below this, the task that would run a chunk
/// costs more than the chunk's sends.
const MIN_CHUNK: usize = 64;

/// The sessions a room's pass writes to.
#[derive(Default)]
pub struct FanOut {
    outlets: Mutex<Outlets>,
}

#[derive(Default)]
struct Outlets {
    live: Vec<Weak<dyn Outlet>>,
    closed: bool,
}

impl std::fmt::Debug for FanOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let o = self.outlets.lock();
        f.debug_struct("FanOut")
            .field("outlets", &o.live.len())
            .field("closed", &o.closed)
            .finish()
    }
}

impl FanOut {
    /// How many sessions one chunk of the pass serves when a room of `sessions` runs on
    /// `workers` workers: one chunk per worker, as few as the room needs (none smaller than
    /// 64 sessions), so that the pass wakes at most `workers - 1` other workers. A dry run
    /// spreads its encodes by the same rule.
    pub fn chunk_size(sessions: usize, workers: usize) -> usize {
        sessions.div_ceil(workers.max(1)).max(MIN_CHUNK)
    }

    /// Adds a session to the pass; false when the room has already stopped. A session leaves
    /// by dropping its outlet.
    pub(crate) fn join(&self, outlet: Weak<dyn Outlet>) -> bool {
        let mut o = self.outlets.lock();
        if !o.closed {
            o.live.push(outlet);
        }
        !o.closed
    }

    /// Offers `frame` to every session: this task writes the first chunk, spawned tasks the
    /// rest (a chunk per worker), each adding its counts to `metrics` once. Sessions that have
    /// ended are dropped from the list.
    ///
    /// The pass runs outside tokio's cooperative budget: it writes once to each session and
    /// never loops on a socket, and within the budget every write past the task's 128th would
    /// be refused as if the socket were full, handing a third of the sessions to their tasks.
    pub(crate) async fn offer(&self, frame: &Arc<SnapshotFrame>, metrics: &Arc<Metrics>) {
        let mut live: Vec<Arc<dyn Outlet>> = Vec::new();
        self.outlets.lock().live.retain(|w| match w.upgrade() {
            Some(o) => {
                live.push(o);
                true
            }
            None => false,
        });
        let workers =
            tokio::runtime::Handle::try_current().map_or(1, |h| h.metrics().num_workers());
        let chunk = FanOut::chunk_size(live.len(), workers);
        if live.len() > chunk {
            for rest in live[chunk..].chunks(chunk) {
                let (rest, frame, metrics) = (rest.to_vec(), frame.clone(), metrics.clone());
                let pass = async move { offer_each(&rest, &frame, &metrics) };
                tokio::spawn(tokio::task::unconstrained(pass));
            }
            live.truncate(chunk);
        }
        tokio::task::unconstrained(async { offer_each(&live, frame, metrics) }).await;
    }

    /// The room stopped: every session is told, and later joins are refused.
    pub(crate) fn close(&self) {
        let live = {
            let mut o = self.outlets.lock();
            o.closed = true;
            std::mem::take(&mut o.live)
        };
        for o in live.iter().filter_map(Weak::upgrade) {
            o.room_closed();
        }
    }

    /// Sessions in the pass now, ended ones not yet dropped included.
    pub fn len(&self) -> usize {
        self.outlets.lock().live.len()
    }

    /// True when no session is in the pass.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One chunk of the pass.
fn offer_each(outlets: &[Arc<dyn Outlet>], frame: &Arc<SnapshotFrame>, metrics: &Metrics) {
    let mut tally = SendTally::default();
    for o in outlets {
        o.offer(frame, &mut tally);
    }
    tally.add_to(metrics);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Default)]
    struct Counting {
        closed: AtomicUsize,
    }

    impl Outlet for Counting {
        fn offer(&self, _: &Arc<SnapshotFrame>, _: &mut SendTally) {}
        fn room_closed(&self) {
            self.closed.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn a_closed_room_tells_its_sessions_once_and_refuses_later_ones() {
        let fan = FanOut::default();
        let a: Arc<dyn Outlet> = Arc::new(Counting::default());
        let counting = Arc::new(Counting::default());
        let b: Arc<dyn Outlet> = counting.clone();
        assert!(fan.join(Arc::downgrade(&a)));
        assert!(fan.join(Arc::downgrade(&b)));
        drop(a);
        fan.close();
        fan.close();
        assert_eq!(counting.closed.load(Ordering::Relaxed), 1);
        assert!(!fan.join(Arc::downgrade(&b)));
        assert!(fan.is_empty());
    }

    #[test]
    fn a_pass_is_split_into_a_chunk_per_worker_but_never_into_small_ones() {
        assert_eq!(FanOut::chunk_size(200, 2), 100);
        assert_eq!(FanOut::chunk_size(1000, 2), 500);
        assert_eq!(FanOut::chunk_size(1000, 8), 125);
        assert_eq!(FanOut::chunk_size(100, 8), MIN_CHUNK);
        assert_eq!(FanOut::chunk_size(10, 0), MIN_CHUNK);
    }

    #[test]
    fn modes_read_as_the_command_line_spells_them() {
        for mode in [FanOutMode::Pass, FanOutMode::Tasks] {
            assert_eq!(mode.as_str().parse::<FanOutMode>(), Ok(mode));
        }
        assert!("fast".parse::<FanOutMode>().is_err());
    }
}

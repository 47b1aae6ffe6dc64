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

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

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
    /// What a session has cost the room's own task in recent passes, in nanoseconds (an
    /// average that follows the last few passes; 0: not measured yet).
    per_session_ns: AtomicU64,
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

    /// How a pass over `sessions` on `workers` workers is split: how many the room's own task
    /// serves, and how many each spawned chunk serves (0 when nothing is spawned), given that
    /// the room's task has just spent `serial` ticking and that a session costs about
    /// `per_session`. The room's task ends the pass with its own chunk and goes back to
    /// ticking, while the spawned chunks go on: so that all finish together, its chunk is the
    /// even share less the sessions its tick was worth (spread over every chunk), and the
    /// others share the rest. Unmeasured (`per_session` `None`), the shares are even.
    pub fn split(
        sessions: usize,
        workers: usize,
        serial: Duration,
        per_session: Option<Duration>,
    ) -> (usize, usize) {
        let chunk = FanOut::chunk_size(sessions, workers);
        if sessions <= chunk {
            return (sessions, 0);
        }
        let others = sessions.div_ceil(chunk) - 1;
        let own = match per_session.filter(|t| !t.is_zero()) {
            Some(t) => {
                // Own + serial = each, with own + others * each = sessions, in sessions.
                let tick = serial.as_secs_f64() / t.as_secs_f64();
                let even = (sessions as f64 - tick * others as f64) / (others as f64 + 1.0);
                even.clamp(0.0, chunk as f64) as usize
            }
            None => chunk,
        };
        (own, (sessions - own).div_ceil(others))
    }

    /// What a session has cost the room's own task of late, when measured.
    pub fn per_session(&self) -> Option<Duration> {
        match self.per_session_ns.load(Ordering::Relaxed) {
            0 => None,
            ns => Some(Duration::from_nanos(ns)),
        }
    }

    /// Takes in that the room's own task served `sessions` in `took`.
    pub fn measured(&self, sessions: usize, took: Duration) {
        if sessions == 0 {
            return;
        }
        let now = (took.as_nanos() / sessions as u128).clamp(1, u128::from(u32::MAX)) as u64;
        let old = self.per_session_ns.load(Ordering::Relaxed);
        // Three quarters of the old, a quarter of the new: one slow pass moves it little.
        let next = if old == 0 { now } else { (3 * old + now) / 4 };
        self.per_session_ns.store(next.max(1), Ordering::Relaxed);
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
    /// rest, each adding its counts to `metrics` once; the chunks are sized by
    /// [`FanOut::split`], `serial` being what the room's tick took. Sessions that have ended
    /// are dropped from the list. The spawned chunks are not waited for.
    ///
    /// The pass runs outside tokio's cooperative budget: it writes once to each session and
    /// never loops on a socket, and within the budget every write past the task's 128th would
    /// be refused as if the socket were full, handing a third of the sessions to their tasks.
    pub(crate) async fn offer(
        &self,
        frame: &Arc<SnapshotFrame>,
        metrics: &Arc<Metrics>,
        serial: Duration,
    ) {
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
        let (own, each) = FanOut::split(live.len(), workers, serial, self.per_session());
        if each > 0 {
            for rest in live[own..].chunks(each) {
                let (rest, frame, metrics) = (rest.to_vec(), frame.clone(), metrics.clone());
                let pass = async move { offer_each(&rest, &frame, &metrics) };
                tokio::spawn(tokio::task::unconstrained(pass));
            }
            live.truncate(own);
        }
        let started = Instant::now();
        tokio::task::unconstrained(async { offer_each(&live, frame, metrics) }).await;
        self.measured(live.len(), started.elapsed());
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

    /// The room's own chunk is smaller by what its tick was worth, so that every chunk ends
    /// together; unmeasured, or small, the split is even.
    #[test]
    fn the_room_task_serves_fewer_sessions_by_what_its_tick_cost() {
        let us = Duration::from_micros;
        assert_eq!(FanOut::split(1000, 2, us(1200), None), (500, 500));
        // A 1.2 ms tick is worth 200 sessions at 6 us: 400 and 600 end together.
        assert_eq!(FanOut::split(1000, 2, us(1200), Some(us(6))), (400, 600));
        // Spread over every chunk on four workers: 250 - 150 = 100 here, 300 each there.
        assert_eq!(FanOut::split(1000, 4, us(1200), Some(us(6))), (100, 300));
        // A tick worth more than a chunk: the room's task serves none.
        assert_eq!(FanOut::split(1000, 2, us(9000), Some(us(6))), (0, 1000));
        assert_eq!(FanOut::split(100, 2, us(1200), Some(us(6))), (0, 100));
        // One chunk's worth: nothing is spawned.
        assert_eq!(FanOut::split(60, 2, us(1200), Some(us(6))), (60, 0));
        assert_eq!(FanOut::split(1000, 1, us(1200), Some(us(6))), (1000, 0));
        let fan = FanOut::default();
        assert_eq!(fan.per_session(), None);
        fan.measured(500, us(3000));
        assert_eq!(fan.per_session(), Some(us(6)));
        fan.measured(500, us(5000));
        assert_eq!(fan.per_session(), Some(us(7)));
    }

    #[test]
    fn modes_read_as_the_command_line_spells_them() {
        for mode in [FanOutMode::Pass, FanOutMode::Tasks] {
            assert_eq!(mode.as_str().parse::<FanOutMode>(), Ok(mode));
        }
        assert!("fast".parse::<FanOutMode>().is_err());
    }
}

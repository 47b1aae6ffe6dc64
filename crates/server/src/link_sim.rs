//! `LinkSim`: the link conditioner's settings, and `DelaySchedule`, the sans-IO rule that says
//! when a chunk of bytes that arrived at one end of a conditioned session may leave the other.
//!
//! The conditioner makes a loopback connection behave like a real one: a fixed latency, a random
//! jitter around it, and a periodic stall during which a direction's traffic is held, as a TCP
//! retransmission holds everything behind a lost segment. Order is always preserved (a chunk
//! never leaves before the one that arrived before it), as on a TCP stream. Time comes in as
//! arguments; the pumps in `session/delayed_link.rs` do the waiting.

use std::time::Duration;

use tokio::time::Instant;

/// How a session's link is degraded, in each direction. All zero (the default) is off: sessions
/// then use their socket directly, at no cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkSim {
    /// Added to every chunk, each way.
    pub latency: Duration,
    /// Each chunk gets a further delay drawn uniformly from `-jitter..=+jitter` (never below
    /// zero in total), each way.
    pub jitter: Duration,
    /// A stall starts every this long (zero: never).
    pub stall_every: Duration,
    /// How long a stall holds a direction's traffic.
    pub stall: Duration,
}

impl LinkSim {
    /// True when every setting is zero: the session's socket is used directly.
    pub fn is_off(&self) -> bool {
        self.latency.is_zero() && self.jitter.is_zero() && !self.stalls()
    }

    /// True when stalls are on.
    pub fn stalls(&self) -> bool {
        !self.stall_every.is_zero() && !self.stall.is_zero()
    }

    /// A reason this setting cannot work, if any.
    pub fn problem(&self) -> Option<&'static str> {
        let limit = Duration::from_secs(10);
        if self.latency > limit || self.jitter > limit {
            return Some("link simulation latency and jitter must be at most 10 s");
        }
        // A stall may be long, to show what a long outage does to a session (the write
        // timeout, the idle timeout, a resume); a minute covers the default idle timeout.
        if self.stall > Duration::from_secs(60) {
            return Some("--sim-stall-ms must be at most 60000 (a minute)");
        }
        if self.stalls() && self.stall >= self.stall_every {
            return Some("--sim-stall-ms must be shorter than --sim-stall-every");
        }
        if self.stall_every.is_zero() != self.stall.is_zero() {
            return Some("--sim-stall-every and --sim-stall-ms go together (both or neither)");
        }
        None
    }
}

/// When each chunk of one direction of one session may be delivered.
#[derive(Debug)]
pub struct DelaySchedule {
    sim: LinkSim,
    start: Instant,
    last_release: Instant,
    rng: u64,
}

/// What `DelaySchedule::release_at` decided for one chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Release {
    /// When the chunk may be delivered.
    pub at: Instant,
    /// True when a stall held it.
    pub stalled: bool,
}

impl DelaySchedule {
    /// A schedule whose stalls are counted from `start`; `seed` draws the jitter (any value).
    pub fn new(sim: LinkSim, start: Instant, seed: u64) -> DelaySchedule {
        DelaySchedule {
            sim,
            start,
            last_release: start,
            // xorshift must not start from zero.
            rng: seed | 1,
        }
    }

    /// When a chunk that arrived at `arrived` may leave: after the latency and a jitter draw,
    /// after the end of any stall it arrived in, and never before the chunk before it.
    pub fn release_at(&mut self, arrived: Instant) -> Release {
        let mut at = arrived + self.sim.latency;
        if !self.sim.jitter.is_zero() {
            let span = self.sim.jitter.as_micros() as u64;
            let draw = self.next_u64() % (2 * span + 1);
            if draw >= span {
                at += Duration::from_micros(draw - span);
            } else {
                at = at
                    .checked_sub(Duration::from_micros(span - draw))
                    .unwrap_or(arrived)
                    .max(arrived);
            }
        }
        let mut stalled = false;
        if self.sim.stalls() {
            let since = arrived.saturating_duration_since(self.start);
            let every = self.sim.stall_every.as_micros().max(1);
            let phase = Duration::from_micros((since.as_micros() % every) as u64);
            // The first stall comes one period after the start, not at it.
            if since >= self.sim.stall_every && phase < self.sim.stall {
                let resumes = arrived + (self.sim.stall - phase) + self.sim.latency;
                if resumes > at {
                    at = resumes;
                    stalled = true;
                }
            }
        }
        at = at.max(self.last_release);
        self.last_release = at;
        Release { at, stalled }
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn off_by_default_and_checked() {
        assert!(LinkSim::default().is_off());
        assert_eq!(LinkSim::default().problem(), None);
        let bad = LinkSim {
            stall_every: ms(100),
            stall: ms(200),
            ..LinkSim::default()
        };
        assert!(bad.problem().is_some());
        let half = LinkSim {
            stall_every: ms(100),
            ..LinkSim::default()
        };
        assert!(half.problem().is_some());
    }

    #[test]
    fn latency_and_jitter_stay_in_bounds_and_in_order() {
        let start = Instant::now();
        let sim = LinkSim {
            latency: ms(50),
            jitter: ms(20),
            ..LinkSim::default()
        };
        let mut s = DelaySchedule::new(sim, start, 7);
        let mut last = start;
        let mut spread = (Duration::MAX, Duration::ZERO);
        for i in 0..1000 {
            let arrived = start + ms(i * 5);
            let r = s.release_at(arrived);
            assert!(r.at >= last, "order kept");
            let d = r.at - arrived;
            assert!(d >= ms(30), "{d:?}");
            // Order can push a chunk past its own draw by at most the previous chunk's excess.
            assert!(d <= ms(70), "{d:?}");
            spread = (spread.0.min(d), spread.1.max(d));
            last = r.at;
        }
        assert!(spread.1 - spread.0 > ms(20), "jitter varies: {spread:?}");
    }

    #[test]
    fn a_stall_holds_everything_until_it_ends() {
        let start = Instant::now();
        let sim = LinkSim {
            latency: ms(50),
            stall_every: ms(5000),
            stall: ms(250),
            ..LinkSim::default()
        };
        let mut s = DelaySchedule::new(sim, start, 1);
        let before = s.release_at(start + ms(4990));
        assert_eq!(before.at, start + ms(5040));
        assert!(!before.stalled);
        for t in [5000, 5100, 5249] {
            let r = s.release_at(start + ms(t));
            assert!(r.stalled);
            assert_eq!(r.at, start + ms(5300));
        }
        let after = s.release_at(start + ms(5250));
        assert_eq!(after.at, start + ms(5300));
        let later = s.release_at(start + ms(5400));
        assert_eq!(later.at, start + ms(5450));
        // No stall at the very start.
        let mut s = DelaySchedule::new(sim, start, 1);
        assert_eq!(s.release_at(start).at, start + ms(50));
    }
}

//! The flood limit on a client's messages: `TokenBucket`, which every frame is charged to, and
//! `OwedInputs`, which tells the inputs a client owes by the tick clock from a flood.
//!
//! A client sends one input per server tick. When its link stalls, the inputs of the stall
//! arrive together when it clears: many frames in little wall time, but no more inputs than
//! ticks have passed. Such inputs are owed, and the bucket gives their token back; inputs beyond
//! the tick clock, repeated or stale ones and every other frame stay charged. A catching-up
//! client is thus judged against the tick clock and a flooder against wall time.
//!
//! Hand-written rather than taken from a rate-limiting crate: it is a few lines, runs once per
//! client message on the reader's own task (no sharing, no locks), and needs no clock of its own.

use std::time::Instant;

/// A token bucket: `burst` tokens, refilled at `rate` per second.
pub(crate) struct TokenBucket {
    tokens: f64,
    burst: f64,
    rate: f64,
    last: Instant,
}

impl TokenBucket {
    pub(crate) fn new(burst: f64, rate: f64) -> TokenBucket {
        TokenBucket {
            tokens: burst,
            burst,
            rate,
            last: Instant::now(),
        }
    }

    pub(crate) fn take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Gives back the token of a frame that turned out to be owed (see [`OwedInputs`]).
    pub(crate) fn refund(&mut self) {
        self.tokens = (self.tokens + 1.0).min(self.burst);
    }
}

/// Inputs a client may have sent by now: one per tick since its first input, plus a margin for
/// a client whose clock runs a little fast (the pace hint asks for up to 5 %) and for jitter.
#[derive(Debug)]
pub(crate) struct OwedInputs {
    tick_rate: f64,
    /// The first input's time and sequence number.
    first: Option<(Instant, u32)>,
}

/// Inputs a client may run ahead of the tick clock, besides [`AHEAD_SHARE`] of the ticks.
const AHEAD_INPUTS: f64 = 60.0;
/// The share of the elapsed ticks a client may run ahead by (its pace, at most 5 % fast).
const AHEAD_SHARE: f64 = 0.1;

impl OwedInputs {
    /// A clock for a room ticking `tick_rate` times a second.
    pub(crate) fn new(tick_rate: f64) -> OwedInputs {
        OwedInputs {
            tick_rate,
            first: None,
        }
    }

    /// True when input `seq`, new (newer than every input before it), arriving at `now`, is
    /// within what the client owes by the tick clock: its token is given back.
    pub(crate) fn owed(&mut self, seq: u32, now: Instant) -> bool {
        let (start, first_seq) = *self.first.get_or_insert((now, seq));
        let ticks = now.saturating_duration_since(start).as_secs_f64() * self.tick_rate;
        let ahead = f64::from(seq.wrapping_sub(first_seq));
        // A sequence number below the first wraps to a huge number: not owed.
        ahead <= ticks * (1.0 + AHEAD_SHARE) + AHEAD_INPUTS
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn bucket_allows_the_rate_and_refuses_a_flood() {
        let start = Instant::now();
        let mut b = TokenBucket::new(10.0, 100.0);
        b.last = start;
        let allowed = (0..1000).filter(|_| b.take(start)).count();
        assert_eq!(allowed, 10);
        // One second later: 100 more.
        let later = start + Duration::from_secs(1);
        let allowed = (0..1000).filter(|_| b.take(later)).count();
        assert_eq!(allowed, 10);
    }

    #[test]
    fn a_stall_s_inputs_are_owed_and_a_flood_s_are_not() {
        let start = Instant::now();
        let mut clock = OwedInputs::new(60.0);
        assert!(clock.owed(100, start));
        // 5 s later, the 300 inputs of a stall arrive at once: all owed.
        let later = start + Duration::from_secs(5);
        assert!((101..=400).all(|s| clock.owed(s, later)));
        // 1,000 inputs a second for a second: the clock's 60, 6 of pace and 60 of margin are
        // owed, the rest are not.
        let mut clock = OwedInputs::new(60.0);
        assert!(clock.owed(1, start));
        let second = start + Duration::from_secs(1);
        let owed = (2..=1000).filter(|&s| clock.owed(s, second)).count();
        assert_eq!(owed, 126);
        // A sequence number before the first is never owed.
        assert!(!clock.owed(0, second));
    }

    #[test]
    fn a_refund_gives_a_token_back_up_to_the_burst() {
        let start = Instant::now();
        let mut b = TokenBucket::new(2.0, 0.0);
        b.last = start;
        assert!(b.take(start) && b.take(start) && !b.take(start));
        b.refund();
        b.refund();
        b.refund();
        assert!(b.take(start) && b.take(start) && !b.take(start));
    }
}

//! `TokenBucket`: the flood limit on a client's messages.
//!
//! Hand-written rather than taken from a rate-limiting crate: it is ten lines, runs once per
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
}

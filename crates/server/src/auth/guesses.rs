//! `Guesses`: wrong secrets (private room keys, admin tokens) counted per address, so that
//! guessing costs time: an address gets [`FREE_GUESSES`] wrong guesses a minute, then every
//! request that carries a secret is refused with 429 until its minute is over. Each address's
//! failures are logged at a bounded rate (its 1st, 2nd, 4th, 8th, ...), so a guesser cannot
//! grow the log at will.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// Wrong guesses an address may make in a [`WINDOW`] before it is refused.
pub const FREE_GUESSES: u32 = 5;

/// The window wrong guesses are counted in.
pub const WINDOW: Duration = Duration::from_secs(60);

/// Most addresses tracked at once; past it, addresses whose window is over are forgotten, and
/// if none is, the oldest windows go first.
const MAX_TRACKED: usize = 16_384;

#[derive(Debug, Clone, Copy)]
struct Tries {
    since: Instant,
    failures: u32,
}

/// Per-address wrong guesses (addresses grouped as the connection limits group them).
#[derive(Debug, Default)]
pub(crate) struct Guesses {
    by_address: Mutex<HashMap<IpAddr, Tries>>,
}

/// What a wrong guess did: how many the address has made in its window, and whether to log it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Failure {
    pub(crate) failures: u32,
    pub(crate) log: bool,
}

impl Guesses {
    /// How long `address` must wait before it may guess again, when it has used its free
    /// guesses in the current window.
    pub(crate) fn wait(&self, address: IpAddr, now: Instant) -> Option<Duration> {
        let map = self.by_address.lock();
        let tries = map.get(&address)?;
        let end = tries.since + WINDOW;
        (tries.failures >= FREE_GUESSES && now < end).then(|| end - now)
    }

    /// Records a wrong guess from `address`.
    pub(crate) fn failed(&self, address: IpAddr, now: Instant) -> Failure {
        let mut map = self.by_address.lock();
        if map.len() >= MAX_TRACKED && !map.contains_key(&address) {
            map.retain(|_, t| now.duration_since(t.since) < WINDOW);
            if map.len() >= MAX_TRACKED
                && let Some(oldest) = map.iter().min_by_key(|(_, t)| t.since).map(|(a, _)| *a)
            {
                map.remove(&oldest);
            }
        }
        let tries = map.entry(address).or_insert(Tries {
            since: now,
            failures: 0,
        });
        if now.duration_since(tries.since) >= WINDOW {
            *tries = Tries {
                since: now,
                failures: 0,
            };
        }
        tries.failures = tries.failures.saturating_add(1);
        Failure {
            failures: tries.failures,
            log: tries.failures.is_power_of_two(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_refused_after_its_free_guesses_until_the_window_ends() {
        let g = Guesses::default();
        let a: IpAddr = "192.0.2.1".parse().expect("ip");
        let b: IpAddr = "192.0.2.2".parse().expect("ip");
        let t0 = Instant::now();
        for n in 1..=FREE_GUESSES {
            assert!(g.wait(a, t0).is_none(), "guess {n}");
            assert_eq!(g.failed(a, t0).failures, n);
        }
        assert!(g.wait(a, t0).is_some());
        assert!(g.wait(b, t0).is_none(), "another address is not affected");
        assert!(g.wait(a, t0 + WINDOW).is_none(), "a new window");
        assert_eq!(g.failed(a, t0 + WINDOW).failures, 1);
    }

    #[test]
    fn logging_thins_out() {
        let g = Guesses::default();
        let a: IpAddr = "192.0.2.1".parse().expect("ip");
        let t0 = Instant::now();
        let logged = (0..100).filter(|_| g.failed(a, t0).log).count();
        assert_eq!(logged, 7, "1, 2, 4, 8, 16, 32, 64");
    }
}

//! `RoomQuota`: the rooms each address has created, so that one address can neither hold more
//! than its share of the server's rooms at once nor create them faster than a person would.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// The window the creation rate is counted in.
const MINUTE: Duration = Duration::from_secs(60);

/// Most addresses tracked; an address is forgotten once its rooms are gone and its minute over.
const MAX_TRACKED: usize = 16_384;

#[derive(Debug, Default)]
struct Creator {
    rooms: Vec<u32>,
    minute_start: Option<Instant>,
    in_minute: u32,
}

/// Why an address may not create a room now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuotaRefusal {
    /// It has this many rooms running.
    Running(usize),
    /// It created this many rooms in the last minute; it may again after the `Duration`.
    Rate(u32, Duration),
}

impl QuotaRefusal {
    /// The `reason` label of `tickwire_room_creations_refused_total`.
    pub(crate) fn label(self) -> &'static str {
        match self {
            QuotaRefusal::Running(_) => "per_address",
            QuotaRefusal::Rate(..) => "rate",
        }
    }
}

impl std::fmt::Display for QuotaRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QuotaRefusal::Running(n) => write!(
                f,
                "your address already has {n} rooms running; join one, or wait for one to close"
            ),
            QuotaRefusal::Rate(n, wait) => write!(
                f,
                "your address created {n} rooms in the last minute; try again in {} s",
                wait.as_secs().max(1)
            ),
        }
    }
}

/// The rooms created per address.
#[derive(Debug, Default)]
pub(crate) struct RoomQuota {
    by_address: Mutex<HashMap<IpAddr, Creator>>,
}

impl RoomQuota {
    /// Takes a creation from `address`'s quota (at most `per_address` rooms running, as
    /// `running` tells, and `per_minute` creations a minute; 0 is no limit), or says why not.
    /// [`RoomQuota::created`] then records the room.
    pub(crate) fn take(
        &self,
        address: IpAddr,
        per_address: usize,
        per_minute: u32,
        running: impl Fn(u32) -> bool,
        now: Instant,
    ) -> Result<(), QuotaRefusal> {
        let mut map = self.by_address.lock();
        if map.len() >= MAX_TRACKED && !map.contains_key(&address) {
            map.retain(|_, c| {
                c.rooms.retain(|id| running(*id));
                !c.rooms.is_empty() || c.minute_start.is_some_and(|t| now - t < MINUTE)
            });
        }
        let c = map.entry(address).or_default();
        c.rooms.retain(|id| running(*id));
        if per_address != 0 && c.rooms.len() >= per_address {
            return Err(QuotaRefusal::Running(c.rooms.len()));
        }
        match c.minute_start {
            Some(t) if now.duration_since(t) < MINUTE => {}
            _ => {
                c.minute_start = Some(now);
                c.in_minute = 0;
            }
        }
        if per_minute != 0 && c.in_minute >= per_minute {
            let since = c
                .minute_start
                .map_or(Duration::ZERO, |t| now.duration_since(t));
            return Err(QuotaRefusal::Rate(
                c.in_minute,
                MINUTE.saturating_sub(since),
            ));
        }
        c.in_minute += 1;
        Ok(())
    }

    /// Records that `address` created room `id`.
    pub(crate) fn created(&self, address: IpAddr, id: u32) {
        self.by_address
            .lock()
            .entry(address)
            .or_default()
            .rooms
            .push(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_rooms_and_rate_are_capped_per_address() {
        let q = RoomQuota::default();
        let a: IpAddr = "192.0.2.1".parse().expect("ip");
        let b: IpAddr = "192.0.2.2".parse().expect("ip");
        let t0 = Instant::now();
        let all_run = |_| true;
        for id in 0..2 {
            assert!(q.take(a, 2, 10, all_run, t0).is_ok());
            q.created(a, id);
        }
        assert_eq!(q.take(a, 2, 10, all_run, t0), Err(QuotaRefusal::Running(2)));
        assert!(q.take(b, 2, 10, all_run, t0).is_ok(), "another address");
        // Its rooms closed: the address may create again, up to the rate.
        let none_run = |_| false;
        assert!(q.take(a, 2, 3, none_run, t0).is_ok());
        assert!(matches!(
            q.take(a, 2, 3, none_run, t0),
            Err(QuotaRefusal::Rate(3, _))
        ));
        assert!(
            q.take(a, 2, 3, none_run, t0 + MINUTE).is_ok(),
            "a new minute"
        );
    }
}

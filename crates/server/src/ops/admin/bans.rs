//! `Bans`: addresses and players refused at the upgrade, each until its expiry or for good.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;
use serde::Serialize;

/// Most bans held at once; a ban beyond it is refused rather than grow memory without bound.
pub const MAX_BANS: usize = 100_000;

/// What a ban applies to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BanKey {
    /// Every connection from an address.
    Address(IpAddr),
    /// A player by the `sub` of its join token.
    Player(String),
}

/// One ban, as `GET /admin/bans` lists it.
#[derive(Clone, Debug, Serialize)]
pub struct Ban {
    /// What is banned.
    #[serde(flatten)]
    pub key: BanKey,
    /// The operator's reason, shown to the refused client.
    pub reason: String,
    /// Unix seconds when the ban was made.
    pub since: u64,
    /// Unix seconds when the ban ends; `None` for good.
    pub until: Option<u64>,
}

/// The ban list is full.
#[derive(Debug, thiserror::Error)]
#[error("the ban list holds its most entries ({MAX_BANS}); lift some first")]
pub struct BansFull;

/// Every ban of this server. In memory: a restart lifts them.
#[derive(Debug, Default)]
pub struct Bans {
    bans: Mutex<HashMap<BanKey, Ban>>,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Bans {
    /// Bans `key` for `minutes` (for good when `None`), replacing an earlier ban of it.
    pub fn add(&self, key: BanKey, reason: &str, minutes: Option<u64>) -> Result<Ban, BansFull> {
        let since = unix_now();
        let ban = Ban {
            key: key.clone(),
            reason: reason.to_string(),
            since,
            until: minutes
                .map(|m| since.saturating_add(Duration::from_secs(m.saturating_mul(60)).as_secs())),
        };
        let mut bans = self.bans.lock();
        prune(&mut bans);
        if bans.len() >= MAX_BANS && !bans.contains_key(&key) {
            return Err(BansFull);
        }
        bans.insert(key, ban.clone());
        Ok(ban)
    }

    /// Lifts the ban of `key`; false when there was none.
    pub fn remove(&self, key: &BanKey) -> bool {
        self.bans.lock().remove(key).is_some()
    }

    /// The ban of `key` if one is in force.
    pub fn find(&self, key: &BanKey) -> Option<Ban> {
        let now = unix_now();
        let bans = self.bans.lock();
        bans.get(key)
            .filter(|b| b.until.is_none_or(|until| until > now))
            .cloned()
    }

    /// True when no ban is held (the upgrade then skips the look-ups).
    pub fn is_empty(&self) -> bool {
        self.bans.lock().is_empty()
    }

    /// The bans in force, oldest first.
    pub fn list(&self) -> Vec<Ban> {
        let mut bans = self.bans.lock();
        prune(&mut bans);
        let mut list: Vec<Ban> = bans.values().cloned().collect();
        list.sort_by_key(|b| b.since);
        list
    }
}

/// Drops the bans that have ended.
fn prune(bans: &mut HashMap<BanKey, Ban>) {
    let now = unix_now();
    bans.retain(|_, b| b.until.is_none_or(|until| until > now));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bans_hold_until_lifted_and_expired_ones_drop() {
        let bans = Bans::default();
        let addr = BanKey::Address([127, 0, 0, 9].into());
        let player = BanKey::Player("alice".into());
        bans.add(addr.clone(), "spam", None).expect("room");
        bans.add(player.clone(), "cheating", Some(10))
            .expect("room");
        assert_eq!(bans.find(&addr).map(|b| b.reason), Some("spam".into()));
        assert!(bans.find(&player).is_some_and(|b| b.until.is_some()));
        assert!(bans.find(&BanKey::Player("bob".into())).is_none());
        assert_eq!(bans.list().len(), 2);
        assert!(bans.remove(&addr));
        assert!(!bans.remove(&addr));
        assert!(bans.find(&addr).is_none());
        // A ban of zero minutes has already ended.
        bans.add(addr.clone(), "brief", Some(0)).expect("room");
        assert!(bans.find(&addr).is_none());
        assert_eq!(bans.list().len(), 1);
    }
}

//! `FrameCache`: what a snapshot's sessions share (views, encodings), split into shards so
//! that the workers of the fan-out pass rarely wait on each other's lock.

use std::hash::{BuildHasher, Hash};

use parking_lot::{Mutex, MutexGuard};
use rustc_hash::{FxBuildHasher, FxHashMap};

/// Shards a cache is split into: a power of two, well above the workers a room's pass runs on.
const SHARDS: usize = 16;

/// A map written by several workers at once: each key lives in one of [`SHARDS`] locked maps,
/// each on cache lines of its own, so that workers filling different keys neither wait for nor
/// invalidate each other. Values are cheap to clone (`Arc`s).
#[derive(Debug)]
pub(crate) struct FrameCache<K, V> {
    shards: [Shard<K, V>; SHARDS],
    /// Most entries a shard holds; past that, values are made and not kept.
    shard_max: usize,
}

#[derive(Debug)]
#[repr(align(128))]
struct Shard<K, V>(Mutex<FxHashMap<K, V>>);

impl<K: Hash + Eq, V: Clone> FrameCache<K, V> {
    /// An empty cache keeping at most about `max` entries.
    pub(crate) fn new(max: usize) -> FrameCache<K, V> {
        FrameCache {
            shards: std::array::from_fn(|_| Shard(Mutex::new(FxHashMap::default()))),
            shard_max: max.div_ceil(SHARDS),
        }
    }

    fn shard(&self, key: &K) -> MutexGuard<'_, FxHashMap<K, V>> {
        // The hash's top bits: FxHash mixes its input into them.
        let i = (FxBuildHasher.hash_one(key) >> (64 - SHARDS.trailing_zeros())) as usize;
        self.shards[i % SHARDS].0.lock()
    }

    /// The value kept for `key`.
    pub(crate) fn get(&self, key: &K) -> Option<V> {
        self.shard(key).get(key).cloned()
    }

    /// Keeps `value` for `key` unless a value is kept already (another worker made it
    /// meanwhile), and returns the value kept, with whether it was that other one. When the
    /// shard is full, `value` is returned and not kept.
    pub(crate) fn keep(&self, key: K, value: V) -> (V, bool) {
        let mut shard = self.shard(&key);
        if let Some(kept) = shard.get(&key) {
            return (kept.clone(), true);
        }
        if shard.len() < self.shard_max {
            shard.insert(key, value.clone());
        }
        (value, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_value_kept_for_a_key_stays() {
        let cache = FrameCache::new(64);
        assert_eq!(cache.get(&1), None);
        assert_eq!(cache.keep(1, "a"), ("a", false));
        assert_eq!(cache.keep(1, "b"), ("a", true));
        assert_eq!(cache.get(&1), Some("a"));
    }

    #[test]
    fn a_full_cache_returns_values_without_keeping_them() {
        let cache = FrameCache::new(SHARDS);
        let kept = (0..1000).filter(|&k| !cache.keep(k, k).1).count();
        assert_eq!(kept, 1000);
        let held = (0..1000).filter(|k| cache.get(k).is_some()).count();
        assert!(held <= SHARDS, "{held} held");
        assert!(held > 0);
    }
}

//! `MatchRecorder`: what a room task does with a joining player and a finished match: queue
//! them for the store (never waiting: a full queue loses the write, logged and counted), each
//! result under a key of its own ([`MatchKeys`]), and encode the `ServerMsg::MatchEnd` its
//! players see.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use tickwire_protocol::{
    MAX_LABEL_CHARS, MAX_MATCH_SCORES, MatchEnd, MatchScore, ScoreColumn, ServerMsg, codec,
};
use tickwire_store::{MatchRecord, PlayerScore, Store, Write};

use crate::rooms::match_clock::MatchOutcome;
use crate::storage::match_key::MatchKeys;

/// What [`MatchRecorder::finished`] made of a match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finished {
    /// The encoded `ServerMsg::MatchEnd` for the room's players (empty if it could not be
    /// encoded).
    pub message: Vec<u8>,
    /// Whether the result went on the store's queue; false with storage off, with no player to
    /// store, or when the queue refused it (then logged and counted).
    pub queued: bool,
}

/// A room's link to the store; without a store it only encodes results. Every clone (one per
/// room) makes its results' keys from the same [`MatchKeys`].
#[derive(Clone, Debug, Default)]
pub struct MatchRecorder {
    store: Option<Store>,
    keys: Arc<MatchKeys>,
}

/// Unix milliseconds of `t`.
pub fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl MatchRecorder {
    /// Records into `store`, or nowhere, with keys under a fresh instance id.
    pub fn new(store: Option<Store>) -> MatchRecorder {
        MatchRecorder {
            store,
            keys: Arc::new(MatchKeys::new()),
        }
    }

    /// A fresh key for a match result (a recording is named by its match's key before the
    /// match ends).
    pub fn next_key(&self) -> String {
        self.keys.next_key()
    }

    /// A player joined.
    pub fn seen(&self, player_id: &str, name: &str) {
        let write = Write::Seen {
            player_id: player_id.to_owned(),
            name: crate::rooms::player_name::clean_name(name),
            at_ms: to_i64(unix_ms(SystemTime::now())),
        };
        // A lost write is logged and counted by `record`.
        let _ = self.record(write);
    }

    /// Queues a finished match (its players; bots are not stored) under `key`, and encodes
    /// the `MatchEnd` for the room's players. `columns` are the game's score columns, which the
    /// lines' values follow.
    #[allow(clippy::too_many_arguments)]
    pub fn finished(
        &self,
        key: String,
        room: u32,
        game: &str,
        map: &str,
        outcome: &MatchOutcome,
        (started_ms, ended_ms): (u64, u64),
        tick_rate: u32,
        columns: &[ScoreColumn],
    ) -> Finished {
        let players: Vec<PlayerScore> = outcome
            .scores
            .iter()
            .filter_map(|s| crate::storage::store_scores::player_score(s, columns, tick_rate))
            .collect();
        let queued = !players.is_empty()
            && self.record(Write::Match(MatchRecord {
                key,
                room,
                game: game.to_owned(),
                map: map.to_owned(),
                started_ms: to_i64(started_ms),
                ended_ms: to_i64(ended_ms),
                ended_by: outcome.ended_by,
                players,
            }));
        let message = ServerMsg::MatchEnd(MatchEnd {
            room,
            game: game.chars().take(MAX_LABEL_CHARS).collect(),
            map: map.chars().take(MAX_LABEL_CHARS).collect(),
            started_ms,
            ended_ms,
            scores: outcome
                .scores
                .iter()
                .take(MAX_MATCH_SCORES)
                .map(|s| MatchScore {
                    name: s.name.clone(),
                    bot: s.player_id.is_none(),
                    columns: s.columns.clone(),
                    rating: s.rating,
                })
                .collect(),
        });
        let mut bytes = Vec::new();
        if let Err(e) = codec::encode_server(&message, &mut bytes) {
            tracing::warn!(error = %e, "cannot encode a match result");
            bytes.clear();
        }
        Finished {
            message: bytes,
            queued,
        }
    }

    /// Queues `write`; false when there is no store or it refused the write.
    fn record(&self, write: Write) -> bool {
        let Some(store) = &self.store else {
            return false;
        };
        match store.record(write) {
            Ok(()) => true,
            Err(e) => {
                // Counted by the store (tickwire_store_writes_dropped_total), which logs an
                // overflow once, when it begins.
                tracing::debug!(error = %e, "a write to the store was lost");
                false
            }
        }
    }
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

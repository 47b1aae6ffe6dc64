//! `AbuseMetrics`: what the server refused or cut off to keep one client from taking it over:
//! room creations past an address's quota, wrong secrets and the addresses slowed for them,
//! requests whose body or answer took too long, sessions a newer join of the same player
//! replaced.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;

/// The `reason` a room creation was refused for, as `tickwire_room_creations_refused_total`
/// labels it.
pub const ROOM_REFUSALS: [&str; 4] = ["not_allowed", "per_address", "rate", "over_caps"];

/// The secrets whose wrong guesses are counted, as `tickwire_secret_guesses_total` labels them.
pub const SECRETS: [&str; 2] = ["room_key", "admin_token"];

/// The `what` of `tickwire_requests_timed_out_total`.
pub const TIMEOUTS: [&str; 2] = ["body", "request"];

#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct SecretLabels {
    secret: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct WhatLabels {
    what: &'static str,
}

/// Exported under `tickwire_room_creations_refused`, `tickwire_secret_guesses`,
/// `tickwire_secret_guesses_refused`, `tickwire_requests_timed_out` and
/// `tickwire_sessions_replaced`.
#[derive(Debug, Default)]
pub struct AbuseMetrics {
    rooms_refused: Family<ReasonLabels, Counter>,
    guesses: Family<SecretLabels, Counter>,
    /// Requests refused (429) because their address guessed wrong too often.
    pub guesses_refused: Counter,
    timed_out: Family<WhatLabels, Counter>,
    /// Sessions closed because a newer join with the same join-token player took its place.
    pub sessions_replaced: Counter,
}

impl AbuseMetrics {
    /// Counts a room creation refused for `reason`, one of [`ROOM_REFUSALS`].
    pub fn count_room_refused(&self, reason: &'static str) {
        self.rooms_refused
            .get_or_create(&ReasonLabels { reason })
            .inc();
    }

    /// Room creations refused for `reason` so far.
    pub fn rooms_refused(&self, reason: &'static str) -> u64 {
        self.rooms_refused
            .get_or_create(&ReasonLabels { reason })
            .get()
    }

    /// Counts a wrong guess of `secret`, one of [`SECRETS`].
    pub fn count_guess(&self, secret: &'static str) {
        self.guesses.get_or_create(&SecretLabels { secret }).inc();
    }

    /// Wrong guesses of `secret` so far.
    pub fn guesses(&self, secret: &'static str) -> u64 {
        self.guesses.get_or_create(&SecretLabels { secret }).get()
    }

    /// Counts a request cut off because its `what` (one of [`TIMEOUTS`]) took too long.
    pub fn count_timeout(&self, what: &'static str) {
        self.timed_out.get_or_create(&WhatLabels { what }).inc();
    }

    /// Requests cut off for `what` so far.
    pub fn timeouts(&self, what: &'static str) -> u64 {
        self.timed_out.get_or_create(&WhatLabels { what }).get()
    }

    /// Registers every metric of this group, each label at zero from the start.
    pub(crate) fn register(&self, r: &mut Registry) {
        for reason in ROOM_REFUSALS {
            let _ = self.rooms_refused.get_or_create(&ReasonLabels { reason });
        }
        for secret in SECRETS {
            let _ = self.guesses.get_or_create(&SecretLabels { secret });
        }
        for what in TIMEOUTS {
            let _ = self.timed_out.get_or_create(&WhatLabels { what });
        }
        r.register(
            "tickwire_room_creations_refused",
            "Room creations refused by who may create rooms and the per-address quotas",
            self.rooms_refused.clone(),
        );
        r.register(
            "tickwire_secret_guesses",
            "Wrong private room keys and admin tokens",
            self.guesses.clone(),
        );
        r.register(
            "tickwire_secret_guesses_refused",
            "Requests refused because their address guessed secrets wrong too often",
            self.guesses_refused.clone(),
        );
        r.register(
            "tickwire_requests_timed_out",
            "HTTP requests cut off because their body or their answer took too long",
            self.timed_out.clone(),
        );
        r.register(
            "tickwire_sessions_replaced",
            "Sessions closed because a newer join of the same player took their place",
            self.sessions_replaced.clone(),
        );
    }
}

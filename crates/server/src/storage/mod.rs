//! The server's side of `tickwire-store`: the room task's link to the store (`MatchRecorder`,
//! each result's unique key), the conversions between a game's score columns and the store's,
//! the live leaderboard feed, the `/leaderboard` and `/players/{id}` routes and the store's
//! metrics.

pub(crate) mod leaderboard_feed;
pub(crate) mod match_key;
pub(crate) mod match_recorder;
pub(crate) mod store_http;
pub(crate) mod store_metrics;
pub(crate) mod store_scores;

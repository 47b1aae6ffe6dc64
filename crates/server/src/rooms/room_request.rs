//! `RoomRequest`: the JSON body of `POST /rooms`, and its check against the server's limits.

use serde::Deserialize;

use crate::config::ServerConfig;
use crate::game::GameOptions;

/// What `POST /rooms` may ask for; every field is optional and unknown fields are refused.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomRequest {
    /// The game, which must be the one this server runs (the room list's `game`).
    pub game: Option<String>,
    /// A map by name; the game's default when absent.
    pub map: Option<String>,
    /// Most players; at most the server's room capacity, which is also the default.
    pub capacity: Option<usize>,
    /// Server-controlled players.
    pub bots: Option<u32>,
    /// Ticks per second; the server's when absent.
    pub tick_rate: Option<u32>,
    /// Snapshots per second; must divide the tick rate.
    pub snapshot_rate: Option<u32>,
    /// A private room is left out of the room list and of quick join; it is joined by its id and
    /// key (the share link).
    #[serde(default)]
    pub private: bool,
    /// Record the room's matches (each to a file of its own, served at
    /// `/matches/{id}/replay`); needs storage and timed matches.
    #[serde(default)]
    pub record: bool,
}

/// A checked [`RoomRequest`]: what the room and its game run by.
#[derive(Clone, Debug, PartialEq)]
pub struct RoomPlan {
    /// For the game.
    pub options: GameOptions,
    /// Most players.
    pub capacity: usize,
    /// Ticks between snapshots.
    pub ticks_per_snapshot: u32,
    /// Left out of the list and of quick join.
    pub private: bool,
    /// Record the room's matches.
    pub record: bool,
}

impl RoomRequest {
    /// The plan for this request on a server with `config` running `game`, or what is wrong
    /// with it, in words for the API's caller.
    pub fn plan(&self, config: &ServerConfig, game: &str) -> Result<RoomPlan, String> {
        if let Some(asked) = &self.game
            && asked != game
        {
            return Err(format!(
                "this server runs the game \"{game}\", not \"{asked}\""
            ));
        }
        let capacity = self.capacity.unwrap_or(config.room_capacity);
        if !(1..=config.room_capacity).contains(&capacity) {
            return Err(format!(
                "capacity must be between 1 and {} (the server's room capacity), not {capacity}",
                config.room_capacity
            ));
        }
        let tick_rate = self.tick_rate.unwrap_or(config.tick_rate);
        if !(1..=240).contains(&tick_rate) {
            return Err(format!(
                "tick_rate must be between 1 and 240, not {tick_rate}"
            ));
        }
        let snapshot_rate = self.snapshot_rate.unwrap_or_else(|| {
            // The server's snapshot rate when it fits the room's tick rate, else one per tick.
            let own = config.snapshot_rate;
            if own <= tick_rate && tick_rate.is_multiple_of(own) {
                own
            } else {
                tick_rate
            }
        });
        if snapshot_rate == 0
            || snapshot_rate > tick_rate
            || !tick_rate.is_multiple_of(snapshot_rate)
        {
            return Err(format!(
                "snapshot_rate must be between 1 and the tick rate {tick_rate} and divide it, not {snapshot_rate}"
            ));
        }
        Ok(RoomPlan {
            options: GameOptions {
                map: self.map.clone(),
                bots: self.bots,
                tick_rate,
            },
            capacity,
            ticks_per_snapshot: tick_rate / snapshot_rate,
            private: self.private,
            record: self.record,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(json: &str) -> Result<RoomPlan, String> {
        let request: RoomRequest = serde_json::from_str(json).map_err(|e| e.to_string())?;
        request.plan(&ServerConfig::default(), "arena")
    }

    #[test]
    fn defaults_come_from_the_server() {
        let p = plan("{}").expect("empty body");
        assert_eq!(p.capacity, ServerConfig::default().room_capacity);
        assert_eq!(p.options.tick_rate, 60);
        assert_eq!(p.ticks_per_snapshot, 2);
        assert!(!p.private);
        let p = plan(r#"{"tick_rate": 20}"#).expect("20 Hz");
        assert_eq!(
            p.ticks_per_snapshot, 1,
            "30 snapshots/s do not fit 20 ticks/s"
        );
    }

    #[test]
    fn refusals_name_the_field() {
        for (json, field) in [
            (r#"{"game": "chess"}"#, "chess"),
            (r#"{"capacity": 0}"#, "capacity"),
            (r#"{"capacity": 33}"#, "capacity"),
            (r#"{"tick_rate": 500}"#, "tick_rate"),
            (r#"{"tick_rate": 60, "snapshot_rate": 25}"#, "snapshot_rate"),
            (r#"{"colour": "red"}"#, "colour"),
            (r#"{"record": "yes"}"#, "boolean"),
            (r#"{"record": 1}"#, "boolean"),
        ] {
            let err = plan(json).expect_err(json);
            assert!(err.contains(field), "{json}: {err}");
        }
    }
}

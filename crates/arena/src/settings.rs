//! `ArenaSettings`: which map and how many bots, checked once before the server starts.

use std::path::Path;

use tickwire_server::{Game, GameOptions, NewGame};
use tickwire_sim::rules::{BOTS_MAX, TICK_RATE_MAX, TICK_RATE_MIN};
use tickwire_sim::{BUNDLED_MAPS, Map, MapError};

use crate::ArenaGame;

/// How far a player of the arena sees by default: a bit more than a wide screen shows.
pub const ARENA_VIEW_RADIUS: f32 = 900.0;

/// Players per arena room by default; more players open more rooms.
pub const ARENA_ROOM_CAPACITY: usize = 32;

/// An arena setting that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum ArenaError {
    /// Too many bots for one room.
    #[error("{0} bots per room is over the limit of {BOTS_MAX}")]
    Bots(u32),
    /// The arena's physics run only at these tick rates (it would otherwise clamp the rate and
    /// run at another speed than the server's clock).
    #[error("the arena runs at {TICK_RATE_MIN} to {TICK_RATE_MAX} ticks per second, not {0}")]
    TickRate(u32),
    /// The map could not be loaded or is invalid.
    #[error(transparent)]
    Map(#[from] MapError),
}

/// The arena's own settings; the tick rate and the rest are the server's.
#[derive(Clone, Debug)]
pub struct ArenaSettings {
    /// The map every room plays on.
    pub map: Map,
    /// Server-controlled players per room.
    pub bots: u32,
    /// Simulation ticks per second (the server's tick rate).
    pub tick_rate: u32,
}

impl ArenaSettings {
    /// Loads the map at `map` (or the bundled arena) and checks the bot count.
    pub fn new(map: Option<&Path>, bots: u32, tick_rate: u32) -> Result<ArenaSettings, ArenaError> {
        if bots > BOTS_MAX {
            return Err(ArenaError::Bots(bots));
        }
        if !(TICK_RATE_MIN..=TICK_RATE_MAX).contains(&tick_rate) {
            return Err(ArenaError::TickRate(tick_rate));
        }
        let map = match map {
            Some(path) => Map::load(path)?,
            None => Map::default_arena(),
        };
        Ok(ArenaSettings {
            map,
            bots,
            tick_rate,
        })
    }

    /// A new arena for a room seeded with `seed`.
    pub fn new_game(&self, seed: u64) -> ArenaGame {
        ArenaGame::new(self.map.clone(), self.tick_rate, self.bots, seed)
    }

    /// One arena per room, for [`tickwire_server::Server::start`]; rooms created through the
    /// rooms API may choose any bundled map, a bot count and a tick rate.
    pub fn games(self) -> impl NewGame {
        ArenaGames(self)
    }

    /// The map called `name`: the configured one, else a bundled one.
    fn map_named(&self, name: &str) -> Option<Map> {
        if name == self.map.name {
            Some(self.map.clone())
        } else {
            Map::bundled(name)
        }
    }
}

/// The arena as the server's [`NewGame`]: [`ArenaSettings`] for plain rooms, and per-room
/// options for created ones.
struct ArenaGames(ArenaSettings);

impl NewGame for ArenaGames {
    fn new_game(&self, seed: u64) -> Box<dyn Game> {
        Box::new(self.0.new_game(seed))
    }

    fn name(&self) -> &str {
        "arena"
    }

    fn schema(&self) -> std::sync::Arc<tickwire_protocol::Schema> {
        crate::arena_schema()
    }

    fn maps(&self) -> Vec<String> {
        let mut maps = vec![self.0.map.name.clone()];
        for (name, _) in BUNDLED_MAPS {
            if !maps.iter().any(|m| m == name) {
                maps.push((*name).to_string());
            }
        }
        maps
    }

    fn new_game_with(&self, seed: u64, options: &GameOptions) -> Result<Box<dyn Game>, String> {
        let map = match &options.map {
            None => self.0.map.clone(),
            Some(name) => self.0.map_named(name).ok_or_else(|| {
                format!(
                    "no map called \"{name}\"; this server has: {}",
                    self.maps().join(", ")
                )
            })?,
        };
        let bots = options.bots.unwrap_or(self.0.bots);
        if bots > BOTS_MAX {
            return Err(ArenaError::Bots(bots).to_string());
        }
        if !(TICK_RATE_MIN..=TICK_RATE_MAX).contains(&options.tick_rate) {
            return Err(ArenaError::TickRate(options.tick_rate).to_string());
        }
        Ok(Box::new(ArenaGame::new(map, options.tick_rate, bots, seed)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_too_many_bots_and_a_missing_map() {
        assert!(matches!(
            ArenaSettings::new(None, BOTS_MAX + 1, 60),
            Err(ArenaError::Bots(_))
        ));
        let missing = ArenaSettings::new(Some(Path::new("/nonexistent/map.json")), 2, 60);
        assert!(matches!(missing, Err(ArenaError::Map(_))), "{missing:?}");
        assert!(matches!(
            ArenaSettings::new(None, 2, TICK_RATE_MIN - 1),
            Err(ArenaError::TickRate(_))
        ));
        let ok = ArenaSettings::new(None, 2, 60).expect("bundled arena");
        assert_eq!(ok.new_game(1).world().map().name, ok.map.name);
    }

    #[test]
    fn created_rooms_choose_a_bundled_map_and_refuse_what_cannot_work() {
        let games = ArenaSettings::new(None, 2, 60)
            .expect("bundled arena")
            .games();
        assert_eq!(games.name(), "arena");
        assert_eq!(games.maps(), vec!["arena".to_string(), "duel".to_string()]);
        let options = |map: Option<&str>, bots, tick_rate| GameOptions {
            map: map.map(str::to_string),
            bots,
            tick_rate,
        };
        let duel = games
            .new_game_with(1, &options(Some("duel"), Some(0), 30))
            .expect("duel");
        assert_eq!(duel.map_info().name, "duel");
        let err = games
            .new_game_with(1, &options(Some("moon"), None, 60))
            .err()
            .expect("unknown map");
        assert!(err.contains("moon") && err.contains("duel"), "{err}");
        assert!(
            games
                .new_game_with(1, &options(None, Some(BOTS_MAX + 1), 60))
                .is_err()
        );
        assert!(
            games
                .new_game_with(1, &options(None, None, TICK_RATE_MIN - 1))
                .is_err()
        );
    }
}

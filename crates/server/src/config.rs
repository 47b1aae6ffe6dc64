//! Server settings, with the defaults `tickwire serve` uses.

use std::net::SocketAddr;
use std::path::PathBuf;

/// How far a player of the arena sees by default: a bit more than a wide screen shows.
pub const ARENA_VIEW_RADIUS: f32 = 900.0;

/// The view radius of `random-walk` with area of interest on: a client then sees about 100 of
/// 10,000 entities.
pub const RANDOM_WALK_VIEW_RADIUS: f32 = 40.0;

/// What the rooms run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// The arena shooter (the default).
    Arena,
    /// The standard benchmark load of `shared/scenarios/random-walk.md`.
    RandomWalk {
        /// Non-player entities.
        entities: u32,
        /// 100 (every entity moves every tick) or 10 (a tenth of them each tick).
        moving_pct: u32,
    },
    /// One pre-encoded frame of `payload_bytes` per client per snapshot; no simulation, no
    /// encoding: the cost of the sockets alone.
    TransportFloor {
        /// Size of the frame's payload.
        payload_bytes: usize,
    },
}

/// Everything a server needs to start. `Default` is what `tickwire` runs with no arguments.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Simulation ticks per second.
    pub tick_rate: u32,
    /// Snapshots per second; must divide into the tick rate (every `tick_rate / snapshot_rate` ticks).
    pub snapshot_rate: u32,
    /// Server-controlled players per room.
    pub bots: u32,
    /// Human players per room; a full room sends new players to another room.
    pub room_capacity: usize,
    /// Most rooms this process runs at once; beyond that, joins are refused as full.
    pub max_rooms: usize,
    /// Map file; `None` uses the bundled arena.
    pub map: Option<PathBuf>,
    /// Seed of each room's world (room n uses `seed + n`).
    pub seed: u64,
    /// How long a SIGTERM drain waits for sessions to close before the process exits.
    pub shutdown_grace: std::time::Duration,
    /// What the rooms run.
    pub scenario: Scenario,
    /// Area of interest: how far a player sees, in world units; `None` sends everyone the whole
    /// world.
    pub view_radius: Option<f32>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            tick_rate: 60,
            snapshot_rate: 30,
            bots: 4,
            room_capacity: 32,
            max_rooms: 64,
            map: None,
            seed: 0x7153_3eed,
            shutdown_grace: std::time::Duration::from_secs(5),
            scenario: Scenario::Arena,
            view_radius: Some(ARENA_VIEW_RADIUS),
        }
    }
}

/// A setting that cannot work, with the reason.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The tick rate is outside 1..=240.
    #[error("tick rate {0} is out of range (1 to 240)")]
    TickRate(u32),
    /// The snapshot rate is zero, above the tick rate, or does not divide it.
    #[error("snapshot rate {snapshot} must be between 1 and the tick rate {tick} and divide it")]
    SnapshotRate {
        /// The snapshot rate asked for.
        snapshot: u32,
        /// The tick rate.
        tick: u32,
    },
    /// Too many bots for one room.
    #[error("{0} bots per room is over the limit of {max}", max = tickwire_sim::rules::BOTS_MAX)]
    Bots(u32),
    /// A room must hold at least one player.
    #[error("room capacity must be between 1 and 10000, not {0}")]
    RoomCapacity(usize),
    /// A scenario setting is out of range.
    #[error("scenario: {0}")]
    Scenario(&'static str),
    /// The map could not be loaded or is invalid.
    #[error(transparent)]
    Map(#[from] tickwire_sim::MapError),
}

impl ServerConfig {
    /// Checks every setting, so that a bad one is reported before anything starts.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(1..=240).contains(&self.tick_rate) {
            return Err(ConfigError::TickRate(self.tick_rate));
        }
        if self.snapshot_rate == 0
            || self.snapshot_rate > self.tick_rate
            || self.tick_rate % self.snapshot_rate != 0
        {
            return Err(ConfigError::SnapshotRate {
                snapshot: self.snapshot_rate,
                tick: self.tick_rate,
            });
        }
        if self.bots > tickwire_sim::rules::BOTS_MAX {
            return Err(ConfigError::Bots(self.bots));
        }
        if !(1..=10_000).contains(&self.room_capacity) {
            return Err(ConfigError::RoomCapacity(self.room_capacity));
        }
        if let Some(r) = self.view_radius
            && !(r.is_finite() && (1.0..=100_000.0).contains(&r))
        {
            return Err(ConfigError::Scenario(
                "view radius must be between 1 and 100000",
            ));
        }
        match self.scenario {
            Scenario::Arena => {}
            Scenario::RandomWalk {
                entities,
                moving_pct,
            } => {
                if entities > 60_000 {
                    return Err(ConfigError::Scenario("at most 60000 entities"));
                }
                if moving_pct != 100 && moving_pct != 10 {
                    return Err(ConfigError::Scenario("moving percentage must be 100 or 10"));
                }
            }
            Scenario::TransportFloor { payload_bytes } => {
                if !(16..=1 << 20).contains(&payload_bytes) {
                    return Err(ConfigError::Scenario(
                        "payload bytes must be between 16 and 1048576",
                    ));
                }
            }
        }
        Ok(())
    }

    /// A new game for a room, as the scenario says. `seed` varies per room.
    pub fn new_game(&self, map: &tickwire_sim::Map, seed: u64) -> Box<dyn crate::game::Game> {
        match self.scenario {
            Scenario::Arena => Box::new(crate::game_arena::ArenaGame::new(
                map.clone(),
                self.tick_rate,
                self.bots,
                seed,
            )),
            Scenario::RandomWalk {
                entities,
                moving_pct,
            } => Box::new(crate::game_random_walk::RandomWalkGame::new(
                entities, moving_pct,
            )),
            Scenario::TransportFloor { payload_bytes } => {
                Box::new(crate::game_floor::TransportFloor::new(payload_bytes))
            }
        }
    }

    /// Loads the configured map, or the bundled arena.
    pub fn load_map(&self) -> Result<tickwire_sim::Map, ConfigError> {
        Ok(match &self.map {
            Some(path) => tickwire_sim::Map::load(path)?,
            None => tickwire_sim::Map::default_arena(),
        })
    }

    /// Ticks between two snapshots.
    pub fn ticks_per_snapshot(&self) -> u32 {
        (self.tick_rate / self.snapshot_rate.max(1)).max(1)
    }
}

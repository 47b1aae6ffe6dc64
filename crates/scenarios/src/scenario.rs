//! `Scenario`: one benchmark scenario with its size, checked, and a game per room.

use std::sync::Arc;

use tickwire_protocol::Schema;
use tickwire_server::{FixedFrame, Game, NewGame};

use crate::random_walk_schema::random_walk_schema;
use crate::transport_floor::transport_floor_schema;
use crate::{RandomWalkGame, TransportFloor};

/// The view radius of `random-walk` with area of interest on: a client then sees about 100 of
/// 10,000 entities.
pub const RANDOM_WALK_VIEW_RADIUS: f32 = 40.0;

/// A benchmark scenario and its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// The standard synthetic load (`docs/scenarios.md`).
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

/// A scenario setting out of range.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// More entities than a snapshot can carry.
    #[error("random-walk: at most 60000 entities, not {0}")]
    Entities(u32),
    /// The moving share is not one the scenario defines.
    #[error("random-walk: moving percentage must be 100 or 10, not {0}")]
    MovingPct(u32),
    /// The floor's frame is too small to be a snapshot or larger than a message may be.
    #[error("transport-floor: payload bytes must be between 16 and 1048576, not {0}")]
    PayloadBytes(usize),
}

impl Scenario {
    /// Checks the size, so that a bad one is reported before anything starts.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        match *self {
            Scenario::RandomWalk {
                entities,
                moving_pct,
            } => {
                if entities > 60_000 {
                    return Err(ScenarioError::Entities(entities));
                }
                if moving_pct != 100 && moving_pct != 10 {
                    return Err(ScenarioError::MovingPct(moving_pct));
                }
            }
            Scenario::TransportFloor { payload_bytes } => {
                if !(16..=1 << 20).contains(&payload_bytes) {
                    return Err(ScenarioError::PayloadBytes(payload_bytes));
                }
            }
        }
        Ok(())
    }

    /// A fresh game of this scenario (the scenarios are fully specified: the seed is unused).
    pub fn new_game(&self) -> Box<dyn Game> {
        match *self {
            Scenario::RandomWalk {
                entities,
                moving_pct,
            } => Box::new(RandomWalkGame::new(entities, moving_pct)),
            Scenario::TransportFloor { .. } => Box::new(TransportFloor::new()),
        }
    }

    /// What the server sends instead of the world ([`tickwire_server::ServerConfig::fixed_frame`]):
    /// the transport floor's frame, `None` for a real scenario.
    pub fn fixed_frame(&self) -> Option<FixedFrame> {
        match *self {
            Scenario::RandomWalk { .. } => None,
            Scenario::TransportFloor { payload_bytes } => {
                Some(TransportFloor::frame(payload_bytes))
            }
        }
    }

    /// One game per room, for `tickwire_server::Server::start`.
    pub fn games(self) -> impl NewGame {
        ScenarioGames(self)
    }
}

/// A scenario as the server's [`NewGame`].
struct ScenarioGames(Scenario);

impl NewGame for ScenarioGames {
    fn new_game(&self, _seed: u64) -> Box<dyn Game> {
        self.0.new_game()
    }

    fn schema(&self) -> Arc<Schema> {
        match self.0 {
            Scenario::RandomWalk { .. } => random_walk_schema(),
            Scenario::TransportFloor { .. } => transport_floor_schema(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_checked() {
        let ok = Scenario::RandomWalk {
            entities: 1000,
            moving_pct: 10,
        };
        assert_eq!(ok.validate(), Ok(()));
        let bad = Scenario::RandomWalk {
            entities: 1000,
            moving_pct: 50,
        };
        assert_eq!(bad.validate(), Err(ScenarioError::MovingPct(50)));
        let bad = Scenario::TransportFloor { payload_bytes: 3 };
        assert_eq!(bad.validate(), Err(ScenarioError::PayloadBytes(3)));
    }
}

//! tickwire-scenarios: the standard benchmark scenarios, as games the server runs like any
//! other, kept apart from the arena game so that a benchmark measures the server and not a
//! game's rules.
//!
//! - `random-walk` ([`random_walk::RandomWalk`], served by [`RandomWalkGame`]): E entities that
//!   walk randomly on a 1024 x 1024 field, plus one entity per client moved by its inputs,
//!   exactly as `docs/scenarios.md` defines it (with the [`Mulberry32`] generator), so that
//!   figures can be compared with other servers running the same load.
//!   Its schema ([`random_walk_schema`]): kinds `player` and `prop`, each a [`WalkerBody`], and
//!   a [`WalkInput`] from each client.
//! - `transport-floor` ([`TransportFloor`]): no simulation and no encoding, one pre-encoded
//!   frame per client per snapshot (the server's [`tickwire_server::FixedFrame`], from
//!   [`Scenario::fixed_frame`]): the cost of the sockets alone, which the real work is measured
//!   against. Its schema ([`transport_floor_schema`]) has the same kinds and an empty
//!   [`FloorInput`].
//!
//! [`Scenario`] names one with its size, checks it, and makes one game per room.
//!
//! What it never does: IO, reading a clock, or depending on anything but the protocol and the
//! server's `Game` seam.

mod mulberry32;
pub mod random_walk;
mod random_walk_game;
mod random_walk_schema;
mod scenario;
mod transport_floor;

pub use mulberry32::Mulberry32;
pub use random_walk_game::RandomWalkGame;
pub use random_walk_schema::{PLAYER, PROP, WalkInput, WalkerBody, random_walk_schema};
pub use scenario::{RANDOM_WALK_VIEW_RADIUS, Scenario, ScenarioError};
pub use transport_floor::{FloorInput, TransportFloor, transport_floor_schema};

//! tickwire-tools: what measures a tickwire server rather than serving a game.
//!
//! - [`loadgen`]: many headless clients over real WebSockets against a running server, and the
//!   figures of a measurement window from both sides (`tickwire loadgen`).
//! - [`soak`]: honest and misbehaving clients for minutes against a running server, and whether
//!   it stayed well: memory, the players gauge, honest clients unharmed (`tickwire soak`).
//! - [`bandwidth_report`]: the standard scenarios and the arena run in-process, every client
//!   decoding every delta, and what each client receives (`tickwire bandwidth`).
//! - [`dry_run`]: a room and its clients' encoding without sockets: the server's own work per
//!   tick, for the bandwidth report and the `server_tick` benchmark.
//! - [`replay_cost`]: an arena match with recording off and on, side by side: the room tick's
//!   p99 and the recording's bytes a minute per player (`tickwire replay cost`).
//! - [`bench`]: the standard matrix of scenarios and client counts, each against a server it
//!   starts itself, and a report directory of tables, JSON and SVG charts (`tickwire bench`).
//! - [`game_input`]: the input each tool's client sends, built from the game's schema.
//!
//! The server never depends on this crate.

pub mod bandwidth_report;
pub mod bench;
pub mod dry_run;
pub mod game_input;
pub mod loadgen;
pub mod replay_cost;
pub mod soak;

//! tickwire-server: all of tickwire's IO. HTTP with hyper, WebSockets with fastwebsockets, and
//! the rooms and sessions between the network and the simulation.
//!
//! The main types are [`Server`] (listener, shared state, graceful shutdown), [`room::Room`] (one
//! match as a plain struct: `handle_join`, `handle_leave`, `tick`, no IO), the room task around it
//! ([`room_task`]), and a session per WebSocket ([`session`]) made of a reader task and a writer
//! task. A room publishes each snapshot once ([`snapshot::SnapshotFrame`], latest wins); each
//! session encodes it against the last frame written to its own socket.
//!
//! Nothing here queues without a bound: inputs go through a fixed-size buffer per player,
//! snapshots are skipped rather than queued, and every write has a deadline.

pub mod aoi;
pub mod bandwidth_report;
mod capped_read;
pub mod client;
pub mod config;
pub mod dry_run;
pub mod game;
pub mod game_arena;
pub mod game_floor;
pub mod game_random_walk;
pub mod histogram;
pub mod http;
pub mod input_buffer;
pub mod loadgen;
mod loadgen_client;
mod loadgen_latency;
mod loadgen_report;
mod loadgen_target;
pub mod lobby;
pub mod metrics;
pub mod process_stats;
mod prom_scrape;
pub mod room;
pub mod room_task;
pub mod server;
pub mod session;
mod session_writer;
pub mod snapshot;
mod static_files;
pub mod ws_edge;

pub use config::{ConfigError, ServerConfig};
pub use server::{Server, StartError};

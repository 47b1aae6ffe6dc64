//! tickwire-server: a library that runs fixed-tick games for players over WebSockets. HTTP with
//! hyper, WebSockets with fastwebsockets, and the rooms and sessions between the network and
//! a [`Game`].
//!
//! To host a game, implement [`Game`] (six required methods: add and remove a player, step,
//! tick, the schema of its replicated data, capture) and start a [`Server`] with a [`ServerConfig`] and a function that makes one
//! game per room. The server does the rest: it serves the browser client at `/` and the game
//! socket at `/ws`, puts players in rooms, buffers their inputs, runs each room at its tick
//! rate, and sends every player delta snapshots of what it can see.
//!
//! The main types are [`Server`] (listener, shared state, graceful shutdown), [`room::Room`]
//! (one match as a plain struct: `handle_join`, `handle_leave`, `tick`, no IO), the room task
//! around it, and a session per WebSocket made of a reader task and a writer task. A room
//! publishes each snapshot once ([`snapshot::SnapshotFrame`], latest wins); each session
//! encodes it against the last frame written to its own socket.
//!
//! The room machinery (`room`, `room_task`, `lobby`, `input_buffer`, `snapshot`, `metrics`) is
//! public on purpose: the tools run a room without sockets to measure the server's own work, and
//! tests read a room's published frames. `tls` is public so that a tool can check a certificate
//! and key with the loader the server uses. Sessions, HTTP routing and the WebSocket edge are not.
//!
//! With [`ServerConfig::match_length`], rooms play matches: at a match's end the room's
//! result goes to every player (`ServerMsg::MatchEnd`) and, with a [`ServerConfig::database`],
//! to the store (`tickwire-store`) through its bounded queue, so a tick never waits on the
//! database. Subscribed sessions get the leaderboard whenever a commit changes it.
//!
//! Nothing here queues without a bound: inputs go through a fixed-size buffer per player,
//! snapshots are skipped rather than queued, and every write has a deadline. The server never
//! depends on the load generator or the other tools; they depend on it.

mod abuse_metrics;
mod address_group;
pub mod admin;
mod aoi;
mod api_router;
mod client_addr;
mod config;
mod conn_gate;
mod event_log;
mod everyone;
mod fixed_frame;
mod game;
mod guesses;
mod http;
pub mod input_buffer;
pub mod input_pacer;
pub mod join_token;
pub mod leaderboard_feed;
mod limits;
pub mod link_sim;
mod listener;
pub mod lobby;
pub mod match_clock;
pub mod match_key;
pub mod match_recorder;
pub mod match_recording;
pub mod metrics;
pub mod netcode_metrics;
pub mod orchestrator;
mod origin;
mod phase;
mod player_input;
mod player_name;
pub mod process_stats;
mod query;
mod random_hex;
pub mod recording_expiry;
pub mod recording_writer;
pub mod recordings_dir;
pub mod replay_http;
pub mod replay_sim;
mod respond;
pub mod resume_token;
pub mod room;
mod room_key;
pub mod room_policy;
mod room_quota;
pub mod room_recording;
pub mod room_request;
pub mod room_task;
mod rooms_api;
mod secret_eq;
mod security_headers;
mod server;
mod session;
mod shared;
pub mod snapshot;
mod static_files;
mod store_http;
mod store_metrics;
mod store_scores;
#[cfg(feature = "tls")]
pub mod tls;
#[cfg(not(feature = "tls"))]
#[path = "tls_off.rs"]
pub mod tls;
mod tls_files;
mod ws_edge;

pub use abuse_metrics::{AbuseMetrics, ROOM_REFUSALS, SECRETS, TIMEOUTS};
pub use config::{ConfigError, ServerConfig};
pub use fixed_frame::FixedFrame;
pub use game::{Audience, Game, GameEvent, GameOptions, NewGame, PlayerHandle, TickInput};
pub use limits::Limits;
pub use orchestrator::{NoOrchestrator, Orchestrator};
pub use origin::OriginPolicy;
pub use phase::Phase;
pub use player_input::PlayerInput;
pub use room_policy::{RoomCreation, RoomPolicy};
pub use server::{Server, StartError};
pub use session::ECHO_MAX_MESSAGE;
pub use shared::Shared;
pub use tickwire_store::{self as store, Database};
pub use tls::{TlsError, TlsFiles};

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
//! The main types are [`Server`] (listener, shared state, graceful shutdown), [`Room`] (one
//! match as a plain struct: `handle_join`, `handle_leave`, `tick`, no IO), the room task around
//! it, and a session per WebSocket made of a reader task and a writer task. A room publishes each
//! snapshot once ([`SnapshotFrame`], latest wins); each session encodes it against the last frame
//! written to its own socket.
//!
//! # What is public
//!
//! The crate root holds everything a game, a host program and tickwire's own tools need: the
//! seams ([`Game`], [`NewGame`], [`Orchestrator`]), the settings ([`ServerConfig`], [`Limits`],
//! [`LinkSim`], [`TlsFiles`], [`Database`], [`RecordingSettings`], [`AdminToken`],
//! [`JoinSecret`]), and the room machinery ([`Room`], [`RoomConfig`], [`InputBuffer`],
//! [`SnapshotFrame`], [`Metrics`]), public on purpose: the tools run a room without sockets to
//! measure the server's own work, and tests read a room's published frames. A few modules are
//! public because each is a coherent surface of its own: [`auth::join_token`] (sign and verify
//! join tokens, for the backend that issues them), [`edge::tls`] (load a certificate and key as
//! the server does), [`recording::replay_sim`] and [`recording::recording_writer`] (write,
//! verify and replay match recordings) and [`telemetry::process_stats`] (the process's CPU and
//! memory). Sessions, HTTP routing and the WebSocket edge are not public.
//!
//! # Layout
//!
//! The source is grouped by concern: `edge/` (listeners, TLS, the connection gate, the upgrade's
//! fast path and the axum router), `session/` (one WebSocket), `inputs/` (a player's inputs on
//! their way to the room), `rooms/` (the lobby, rooms, the room task and snapshots), `recording/`
//! (match recordings and replays), `storage/` (the link to `tickwire-store`), `ops/` (admin and
//! rooms APIs), `auth/` (tokens and secrets), `telemetry/` (metrics); the seams, the settings and
//! the server itself sit at the top.
//!
//! With [`ServerConfig::match_length`], rooms play matches: at a match's end the room's
//! result goes to every player (`ServerMsg::MatchEnd`) and, with a [`ServerConfig::database`],
//! to the store (`tickwire-store`) through its bounded queue, so a tick never waits on the
//! database. Subscribed sessions get the leaderboard whenever a commit changes it.
//!
//! Nothing here queues without a bound: inputs go through a fixed-size buffer per player,
//! snapshots are skipped rather than queued, and every write has a deadline. The server never
//! depends on the load generator or the other tools; they depend on it.
//!
//! # Cargo features
//!
//! All on by default: `embedded-client` (the browser client, rust-embed), `tls` (HTTPS and WSS,
//! rustls) and `store` (tickwire-store's SQLite and PostgreSQL backends). A game crate may
//! depend on this one with `default-features = false` and turn back on what it needs; without
//! `store` only [`Database::Off`] runs, and [`Server::start`] with a database fails with
//! [`StartError::Store`] (`StoreError::NotBuilt`). See `docs/game-api.md`, "Cargo features".

pub mod auth;
mod config;
pub mod edge;
mod game;
mod inputs;
mod limits;
mod link_sim;
mod ops;
mod orchestrator;
mod phase;
pub mod recording;
mod rooms;
mod server;
mod session;
mod shared;
mod storage;
pub mod telemetry;

pub use auth::join_token::{JoinClaims, JoinSecret, RoomClaim};
pub use auth::resume_token::ResumeToken;
pub use config::{ConfigError, ServerConfig};
pub use edge::origin::OriginPolicy;
pub use edge::tls::{TlsError, TlsFiles};
pub use game::{Audience, Game, GameEvent, GameOptions, NewGame, PlayerHandle, TickInput};
pub use inputs::input_buffer::InputBuffer;
pub use inputs::player_input::PlayerInput;
pub use inputs::read_call::InputReads;
pub use limits::Limits;
pub use link_sim::LinkSim;
pub use ops::admin::{AdminToken, AdminTokenTooShort, MIN_ADMIN_TOKEN_LEN};
pub use ops::room_policy::{RoomCreation, RoomPolicy};
pub use orchestrator::{Labels, NoOrchestrator, Orchestrator, PlayerRef};
pub use phase::Phase;
pub use recording::recordings_dir::RecordingSettings;
pub use rooms::fan_out::{FanOut, FanOutMode};
pub use rooms::fixed_frame::FixedFrame;
pub use rooms::match_clock::MatchClock;
pub use rooms::room::{Joined, MAX_EVERYONE_PER_TICK, ResumeRefused, Room, RoomConfig, RoomFull};
pub use rooms::snapshot::{CacheUse, SentView, SnapshotFrame};
pub use server::{Server, StartError};
pub use session::ECHO_MAX_MESSAGE;
pub use telemetry::metrics::{CloseReason, ConnectionRefusal, Metrics};
pub use tickwire_store::{self as store, Database};

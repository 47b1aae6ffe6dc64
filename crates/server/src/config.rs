//! `ServerConfig`: what every server needs, whatever game it runs.

use std::net::SocketAddr;

use crate::auth::join_token::JoinSecret;
use crate::edge::origin::OriginPolicy;
use crate::edge::tls::TlsFiles;
use crate::limits::Limits;
use crate::link_sim::LinkSim;
use crate::ops::admin::AdminToken;
use crate::rooms::room::RoomConfig;
use tickwire_store::Database;

/// Everything a server needs to start, whatever game it runs. `Default` listens on
/// 127.0.0.1:8080 with a 60 Hz tick, 30 snapshots a second and no area of interest.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Simulation ticks per second.
    pub tick_rate: u32,
    /// Snapshots per second; must divide into the tick rate (every `tick_rate / snapshot_rate` ticks).
    pub snapshot_rate: u32,
    /// Human players per room; a full room sends new players to another room.
    pub room_capacity: usize,
    /// Most rooms this process runs at once; beyond that, joins are refused as full.
    pub max_rooms: usize,
    /// Seed of each room's world (room n uses `seed + n`).
    pub seed: u64,
    /// How long a room with no players keeps running (and stays in the room list, joinable by
    /// its number) before it stops.
    pub empty_room_ttl: std::time::Duration,
    /// How long a player whose connection dropped (not one that left, was kicked or idled out)
    /// keeps its seat, entity and score for it to resume with its token; zero frees the seat at
    /// once. The seat counts against the room's capacity meanwhile.
    pub reconnect_window: std::time::Duration,
    /// Spectators one room accepts at once; they take no seat.
    pub max_spectators: usize,
    /// How long a drain ([`crate::Server::shutdown`]) lets running matches go on before every
    /// session is closed with 1001; it ends sooner when every player has left.
    pub shutdown_grace: std::time::Duration,
    /// Area of interest: how far a player sees, in world units; `None` sends everyone the whole
    /// world.
    pub view_radius: Option<f32>,
    /// Connection limits and timeouts.
    pub limits: Limits,
    /// Which web pages may open the game socket.
    pub allowed_origins: OriginPolicy,
    /// A second address for the operations endpoints (`/metrics`, the admin API, health); when
    /// set, they are served there and no longer on the public port. The rooms API is on both.
    pub admin_bind: Option<SocketAddr>,
    /// Serve `https://` and `wss://` with this certificate and key instead of plain HTTP.
    pub tls: Option<TlsFiles>,
    /// Serve `/echo`: a WebSocket that sends every message back (up to
    /// [`ECHO_MAX_MESSAGE`](crate::ECHO_MAX_MESSAGE) bytes), for conformance fuzzing clients.
    pub echo: bool,
    /// With a secret, a game socket opens only with a join token signed by it (`/ws?token=…`,
    /// see [`crate::auth::join_token`]); without one, anyone may join. `Debug` never shows it.
    pub join_secret: Option<JoinSecret>,
    /// With a token, the admin API (kick, ban, close a room, server messages) answers requests
    /// that carry it as `Authorization: Bearer …`, and so do private room listings; without
    /// one, the admin API is off. `Debug` never shows it.
    pub admin_token: Option<AdminToken>,
    /// How long a match lasts; at its end each room stores and announces the result and starts
    /// a new match with scores reset. `Duration::ZERO`: one endless match.
    pub match_length: std::time::Duration,
    /// Where players, match results and the leaderboard are stored; [`Database::Off`] (the
    /// library's default) stores nothing.
    pub database: Database,
    /// The link conditioner: latency, jitter and stalls added to every session, both ways, to
    /// try the game as a real network plays it. Off (all zero) by default.
    pub link_sim: LinkSim,
    /// Who writes each room's snapshots to its sessions: one pass per snapshot from the room
    /// (the default), or every session's own task, as before the pass (for comparison).
    pub fan_out: crate::FanOutMode,
    /// How a seated player's socket is read: at the room's call once a tick (the default), or
    /// as its bytes come, as before pacing (for comparison).
    pub input_reads: crate::InputReads,
    /// Lag compensation: how far in the past a shot may be judged, at most (the shooter's view
    /// is older by its round trip and interpolation delay). Zero turns lag compensation off.
    pub max_rewind: std::time::Duration,
    /// Who may create rooms through the API, and how many one address may run and create.
    pub room_policy: crate::ops::room_policy::RoomPolicy,
    /// With a join secret: join tokens whose `exp` is further away than this are refused
    /// (`None`: any `exp`), so that a leaked token does not work forever.
    pub max_token_lifetime: Option<std::time::Duration>,
    /// The transport-floor benchmark: send this message on every snapshot instead of the
    /// rooms' worlds. `None` (the default) for every real game.
    pub fixed_frame: Option<crate::FixedFrame>,
    /// The page of the embedded browser client (`web-client/`) that `/` serves, as a path in
    /// that folder: `index.html`, the arena's, by default; a game with a page of its own names
    /// it (examples/tag: `tag/index.html`). Every other file is served at its own path as before.
    pub index_page: String,
    /// Match recordings: whether every room records (rooms created with `"record": true` do
    /// either way), where the files go and how much is kept. Recording needs storage.
    pub recordings: crate::recording::recordings_dir::RecordingSettings,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            tick_rate: 60,
            snapshot_rate: 30,
            room_capacity: 32,
            max_rooms: 64,
            empty_room_ttl: std::time::Duration::from_secs(30),
            reconnect_window: std::time::Duration::from_secs(20),
            max_spectators: 32,
            seed: 0x7153_3eed,
            shutdown_grace: std::time::Duration::from_secs(5),
            view_radius: None,
            limits: Limits::default(),
            allowed_origins: OriginPolicy::same_host(),
            admin_bind: None,
            tls: None,
            echo: false,
            join_secret: None,
            admin_token: None,
            match_length: std::time::Duration::ZERO,
            database: Database::Off,
            link_sim: LinkSim::default(),
            fan_out: Default::default(),
            input_reads: Default::default(),
            max_rewind: std::time::Duration::from_millis(200),
            room_policy: Default::default(),
            max_token_lifetime: Some(std::time::Duration::from_secs(24 * 3600)),
            fixed_frame: None,
            index_page: crate::edge::static_files::DEFAULT_INDEX.to_owned(),
            recordings: Default::default(),
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
    /// A room must hold at least one player.
    #[error("room capacity must be between 1 and 10000, not {0}")]
    RoomCapacity(usize),
    /// The view radius is not a finite number in range.
    #[error("view radius must be between 1 and 100000, not {0}")]
    ViewRadius(f32),
    /// No rooms at all.
    #[error("max rooms must be at least 1")]
    MaxRooms,
    /// A limit or timeout that would refuse everything.
    #[error("{0}")]
    Limits(&'static str),
    /// The page `/` should serve is not an HTML file of the embedded web client.
    #[error("index page {0:?} is not an .html file of the web client (web-client/)")]
    IndexPage(String),
}

impl ServerConfig {
    /// Checks every setting, so that a bad one is reported before anything starts.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(1..=240).contains(&self.tick_rate) {
            return Err(ConfigError::TickRate(self.tick_rate));
        }
        if self.snapshot_rate == 0
            || self.snapshot_rate > self.tick_rate
            || !self.tick_rate.is_multiple_of(self.snapshot_rate)
        {
            return Err(ConfigError::SnapshotRate {
                snapshot: self.snapshot_rate,
                tick: self.tick_rate,
            });
        }
        if !(1..=10_000).contains(&self.room_capacity) {
            return Err(ConfigError::RoomCapacity(self.room_capacity));
        }
        if let Some(r) = self.view_radius
            && !(r.is_finite() && (1.0..=100_000.0).contains(&r))
        {
            return Err(ConfigError::ViewRadius(r));
        }
        if self.max_rooms == 0 {
            return Err(ConfigError::MaxRooms);
        }
        if let Some(problem) = self.limits.problem() {
            return Err(ConfigError::Limits(problem));
        }
        if let Some(problem) = self.link_sim.problem() {
            return Err(ConfigError::Limits(problem));
        }
        if self.room_policy.creation == crate::ops::room_policy::RoomCreation::TokenHolders
            && self.join_secret.is_none()
        {
            return Err(ConfigError::Limits(
                "--room-creation token needs a --join-secret to check the tokens with",
            ));
        }
        if self.max_rewind > std::time::Duration::from_secs(1) {
            return Err(ConfigError::Limits("--max-rewind-ms must be at most 1000"));
        }
        if self.recordings.record && self.database == Database::Off {
            return Err(ConfigError::Limits(
                "--record needs storage (a --database other than none): a recording is found through its match's row",
            ));
        }
        if self.recordings.record && self.match_length.is_zero() {
            return Err(ConfigError::Limits(
                "--record needs timed matches (--match-length above 0): a recording is a match's",
            ));
        }
        if crate::edge::static_files::EMBEDDED
            && !crate::edge::static_files::is_page(&self.index_page)
        {
            return Err(ConfigError::IndexPage(self.index_page.clone()));
        }
        Ok(())
    }

    /// Ticks between two snapshots.
    pub fn ticks_per_snapshot(&self) -> u32 {
        (self.tick_rate / self.snapshot_rate.max(1)).max(1)
    }

    /// The numbers each room of this server runs by.
    pub fn room_config(&self) -> RoomConfig {
        RoomConfig {
            tick_rate: self.tick_rate,
            ticks_per_snapshot: self.ticks_per_snapshot(),
            capacity: self.room_capacity,
            view_radius: self.view_radius,
            hold_ticks: (self.reconnect_window.as_secs_f64() * f64::from(self.tick_rate)).ceil()
                as u64,
            max_rewind_ticks: (self.max_rewind.as_secs_f64() * f64::from(self.tick_rate)).round()
                as u32,
        }
    }
}

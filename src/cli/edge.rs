//! The flags of the internet-facing edge: connection limits, timeouts, allowed page origins, the
//! admin listener, the admin token and the join secret.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;
use tickwire_server::AdminToken;
use tickwire_server::auth::join_token::JoinSecret;
use tickwire_server::{Limits, OriginPolicy, RoomCreation, RoomPolicy, ServerConfig};

/// Limits and where the operations endpoints live.
#[derive(Args, Debug, Clone)]
pub struct EdgeArgs {
    /// Most connections open at once on the public port; past it, new ones get 503.
    #[arg(long, env = "TICKWIRE_MAX_CONNECTIONS", default_value_t = Limits::default().max_connections)]
    max_connections: usize,
    /// Most connections open at once from one client address (0: no limit); past it, new ones
    /// get 429. A load test from one machine needs 0.
    #[arg(long, env = "TICKWIRE_MAX_CONNECTIONS_PER_IP", default_value_t = Limits::default().max_connections_per_ip)]
    max_connections_per_ip: usize,
    /// Seconds a client may take to send a request's headers.
    #[arg(long, env = "TICKWIRE_HEADER_TIMEOUT", default_value_t = Limits::default().header_timeout.as_secs_f64())]
    header_timeout: f64,
    /// Seconds a client may take to say Hello after the WebSocket upgrade (then close 4004).
    #[arg(long, env = "TICKWIRE_HELLO_TIMEOUT", default_value_t = Limits::default().hello_timeout.as_secs_f64())]
    hello_timeout: f64,
    /// Seconds a player may send nothing at all before its seat is freed (close 4006).
    #[arg(long, env = "TICKWIRE_IDLE_TIMEOUT", default_value_t = Limits::default().idle_timeout.as_secs_f64())]
    idle_timeout: f64,
    /// Seconds one write to a client may wait before the client is dropped as too slow.
    #[arg(long, env = "TICKWIRE_WRITE_TIMEOUT", default_value_t = Limits::default().write_timeout.as_secs_f64())]
    write_timeout: f64,
    /// Other web pages allowed to open the game socket, comma-separated: e.g.
    /// `http://localhost:5173` (a dev server), `null` (a page opened from a file), `*` (any).
    /// Pages served by this server are always allowed; clients that are not browsers send no
    /// Origin and are not affected.
    #[arg(long, env = "TICKWIRE_ALLOWED_ORIGINS", value_delimiter = ',')]
    allowed_origins: Vec<String>,
    /// The server is behind a reverse proxy it trusts (which terminates TLS, say): the client's
    /// address is the last one the proxy writes in Forwarded or X-Forwarded-For, and the
    /// per-address limit applies to it. Never set this on a port the internet reaches directly:
    /// a client could then claim any address.
    #[arg(long, env = "TICKWIRE_TRUST_PROXY")]
    trust_proxy: bool,
    /// Serve /metrics and the admin API (and health) on this address instead of the public
    /// port. The rooms API is served on both.
    #[arg(long, env = "TICKWIRE_ADMIN_BIND")]
    admin_bind: Option<SocketAddr>,
    /// Turn the admin API on (kick, ban, close a room, server messages; see "Admin API" in the
    /// README): requests must carry this token as `Authorization: Bearer …`. It also lists
    /// private rooms. At least 16 characters.
    #[arg(long, env = "TICKWIRE_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<AdminToken>,
    /// Require a join token signed with this secret (HS256 JWT) to open the game socket:
    /// `/ws?token=…`. For games whose own backend decides who plays where; see "Join tokens" in
    /// the README. Without it, anyone may join.
    #[arg(long, env = "TICKWIRE_JOIN_SECRET", hide_env_values = true)]
    join_secret: Option<JoinSecret>,
    /// Seconds a join token may live: a token whose exp is further away is refused (401, "the
    /// token lives too long"). 0: no limit.
    #[arg(long, env = "TICKWIRE_MAX_TOKEN_LIFETIME", default_value_t = 86_400)]
    max_token_lifetime: u64,
    /// Seconds a client may take to send a request's body once its headers are in (then 408,
    /// and the connection closes).
    #[arg(long, env = "TICKWIRE_BODY_TIMEOUT", default_value_t = Limits::default().body_timeout.as_secs_f64())]
    body_timeout: f64,
    /// Seconds an HTTP request (not a WebSocket session) may take in all.
    #[arg(long, env = "TICKWIRE_REQUEST_TIMEOUT", default_value_t = Limits::default().request_timeout.as_secs_f64())]
    request_timeout: f64,
    /// The per-address limits count IPv6 clients by this many leading bits of their address
    /// (64: one /64 is one client); 128 counts every address apart.
    #[arg(long, env = "TICKWIRE_IPV6_PREFIX", default_value_t = Limits::default().ipv6_prefix)]
    ipv6_prefix: u8,
    /// Who may create rooms with POST /rooms: anyone (within the per-address limits; with a
    /// join secret, only with the admin token), token (a valid join token as `Authorization:
    /// Bearer`), or admin (the admin token only).
    #[arg(long, env = "TICKWIRE_ROOM_CREATION", default_value = "anyone")]
    room_creation: RoomCreation,
    /// Rooms one address may have running at once through POST /rooms (0: no limit); the
    /// admin token lifts it.
    #[arg(long, env = "TICKWIRE_ROOMS_PER_ADDRESS", default_value_t = RoomPolicy::default().per_address)]
    rooms_per_address: usize,
    /// Rooms one address may create a minute through POST /rooms (0: no limit); the admin
    /// token lifts it.
    #[arg(long, env = "TICKWIRE_ROOM_CREATIONS_PER_MINUTE", default_value_t = RoomPolicy::default().per_minute)]
    room_creations_per_minute: u32,
}

impl EdgeArgs {
    /// Writes these settings into `config`; a timeout that is not a positive number of seconds
    /// is refused.
    pub fn apply(&self, config: &mut ServerConfig) -> anyhow::Result<()> {
        let secs = |name: &str, v: f64| {
            anyhow::ensure!(
                v.is_finite() && v > 0.0 && v < 86_400.0,
                "--{name} must be a number of seconds above 0 and under a day, not {v}"
            );
            Ok(Duration::from_secs_f64(v))
        };
        config.limits = Limits {
            max_connections: self.max_connections,
            max_connections_per_ip: self.max_connections_per_ip,
            header_timeout: secs("header-timeout", self.header_timeout)?,
            hello_timeout: secs("hello-timeout", self.hello_timeout)?,
            idle_timeout: secs("idle-timeout", self.idle_timeout)?,
            write_timeout: secs("write-timeout", self.write_timeout)?,
            trust_proxy: self.trust_proxy,
            body_timeout: secs("body-timeout", self.body_timeout)?,
            request_timeout: secs("request-timeout", self.request_timeout)?,
            ipv6_prefix: self.ipv6_prefix,
        };
        config.room_policy = RoomPolicy {
            creation: self.room_creation,
            per_address: self.rooms_per_address,
            per_minute: self.room_creations_per_minute,
            // The server's own bot count, set by `serve`.
            max_bots: config.room_policy.max_bots,
        };
        config.max_token_lifetime =
            (self.max_token_lifetime != 0).then(|| Duration::from_secs(self.max_token_lifetime));
        config.allowed_origins = OriginPolicy::allowing(&self.allowed_origins);
        config.admin_bind = self.admin_bind;
        config.join_secret = self.join_secret.clone();
        config.admin_token = self.admin_token.clone();
        Ok(())
    }
}

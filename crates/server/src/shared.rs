//! `Shared`: what every connection, session and route of one server reads.

use std::sync::Arc;

use tokio::sync::watch;

use crate::auth::guesses::Guesses;
use crate::edge::conn_gate::ConnectionGate;
use crate::edge::origin::OriginPolicy;
use crate::limits::Limits;
use crate::ops::admin::{Bans, Sessions};
use crate::ops::room_quota::RoomQuota;
use crate::orchestrator::Orchestrator;
use crate::phase::Phase;
use crate::rooms::lobby::Lobby;
use crate::storage::leaderboard_feed::BoardReceiver;
use crate::telemetry::metrics::Metrics;

/// What every connection and session shares.
pub struct Shared {
    /// The rooms.
    pub lobby: Lobby,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// Where the server is in its life: serving, draining, or closing every session.
    pub shutdown: watch::Receiver<Phase>,
    /// Connection limits and timeouts.
    pub limits: Limits,
    /// The link conditioner every session goes through (off by default).
    pub link_sim: crate::link_sim::LinkSim,
    /// Who writes the rooms' snapshots to the sessions.
    pub(crate) fan_out: crate::FanOutMode,
    /// How seated players' sockets are read.
    pub(crate) input_reads: crate::InputReads,
    /// Which pages may open the game socket.
    pub(crate) origins: OriginPolicy,
    /// Open connections, in total and per address (per address only without a trusted proxy).
    pub(crate) gate: ConnectionGate,
    /// Behind a trusted proxy: WebSocket sessions per forwarded client address.
    pub(crate) forwarded: Option<ConnectionGate>,
    /// Whether `/metrics` and the admin API are on a separate admin listener (and not public).
    pub(crate) admin_separate: bool,
    /// The sessions connected now, for the admin API and for events to everyone.
    pub(crate) sessions: Arc<Sessions>,
    /// Banned addresses and players.
    pub(crate) bans: Bans,
    /// The platform that runs this process (told of players joining and leaving).
    pub(crate) orchestrator: Arc<dyn Orchestrator>,
    /// Players, match results and the leaderboard; `None` with storage off.
    pub store: Option<tickwire_store::Store>,
    /// The newest encoded leaderboard, for subscribed sessions; `None` with storage off.
    pub(crate) leaderboard: Option<BoardReceiver>,
    /// Wrong secrets per address.
    pub(crate) guesses: Guesses,
    /// Rooms created through the API per address.
    pub(crate) room_quota: RoomQuota,
    /// The web client's page that `/` serves (`ServerConfig::index_page`).
    pub(crate) index_page: String,
}

impl Shared {
    /// `ip` as the per-address limits count it (IPv6 by its prefix).
    pub(crate) fn address_group(&self, ip: std::net::IpAddr) -> std::net::IpAddr {
        crate::edge::address_group::address_group(ip, self.limits.ipv6_prefix)
    }
}

//! `AgonesSettings`: how the server speaks to Agones.

use std::time::Duration;

/// How the server speaks to Agones.
#[derive(Clone, Debug, PartialEq)]
pub struct AgonesSettings {
    /// Time between two `Health` pings; keep it well under the fleet's `health.periodSeconds`.
    pub health_period: Duration,
    /// Ask Agones to shut this game server down once every player has left after it was
    /// allocated (one match per allocation), instead of only after a drain.
    pub shutdown_when_empty: bool,
    /// The Agones List that holds the ids of the players on this server (declared in the
    /// GameServer's spec, as `deploy/agones/fleet.yaml` does).
    pub players_list: String,
    /// The longest one SDK call may take before it is given up (and logged).
    pub call_timeout: Duration,
}

impl Default for AgonesSettings {
    fn default() -> Self {
        AgonesSettings {
            health_period: Duration::from_secs(2),
            shutdown_when_empty: false,
            players_list: "players".into(),
            call_timeout: Duration::from_secs(5),
        }
    }
}

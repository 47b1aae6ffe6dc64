//! The flags of the netcode: the link conditioner (latency, jitter and stalls added to every
//! session, to try the game as a real network plays it) and lag compensation's bound.

use std::time::Duration;

use clap::Args;
use tickwire_server::LinkSim;
use tickwire_server::ServerConfig;

/// The link conditioner and lag compensation.
#[derive(Args, Debug, Clone)]
pub struct NetcodeArgs {
    /// Link conditioner: milliseconds added to everything each session reads and writes, each
    /// way (0: off). For trying the game as a real network plays it; never on a public server.
    #[arg(long, env = "TICKWIRE_SIM_LATENCY", default_value_t = 0)]
    sim_latency: u64,
    /// Link conditioner: each chunk of traffic is delayed by a further random -N..=+N
    /// milliseconds, each way; order is kept, as on TCP.
    #[arg(long, env = "TICKWIRE_SIM_JITTER", default_value_t = 0)]
    sim_jitter: u64,
    /// Link conditioner: every this many seconds, each direction stalls (holds its traffic,
    /// as a TCP retransmission does) for --sim-stall-ms (0: never).
    #[arg(long, env = "TICKWIRE_SIM_STALL_EVERY", default_value_t = 0.0)]
    sim_stall_every: f64,
    /// Link conditioner: how long a stall lasts, in milliseconds (at most a minute).
    #[arg(long, env = "TICKWIRE_SIM_STALL_MS", default_value_t = 0)]
    sim_stall_ms: u64,
    /// Lag compensation: a shot is judged against the world as its shooter saw it, at most this
    /// many milliseconds in the past (0: judged against the present).
    #[arg(long, env = "TICKWIRE_MAX_REWIND_MS", default_value_t = 200)]
    max_rewind_ms: u64,
}

impl NetcodeArgs {
    /// Writes these settings into `config`.
    pub fn apply(&self, config: &mut ServerConfig) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.sim_stall_every.is_finite() && (0.0..=3600.0).contains(&self.sim_stall_every),
            "--sim-stall-every must be a number of seconds from 0 to 3600, not {}",
            self.sim_stall_every
        );
        config.link_sim = LinkSim {
            latency: Duration::from_millis(self.sim_latency),
            jitter: Duration::from_millis(self.sim_jitter),
            stall_every: Duration::from_secs_f64(self.sim_stall_every),
            stall: Duration::from_millis(self.sim_stall_ms),
        };
        config.max_rewind = Duration::from_millis(self.max_rewind_ms);
        Ok(())
    }
}

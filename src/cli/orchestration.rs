//! The orchestration flags (`--agones` and its settings) and the orchestrator they choose. The
//! flags exist in every build, so that config files and `tickwire config` are the same with and
//! without Agones support; only a binary built with the `agones` feature can act on `--agones`.

use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use tickwire_server::Labels;
use tickwire_server::{NoOrchestrator, Orchestrator};

/// How long, after the drain, the last calls to the orchestrator (`Shutdown`) may take.
#[cfg_attr(not(feature = "agones"), allow(dead_code))]
const FINISH_TIMEOUT: Duration = Duration::from_secs(5);

/// Running under an orchestrator.
#[derive(Args, Debug, Clone)]
pub struct OrchestrationArgs {
    /// Run as an Agones game server: labels, Ready once listening, Health, players in the List
    /// `players`, Shutdown after a drain; the SDK sidecar's port comes from AGONES_SDK_GRPC_PORT.
    /// Needs a binary built with `--features agones`. The environment variable takes 1/0,
    /// true/false, yes/no or on/off.
    #[arg(long, env = "TICKWIRE_AGONES", value_parser = clap::builder::BoolishValueParser::new())]
    agones: bool,
    /// With --agones: seconds between two Health pings (keep it well under the fleet's
    /// health.periodSeconds).
    #[arg(long, env = "TICKWIRE_AGONES_HEALTH_PERIOD", default_value_t = 2.0)]
    agones_health_period: f64,
    /// With --agones: ask Agones to shut this game server down once every player has left after
    /// it was allocated (one match per allocation), not only after a drain. The environment
    /// variable takes 1/0, true/false, yes/no or on/off.
    #[arg(long, env = "TICKWIRE_AGONES_SHUTDOWN_WHEN_EMPTY", value_parser = clap::builder::BoolishValueParser::new())]
    agones_shutdown_when_empty: bool,
}

/// The orchestrator the server runs under, and how to wait for its last calls.
pub struct Orchestration {
    orchestrator: Arc<dyn Orchestrator>,
    #[cfg(feature = "agones")]
    agones: Option<Arc<tickwire_agones::Agones>>,
}

impl OrchestrationArgs {
    /// The orchestrator these flags choose, connected and told `labels`; none without `--agones`.
    pub async fn start(&self, labels: &Labels) -> anyhow::Result<Orchestration> {
        if !self.agones {
            return Ok(Orchestration {
                orchestrator: Arc::new(NoOrchestrator),
                #[cfg(feature = "agones")]
                agones: None,
            });
        }
        let period = self.agones_health_period;
        anyhow::ensure!(
            period.is_finite() && (0.05..=3600.0).contains(&period),
            "--agones-health-period must be between 0.05 and 3600 seconds, not {period}"
        );
        self.connect(labels, Duration::from_secs_f64(period)).await
    }

    #[cfg(feature = "agones")]
    async fn connect(&self, labels: &Labels, period: Duration) -> anyhow::Result<Orchestration> {
        use anyhow::Context as _;
        let settings = tickwire_agones::AgonesSettings {
            health_period: period,
            shutdown_when_empty: self.agones_shutdown_when_empty,
            ..tickwire_agones::AgonesSettings::default()
        };
        let agones = tickwire_agones::Agones::connect(settings)
            .await
            .context("--agones")?;
        agones.set_labels(labels);
        let agones = Arc::new(agones);
        Ok(Orchestration {
            orchestrator: agones.clone(),
            agones: Some(agones),
        })
    }

    #[cfg(not(feature = "agones"))]
    async fn connect(&self, _: &Labels, _: Duration) -> anyhow::Result<Orchestration> {
        let _ = self.agones_shutdown_when_empty;
        anyhow::bail!(
            "--agones (TICKWIRE_AGONES): this tickwire was built without Agones support; \
             build it with `cargo build --release --features agones` (which needs protoc: \
             Debian's protobuf-compiler and libprotobuf-dev)"
        )
    }
}

impl Orchestration {
    /// The orchestrator to hand to the server.
    pub fn orchestrator(&self) -> Arc<dyn Orchestrator> {
        self.orchestrator.clone()
    }

    /// Waits a little for the orchestrator's last calls (after the drain).
    pub async fn finish(&self) {
        #[cfg(feature = "agones")]
        if let Some(agones) = &self.agones
            && !agones.finish(FINISH_TIMEOUT).await
        {
            tracing::warn!("Agones: the last SDK calls did not finish in time");
        }
    }
}

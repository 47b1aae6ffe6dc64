//! `Agones`: the server's orchestrator, a bounded queue in front of the task that owns the SDK.

use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use tickwire_server::Orchestrator;
use tickwire_server::{Labels, PlayerRef};
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

use crate::event::Event;
use crate::settings::AgonesSettings;
use crate::worker::Worker;

/// Events waiting for the SDK task at most; past this they are dropped (and counted).
const QUEUE: usize = 1024;
/// How long [`Agones::connect`] tries to reach the SDK server.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Why the SDK server could not be reached.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// No SDK server answered in time (outside Kubernetes there is none unless one is started).
    #[error(
        "no Agones SDK server answered on localhost:{port} within {secs} s (AGONES_SDK_GRPC_PORT; \
         under Agones the SDK sidecar serves it)",
        secs = CONNECT_TIMEOUT.as_secs()
    )]
    Unreachable {
        /// The port tried.
        port: u16,
        /// What the SDK said (shown after the message by the binary's error chain).
        source: agones::errors::Error,
    },
}

/// Tells Agones what the server does. Every [`Orchestrator`] call is one `try_send` on a bounded
/// queue; a task of its own makes the SDK calls in order.
pub struct Agones {
    settings: AgonesSettings,
    events: mpsc::Sender<Event>,
    health: mpsc::Sender<()>,
    dropped: AtomicU64,
    worker: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Agones {
    /// Connects to the SDK server (on localhost, at `AGONES_SDK_GRPC_PORT` or 9357) and starts
    /// the task that talks to it and the watch on the GameServer, on the current runtime.
    pub async fn connect(settings: AgonesSettings) -> Result<Agones, ConnectError> {
        let port = sdk_port();
        let sdk = agones::Sdk::new(Some(port), None)
            .await
            .map_err(|source| ConnectError::Unreachable { port, source })?;
        tracing::info!(port, "connected to the Agones SDK server");
        let health = sdk.health_check();
        let (events, queue) = mpsc::channel(QUEUE);
        crate::watch::spawn(sdk.clone(), events.clone());
        let worker = tokio::spawn(Worker::new(sdk, settings.clone()).run(queue));
        Ok(Agones {
            settings,
            events,
            health,
            dropped: AtomicU64::new(0),
            worker: Mutex::new(Some(worker)),
        })
    }

    /// Events dropped so far because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Relaxed)
    }

    /// Waits, at most `within`, until the SDK task has made its last call (`Shutdown`, after
    /// [`Orchestrator::shutdown`]); false when it had not by then.
    pub async fn finish(&self, within: Duration) -> bool {
        let taken = self.worker.lock().ok().and_then(|mut w| w.take());
        let Some(worker) = taken else {
            return true;
        };
        tokio::time::timeout(within, worker).await.is_ok()
    }

    fn send(&self, event: Event) {
        match self.events.try_send(event) {
            Ok(()) => {}
            Err(TrySendError::Full(event)) => {
                let n = self.dropped.fetch_add(1, Relaxed) + 1;
                tracing::warn!(?event, dropped = n, "Agones queue full; event dropped");
            }
            // The task ended (after Shutdown): nothing more to say.
            Err(TrySendError::Closed(_)) => {}
        }
    }
}

impl Orchestrator for Agones {
    fn set_labels(&self, labels: &Labels) {
        self.send(Event::Labels(labels.clone()));
    }

    fn ready(&self, addr: SocketAddr) {
        tracing::info!(%addr, "listening; telling Agones the game server is ready");
        self.send(Event::Ready);
    }

    fn health_period(&self) -> Option<Duration> {
        Some(self.settings.health_period)
    }

    fn health(&self) {
        // The SDK streams one ping per message; a full channel means pings are already waiting.
        let _ = self.health.try_send(());
    }

    fn player_joined(&self, player: &PlayerRef) {
        self.send(Event::Joined(player.id.clone()));
    }

    fn player_left(&self, player: &PlayerRef) {
        self.send(Event::Left(player.id.clone()));
    }

    fn draining(&self) {
        self.send(Event::Draining);
    }

    fn shutdown(&self) {
        self.send(Event::Shutdown);
    }
}

/// The SDK server's port: `AGONES_SDK_GRPC_PORT`, or Agones' default.
fn sdk_port() -> u16 {
    std::env::var("AGONES_SDK_GRPC_PORT")
        .ok()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or(9357)
}

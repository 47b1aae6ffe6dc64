//! `Worker`: the task that owns the SDK and makes its calls, one event at a time, in order.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::mpsc;

use crate::event::Event;
use crate::label::label_value;
use crate::roster::Roster;
use crate::settings::AgonesSettings;

/// The most values an Agones List holds.
const MAX_LIST_CAPACITY: usize = 1000;
/// The annotation an allocation is stamped with (Agones adds its `agones.dev/sdk-` prefix).
pub(crate) const ALLOCATED_ANNOTATION: &str = "allocated-at";
/// gRPC's status code `NOT_FOUND`: what Agones answers for a List the GameServer does not declare.
const GRPC_NOT_FOUND: i32 = 5;

/// The SDK and what the calls so far have established.
pub(crate) struct Worker {
    sdk: agones::Sdk,
    settings: AgonesSettings,
    roster: Roster,
    allocated: bool,
    shut_down: bool,
}

impl Worker {
    pub(crate) fn new(sdk: agones::Sdk, settings: AgonesSettings) -> Worker {
        Worker {
            sdk,
            settings,
            roster: Roster::default(),
            allocated: false,
            shut_down: false,
        }
    }

    /// Makes the calls `queue` asks for, until `Shutdown` has been sent or the queue closes.
    pub(crate) async fn run(mut self, mut queue: mpsc::Receiver<Event>) {
        while let Some(event) = queue.recv().await {
            self.handle(event).await;
            if self.shut_down {
                break;
            }
        }
    }

    async fn handle(&mut self, event: Event) {
        match event {
            Event::Labels(labels) => {
                let values = [
                    ("game", label_value(&labels.game)),
                    ("map", label_value(&labels.map)),
                    ("capacity", labels.capacity.to_string()),
                ];
                for (key, value) in values {
                    let mut sdk = self.sdk.clone();
                    self.call("SetLabel", sdk.set_label(key, value)).await;
                }
                let capacity = labels.capacity.min(MAX_LIST_CAPACITY) as i64;
                let mut beta = self.sdk.beta().clone();
                let list = self.settings.players_list.clone();
                self.call("SetListCapacity", beta.set_list_capacity(&list, capacity))
                    .await;
            }
            Event::Ready => {
                let mut sdk = self.sdk.clone();
                if self.call("Ready", sdk.ready()).await {
                    tracing::info!("Agones: ready");
                }
            }
            Event::Joined(id) => {
                if self.roster.join(&id) {
                    let mut beta = self.sdk.beta().clone();
                    let list = self.settings.players_list.clone();
                    self.call("AddListValue", beta.append_list_value(&list, &id))
                        .await;
                }
            }
            Event::Left(id) => {
                if self.roster.leave(&id) {
                    let mut beta = self.sdk.beta().clone();
                    let list = self.settings.players_list.clone();
                    self.call("RemoveListValue", beta.delete_list_value(&list, &id))
                        .await;
                }
                if self.allocated
                    && self.settings.shutdown_when_empty
                    && self.roster.emptied_since_mark()
                {
                    tracing::info!("Agones: every player left after the allocation; shutting down");
                    self.shutdown().await;
                }
            }
            Event::Allocated => {
                self.allocated = true;
                self.roster.mark();
                let mut sdk = self.sdk.clone();
                let at = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or(Duration::ZERO)
                    .as_secs()
                    .to_string();
                self.call(
                    "SetAnnotation",
                    sdk.set_annotation(ALLOCATED_ANNOTATION, at),
                )
                .await;
            }
            Event::Draining => tracing::info!("Agones: draining; Shutdown follows the drain"),
            Event::Shutdown => self.shutdown().await,
        }
    }

    async fn shutdown(&mut self) {
        if self.shut_down {
            return;
        }
        let mut sdk = self.sdk.clone();
        if self.call("Shutdown", sdk.shutdown()).await {
            tracing::info!("Agones: shutdown");
        }
        self.shut_down = true;
    }

    /// Runs one SDK call with the call timeout; logs a failure. True when it succeeded.
    async fn call(
        &self,
        what: &str,
        call: impl Future<Output = agones::errors::Result<()>>,
    ) -> bool {
        match tokio::time::timeout(self.settings.call_timeout, call).await {
            Ok(Ok(())) => true,
            Ok(Err(agones::errors::Error::Rpc(status))) => {
                let (code, message) = (status.code(), status.message());
                if what.contains("List") && i32::from(code) == GRPC_NOT_FOUND {
                    tracing::warn!(call = what, list = %self.settings.players_list, reason = %message,
                        "Agones SDK call failed: declare this List in the GameServer's spec \
                         (lists:), as deploy/agones/fleet.yaml does");
                } else {
                    tracing::warn!(call = what, ?code, reason = %message, "Agones SDK call failed");
                }
                false
            }
            Ok(Err(e)) => {
                tracing::warn!(call = what, error = %e, "Agones SDK call failed");
                false
            }
            Err(_) => {
                tracing::warn!(call = what, timeout = ?self.settings.call_timeout, "Agones SDK call timed out");
                false
            }
        }
    }
}

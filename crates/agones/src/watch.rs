//! The watch on the GameServer: its allocation, as the SDK streams the GameServer's changes.

use std::time::Duration;

use tokio::sync::mpsc;

use crate::event::Event;

/// How long to wait before watching again after the stream ended or failed.
const RETRY: Duration = Duration::from_secs(1);

/// Watches the GameServer and queues [`Event::Allocated`] each time its state turns
/// `Allocated`, until the SDK task has ended.
pub(crate) fn spawn(mut sdk: agones::Sdk, events: mpsc::Sender<Event>) {
    tokio::spawn(async move {
        let mut allocated = false;
        while !events.is_closed() {
            let mut stream = match sdk.watch_gameserver().await {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot watch the GameServer; trying again");
                    tokio::time::sleep(RETRY).await;
                    continue;
                }
            };
            loop {
                match stream.message().await {
                    Ok(Some(gs)) => {
                        let state = gs.status.as_ref().map_or("", |s| s.state.as_str());
                        let now = state == "Allocated";
                        if now && !allocated {
                            let name = gs.object_meta.as_ref().map_or("", |m| m.name.as_str());
                            tracing::info!(gameserver = name, "allocated");
                            // Not on the hot path: waiting for room in the queue is fine here.
                            if events.send(Event::Allocated).await.is_err() {
                                return;
                            }
                        }
                        allocated = now;
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "the GameServer watch failed; watching again");
                        break;
                    }
                }
            }
            tokio::time::sleep(RETRY).await;
        }
    });
}

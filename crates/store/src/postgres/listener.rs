//! The `LISTEN`ing connection: every `NOTIFY` of the tables' triggers becomes a
//! [`Change`] on the feed. A lost connection is opened again (with a growing wait), and once it
//! listens again a change of the players table is published, since notifications sent while it
//! was away are lost: subscribers read the board again.

use std::time::Duration;

use tokio::sync::broadcast;
use tokio_postgres::{AsyncMessage, NoTls};

use super::CHANNEL;
use crate::{Change, Table};

const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Listens until the task is aborted; `ready` is told once the first `LISTEN` is in place.
pub(crate) async fn listen(
    config: tokio_postgres::Config,
    changes: broadcast::Sender<Change>,
    ready: tokio::sync::oneshot::Sender<()>,
) {
    let mut ready = Some(ready);
    let mut wait = FIRST_BACKOFF;
    let mut first = true;
    loop {
        match config.connect(NoTls).await {
            Ok((client, mut connection)) => {
                let feed = changes.clone();
                // The connection must be driven for LISTEN to complete; notifications arrive here.
                let driver = tokio::spawn(async move {
                    while let Some(message) =
                        std::future::poll_fn(|cx| connection.poll_message(cx)).await
                    {
                        match message {
                            Ok(AsyncMessage::Notification(n)) => {
                                if let Some(change) = parse(n.payload()) {
                                    let _ = feed.send(change);
                                }
                            }
                            Ok(_) => {}
                            Err(e) => {
                                tracing::warn!(error = %e, "PostgreSQL listener connection lost");
                                break;
                            }
                        }
                    }
                });
                match client.batch_execute(&format!("LISTEN {CHANNEL}")).await {
                    Ok(()) => {
                        wait = FIRST_BACKOFF;
                        if !first {
                            tracing::info!("PostgreSQL listener connected again");
                            let _ = changes.send(Change {
                                table: Table::Players,
                                key: String::new(),
                            });
                        }
                        first = false;
                        if let Some(ready) = ready.take() {
                            let _ = ready.send(());
                        }
                        let _ = driver.await;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot LISTEN");
                        driver.abort();
                    }
                }
                drop(client);
            }
            Err(e) => {
                tracing::warn!(error = %e, retry_in = ?wait, "cannot connect the PostgreSQL listener")
            }
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(MAX_BACKOFF);
    }
}

/// `table:key` as a change.
fn parse(payload: &str) -> Option<Change> {
    let (table, key) = payload.split_once(':')?;
    Some(Change {
        table: Table::from_name(table)?,
        key: key.to_owned(),
    })
}

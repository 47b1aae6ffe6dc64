//! The SQLite change watch: a thread that notices commits made by any other connection to the
//! database file (another process, a person with the `sqlite3` shell) and announces them on the
//! change feed, as the update hook does for the store's own writes.
//!
//! SQLite tells a connection that the file changed under it through `PRAGMA data_version`: the
//! value moves when another connection commits, and reading it is a few instructions that touch
//! no table, so a look every quarter second costs nothing when nothing changed. Which rows
//! changed it cannot say: the watch announces a change of the players table, and subscribers
//! read what they show again.

use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::broadcast;

use crate::record::{Change, Table};

/// How often the watch looks at `data_version`.
pub(crate) const LOOK_EVERY: Duration = Duration::from_millis(250);

/// Stops the watch thread when dropped (its channel closes; the thread sees it at once).
pub(crate) struct WatchStop {
    _stop: std_mpsc::Sender<()>,
}

/// Starts the watch on `conn` (a connection of its own to the store's file), announcing on
/// `changes` until the returned [`WatchStop`] is dropped.
pub(crate) fn spawn(
    conn: Connection,
    changes: broadcast::Sender<Change>,
) -> std::io::Result<WatchStop> {
    let (stop, stopped) = std_mpsc::channel::<()>();
    // The starting value is read here, so that any commit after `spawn` returns is seen.
    let first = data_version(&conn);
    std::thread::Builder::new()
        .name("tickwire-store-watch".into())
        .spawn(move || watch(&conn, first, &changes, &stopped))?;
    Ok(WatchStop { _stop: stop })
}

fn data_version(conn: &Connection) -> Option<i64> {
    match conn.query_row("PRAGMA data_version", [], |r| r.get(0)) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::debug!(error = %e, "cannot read the database's data_version");
            None
        }
    }
}

fn watch(
    conn: &Connection,
    mut last: Option<i64>,
    changes: &broadcast::Sender<Change>,
    stopped: &std_mpsc::Receiver<()>,
) {
    // The wait is the channel's: it ends early, and for good, when the store stops the watch.
    while let Err(std_mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(LOOK_EVERY) {
        let now = data_version(conn);
        if now.is_some() && now != last {
            last = now;
            // The store's own commits move the value too; a subscriber reads the board again
            // and publishes it only when it differs, so an extra announcement costs one read.
            let _ = changes.send(Change {
                table: Table::Players,
                key: String::new(),
            });
        }
    }
    tracing::debug!("store change watch stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_by_another_connection_is_announced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("w.db");
        let other = Connection::open(&path).expect("open");
        other
            .execute_batch("CREATE TABLE t (x INTEGER)")
            .expect("create");
        let (tx, mut rx) = broadcast::channel(8);
        let stop = spawn(Connection::open(&path).expect("open"), tx).expect("spawn");
        other
            .execute("INSERT INTO t VALUES (1)", [])
            .expect("insert");
        let (got, get) = std_mpsc::channel();
        std::thread::spawn(move || {
            let _ = got.send(rx.blocking_recv());
        });
        let change = get
            .recv_timeout(Duration::from_secs(5))
            .expect("announced within 5 s")
            .expect("a change");
        assert_eq!(change.table, Table::Players);
        drop(stop);
    }
}

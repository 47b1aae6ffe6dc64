//! `Orchestrator`: what the server tells the platform that runs it (Agones on Kubernetes, say)
//! about its life and its players, and `NoOrchestrator`, which tells no one.
//!
//! The server calls these methods from its own tasks, some of them on the hot paths (a player
//! joining or leaving), so every method must return at once: an implementation hands the event
//! to a task of its own, for example through a bounded channel with `try_send`, and never waits
//! on IO here. Losing an event when that channel is full is the implementation's choice to log.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tickwire_protocol::ClientId;

/// What an allocator can select a server by: the game, the map, and how many players it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Labels {
    /// The game the rooms run (`arena`, `random-walk`, ...).
    pub game: String,
    /// The map's name.
    pub map: String,
    /// Most players this process holds at once (rooms times players per room).
    pub capacity: usize,
}

/// A player who joined a room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayerRef {
    /// The session's client id, unique in this process.
    pub client: ClientId,
    /// The room the player joined.
    pub room: u32,
    /// The id to report: the join token's subject when there was a token (the game backend's own
    /// player id), otherwise `client-N` after the client id.
    pub id: String,
}

impl PlayerRef {
    /// A player of `room` with the token subject `sub` when the join had a token.
    pub fn new(client: ClientId, room: u32, sub: Option<&str>) -> PlayerRef {
        let id = sub.map_or_else(|| format!("client-{}", client.0), str::to_owned);
        PlayerRef { client, room, id }
    }
}

/// The platform that runs this process, as the server sees it. Every method has a default that
/// does nothing, and every method must return at once (see the module's documentation).
pub trait Orchestrator: Send + Sync + 'static {
    /// The labels an allocator selects by; the binary sets them before the server starts.
    fn set_labels(&self, labels: &Labels) {
        let _ = labels;
    }

    /// The server listens on `addr` and accepts players.
    fn ready(&self, addr: SocketAddr) {
        let _ = addr;
    }

    /// How often the server reports that it is alive ([`Orchestrator::health`]); `None`: never.
    fn health_period(&self) -> Option<Duration> {
        None
    }

    /// The server is alive: called every [`Orchestrator::health_period`] by a task of the server's
    /// own runtime, so a server whose runtime stalls stops reporting.
    fn health(&self) {}

    /// A player joined a room.
    fn player_joined(&self, player: &PlayerRef) {
        let _ = player;
    }

    /// A player left its room (on every path: a close, an error, an aborted session).
    fn player_left(&self, player: &PlayerRef) {
        let _ = player;
    }

    /// A drain began: no new players, running matches go on until the grace period ends.
    fn draining(&self) {}

    /// The drain is over and every session is closed; the process is about to exit.
    fn shutdown(&self) {}
}

/// No platform: the default, a server on its own.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoOrchestrator;

impl Orchestrator for NoOrchestrator {}

/// A joined player as the orchestrator knows it: [`Orchestrator::player_joined`] when made,
/// [`Orchestrator::player_left`] when dropped, so that no path out of a session (an error, an
/// aborted task) leaves a player behind.
pub(crate) struct Presence {
    orchestrator: Arc<dyn Orchestrator>,
    player: PlayerRef,
}

impl Presence {
    /// Reports `player` as joined until the returned value is dropped.
    pub(crate) fn new(orchestrator: Arc<dyn Orchestrator>, player: PlayerRef) -> Presence {
        orchestrator.player_joined(&player);
        Presence {
            orchestrator,
            player,
        }
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        self.orchestrator.player_left(&self.player);
    }
}

#[cfg(test)]
mod tests {
    use parking_lot::Mutex;

    use super::*;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl Orchestrator for Recorder {
        fn player_joined(&self, player: &PlayerRef) {
            self.0.lock().push(format!("joined {}", player.id));
        }
        fn player_left(&self, player: &PlayerRef) {
            self.0.lock().push(format!("left {}", player.id));
        }
    }

    #[test]
    fn a_presence_reports_the_join_at_once_and_the_leave_when_dropped() {
        let recorder = Arc::new(Recorder::default());
        let presence = Presence::new(recorder.clone(), PlayerRef::new(ClientId(7), 1, None));
        assert_eq!(*recorder.0.lock(), ["joined client-7"]);
        drop(presence);
        assert_eq!(*recorder.0.lock(), ["joined client-7", "left client-7"]);
    }

    #[test]
    fn the_token_subject_is_the_reported_id() {
        let p = PlayerRef::new(ClientId(3), 2, Some("player-42"));
        assert_eq!(p.id, "player-42");
    }
}

//! `Everyone`: how a room reaches every session of its server (`Audience::Everyone`): through
//! the registry of connected sessions, each session's bounded control queue, the path an
//! operator's notices take (a session whose queue is full misses the message).

use std::sync::Arc;

/// What `Everyone` sends through: the server's registry of sessions implements it, so that rooms
/// need not know the registry (which knows the sessions, which know the rooms).
pub(crate) trait Broadcast: Send + Sync {
    /// Sends `bytes` to every session; returns how many took it and how many missed it.
    fn send_to_all(&self, bytes: &[u8]) -> (usize, usize);
}

/// Every session of one server, for a room's events to everyone; or nobody, for a room run
/// without a server (the tools' dry run, tests).
#[derive(Clone, Default)]
pub struct Everyone {
    sessions: Option<Arc<dyn Broadcast>>,
}

impl std::fmt::Debug for Everyone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Everyone")
            .field("connected", &self.sessions.is_some())
            .finish()
    }
}

impl Everyone {
    /// The sessions listed in `sessions`.
    pub(crate) fn new(sessions: Arc<dyn Broadcast>) -> Everyone {
        Everyone {
            sessions: Some(sessions),
        }
    }

    /// Sends an encoded server message to every session; returns how many took it and how many
    /// missed it (a full queue).
    pub fn send(&self, bytes: &[u8]) -> (usize, usize) {
        match &self.sessions {
            Some(sessions) => sessions.send_to_all(bytes),
            None => (0, 0),
        }
    }
}

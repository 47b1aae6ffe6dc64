//! `SessionLink`: a way to reach a running session from outside it, for the admin API's kicks
//! and messages.

use std::time::Duration;

use tokio::sync::mpsc;

use super::control::Control;
use super::ending::Ending;

/// A running session's control channel, as the admin API holds it.
#[derive(Clone, Debug)]
pub(crate) struct SessionLink(pub(super) mpsc::Sender<Control>);

impl SessionLink {
    /// Ends the session with a `Kick` and a close of `code` and `reason`.
    pub(crate) fn kick(&self, code: u16, reason: String) {
        let ending = Ending {
            code,
            reason,
            kick: true,
            count: None,
        };
        let ctrl = self.0.clone();
        // The writer's queue is short; a busy writer gets the kick a moment later, and a stuck one
        // is ended by its write timeout anyway.
        tokio::spawn(async move {
            let _ = ctrl
                .send_timeout(Control::End(ending), Duration::from_secs(5))
                .await;
        });
    }

    /// Sends an encoded server message; false when the writer's queue is full.
    pub(crate) fn send(&self, message: Vec<u8>) -> bool {
        self.0.try_send(Control::Message(message)).is_ok()
    }
}

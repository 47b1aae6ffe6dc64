//! `SessionLink`: a way to reach a running session from outside it, for the admin API's kicks
//! and messages.

use std::time::Duration;

use std::sync::Arc;

use tokio::sync::mpsc;

use super::control::Control;
use super::ending::Ending;
use crate::inputs::input_buffer::InputBuffer;

/// A running session's control channel, as the admin API holds it.
#[derive(Clone, Debug)]
pub(crate) struct SessionLink {
    ctrl: mpsc::Sender<Control>,
    inputs: Arc<InputBuffer>,
}

impl SessionLink {
    /// The link of the session whose writer reads `ctrl` and whose player reads `inputs`.
    pub(super) fn new(ctrl: mpsc::Sender<Control>, inputs: Arc<InputBuffer>) -> SessionLink {
        SessionLink { ctrl, inputs }
    }

    /// Ends the session with a `Kick` and a close of `code` and `reason`. The player leaves for
    /// good: its seat is freed, not held for a resume.
    pub(crate) fn kick(&self, code: u16, reason: String) {
        self.inputs.close();
        let ending = Ending {
            code,
            reason,
            kick: true,
            count: None,
            dropped: false,
            peer_closed: false,
        };
        // Queued now when there is room, so that the writer sees the kick before whatever
        // follows it (a room closed right after its players are kicked stops its frames, and
        // the kick must win). The writer's queue is short; a busy writer gets the kick a moment
        // later, and a stuck one is ended by its write timeout anyway.
        let end = match self.ctrl.try_send(Control::End(ending)) {
            Err(mpsc::error::TrySendError::Full(end)) => end,
            Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => return,
        };
        let ctrl = self.ctrl.clone();
        tokio::spawn(async move {
            let _ = ctrl.send_timeout(end, Duration::from_secs(5)).await;
        });
    }

    /// Sends an encoded server message; false when the writer's queue is full.
    pub(crate) fn send(&self, message: Vec<u8>) -> bool {
        self.ctrl.try_send(Control::Message(message)).is_ok()
    }
}

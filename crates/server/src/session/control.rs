//! `Control`: what a session's reader asks of its writer.

use fastwebsockets::OpCode;

use std::sync::Arc;

use super::ending::Ending;
use crate::rooms::fan_out::FanOut;
use crate::rooms::room::Joined;
use crate::rooms::room_task::FrameReceiver;
use crate::storage::leaderboard_feed::BoardReceiver;

/// What the reader asks of the writer.
#[derive(Debug)]
pub(super) enum Control {
    /// The player joined: send the welcome, then snapshots.
    Joined {
        joined: Box<Joined>,
        frames: FrameReceiver,
        fan_out: Arc<FanOut>,
    },
    /// A spectator was let in: send the welcome, then snapshots of the whole world.
    Watching {
        welcome: Box<tickwire_protocol::Welcome>,
        frames: FrameReceiver,
        fan_out: Arc<FanOut>,
    },
    /// Send the leaderboard now and whenever it changes (`Some`), or no more (`None`).
    Subscribe(Option<BoardReceiver>),
    /// An encoded server message to send (a pong).
    Message(Vec<u8>),
    /// A frame to send as it is: a WebSocket pong, or an echoed message.
    Frame(OpCode, Vec<u8>),
    /// The reader is done: close as it says (every ending sends a close frame), then stop.
    End(Ending),
}

//! The `/echo` session (behind `--echo`): every text and binary message back unchanged, on the
//! same stack as `/ws` (upgrade checks, [`MessageReader`], flood limit, writer), for pointing a
//! WebSocket fuzzing client at the server.

use std::sync::Arc;

use fastwebsockets::{OpCode, WebSocketRead};
use tickwire_protocol::close;
use tokio::io::AsyncRead;
use tokio::sync::mpsc;

use super::control::Control;
use super::ending::Ending;
use super::message_reader::MessageReader;
use crate::shared::Shared;

/// The largest message `/echo` accepts, fragmented or not (1 MiB); larger ones are closed with
/// 1009. `/ws` keeps the game's own limit, `codec::MAX_CLIENT_MSG`.
pub const ECHO_MAX_MESSAGE: usize = 1 << 20;

/// Echoes until the client leaves or breaks a rule.
pub(super) async fn echo_loop<S: AsyncRead + Unpin>(
    rx: &mut WebSocketRead<S>,
    ctrl: &mpsc::Sender<Control>,
    shared: &Arc<Shared>,
) -> Ending {
    let mut messages = MessageReader::new(rx, ctrl.clone(), ECHO_MAX_MESSAGE, shared);
    loop {
        match messages.next(rx, shared).await {
            Ok(m) => {
                let opcode = if m.text { OpCode::Text } else { OpCode::Binary };
                // Waits for the writer: a client that does not read its echoes is slowed down.
                if ctrl.send(Control::Frame(opcode, m.payload)).await.is_err() {
                    return Ending::quiet(close::NORMAL);
                }
            }
            Err(mut ending) => {
                // No game here: the close frame alone, without a `Kick` message.
                ending.kick = false;
                return ending;
            }
        }
    }
}

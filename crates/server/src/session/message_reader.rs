//! `MessageReader`: complete client messages out of WebSocket frames.

use fastwebsockets::{Frame, OpCode, WebSocketRead};
use tickwire_protocol::{close, codec};
use tokio::io::AsyncRead;
use tokio::sync::mpsc;

use super::control::Control;
use super::ending::Ending;
use crate::metrics::CloseReason;
use crate::shared::Shared;
use crate::ws_edge;

/// Reassembles complete binary messages from frames, with a size cap on fragmented ones
/// (fastwebsockets' own collector has none), and turns every error into an [`Ending`].
pub(crate) struct MessageReader {
    ctrl: mpsc::Sender<Control>,
    partial: Option<Vec<u8>>,
}

impl MessageReader {
    pub(crate) fn new(ctrl: mpsc::Sender<Control>) -> MessageReader {
        MessageReader {
            ctrl,
            partial: None,
        }
    }

    pub(crate) async fn next<S: AsyncRead + Unpin>(
        &mut self,
        rx: &mut WebSocketRead<S>,
        shared: &Shared,
    ) -> Result<Vec<u8>, Ending> {
        loop {
            let ctrl = self.ctrl.clone();
            // Pongs and close replies that fastwebsockets owes the peer go to the writer.
            let mut obligated = move |frame: Frame<'_>| {
                let sent = ctrl.try_send(Control::Frame(frame.opcode, frame.payload.to_vec()));
                async move {
                    drop(sent);
                    Ok::<(), std::convert::Infallible>(())
                }
            };
            let mut frame = match rx.read_frame(&mut obligated).await {
                Ok(f) => f,
                Err(e) => {
                    return Err(match ws_edge::close_for(&e) {
                        Some((code, reason)) => {
                            tracing::warn!(error = %e, "bad WebSocket frame");
                            Ending::kick(code, reason, CloseReason::BadFrame)
                        }
                        None => Ending {
                            code: close::NORMAL,
                            reason: String::new(),
                            kick: false,
                            count: None,
                        },
                    });
                }
            };
            shared.metrics.bytes_in.inc_by(frame.payload.len() as u64);
            // RFC 6455 5.1: a server must close the connection on an unmasked client frame;
            // fastwebsockets accepts them, so the check is ours.
            if !ws_edge::is_masked(&mut frame) {
                tracing::warn!("unmasked client frame");
                return Err(Ending::kick(
                    close::PROTOCOL_ERROR,
                    "client frames must be masked",
                    CloseReason::BadFrame,
                ));
            }
            match frame.opcode {
                OpCode::Close => {
                    // fastwebsockets has already queued the close reply.
                    return Err(Ending {
                        code: close::NORMAL,
                        reason: String::new(),
                        kick: false,
                        count: None,
                    });
                }
                OpCode::Text => {
                    return Err(Ending::kick(
                        close::UNSUPPORTED_DATA,
                        "text messages are not accepted; the protocol is binary",
                        CloseReason::Text,
                    ));
                }
                OpCode::Binary if self.partial.is_some() => {
                    return Err(Ending::kick(
                        close::PROTOCOL_ERROR,
                        "new message inside a fragmented one",
                        CloseReason::BadFrame,
                    ));
                }
                OpCode::Binary if frame.fin => return Ok(frame.payload.to_vec()),
                OpCode::Binary => self.partial = Some(frame.payload.to_vec()),
                OpCode::Continuation => {
                    let Some(buf) = self.partial.as_mut() else {
                        return Err(Ending::kick(
                            close::PROTOCOL_ERROR,
                            "continuation without a message",
                            CloseReason::BadFrame,
                        ));
                    };
                    if buf.len() + frame.payload.len() > codec::MAX_CLIENT_MSG {
                        return Err(Ending::kick(
                            close::MESSAGE_TOO_BIG,
                            "message too large",
                            CloseReason::BadFrame,
                        ));
                    }
                    buf.extend_from_slice(&frame.payload);
                    if frame.fin {
                        return Ok(self.partial.take().unwrap_or_default());
                    }
                }
                OpCode::Ping | OpCode::Pong => {}
            }
        }
    }
}

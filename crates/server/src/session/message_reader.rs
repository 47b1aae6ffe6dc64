//! `MessageReader`: complete client messages out of a WebSocket, every frame through the
//! [`Reassembler`] and the flood limit.

use std::time::Instant;

use fastwebsockets::{OpCode, WebSocketError, WebSocketRead};
use tickwire_protocol::close;
use tokio::io::AsyncRead;
use tokio::sync::mpsc;

use super::control::Control;
use super::ending::Ending;
use super::flood::{OwedInputs, TokenBucket};
use super::reassembly::{Event, FrameIn, MAX_CONTROL_PAYLOAD, Reassembler};
use crate::edge::ws_edge;
use crate::shared::Shared;
use crate::telemetry::metrics::CloseReason;

/// Frames a client may send in a burst, and per tick on average. A game client sends one input
/// per tick and a ping a second, so this leaves room for jitter but not for a flood. Every frame
/// counts: control frames and empty continuations too; only the token of an input the client
/// owes by the tick clock is given back ([`MessageReader::input_arrived`]).
const FLOOD_BURST: f64 = 120.0;
const FLOOD_PER_TICK: f64 = 1.5;

/// A whole message from the client.
pub(crate) struct Message {
    /// Whether it was a text message (valid UTF-8).
    pub(crate) text: bool,
    /// Its bytes.
    pub(crate) payload: Vec<u8>,
}

/// Reads frames, answers pings (through the writer), and turns every error into an [`Ending`].
pub(crate) struct MessageReader {
    ctrl: mpsc::Sender<Control>,
    reassembler: Reassembler,
    bucket: TokenBucket,
    owed_inputs: OwedInputs,
}

impl MessageReader {
    /// Sets `rx` up so that every frame, control frames included, comes through here, and a
    /// frame of exactly `max_message` bytes is accepted (fastwebsockets refuses a frame of its
    /// limit or more).
    pub(crate) fn new<S>(
        rx: &mut WebSocketRead<S>,
        ctrl: mpsc::Sender<Control>,
        max_message: usize,
        shared: &Shared,
    ) -> MessageReader {
        rx.set_auto_close(false);
        rx.set_auto_pong(false);
        rx.set_max_message_size(max_message.max(MAX_CONTROL_PAYLOAD) + 1);
        let tick_rate = f64::from(shared.lobby.config().tick_rate);
        MessageReader {
            ctrl,
            reassembler: Reassembler::new(max_message),
            bucket: TokenBucket::new(FLOOD_BURST, FLOOD_PER_TICK * tick_rate),
            owed_inputs: OwedInputs::new(tick_rate),
        }
    }

    /// A new input (newer than every one before it) with sequence number `seq` came: when the
    /// tick clock says the client owes it (a stall's inputs arriving together), its frame's
    /// token is given back, so that catching up is never taken for a flood.
    pub(crate) fn input_arrived(&mut self, seq: u32) {
        if self.owed_inputs.owed(seq, Instant::now()) {
            self.bucket.refund();
        }
    }

    /// The next whole message, or how the session ends.
    pub(crate) async fn next<S: AsyncRead + Unpin>(
        &mut self,
        rx: &mut WebSocketRead<S>,
        shared: &Shared,
    ) -> Result<Message, Ending> {
        loop {
            // Nothing is ever owed: auto close and auto pong are off.
            let mut frame = match rx
                .read_frame(&mut |_| async { Ok::<(), std::convert::Infallible>(()) })
                .await
            {
                Ok(f) => f,
                Err(e) => {
                    return Err(match ws_edge::close_for(&e) {
                        Some((code, reason)) => {
                            tracing::warn!(error = %e, "bad WebSocket frame");
                            let mut ending = Ending::kick(code, reason, CloseReason::BadFrame);
                            // A malformed close is still the client's close.
                            ending.peer_closed = matches!(
                                e,
                                WebSocketError::InvalidCloseFrame
                                    | WebSocketError::InvalidCloseCode
                            );
                            ending
                        }
                        None => Ending::dropped(),
                    });
                }
            };
            shared.metrics.bytes_in.inc_by(frame.payload.len() as u64);
            if !self.bucket.take(Instant::now()) {
                tracing::warn!("client flooding; dropped");
                // A flood ends the connection, not the player's match: the seat is held as for
                // a dropped connection, so that a client that resumes keeps its entity and
                // score. A real flooder that resumes is closed again; its held seat costs what
                // any dropped connection's does, for the reconnect window at most.
                return Err(Ending {
                    dropped: true,
                    ..Ending::kick(close::FLOODING, "too many frames", CloseReason::Flood)
                });
            }
            let masked = ws_edge::is_masked(&mut frame);
            let event = self.reassembler.push(FrameIn {
                fin: frame.fin,
                opcode: frame.opcode as u8,
                payload: &frame.payload,
                masked,
            });
            match event {
                Event::Pending => {}
                Event::Message { text, payload } => return Ok(Message { text, payload }),
                Event::Pong(payload) => {
                    // A full control queue means the writer is behind; a lost pong is harmless.
                    let _ = self.ctrl.try_send(Control::Frame(OpCode::Pong, payload));
                }
                Event::Closed(code) => return Err(Ending::client_closed(code)),
                Event::Violation(code, reason) => {
                    tracing::warn!(code, reason, "WebSocket protocol violation");
                    // A bad close frame is still the client's close: no reply will follow ours.
                    let mut ending = Ending::kick(code, reason, CloseReason::BadFrame);
                    ending.peer_closed = frame.opcode == OpCode::Close;
                    return Err(ending);
                }
            }
        }
    }
}

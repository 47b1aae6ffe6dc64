//! One WebSocket session: a reader task (handshake, inputs, pings) and a writer task (welcome,
//! snapshots, replies, close), joined by a small bounded control channel.
//!
//! fastwebsockets' reads and writes are not cancellation safe, so neither is ever raced against
//! anything in a `select!`: the reader only reads, the writer only writes, and each waits on
//! cancellation-safe channels between operations.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use fastwebsockets::{Frame, OpCode, WebSocket, WebSocketRead};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use tickwire_protocol::{ClientMsg, Pong, ServerMsg, Tick, close, codec};
use tokio::io::{AsyncRead, BufWriter, ReadHalf};
use tokio::sync::mpsc;

use crate::input_buffer::InputBuffer;
use crate::lobby::JoinError;
use crate::metrics::CloseReason;
use crate::server::Shared;
use crate::session_writer::{Control, write_loop};
use crate::ws_edge;

/// How long a client has to send `Hello` after the upgrade.
const HELLO_TIMEOUT: Duration = Duration::from_secs(5);

/// Largest WebSocket frame the server reads; client messages are far smaller.
const MAX_FRAME: usize = codec::MAX_CLIENT_MSG + 64;

/// Messages a client may send in a burst, and per second on average. A client sends one input
/// per tick and a ping a second, so this leaves room for jitter but not for a flood.
const FLOOD_BURST: f64 = 120.0;
const FLOOD_PER_TICK: f64 = 1.5;

type Stream = TokioIo<Upgraded>;

/// How the reader ended, and what the writer should tell the client.
#[derive(Debug)]
pub(crate) struct Ending {
    pub(crate) code: u16,
    pub(crate) reason: String,
    pub(crate) kick: bool,
    pub(crate) count: Option<CloseReason>,
}

impl Ending {
    fn kick(code: u16, reason: impl Into<String>, count: CloseReason) -> Ending {
        Ending {
            code,
            reason: reason.into(),
            kick: true,
            count: Some(count),
        }
    }
}

/// Runs a session to its end.
pub async fn run_session(ws: WebSocket<Stream>, shared: Arc<Shared>) {
    shared.metrics.sessions_opened.fetch_add(1, Relaxed);
    let (mut rx, tx) = ws.split(|s| {
        let (r, w) = tokio::io::split(s);
        (r, BufWriter::new(w))
    });
    rx.set_max_message_size(MAX_FRAME);
    rx.set_auto_close(true);
    rx.set_auto_pong(true);

    let (ctrl_tx, ctrl_rx) = mpsc::channel(32);
    let inputs = Arc::new(InputBuffer::new());
    let writer = tokio::spawn(write_loop(
        tx,
        ctrl_rx,
        shared.metrics.clone(),
        shared.shutdown.clone(),
    ));
    let reader_inputs = inputs.clone();
    let reader_shared = shared.clone();
    let mut reader = tokio::spawn(async move {
        let ending = read_loop(&mut rx, &ctrl_tx, &reader_inputs, &reader_shared).await;
        reader_inputs.close();
        if let Some(reason) = ending.count {
            reader_shared.metrics.count_close(reason);
        }
        // The writer sends the close; if it is stuck on a slow socket, its write timeout ends it.
        let _ = ctrl_tx.send(Control::End(ending)).await;
        drop(ctrl_tx);
        // Keep reading (and discarding) until the client answers the close or the session stops
        // this task: closing a socket with unread data makes the kernel send a reset, which can
        // destroy the close frame before the client reads it.
        while let Ok(frame) = rx
            .read_frame(&mut |_| async { Ok::<(), std::convert::Infallible>(()) })
            .await
        {
            if frame.opcode == OpCode::Close {
                break;
            }
        }
    });

    let _ = writer.await;
    // The writer is done (it sent a close, or the socket failed): give the reader a moment to
    // read the client's close reply, then stop it. Its read is abandoned with the connection.
    if tokio::time::timeout(Duration::from_secs(1), &mut reader)
        .await
        .is_err()
    {
        reader.abort();
    }
    inputs.close();
}

async fn read_loop(
    rx: &mut WebSocketRead<ReadHalf<Stream>>,
    ctrl: &mpsc::Sender<Control>,
    inputs: &Arc<InputBuffer>,
    shared: &Arc<Shared>,
) -> Ending {
    let mut messages = MessageReader::new(ctrl.clone());

    // Handshake: the first message must be a Hello of our version, in time.
    let first = match tokio::time::timeout(HELLO_TIMEOUT, messages.next(rx, shared)).await {
        Err(_) => {
            return Ending {
                code: close::HANDSHAKE_TIMEOUT,
                reason: "no Hello within 5 seconds".into(),
                kick: true,
                count: None,
            };
        }
        Ok(Err(ending)) => return ending,
        Ok(Ok(bytes)) => bytes,
    };
    if let Some(v) = codec::peek_hello_version(&first)
        && v != tickwire_protocol::PROTOCOL_VERSION
    {
        tracing::info!(version = v, "refused a client of another protocol version");
        return Ending::kick(
            close::VERSION_MISMATCH,
            format!(
                "protocol version {v} is not supported; this server speaks {}",
                tickwire_protocol::PROTOCOL_VERSION
            ),
            CloseReason::Version,
        );
    }
    let hello = match codec::decode_client(&first) {
        Ok(ClientMsg::Hello(h)) => h,
        Ok(_) => {
            return Ending::kick(
                close::UNEXPECTED_MESSAGE,
                "the first message must be Hello",
                CloseReason::BadMessage,
            );
        }
        Err(e) => return bad_message(&e),
    };

    let client = shared.lobby.next_client_id();
    let (room, joined) = match shared.lobby.join(client, &hello.name, inputs.clone()).await {
        Ok(j) => j,
        Err(JoinError::Full) => {
            return Ending::kick(close::SERVER_FULL, "the server is full", CloseReason::Full);
        }
        Err(JoinError::ShuttingDown) => {
            return Ending {
                code: close::GOING_AWAY,
                reason: "the server is shutting down".into(),
                kick: true,
                count: None,
            };
        }
    };
    tracing::info!(%client, room = room.id, entity = %joined.entity, name = %hello.name, "player joined");
    shared.metrics.players.fetch_add(1, Relaxed);
    let tick_rate = f64::from(joined.welcome.tick_rate);
    if ctrl
        .send(Control::Joined {
            joined: Box::new(joined),
            frames: room.frames.clone(),
        })
        .await
        .is_err()
    {
        shared.metrics.players.fetch_sub(1, Relaxed);
        return Ending {
            code: close::NORMAL,
            reason: String::new(),
            kick: false,
            count: None,
        };
    }

    let mut bucket = TokenBucket::new(FLOOD_BURST, FLOOD_PER_TICK * tick_rate);
    let mut last_seq: Option<u32> = None;
    let ending = loop {
        let bytes = match messages.next(rx, shared).await {
            Ok(b) => b,
            Err(ending) => break ending,
        };
        if !bucket.take(Instant::now()) {
            tracing::warn!(%client, "client flooding; dropped");
            break Ending::kick(close::FLOODING, "too many messages", CloseReason::Flood);
        }
        match codec::decode_client(&bytes) {
            Ok(ClientMsg::Input(input)) => {
                // Inputs must move forward; a stale or repeated one is ignored, not applied twice.
                if last_seq.is_some_and(|s| !tickwire_protocol::seq::is_newer(input.seq, s)) {
                    continue;
                }
                last_seq = Some(input.seq);
                shared.metrics.inputs.fetch_add(1, Relaxed);
                if !inputs.push(input) {
                    shared.metrics.inputs_dropped.fetch_add(1, Relaxed);
                }
            }
            Ok(ClientMsg::Ping(ping)) => {
                let tick = room.frames.borrow().as_ref().map_or(Tick(0), |f| f.tick());
                let mut out = Vec::with_capacity(16);
                let pong = ServerMsg::Pong(Pong {
                    nonce: ping.nonce,
                    tick,
                });
                if codec::encode_server(&pong, &mut out).is_ok() {
                    // A full control queue means the writer is behind; a lost pong is harmless.
                    let _ = ctrl.try_send(Control::Message(out));
                }
            }
            Ok(ClientMsg::Hello(_)) => {
                break Ending::kick(
                    close::UNEXPECTED_MESSAGE,
                    "Hello sent twice",
                    CloseReason::BadMessage,
                );
            }
            Err(e) => break bad_message(&e),
        }
    };
    tracing::info!(%client, code = ending.code, reason = %ending.reason, "player left");
    shared.metrics.players.fetch_sub(1, Relaxed);
    ending
}

fn bad_message(e: &tickwire_protocol::CodecError) -> Ending {
    tracing::warn!(error = %e, "bad client message");
    let mut reason = format!("bad message: {e}");
    // A close reason must fit in a control frame (123 bytes).
    truncate_utf8(&mut reason, 120);
    Ending::kick(close::POLICY_VIOLATION, reason, CloseReason::BadMessage)
}

/// Cuts `s` to at most `max` bytes on a character boundary.
pub(crate) fn truncate_utf8(s: &mut String, max: usize) {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
}

/// Reassembles complete binary messages from frames, with a size cap on fragmented ones
/// (fastwebsockets' own collector has none), and turns every error into an [`Ending`].
struct MessageReader {
    ctrl: mpsc::Sender<Control>,
    partial: Option<Vec<u8>>,
}

impl MessageReader {
    fn new(ctrl: mpsc::Sender<Control>) -> MessageReader {
        MessageReader {
            ctrl,
            partial: None,
        }
    }

    async fn next<S: AsyncRead + Unpin>(
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
            shared
                .metrics
                .bytes_in
                .fetch_add(frame.payload.len() as u64, Relaxed);
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

/// A token bucket: `burst` tokens, refilled at `rate` per second.
struct TokenBucket {
    tokens: f64,
    burst: f64,
    rate: f64,
    last: Instant,
}

impl TokenBucket {
    fn new(burst: f64, rate: f64) -> TokenBucket {
        TokenBucket {
            tokens: burst,
            burst,
            rate,
            last: Instant::now(),
        }
    }

    fn take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_the_rate_and_refuses_a_flood() {
        let start = Instant::now();
        let mut b = TokenBucket::new(10.0, 100.0);
        b.last = start;
        let allowed = (0..1000).filter(|_| b.take(start)).count();
        assert_eq!(allowed, 10);
        // One second later: 100 more.
        let later = start + Duration::from_secs(1);
        let allowed = (0..1000).filter(|_| b.take(later)).count();
        assert_eq!(allowed, 10);
    }

    #[test]
    fn truncation_respects_characters() {
        let mut s = "ééé".to_string();
        truncate_utf8(&mut s, 3);
        assert_eq!(s, "é");
    }
}

//! The reader half of a session: the `Hello` handshake (and the join, by the join token when
//! there is one), then inputs and pings until the client leaves or breaks a rule.

use std::sync::Arc;
use std::time::Duration;

use fastwebsockets::WebSocketRead;
use tickwire_protocol::{ClientMsg, Pong, ServerMsg, Tick, close, codec};
use tokio::io::AsyncRead;
use tokio::sync::mpsc;

use super::control::Control;
use super::ending::{Ending, truncate_utf8};
use super::message_reader::MessageReader;
use super::online::Online;
use crate::input_buffer::InputBuffer;
use crate::join_token::{JoinClaims, RoomClaim};
use crate::lobby::JoinError;
use crate::metrics::CloseReason;
use crate::shared::Shared;

pub(super) async fn read_loop<S: AsyncRead + Unpin>(
    rx: &mut WebSocketRead<S>,
    ctrl: &mpsc::Sender<Control>,
    inputs: &Arc<InputBuffer>,
    shared: &Arc<Shared>,
    claims: Option<&JoinClaims>,
    room: RoomClaim,
) -> Ending {
    let mut messages = MessageReader::new(rx, ctrl.clone(), codec::MAX_CLIENT_MSG, shared);

    // Handshake: the first message must be a Hello of our version, in time.
    let limits = &shared.limits;
    let first =
        match tokio::time::timeout(limits.hello_timeout, next_binary(&mut messages, rx, shared))
            .await
        {
            Err(_) => {
                return Ending::kick(
                    close::HANDSHAKE_TIMEOUT,
                    format!("no Hello within {}", seconds(limits.hello_timeout)),
                    CloseReason::HelloTimeout,
                );
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
    // A join token names the player; the room was settled at the upgrade.
    let name = claims.map_or(hello.name.as_str(), |c| c.name.as_str());
    let player = claims.map_or_else(|| crate::match_clock::guest_id(name), |c| c.sub.clone());
    let lobby = &shared.lobby;
    let joining = match room {
        RoomClaim::Id(id) => {
            lobby
                .join_room(id, client, &player, name, inputs.clone())
                .await
        }
        RoomClaim::Any => lobby.join(client, &player, name, inputs.clone()).await,
    };
    let (room, joined) = match joining {
        Ok(j) => j,
        Err(JoinError::Full) => {
            return Ending::kick(close::SERVER_FULL, "the server is full", CloseReason::Full);
        }
        Err(JoinError::NoSuchRoom(id)) => {
            // The room stopped between the upgrade, which checked it, and the Hello.
            shared.metrics.count_token_refused("wrong_room");
            return Ending {
                code: close::POLICY_VIOLATION,
                reason: format!("no such room: {id}"),
                kick: true,
                count: None,
            };
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
    tracing::info!(%client, room = room.id, entity = %joined.entity, %name, sub = claims.map(|c| c.sub.as_str()), "player joined");
    // Counted until this function returns or its task is aborted, whichever comes first.
    let _online = Online::new(&shared.metrics.players);
    if ctrl
        .send(Control::Joined {
            joined: Box::new(joined),
            frames: room.frames.clone(),
        })
        .await
        .is_err()
    {
        return Ending::quiet(close::NORMAL);
    }

    let mut last_seq: Option<u32> = None;
    let idle = limits.idle_timeout;
    let ending = loop {
        let bytes = match tokio::time::timeout(idle, next_binary(&mut messages, rx, shared)).await {
            Ok(Ok(b)) => b,
            Ok(Err(ending)) => break ending,
            Err(_) => {
                tracing::info!(%client, "idle player; seat freed");
                break Ending::kick(
                    close::IDLE,
                    format!("nothing received for {}", seconds(idle)),
                    CloseReason::Idle,
                );
            }
        };
        match codec::decode_client(&bytes) {
            Ok(ClientMsg::Input(input)) => {
                // Inputs must move forward; a stale or repeated one is ignored, not applied twice.
                if last_seq.is_some_and(|s| !tickwire_protocol::seq::is_newer(input.seq, s)) {
                    continue;
                }
                last_seq = Some(input.seq);
                shared.metrics.inputs.inc();
                if !inputs.push(input) {
                    shared.metrics.inputs_dropped.inc();
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
            Ok(ClientMsg::Subscribe(topics)) => {
                let board = topics
                    .leaderboard
                    .then(|| shared.leaderboard.clone())
                    .flatten();
                if topics.leaderboard && board.is_none() {
                    tracing::debug!(%client, "leaderboard asked for with storage off");
                }
                if ctrl.send(Control::Subscribe(board)).await.is_err() {
                    break Ending::quiet(close::NORMAL);
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
    ending
}

/// A duration as a person reads it in a close reason: "5 s", "1.5 s".
fn seconds(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

/// The next message, which must be binary: the game protocol has no text messages. A text
/// message is refused only once it has arrived whole and valid (invalid UTF-8 is 1007 first).
async fn next_binary<S: AsyncRead + Unpin>(
    messages: &mut MessageReader,
    rx: &mut WebSocketRead<S>,
    shared: &Shared,
) -> Result<Vec<u8>, Ending> {
    let message = messages.next(rx, shared).await?;
    if message.text {
        return Err(Ending::kick(
            close::UNSUPPORTED_DATA,
            "text messages are not accepted; the protocol is binary",
            CloseReason::Text,
        ));
    }
    Ok(message.payload)
}

fn bad_message(e: &tickwire_protocol::CodecError) -> Ending {
    tracing::warn!(error = %e, "bad client message");
    let mut reason = format!("bad message: {e}");
    // A close reason must fit in a control frame (123 bytes).
    truncate_utf8(&mut reason, 120);
    Ending::kick(close::POLICY_VIOLATION, reason, CloseReason::BadMessage)
}

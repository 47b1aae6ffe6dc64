//! The reader half of a session: the `Hello` handshake (and the join, by the join token when
//! there is one), then inputs and pings until the client leaves or breaks a rule.

use std::sync::Arc;
use std::time::Duration;

use fastwebsockets::WebSocketRead;
use tickwire_protocol::{ClientMsg, Pong, ServerMsg, Tick, close, codec};
use tokio::io::AsyncRead;
use tokio::sync::mpsc;

use super::admitted::Admitted;
use super::control::Control;
use super::ending::{Ending, truncate_utf8};
use super::message_reader::MessageReader;
use super::seating::{Ask, take_place};
use crate::input_buffer::InputBuffer;
use crate::metrics::CloseReason;
use crate::orchestrator::{PlayerRef, Presence};
use crate::player_input::PlayerInput;
use crate::shared::Shared;

pub(super) async fn read_loop<S: AsyncRead + Unpin>(
    rx: &mut WebSocketRead<S>,
    ctrl: &mpsc::Sender<Control>,
    inputs: &Arc<InputBuffer>,
    shared: &Arc<Shared>,
    admitted: &Admitted,
    spectate: bool,
) -> Ending {
    let claims = admitted.claims.as_ref();
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
    if let Some(ending) = schema_refusal(hello.schema, shared) {
        return ending;
    }

    let client = shared.lobby.next_client_id();
    let ask = Ask {
        client,
        hello: &hello,
        claims,
        room: admitted.room,
        spectate,
    };
    let (room, first, presence) = match take_place(ask, inputs, shared).await {
        Ok(place) => place,
        Err(ending) => return ending,
    };
    // Listed for the admin API until this function returns or its task is aborted.
    let name =
        crate::player_name::clean_name(claims.map_or(hello.name.as_str(), |c| c.name.as_str()));
    let _listed = shared.sessions.register(
        client,
        &name,
        claims.map(|c| c.sub.as_str()),
        admitted.address,
        room.id,
        super::link::SessionLink::new(ctrl.clone(), inputs.clone()),
    );
    // A player is told to the orchestrator now, and its leave when this function returns or is
    // aborted; spectators are not players.
    let _orchestrated = (!presence.is_spectator()).then(|| {
        let player = PlayerRef::new(client, room.id, claims.map(|c| c.sub.as_str()));
        Presence::new(shared.orchestrator.clone(), player)
    });
    if ctrl.send(first).await.is_err() {
        return Ending::quiet(close::NORMAL);
    }

    let mut last_seq: Option<u32> = None;
    let idle = limits.idle_timeout;
    // A player idles out on inputs too: pings alone do not hold a seat (nor keep a room alive).
    let mut last_input = tokio::time::Instant::now();
    let ending = loop {
        if !presence.is_spectator() && last_input.elapsed() > idle {
            tracing::info!(%client, "a player sent no input; closed as idle");
            break Ending::kick(
                close::IDLE,
                format!("no input for {}", seconds(idle)),
                CloseReason::Idle,
            );
        }
        let bytes = match tokio::time::timeout(idle, next_binary(&mut messages, rx, shared)).await {
            Ok(Ok(b)) => b,
            Ok(Err(ending)) => break ending,
            Err(_) => {
                tracing::info!(%client, "idle session; closed");
                break Ending::kick(
                    close::IDLE,
                    format!("nothing received for {}", seconds(idle)),
                    CloseReason::Idle,
                );
            }
        };
        match codec::decode_client(&bytes) {
            Ok(ClientMsg::Input(_)) if presence.is_spectator() => {
                break Ending::kick(
                    close::UNEXPECTED_MESSAGE,
                    "spectators send no inputs",
                    CloseReason::BadMessage,
                );
            }
            Ok(ClientMsg::Input(input)) => {
                // Read once, here, by the game's input fields; the room holds it decoded.
                let input = match PlayerInput::decode(&input, shared.lobby.schema().input()) {
                    Ok(input) => input,
                    Err(e) => break bad_input(&e),
                };
                // Inputs must move forward; a stale or repeated one is ignored, not applied twice.
                if last_seq.is_some_and(|s| !tickwire_protocol::seq::is_newer(input.seq, s)) {
                    continue;
                }
                last_seq = Some(input.seq);
                last_input = tokio::time::Instant::now();
                messages.input_arrived(input.seq);
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
    let who = if presence.is_spectator() {
        "spectator"
    } else {
        "player"
    };
    tracing::info!(%client, code = ending.code, reason = %ending.reason, dropped = ending.dropped, "{who} left");
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

/// The end of a session whose input's record does not decode as the game's input.
fn bad_input(e: &tickwire_protocol::CodecError) -> Ending {
    tracing::warn!(error = %e, "an input record that does not decode");
    let mut reason = format!("bad input: not this game's input record ({e})");
    truncate_utf8(&mut reason, 120);
    Ending::kick(close::POLICY_VIOLATION, reason, CloseReason::BadMessage)
}

fn bad_message(e: &tickwire_protocol::CodecError) -> Ending {
    tracing::warn!(error = %e, "bad client message");
    let mut reason = format!("bad message: {e}");
    // A close reason must fit in a control frame (123 bytes).
    truncate_utf8(&mut reason, 120);
    Ending::kick(close::POLICY_VIOLATION, reason, CloseReason::BadMessage)
}

/// The refusal of a client built for another schema than the server's (a `Hello` that names one).
fn schema_refusal(
    theirs: Option<tickwire_protocol::SchemaHash>,
    shared: &Shared,
) -> Option<Ending> {
    let ours = shared.lobby.schema();
    let theirs = theirs.filter(|&h| h != ours.hash())?;
    tracing::info!(schema = %theirs, server = %ours.hash(), "refused a client of another schema");
    Some(Ending::kick(
        close::SCHEMA_MISMATCH,
        // Both hashes come before the game's name, which a long name may cut (123 bytes).
        format!(
            "this client is for another game's data (schema {theirs}); this server's is {} ({:?})",
            ours.hash(),
            ours.desc().game
        ),
        CloseReason::Schema,
    ))
}

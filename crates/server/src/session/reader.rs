//! The reader half of a session: the IO loop around [`SessionState`], which holds the rules.
//! It reads whole messages, hands them in with the time, and does what each [`Step`] says:
//! seats the session through the lobby (and the join token when there is one), pushes inputs,
//! answers pings, subscribes, until the client leaves or breaks a rule.

use std::sync::Arc;

use fastwebsockets::WebSocketRead;
use tickwire_protocol::{Pong, ServerMsg, Tick, close, codec};
use tokio::io::AsyncRead;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::admitted::Admitted;
use super::control::Control;
use super::ending::Ending;
use super::message_reader::MessageReader;
use super::seating::{Ask, take_place};
use super::session_io::ReadSeat;
use super::session_state::{SessionState, Step};
use crate::InputReads;
use crate::inputs::input_buffer::InputBuffer;
use crate::orchestrator::{PlayerRef, Presence};
use crate::shared::Shared;

pub(super) async fn read_loop<S: AsyncRead + Unpin>(
    rx: &mut WebSocketRead<S>,
    ctrl: &mpsc::Sender<Control>,
    inputs: &Arc<InputBuffer>,
    shared: &Arc<Shared>,
    admitted: &Admitted,
    spectate: bool,
    seat: &ReadSeat,
) -> Ending {
    let claims = admitted.claims.as_ref();
    let mut messages = MessageReader::new(rx, ctrl.clone(), codec::MAX_CLIENT_MSG, shared);
    let limits = &shared.limits;
    let mut state = SessionState::new(
        shared.lobby.schema().clone(),
        limits.hello_timeout,
        limits.idle_timeout,
        Instant::now(),
    );

    // One timer for the session's deadlines, moved as they move: extending it is cheap, where
    // a timer per read would be armed and cleared for every input.
    let deadline = std::pin::pin!(tokio::time::sleep_until(Instant::now()));
    let mut waiting = Waiting {
        timer: deadline,
        armed: None,
    };
    // The handshake: the first message must be a good Hello, in time.
    let hello = match next_step(&mut state, &mut messages, rx, &mut waiting, shared).await {
        Step::Seat(hello) => hello,
        Step::End(ending) => return ending,
        other => {
            tracing::error!(?other, "a session's first step was not its seating");
            return Ending::quiet(close::INTERNAL_ERROR);
        }
    };
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
    state.seated(presence.is_spectator(), Instant::now());
    // A player's inputs are read at the room's call from now on; a spectator sends nearly
    // nothing, and a conditioned link is read by its pump.
    if !presence.is_spectator()
        && shared.input_reads == InputReads::Paced
        && shared.link_sim.is_off()
    {
        seat.pace(room.read_call.clone());
    }
    // Listed for the admin API until this function returns or its task is aborted.
    let name = crate::rooms::player_name::clean_name(
        claims.map_or(hello.name.as_str(), |c| c.name.as_str()),
    );
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

    let ending = loop {
        match next_step(&mut state, &mut messages, rx, &mut waiting, shared).await {
            Step::Input(input) => {
                messages.input_arrived(input.seq);
                shared.metrics.inputs.inc();
                if !inputs.push(input) {
                    shared.metrics.inputs_dropped.inc();
                    shared.metrics.netcode.inputs_surplus.inc();
                }
            }
            Step::Pong { nonce } => {
                let tick = room.frames.borrow().as_ref().map_or(Tick(0), |f| f.tick());
                let mut out = Vec::with_capacity(16);
                if codec::encode_server(&ServerMsg::Pong(Pong { nonce, tick }), &mut out).is_ok() {
                    // A full control queue means the writer is behind; a lost pong is harmless.
                    let _ = ctrl.try_send(Control::Message(out));
                }
            }
            Step::Subscribe(topics) => {
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
            Step::Nothing => {}
            Step::End(ending) => break ending,
            Step::Seat(_) => {
                tracing::error!(%client, "a seated session was asked to seat again");
                break Ending::quiet(close::INTERNAL_ERROR);
            }
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

/// The session's deadline timer and the deadline it is set to.
struct Waiting<'a> {
    timer: std::pin::Pin<&'a mut tokio::time::Sleep>,
    armed: Option<Instant>,
}

/// The next message handed to `state`, or its deadline passing first: what to do.
async fn next_step<S: AsyncRead + Unpin>(
    state: &mut SessionState,
    messages: &mut MessageReader,
    rx: &mut WebSocketRead<S>,
    waiting: &mut Waiting<'_>,
    shared: &Shared,
) -> Step {
    let read = messages.next(rx, shared);
    let message = match state.poll_deadline() {
        Some(deadline) => {
            if waiting.armed != Some(deadline) {
                waiting.timer.as_mut().reset(deadline);
                waiting.armed = Some(deadline);
            }
            tokio::select! {
                biased;
                m = read => m,
                // A read cut off is not resumed (fastwebsockets' reads are not cancellation
                // safe): the deadline passed, so the state ends the session.
                () = waiting.timer.as_mut() => {
                    return Step::End(state.handle_timeout(Instant::now()).unwrap_or_else(|| {
                        tracing::error!("a session's deadline passed and its state did not end it");
                        Ending::quiet(close::INTERNAL_ERROR)
                    }));
                }
            }
        }
        None => read.await,
    };
    match message {
        Ok(message) => state.handle_message(message, Instant::now()),
        Err(ending) => Step::End(ending),
    }
}

//! One WebSocket session: a reader task (handshake, inputs, pings; or echoes on `/echo`) and a
//! writer task (welcome, replies, close), joined by a small bounded control channel, and the
//! session's outlet, through which every byte goes out: the room's fan-out pass writes the
//! snapshots into it, the writer everything else. Every frame read goes through the reader's
//! `MessageReader` and its `Reassembler`.
//!
//! fastwebsockets' reads are not cancellation safe, so a read is raced only against the
//! session's deadline, after which it is never resumed; the outlet's writes keep their place
//! in its buffer, so a write cut off by the deadline ends the session instead.

mod admitted;
mod control;
mod delayed_link;
mod echo;
mod ending;
mod feed;
mod flood;
pub(crate) mod link;
mod message_reader;
mod online;
mod outlet;
mod reader;
mod reassembly;
mod seating;
mod session_io;
mod session_state;
mod socket_option;
mod watching;
mod writer;

use std::sync::Arc;
use std::time::Duration;

use fastwebsockets::{OpCode, WebSocket};
use tokio::sync::mpsc;

use crate::inputs::input_buffer::InputBuffer;
use crate::shared::Shared;
pub(crate) use admitted::Admitted;
use control::Control;
pub use echo::ECHO_MAX_MESSAGE;
use echo::echo_loop;
use outlet::SessionOutlet;
use reader::read_loop;
use session_io::LeavesSeat;
pub(crate) use session_io::{ReadSeat, SessionIo, session_io};
use writer::{Writing, write_loop};

type Stream = SessionIo;

/// How long the server waits for a client to answer its close frame before it closes the
/// connection anyway.
const CLOSE_REPLY_WAIT: Duration = Duration::from_secs(1);

/// What a session serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `/ws`: the game.
    Game,
    /// `/ws?spectate=1`: the game, watched (no seat, no inputs, the whole world).
    Watch,
    /// `/echo`: every message back (only with `ServerConfig::echo`).
    Echo,
}

/// Runs a session to its end; `claims` are the join token's, checked at the upgrade, and
/// `room` the room asked for (by the token or the `room` query parameter), or any. `seat` is
/// where the reader paces the socket's reads once it is seated ([`ReadSeat`]).
pub(crate) async fn run_session(
    ws: WebSocket<Stream>,
    seat: Arc<ReadSeat>,
    shared: Arc<Shared>,
    endpoint: Endpoint,
    admitted: Admitted,
) {
    shared.metrics.sessions_opened.inc();
    let pumps = std::cell::Cell::new(None);
    let write_half = std::cell::Cell::new(None);
    // fastwebsockets frames what the session reads; what it writes is framed by its outlet, so
    // the library's write half gets a sink and the socket's goes to the outlet.
    let (mut rx, _unused) = ws.split(|s| {
        let (r, w) = tokio::io::split(s);
        // With the link conditioner off, this is the socket's own halves and nothing runs.
        let seed = shared.metrics.sessions_opened.get();
        let (r, w, p) = delayed_link::wrap(r, w, shared.link_sim, seed, &shared.metrics);
        pumps.set(p);
        write_half.set(Some(w));
        (r, tokio::io::sink())
    });
    let Some(write_half) = write_half.into_inner() else {
        tracing::error!("a session's socket was not split");
        return;
    };
    let outlet = Arc::new(SessionOutlet::new(write_half, shared.metrics.clone()));

    let (ctrl_tx, ctrl_rx) = mpsc::channel(32);
    let inputs = Arc::new(InputBuffer::new());
    let writing = Writing {
        mode: shared.fan_out,
        timeout: shared.limits.write_timeout,
    };
    let writer = tokio::spawn(write_loop(
        outlet,
        ctrl_rx,
        shared.metrics.clone(),
        shared.shutdown.clone(),
        writing,
        inputs.clone(),
    ));
    let reader_inputs = inputs.clone();
    let reader_shared = shared.clone();
    let mut reader = tokio::spawn(async move {
        let _leaves = LeavesSeat(seat.clone());
        let ending = match endpoint {
            Endpoint::Game | Endpoint::Watch => {
                read_loop(
                    &mut rx,
                    &ctrl_tx,
                    &reader_inputs,
                    &reader_shared,
                    &admitted,
                    endpoint == Endpoint::Watch,
                    &seat,
                )
                .await
            }
            Endpoint::Echo => echo_loop(&mut rx, &ctrl_tx, &reader_shared).await,
        };
        seat.end_pacing();
        if ending.dropped {
            reader_inputs.hang_up();
        } else {
            reader_inputs.close();
        }
        if let Some(reason) = ending.count {
            reader_shared.metrics.count_close(reason);
        }
        let peer_closed = ending.peer_closed;
        // The writer sends the close; if it is stuck on a slow socket, its write timeout ends it.
        let _ = ctrl_tx.send(Control::End(ending)).await;
        drop(ctrl_tx);
        if peer_closed {
            // The client closed first: once our reply is written the handshake is complete and
            // the connection closes at once (RFC 6455 5.5.1, 7.1.1); nothing more will come.
            return;
        }
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
    // read the client's close reply, then stop it. Its read is abandoned with the connection,
    // which closes as soon as this returns: at once when the client has answered.
    if tokio::time::timeout(CLOSE_REPLY_WAIT, &mut reader)
        .await
        .is_err()
    {
        reader.abort();
    }
    // The writer gave up on the socket (too slow, or it failed) before the reader ended: the
    // connection dropped. A reader that ended first has already said how.
    inputs.hang_up();
    if let Some(p) = pumps.into_inner() {
        // Let the delayed close reach the client, then stop reading for a session that is gone.
        let mut outbound = p.outbound;
        if tokio::time::timeout(Duration::from_secs(12), &mut outbound)
            .await
            .is_err()
        {
            outbound.abort();
        }
        p.inbound.abort();
    }
}

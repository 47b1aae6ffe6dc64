//! The writer half of a session: the task that sends everything but the snapshots the room's
//! fan-out pass writes itself (see [`SessionOutlet`]): the welcome, replies, leaderboards,
//! notices and the close, and whatever snapshot the pass could not write without waiting.

use std::sync::{Arc, Weak};
use std::time::Duration;

use fastwebsockets::OpCode;
use tickwire_protocol::{Kick, Notice, ServerMsg, close, codec};
use tokio::io::AsyncWrite;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::control::Control;
use super::ending::truncate_utf8;
use super::feed::Feed;
use super::outlet::{SessionOutlet, Stop};
use crate::inputs::input_buffer::InputBuffer;
use crate::phase::Phase;
use crate::rooms::fan_out::{FanOut, FanOutMode, Outlet};
use crate::rooms::room_task::FrameReceiver;
use crate::storage::leaderboard_feed::BoardReceiver;
use crate::telemetry::metrics::{CloseReason, Metrics};

/// How the writer learns of the room's snapshots.
pub(super) struct Writing {
    /// Who writes the snapshots.
    pub(super) mode: FanOutMode,
    /// How long one write may wait before the client is dropped as too slow to read.
    pub(super) timeout: Duration,
}

/// Runs until the session ends; every write is bounded by the write timeout, after which the
/// client is dropped as too slow to read.
pub(super) async fn write_loop<W: AsyncWrite + Unpin + Send + 'static>(
    outlet: Arc<SessionOutlet<W>>,
    mut ctrl: mpsc::Receiver<Control>,
    metrics: Arc<Metrics>,
    mut shutdown: watch::Receiver<Phase>,
    writing: Writing,
    inputs: Arc<InputBuffer>,
) {
    let t = writing.timeout;
    let out = &*outlet;
    // With the tasks fan-out: the room's frames, each of which wakes this task.
    let mut frames: Option<FrameReceiver> = None;
    let mut board: Option<BoardReceiver> = None;
    // During a drain: when to send the next countdown notice.
    let mut next_notice: Option<(Instant, Instant)> = None;
    let result: Result<(), Stop> = async {
        loop {
            tokio::select! {
                biased;
                c = ctrl.recv() => match c {
                    Some(Control::Joined { joined, frames: f, fan_out }) => {
                        let seat = Some((joined.slot, joined.entity));
                        frames = welcome(&outlet, &metrics, &joined.welcome, seat, (f, &fan_out), &writing).await?;
                    }
                    Some(Control::Watching { welcome: w, frames: f, fan_out }) => {
                        frames = welcome(&outlet, &metrics, &w, None, (f, &fan_out), &writing).await?;
                    }
                    Some(Control::Message(bytes)) => {
                        out.with(|w| w.binary(&bytes, &metrics));
                        out.flush(t).await?;
                    }
                    Some(Control::Subscribe(receiver)) => {
                        // The board as it is now goes out at once, then every change; asking
                        // again while subscribed changes nothing and sends nothing again.
                        if board.is_none() || receiver.is_none() {
                            board = receiver.map(|mut r| {
                                r.mark_changed();
                                r
                            });
                        }
                    }
                    Some(Control::Frame(opcode, payload)) => {
                        metrics.bytes_out.inc_by(payload.len() as u64);
                        out.with(|w| w.frame(opcode, &payload, false));
                        out.flush(t).await?;
                    }
                    Some(Control::End(ending)) => {
                        return send_close(out, &metrics, (ending.code, ending.reason), ending.kick, t).await;
                    }
                    None => return Ok(()),
                },
                changed = shutdown.changed() => {
                    let phase = *shutdown.borrow_and_update();
                    match (changed, phase) {
                        (Ok(()), Phase::Serving) => {}
                        (Ok(()), Phase::Draining(deadline)) => {
                            send_notice(out, &metrics, deadline, t).await?;
                            next_notice = (deadline > Instant::now() + LAST_NOTICE)
                                .then(|| (deadline - LAST_NOTICE, deadline));
                        }
                        _ => {
                            let why = "the server is shutting down".to_string();
                            return send_close(out, &metrics, (close::GOING_AWAY, why), true, t).await;
                        }
                    }
                }
                () = inputs.replaced() => {
                    let why = "this seat was resumed on another connection".to_string();
                    return send_close(out, &metrics, (close::SESSION_REPLACED, why), true, t).await;
                }
                changed = next_board(&mut board) => {
                    if changed.is_err() {
                        board = None;
                        continue;
                    }
                    let latest = board.as_mut().and_then(|b| b.borrow_and_update().clone());
                    if let Some(bytes) = latest {
                        out.with(|w| w.binary(&bytes, &metrics));
                        out.flush(t).await?;
                    }
                }
                _ = notice_due(next_notice) => {
                    if let Some((_, deadline)) = next_notice.take() {
                        send_notice(out, &metrics, deadline, t).await?;
                    }
                }
                changed = next_frame(&mut frames) => {
                    if changed.is_err() {
                        return Err(Stop::RoomClosed);
                    }
                    if let Some(f) = frames.as_mut() {
                        f.borrow_and_update();
                    }
                    out.catch_up(t).await?;
                }
                () = out.woken() => out.catch_up(t).await?,
            }
        }
    }
    .await;
    match result {
        Ok(()) => {}
        Err(Stop::RoomClosed) => {
            let why = "the room closed".to_string();
            let _ = send_close(out, &metrics, (close::GOING_AWAY, why), true, t).await;
        }
        Err(Stop::Io(e)) if e.kind() == std::io::ErrorKind::TimedOut => {
            metrics.count_close(CloseReason::Slow);
            tracing::warn!("client too slow to read; dropped");
        }
        Err(Stop::Io(e)) => tracing::debug!(error = %e, "session write ended"),
    }
}

/// Sends the welcome and sets the session up to be sent the room's snapshots, starting with
/// the newest (a full one: a new session has no baseline). With the pass fan-out the session
/// joins the room's pass; with the tasks fan-out it returns the frames that wake it.
async fn welcome<W: AsyncWrite + Unpin + Send + 'static>(
    outlet: &Arc<SessionOutlet<W>>,
    metrics: &Metrics,
    welcome: &tickwire_protocol::Welcome,
    seat: Option<(usize, tickwire_protocol::EntityId)>,
    (mut frames, fan_out): (FrameReceiver, &FanOut),
    writing: &Writing,
) -> Result<Option<FrameReceiver>, Stop> {
    let mut bytes = Vec::new();
    let message = ServerMsg::Welcome(Box::new(welcome.clone()));
    let encoded = codec::encode_server(&message, &mut bytes).is_ok();
    let ticks_per_snapshot = u32::from(welcome.tick_rate) / u32::from(welcome.snapshot_rate.max(1));
    let feed = Feed::new(seat, frames.clone(), ticks_per_snapshot);
    outlet.with(|w| {
        if encoded {
            w.binary(&bytes, metrics);
        }
        w.feed = Some(feed);
    });
    match writing.mode {
        FanOutMode::Pass => {
            let weak: Weak<dyn Outlet> = Arc::<SessionOutlet<W>>::downgrade(outlet);
            if !fan_out.join(weak) {
                return Err(Stop::RoomClosed);
            }
            outlet.catch_up(writing.timeout).await?;
            Ok(None)
        }
        FanOutMode::Tasks => {
            // The next turn writes the welcome and the newest frame.
            frames.mark_changed();
            Ok(Some(frames))
        }
    }
}

/// Before the end of a drain, the last countdown notice is sent this long before it.
const LAST_NOTICE: Duration = Duration::from_secs(10);

/// Resolves when the countdown notice `next` is due; never without one.
async fn notice_due(next: Option<(Instant, Instant)>) {
    match next {
        Some((at, _)) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Tells the player that the server restarts and the match ends at `deadline`.
async fn send_notice<W: AsyncWrite + Unpin + Send>(
    out: &SessionOutlet<W>,
    metrics: &Metrics,
    deadline: Instant,
    t: Duration,
) -> Result<(), Stop> {
    let left = deadline.saturating_duration_since(Instant::now());
    let seconds = u16::try_from(left.as_millis().div_ceil(1000)).unwrap_or(u16::MAX);
    let text = format!("The server is restarting; this match ends in {seconds} s");
    let mut bytes = Vec::new();
    let notice = ServerMsg::Notice(Notice::new(&text, Some(seconds)));
    if codec::encode_server(&notice, &mut bytes).is_ok() {
        out.with(|w| w.binary(&bytes, metrics));
        out.flush(t).await?;
    }
    Ok(())
}

/// Waits for the next leaderboard; never resolves without a subscription.
async fn next_board(board: &mut Option<BoardReceiver>) -> Result<(), watch::error::RecvError> {
    match board {
        Some(b) => b.changed().await,
        None => std::future::pending().await,
    }
}

/// Waits for the room's next frame; never without frames that wake this task.
async fn next_frame(frames: &mut Option<FrameReceiver>) -> Result<(), watch::error::RecvError> {
    match frames {
        Some(f) => f.changed().await,
        None => std::future::pending().await,
    }
}

/// Sends a close frame with `code` and `reason` (cut to fit a control frame), and before it a
/// `Kick` message when `kick` is set and the code is not a normal close.
async fn send_close<W: AsyncWrite + Unpin + Send>(
    out: &SessionOutlet<W>,
    metrics: &Metrics,
    (code, mut reason): (u16, String),
    kick: bool,
    t: Duration,
) -> Result<(), Stop> {
    truncate_utf8(&mut reason, 120);
    let mut bytes = Vec::new();
    let message = ServerMsg::Kick(Kick {
        code,
        reason: reason.clone(),
    });
    let kicked =
        kick && code != close::NORMAL && codec::encode_server(&message, &mut bytes).is_ok();
    let mut payload = code.to_be_bytes().to_vec();
    payload.extend_from_slice(reason.as_bytes());
    out.with(|w| {
        if kicked {
            w.binary(&bytes, metrics);
        }
        w.frame(OpCode::Close, &payload, true);
    });
    out.flush(t).await
}

//! The writer half of a session: everything the server sends to one client goes through here.
//!
//! It holds one baseline, the last frame it wrote, and always encodes the newest frame against
//! it: a client that reads slowly skips frames instead of queueing them.

use std::sync::Arc;
use std::time::Duration;

use fastwebsockets::{Frame, Payload, WebSocketError, WebSocketWrite};
use tickwire_protocol::{Kick, Notice, ServerMsg, close, codec};
use tokio::io::AsyncWrite;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::control::Control;
use super::ending::truncate_utf8;
use crate::inputs::input_buffer::InputBuffer;
use crate::phase::Phase;
use crate::rooms::room_task::FrameReceiver;
use crate::rooms::snapshot::{CacheUse, SentView};
use crate::storage::leaderboard_feed::BoardReceiver;
use crate::telemetry::metrics::{CloseReason, Metrics};

/// A session in a room: a player (its slot for acks and its entity for its view) or a
/// spectator (neither: no ack, the whole world).
struct Joinedness {
    seat: Option<(usize, tickwire_protocol::EntityId)>,
    frames: FrameReceiver,
    ticks_per_snapshot: u32,
}

/// Runs until the session ends; every write is bounded by `write_timeout`, after which the
/// client is dropped as too slow to read.
pub(super) async fn write_loop<W: AsyncWrite + Unpin>(
    mut tx: WebSocketWrite<W>,
    mut ctrl: mpsc::Receiver<Control>,
    metrics: Arc<Metrics>,
    mut shutdown: watch::Receiver<Phase>,
    write_timeout: Duration,
    inputs: Arc<InputBuffer>,
) {
    let mut out = Out {
        tx: &mut tx,
        metrics: &metrics,
        deadline: write_timeout,
    };
    let mut session: Option<Joinedness> = None;
    // The last view written to this socket, and the one written before it: the client holds
    // both, so deltas are against the first and may predict motion from the second.
    let mut baseline: Option<SentView> = None;
    let mut previous: Option<SentView> = None;
    let mut last_tick: Option<tickwire_protocol::Tick> = None;
    let mut scoreboard_version = 0;
    let mut match_end_version = 0;
    let mut board: Option<BoardReceiver> = None;
    let mut last_event = 0;
    let mut buf = Vec::with_capacity(4096);
    // During a drain: when to send the next countdown notice.
    let mut next_notice: Option<(Instant, Instant)> = None;
    let result: Result<(), WebSocketError> = async {
        loop {
            tokio::select! {
                biased;
                c = ctrl.recv() => match c {
                    Some(Control::Joined { joined, frames }) => {
                        let seat = Some((joined.slot, joined.entity));
                        session = Some(welcome(&mut out, &joined.welcome, seat, frames, &mut last_event, &mut match_end_version).await?);
                    }
                    Some(Control::Watching { welcome: w, frames }) => {
                        session = Some(welcome(&mut out, &w, None, frames, &mut last_event, &mut match_end_version).await?);
                    }
                    Some(Control::Message(bytes)) => {
                        out.binary(&bytes).await?;
                        out.flush().await?;
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
                        out.write(Frame::new(true, opcode, None, Payload::Owned(payload))).await?;
                        out.flush().await?;
                    }
                    Some(Control::End(ending)) => {
                        send_close(&mut out, ending.code, ending.reason, ending.kick).await?;
                        return Ok(());
                    }
                    None => return Ok(()),
                },
                changed = shutdown.changed() => {
                    let phase = *shutdown.borrow_and_update();
                    match (changed, phase) {
                        (Ok(()), Phase::Serving) => {}
                        (Ok(()), Phase::Draining(deadline)) => {
                            send_notice(&mut out, deadline).await?;
                            next_notice = (deadline > Instant::now() + LAST_NOTICE)
                                .then(|| (deadline - LAST_NOTICE, deadline));
                        }
                        _ => {
                            send_close(&mut out, close::GOING_AWAY, "the server is shutting down".into(), true).await?;
                            return Ok(());
                        }
                    }
                }
                () = inputs.replaced() => {
                    let why = "this seat was resumed on another connection".to_string();
                    send_close(&mut out, close::SESSION_REPLACED, why, true).await?;
                    return Ok(());
                }
                changed = next_board(&mut board) => {
                    if changed.is_err() {
                        board = None;
                        continue;
                    }
                    let latest = board.as_mut().and_then(|b| b.borrow_and_update().clone());
                    if let Some(bytes) = latest {
                        out.binary(&bytes).await?;
                        out.flush().await?;
                    }
                }
                _ = notice_due(next_notice) => {
                    if let Some((_, deadline)) = next_notice.take() {
                        send_notice(&mut out, deadline).await?;
                    }
                }
                changed = next_frame(&mut session) => {
                    if changed.is_err() {
                        send_close(&mut out, close::GOING_AWAY, "the room closed".into(), true).await?;
                        return Ok(());
                    }
                    let Some(s) = session.as_mut() else { continue };
                    let Some(frame) = s.frames.borrow_and_update().clone() else { continue };
                    if let Some(t) = last_tick {
                        let skipped = (frame.tick().since(t) / s.ticks_per_snapshot.max(1)).saturating_sub(1);
                        metrics.snapshots_skipped.inc_by(u64::from(skipped));
                    }
                    last_tick = Some(frame.tick());
                    if frame.scoreboard.0 != scoreboard_version {
                        out.binary(&frame.scoreboard.1).await?;
                        scoreboard_version = frame.scoreboard.0;
                    }
                    if frame.match_end.0 != match_end_version {
                        if !frame.match_end.1.is_empty() {
                            out.binary(&frame.match_end.1).await?;
                        }
                        match_end_version = frame.match_end.0;
                    }
                    let (since, slot) = (last_event, s.seat.map(|(slot, _)| slot));
                    for e in frame.events.iter().filter(|e| e.seq > since) {
                        if e.is_for(slot) {
                            out.binary(&e.bytes).await?;
                        }
                        last_event = e.seq;
                    }
                    if let Some(fixed) = &frame.fixed {
                        out.binary(fixed).await?;
                        out.flush().await?;
                        metrics.snapshots_sent.inc();
                        continue;
                    }
                    let view = match s.seat {
                        Some((_, entity)) => frame.view_for(entity, baseline.as_ref().and_then(|b| b.key.cell)),
                        None => frame.whole_view(),
                    };
                    let (body, cache) = frame.delta_for(baseline.as_ref(), previous.as_ref(), &view, &metrics);
                    match cache {
                        CacheUse::Hit => metrics.encode_cache_hits.inc(),
                        CacheUse::Miss => metrics.encode_cache_misses.inc(),
                    };
                    let ack = s.seat.and_then(|(slot, _)| frame.acks.get(slot).copied()).unwrap_or_default();
                    buf.clear();
                    // A full snapshot names its schema; a delta is read in its baseline's.
                    let schema = baseline.is_none().then(|| frame.schema.hash());
                    codec::write_snapshot(ack, schema, &body, &mut buf);
                    out.binary(&buf).await?;
                    out.flush().await?;
                    metrics.snapshots_sent.inc();
                    previous = baseline.replace(view);
                }
            }
        }
    }
    .await;
    if let Err(e) = result {
        if matches!(e, WebSocketError::IoError(ref io) if io.kind() == std::io::ErrorKind::TimedOut)
        {
            metrics.count_close(CloseReason::Slow);
            tracing::warn!("client too slow to read; dropped");
        } else {
            tracing::debug!(error = %e, "session write ended");
        }
    }
}

/// Sends the welcome and sets the session up to send snapshots from `frames`, starting with the
/// newest (a full one: a new session has no baseline).
async fn welcome<W: AsyncWrite + Unpin>(
    out: &mut Out<'_, W>,
    welcome: &tickwire_protocol::Welcome,
    seat: Option<(usize, tickwire_protocol::EntityId)>,
    mut frames: FrameReceiver,
    last_event: &mut u64,
    match_end_version: &mut u64,
) -> Result<Joinedness, WebSocketError> {
    let mut bytes = Vec::new();
    if codec::encode_server(&ServerMsg::Welcome(Box::new(welcome.clone())), &mut bytes).is_ok() {
        out.binary(&bytes).await?;
        out.flush().await?;
    }
    // Events from before the join are not this session's news.
    if let Some(f) = frames.borrow_and_update().as_ref() {
        *last_event = f.events.last().map_or(0, |e| e.seq);
        *match_end_version = f.match_end.0;
    }
    frames.mark_changed();
    let ticks_per_snapshot = u32::from(welcome.tick_rate) / u32::from(welcome.snapshot_rate.max(1));
    Ok(Joinedness {
        seat,
        frames,
        ticks_per_snapshot,
    })
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
async fn send_notice<W: AsyncWrite + Unpin>(
    out: &mut Out<'_, W>,
    deadline: Instant,
) -> Result<(), WebSocketError> {
    let left = deadline.saturating_duration_since(Instant::now());
    let seconds = u16::try_from(left.as_millis().div_ceil(1000)).unwrap_or(u16::MAX);
    let text = format!("The server is restarting; this match ends in {seconds} s");
    let mut bytes = Vec::new();
    if codec::encode_server(
        &ServerMsg::Notice(Notice::new(&text, Some(seconds))),
        &mut bytes,
    )
    .is_ok()
    {
        out.binary(&bytes).await?;
        out.flush().await?;
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

/// Waits for the room's next frame; never resolves before the player has joined.
async fn next_frame(session: &mut Option<Joinedness>) -> Result<(), watch::error::RecvError> {
    match session {
        Some(s) => s.frames.changed().await,
        None => std::future::pending().await,
    }
}

/// Sends a close frame with `code` and `reason` (cut to fit a control frame), and before it a
/// `Kick` message when `kick` is set and the code is not a normal close.
async fn send_close<W: AsyncWrite + Unpin>(
    out: &mut Out<'_, W>,
    code: u16,
    mut reason: String,
    kick: bool,
) -> Result<(), WebSocketError> {
    truncate_utf8(&mut reason, 120);
    let mut bytes = Vec::new();
    let message = ServerMsg::Kick(Kick {
        code,
        reason: reason.clone(),
    });
    if kick && code != close::NORMAL && codec::encode_server(&message, &mut bytes).is_ok() {
        out.binary(&bytes).await?;
    }
    out.write(Frame::close(code, reason.as_bytes())).await?;
    out.flush().await
}

/// The socket with a deadline on every write, and byte counting.
struct Out<'a, W> {
    tx: &'a mut WebSocketWrite<W>,
    metrics: &'a Metrics,
    deadline: Duration,
}

impl<W: AsyncWrite + Unpin> Out<'_, W> {
    async fn binary(&mut self, bytes: &[u8]) -> Result<(), WebSocketError> {
        self.metrics.bytes_out.inc_by(bytes.len() as u64);
        self.write(Frame::binary(Payload::Borrowed(bytes))).await
    }

    async fn write(&mut self, frame: Frame<'_>) -> Result<(), WebSocketError> {
        // A timed-out write leaves the stream mid-frame; the session ends right after, so the
        // broken stream is never written to again.
        tokio::time::timeout(self.deadline, self.tx.write_frame(frame))
            .await
            .map_err(|_| timed_out())?
    }

    async fn flush(&mut self) -> Result<(), WebSocketError> {
        tokio::time::timeout(self.deadline, self.tx.flush())
            .await
            .map_err(|_| timed_out())?
    }
}

fn timed_out() -> WebSocketError {
    WebSocketError::IoError(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "write timed out",
    ))
}

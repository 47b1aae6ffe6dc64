//! `SessionOutlet`: the one way out of a session. Everything the server sends a client is
//! framed into the outlet's buffer and written from there, by whichever of two writers gets
//! to it: the room's fan-out pass, which writes a snapshot only when the socket takes it at
//! once, or the session's own task, which waits (up to the write deadline) for the socket.
//!
//! Whole frames go into the buffer under its lock, so the two never interleave; the buffer
//! holds at most what one turn queued, because nobody queues more until it has been written
//! (a slow client skips snapshots instead).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker, ready};
use std::time::Duration;

use fastwebsockets::{Frame, OpCode, Payload};
use parking_lot::Mutex;
use tokio::io::AsyncWrite;
use tokio::sync::Notify;

use super::feed::Feed;
use crate::rooms::fan_out::Outlet;
use crate::rooms::snapshot::SnapshotFrame;
use crate::telemetry::metrics::Metrics;
use crate::telemetry::send_tally::SendTally;

/// Largest WebSocket frame head the server writes (no mask: 2, 4 or 10 bytes).
const MAX_HEAD: usize = 10;

/// A buffer this large is given back once written, not kept for the next turn.
const KEEP_BUFFER: usize = 64 * 1024;

/// Frames `payload` as one unmasked WebSocket message of `opcode` at the end of `out`.
pub(super) fn push_frame(out: &mut Vec<u8>, opcode: OpCode, payload: &[u8]) {
    let mut head = [0; MAX_HEAD];
    let n = Frame::new(true, opcode, None, Payload::Borrowed(payload)).fmt_head(&mut head);
    out.reserve(n + payload.len());
    out.extend_from_slice(&head[..n]);
    out.extend_from_slice(payload);
}

/// Why a session's writing ended early.
#[derive(Debug)]
pub(super) enum Stop {
    /// The socket failed, or did not take the bytes within the write deadline (`TimedOut`).
    Io(io::Error),
    /// The session's room stopped.
    RoomClosed,
}

/// A session's socket write half with the bytes waiting for it.
pub(super) struct Wire<W> {
    io: W,
    /// Framed bytes not yet taken by the socket: `out[sent..]`.
    out: Vec<u8>,
    sent: usize,
    /// The socket took bytes since its last flush (a TLS stream may still hold them).
    unflushed: bool,
    /// What the session has been sent of the room, once it is in one.
    pub(super) feed: Option<Feed>,
    /// A close frame is queued: nothing more goes after it.
    closing: bool,
    /// The pass's write failed; the session's task ends with it.
    failed: Option<io::Error>,
    room_closed: bool,
}

impl<W: AsyncWrite + Unpin> Wire<W> {
    /// Queues a binary message, counting its payload as sent.
    pub(super) fn binary(&mut self, bytes: &[u8], metrics: &Metrics) {
        if !self.closing {
            metrics.bytes_out.inc_by(bytes.len() as u64);
            push_frame(&mut self.out, OpCode::Binary, bytes);
        }
    }

    /// Queues a frame as it is (a WebSocket pong, an echo, a close with `last`).
    pub(super) fn frame(&mut self, opcode: OpCode, payload: &[u8], last: bool) {
        if !self.closing {
            push_frame(&mut self.out, opcode, payload);
            self.closing = last;
        }
    }

    /// True when every queued byte is written and flushed.
    fn is_idle(&self) -> bool {
        self.out.is_empty() && !self.unflushed
    }

    /// Writes the queued bytes and flushes them; pending while the socket is full.
    fn poll_send(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.out.len() {
            let n = ready!(Pin::new(&mut self.io).poll_write(cx, &self.out[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
            self.unflushed = true;
        }
        if self.out.capacity() > KEEP_BUFFER {
            self.out = Vec::new();
        }
        self.out.clear();
        self.sent = 0;
        if self.unflushed {
            ready!(Pin::new(&mut self.io).poll_flush(cx))?;
            self.unflushed = false;
        }
        Poll::Ready(Ok(()))
    }

    /// Queues the room's newest frame when this session has not been sent it; false when
    /// there is none to send.
    fn queue_newest(&mut self, tally: &mut SendTally) -> bool {
        if self.closing {
            return false;
        }
        let Some(feed) = self.feed.as_mut() else {
            return false;
        };
        let Some(frame) = feed.newest_unsent() else {
            return false;
        };
        feed.queue(&frame, &mut self.out, tally);
        true
    }

    /// The pass's turn: queues and writes `frame` if the socket is free and takes it without
    /// waiting. False when the session's own task must finish (or make) the write.
    fn deliver(&mut self, frame: &SnapshotFrame, tally: &mut SendTally) -> bool {
        let idle = self.is_idle();
        let Some(feed) = self.feed.as_mut() else {
            return true;
        };
        if self.closing || self.failed.is_some() || self.room_closed {
            return true;
        }
        if !idle {
            // The session's task is writing; it sends the newest frame when done.
            return false;
        }
        feed.queue(frame, &mut self.out, tally);
        match self.poll_send(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(Ok(())) => true,
            Poll::Ready(Err(e)) => {
                self.failed = Some(e);
                false
            }
            Poll::Pending => false,
        }
    }
}

/// A session's outlet: its wire behind a lock, and the wake-up for its own task.
pub(super) struct SessionOutlet<W> {
    wire: Mutex<Wire<W>>,
    wake: Notify,
    metrics: Arc<Metrics>,
}

impl<W: AsyncWrite + Unpin + Send> SessionOutlet<W> {
    /// An outlet writing to `io`, not yet in a room.
    pub(super) fn new(io: W, metrics: Arc<Metrics>) -> SessionOutlet<W> {
        SessionOutlet {
            wire: Mutex::new(Wire {
                io,
                out: Vec::with_capacity(4096),
                sent: 0,
                unflushed: false,
                feed: None,
                closing: false,
                failed: None,
                room_closed: false,
            }),
            wake: Notify::new(),
            metrics,
        }
    }

    /// Changes the wire (to queue messages) under its lock.
    pub(super) fn with<T>(&self, f: impl FnOnce(&mut Wire<W>) -> T) -> T {
        f(&mut self.wire.lock())
    }

    /// Resolves when the pass hands this session a write to finish, or its room stops.
    pub(super) async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Writes everything queued, waiting for the socket at most `deadline`.
    pub(super) async fn flush(&self, deadline: Duration) -> Result<(), Stop> {
        let send = std::future::poll_fn(|cx| self.wire.lock().poll_send(cx));
        match tokio::time::timeout(deadline, send).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(Stop::Io(e)),
            Err(_) => Err(Stop::Io(io::Error::new(
                io::ErrorKind::TimedOut,
                "write timed out",
            ))),
        }
    }

    /// Writes what is queued, then the room's newest frame until the session has been sent
    /// it: the session's own task's turn, after a wake-up from the pass or a new frame.
    pub(super) async fn catch_up(&self, deadline: Duration) -> Result<(), Stop> {
        loop {
            {
                let mut wire = self.wire.lock();
                if let Some(e) = wire.failed.take() {
                    return Err(Stop::Io(e));
                }
                if wire.room_closed {
                    return Err(Stop::RoomClosed);
                }
            }
            self.flush(deadline).await?;
            let mut tally = SendTally::default();
            let queued = self.wire.lock().queue_newest(&mut tally);
            tally.add_to(&self.metrics);
            if !queued {
                return Ok(());
            }
        }
    }
}

impl<W: AsyncWrite + Unpin + Send> Outlet for SessionOutlet<W> {
    fn offer(&self, frame: &Arc<SnapshotFrame>, tally: &mut SendTally) {
        let delivered = match self.wire.try_lock() {
            Some(mut wire) => wire.deliver(frame, tally),
            None => false,
        };
        if !delivered {
            tally.handed_over += 1;
            self.wake.notify_one();
        }
    }

    fn room_closed(&self) {
        self.wire.lock().room_closed = true;
        self.wake.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[test]
    fn frames_are_unmasked_binary_messages_with_the_shortest_length() {
        for (len, head) in [(5usize, 2usize), (126, 4), (70_000, 10)] {
            let mut out = Vec::new();
            push_frame(&mut out, OpCode::Binary, &vec![7; len]);
            assert_eq!(out.len(), head + len);
            assert_eq!(out[0], 0x82);
            assert_eq!(out[1] & 0x80, 0, "a server frame is never masked");
        }
    }

    #[tokio::test]
    async fn a_full_socket_leaves_the_write_to_the_session_which_finishes_it() {
        let metrics = Arc::new(Metrics::default());
        let (client, server) = tokio::io::duplex(64);
        let outlet = SessionOutlet::new(server, metrics);
        outlet.with(|w| w.binary(&[1; 200], &Metrics::default()));
        // A pipe of 64 bytes takes part of it: the rest waits for the session's own write.
        let first = outlet.with(|w| w.poll_send(&mut Context::from_waker(Waker::noop())));
        assert!(first.is_pending());
        let reading = tokio::spawn(async move {
            let mut client = client;
            let mut got = vec![0; 202];
            client.read_exact(&mut got).await.map(|_| got)
        });
        outlet.flush(Duration::from_secs(5)).await.expect("flushed");
        let got = reading.await.expect("joined").expect("read");
        assert_eq!(&got[..2], &[0x82, 126]);
        assert!(outlet.with(|w| w.is_idle()));
    }

    #[tokio::test]
    async fn a_reader_that_never_reads_ends_the_session_at_the_deadline() {
        let (_client, server) = tokio::io::duplex(16);
        let outlet = SessionOutlet::new(server, Arc::new(Metrics::default()));
        outlet.with(|w| w.binary(&[0; 100], &Metrics::default()));
        let stop = outlet.flush(Duration::from_millis(20)).await;
        assert!(matches!(stop, Err(Stop::Io(e)) if e.kind() == io::ErrorKind::TimedOut));
    }

    #[test]
    fn nothing_is_queued_after_a_close() {
        let (_client, server) = tokio::io::duplex(1024);
        let outlet = SessionOutlet::new(server, Arc::new(Metrics::default()));
        outlet.with(|w| {
            w.frame(OpCode::Close, &[3, 232], true);
            w.binary(&[1, 2, 3], &Metrics::default());
            assert_eq!(w.out.len(), 4);
        });
    }
}

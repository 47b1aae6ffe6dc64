//! The link conditioner's plumbing: with `--sim-latency` and friends, a session reads and
//! writes an in-memory pipe, and two pump tasks move the bytes between that pipe and the real
//! socket, each chunk released when its `DelaySchedule` says. Off, the session uses the socket
//! itself (`Link::Direct`) and none of this runs.
//!
//! Bounded: each pump holds at most `MAX_CHUNKS` chunks of at most `CHUNK_BYTES` on its way, and
//! the pipe `PIPE_BYTES`; past that it stops reading, so a client that reads slowly meets a full
//! pipe exactly as it would a full socket (the writer skips snapshots, then its write deadline).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream, ReadBuf};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::link_sim::{DelaySchedule, LinkSim};
use crate::telemetry::metrics::Metrics;

/// Bytes read from one side in one go.
const CHUNK_BYTES: usize = 4096;
/// Chunks held on their way, per direction.
const MAX_CHUNKS: usize = 64;
/// The in-memory pipe's buffer, per direction.
const PIPE_BYTES: usize = 64 * 1024;

/// One half of a session's stream: the socket itself, or the conditioned pipe.
pub(super) enum Link<D> {
    /// The socket, unconditioned.
    Direct(D),
    /// The pipe whose other end a pump serves.
    Delayed(DuplexStream),
}

impl<D: AsyncRead + Unpin> AsyncRead for Link<D> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Link::Direct(d) => Pin::new(d).poll_read(cx, buf),
            Link::Delayed(p) => Pin::new(p).poll_read(cx, buf),
        }
    }
}

impl<D: AsyncWrite + Unpin> AsyncWrite for Link<D> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Link::Direct(d) => Pin::new(d).poll_write(cx, buf),
            Link::Delayed(p) => Pin::new(p).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Link::Direct(d) => Pin::new(d).poll_flush(cx),
            Link::Delayed(p) => Pin::new(p).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Link::Direct(d) => Pin::new(d).poll_shutdown(cx),
            Link::Delayed(p) => Pin::new(p).poll_shutdown(cx),
        }
    }
}

/// The two pumps of a conditioned session.
pub(super) struct Pumps {
    /// Client to server.
    pub(super) inbound: JoinHandle<()>,
    /// Server to client; it ends once the writer has closed its end and every byte left.
    pub(super) outbound: JoinHandle<()>,
}

/// Wraps a socket's read and write halves: directly when `sim` is off, else through pipes and
/// pumps (started here, on the current runtime).
pub(super) fn wrap<R, W>(
    read: R,
    write: W,
    sim: LinkSim,
    seed: u64,
    metrics: &Arc<Metrics>,
) -> (Link<R>, Link<W>, Option<Pumps>)
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    if sim.is_off() {
        return (Link::Direct(read), Link::Direct(write), None);
    }
    let start = Instant::now();
    let (session_in, pump_in) = tokio::io::duplex(PIPE_BYTES);
    let (session_out, pump_out) = tokio::io::duplex(PIPE_BYTES);
    let inbound = tokio::spawn(pump(
        read,
        pump_in,
        DelaySchedule::new(sim, start, seed),
        metrics.clone(),
    ));
    let outbound = tokio::spawn(pump(
        pump_out,
        write,
        DelaySchedule::new(sim, start, seed.rotate_left(17) ^ 0x9e37_79b9),
        metrics.clone(),
    ));
    (
        Link::Delayed(session_in),
        Link::Delayed(session_out),
        Some(Pumps { inbound, outbound }),
    )
}

/// Moves bytes from `from` to `to`, each chunk no sooner than its schedule says, in order.
/// Ends when `from` ends (after delivering what it holds) or either side fails.
async fn pump<R, W>(mut from: R, mut to: W, mut schedule: DelaySchedule, metrics: Arc<Metrics>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let (tx, mut rx) = mpsc::channel::<(Instant, Vec<u8>)>(MAX_CHUNKS);
    let read = async move {
        loop {
            let mut chunk = vec![0; CHUNK_BYTES];
            let n = match from.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            chunk.truncate(n);
            let release = schedule.release_at(Instant::now());
            metrics.netcode.bytes_delayed.inc_by(n as u64);
            if release.stalled {
                metrics.netcode.chunks_stalled.inc();
            }
            let item = match tx.try_send((release.at, chunk)) {
                Ok(()) => continue,
                Err(mpsc::error::TrySendError::Full(item)) => item,
                Err(mpsc::error::TrySendError::Closed(_)) => break,
            };
            // Full: stop reading until a chunk leaves, as a full socket would.
            metrics.netcode.queue_full.inc();
            if tx.send(item).await.is_err() {
                break;
            }
        }
    };
    let write = async move {
        while let Some((at, chunk)) = rx.recv().await {
            tokio::time::sleep_until(at).await;
            if to.write_all(&chunk).await.is_err() || to.flush().await.is_err() {
                return;
            }
        }
        let _ = to.shutdown().await;
    };
    tokio::join!(read, write);
}

//! `SessionIo`: the byte stream under a session's WebSocket. A plain TCP connection is taken
//! back from hyper after the upgrade (`PacedSocket`), so that a seated player's reads can wait
//! for its room's call ([`ReadCall`]) instead of waking for every input; a TLS connection stays
//! hyper's upgraded stream and is read as its bytes come.

use std::io::{self, Read};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use parking_lot::Mutex;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_util::either::Either;

use super::socket_option::set_receive_low_water;
use crate::inputs::read_call::{Called, Caller, ReadCall};

/// Bytes a paced socket holds before it wakes its reader without waiting for the room's call:
/// more than a tick's inputs (an arena input is about 20 bytes on the wire), and less than a
/// ping, which clients pad past it ([`tickwire_protocol::PING_PAD_BYTES`]) so that it is
/// answered as soon as it arrives.
pub(crate) const RECEIVE_LOW_WATER: usize = 192;
const _: () = assert!(RECEIVE_LOW_WATER < tickwire_protocol::PING_PAD_BYTES);

/// Most bytes one read at the room's call takes; a socket holding more is read again at once.
/// The read's buffer is zeroed first (a safe read needs it initialised), so it is kept near
/// what a call finds: under the low-water mark, or the socket would have woken its reader.
const CALLED_READ_BYTES: usize = 512;
const _: () = assert!(CALLED_READ_BYTES > RECEIVE_LOW_WATER);

/// Where a session's reader puts its room's call once it is seated as a player, and the
/// socket's place in that call.
#[derive(Debug, Default)]
pub(crate) struct ReadSeat {
    call: OnceLock<Arc<ReadCall>>,
    caller: Mutex<Caller>,
    /// The session is ending: the socket is read as its bytes come from now on.
    ending: AtomicBool,
}

impl ReadSeat {
    /// From now on the socket is read at `call`'s calls (once; a later call is ignored).
    pub(crate) fn pace(&self, call: Arc<ReadCall>) {
        let _ = self.call.set(call);
    }

    /// The session is ending (its close is on its way): what remains to read, the client's
    /// close above all, is read as it comes, not at the next tick, and the room no longer
    /// waits for this reader.
    pub(crate) fn end_pacing(&self) {
        self.ending.store(true, Ordering::Relaxed);
        self.leave();
    }

    /// The reader is done: it answers a call it owes and is not called again, so that the
    /// room does not wait for a reader that is gone while its socket still closes.
    pub(crate) fn leave(&self) {
        if let Some(call) = self.call.get() {
            call.leave(&mut self.caller.lock());
        }
    }
}

/// Leaves its seat's call when dropped: held by the session's reader task, so that the call
/// stops counting the reader as soon as it ends (or is aborted), not when the socket closes.
pub(crate) struct LeavesSeat(pub(crate) Arc<ReadSeat>);

impl Drop for LeavesSeat {
    fn drop(&mut self) {
        self.0.leave();
    }
}

/// A session's connection: plain TCP, which the session reads itself (left), or anything else
/// hyper upgraded (TLS, right).
pub(crate) type SessionIo = Either<PacedSocket, TokioIo<Upgraded>>;

/// The connection of an upgraded request; `seat` is how its reader paces a plain one.
pub(crate) fn session_io(upgraded: Upgraded, seat: Arc<ReadSeat>) -> SessionIo {
    match upgraded.downcast::<TokioIo<TcpStream>>() {
        Ok(parts) => Either::Left(PacedSocket::new(
            parts.io.into_inner(),
            parts.read_buf,
            seat,
        )),
        Err(upgraded) => Either::Right(TokioIo::new(upgraded)),
    }
}

/// A plain TCP connection whose reads, once its session is seated, wait for the room's call or
/// for a batch past [`RECEIVE_LOW_WATER`], whichever comes first.
pub(crate) struct PacedSocket {
    tcp: TcpStream,
    /// What hyper read past the upgrade request: read before the socket.
    early: Bytes,
    seat: Arc<ReadSeat>,
    /// The room's call, once the socket is paced.
    call: Option<Arc<ReadCall>>,
    /// Called, and reading until the socket is empty.
    draining: bool,
    /// The room stopped calling: the socket is read as its bytes come for good.
    unpaced: bool,
}

impl PacedSocket {
    /// `tcp`, whose first bytes are `early`, paced once `seat` is given a call.
    fn new(tcp: TcpStream, early: Bytes, seat: Arc<ReadSeat>) -> PacedSocket {
        PacedSocket {
            tcp,
            early,
            seat,
            call: None,
            draining: false,
            unpaced: false,
        }
    }

    /// Starts pacing when the reader has been seated since the last read.
    fn take_seat(&mut self) {
        if self.seat.ending.load(Ordering::Relaxed) {
            if !self.unpaced {
                self.unpace();
            }
            return;
        }
        if self.call.is_some() || self.unpaced {
            return;
        }
        let Some(call) = self.seat.call.get() else {
            return;
        };
        match set_receive_low_water(&self.tcp, RECEIVE_LOW_WATER) {
            Ok(()) => self.call = Some(call.clone()),
            // Read as the bytes come, as before; the session is no worse off.
            Err(e) => tracing::debug!(error = %e, "the receive low-water mark was not set"),
        }
    }

    /// The room stopped calling, or the session is ending: reads wait for the socket alone.
    fn unpace(&mut self) {
        self.draining = false;
        self.unpaced = true;
        if self.call.take().is_none() {
            return;
        }
        self.seat.leave();
        // Lowering the mark signals bytes already waiting, so none are left unread.
        if let Err(e) = set_receive_low_water(&self.tcp, 1) {
            tracing::debug!(error = %e, "the receive low-water mark was not reset");
        }
    }

    fn poll_read_paced(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            if self.draining {
                let want = buf.remaining().min(CALLED_READ_BYTES);
                if want == 0 {
                    return Poll::Ready(Ok(()));
                }
                let socket = socket2::SockRef::from(&self.tcp);
                match (&*socket).read(buf.initialize_unfilled_to(want)) {
                    Ok(n) => {
                        // A short read emptied the socket; a full one may have left more.
                        self.draining = n == want;
                        buf.advance(n);
                        return Poll::Ready(Ok(()));
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.draining = false,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Poll::Ready(Err(e)),
                }
            }
            let Some(call) = self.call.as_ref() else {
                return Pin::new(&mut self.tcp).poll_read(cx, buf);
            };
            let called = call.poll_call(&mut self.seat.caller.lock(), cx);
            match called {
                Poll::Ready(Called::Read) => self.draining = true,
                Poll::Ready(Called::Closed) => {
                    self.unpace();
                    return Pin::new(&mut self.tcp).poll_read(cx, buf);
                }
                // Waiting for the call, and for the socket: a batch past the low-water mark, or
                // its end, wakes the reader at once.
                Poll::Pending => return Pin::new(&mut self.tcp).poll_read(cx, buf),
            }
        }
    }
}

impl Drop for PacedSocket {
    fn drop(&mut self) {
        if self.call.take().is_some() {
            self.seat.leave();
        }
    }
}

impl AsyncRead for PacedSocket {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.early.has_remaining() {
            let n = buf.remaining().min(this.early.len());
            buf.put_slice(&this.early[..n]);
            this.early.advance(n);
            return Poll::Ready(Ok(()));
        }
        this.take_seat();
        this.poll_read_paced(cx, buf)
    }
}

impl AsyncWrite for PacedSocket {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().tcp).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A read of `socket` that has not finished within 100 ms: `None`.
    async fn read_soon(socket: &mut PacedSocket) -> Option<Vec<u8>> {
        let mut buf = vec![0; 1024];
        let read = tokio::time::timeout(Duration::from_millis(100), socket.read(&mut buf));
        let n = read.await.ok()?.expect("read");
        Some(buf[..n].to_vec())
    }

    #[test]
    fn a_reader_that_ended_is_not_waited_for() {
        let call = Arc::new(ReadCall::default());
        let seat = Arc::new(ReadSeat::default());
        seat.pace(call.clone());
        let mut cx = Context::from_waker(std::task::Waker::noop());
        assert!(
            call.poll_call(&mut seat.caller.lock(), &mut cx)
                .is_pending()
        );
        drop(LeavesSeat(seat.clone()));
        assert_eq!(call.call(), 0, "nobody waits");
    }

    /// `n` bytes of `socket`, each read finishing within 100 ms (no call is needed).
    async fn read_all(socket: &mut PacedSocket, n: usize) -> Vec<u8> {
        let mut got = Vec::new();
        while got.len() < n {
            got.extend(read_soon(socket).await.expect("read without a call"));
        }
        got
    }

    /// A connected client and the server's end of it as a paced socket whose hyper read
    /// `early` ahead, with its seat.
    async fn pair(early: &'static [u8]) -> (TcpStream, PacedSocket, Arc<ReadSeat>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let client = TcpStream::connect(listener.local_addr().expect("addr"))
            .await
            .expect("connect");
        let (server, _) = listener.accept().await.expect("accept");
        let seat = Arc::new(ReadSeat::default());
        let socket = PacedSocket::new(server, Bytes::from_static(early), seat.clone());
        (client, socket, seat)
    }

    #[tokio::test]
    async fn an_ending_session_reads_what_waits_without_a_call() {
        let (mut client, mut socket, seat) = pair(b"").await;
        let call = Arc::new(ReadCall::default());
        seat.pace(call.clone());
        assert_eq!(read_soon(&mut socket).await, None);
        // The client's close reply, under the mark: held while the session plays on...
        client
            .write_all(&[0x88, 0x82, 0, 0, 0, 0, 3, 232])
            .await
            .expect("write");
        assert_eq!(read_soon(&mut socket).await, None);
        // ...and read at once when it is ending, with no call.
        seat.end_pacing();
        assert_eq!(read_soon(&mut socket).await.map(|b| b.len()), Some(8));
        assert_eq!(call.call(), 0, "the room no longer waits for it");
    }

    #[tokio::test]
    async fn a_paced_socket_reads_small_messages_at_the_call_and_a_batch_at_once() {
        let (mut client, mut socket, seat) = pair(b"early").await;
        // Before it is seated: what hyper read first, then bytes as they come.
        assert_eq!(read_soon(&mut socket).await.as_deref(), Some(&b"early"[..]));
        client.write_all(b"hello").await.expect("write");
        assert_eq!(read_soon(&mut socket).await.as_deref(), Some(&b"hello"[..]));

        let call = Arc::new(ReadCall::default());
        seat.pace(call.clone());
        // Seated: nothing waits in the socket, and a small message waits for the call.
        assert_eq!(read_soon(&mut socket).await, None);
        client.write_all(&[1; 40]).await.expect("write");
        assert_eq!(
            read_soon(&mut socket).await,
            None,
            "an input waits for the call"
        );
        let mut buf = vec![0; 1024];
        let reading = socket.read(&mut buf);
        let called = async {
            // The reader waits for the call; then it is made.
            while call.call() == 0 {
                tokio::task::yield_now().await;
            }
        };
        let (n, ()) = tokio::join!(reading, called);
        assert_eq!(n.expect("read"), 40, "the call reads what waited");
        // Past the low-water mark, a batch is read without a call.
        client.write_all(&[2; 300]).await.expect("write");
        assert_eq!(read_all(&mut socket, 300).await, vec![2; 300]);
        // More than one called read takes, waiting at a call: all of it is read, on from the
        // call or as the socket's readiness says.
        client.write_all(&[3; 1300]).await.expect("write");
        call.call();
        assert_eq!(read_all(&mut socket, 1300).await, vec![3; 1300]);
        // The room stopped (or the session is ending): bytes are read as they come again.
        call.close();
        client.write_all(b"after").await.expect("write");
        assert_eq!(read_soon(&mut socket).await.as_deref(), Some(&b"after"[..]));
        drop(client);
        assert_eq!(
            read_soon(&mut socket).await.as_deref(),
            Some(&b""[..]),
            "the end"
        );
    }
}

//! `CappedRead`: a reader that returns at most a fixed number of bytes per read.
//!
//! fastwebsockets reads into a growable buffer with all the spare room it has, and grows it
//! when a frame needs more; a connection whose reader is behind finds the kernel full and its
//! buffer ends up as large as everything queued. Capping each read keeps that buffer near the
//! largest frame plus the cap, however far behind the reader is.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, ReadBuf};

/// Wraps a reader so that one `poll_read` fills at most `cap` bytes.
pub struct CappedRead<R> {
    inner: R,
    cap: usize,
}

impl<R> CappedRead<R> {
    /// A reader over `inner` that returns at most `cap` bytes (at least one) per read.
    pub fn new(inner: R, cap: usize) -> CappedRead<R> {
        CappedRead {
            inner,
            cap: cap.max(1),
        }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for CappedRead<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        // Zeroing the part handed down keeps this free of `unsafe`; it is small next to the
        // decoding that follows every read.
        let cap = self.cap.min(buf.remaining());
        let mut part = ReadBuf::new(buf.initialize_unfilled_to(cap));
        let ready = Pin::new(&mut self.inner).poll_read(cx, &mut part);
        let filled = part.filled().len();
        buf.advance(filled);
        ready
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[tokio::test]
    async fn reads_are_capped_and_nothing_is_lost() {
        let data: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        let mut r = CappedRead::new(&data[..], 3000);
        let mut buf = vec![0u8; 8192];
        let n = r.read(&mut buf).await.expect("read");
        assert_eq!(n, 3000);
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).await.expect("read");
        assert_eq!([&buf[..n], &rest[..]].concat(), data);
    }
}

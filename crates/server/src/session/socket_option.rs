//! The one socket option the server sets that no safe wrapper offers: `SO_RCVLOWAT`.

use std::io;
use std::os::fd::AsRawFd;

/// Sets `socket`'s receive low-water mark: readiness (and the wake-up it brings) waits until
/// `bytes` are queued, or the stream ends or fails. Linux honours it for TCP since 4.18; where
/// it is refused the error says so and the caller reads as before.
pub(crate) fn set_receive_low_water(socket: &impl AsRawFd, bytes: usize) -> io::Result<()> {
    let value = libc::c_int::try_from(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "low-water mark too large"))?;
    let len = libc::socklen_t::try_from(std::mem::size_of::<libc::c_int>())
        .map_err(|_| io::Error::other("socklen_t"))?;
    // SAFETY: `socket` is an open descriptor borrowed for the call; the option's value is a
    // c_int that lives across it, and `len` is its size, as setsockopt(2) requires.
    #[allow(unsafe_code)]
    let rc = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVLOWAT,
            std::ptr::from_ref(&value).cast::<libc::c_void>(),
            len,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn a_socket_is_readable_only_once_the_mark_is_reached() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let mut client = tokio::net::TcpStream::connect(listener.local_addr().expect("addr"))
            .await
            .expect("connect");
        let (server, _) = listener.accept().await.expect("accept");
        set_receive_low_water(&server, 200).expect("set");
        let mut buf = [0; 512];
        // tokio takes a new stream for ready until a read finds it empty.
        let empty = server.try_read(&mut buf).map_err(|e| e.kind());
        assert_eq!(empty, Err(std::io::ErrorKind::WouldBlock));
        client.write_all(&[7; 150]).await.expect("write");
        // 150 bytes queued, under the mark: no readiness.
        let early = tokio::time::timeout(Duration::from_millis(100), server.readable()).await;
        assert!(early.is_err(), "readable under the mark");
        client.write_all(&[7; 50]).await.expect("write");
        tokio::time::timeout(Duration::from_secs(10), server.readable())
            .await
            .expect("readable at the mark")
            .expect("readiness");
        assert_eq!(server.try_read(&mut buf).expect("read"), 200);
    }
}

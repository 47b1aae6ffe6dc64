//! The client side of the WebSocket upgrade, written out by hand so that a refusal is read in
//! full: the status and the first line of the body the server says why in (`429 too many
//! connections from your address`), which a generic client drops.

use fastwebsockets::{Role, WebSocket, handshake};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::failure::JoinFailure;

/// Largest answer head (status line and headers) read, in bytes.
const MAX_HEAD: usize = 8 * 1024;
/// Most bytes of a refusal's body kept for its reason.
const MAX_BODY: usize = 512;

/// Sends `GET path` with the upgrade headers to `host` on `stream` and reads the answer. A `101`
/// with `Upgrade: websocket` gives the WebSocket (client role); anything else is the failure it
/// names. The caller bounds the time.
pub(crate) async fn upgrade(
    mut stream: TcpStream,
    host: &str,
    path: &str,
) -> Result<WebSocket<TcpStream>, JoinFailure> {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {}\r\nSec-WebSocket-Version: 13\r\n\r\n",
        handshake::generate_key()
    );
    // A server past a connection limit writes its refusal and closes before reading anything:
    // the write may then fail, but the answer can still be waiting to be read.
    let written = stream.write_all(request.as_bytes()).await;
    let mut buf = Vec::with_capacity(1024);
    let head_end = loop {
        if let Some(end) = find_head_end(&buf) {
            break end;
        }
        if buf.len() >= MAX_HEAD {
            return Err(JoinFailure::Other("upgrade answer head too long".into()));
        }
        let mut chunk = [0u8; 1024];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) if buf.is_empty() => {
                return Err(match written {
                    Err(e) if e.kind() != std::io::ErrorKind::ConnectionReset => {
                        JoinFailure::Other(format!("sending the upgrade: {e}"))
                    }
                    _ => JoinFailure::ResetBeforeAnswer,
                });
            }
            Ok(0) | Err(_) => return Err(JoinFailure::Other("upgrade answer cut short".into())),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let status = parse_status(&head)
        .ok_or_else(|| JoinFailure::Other("the upgrade answer is not HTTP/1.1".into()))?;
    if status != 101 {
        let mut body = buf[head_end..].to_vec();
        // The refusal is short and comes in one write: one more read, bounded, for the rest.
        if body.len() < MAX_BODY && !body.contains(&b'\n') {
            let mut chunk = [0u8; MAX_BODY];
            if let Ok(Ok(n)) = tokio::time::timeout(
                std::time::Duration::from_millis(200),
                stream.read(&mut chunk),
            )
            .await
            {
                body.extend_from_slice(&chunk[..n]);
            }
        }
        return Err(JoinFailure::Http {
            status,
            body: first_line(&body),
        });
    }
    if buf.len() > head_end {
        // The server speaks only after our Hello: bytes here mean something else answered.
        return Err(JoinFailure::Other(
            "bytes after the upgrade answer, before Hello".into(),
        ));
    }
    if !header_is(&head, "upgrade", "websocket") {
        return Err(JoinFailure::Other("101 without Upgrade: websocket".into()));
    }
    let mut ws = WebSocket::after_handshake(stream, Role::Client);
    ws.set_auto_close(true);
    ws.set_auto_pong(true);
    Ok(ws)
}

/// The index just past the blank line that ends the head, when it has arrived.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

/// The status code of an `HTTP/1.1 NNN ...` status line.
fn parse_status(head: &str) -> Option<u16> {
    let line = head.lines().next()?;
    let mut parts = line.split_ascii_whitespace();
    if !parts.next()?.starts_with("HTTP/1.") {
        return None;
    }
    parts.next()?.parse().ok()
}

/// Whether header `name` (any case) has `value` (any case) among its comma-separated values.
fn header_is(head: &str, name: &str, value: &str) -> bool {
    head.lines().skip(1).any(|line| {
        line.split_once(':').is_some_and(|(n, v)| {
            n.trim().eq_ignore_ascii_case(name)
                && v.split(',').any(|v| v.trim().eq_ignore_ascii_case(value))
        })
    })
}

/// The first line of a body, as text, trimmed and at most [`MAX_BODY`] bytes long.
fn first_line(body: &[u8]) -> String {
    let body = &body[..body.len().min(MAX_BODY)];
    String::from_utf8_lossy(body)
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    #[test]
    fn reads_status_and_headers() {
        let head =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\nConnection: upgrade\r\n\r\n";
        assert_eq!(parse_status(head), Some(101));
        assert!(header_is(head, "upgrade", "websocket"));
        assert!(!header_is(head, "sec-websocket-accept", "x"));
        assert_eq!(parse_status("SSH-2.0\r\n\r\n"), None);
        assert_eq!(find_head_end(b"HTTP/1.1 200 OK\r\n\r\nbody"), Some(19));
        assert_eq!(first_line(b"  too many\nmore"), "too many");
    }

    /// A listener that answers every connection at once with `answer` and closes, without
    /// reading the request: what the server does past a connection limit.
    async fn refusing(answer: &'static [u8]) -> std::net::SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                let _ = s.write_all(answer).await;
            }
        });
        addr
    }

    #[tokio::test]
    async fn a_refusal_names_its_status_and_body() {
        let addr = refusing(
            b"HTTP/1.1 429 Too Many Requests\r\ncontent-length: 39\r\nconnection: close\r\n\r\n\
              too many connections from your address\n",
        )
        .await;
        let stream = TcpStream::connect(addr).await.expect("connect");
        let Err(e) = upgrade(stream, "x", "/ws").await else {
            panic!("a refusal taken for an upgrade");
        };
        assert_eq!(
            e,
            JoinFailure::Http {
                status: 429,
                body: "too many connections from your address".into()
            }
        );
        assert!(
            e.hint()
                .is_some_and(|h| h.contains("--max-connections-per-ip"))
        );
    }
}

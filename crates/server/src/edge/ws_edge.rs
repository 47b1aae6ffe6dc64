//! The strict edge of the WebSocket endpoint: which upgrade requests are accepted, and which close
//! code each kind of frame error earns (RFC 6455, section 7.4.1).

use fastwebsockets::WebSocketError;
use hyper::header::{CONNECTION, HeaderMap, HeaderValue, UPGRADE};
use hyper::{Method, Request, StatusCode};
use tickwire_protocol::close;

/// Why an upgrade request was refused: the status and a short explanation for the body.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    /// 400 for a malformed request, 426 for a WebSocket version other than 13.
    pub status: StatusCode,
    /// Human-readable reason.
    pub reason: &'static str,
}

/// Checks that `req` is a well-formed RFC 6455 upgrade request, before any 101 is sent.
///
/// fastwebsockets' own upgrade helper checks only the key's presence and the version, so the rest
/// is checked here: method, `Upgrade: websocket`, `Connection: upgrade`, and the key's form.
pub fn check_upgrade<B>(req: &Request<B>) -> Result<(), Refusal> {
    let refuse = |reason| {
        Err(Refusal {
            status: StatusCode::BAD_REQUEST,
            reason,
        })
    };
    if req.method() != Method::GET {
        return refuse("a WebSocket upgrade must be a GET request");
    }
    let headers = req.headers();
    if !has_token(headers, UPGRADE, "websocket") {
        return refuse("missing 'Upgrade: websocket' header");
    }
    if !has_token(headers, CONNECTION, "upgrade") {
        return refuse("missing 'Connection: upgrade' header");
    }
    match headers
        .get("sec-websocket-version")
        .map(HeaderValue::as_bytes)
    {
        Some(b"13") => {}
        _ => {
            return Err(Refusal {
                status: StatusCode::UPGRADE_REQUIRED,
                reason: "only WebSocket version 13 is supported",
            });
        }
    }
    match headers.get("sec-websocket-key") {
        Some(key) if is_valid_key(key.as_bytes()) => Ok(()),
        Some(_) => refuse("Sec-WebSocket-Key must be 16 bytes in base64"),
        None => refuse("missing Sec-WebSocket-Key header"),
    }
}

fn has_token(headers: &HeaderMap, name: hyper::header::HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|v| {
        v.to_str().is_ok_and(|s| {
            s.split(',')
                .any(|part| part.trim().eq_ignore_ascii_case(token))
        })
    })
}

/// A key is 16 random bytes in base64: 22 base64 characters and "==".
fn is_valid_key(key: &[u8]) -> bool {
    key.len() == 24
        && key.ends_with(b"==")
        && key[..22]
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
}

/// The close code and reason a frame error earns, or `None` when the connection is already gone
/// and nothing can be sent.
pub fn close_for(err: &WebSocketError) -> Option<(u16, &'static str)> {
    use WebSocketError as E;
    Some(match err {
        E::InvalidUTF8 => (close::INVALID_PAYLOAD, "invalid UTF-8"),
        E::FrameTooLarge => (close::MESSAGE_TOO_BIG, "message too large"),
        E::ReservedBitsNotZero => (close::PROTOCOL_ERROR, "reserved bits set"),
        E::ControlFrameFragmented => (close::PROTOCOL_ERROR, "fragmented control frame"),
        E::PingFrameTooLarge => (close::PROTOCOL_ERROR, "ping payload over 125 bytes"),
        E::InvalidFragment | E::InvalidContinuationFrame => {
            (close::PROTOCOL_ERROR, "bad fragmentation")
        }
        E::InvalidCloseFrame | E::InvalidCloseCode => (close::PROTOCOL_ERROR, "bad close frame"),
        E::InvalidValue => (close::PROTOCOL_ERROR, "unknown opcode"),
        _ => return None,
    })
}

/// Whether a frame read from a client was masked. fastwebsockets keeps the mask (after
/// unmasking the payload) but does not expose it; its header, as the frame would be written
/// back, carries the mask bit.
pub fn is_masked(frame: &mut fastwebsockets::Frame<'_>) -> bool {
    // The longest header: 2 bytes, an 8-byte length and a 4-byte mask.
    let mut head = [0u8; 14];
    frame.fmt_head(&mut head);
    head[1] & 0x80 != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: Method, headers: &[(&str, &str)]) -> Request<()> {
        let mut b = Request::builder().method(method).uri("/ws");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).expect("request")
    }

    const GOOD: &[(&str, &str)] = &[
        ("upgrade", "websocket"),
        ("connection", "keep-alive, Upgrade"),
        ("sec-websocket-version", "13"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];

    #[test]
    fn accepts_a_good_request() {
        assert_eq!(check_upgrade(&req(Method::GET, GOOD)), Ok(()));
    }

    #[test]
    fn refuses_bad_ones() {
        assert_eq!(
            check_upgrade(&req(Method::POST, GOOD)).map_err(|r| r.status),
            Err(StatusCode::BAD_REQUEST)
        );
        let mut v = GOOD.to_vec();
        v[2] = ("sec-websocket-version", "8");
        assert_eq!(
            check_upgrade(&req(Method::GET, &v)).map_err(|r| r.status),
            Err(StatusCode::UPGRADE_REQUIRED)
        );
        let mut v = GOOD.to_vec();
        v[3] = ("sec-websocket-key", "short");
        assert!(check_upgrade(&req(Method::GET, &v)).is_err());
        assert!(check_upgrade(&req(Method::GET, &GOOD[1..])).is_err());
        assert!(check_upgrade(&req(Method::GET, &GOOD[..3])).is_err());
    }
}

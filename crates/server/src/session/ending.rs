//! `Ending`: how a session ends, and what its client is told.

use crate::telemetry::metrics::CloseReason;

/// How the reader ended, and what the writer should tell the client: always a close frame with
/// `code` and `reason`, and before it a `Kick` message when `kick` is set (game sessions only).
/// `dropped` is set when the connection dropped rather than the player leaving (the socket
/// failed or ended without a close, or the client closed with a code other than 1000) or was
/// closed for flooding, rather than the player leaving: the room may then hold the seat for a
/// resume. `peer_closed` is set when the client's last frame was a close: the closing handshake
/// is then complete once ours is sent, and the connection closes at once (RFC 6455 5.5.1),
/// without waiting for a reply that will not come.
#[derive(Debug)]
pub(super) struct Ending {
    pub(crate) code: u16,
    pub(crate) reason: String,
    pub(crate) kick: bool,
    pub(crate) count: Option<CloseReason>,
    pub(crate) dropped: bool,
    pub(crate) peer_closed: bool,
}

impl Ending {
    /// An ending that is not the client's fault: a close with `code` and no reason, no `Kick`,
    /// not counted.
    pub(crate) fn quiet(code: u16) -> Ending {
        Ending {
            code,
            reason: String::new(),
            kick: false,
            count: None,
            dropped: false,
            peer_closed: false,
        }
    }

    /// The connection dropped (the socket failed or ended without a close frame): a quiet
    /// ending whose seat may be held.
    pub(crate) fn dropped() -> Ending {
        Ending {
            dropped: true,
            ..Ending::quiet(tickwire_protocol::close::NORMAL)
        }
    }

    /// The client closed with `code`: it left when the code is 1000, and its connection dropped
    /// otherwise (a browser closing a tab or losing the network says 1001 or nothing).
    pub(crate) fn client_closed(code: u16) -> Ending {
        Ending {
            dropped: code != tickwire_protocol::close::NORMAL,
            peer_closed: true,
            ..Ending::quiet(code)
        }
    }

    pub(crate) fn kick(code: u16, reason: impl Into<String>, count: CloseReason) -> Ending {
        Ending {
            code,
            reason: reason.into(),
            kick: true,
            count: Some(count),
            dropped: false,
            peer_closed: false,
        }
    }
}

/// Cuts `s` to at most `max` bytes on a character boundary.
pub(crate) fn truncate_utf8(s: &mut String, max: usize) {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_respects_characters() {
        let mut s = "ééé".to_string();
        truncate_utf8(&mut s, 3);
        assert_eq!(s, "é");
    }
}

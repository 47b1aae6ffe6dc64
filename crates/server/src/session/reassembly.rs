//! `Reassembler`: RFC 6455 messages out of client frames, sans IO.
//!
//! fastwebsockets parses frame headers; everything after that is decided here, so that every
//! rule of RFC 6455 sections 5.4 to 5.6 and 7.4 is one pure state machine with its own tests:
//! fragmentation (a new data frame inside a fragmented message, a continuation without a start),
//! the message size cap across fragments, UTF-8 checked incrementally across fragments (a
//! sequence cut off at the end of a message fails), control frames (at most 125 bytes, never
//! fragmented), close frames (payload, code and reason validated) and the client mask bit.

/// RFC 6455 opcodes.
pub(crate) mod opcode {
    /// A continuation of a fragmented message.
    pub(crate) const CONTINUATION: u8 = 0x0;
    /// The first frame of a text message.
    pub(crate) const TEXT: u8 = 0x1;
    /// The first frame of a binary message.
    pub(crate) const BINARY: u8 = 0x2;
    /// Close.
    pub(crate) const CLOSE: u8 = 0x8;
    /// Ping.
    pub(crate) const PING: u8 = 0x9;
    /// Pong.
    pub(crate) const PONG: u8 = 0xA;
}

/// The payload a control frame may carry (RFC 6455 5.5).
pub(crate) const MAX_CONTROL_PAYLOAD: usize = 125;

const PROTOCOL_ERROR: u16 = tickwire_protocol::close::PROTOCOL_ERROR;
const INVALID_PAYLOAD: u16 = tickwire_protocol::close::INVALID_PAYLOAD;
const MESSAGE_TOO_BIG: u16 = tickwire_protocol::close::MESSAGE_TOO_BIG;

/// One frame as read from a client, already unmasked.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FrameIn<'a> {
    pub(crate) fin: bool,
    pub(crate) opcode: u8,
    pub(crate) payload: &'a [u8],
    pub(crate) masked: bool,
}

/// What one frame leads to.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// Nothing to do yet: a fragment was stored, or a pong arrived.
    Pending,
    /// A whole message; a text one is valid UTF-8.
    Message {
        /// Whether it was a text message.
        text: bool,
        /// Its bytes.
        payload: Vec<u8>,
    },
    /// A ping: answer with a pong carrying this payload.
    Pong(Vec<u8>),
    /// The client closed with a valid close frame: reply with this code, then end.
    Closed(u16),
    /// The client broke the protocol: close with this code and reason.
    Violation(u16, &'static str),
}

/// A message being reassembled.
struct Partial {
    text: bool,
    buf: Vec<u8>,
    /// How much of `buf` is known to be valid UTF-8 (text only); the rest is at most the start
    /// of one sequence that the next fragment may complete.
    valid: usize,
}

/// Messages out of frames, with a cap on a message's total size.
pub(crate) struct Reassembler {
    max: usize,
    partial: Option<Partial>,
}

impl Reassembler {
    /// A reassembler that refuses messages over `max` bytes, fragmented or not.
    pub(crate) fn new(max: usize) -> Reassembler {
        Reassembler { max, partial: None }
    }

    /// Bytes held for a message not yet complete (its buffer's capacity); never over the cap.
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        self.partial.as_ref().map_or(0, |p| p.buf.capacity())
    }

    /// Takes one frame. After a `Closed` or `Violation` the session ends; nothing more is read.
    pub(crate) fn push(&mut self, frame: FrameIn<'_>) -> Event {
        // RFC 6455 5.1: a server must close the connection on an unmasked client frame.
        if !frame.masked {
            return Event::Violation(PROTOCOL_ERROR, "client frames must be masked");
        }
        match frame.opcode {
            opcode::CLOSE | opcode::PING | opcode::PONG => control(frame),
            opcode::TEXT | opcode::BINARY => {
                if self.partial.is_some() {
                    return Event::Violation(PROTOCOL_ERROR, "new message inside a fragmented one");
                }
                self.partial = Some(Partial {
                    text: frame.opcode == opcode::TEXT,
                    buf: Vec::new(),
                    valid: 0,
                });
                self.append(frame)
            }
            opcode::CONTINUATION if self.partial.is_none() => {
                Event::Violation(PROTOCOL_ERROR, "continuation without a message")
            }
            opcode::CONTINUATION => self.append(frame),
            _ => Event::Violation(PROTOCOL_ERROR, "unknown opcode"),
        }
    }

    /// Adds a data frame to the message being reassembled (which exists).
    fn append(&mut self, frame: FrameIn<'_>) -> Event {
        let Some(p) = self.partial.as_mut() else {
            return Event::Violation(PROTOCOL_ERROR, "continuation without a message");
        };
        let needed = p.buf.len().saturating_add(frame.payload.len());
        if needed > self.max {
            self.partial = None;
            return Event::Violation(MESSAGE_TOO_BIG, "message too large");
        }
        if p.buf.capacity() < needed {
            // Grow geometrically, but never past the cap.
            let target = needed.max(p.buf.capacity() * 2).min(self.max);
            p.buf.reserve_exact(target - p.buf.len());
        }
        p.buf.extend_from_slice(frame.payload);
        if p.text {
            match std::str::from_utf8(&p.buf[p.valid..]) {
                Ok(_) => p.valid = p.buf.len(),
                // The end may be the start of a sequence the next fragment completes.
                Err(e) if e.error_len().is_none() => p.valid += e.valid_up_to(),
                Err(_) => return Event::Violation(INVALID_PAYLOAD, "invalid UTF-8"),
            }
        }
        if !frame.fin {
            return Event::Pending;
        }
        let Some(p) = self.partial.take() else {
            return Event::Pending;
        };
        if p.text && p.valid != p.buf.len() {
            return Event::Violation(INVALID_PAYLOAD, "invalid UTF-8 at the end of a message");
        }
        Event::Message {
            text: p.text,
            payload: p.buf,
        }
    }
}

/// A close, ping or pong (which may come between the fragments of a message).
fn control(frame: FrameIn<'_>) -> Event {
    if !frame.fin {
        return Event::Violation(PROTOCOL_ERROR, "fragmented control frame");
    }
    if frame.payload.len() > MAX_CONTROL_PAYLOAD {
        return Event::Violation(PROTOCOL_ERROR, "control frame over 125 bytes");
    }
    match frame.opcode {
        opcode::PING => Event::Pong(frame.payload.to_vec()),
        opcode::CLOSE => close_reply(frame.payload),
        _ => Event::Pending,
    }
}

/// Validates a close frame's payload (RFC 6455 5.5.1, 7.4): empty, or a code and UTF-8 reason.
fn close_reply(payload: &[u8]) -> Event {
    match payload {
        [] => Event::Closed(tickwire_protocol::close::NORMAL),
        [_] => Event::Violation(PROTOCOL_ERROR, "close payload of one byte"),
        [hi, lo, reason @ ..] => {
            let code = u16::from_be_bytes([*hi, *lo]);
            if !is_valid_close_code(code) {
                Event::Violation(PROTOCOL_ERROR, "invalid close code")
            } else if std::str::from_utf8(reason).is_err() {
                Event::Violation(INVALID_PAYLOAD, "invalid UTF-8 in the close reason")
            } else {
                Event::Closed(code)
            }
        }
    }
}

/// Whether a peer may send `code` in a close frame: the codes RFC 6455 and IANA assign for use on
/// the wire, and the ranges for libraries (3000-3999) and applications (4000-4999).
pub(crate) fn is_valid_close_code(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn frame(fin: bool, opcode: u8, payload: &[u8]) -> FrameIn<'_> {
        FrameIn {
            fin,
            opcode,
            payload,
            masked: true,
        }
    }

    fn message(text: bool, payload: &[u8]) -> Event {
        Event::Message {
            text,
            payload: payload.to_vec(),
        }
    }

    #[test]
    fn fragments_with_pings_between_make_one_message() {
        let mut r = Reassembler::new(100);
        assert_eq!(r.push(frame(false, opcode::BINARY, b"ab")), Event::Pending);
        assert_eq!(
            r.push(frame(true, opcode::PING, b"p")),
            Event::Pong(b"p".to_vec())
        );
        assert_eq!(
            r.push(frame(false, opcode::CONTINUATION, b"")),
            Event::Pending
        );
        assert_eq!(r.push(frame(true, opcode::PONG, b"x")), Event::Pending);
        assert_eq!(
            r.push(frame(true, opcode::CONTINUATION, b"cd")),
            message(false, b"abcd")
        );
        assert_eq!(r.held(), 0);
    }

    #[test]
    fn fragmentation_errors_are_protocol_errors() {
        let mut r = Reassembler::new(100);
        assert_eq!(
            r.push(frame(true, opcode::CONTINUATION, b"x")),
            Event::Violation(1002, "continuation without a message")
        );
        let mut r = Reassembler::new(100);
        r.push(frame(false, opcode::TEXT, b"a"));
        assert!(matches!(
            r.push(frame(true, opcode::BINARY, b"b")),
            Event::Violation(1002, _)
        ));
        for op in [3, 7, 0xB, 0xF] {
            assert!(matches!(
                Reassembler::new(100).push(frame(true, op, b"")),
                Event::Violation(1002, _)
            ));
        }
        let unmasked = FrameIn {
            masked: false,
            ..frame(true, opcode::BINARY, b"x")
        };
        assert!(matches!(
            Reassembler::new(100).push(unmasked),
            Event::Violation(1002, _)
        ));
    }

    #[test]
    fn the_cap_is_inclusive_and_covers_fragments() {
        let mut r = Reassembler::new(4);
        assert_eq!(
            r.push(frame(true, opcode::BINARY, b"abcd")),
            message(false, b"abcd")
        );
        assert!(matches!(
            r.push(frame(true, opcode::BINARY, b"abcde")),
            Event::Violation(1009, _)
        ));
        let mut r = Reassembler::new(4);
        r.push(frame(false, opcode::BINARY, b"abc"));
        assert!(matches!(
            r.push(frame(false, opcode::CONTINUATION, b"de")),
            Event::Violation(1009, _)
        ));
    }

    #[test]
    fn utf8_is_checked_across_fragments() {
        let euro = "€".as_bytes();
        let mut r = Reassembler::new(100);
        r.push(frame(false, opcode::TEXT, &euro[..1]));
        r.push(frame(false, opcode::CONTINUATION, &euro[1..2]));
        assert_eq!(
            r.push(frame(true, opcode::CONTINUATION, &euro[2..])),
            message(true, euro)
        );
        // Cut off at the very end.
        let mut r = Reassembler::new(100);
        r.push(frame(false, opcode::TEXT, b"ok"));
        assert!(matches!(
            r.push(frame(true, opcode::CONTINUATION, &euro[..2])),
            Event::Violation(1007, _)
        ));
        // Invalid in the middle fails at once, before the message ends.
        let mut r = Reassembler::new(100);
        assert!(matches!(
            r.push(frame(false, opcode::TEXT, &[b'a', 0xff, b'b'])),
            Event::Violation(1007, _)
        ));
        // Binary is not checked.
        assert_eq!(
            Reassembler::new(100).push(frame(true, opcode::BINARY, &[0xff])),
            message(false, &[0xff])
        );
    }

    #[test]
    fn control_frames_are_checked() {
        let big = [0u8; 126];
        for op in [opcode::PING, opcode::PONG, opcode::CLOSE] {
            assert!(matches!(
                Reassembler::new(100).push(frame(true, op, &big)),
                Event::Violation(1002, _)
            ));
            assert!(matches!(
                Reassembler::new(100).push(frame(false, op, b"")),
                Event::Violation(1002, _)
            ));
        }
        assert_eq!(
            Reassembler::new(100).push(frame(true, opcode::PING, &big[..125])),
            Event::Pong(vec![0; 125])
        );
    }

    #[test]
    fn close_frames_are_validated() {
        let close =
            |payload: &[u8]| Reassembler::new(100).push(frame(true, opcode::CLOSE, payload));
        assert_eq!(close(b""), Event::Closed(1000));
        assert!(matches!(close(&[3]), Event::Violation(1002, _)));
        for code in [1000u16, 1001, 1003, 1007, 1011, 3000, 3999, 4000, 4999] {
            assert_eq!(close(&code.to_be_bytes()), Event::Closed(code), "{code}");
        }
        for code in [
            0u16, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2999, 5000, 65535,
        ] {
            assert!(
                matches!(close(&code.to_be_bytes()), Event::Violation(1002, _)),
                "{code}"
            );
        }
        let mut long = 1000u16.to_be_bytes().to_vec();
        long.extend_from_slice(&[b'r'; 123]);
        assert_eq!(close(&long), Event::Closed(1000));
        assert!(matches!(
            close(&[0x03, 0xe8, 0xff]),
            Event::Violation(1007, _)
        ));
    }

    fn any_frame() -> impl Strategy<Value = (bool, u8, Vec<u8>, bool)> {
        (
            any::<bool>(),
            prop_oneof![8 => prop::sample::select(vec![0u8, 1, 2, 8, 9, 10]), 1 => 0u8..16],
            prop_oneof![
                4 => prop::collection::vec(any::<u8>(), 0..8),
                // Pieces of multi-byte UTF-8, so that text often stays valid across fragments.
                2 => prop::sample::select(vec!["€", "é", "ok", "𝄞"]).prop_flat_map(|s| {
                    let b = s.as_bytes().to_vec();
                    (0..=b.len()).prop_map(move |n| b[..n].to_vec())
                }),
                1 => prop::collection::vec(any::<u8>(), 0..200),
            ],
            prop::bool::weighted(0.98),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        /// Any frame sequence: never a panic, never more held than the cap, every message within
        /// the cap (and valid UTF-8 when text), every close code one that may be sent, and a close
        /// frame always ends the session.
        #[test]
        fn any_frames_end_in_a_message_an_action_or_a_close(
            frames in prop::collection::vec(any_frame(), 0..40),
            max in 1usize..64,
        ) {
            let mut r = Reassembler::new(max);
            for (fin, op, payload, masked) in &frames {
                let event = r.push(FrameIn { fin: *fin, opcode: *op, payload, masked: *masked });
                prop_assert!(r.held() <= max);
                match event {
                    Event::Pending => {}
                    Event::Message { text, payload } => {
                        prop_assert!(payload.len() <= max);
                        prop_assert!(!text || std::str::from_utf8(&payload).is_ok());
                    }
                    Event::Pong(p) => prop_assert!(p.len() <= MAX_CONTROL_PAYLOAD),
                    Event::Closed(code) => {
                        prop_assert!(is_valid_close_code(code));
                        return Ok(());
                    }
                    Event::Violation(code, reason) => {
                        prop_assert!([1002, 1007, 1009].contains(&code));
                        prop_assert!(reason.len() <= 123);
                        return Ok(());
                    }
                }
            }
            let end = r.push(frame(true, opcode::CLOSE, &[0x03, 0xe8]));
            prop_assert_eq!(end, Event::Closed(1000));
        }
    }
}

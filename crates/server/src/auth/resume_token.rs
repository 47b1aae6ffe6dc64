//! `ResumeToken`: what lets a player whose connection dropped take its seat back.
//!
//! A token names its room and carries 128 random bits from the operating system's generator
//! (ring's `SystemRandom`, the TLS provider's, so no second source of randomness). Written as
//! `ROOM-HEX` (`3-9f0c…`, 32 hex digits): the room number lets the lobby find the room, the
//! secret is what the room checks. A room holds one token per seat and replaces it on every
//! resume, so a token works once.

use std::fmt;

use ring::rand::{SecureRandom, SystemRandom};

/// Bytes of randomness in a token.
const SECRET_BYTES: usize = 16;

/// A seat's resume token.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ResumeToken {
    /// The room the seat is in.
    pub room: u32,
    secret: [u8; SECRET_BYTES],
}

impl ResumeToken {
    /// A fresh token for a seat in `room`; `None` if the system's generator fails (the seat is
    /// then not resumable).
    pub fn generate(room: u32) -> Option<ResumeToken> {
        let mut secret = [0u8; SECRET_BYTES];
        SystemRandom::new().fill(&mut secret).ok()?;
        Some(ResumeToken { room, secret })
    }

    /// A token with a chosen secret (tests drive rooms with known tokens).
    pub fn from_parts(room: u32, secret: [u8; SECRET_BYTES]) -> ResumeToken {
        ResumeToken { room, secret }
    }

    /// Whether `other` is this token, comparing every byte of the secret whatever the first
    /// difference (so that the time taken does not tell how much of a guess was right).
    pub fn matches(&self, other: &ResumeToken) -> bool {
        let diff = self
            .secret
            .iter()
            .zip(&other.secret)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        self.room == other.room && std::hint::black_box(diff) == 0
    }

    /// Reads a token as [`fmt::Display`] writes it; `None` for anything else.
    pub fn parse(text: &str) -> Option<ResumeToken> {
        let (room, hex) = text.split_once('-')?;
        if room.is_empty() || !room.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let room = room.parse().ok()?;
        if hex.len() != SECRET_BYTES * 2 {
            return None;
        }
        let mut secret = [0u8; SECRET_BYTES];
        for (byte, pair) in secret.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
            *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
        }
        Some(ResumeToken { room, secret })
    }
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

impl fmt::Display for ResumeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-", self.room)?;
        self.secret.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// Never shows the secret (tokens must stay out of logs).
impl fmt::Debug for ResumeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResumeToken(room {}, <secret>)", self.room)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_anything_else() {
        let t = ResumeToken::generate(7).expect("system randomness");
        let text = t.to_string();
        assert_eq!(text.len(), 2 + 32);
        assert_eq!(ResumeToken::parse(&text), Some(t));
        assert!(ResumeToken::parse(&text).is_some_and(|p| p.matches(&t)));
        assert!(!t.matches(&ResumeToken::from_parts(7, [0; 16])));
        assert!(!t.matches(&ResumeToken { room: 8, ..t }));
        assert_ne!(ResumeToken::generate(7), Some(t));
        assert!(!format!("{t:?}").contains(&text[2..]));
        for bad in [
            "",
            "7",
            "-00112233445566778899aabbccddeeff",
            "x-00112233445566778899aabbccddeeff",
            "7-00112233445566778899aabbccddeef",
            "7-00112233445566778899AABBCCDDEEFF",
            "7-00112233445566778899aabbccddeeff0",
            "+7-00112233445566778899aabbccddeeff",
            "99999999999-00112233445566778899aabbccddeeff",
        ] {
            assert_eq!(ResumeToken::parse(bad), None, "{bad}");
        }
    }
}

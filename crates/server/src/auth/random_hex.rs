//! `random_hex`: random bytes from the operating system's generator (ring's `SystemRandom`, the
//! TLS provider's, so no second source of randomness), written as lower-case hex.

use ring::rand::{SecureRandom, SystemRandom};

/// `bytes` random bytes as `2 * bytes` hex digits; `None` when the system has no randomness to
/// give.
pub(crate) fn random_hex(bytes: usize) -> Option<String> {
    let mut buf = vec![0u8; bytes];
    SystemRandom::new().fill(&mut buf).ok()?;
    Some(buf.iter().map(|b| format!("{b:02x}")).collect())
}

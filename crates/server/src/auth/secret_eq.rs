//! `secret_eq`: the one comparison for secrets (admin tokens, private room keys), in constant
//! time, so that how long a wrong guess takes says nothing about how close it was.

/// True when `a` and `b` are the same bytes. Both are hashed first, so the time taken depends
/// on neither their contents nor where they differ, and different lengths leak nothing more
/// than the hashing does.
pub(crate) fn secret_eq(a: &[u8], b: &[u8]) -> bool {
    let da = ring::digest::digest(&ring::digest::SHA256, a);
    let db = ring::digest::digest(&ring::digest::SHA256, b);
    digests_eq(da.as_ref(), db.as_ref())
}

/// Equal digests, compared without an early exit.
pub(crate) fn digests_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_only_when_the_same() {
        assert!(secret_eq(b"abc", b"abc"));
        assert!(!secret_eq(b"abc", b"abd"));
        assert!(!secret_eq(b"abc", b"abcd"));
        assert!(secret_eq(b"", b""));
    }
}

//! FNV-1a 64, the hash that guards a recording's header and each section.

/// The FNV-1a 64-bit hash of `bytes` (fixed forever, the same on every platform).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

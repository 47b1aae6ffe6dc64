//! `BitWriter` and `BitReader`: least-significant-bit-first bit packing, and the small integer
//! transforms the delta body uses (widths, zigzag).
//!
//! Hand-written rather than taken from a bit-IO crate: it is the decoder's inner loop (a 64-bit
//! accumulator refilled four bytes at a time, no per-bit branches), and the delta's size and
//! decode figures depend on it.

use crate::CodecError;

/// Appends bits to a byte vector, least significant bit first.
pub struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    n: u32,
}

impl<'a> BitWriter<'a> {
    /// A writer appending to `out`.
    pub fn new(out: &'a mut Vec<u8>) -> BitWriter<'a> {
        BitWriter { out, acc: 0, n: 0 }
    }

    /// Writes the low `bits` bits of `v` (`bits` at most 32).
    #[inline]
    pub fn put(&mut self, v: u32, bits: u32) {
        debug_assert!(bits <= 32);
        if bits == 0 {
            return;
        }
        let v = u64::from(v) & ((1u64 << bits) - 1);
        // Fewer than 32 bits are pending before this write, so the sum fits in 64.
        self.acc |= v << self.n;
        self.n += bits;
        if self.n >= 32 {
            self.out.extend_from_slice(&(self.acc as u32).to_le_bytes());
            self.acc >>= 32;
            self.n -= 32;
        }
    }

    /// Writes each of `values` in `w` bits (`0 < w < 32`), a value that does not fit below the
    /// all-ones code as that code and then the value as `varbits`: a block's values (see
    /// `crate::block`), with the pending bits held in registers between values.
    pub(crate) fn put_escaped(&mut self, values: &[u32], w: u32) {
        debug_assert!(w > 0 && w < 32);
        let escape = u32::MAX >> (32 - w);
        let (mut acc, mut n) = (self.acc, self.n);
        for &v in values {
            if v >= escape {
                (self.acc, self.n) = (acc, n);
                self.put(escape, w);
                self.varbits(v);
                (acc, n) = (self.acc, self.n);
                continue;
            }
            // Fewer than 32 bits are pending, so the sum fits in 64.
            acc |= u64::from(v) << n;
            n += w;
            if n >= 32 {
                self.out.extend_from_slice(&(acc as u32).to_le_bytes());
                acc >>= 32;
                n -= 32;
            }
        }
        (self.acc, self.n) = (acc, n);
    }

    /// Writes one bit.
    pub fn bit(&mut self, b: bool) {
        self.put(u32::from(b), 1);
    }

    /// Writes a value of any size: 6 bits of width, then that many bits.
    pub fn varbits(&mut self, v: u32) {
        let w = width(v);
        self.put(w, 6);
        self.put(v, w);
    }

    /// Flushes the pending bits, the last byte zero padded.
    pub fn finish(mut self) {
        while self.n > 0 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n = self.n.saturating_sub(8);
        }
    }
}

/// Reads bits written by [`BitWriter`].
pub struct BitReader<'a> {
    pub(crate) bytes: &'a [u8],
    pos: usize,
    acc: u64,
    n: u32,
}

impl<'a> BitReader<'a> {
    /// A reader over `bytes`.
    pub fn new(bytes: &'a [u8]) -> BitReader<'a> {
        BitReader {
            bytes,
            pos: 0,
            acc: 0,
            n: 0,
        }
    }

    /// Reads `bits` bits (at most 32).
    #[inline]
    pub fn get(&mut self, bits: u32) -> Result<u32, CodecError> {
        if self.n < bits {
            self.refill();
            if self.n < bits {
                return Err(CodecError::Invalid("delta body ends early"));
            }
        }
        let v = (self.acc & ((1u64 << bits) - 1)) as u32;
        self.acc >>= bits;
        self.n -= bits;
        Ok(v)
    }

    /// Tops the accumulator up to at least 56 bits where the input has them: whole bytes only,
    /// eight at a time away from the end of the input, so that the bits above `n` stay zero.
    #[inline]
    fn refill(&mut self) {
        if let Some(chunk) = self.bytes.get(self.pos..self.pos + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let take = (63 - self.n) / 8;
            let fresh = u64::from_le_bytes(word) & ((1u64 << (take * 8)) - 1);
            self.acc |= fresh << self.n;
            self.pos += take as usize;
            self.n += take * 8;
            return;
        }
        while self.n <= 56 {
            let Some(&b) = self.bytes.get(self.pos) else {
                return;
            };
            self.acc |= u64::from(b) << self.n;
            self.pos += 1;
            self.n += 8;
        }
    }

    /// Reads one bit.
    pub fn bit(&mut self) -> Result<bool, CodecError> {
        Ok(self.get(1)? == 1)
    }

    /// Reads a value written by [`BitWriter::varbits`].
    pub fn varbits(&mut self) -> Result<u32, CodecError> {
        let w = self.get(6)?;
        if w > 32 {
            return Err(CodecError::Invalid("bit width over 32"));
        }
        let v = self.get(w)?;
        if w > 0 && v >> (w - 1) != 1 {
            return Err(CodecError::Invalid("non-minimal width"));
        }
        Ok(v)
    }

    /// The position of the next unread bit, counted from the start of the input.
    pub(crate) fn position(&self) -> usize {
        self.pos * 8 - self.n as usize
    }

    /// Continues reading at bit `at` of the input (at most its length in bits).
    pub(crate) fn seek(&mut self, at: usize) {
        self.pos = at / 8;
        self.acc = 0;
        self.n = 0;
        let skip = (at % 8) as u32;
        if skip > 0
            && let Some(&b) = self.bytes.get(self.pos)
        {
            self.acc = u64::from(b) >> skip;
            self.n = 8 - skip;
            self.pos += 1;
        }
    }

    /// Bits not yet read.
    pub fn bits_left(&self) -> usize {
        (self.bytes.len() - self.pos) * 8 + self.n as usize
    }

    /// Checks that only zero padding (less than a byte) is left.
    pub fn finish(self) -> Result<(), CodecError> {
        // Whole unread bytes, whether still in the input or already in the accumulator, are
        // trailing; what is left of the last byte read must be zero padding.
        let unread = self.bytes.len() - self.pos + (self.n / 8) as usize;
        if unread != 0 {
            return Err(CodecError::TrailingBytes(unread));
        }
        if self.acc != 0 {
            return Err(CodecError::Invalid("non-zero padding"));
        }
        Ok(())
    }
}

/// Bits needed to write `v` (0 for 0).
#[inline]
pub fn width(v: u32) -> u32 {
    32 - v.leading_zeros()
}

/// Zigzag: small magnitudes of either sign become small unsigned values.
#[inline]
pub fn zigzag(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

/// The inverse of [`zigzag`].
pub fn unzigzag(v: u32) -> i32 {
    ((v >> 1) as i32) ^ -((v & 1) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_round_trip() {
        let mut out = Vec::new();
        let mut w = BitWriter::new(&mut out);
        w.put(5, 3);
        w.put(u32::MAX, 32);
        w.varbits(0);
        w.varbits(1000);
        w.bit(true);
        w.finish();
        let mut r = BitReader::new(&out);
        assert_eq!(r.get(3).expect("bits"), 5);
        assert_eq!(r.get(32).expect("bits"), u32::MAX);
        assert_eq!(r.varbits().expect("bits"), 0);
        assert_eq!(r.varbits().expect("bits"), 1000);
        assert!(r.bit().expect("bit"));
        r.finish().expect("clean end");
    }

    #[test]
    fn zigzag_round_trips() {
        for v in [0, 1, -1, 63, -64, i32::MAX, i32::MIN] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
    }
}

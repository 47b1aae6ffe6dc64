//! `BitWriter` and `BitReader`: least-significant-bit-first bit packing, and the adaptive-width
//! blocks the delta body is made of.

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
    bytes: &'a [u8],
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
    fn position(&self) -> usize {
        self.pos * 8 - self.n as usize
    }

    /// Continues reading at bit `at` of the input (at most its length in bits).
    fn seek(&mut self, at: usize) {
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
pub fn width(v: u32) -> u32 {
    32 - v.leading_zeros()
}

/// Zigzag: small magnitudes of either sign become small unsigned values.
pub fn zigzag(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

/// The inverse of [`zigzag`].
pub fn unzigzag(v: u32) -> i32 {
    ((v >> 1) as i32) ^ -((v & 1) as i32)
}

/// The width a block of `values` is written at and the block's size in bits (header included):
/// the width that makes the block smallest, values that do not fit being escaped (the all-ones
/// code, then the value as `varbits`).
pub fn best_width(values: &[u32]) -> (u32, u64) {
    let mut counts = [0u64; 33];
    let mut all_ones = [0u64; 33];
    // Bits of the escapes of every value wider than the width under consideration, starting
    // with width 0 (every non-zero value).
    let mut wider_bits: u64 = 0;
    let mut max_w = 0;
    for &v in values {
        let w = width(v);
        counts[w as usize] += 1;
        wider_bits += if w > 0 { 6 + u64::from(w) } else { 0 };
        max_w = max_w.max(w);
        // A value that is all ones at its own width collides with that width's escape code.
        if w > 0 && v == (u32::MAX >> (32 - w)) {
            all_ones[w as usize] += 1;
        }
    }
    let n = values.len() as u64;
    if max_w == 0 {
        return (0, 6);
    }
    let mut best = (32, 6 + n * 32);
    // Widths past the widest value only add bits (beyond the one that avoids its escape).
    for w in 1..=(max_w + 1).min(31) {
        let wu = u64::from(w);
        wider_bits -= counts[w as usize] * (6 + wu);
        let cost = 6 + n * wu + wider_bits + all_ones[w as usize] * (6 + wu);
        if cost < best.1 {
            best = (w, cost);
        }
    }
    best
}

/// Writes `values` as a block: 6 bits of width `w`, then each value in `w` bits, with escapes.
pub fn put_block(bw: &mut BitWriter<'_>, values: &[u32]) {
    put_block_at(bw, values, best_width(values).0);
}

/// [`put_block`] at a width already chosen by [`best_width`] for these values.
pub fn put_block_at(bw: &mut BitWriter<'_>, values: &[u32], w: u32) {
    bw.put(w, 6);
    if w == 0 {
        return;
    }
    let escape = u32::MAX >> (32 - w);
    for &v in values {
        if w == 32 || (width(v) <= w && v != escape) {
            bw.put(v, w);
        } else {
            bw.put(escape, w);
            bw.varbits(v);
        }
    }
}

/// Reads a block of `n` values written by [`put_block`].
pub fn get_block(br: &mut BitReader<'_>, n: usize, out: &mut Vec<u32>) -> Result<(), CodecError> {
    let w = br.get(6)?;
    if w > 32 {
        return Err(CodecError::Invalid("bit width over 32"));
    }
    // Every value costs at least `w` bits: refuse counts the input cannot hold before reserving.
    if (n as u64) * u64::from(w) > br.bits_left() as u64 {
        return Err(CodecError::Invalid("block longer than the body"));
    }
    out.clear();
    out.resize(n, 0);
    if w == 0 {
        return Ok(());
    }
    // The hot loop of every decoder. Away from the end of the input, each value is cut straight
    // out of the eight bytes around its bit position (w <= 32 and a shift of at most 7 fit in
    // 64 bits); escapes go out of line through the reader.
    let escape = u32::MAX >> (32 - w);
    let escapes = w < 32;
    let bytes = br.bytes;
    let mut at = br.position();
    let mut done = 0;
    for slot in out.iter_mut() {
        let Some(chunk) = bytes.get(at / 8..at / 8 + 8) else {
            break;
        };
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = (u64::from_le_bytes(word) >> (at % 8)) as u32 & escape;
        at += w as usize;
        *slot = if escapes && v == escape {
            br.seek(at);
            let e = escaped(br, w, escape)?;
            at = br.position();
            e
        } else {
            v
        };
        done += 1;
    }
    br.seek(at);
    // The last few values, near the end of the input, through the accumulator.
    for slot in out.iter_mut().skip(done) {
        let v = br.get(w)?;
        *slot = if escapes && v == escape {
            escaped(br, w, escape)?
        } else {
            v
        };
    }
    Ok(())
}

/// The value behind an escape code in a block of width `w`; refused when it would have fit.
#[cold]
fn escaped(br: &mut BitReader<'_>, w: u32, escape: u32) -> Result<u32, CodecError> {
    let e = br.varbits()?;
    if width(e) <= w && e != escape {
        return Err(CodecError::Invalid("needless escape"));
    }
    Ok(e)
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
    fn blocks_round_trip_with_escapes() {
        for values in [
            vec![],
            vec![0, 0, 0],
            vec![1, 2, 3, 7, 1000, 0, u32::MAX, 3],
            (0..100).map(|i| i % 9).chain([70_000]).collect(),
            vec![1; 40],
        ] {
            let mut out = Vec::new();
            let mut w = BitWriter::new(&mut out);
            put_block(&mut w, &values);
            w.finish();
            let mut r = BitReader::new(&out);
            let mut back = Vec::new();
            get_block(&mut r, values.len(), &mut back).expect("block");
            assert_eq!(back, values);
            r.finish().expect("clean end");
        }
    }

    #[test]
    fn zigzag_round_trips() {
        for v in [0, 1, -1, 63, -64, i32::MAX, i32::MIN] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
    }

    #[test]
    fn the_chosen_width_is_small_for_small_values() {
        let values: Vec<u32> = (0..1000).map(|i| i % 15).chain([1 << 20]).collect();
        assert_eq!(best_width(&values).0, 4);
    }
}

/// Writes a subset of the indices `0..n` (strictly increasing) as a bitmask or as a list of gaps,
/// whichever is smaller, behind one bit that says which.
pub fn put_subset(bw: &mut BitWriter<'_>, n: usize, indices: &[u32], scratch: &mut Vec<u32>) {
    scratch.clear();
    let mut next = 0u32;
    for &i in indices {
        scratch.push(i - next);
        next = i + 1;
    }
    let bitmask = (n as u64) <= 6 + u64::from(width(indices.len() as u32)) + best_width(scratch).1;
    if bitmask {
        bw.bit(false);
        let mut it = indices.iter().peekable();
        for i in 0..n as u32 {
            let hit = it.next_if(|&&x| x == i).is_some();
            bw.bit(hit);
        }
    } else {
        bw.bit(true);
        bw.varbits(indices.len() as u32);
        put_block(bw, scratch);
    }
}

/// Reads a subset written by [`put_subset`] into `out` (strictly increasing indices below `n`).
pub fn get_subset(
    br: &mut BitReader<'_>,
    n: usize,
    out: &mut Vec<u32>,
    scratch: &mut Vec<u32>,
) -> Result<(), CodecError> {
    out.clear();
    if !br.bit()? {
        if br.bits_left() < n {
            return Err(CodecError::Invalid("bitmask longer than the body"));
        }
        // 32 bits at a time, then each set bit by its position.
        let mut base = 0u32;
        let mut left = n as u32;
        while left > 0 {
            let take = left.min(32);
            let mut word = br.get(take)?;
            while word != 0 {
                out.push(base + word.trailing_zeros());
                word &= word - 1;
            }
            base += take;
            left -= take;
        }
        return Ok(());
    }
    let count = br.varbits()? as usize;
    if count > n {
        return Err(CodecError::Invalid("subset larger than its set"));
    }
    get_block(br, count, scratch)?;
    out.reserve(count);
    let mut next: u64 = 0;
    for &gap in scratch.iter() {
        let i = next + u64::from(gap);
        if i >= n as u64 {
            return Err(CodecError::Invalid("subset index out of range"));
        }
        out.push(i as u32);
        next = i + 1;
    }
    Ok(())
}

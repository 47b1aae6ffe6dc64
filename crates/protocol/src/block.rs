//! Adaptive-width blocks: a run of small unsigned values written at the one bit width that makes
//! the run smallest, with rare outliers escaped.

use crate::CodecError;
use crate::bits::{BitReader, BitWriter, width};

/// The width a block of `values` is written at and the block's size in bits (header included):
/// the width that makes the block smallest, values that do not fit being escaped (the all-ones
/// code, then the value as `varbits`).
pub fn best_width(values: &[u32]) -> (u32, u64) {
    let mut stats = WidthStats::default();
    for &v in values {
        stats.add(v);
    }
    stats.best()
}

/// What [`best_width`] needs to know of a block's values, gathered one value at a time, so that
/// an encoder can size a block while it makes the values (no second pass over them).
///
/// Adding a value only counts it by width (and whether it is all ones at its width): the sums
/// [`WidthStats::best`] needs are made from the 33 counts when asked, not on every value.
#[derive(Clone, Copy, Debug)]
pub struct WidthStats {
    /// Per width: how many values have it (low 32 bits), and how many of those are all ones
    /// at it (high 32 bits; at width 0: zeros, never read). One word, so that adding a value
    /// is one add to memory: the next value, often as wide, waits for one store, not two.
    cells: [u64; 33],
    /// Every value added, or'ed: no value is wider (removing one may leave it too wide).
    or: u32,
}

impl Default for WidthStats {
    fn default() -> WidthStats {
        WidthStats {
            cells: [0; 33],
            or: 0,
        }
    }
}

/// What a value adds to its width's cell: one, and one all-ones when it is all ones at its
/// own width (it then collides with that width's escape code).
#[inline(always)]
fn cell_of(v: u32) -> u64 {
    1 | (u64::from(v & v.wrapping_add(1) == 0) << 32)
}

impl WidthStats {
    /// Counts one more value of the block.
    #[inline(always)]
    pub fn add(&mut self, v: u32) {
        self.cells[width(v) as usize] += cell_of(v);
        self.or |= v;
    }

    /// Counts `count` more zeros.
    pub fn add_zeros(&mut self, count: u64) {
        self.cells[0] += u64::from(count as u32);
    }

    /// Takes back one value counted before: the stats of the block without it.
    #[inline]
    pub fn remove(&mut self, v: u32) {
        self.cells[width(v) as usize] -= cell_of(v);
    }

    /// How many values have width `w`.
    #[inline(always)]
    fn count(&self, w: u32) -> u64 {
        self.cells[w as usize] & u64::from(u32::MAX)
    }

    /// How many values of width `w` are all ones.
    #[inline(always)]
    fn all_ones(&self, w: u32) -> u64 {
        self.cells[w as usize] >> 32
    }

    /// The best width and the block's size in bits, as [`best_width`] gives them.
    #[inline]
    pub fn best(&self) -> (u32, u64) {
        // The count, the widest value and the escapes of every value at width 0.
        let mut n = self.count(0);
        let mut wider_bits = 0u64;
        let mut max_w = width(self.or);
        while max_w > 0 && self.count(max_w) == 0 {
            max_w -= 1;
        }
        for w in 1..=max_w {
            let c = self.count(w);
            n += c;
            wider_bits += c * (6 + u64::from(w));
        }
        if max_w == 0 {
            return (0, 6);
        }
        let mut best = (32, 6 + n * 32);
        // Widths past the widest value only add bits (beyond the one that avoids its escape).
        for w in 1..=(max_w + 1).min(31) {
            let wu = u64::from(w);
            wider_bits -= self.count(w) * (6 + wu);
            let cost = 6 + n * wu + wider_bits + self.all_ones(w) * (6 + wu);
            if cost < best.1 {
                best = (w, cost);
            }
        }
        best
    }
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
    if w >= 32 {
        for &v in values {
            bw.put(v, 32);
        }
        return;
    }
    // Below the all-ones code a value fits and is not the escape; from it on, it is escaped.
    bw.put_escaped(values, w);
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
    fn the_chosen_width_is_small_for_small_values() {
        let values: Vec<u32> = (0..1000).map(|i| i % 15).chain([1 << 20]).collect();
        assert_eq!(best_width(&values).0, 4);
    }
}

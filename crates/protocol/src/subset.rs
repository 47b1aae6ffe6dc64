//! Index subsets: which of a baseline's `n` entities a delta names, as a bitmask or a gap list,
//! whichever is smaller.

use crate::CodecError;
use crate::bits::{BitReader, BitWriter, width};
use crate::block::{best_width, get_block, put_block};

/// Writes a subset of the indices `0..n` (strictly increasing) as a bitmask or as a list of gaps,
/// whichever is smaller, behind one bit that says which.
pub fn put_subset(bw: &mut BitWriter<'_>, n: usize, indices: &[u32], scratch: &mut Vec<u32>) {
    let (bitmask, _) = subset_plan(n, indices, scratch);
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

/// How [`put_subset`] writes `indices`: whether as a bitmask, and its size in bits. Leaves the
/// gaps in `scratch`.
pub fn subset_plan(n: usize, indices: &[u32], scratch: &mut Vec<u32>) -> (bool, u64) {
    scratch.clear();
    let mut next = 0u32;
    for &i in indices {
        scratch.push(i - next);
        next = i + 1;
    }
    let list = 6 + u64::from(width(indices.len() as u32)) + best_width(scratch).1;
    if (n as u64) <= list {
        (true, 1 + n as u64)
    } else {
        (false, 1 + list)
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

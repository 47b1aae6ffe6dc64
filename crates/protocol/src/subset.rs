//! Index subsets: which of a baseline's `n` entities a delta names, as a bitmask or a gap list,
//! whichever is smaller.

use crate::CodecError;
use crate::bits::{BitReader, BitWriter, width};
use crate::block::{best_width, get_block, put_block_at};

/// Writes a subset of the indices `0..n` (strictly increasing) as a bitmask or as a list of gaps,
/// whichever is smaller, behind one bit that says which.
pub fn put_subset(bw: &mut BitWriter<'_>, n: usize, indices: &[u32], scratch: &mut Vec<u32>) {
    let plan = plan(n, indices, scratch);
    if plan.bitmask {
        bw.bit(false);
        // 32 indices at a time.
        let mut it = indices.iter().peekable();
        let mut base = 0u32;
        while (base as usize) < n {
            let take = (n as u32 - base).min(32);
            let mut word = 0u32;
            while let Some(&i) = it.next_if(|&&i| i < base + take) {
                word |= 1 << (i - base);
            }
            bw.put(word, take);
            base += take;
        }
    } else {
        bw.bit(true);
        bw.varbits(indices.len() as u32);
        if plan.all {
            // Every gap is zero: a block of width 0.
            bw.put(0, 6);
        } else {
            put_block_at(bw, scratch, plan.width);
        }
    }
}

/// How a subset is written.
struct Plan {
    /// As a bitmask (else as a gap list).
    bitmask: bool,
    /// Every index is in it (the gaps, all zero, are not in the scratch list).
    all: bool,
    /// The gap block's width.
    width: u32,
}

fn plan(n: usize, indices: &[u32], scratch: &mut Vec<u32>) -> Plan {
    let all = indices.len() == n;
    let (width_gaps, gaps_bits) = if all {
        (0, 6)
    } else {
        scratch.clear();
        let mut next = 0u32;
        for &i in indices {
            scratch.push(i - next);
            next = i + 1;
        }
        best_width(scratch)
    };
    let list = 6 + u64::from(width(indices.len() as u32)) + gaps_bits;
    let bitmask = (n as u64) <= list;
    Plan {
        bitmask,
        all,
        width: width_gaps,
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

//! `InputBuffer`: the bounded hand-off of one player's inputs from its session to its room.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::Mutex;
use tickwire_protocol::Input;

/// Most inputs held for one player. A client sends one per tick; a few more absorb jitter. When
/// full, the oldest input is dropped: the newest says best what the player wants now.
pub const INPUT_BUFFER_CAP: usize = 8;

/// Inputs kept when the room takes one: above this, the room skips ahead so that a burst after a
/// stall does not leave the player's inputs permanently late.
pub const JITTER_KEEP: usize = 3;

/// Shared between a session (which pushes) and its room (which pops one per tick).
#[derive(Debug, Default)]
pub struct InputBuffer {
    queue: Mutex<VecDeque<Input>>,
    closed: AtomicBool,
}

impl InputBuffer {
    /// An empty buffer.
    pub fn new() -> InputBuffer {
        InputBuffer {
            queue: Mutex::new(VecDeque::with_capacity(INPUT_BUFFER_CAP)),
            closed: AtomicBool::new(false),
        }
    }

    /// Adds an input; returns false when the oldest had to be dropped to make room.
    pub fn push(&self, input: Input) -> bool {
        let mut q = self.queue.lock();
        let dropped = q.len() >= INPUT_BUFFER_CAP;
        if dropped {
            q.pop_front();
        }
        q.push_back(input);
        !dropped
    }

    /// Takes the input for this tick, skipping stale ones beyond the jitter allowance.
    /// Returns the input and how many were skipped.
    pub fn take(&self) -> (Option<Input>, usize) {
        let (input, skipped, _) = self.take_with_depth();
        (input, skipped)
    }

    /// As [`InputBuffer::take`], and also how many inputs were queued before it.
    pub fn take_with_depth(&self) -> (Option<Input>, usize, usize) {
        let mut q = self.queue.lock();
        let depth = q.len();
        let mut skipped = 0;
        while q.len() > JITTER_KEEP + 1 {
            q.pop_front();
            skipped += 1;
        }
        (q.pop_front(), skipped, depth)
    }

    /// Marks the session gone; the room removes the player at its next tick.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
    }

    /// True once the session is gone.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(seq: u32) -> Input {
        Input {
            seq,
            ..Input::default()
        }
    }

    #[test]
    fn bounded_and_drops_oldest() {
        let b = InputBuffer::new();
        for s in 1..=20 {
            b.push(input(s));
        }
        let (first, skipped) = b.take();
        // 8 held (13..=20); the room keeps JITTER_KEEP + 1 and takes the oldest of those.
        assert_eq!(skipped, INPUT_BUFFER_CAP - JITTER_KEEP - 1);
        assert_eq!(first.map(|i| i.seq), Some(17));
    }

    #[test]
    fn one_per_take_when_on_time() {
        let b = InputBuffer::new();
        b.push(input(1));
        b.push(input(2));
        assert_eq!(b.take().0.map(|i| i.seq), Some(1));
        assert_eq!(b.take().0.map(|i| i.seq), Some(2));
        assert_eq!(b.take().0, None);
    }
}

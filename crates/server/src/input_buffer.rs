//! `InputBuffer`: the bounded hand-off of one player's inputs from its session to its room.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU8, Ordering};

use parking_lot::Mutex;
use tickwire_protocol::Input;

/// Most inputs held for one player. A client sends one per tick; a few more absorb jitter. When
/// full, the oldest input is dropped: the newest says best what the player wants now.
pub const INPUT_BUFFER_CAP: usize = 8;

/// Inputs kept when the room takes one: above this, the room skips ahead so that a burst after a
/// stall does not leave the player's inputs permanently late.
pub const JITTER_KEEP: usize = 3;

/// The session is connected.
const OPEN: u8 = 0;
/// The player left: a clean close, a kick, an idle timeout. Its seat is freed.
const LEFT: u8 = 1;
/// The connection dropped: the room may hold the seat for the player to resume.
const DROPPED: u8 = 2;

/// Shared between a session (which pushes) and its room (which pops one per tick).
#[derive(Debug, Default)]
pub struct InputBuffer {
    queue: Mutex<VecDeque<Input>>,
    state: AtomicU8,
    replaced: tokio::sync::Notify,
}

impl InputBuffer {
    /// An empty buffer.
    pub fn new() -> InputBuffer {
        InputBuffer {
            queue: Mutex::new(VecDeque::with_capacity(INPUT_BUFFER_CAP)),
            state: AtomicU8::new(OPEN),
            replaced: tokio::sync::Notify::new(),
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
        self.take_from(None, false)
    }

    /// The input for the slot `expected` (the next sequence number due). An input whose slot
    /// has passed (a repeat stood in for it: it came late) is dropped, unless it is alone, late
    /// by one slot, and `accept_late` is set (inputs have been late for several ticks in a row:
    /// the player's inputs then run a tick later, rather than every one being dropped). Returns
    /// the input, how many were dropped, and how many were queued.
    pub fn take_from(
        &self,
        expected: Option<u32>,
        accept_late: bool,
    ) -> (Option<Input>, usize, usize) {
        let mut q = self.queue.lock();
        let mut skipped = 0;
        if let Some(e) = expected {
            let late = |i: &Input| tickwire_protocol::seq::is_newer(e, i.seq);
            while q.len() > 1 && q.front().is_some_and(late) {
                q.pop_front();
                skipped += 1;
            }
            // Alone and late: dropped (its slot was filled), but for a client that has been a
            // slot late for a while, whose timeline moves back one tick instead.
            let oldest_kept = if accept_late { e.wrapping_sub(1) } else { e };
            if q.front()
                .is_some_and(|i| tickwire_protocol::seq::is_newer(oldest_kept, i.seq))
            {
                q.pop_front();
                skipped += 1;
            }
        }
        let depth = q.len();
        while q.len() > JITTER_KEEP + 1 {
            q.pop_front();
            skipped += 1;
        }
        (q.pop_front(), skipped, depth)
    }

    /// Marks the player gone for good (it left, was kicked or idled out); the room frees its
    /// seat at its next tick. The first of `close` and [`InputBuffer::hang_up`] wins.
    pub fn close(&self) {
        self.end(LEFT);
    }

    /// Marks the connection dropped; the room holds the seat for a resume when it holds seats,
    /// and frees it otherwise. The first of [`InputBuffer::close`] and `hang_up` wins.
    pub fn hang_up(&self) {
        self.end(DROPPED);
    }

    /// The player's seat moved to another connection (a resume while this one still looked
    /// open): this session should end. [`InputBuffer::replaced`] resolves.
    pub fn replace(&self) {
        self.end(LEFT);
        self.replaced.notify_one();
    }

    /// Resolves once [`InputBuffer::replace`] was called (at once if it already was).
    pub async fn replaced(&self) {
        self.replaced.notified().await;
    }

    fn end(&self, how: u8) {
        let _ = self
            .state
            .compare_exchange(OPEN, how, Ordering::AcqRel, Ordering::Acquire);
    }

    /// True once the session is gone, either way.
    pub fn is_closed(&self) -> bool {
        self.state.load(Ordering::Acquire) != OPEN
    }

    /// True when the session is gone because its connection dropped.
    pub fn is_dropped(&self) -> bool {
        self.state.load(Ordering::Acquire) == DROPPED
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
    fn the_first_ending_wins() {
        let b = InputBuffer::new();
        assert!(!b.is_closed());
        b.hang_up();
        b.close();
        assert!(b.is_closed() && b.is_dropped());
        let c = InputBuffer::new();
        c.close();
        c.hang_up();
        assert!(c.is_closed() && !c.is_dropped());
    }

    #[test]
    fn late_inputs_are_dropped_unless_late_for_a_while() {
        let b = InputBuffer::new();
        for s in 3..=6 {
            b.push(input(s));
        }
        // Slots 3 and 4 were filled by repeats: 3 and 4 go, 5 is taken.
        assert_eq!(b.take_from(Some(5), false), (Some(input(5)), 2, 2));
        let b = InputBuffer::new();
        b.push(input(7));
        assert_eq!(b.take_from(Some(8), false), (None, 1, 0), "late: dropped");
        b.push(input(8));
        assert_eq!(
            b.take_from(Some(9), true).0,
            Some(input(8)),
            "late for a while: a slot late and alone is taken"
        );
        b.push(input(2));
        assert_eq!(
            b.take_from(Some(8), true),
            (None, 1, 0),
            "far behind: dropped"
        );
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

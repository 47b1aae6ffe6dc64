//! `InputPacer`: per player, which input a tick applies (fresh, repeated or neutral), what the
//! snapshot acknowledges, and the pace the client is asked to keep so that its inputs arrive
//! just in time: the buffer's lowest depth over a window should be [`TARGET_DEPTH`].
//!
//! This is the time-dilation approach: rather than buffer more or drop, the server asks the
//! client to send a few percent faster (the buffer ran dry: a tick had to repeat an input) or
//! slower (inputs wait longer than they need), and the client's input timer follows.

use tickwire_protocol::{
    DROPPED, EARLIER_INPUTS, Input, InputAck, MAX_PACE, repeats_before_neutral,
};

/// Inputs that should still be queued at the emptiest moment of a window, before the tick
/// takes one: one in hand, none to spare.
pub const TARGET_DEPTH: usize = 1;

/// Ticks over which the buffer's depth is watched before the pace is set again.
const WINDOW_TICKS: u32 = 30;

/// The slot a tick fills for one player, as its pacer sees it.
#[derive(Clone, Copy, Debug)]
pub struct Due {
    /// The sequence number the slot is for.
    pub seq: u32,
    /// The last input taken: repeats of it stood in for the slots after it.
    pub last: Input,
    /// From this slot on the repeats were neutral ([`neutral`]).
    pub neutral_from: u32,
    /// Inputs have been late for a while: the newest late one is taken.
    pub accept_late: bool,
}

impl Due {
    /// What stood in for the slot of input `seq`, one whose slot has passed.
    pub(crate) fn stood_in(&self, seq: u32) -> Input {
        if tickwire_protocol::seq::is_newer(self.neutral_from, seq) {
            self.last
        } else {
            neutral(self.last)
        }
    }
}

/// `input` with no movement and no fire: what a player that went quiet does.
pub fn neutral(input: Input) -> Input {
    Input {
        move_x: 0.0,
        move_y: 0.0,
        fire: false,
        view_tick: 0,
        ..input
    }
}

/// What one player's inputs did on each tick, and what to tell the client.
#[derive(Clone, Debug)]
pub struct InputPacer {
    last: Option<Input>,
    ack: InputAck,
    neutral_after: u16,
    window_ticks: u32,
    window_min_depth: usize,
    window_repeats: u32,
    window_arrivals: u32,
    late_streak: u32,
}

/// Ticks in a row with a late input dropped and none taken, after which the client is asked at
/// once to send as fast as it may.
const LATE_STREAK: u32 = 3;

/// How many ticks before a repeated input would turn neutral a late input is taken anyway: the
/// client did not catch up by pace alone, and its timeline moves back rather than its player
/// stopping.
const ACCEPT_BEFORE_NEUTRAL: u16 = 2;

/// What a tick applies for one player.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Applied {
    /// A new input.
    Fresh(Input),
    /// The last input again (none arrived): the game keeps doing what it did.
    Repeat,
    /// Too long without an input: stop, and hold fire.
    Neutral(Input),
    /// No input ever arrived.
    Nothing,
}

impl InputPacer {
    /// A pacer for a room ticking `tick_rate` times a second.
    pub fn new(tick_rate: u32) -> InputPacer {
        InputPacer {
            last: None,
            ack: InputAck::default(),
            neutral_after: repeats_before_neutral(u16::try_from(tick_rate).unwrap_or(u16::MAX)),
            window_ticks: 0,
            window_min_depth: usize::MAX,
            window_repeats: 0,
            window_arrivals: 0,
            late_streak: 0,
        }
    }

    /// True once the client's inputs have come late for several ticks in a row and the repeats
    /// standing in for them are about to turn neutral: the newest late one is taken, moving the
    /// client's timeline back to it. Until then repeats stand in for late inputs that ask for
    /// the same, which keeps the player exactly where the client predicted it.
    fn accept_late(&self) -> bool {
        self.late_streak >= LATE_STREAK
            && self.ack.repeats + ACCEPT_BEFORE_NEUTRAL >= self.neutral_after
    }

    /// The slot the next tick fills, for [`crate::input_buffer::InputBuffer::take_due`] (`None`
    /// before the first input).
    pub fn due(&self) -> Option<Due> {
        let last = self.last?;
        let seq = last
            .seq
            .wrapping_add(1)
            .wrapping_add(u32::from(self.ack.repeats));
        Some(Due {
            seq,
            last,
            neutral_from: last
                .seq
                .wrapping_add(1)
                .wrapping_add(u32::from(self.neutral_after)),
            accept_late: self.accept_late(),
        })
    }

    /// One tick: `depth` inputs were queued when the room took `taken`, after dropping
    /// `dropped` (late or surplus ones).
    pub fn on_tick(&mut self, depth: usize, taken: Option<Input>, dropped: usize) -> Applied {
        if taken.is_none() && dropped > 0 {
            self.late_streak += 1;
            if self.late_streak >= LATE_STREAK {
                // Late for a while: hurry now rather than at the end of the window.
                self.ack.pace = -MAX_PACE;
            }
        } else if taken.is_some() {
            self.late_streak = 0;
        }
        self.window_min_depth = self.window_min_depth.min(depth);
        self.window_ticks += 1;
        if taken.is_some() || dropped > 0 {
            self.window_arrivals += 1;
        }
        let applied = match (taken, self.last) {
            (Some(input), last) => {
                if let Some(last) = last {
                    self.shift_earlier(last.seq, input.seq);
                }
                self.last = Some(input);
                self.ack.seq = input.seq;
                self.ack.repeats = 0;
                Applied::Fresh(input)
            }
            (None, None) => Applied::Nothing,
            (None, Some(last)) => {
                self.window_repeats += 1;
                self.ack.repeats = self.ack.repeats.saturating_add(1);
                if self.ack.repeats > self.neutral_after {
                    Applied::Neutral(neutral(last))
                } else {
                    Applied::Repeat
                }
            }
        };
        if self.window_ticks >= WINDOW_TICKS {
            self.ack.pace = self.pace();
            self.window_ticks = 0;
            self.window_min_depth = usize::MAX;
            self.window_repeats = 0;
            self.window_arrivals = 0;
        }
        applied
    }

    /// Moves the record of repeats along when `next` follows `prev`: `prev` keeps the repeats
    /// it got, the inputs between them (skipped by the client, or dropped from a full buffer)
    /// were never applied.
    fn shift_earlier(&mut self, prev: u32, next: u32) {
        let old = self.ack.earlier;
        let old_len = usize::from(self.ack.earlier_len);
        let mut len = 0;
        for (j, slot) in self.ack.earlier.iter_mut().enumerate() {
            let seq = next.wrapping_sub(1 + j as u32);
            let back = prev.wrapping_sub(seq);
            *slot = if back == 0 {
                self.ack.repeats
            } else if back > u32::MAX / 2 {
                DROPPED
            } else {
                // Before `prev`: what was known then (nothing past the window).
                let i = back as usize - 1;
                if i < old_len.min(EARLIER_INPUTS) {
                    old[i]
                } else {
                    0
                }
            };
            if *slot != 0 {
                len = j + 1;
            }
        }
        self.ack.earlier_len = len as u8;
    }

    /// The acknowledgement for the next snapshot.
    pub fn ack(&self) -> InputAck {
        self.ack
    }

    /// The pace for the window that just ended. A client that sends nothing (a hidden page) is
    /// not asked to speed up; one whose inputs all came late is.
    fn pace(&self) -> i8 {
        if self.window_arrivals == 0 {
            0
        } else if self.window_repeats > 0 {
            -(self.window_repeats.min(MAX_PACE as u32) as i8)
        } else if self.window_min_depth > TARGET_DEPTH {
            let extra = self.window_min_depth - TARGET_DEPTH;
            extra.min(MAX_PACE as usize) as i8
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(seq: u32) -> Input {
        Input {
            seq,
            move_x: 1.0,
            fire: true,
            ..Input::default()
        }
    }

    #[test]
    fn acks_fresh_inputs_repeats_and_neutral() {
        let mut p = InputPacer::new(60);
        assert_eq!(p.on_tick(0, None, 0), Applied::Nothing);
        assert_eq!(p.ack(), InputAck::default());
        assert_eq!(p.on_tick(1, Some(input(5)), 0), Applied::Fresh(input(5)));
        assert_eq!((p.ack().seq, p.ack().repeats), (5, 0));
        assert_eq!(p.due().map(|d| d.seq), Some(6));
        for n in 1..=30 {
            assert_eq!(p.on_tick(0, None, 0), Applied::Repeat);
            assert_eq!(p.ack().repeats, n);
        }
        assert_eq!(
            p.due().map(|d| d.seq),
            Some(36),
            "each repeat stands in for an input"
        );
        let Applied::Neutral(n) = p.on_tick(0, None, 0) else {
            panic!("neutral after 30 repeats at 60 Hz")
        };
        assert_eq!((n.move_x, n.fire, n.seq), (0.0, false, 5));
        assert_eq!(p.ack().repeats, 31);
        p.on_tick(1, Some(input(6)), 0);
        assert_eq!((p.ack().seq, p.ack().repeats), (6, 0));
        assert_eq!(p.ack().earlier(), &[31]);
        p.on_tick(1, Some(input(7)), 0);
        p.on_tick(0, None, 0);
        p.on_tick(1, Some(input(10)), 0);
        // 9 and 8 dropped, 7 repeated once, 6 none, 5 thirty-one times.
        assert_eq!(p.ack().earlier(), &[DROPPED, DROPPED, 1, 0, 31]);
        for s in 11..=14 {
            p.on_tick(1, Some(input(s)), 0);
        }
        assert_eq!(p.ack().earlier(), &[0, 0, 0, 0, DROPPED, DROPPED, 1, 0, 31]);
        p.on_tick(1, Some(input(15)), 0);
        assert_eq!(
            p.ack().earlier(),
            &[0, 0, 0, 0, 0, DROPPED, DROPPED, 1, 0, 31]
        );
        for s in 16..=60 {
            p.on_tick(1, Some(input(s)), 0);
        }
        assert_eq!(p.ack().earlier(), &[] as &[u16], "out of the window");
    }

    #[test]
    fn asks_for_faster_when_dry_and_slower_when_deep() {
        let mut p = InputPacer::new(60);
        p.on_tick(1, Some(input(1)), 0);
        let mut seq = 2;
        for t in 1..WINDOW_TICKS {
            if t % 10 == 0 {
                p.on_tick(0, None, 0);
            } else {
                p.on_tick(1, Some(input(seq)), 0);
                seq += 1;
            }
        }
        assert!(p.ack().pace < 0, "repeats: send faster");
        for _ in 0..WINDOW_TICKS {
            p.on_tick(4, Some(input(seq)), 0);
            seq += 1;
        }
        assert!(p.ack().pace > 0, "a deep buffer: send slower");
        for _ in 0..WINDOW_TICKS {
            p.on_tick(1, Some(input(seq)), 0);
            seq += 1;
        }
        assert_eq!(p.ack().pace, 0, "on target");
        for _ in 0..WINDOW_TICKS {
            p.on_tick(0, None, 0);
        }
        assert_eq!(p.ack().pace, 0, "a silent client is not hurried");
        for _ in 0..WINDOW_TICKS {
            p.on_tick(0, None, 1);
        }
        assert_eq!(p.ack().pace, -MAX_PACE, "a late client is hurried");
    }

    #[test]
    fn a_client_late_for_a_while_is_hurried_then_taken_late() {
        let mut p = InputPacer::new(60);
        p.on_tick(1, Some(input(1)), 0);
        for _ in 0..LATE_STREAK {
            p.on_tick(0, None, 1);
        }
        assert_eq!(
            p.ack().pace,
            -MAX_PACE,
            "late {LATE_STREAK} ticks in a row: hurried at once"
        );
        assert!(!p.accept_late(), "repeats still stand in");
        while p.ack().repeats + ACCEPT_BEFORE_NEUTRAL < 30 {
            p.on_tick(0, None, 1);
        }
        assert!(p.accept_late(), "before the repeats would turn neutral");
        assert_eq!(p.on_tick(1, Some(input(3)), 0), Applied::Fresh(input(3)));
        assert!(!p.accept_late());
        assert_eq!(
            p.due().map(|d| d.seq),
            Some(4),
            "the timeline moved back to the late input"
        );
        assert_eq!(
            p.ack().earlier(),
            &[DROPPED, 28],
            "2 was dropped, 1 repeated 28 times"
        );
    }
}

//! `InputPacer`: per player, which input a tick applies (fresh, repeated or neutral), what the
//! snapshot acknowledges, and the pace the client is asked to keep so that its inputs arrive
//! just in time: the buffer's lowest depth over a window should be [`TARGET_DEPTH`].
//!
//! This is the time-dilation approach: rather than buffer more or drop, the server asks the
//! client to send a few percent faster (the buffer ran dry: a tick had to repeat an input) or
//! slower (inputs wait longer than they need), and the client's input timer follows.

use tickwire_protocol::{
    DROPPED, EARLIER_INPUTS, InputAck, InputDesc, MAX_PACE, Record, repeats_before_neutral, seq,
};

use crate::inputs::input_buffer::{INPUT_BUFFER_CAP, JITTER_KEEP};
use crate::inputs::player_input::PlayerInput;

/// Inputs that should still be queued at the emptiest moment of a window, before the tick
/// takes one: one in hand, none to spare.
pub const TARGET_DEPTH: usize = 1;

/// Ticks over which the buffer's depth is watched before the pace is set again.
const WINDOW_TICKS: u32 = 30;

/// The slot a tick fills for one player, as its pacer sees it.
#[derive(Clone, Copy, Debug)]
pub struct Due<'a> {
    /// The sequence number the slot is for.
    pub seq: u32,
    /// The record of the last input taken: repeats of it stood in for the slots after it.
    pub last: &'a Record,
    /// From this slot on the repeats were neutral (the schema's [`InputDesc::neutral`] of
    /// `last`).
    pub neutral_from: u32,
    /// Inputs have been late for a while: the newest late one is taken.
    pub accept_late: bool,
    /// Inputs kept queued past the one taken; older ones beyond are surplus: [`JITTER_KEEP`],
    /// plus those the room made wait by moving the timeline back (see [`InputPacer::due`]).
    pub keep: usize,
}

impl Due<'_> {
    /// True when a repeat of `last` itself stood in for the slot of input `seq` (one whose slot
    /// has passed); false when the neutral input did.
    pub(crate) fn repeated(&self, seq: u32) -> bool {
        tickwire_protocol::seq::is_newer(self.neutral_from, seq)
    }
}

/// What one player's inputs did on each tick, and what to tell the client.
#[derive(Clone, Debug)]
pub struct InputPacer {
    last: Option<PlayerInput>,
    /// The neutral input of `last`, made the first time it is needed.
    neutral: Option<Record>,
    ack: InputAck,
    neutral_after: u16,
    window_ticks: u32,
    window_min_depth: usize,
    window_repeats: u32,
    window_arrivals: u32,
    late_streak: u32,
    /// Inputs queued because the room took a late one and moved the player's timeline back to
    /// it: the inputs sent after it, which would have been dropped as late, now wait their turn.
    /// A page that froze while its player turned sends a burst of inputs, the first of which is
    /// the turn; the whole burst then waits. The pace drains them, a few percent at a time, and
    /// until it has they are not surplus ([`Due::keep`]): dropping one would cost the player a
    /// tick of motion its client predicted. The count falls with the queue and rises only when a
    /// late input is taken, so a client that runs further ahead on its own is still held to
    /// [`JITTER_KEEP`].
    held_back: usize,
}

/// Ticks in a row with a late input dropped and none taken, after which the client is asked at
/// once to send as fast as it may.
const LATE_STREAK: u32 = 3;

/// How many ticks before a repeated input would turn neutral a late input is taken anyway: the
/// client did not catch up by pace alone, and its timeline moves back rather than its player
/// stopping.
const ACCEPT_BEFORE_NEUTRAL: u16 = 2;

/// What a tick applies for one player.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// A new input: [`InputPacer::last`].
    Fresh,
    /// The last input again (none arrived): the game keeps doing what it did.
    Repeat,
    /// Too long without an input: the neutral input ([`InputPacer::neutral`]): stop, and hold
    /// fire.
    Neutral,
    /// No input ever arrived.
    Nothing,
}

impl InputPacer {
    /// A pacer for a room ticking `tick_rate` times a second.
    pub fn new(tick_rate: u32) -> InputPacer {
        InputPacer {
            last: None,
            neutral: None,
            ack: InputAck::default(),
            neutral_after: repeats_before_neutral(u16::try_from(tick_rate).unwrap_or(u16::MAX)),
            window_ticks: 0,
            window_min_depth: usize::MAX,
            window_repeats: 0,
            window_arrivals: 0,
            late_streak: 0,
            held_back: 0,
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

    /// The slot the next tick fills, for [`crate::inputs::input_buffer::InputBuffer::take_due`] (`None`
    /// before the first input).
    pub fn due(&self) -> Option<Due<'_>> {
        let last = self.last.as_ref()?;
        Some(Due {
            seq: self.slot_after(last.seq),
            last: &last.record,
            neutral_from: last
                .seq
                .wrapping_add(1)
                .wrapping_add(u32::from(self.neutral_after)),
            accept_late: self.accept_late(),
            keep: (JITTER_KEEP + self.held_back).min(INPUT_BUFFER_CAP - 1),
        })
    }

    /// The sequence number of the next slot when `last` was the last input taken: the repeats
    /// since stood in for the ones after it.
    fn slot_after(&self, last: u32) -> u32 {
        last.wrapping_add(1)
            .wrapping_add(u32::from(self.ack.repeats))
    }

    /// The last input taken (what [`Applied::Fresh`] applies), if any.
    pub fn last(&self) -> Option<&PlayerInput> {
        self.last.as_ref()
    }

    /// What [`Applied::Neutral`] applies: the neutral input of the last one (by `input`, the
    /// schema's rule), made once per silence.
    pub fn neutral(&mut self, input: &InputDesc) -> &Record {
        let last = self.last.as_ref().map(|l| &l.record);
        self.neutral.get_or_insert_with(|| match last {
            Some(last) => input.neutral(last),
            None => input.neutral(&Record::new()),
        })
    }

    /// One tick: `depth` inputs were queued when the room took `taken`, after dropping
    /// `dropped` (late or surplus ones).
    pub fn on_tick(&mut self, depth: usize, taken: Option<PlayerInput>, dropped: usize) -> Applied {
        // What the room made wait can only have drained since: never more than is queued beyond
        // the one in hand.
        self.held_back = self.held_back.min(depth.saturating_sub(TARGET_DEPTH));
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
        let last_seq = self.last.as_ref().map(|l| l.seq);
        let applied = match (taken, last_seq) {
            (Some(input), last) => {
                if let Some(last) = last {
                    // A late input taken: the timeline moved back by how late it came.
                    let due = self.slot_after(last);
                    if seq::is_newer(due, input.seq) {
                        let late_by = seq::distance(due, input.seq) as usize;
                        self.held_back = (self.held_back + late_by).min(INPUT_BUFFER_CAP);
                    }
                    self.shift_earlier(last, input.seq);
                }
                self.ack.seq = input.seq;
                self.ack.repeats = 0;
                self.last = Some(input);
                self.neutral = None;
                Applied::Fresh
            }
            (None, None) => Applied::Nothing,
            (None, Some(_)) => {
                self.window_repeats += 1;
                self.ack.repeats = self.ack.repeats.saturating_add(1);
                if self.ack.repeats > self.neutral_after {
                    Applied::Neutral
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
        if next == prev.wrapping_add(1) {
            // The usual case, the input after `prev`: every count moves back one place and
            // `prev`'s repeats come first (the loop below gives the same, a slot at a time).
            let kept = usize::from(self.ack.earlier_len).min(EARLIER_INPUTS - 1);
            let earlier = &mut self.ack.earlier;
            earlier.copy_within(0..kept, 1);
            earlier[0] = self.ack.repeats;
            earlier[kept + 1..].fill(0);
            let len = earlier.iter().rposition(|&n| n != 0).map_or(0, |i| i + 1);
            self.ack.earlier_len = len as u8;
            return;
        }
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
    use tickwire_protocol::{FieldDesc, Intent, WireType};

    fn desc() -> InputDesc {
        InputDesc {
            fields: vec![
                FieldDesc::new("move_x", WireType::Int { min: -1, max: 1 }),
                FieldDesc::new("fire", WireType::Bool),
            ],
            intent: vec![Intent::Always, Intent::Always],
        }
    }

    fn input(seq: u32) -> PlayerInput {
        PlayerInput::new(
            seq,
            Record::build(|w| {
                w.values(&[1, 1]);
            }),
        )
    }

    /// The slot-by-slot shift [`InputPacer::shift_earlier`] makes for any `prev` and `next`,
    /// written out as the acknowledgement defines it.
    fn shifted(ack: InputAck, prev: u32, next: u32) -> InputAck {
        let mut out = ack;
        let mut len = 0;
        for (j, slot) in out.earlier.iter_mut().enumerate() {
            let back = prev.wrapping_sub(next.wrapping_sub(1 + j as u32));
            *slot = match back {
                0 => ack.repeats,
                b if b > u32::MAX / 2 => DROPPED,
                b if (b as usize - 1) < usize::from(ack.earlier_len).min(EARLIER_INPUTS) => {
                    ack.earlier[b as usize - 1]
                }
                _ => 0,
            };
            if *slot != 0 {
                len = j + 1;
            }
        }
        out.earlier_len = len as u8;
        out
    }

    #[test]
    fn the_next_inputs_shift_is_the_general_one() {
        let mut x = 0x2545_f491u32;
        let mut next_rand = move || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        };
        for case in 0..2000 {
            let mut p = InputPacer::new(60);
            let mut ack = InputAck {
                repeats: (next_rand() % 4) as u16,
                earlier_len: (next_rand() % 33) as u8,
                ..InputAck::default()
            };
            for n in &mut ack.earlier {
                // Mostly zeros and ones, some drops, and stale values past `earlier_len`.
                *n = match next_rand() % 8 {
                    0..=3 => 0,
                    4 | 5 => 1,
                    6 => DROPPED,
                    _ => (next_rand() % 30) as u16,
                };
            }
            p.ack = ack;
            let prev = next_rand().wrapping_sub(case);
            let next = prev.wrapping_add(1);
            p.shift_earlier(prev, next);
            assert_eq!(p.ack, shifted(ack, prev, next), "case {case}: {ack:?}");
            // The general path, for a skip, against the same definition.
            p.ack = ack;
            p.shift_earlier(prev, prev.wrapping_add(3));
            assert_eq!(
                p.ack,
                shifted(ack, prev, prev.wrapping_add(3)),
                "case {case}"
            );
        }
    }

    #[test]
    fn acks_fresh_inputs_repeats_and_neutral() {
        let mut p = InputPacer::new(60);
        assert_eq!(p.on_tick(0, None, 0), Applied::Nothing);
        assert_eq!(p.ack(), InputAck::default());
        assert_eq!(p.on_tick(1, Some(input(5)), 0), Applied::Fresh);
        assert_eq!(p.last(), Some(&input(5)));
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
        assert_eq!(
            p.on_tick(0, None, 0),
            Applied::Neutral,
            "neutral after 30 repeats at 60 Hz"
        );
        assert_eq!(p.neutral(&desc()).slots(), &[0, 0], "no movement, no fire");
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
    fn inputs_held_back_by_a_late_take_are_not_surplus_until_the_queue_drains() {
        let keep = |p: &InputPacer| p.due().map(|d| d.keep);
        let mut p = InputPacer::new(60);
        for s in 1..=10 {
            p.on_tick(1, Some(input(s)), 0);
        }
        assert_eq!(keep(&p), Some(JITTER_KEEP), "on time: the jitter allowance");
        // A page froze for 12 ticks while its player turned: the repeats stood in for slots
        // 11..=22, then the burst came, its first input the turn, taken 12 slots late.
        for _ in 0..12 {
            p.on_tick(0, None, 0);
        }
        assert_eq!(p.due().map(|d| d.seq), Some(23));
        p.on_tick(14, Some(input(11)), 0);
        assert_eq!(p.due().map(|d| d.seq), Some(12), "the timeline moved back");
        assert_eq!(keep(&p), Some(JITTER_KEEP + 12), "the 12 behind it wait");
        // The queue holds them while the pace drains it: the allowance follows it down.
        for (s, depth) in (12..).zip([13, 13, 12, 9, 5, 1, 1]) {
            p.on_tick(depth, Some(input(s)), 0);
        }
        assert_eq!(keep(&p), Some(JITTER_KEEP), "drained");
        // A client that runs ahead on its own afterwards is held to the jitter allowance.
        for s in 19..=40 {
            p.on_tick(20, Some(input(s)), 0);
        }
        assert_eq!(keep(&p), Some(JITTER_KEEP));
        // Never past what the buffer holds.
        let mut p = InputPacer::new(60);
        p.on_tick(1, Some(input(1)), 0);
        for _ in 0..28 {
            p.on_tick(0, None, 0);
        }
        p.on_tick(INPUT_BUFFER_CAP, Some(input(2)), 0);
        assert_eq!(keep(&p), Some(INPUT_BUFFER_CAP - 1));
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
        assert_eq!(p.on_tick(1, Some(input(3)), 0), Applied::Fresh);
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

//! `InputBuffer`: the bounded hand-off of one player's inputs, decoded, from its session to its
//! room.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU8, Ordering};

use parking_lot::Mutex;
use tickwire_protocol::{InputDesc, Record};

use crate::inputs::input_pacer::Due;
use crate::inputs::player_input::PlayerInput;

/// Most inputs held for one player, about half a second at 60 Hz. A client sends one per tick;
/// more absorb jitter, the burst a busy page sends when its timer fired late, and the inputs that
/// wait behind a late one the room took (see [`JITTER_KEEP`]). When full, the oldest input is
/// dropped: the newest says best what the player wants now.
pub const INPUT_BUFFER_CAP: usize = 32;

/// Inputs a buffer makes room for at first; it grows up to [`INPUT_BUFFER_CAP`] when it must.
const INITIAL_CAPACITY: usize = 16;

/// Inputs kept when the room takes one: above this, the room drops the oldest so that a client
/// running ahead cannot make its inputs wait for long. It is well above what jitter queues (the
/// pacer keeps the emptiest moment at one input in hand): a surplus drop costs the player a
/// tick of motion, so it is for a client that ignores its pace, not for a bunch of inputs that
/// came together. The room raises it by the inputs it made wait itself, when it took a late
/// input and moved the player's timeline back ([`Due::keep`]).
pub const JITTER_KEEP: usize = 14;

/// The session is connected.
const OPEN: u8 = 0;
/// The player left: a clean close, a kick, an idle timeout. Its seat is freed.
const LEFT: u8 = 1;
/// The connection dropped: the room may hold the seat for the player to resume.
const DROPPED: u8 = 2;

/// What [`InputBuffer::take_due`] took.
#[derive(Clone, Debug, PartialEq)]
pub struct Taken {
    /// The input for this tick, if any.
    pub input: Option<PlayerInput>,
    /// Inputs dropped: late ones a repeat stood in for, or surplus.
    pub dropped: usize,
    /// Of `dropped`, the surplus ones: past what the queue may keep.
    pub surplus: usize,
    /// Inputs queued once the late ones were dropped, before this tick took one.
    pub depth: usize,
}

/// Shared between a session (which pushes) and its room (which pops one per tick).
#[derive(Debug, Default)]
pub struct InputBuffer {
    queue: Mutex<VecDeque<PlayerInput>>,
    state: AtomicU8,
    replaced: tokio::sync::Notify,
}

impl InputBuffer {
    /// An empty buffer.
    pub fn new() -> InputBuffer {
        InputBuffer {
            queue: Mutex::new(VecDeque::with_capacity(INITIAL_CAPACITY)),
            state: AtomicU8::new(OPEN),
            replaced: tokio::sync::Notify::new(),
        }
    }

    /// Adds an input (already decoded: the session reads each record once, as it arrives);
    /// returns false when the oldest had to be dropped to make room.
    pub fn push(&self, input: PlayerInput) -> bool {
        let mut q = self.queue.lock();
        let dropped = q.len() >= INPUT_BUFFER_CAP;
        if dropped {
            q.pop_front();
        }
        q.push_back(input);
        !dropped
    }

    /// Takes the oldest input, skipping surplus ones beyond [`JITTER_KEEP`]. Returns the input and
    /// how many were skipped.
    pub fn take(&self) -> (Option<PlayerInput>, usize) {
        let t = self.take_due(None, &InputDesc::default());
        (t.input, t.dropped)
    }

    /// The input for the slot `due` describes. An input whose slot has passed (a repeat of the
    /// last input stood in for it: it came late) is dropped when the repeat did what it asks
    /// for; the first late one that asks for something else (a player who stopped, turned or
    /// fired) is taken, a tick late, and the player's timeline moves back to it: its wish is
    /// honoured, not lost. What "the same" is, is the schema's rule ([`InputDesc::same_intent`]
    /// of `input`). The client's replay follows the same rule, so that it predicts what the
    /// server will do. When inputs have been late for a while (`due.accept_late`: the client
    /// lost time, say a busy page that skipped timer ticks) the newest late one is taken. Past
    /// `due.keep` inputs (or [`JITTER_KEEP`] before the first), the oldest are surplus and
    /// dropped.
    pub fn take_due(&self, due: Option<Due<'_>>, input: &InputDesc) -> Taken {
        let mut q = self.queue.lock();
        let mut dropped = 0;
        let mut keep = JITTER_KEEP;
        // What a neutral repeat stood in with, made only when a late input is compared to it.
        let mut neutral: Option<Record> = None;
        if let Some(due) = due {
            keep = due.keep;
            while let Some(front) = q.front() {
                if !tickwire_protocol::seq::is_newer(due.seq, front.seq) {
                    break;
                }
                let take_it = if due.accept_late {
                    q.len() == 1
                } else if due.repeated(front.seq) {
                    !input.same_intent(&front.record, due.last)
                } else {
                    let neutral = neutral.get_or_insert_with(|| input.neutral(due.last));
                    !input.same_intent(&front.record, neutral)
                };
                if take_it {
                    break;
                }
                q.pop_front();
                dropped += 1;
            }
            // A late input taken moves the timeline back to it: the late ones behind it wait
            // their turn now, and are not surplus.
            keep += q
                .iter()
                .skip(1)
                .take_while(|i| tickwire_protocol::seq::is_newer(due.seq, i.seq))
                .count();
        }
        let depth = q.len();
        let surplus = depth.saturating_sub(keep + 1);
        q.drain(..surplus);
        Taken {
            input: q.pop_front(),
            dropped: dropped + surplus,
            surplus,
            depth,
        }
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
    use tickwire_protocol::{FieldDesc, Intent, WireType};

    /// The arena's input: move_x, move_y, aim (counts only for a shot), fire.
    fn arena() -> InputDesc {
        InputDesc {
            fields: vec![
                FieldDesc::new("move_x", WireType::Int { min: -1, max: 1 }),
                FieldDesc::new("move_y", WireType::Int { min: -1, max: 1 }),
                FieldDesc::new("aim", WireType::Angle { bits: 16 }),
                FieldDesc::new("fire", WireType::Bool),
            ],
            intent: vec![
                Intent::Always,
                Intent::Always,
                Intent::When(3),
                Intent::Always,
            ],
        }
    }

    fn with(seq: u32, move_x: i32, aim: i32, fire: bool) -> PlayerInput {
        PlayerInput::new(
            seq,
            Record::build(|w| {
                w.values(&[move_x, 0, aim, i32::from(fire)]);
            }),
        )
    }

    fn input(seq: u32) -> PlayerInput {
        with(seq, 0, 0, false)
    }

    #[test]
    fn bounded_and_drops_oldest() {
        let b = InputBuffer::new();
        let sent = INPUT_BUFFER_CAP as u32 + 4;
        let pushed: Vec<bool> = (1..=sent).map(|s| b.push(input(s))).collect();
        assert_eq!(
            pushed.iter().filter(|kept| !**kept).count(),
            4,
            "full: the oldest go"
        );
        let (first, skipped) = b.take();
        // INPUT_BUFFER_CAP held (the newest); the room keeps JITTER_KEEP + 1 and takes the oldest of those.
        assert_eq!(skipped, INPUT_BUFFER_CAP - JITTER_KEEP - 1);
        assert_eq!(first.map(|i| i.seq), Some(sent - JITTER_KEEP as u32));
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

    fn due(seq: u32, last: &PlayerInput, accept_late: bool) -> Option<Due<'_>> {
        Some(Due {
            seq,
            last: &last.record,
            neutral_from: last.seq + 30,
            accept_late,
            keep: JITTER_KEEP,
        })
    }

    fn taken(input: Option<PlayerInput>, dropped: usize, depth: usize) -> Taken {
        Taken {
            input,
            dropped,
            surplus: 0,
            depth,
        }
    }

    #[test]
    fn late_inputs_are_dropped_when_the_repeat_did_the_same() {
        let d = arena();
        let b = InputBuffer::new();
        for s in 3..=6 {
            b.push(input(s));
        }
        // Slots 3 and 4 were filled by repeats of 2, which asked for the same: 3 and 4 go.
        assert_eq!(
            b.take_due(due(5, &input(2), false), &d),
            taken(Some(input(5)), 2, 2)
        );
        let b = InputBuffer::new();
        b.push(input(7));
        assert_eq!(
            b.take_due(due(8, &input(6), false), &d),
            taken(None, 1, 0),
            "late: dropped"
        );
        b.push(input(8));
        assert_eq!(
            b.take_due(due(9, &input(6), true), &d).input,
            Some(input(8)),
            "late for a while: taken"
        );
        let b = InputBuffer::new();
        let running = with(9, 1, 0, false);
        b.push(running.clone());
        b.push(input(10));
        assert_eq!(
            b.take_due(due(11, &input(8), false), &d),
            taken(Some(running), 0, 2),
            "the first late input that asks for something else is taken, and the ones after it wait"
        );
        let b = InputBuffer::new();
        b.push(input(2));
        b.push(input(3));
        assert_eq!(
            b.take_due(due(8, &input(1), true), &d),
            taken(Some(input(3)), 1, 1),
            "far behind for a while: the newest is taken, the timeline moves back"
        );
    }

    #[test]
    fn a_late_input_that_asks_for_something_else_is_taken() {
        let d = arena();
        let running = with(4, 1, 0, false);
        let b = InputBuffer::new();
        b.push(with(5, 1, 0, false));
        assert_eq!(
            b.take_due(due(6, &running, false), &d).input,
            None,
            "the same: dropped"
        );
        let stop = input(6);
        b.push(stop.clone());
        assert_eq!(
            b.take_due(due(7, &running, false), &d).input,
            Some(stop),
            "a late stop is honoured"
        );
        let aimed = with(7, 1, 9000, false);
        b.push(aimed);
        assert_eq!(
            b.take_due(due(8, &running, false), &d).input,
            None,
            "aim alone, no shot: dropped"
        );
        let shot = with(8, 1, 9000, true);
        b.push(shot.clone());
        assert_eq!(
            b.take_due(due(9, &running, false), &d).input,
            Some(shot),
            "a late shot is taken"
        );
    }

    #[test]
    fn a_late_input_after_the_repeats_turned_neutral_is_compared_to_the_neutral_input() {
        let d = arena();
        let running = with(4, 1, 0, false);
        let b = InputBuffer::new();
        // Slot 40 came after neutral_from (34): a neutral input stood in, so standing still
        // is the same and running is not.
        b.push(with(40, 0, 5, false));
        let late = Due {
            seq: 41,
            last: &running.record,
            neutral_from: 34,
            accept_late: false,
            keep: JITTER_KEEP,
        };
        assert_eq!(b.take_due(Some(late), &d).input, None);
        b.push(with(41, 1, 0, false));
        let late = Due { seq: 42, ..late };
        assert_eq!(
            b.take_due(Some(late), &d).input,
            Some(with(41, 1, 0, false))
        );
    }

    #[test]
    fn the_inputs_behind_a_late_input_taken_are_not_surplus() {
        let d = arena();
        let standing = input(3);
        // A page froze while its player turned, then sent what it owed: 4..=23, every one
        // running; the repeats of 3 stood in for 4..=21.
        let b = InputBuffer::new();
        for s in 4..=23 {
            b.push(with(s, 1, 0, false));
        }
        assert_eq!(
            b.take_due(due(22, &standing, false), &d),
            taken(Some(with(4, 1, 0, false)), 0, 20),
            "the turn is taken and the 19 behind it wait"
        );
        // Once the timeline moved back, the room raises the bound by what waits (the pacer's
        // `keep`); past it the oldest are surplus.
        let b = InputBuffer::new();
        for s in 5..=24 {
            b.push(with(s, 1, 0, false));
        }
        let running = with(4, 1, 0, false);
        let held = Due {
            seq: 5,
            keep: JITTER_KEEP + 3,
            ..due(5, &running, false).expect("due")
        };
        assert_eq!(
            b.take_due(Some(held), &d),
            Taken {
                surplus: 2,
                ..taken(Some(with(7, 1, 0, false)), 2, 20)
            },
            "20 queued, {} kept behind the one taken",
            JITTER_KEEP + 3
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

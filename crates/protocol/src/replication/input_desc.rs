//! `InputDesc`: what a player sends each tick (the fields of its input record) and, per field,
//! when a change of it is a change of what the player wants ([`Intent`]).
//!
//! The intent is what the server's late-input rule and a client's replay agree on: an input that
//! arrives after a repeat of the last one stood in for it is dropped when it asks for the same
//! ([`InputDesc::same_intent`]), and taken a tick late when it asks for something else. They
//! also agree on what a player who went quiet does ([`InputDesc::neutral`]).

use serde::{Deserialize, Serialize};

use super::record::Record;
use super::schema::FieldDesc;
use super::wire_type::WireType;

/// When a field of an input counts for [`InputDesc::same_intent`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Intent {
    /// Always: a different value is a different wish (movement, a button).
    #[default]
    Always,
    /// Never: the field is information only (a client's own timing, a cosmetic choice).
    Never,
    /// Only while the boolean field with this index is true in either input (the arena's aim,
    /// which matters only for a shot).
    When(u8),
}

/// A player's input: its fields, in record order, and one [`Intent`] per field.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InputDesc {
    /// The fields of an input record.
    pub fields: Vec<FieldDesc>,
    /// When each field counts, one per field.
    pub intent: Vec<Intent>,
}

impl InputDesc {
    /// True when `a` and `b` ask for the same: every `Always` field, and every `When(i)` field
    /// while field `i` is true in either, is equal (texts by their text); `Never` fields are not
    /// compared. A record of another shape than the fields (a slot missing) differs from a
    /// record that has the slot.
    pub fn same_intent(&self, a: &Record, b: &Record) -> bool {
        // Where each field's slots start (a kind holds at most 64 slots, so 64 starts fit).
        let mut starts = [0u8; 64];
        let mut at = 0usize;
        for (i, f) in self.fields.iter().enumerate().take(starts.len()) {
            starts[i] = at.min(usize::from(u8::MAX)) as u8;
            at += f.ty.slots();
        }
        let flag = |r: &Record, field: u8| {
            let start = starts.get(usize::from(field)).copied().unwrap_or(u8::MAX);
            r.slots().get(usize::from(start)).is_some_and(|&v| v != 0)
        };
        self.fields
            .iter()
            .zip(&self.intent)
            .enumerate()
            .all(|(i, (field, intent))| {
                let counts = match *intent {
                    Intent::Always => true,
                    Intent::Never => false,
                    Intent::When(j) => flag(a, j) || flag(b, j),
                };
                let start = usize::from(starts.get(i).copied().unwrap_or(u8::MAX));
                !counts || same_field(field, start, a, b)
            })
    }
}

impl InputDesc {
    /// What a player whose inputs stopped coming does once repeats of its last input `last`
    /// have run out: every number (`Fixed`, `Vec2`, `Int`) at 0, or the end of its range nearest
    /// 0, and every `Bool` false (no movement, no button held); angles, enums, colours and texts
    /// keep their values (where it faced, what it had chosen). Slots `last` lacks are filled
    /// the same way.
    pub fn neutral(&self, last: &Record) -> Record {
        let mut at = 0usize;
        Record::build(|w| {
            for f in &self.fields {
                for k in 0..f.ty.slots() {
                    let kept = last.slots().get(at + k).copied();
                    let (min, max) = f.ty.range();
                    match (&f.ty, kept) {
                        (WireType::Text { .. }, Some(t)) => w.text(last.text(t)),
                        (WireType::Text { .. }, None) => w.text(""),
                        (
                            WireType::Angle { .. } | WireType::Enum { .. } | WireType::Color,
                            Some(v),
                        ) => w.value(v.clamp(min, max)),
                        _ => w.value(0.clamp(min, max)),
                    };
                }
                at += f.ty.slots();
            }
        })
    }
}

/// Whether field `field`, whose slots start at `start`, is equal in `a` and `b`.
fn same_field(field: &FieldDesc, start: usize, a: &Record, b: &Record) -> bool {
    let n = field.ty.slots();
    let (x, y) = (
        a.slots().get(start..start + n),
        b.slots().get(start..start + n),
    );
    match (&field.ty, x, y) {
        (WireType::Text { .. }, Some([k]), Some([l])) => a.text(*k) == b.text(*l),
        (_, Some(x), Some(y)) => x == y,
        (_, None, None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The arena's input: movement and fire always count, aim only for a shot.
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

    fn input(move_x: i32, move_y: i32, aim: i32, fire: bool) -> Record {
        Record::build(|w| {
            w.values(&[move_x, move_y, aim, i32::from(fire)]);
        })
    }

    #[test]
    fn the_arena_rule_aim_counts_only_for_a_shot() {
        let d = arena();
        assert!(d.same_intent(&input(1, 0, 5, false), &input(1, 0, 9, false)));
        assert!(!d.same_intent(&input(1, 0, 5, true), &input(1, 0, 9, true)));
        assert!(!d.same_intent(&input(1, 0, 5, false), &input(1, 0, 9, true)));
        assert!(!d.same_intent(&input(1, 0, 5, false), &input(0, 0, 5, false)));
        assert!(!d.same_intent(&input(1, 1, 5, false), &input(1, 0, 5, false)));
        assert!(d.same_intent(&input(1, -1, 5, true), &input(1, -1, 5, true)));
    }

    #[test]
    fn never_fields_are_ignored_and_texts_compare_by_text() {
        let d = InputDesc {
            fields: vec![
                FieldDesc::new("at", WireType::Vec2 { step: 1.0 }),
                FieldDesc::new("say", WireType::Text { max_bytes: 8 }),
                FieldDesc::new("clock", WireType::Fixed { step: 1.0 }),
            ],
            intent: vec![Intent::Always, Intent::Always, Intent::Never],
        };
        let r = |x: i32, say: &str, clock: i32| {
            Record::build(|w| {
                w.values(&[x, 2]).text(say).value(clock);
            })
        };
        assert!(d.same_intent(&r(1, "hi", 3), &r(1, "hi", 4)));
        assert!(!d.same_intent(&r(1, "hi", 3), &r(1, "ho", 3)));
        assert!(!d.same_intent(&r(1, "hi", 3), &r(2, "hi", 3)));
        assert!(!d.same_intent(&r(1, "hi", 3), &Record::new()));
        assert!(InputDesc::default().same_intent(&Record::new(), &r(1, "x", 0)));
    }

    #[test]
    fn a_neutral_input_stops_and_keeps_its_choices() {
        let d = arena();
        assert_eq!(d.neutral(&input(1, -1, 700, true)), input(0, 0, 700, false));
        assert_eq!(d.neutral(&Record::new()), input(0, 0, 0, false));
        let d = InputDesc {
            fields: vec![
                FieldDesc::new("gear", WireType::Int { min: 1, max: 5 }),
                FieldDesc::new("say", WireType::Text { max_bytes: 8 }),
                FieldDesc::new(
                    "team",
                    WireType::Enum {
                        variants: vec!["a".into(), "b".into()],
                    },
                ),
            ],
            intent: vec![Intent::Always; 3],
        };
        let last = Record::build(|w| {
            w.value(4).text("hi").value(1);
        });
        let want = Record::build(|w| {
            w.value(1).text("hi").value(1);
        });
        assert_eq!(d.neutral(&last), want);
    }
}

//! `PlayerInput`: one of a player's inputs as the room holds it, its record decoded once, on
//! arrival, by the schema's input layout.

use tickwire_protocol::{CodecError, Input, InputDesc, Intent, Record, RecordLayout, read_record};

/// An input, decoded: its sequence number, the tick the client was showing when it sampled it,
/// and its record of the schema's input fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlayerInput {
    /// Increases by one per input.
    pub seq: u32,
    /// The server tick of the world the client was showing (0: unknown).
    pub view_tick: u32,
    /// The input's values.
    pub record: Record,
}

impl PlayerInput {
    /// Input `seq` holding `record`, with no view tick.
    pub fn new(seq: u32, record: Record) -> PlayerInput {
        PlayerInput {
            seq,
            view_tick: 0,
            record,
        }
    }

    /// Decodes `input`'s record by `layout` (the schema's input); an error for a record that
    /// does not decode, which ends the session that sent it.
    pub fn decode(input: &Input, layout: &RecordLayout) -> Result<PlayerInput, CodecError> {
        Ok(PlayerInput {
            seq: input.seq,
            view_tick: input.view_tick,
            record: read_record(layout, &input.data)?,
        })
    }
}

/// True when `record` acts (the arena's shot): a `bool` field that another field's intent
/// depends on (`When`) is true. A schema with no such flag: every input acts. The room counts
/// inputs that act on the past (lag compensation) by it.
pub(crate) fn acts(input: &InputDesc, record: &Record) -> bool {
    let mut flags = input.intent.iter().filter_map(|i| match i {
        Intent::When(j) => Some(usize::from(*j)),
        _ => None,
    });
    let Some(first) = flags.next() else {
        return true;
    };
    std::iter::once(first).chain(flags).any(|j| {
        let start: usize = input.fields.iter().take(j).map(|f| f.ty.slots()).sum();
        record.slots().get(start).is_some_and(|&v| v != 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tickwire_protocol::{FieldDesc, WireType, write_record};

    fn arena() -> InputDesc {
        InputDesc {
            fields: vec![
                FieldDesc::new("move", WireType::Vec2 { step: 1.0 }),
                FieldDesc::new("aim", WireType::Angle { bits: 8 }),
                FieldDesc::new("fire", WireType::Bool),
            ],
            intent: vec![Intent::Always, Intent::When(2), Intent::Always],
        }
    }

    #[test]
    fn a_record_decodes_once_or_is_refused() {
        let layout = RecordLayout::new(&arena().fields).expect("valid");
        let record = Record::build(|w| {
            w.values(&[1, -1, 200, 1]);
        });
        let mut data = Vec::new();
        write_record(&layout, &record, &mut data);
        let input = Input {
            seq: 4,
            view_tick: 9,
            data,
        };
        let decoded = PlayerInput::decode(&input, &layout).expect("decodes");
        assert_eq!((decoded.seq, decoded.view_tick), (4, 9));
        assert_eq!(decoded.record, record);
        let broken = Input {
            data: vec![0xff; 9],
            ..input
        };
        assert!(PlayerInput::decode(&broken, &layout).is_err());
    }

    #[test]
    fn an_input_acts_when_its_flag_is_set() {
        let r = |fire| {
            Record::build(|w| {
                w.values(&[0, 0, 3, fire]);
            })
        };
        assert!(acts(&arena(), &r(1)));
        assert!(!acts(&arena(), &r(0)));
        assert!(acts(&InputDesc::default(), &Record::new()));
    }
}

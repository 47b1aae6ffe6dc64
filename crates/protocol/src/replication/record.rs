//! Records: the value of a flat list of fields with no id and no kind, packed in full. A
//! player's input, an event and the like travel as records.
//!
//! The bytes (bits least significant first, as the delta body's `crate::bits`), slot by slot in
//! field order (a `Vec2` is two slots, x then y):
//!
//! ```text
//! Fixed, Vec2 component     varbits(zigzag(v))
//! Int { min, max }          v - min in width(max - min) bits (none when min == max)
//! Angle, Bool, Enum, Color  the value in the type's bits (bits, 1, enough for the last index, 24)
//! Text { max_bytes }        varbits(byte length), then the bytes, 8 bits each (a longer text is
//!                           cut at a character boundary to max_bytes before it is written)
//! zero padding to a whole byte
//! ```
//!
//! A reader refuses a value out of its slot's range, a text over its length or not UTF-8,
//! running out of bits, and more than 7 bits or non-zero bits after the last slot. An empty field
//! list is an empty record, zero bytes. A record is at most [`MAX_RECORD_BYTES`] in a message.

use std::sync::Arc;

use super::decode::get_text;
use super::encode::put_text;
use super::replicate::Replicate;
use super::schema::{FieldDesc, KindId, KindLayout, SchemaError, SlotInfo, compile_fields};
use super::wire_type::FullCoding;
use super::world::{EntityWriter, World};
use crate::bits::{BitReader, BitWriter, unzigzag, width, zigzag};
use crate::{CodecError, EntityId, Tick};

/// Longest record a message carries, in bytes; decoders refuse a longer one before reading it.
pub const MAX_RECORD_BYTES: usize = 1024;

/// A list of fields compiled for [`write_record`] and [`read_record`] (with the same rules as an
/// entity kind's fields, which a `Schema` compiles its input and event kinds with).
#[derive(Clone, Debug, PartialEq)]
pub struct RecordLayout {
    fields: Vec<FieldDesc>,
    layout: KindLayout,
}

impl RecordLayout {
    /// Checks `fields` and compiles them.
    pub fn new(fields: &[FieldDesc]) -> Result<RecordLayout, SchemaError> {
        RecordLayout::compile("record", fields)
    }

    /// [`RecordLayout::new`], with errors naming the fields as `what`'s.
    pub(crate) fn compile(what: &str, fields: &[FieldDesc]) -> Result<RecordLayout, SchemaError> {
        Ok(RecordLayout {
            fields: fields.to_vec(),
            layout: compile_fields(what, fields, None)?,
        })
    }

    /// The fields, in order.
    pub fn fields(&self) -> &[FieldDesc] {
        &self.fields
    }

    /// The slots, in order (two for a vector field).
    pub fn slots(&self) -> &[SlotInfo] {
        &self.layout.slots
    }

    /// A record of these fields with every number at 0 (or the end of its range nearest 0),
    /// every flag false, the first variant of every enum and every text empty: what a client
    /// that knows nothing of the game can send.
    pub fn default_record(&self) -> Record {
        Record::build(|w| {
            for s in &self.layout.slots {
                match s.full {
                    FullCoding::Text => w.text(""),
                    _ => w.value(0.clamp(s.min, s.max)),
                };
            }
        })
    }
}

/// The values of a list of fields: quantized slots (as an entity's, see [`World`]) and texts.
///
/// A derived type reads and writes itself as a record as it does as an entity
/// ([`Record::of`], [`Record::read`]); a record is also built slot by slot ([`Record::build`]).
/// Inside, it is a world of one entity, so that [`Replicate`] works on it unchanged.
#[derive(Debug, PartialEq, Eq)]
pub struct Record {
    world: World,
}

impl Default for Record {
    fn default() -> Record {
        Record::new()
    }
}

impl Clone for Record {
    fn clone(&self) -> Record {
        Record {
            world: self.world.clone(),
        }
    }

    /// Copies `source` into this record's buffers (no allocation once they are large enough).
    fn clone_from(&mut self, source: &Record) {
        self.world.clone_from(&source.world);
    }
}

impl Record {
    /// The empty record (no slots): the value of an empty field list.
    pub fn new() -> Record {
        Record::build(|_| {})
    }

    /// `value` as a record of its type's fields.
    pub fn of<T: Replicate>(value: &T) -> Record {
        Record::build(|w| value.write(w))
    }

    /// A record whose slots `write` writes in order (as [`World::push`]'s writer does).
    pub fn build(write: impl FnOnce(&mut EntityWriter<'_>)) -> Record {
        let mut world = World::new(Tick(0));
        write(&mut world.push(EntityId(0), KindId(0)));
        Record { world }
    }

    /// The record as a `T`, or `None` when it is not of `T`'s shape (another number of slots, a
    /// value out of its field's range).
    pub fn read<T: Replicate>(&self) -> Option<T> {
        T::read(&self.world, 0)
    }

    /// The quantized slots, in order (a text slot holds its text's number, see
    /// [`Record::text`]).
    pub fn slots(&self) -> &[i32] {
        self.world.slots(0)
    }

    /// Text number `k` (the value of a text slot); empty when there is none.
    pub fn text(&self, k: i32) -> &str {
        self.world.text(0, k)
    }
}

/// Appends `record` as a record of `layout` to `out`. A record of another shape is written as
/// one of the layout: a missing slot as the layout's default (see
/// [`RecordLayout::default_record`]), a value out of range clamped into it, extra slots left out.
pub fn write_record(layout: &RecordLayout, record: &Record, out: &mut Vec<u8>) {
    let slots = record.slots();
    let mut bw = BitWriter::new(out);
    for (i, info) in layout.slots().iter().enumerate() {
        let v = slots.get(i).copied().unwrap_or(0).clamp(info.min, info.max);
        match info.full {
            FullCoding::Signed => bw.varbits(zigzag(v)),
            FullCoding::Offset { min } => bw.put(offset(v, min), width(offset(info.max, min))),
            FullCoding::Raw { bits } => bw.put(v as u32, u32::from(bits)),
            FullCoding::Text => {
                let max = match info.coding {
                    super::wire_type::SlotCoding::Text { max_bytes } => max_bytes,
                    _ => 0,
                };
                let text = if slots.get(i).is_some() {
                    record.text(v)
                } else {
                    ""
                };
                put_text(&mut bw, text, max);
            }
        }
    }
    bw.finish();
}

/// Reads `bytes` as a record of `layout`. Never panics; refuses more than [`MAX_RECORD_BYTES`]
/// before reading, and allocates at most in proportion to `bytes`.
pub fn read_record(layout: &RecordLayout, bytes: &[u8]) -> Result<Record, CodecError> {
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(CodecError::TooLarge {
            len: bytes.len(),
            limit: MAX_RECORD_BYTES,
        });
    }
    let out_of_range = || CodecError::Invalid("a record value out of its type's range");
    let mut br = BitReader::new(bytes);
    let mut world = World::new(Tick(0));
    let mut w = world.push(EntityId(0), KindId(0));
    for info in layout.slots() {
        match info.full {
            FullCoding::Signed => {
                w.value(unzigzag(br.varbits()?));
            }
            FullCoding::Offset { min } => {
                let span = offset(info.max, min);
                let v = br.get(width(span))?;
                if v > span {
                    return Err(out_of_range());
                }
                w.value((i64::from(min) + i64::from(v)) as i32);
            }
            FullCoding::Raw { bits } => {
                let v = br.get(u32::from(bits))? as i32;
                if v < info.min || v > info.max {
                    return Err(out_of_range());
                }
                w.value(v);
            }
            FullCoding::Text => {
                let max = match info.coding {
                    super::wire_type::SlotCoding::Text { max_bytes } => max_bytes,
                    _ => 0,
                };
                let text: Arc<str> = get_text(&mut br, max)?;
                w.text_arc(text);
            }
        }
    }
    br.finish()?;
    Ok(Record { world })
}

/// `v - min` as an unsigned count (exact for any two `i32`s, `v >= min`).
fn offset(v: i32, min: i32) -> u32 {
    (i64::from(v) - i64::from(min)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replication::WireType;

    fn layout(types: &[WireType]) -> RecordLayout {
        let fields: Vec<FieldDesc> = types
            .iter()
            .enumerate()
            .map(|(i, t)| FieldDesc::new(format!("f{i}"), t.clone()))
            .collect();
        RecordLayout::new(&fields).expect("valid")
    }

    fn bytes(layout: &RecordLayout, r: &Record) -> Vec<u8> {
        let mut out = Vec::new();
        write_record(layout, r, &mut out);
        out
    }

    #[test]
    fn an_empty_record_is_no_bytes() {
        let l = layout(&[]);
        assert!(bytes(&l, &Record::new()).is_empty());
        assert_eq!(read_record(&l, &[]).expect("empty"), Record::new());
        assert!(read_record(&l, &[0]).is_err(), "a whole byte too many");
    }

    #[test]
    fn each_type_packs_as_specified() {
        // Int -1..=1 of 1 (offset 2, 2 bits), Bool true, Angle 16 of 0x8001: 2 + 1 + 16 bits.
        let l = layout(&[
            WireType::Int { min: -1, max: 1 },
            WireType::Bool,
            WireType::Angle { bits: 16 },
        ]);
        let r = Record::build(|w| {
            w.values(&[1, 1, 0x8001]);
        });
        let b = bytes(&l, &r);
        assert_eq!(b, vec![0b0000_1110, 0x00, 0b0000_0100]);
        assert_eq!(read_record(&l, &b).expect("reads"), r);
        // Fixed -3: zigzag 5, varbits = width 3 in 6 bits, then 101.
        let l = layout(&[WireType::Fixed { step: 1.0 }]);
        let r = Record::build(|w| {
            w.value(-3);
        });
        assert_eq!(bytes(&l, &r), vec![0b0100_0011, 0b0000_0001]);
        // A constant Int takes no bits at all.
        let l = layout(&[WireType::Int { min: 7, max: 7 }]);
        let r = Record::build(|w| {
            w.value(7);
        });
        assert!(bytes(&l, &r).is_empty());
        assert_eq!(read_record(&l, &[]).expect("reads"), r);
    }

    #[test]
    fn texts_are_cut_to_their_length_at_a_character() {
        let l = layout(&[WireType::Text { max_bytes: 4 }]);
        let r = Record::build(|w| {
            w.text("añbc");
        });
        let back = read_record(&l, &bytes(&l, &r)).expect("reads");
        assert_eq!(back.text(0), "añb");
    }

    #[test]
    fn readers_refuse_what_no_writer_writes() {
        let l = layout(&[WireType::Enum {
            variants: vec!["a".into(), "b".into(), "c".into()],
        }]);
        assert!(read_record(&l, &[3]).is_err(), "index 3 of 3 variants");
        assert!(read_record(&l, &[2]).is_ok());
        assert!(read_record(&l, &[0b110]).is_err(), "non-zero padding");
        assert!(read_record(&l, &[2, 0]).is_err(), "a trailing byte");
        let l = layout(&[WireType::Int { min: 0, max: 4 }]);
        assert!(read_record(&l, &[5]).is_err(), "5 of 0..=4");
        let l = layout(&[WireType::Text { max_bytes: 2 }]);
        let mut b = Vec::new();
        let mut bw = BitWriter::new(&mut b);
        bw.varbits(3);
        for c in b"abc" {
            bw.put(u32::from(*c), 8);
        }
        bw.finish();
        assert!(read_record(&l, &b).is_err(), "a text over its length");
        let l = layout(&[WireType::Bool]);
        assert!(read_record(&l, &[]).is_err(), "ends early");
        assert!(matches!(
            read_record(&l, &[0; MAX_RECORD_BYTES + 1]),
            Err(CodecError::TooLarge { .. })
        ));
    }

    #[test]
    fn a_record_of_another_shape_writes_as_the_layout() {
        let l = layout(&[WireType::Int { min: 2, max: 5 }, WireType::Bool]);
        let r = Record::build(|w| {
            w.value(99);
        });
        let back = read_record(&l, &bytes(&l, &r)).expect("reads");
        assert_eq!(back.slots(), &[5, 0]);
        assert_eq!(l.default_record().slots(), &[2, 0]);
    }
}

//! `RecordView`: a [`Record`]'s fields read by name and dequantized, for code that has no Rust
//! type of the game's (a generic client reading an event, a test).

use super::record::Record;
use super::schema::FieldDesc;
use super::wire_type::WireType;

/// A record read through its fields (an input's, or an event kind's).
#[derive(Clone, Copy, Debug)]
pub struct RecordView<'a> {
    fields: &'a [FieldDesc],
    record: &'a Record,
}

impl<'a> RecordView<'a> {
    /// `record`, read as the values of `fields`.
    pub fn new(fields: &'a [FieldDesc], record: &'a Record) -> RecordView<'a> {
        RecordView { fields, record }
    }

    /// The fields.
    pub fn fields(&self) -> &'a [FieldDesc] {
        self.fields
    }

    /// The field called `name`: its wire type and its slots.
    fn slots_of(&self, name: &str) -> Option<(&'a WireType, &'a [i32])> {
        field_slots(self.fields, self.record.slots(), name)
    }

    /// A number field (fixed, angle in radians, integer, enum index, colour), dequantized;
    /// `None` when there is no such field or it is a vector or a text.
    pub fn number(&self, name: &str) -> Option<f64> {
        self.slots_of(name).and_then(number)
    }

    /// A vector field, dequantized.
    pub fn vec2(&self, name: &str) -> Option<[f64; 2]> {
        self.slots_of(name).and_then(vec2)
    }

    /// A boolean field.
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.slots_of(name).and_then(flag)
    }

    /// A text field.
    pub fn text(&self, name: &str) -> Option<&'a str> {
        self.slots_of(name)
            .and_then(text_index)
            .map(|k| self.record.text(k))
    }

    /// The slots of the field called `name`, as they travel (quantized).
    pub fn raw(&self, name: &str) -> Option<&'a [i32]> {
        self.slots_of(name).map(|(_, s)| s)
    }
}

/// The wire type and slots of the field called `name` among `fields`, whose values are `slots`.
pub(crate) fn field_slots<'a>(
    fields: &'a [FieldDesc],
    slots: &'a [i32],
    name: &str,
) -> Option<(&'a WireType, &'a [i32])> {
    let mut at = 0;
    for f in fields {
        if f.name == name {
            return Some((&f.ty, slots.get(at..at + f.ty.slots())?));
        }
        at += f.ty.slots();
    }
    None
}

/// A number field's value, dequantized (`None` for a vector or a text).
pub(crate) fn number((ty, slots): (&WireType, &[i32])) -> Option<f64> {
    match (ty, slots) {
        (WireType::Vec2 { .. } | WireType::Text { .. }, _) => None,
        (ty, [v]) => Some(ty.dequantize(*v)),
        _ => None,
    }
}

/// A vector field's value, dequantized.
pub(crate) fn vec2((ty, slots): (&WireType, &[i32])) -> Option<[f64; 2]> {
    match (ty, slots) {
        (WireType::Vec2 { .. }, [x, y]) => Some([ty.dequantize(*x), ty.dequantize(*y)]),
        _ => None,
    }
}

/// A boolean field's value.
pub(crate) fn flag((ty, slots): (&WireType, &[i32])) -> Option<bool> {
    match (ty, slots) {
        (WireType::Bool, [v]) => Some(*v != 0),
        _ => None,
    }
}

/// A text field's index among its owner's texts.
pub(crate) fn text_index((ty, slots): (&WireType, &[i32])) -> Option<i32> {
    match (ty, slots) {
        (WireType::Text { .. }, [k]) => Some(*k),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_by_name() {
        let fields = [
            FieldDesc::new("killer", WireType::Int { min: 0, max: 99 }),
            FieldDesc::new("at", WireType::Vec2 { step: 0.5 }),
            FieldDesc::new("headshot", WireType::Bool),
            FieldDesc::new("weapon", WireType::Text { max_bytes: 8 }),
        ];
        let r = Record::build(|w| {
            w.values(&[7, 3, -4, 1]).text("rail");
        });
        let v = RecordView::new(&fields, &r);
        assert_eq!(v.number("killer"), Some(7.0));
        assert_eq!(v.vec2("at"), Some([1.5, -2.0]));
        assert_eq!(v.flag("headshot"), Some(true));
        assert_eq!(v.text("weapon"), Some("rail"));
        assert_eq!(v.raw("at"), Some(&[3, -4][..]));
        assert_eq!(v.number("at"), None);
        assert_eq!(v.flag("nope"), None);
    }
}

//! `Schema`: a game's declaration of its replicated data (entity kinds and their fields), checked
//! once and compiled into the slot tables the delta codec walks.

use serde::{Deserialize, Serialize};

use super::wire_type::{FullCoding, SlotCoding, WireType};
use crate::codec::wire_config;

/// Most entity kinds a schema may declare.
pub const MAX_KINDS: usize = 256;

/// Most slots one kind may hold (a [`WireType::Vec2`] field takes two).
pub const MAX_SLOTS: usize = 64;

/// Longest name (of a game, kind, field or enum variant), in bytes.
pub const MAX_SCHEMA_NAME: usize = 64;

/// An entity kind's index in its schema. Fixed for the life of an entity id.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct KindId(pub u16);

/// The hash a schema is named by: FNV-1a (64 bits) over its wire bytes. A client that decodes
/// snapshots for one schema refuses a server whose hash differs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SchemaHash(pub u64);

impl std::fmt::Display for SchemaHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "0x{:016x}", self.0)
    }
}

/// One replicated field of an entity kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldDesc {
    /// The field's name, as clients read it (`pos`, `hp`, `it`).
    pub name: String,
    /// Its wire type and precision.
    pub ty: WireType,
    /// Predict the field linearly from the two worlds before it (for fields that move steadily):
    /// a steady motion then costs almost nothing. Only for fixed-point and integer fields.
    pub predict: bool,
    /// A hint to clients: draw the field interpolated between snapshots (numbers, vectors and
    /// angles only).
    pub interpolate: bool,
}

impl FieldDesc {
    /// A field of type `ty`, neither predicted nor interpolated.
    pub fn new(name: impl Into<String>, ty: WireType) -> FieldDesc {
        FieldDesc {
            name: name.into(),
            ty,
            predict: false,
            interpolate: false,
        }
    }

    /// This field, predicted from its motion and interpolated by clients.
    pub fn moving(mut self) -> FieldDesc {
        self.predict = true;
        self.interpolate = true;
        self
    }

    /// This field, interpolated by clients.
    pub fn interpolated(mut self) -> FieldDesc {
        self.interpolate = true;
        self
    }
}

/// One kind of entity and its fields, in slot order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KindDesc {
    /// The kind's name (`player`, `flag`).
    pub name: String,
    /// Its fields.
    pub fields: Vec<FieldDesc>,
    /// The index of the [`WireType::Vec2`] field that is the entity's position, which area of
    /// interest follows; `None` for an entity everyone sees wherever it is.
    pub position: Option<u8>,
}

impl KindDesc {
    /// A kind with these fields and no position.
    pub fn new(name: impl Into<String>, fields: Vec<FieldDesc>) -> KindDesc {
        KindDesc {
            name: name.into(),
            fields,
            position: None,
        }
    }

    /// This kind, placed in the world by its field called `field` (a vector).
    pub fn positioned_by(mut self, field: &str) -> KindDesc {
        self.position = self
            .fields
            .iter()
            .position(|f| f.name == field)
            .and_then(|i| u8::try_from(i).ok());
        self
    }
}

/// What a schema declares, as it travels on the wire. [`Schema`] is the checked form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SchemaDesc {
    /// The game's name (`arena`, `tag`).
    pub game: String,
    /// The game's own version of its data; a change that breaks old clients should bump it.
    pub version: u32,
    /// The entity kinds; an entity's [`KindId`] is its kind's index here.
    pub kinds: Vec<KindDesc>,
}

/// One slot of a kind, as the codec sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlotInfo {
    /// How its changes are packed.
    pub coding: SlotCoding,
    /// How its value is packed when the entity is sent in full.
    pub full: FullCoding,
    /// The smallest value the slot may hold.
    pub min: i32,
    /// The largest value the slot may hold.
    pub max: i32,
    /// Whether it is predicted from motion.
    pub predict: bool,
    /// The field it belongs to (an index into the kind's fields).
    pub field: u8,
}

/// A kind compiled for the codec.
#[derive(Clone, Debug, PartialEq)]
pub struct KindLayout {
    /// Its slots in order.
    pub slots: Vec<SlotInfo>,
    /// The first of the two slots of its position, and the position's step.
    pub position: Option<(usize, f32)>,
    /// Whether any slot is text (worlds then re-index texts when they copy it).
    pub has_text: bool,
}

/// A checked schema: the declaration, its hash and its slot tables. Built with [`Schema::new`]
/// (or decoded from the wire, which checks the same way).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SchemaDesc", into = "SchemaDesc")]
pub struct Schema {
    desc: SchemaDesc,
    hash: SchemaHash,
    layouts: Vec<KindLayout>,
}

/// Why a declaration is not a usable schema.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("schema {where_}: {why}")]
pub struct SchemaError {
    /// Which kind or field.
    pub where_: String,
    /// What is wrong with it.
    pub why: &'static str,
}

impl Schema {
    /// Checks a declaration and compiles it.
    pub fn new(desc: SchemaDesc) -> Result<Schema, SchemaError> {
        let err = |where_: String, why| SchemaError { where_, why };
        check_name(&desc.game).map_err(|why| err("game name".into(), why))?;
        if desc.kinds.is_empty() || desc.kinds.len() > MAX_KINDS {
            return Err(err("kinds".into(), "a schema declares 1 to 256 kinds"));
        }
        let mut layouts = Vec::with_capacity(desc.kinds.len());
        for (i, kind) in desc.kinds.iter().enumerate() {
            check_name(&kind.name).map_err(|why| err(format!("kind {:?}", kind.name), why))?;
            if desc.kinds[..i].iter().any(|k| k.name == kind.name) {
                return Err(err(
                    format!("kind {:?}", kind.name),
                    "two kinds share a name",
                ));
            }
            layouts.push(compile_kind(kind)?);
        }
        let mut bytes = Vec::new();
        bincode::serde::encode_into_std_write(&desc, &mut bytes, wire_config())
            .map_err(|_| err("encoding".into(), "cannot be encoded"))?;
        Ok(Schema {
            hash: SchemaHash(fnv1a(&bytes)),
            desc,
            layouts,
        })
    }

    /// The declaration.
    pub fn desc(&self) -> &SchemaDesc {
        &self.desc
    }

    /// The hash snapshots and clients name this schema by.
    pub fn hash(&self) -> SchemaHash {
        self.hash
    }

    /// The kinds' slot tables, indexed by [`KindId`].
    pub fn layouts(&self) -> &[KindLayout] {
        &self.layouts
    }

    /// The slot table of `kind`, if the schema declares it.
    pub fn layout(&self, kind: KindId) -> Option<&KindLayout> {
        self.layouts.get(usize::from(kind.0))
    }

    /// The kind called `name`.
    pub fn kind(&self, name: &str) -> Option<KindId> {
        self.desc
            .kinds
            .iter()
            .position(|k| k.name == name)
            .map(|i| KindId(i as u16))
    }

    /// True when some slot of some kind is predicted from motion.
    pub fn predicts(&self) -> bool {
        self.layouts
            .iter()
            .any(|l| l.slots.iter().any(|s| s.predict))
    }
}

impl TryFrom<SchemaDesc> for Schema {
    type Error = SchemaError;

    fn try_from(desc: SchemaDesc) -> Result<Schema, SchemaError> {
        Schema::new(desc)
    }
}

impl From<Schema> for SchemaDesc {
    fn from(schema: Schema) -> SchemaDesc {
        schema.desc
    }
}

fn check_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > MAX_SCHEMA_NAME {
        return Err("a name takes 1 to 64 bytes");
    }
    if name.chars().any(char::is_control) {
        return Err("a name has no control characters");
    }
    Ok(())
}

fn compile_kind(kind: &KindDesc) -> Result<KindLayout, SchemaError> {
    let err = |field: &str, why| SchemaError {
        where_: format!("kind {:?} field {field:?}", kind.name),
        why,
    };
    let mut layout = KindLayout {
        slots: Vec::new(),
        position: None,
        has_text: false,
    };
    for (i, f) in kind.fields.iter().enumerate() {
        check_name(&f.name).map_err(|why| err(&f.name, why))?;
        f.ty.check().map_err(|why| err(&f.name, why))?;
        if kind.fields[..i].iter().any(|g| g.name == f.name) {
            return Err(err(&f.name, "two fields share a name"));
        }
        if let WireType::Enum { variants } = &f.ty {
            for v in variants {
                check_name(v).map_err(|why| err(&f.name, why))?;
            }
        }
        let coding = f.ty.coding();
        let predictable = matches!(
            f.ty,
            WireType::Fixed { .. } | WireType::Vec2 { .. } | WireType::Int { .. }
        );
        if f.predict && !predictable {
            return Err(err(&f.name, "only numbers and vectors can be predicted"));
        }
        if f.interpolate && !matches!(coding, SlotCoding::Residual { .. }) {
            return Err(err(&f.name, "only numbers, vectors and angles interpolate"));
        }
        if Some(i) == kind.position.map(usize::from) {
            let WireType::Vec2 { step } = f.ty else {
                return Err(err(&f.name, "a position must be a vector"));
            };
            layout.position = Some((layout.slots.len(), step));
        }
        layout.has_text |= matches!(coding, SlotCoding::Text { .. });
        let (min, max) = f.ty.range();
        for _ in 0..f.ty.slots() {
            layout.slots.push(SlotInfo {
                coding,
                full: f.ty.full_coding(),
                min,
                max,
                predict: f.predict,
                field: i as u8,
            });
        }
        if layout.slots.len() > MAX_SLOTS {
            return Err(err(&f.name, "a kind holds at most 64 slots"));
        }
    }
    if kind.position.is_some() && layout.position.is_none() {
        return Err(err("(position)", "the position names no field"));
    }
    Ok(layout)
}

/// FNV-1a, 64 bits: small, stable across platforms and easy to repeat in JavaScript.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag() -> SchemaDesc {
        SchemaDesc {
            game: "tag".into(),
            version: 1,
            kinds: vec![
                KindDesc::new(
                    "runner",
                    vec![
                        FieldDesc::new("pos", WireType::Vec2 { step: 0.0625 }).moving(),
                        FieldDesc::new("it", WireType::Bool),
                        FieldDesc::new("name", WireType::Text { max_bytes: 24 }),
                    ],
                )
                .positioned_by("pos"),
            ],
        }
    }

    #[test]
    fn a_schema_compiles_to_slots_and_survives_the_wire() {
        let schema = Schema::new(tag()).expect("valid");
        let l = &schema.layouts()[0];
        assert_eq!(l.slots.len(), 4);
        assert_eq!(l.position, Some((0, 0.0625)));
        assert!(l.has_text && schema.predicts());
        let mut bytes = Vec::new();
        bincode::serde::encode_into_std_write(&schema, &mut bytes, wire_config()).expect("encodes");
        let (back, _): (Schema, usize) =
            bincode::serde::decode_from_slice(&bytes, wire_config()).expect("decodes");
        assert_eq!(back, schema);
        assert_eq!(back.hash(), SchemaHash(fnv1a(&bytes)));
    }

    #[test]
    fn a_change_to_any_field_changes_the_hash() {
        let a = Schema::new(tag()).expect("valid").hash();
        let mut d = tag();
        d.kinds[0].fields[2].ty = WireType::Text { max_bytes: 25 };
        assert_ne!(Schema::new(d).expect("valid").hash(), a);
    }

    #[test]
    fn declarations_that_cannot_work_are_refused_with_where() {
        let mut d = tag();
        d.kinds[0].fields[1].predict = true;
        let e = Schema::new(d).expect_err("a predicted bool");
        assert!(e.to_string().contains("\"it\""), "{e}");
        let mut d = tag();
        d.kinds[0].position = Some(1);
        assert!(Schema::new(d).is_err());
        let mut d = tag();
        d.kinds[0]
            .fields
            .push(FieldDesc::new("it", WireType::Color));
        assert!(Schema::new(d).is_err());
        let mut d = tag();
        d.kinds.clear();
        assert!(Schema::new(d).is_err());
    }
}

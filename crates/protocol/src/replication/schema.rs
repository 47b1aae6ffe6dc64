//! `Schema`: a game's declaration of its data on the wire (entity kinds and their fields, what a
//! player sends, the events and the score columns), checked once and compiled into the slot
//! tables the delta and record codecs walk.

use serde::{Deserialize, Serialize};

use super::input_desc::{InputDesc, Intent};
use super::record::RecordLayout;
use super::score_column::ScoreColumn;
use super::wire_type::{FullCoding, SlotCoding, WireType};
use crate::codec::wire_config;

/// Most entity kinds a schema may declare.
pub const MAX_KINDS: usize = 256;

/// Most slots one kind may hold (a [`WireType::Vec2`] field takes two).
pub const MAX_SLOTS: usize = 64;

/// Longest name (of a game, kind, field, enum variant or score column), in bytes.
pub const MAX_SCHEMA_NAME: usize = 64;

/// Most fields a player's input may hold.
pub const MAX_INPUT_FIELDS: usize = 64;

/// Most event kinds a schema may declare.
pub const MAX_EVENT_KINDS: usize = 256;

/// Most score columns a schema may declare.
pub const MAX_SCORE_COLUMNS: usize = 16;

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
///
/// The order of the fields is their order on the wire, and so part of the [`SchemaHash`]. The
/// default is an empty declaration, for filling in the rest with `..SchemaDesc::default()`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SchemaDesc {
    /// The game's name (`arena`, `tag`).
    pub game: String,
    /// The game's own version of its data; a change that breaks old clients should bump it.
    pub version: u32,
    /// The entity kinds; an entity's [`KindId`] is its kind's index here. The map's features
    /// (`MapInfo::features`) are entities of these kinds too.
    pub kinds: Vec<KindDesc>,
    /// What a player sends each tick: the fields of its input record and when each counts.
    pub input: InputDesc,
    /// The event kinds (a name and fields, no position); a `GameEventMsg`'s `kind` is an index
    /// here.
    pub events: Vec<KindDesc>,
    /// The scoreboard's columns, in display order.
    pub scores: Vec<ScoreColumn>,
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
    input: RecordLayout,
    events: Vec<RecordLayout>,
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
        let input = check_input(&desc.input)?;
        let events = check_events(&desc.events)?;
        check_scores(&desc.scores)?;
        let mut bytes = Vec::new();
        bincode::serde::encode_into_std_write(&desc, &mut bytes, wire_config())
            .map_err(|_| err("encoding".into(), "cannot be encoded"))?;
        Ok(Schema {
            hash: SchemaHash(fnv1a(&bytes)),
            desc,
            layouts,
            input,
            events,
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

    /// The layout of a player's input record (`Input::data`).
    pub fn input(&self) -> &RecordLayout {
        &self.input
    }

    /// The layout of the records of event kind `kind` (`GameEventMsg::data`), if the schema
    /// declares it.
    pub fn event_layout(&self, kind: u16) -> Option<&RecordLayout> {
        self.events.get(usize::from(kind))
    }

    /// The event kind called `name`.
    pub fn event(&self, name: &str) -> Option<u16> {
        self.desc
            .events
            .iter()
            .position(|k| k.name == name)
            .and_then(|i| u16::try_from(i).ok())
    }

    /// The index of the score column called `name`.
    pub fn score_column(&self, name: &str) -> Option<usize> {
        self.desc.scores.iter().position(|c| c.name == name)
    }

    /// The rating of a score line: each column times its weight, summed (saturating at the
    /// ends of `i32`). Missing columns count as 0, extra ones are ignored.
    pub fn rating(&self, columns: &[i32]) -> i32 {
        super::score_column::rating(&self.desc.scores, columns)
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

pub(crate) fn check_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > MAX_SCHEMA_NAME {
        return Err("a name takes 1 to 64 bytes");
    }
    if name.chars().any(char::is_control) {
        return Err("a name has no control characters");
    }
    Ok(())
}

/// The input's fields compiled as a record, after the input's own rules: at most
/// [`MAX_INPUT_FIELDS`] fields, one [`Intent`] each, and every `When(i)` naming a boolean field
/// other than its own.
fn check_input(input: &InputDesc) -> Result<RecordLayout, SchemaError> {
    let err = |where_: String, why| SchemaError { where_, why };
    if input.fields.len() > MAX_INPUT_FIELDS {
        return Err(err("input".into(), "an input holds at most 64 fields"));
    }
    if input.intent.len() != input.fields.len() {
        return Err(err("input".into(), "an input has one intent per field"));
    }
    for (i, (field, intent)) in input.fields.iter().zip(&input.intent).enumerate() {
        if let Intent::When(j) = *intent {
            let where_ = || format!("input field {:?}", field.name);
            let Some(flag) = input.fields.get(usize::from(j)) else {
                return Err(err(where_(), "its intent names no field"));
            };
            if usize::from(j) == i {
                return Err(err(
                    where_(),
                    "a field cannot count only while itself is true",
                ));
            }
            if flag.ty != WireType::Bool {
                return Err(err(where_(), "its intent must name a bool field"));
            }
        }
    }
    RecordLayout::compile("input", &input.fields)
}

/// The event kinds compiled as records: at most [`MAX_EVENT_KINDS`], names as a kind's, unique,
/// and no position.
fn check_events(events: &[KindDesc]) -> Result<Vec<RecordLayout>, SchemaError> {
    let err = |where_: String, why| SchemaError { where_, why };
    if events.len() > MAX_EVENT_KINDS {
        return Err(err(
            "events".into(),
            "a schema declares at most 256 event kinds",
        ));
    }
    let mut layouts = Vec::with_capacity(events.len());
    for (i, event) in events.iter().enumerate() {
        let where_ = || format!("event {:?}", event.name);
        check_name(&event.name).map_err(|why| err(where_(), why))?;
        if events[..i].iter().any(|e| e.name == event.name) {
            return Err(err(where_(), "two event kinds share a name"));
        }
        if event.position.is_some() {
            return Err(err(where_(), "an event has no position"));
        }
        layouts.push(RecordLayout::compile(
            &format!("event {:?}", event.name),
            &event.fields,
        )?);
    }
    Ok(layouts)
}

/// At most [`MAX_SCORE_COLUMNS`] columns, named as anything else is, no two alike.
fn check_scores(scores: &[ScoreColumn]) -> Result<(), SchemaError> {
    let err = |where_: String, why| SchemaError { where_, why };
    if scores.len() > MAX_SCORE_COLUMNS {
        return Err(err(
            "scores".into(),
            "a schema declares at most 16 score columns",
        ));
    }
    for (i, column) in scores.iter().enumerate() {
        let where_ = || format!("score column {:?}", column.name);
        check_name(&column.name).map_err(|why| err(where_(), why))?;
        if scores[..i].iter().any(|c| c.name == column.name) {
            return Err(err(where_(), "two score columns share a name"));
        }
    }
    Ok(())
}

fn compile_kind(kind: &KindDesc) -> Result<KindLayout, SchemaError> {
    compile_fields(
        &format!("kind {:?}", kind.name),
        &kind.fields,
        kind.position,
    )
}

/// The slot table of `fields` (a kind's, or a record's with no position); `what` names them in
/// errors.
pub(crate) fn compile_fields(
    what: &str,
    fields: &[FieldDesc],
    position: Option<u8>,
) -> Result<KindLayout, SchemaError> {
    let err = |field: &str, why| SchemaError {
        where_: format!("{what} field {field:?}"),
        why,
    };
    let mut layout = KindLayout {
        slots: Vec::new(),
        position: None,
        has_text: false,
    };
    for (i, f) in fields.iter().enumerate() {
        check_name(&f.name).map_err(|why| err(&f.name, why))?;
        f.ty.check().map_err(|why| err(&f.name, why))?;
        if fields[..i].iter().any(|g| g.name == f.name) {
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
        if Some(i) == position.map(usize::from) {
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
    if position.is_some() && layout.position.is_none() {
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
            ..SchemaDesc::default()
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

    /// Tag with an input (a direction and a button that makes the direction count), an event
    /// and two score columns.
    fn tag_v5() -> SchemaDesc {
        SchemaDesc {
            input: InputDesc {
                fields: vec![
                    FieldDesc::new("dir", WireType::Angle { bits: 8 }),
                    FieldDesc::new("run", WireType::Bool),
                ],
                intent: vec![Intent::When(1), Intent::Always],
            },
            events: vec![KindDesc::new(
                "tagged",
                vec![FieldDesc::new("by", WireType::Int { min: 0, max: 9 })],
            )],
            scores: vec![ScoreColumn::new("tags", 2), ScoreColumn::new("tagged", -1)],
            ..tag()
        }
    }

    #[test]
    fn inputs_events_and_scores_are_part_of_the_schema_and_its_hash() {
        let schema = Schema::new(tag_v5()).expect("valid");
        assert_eq!(schema.input().slots().len(), 2);
        assert_eq!(schema.event("tagged"), Some(0));
        assert_eq!(schema.event_layout(0).map(|l| l.fields().len()), Some(1));
        assert_eq!(schema.event_layout(1), None);
        assert_eq!(schema.score_column("tagged"), Some(1));
        assert_eq!(schema.rating(&[3, 4]), 2);
        assert_ne!(schema.hash(), Schema::new(tag()).expect("valid").hash());
        let mut d = tag_v5();
        d.scores[0].weight = 3;
        assert_ne!(Schema::new(d).expect("valid").hash(), schema.hash());
        let mut d = tag_v5();
        d.input.intent[0] = Intent::Always;
        assert_ne!(Schema::new(d).expect("valid").hash(), schema.hash());
    }

    #[test]
    fn v5_declarations_that_cannot_work_are_refused() {
        let refused = |change: fn(&mut SchemaDesc), want: &str| {
            let mut d = tag_v5();
            change(&mut d);
            let e = Schema::new(d).expect_err(want);
            assert!(e.to_string().contains(want), "wanted {want:?}: {e}");
        };
        refused(
            |d| d.input.intent.pop().map_or((), drop),
            "one intent per field",
        );
        refused(|d| d.input.intent[0] = Intent::When(7), "names no field");
        refused(
            |d| d.input.intent[1] = Intent::When(1),
            "while itself is true",
        );
        refused(
            |d| d.input.intent[1] = Intent::When(0),
            "must name a bool field",
        );
        refused(
            |d| {
                d.input.fields = (0..65)
                    .map(|i| FieldDesc::new(format!("f{i}"), WireType::Bool))
                    .collect();
                d.input.intent = vec![Intent::Always; 65];
            },
            "at most 64 fields",
        );
        refused(
            |d| d.events[0].position = Some(0),
            "an event has no position",
        );
        refused(
            |d| d.events.push(d.events[0].clone()),
            "two event kinds share a name",
        );
        refused(
            |d| d.events = vec![KindDesc::new("e", Vec::new()); 257],
            "at most 256 event kinds",
        );
        refused(|d| d.scores[1].name = "tags".into(), "two score columns");
        refused(|d| d.scores[1].name.clear(), "a name takes 1 to 64 bytes");
        refused(
            |d| {
                d.scores = (0..17)
                    .map(|i| ScoreColumn::new(format!("c{i}"), 1))
                    .collect()
            },
            "at most 16 score columns",
        );
        refused(
            |d| d.input.fields[0].ty = WireType::Angle { bits: 0 },
            "input field \"dir\"",
        );
    }
}

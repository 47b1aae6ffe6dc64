//! `Replicate`: a game's Rust type as one entity kind of its schema.
//!
//! A type that implements [`Replicate`] (usually through `#[derive(Replicate)]`, from the
//! `tickwire-derive` crate behind this crate's default `derive` feature) says what its kind
//! declares ([`Replicate::kind_desc`]), quantizes itself into a [`World`]'s slots
//! ([`Replicate::write`]) and reads itself back ([`Replicate::read`]). [`SchemaDesc::builder`]
//! puts such kinds together into a [`Schema`], whose [`Schema::kind_of`] then gives each type's
//! [`KindId`].
//!
//! The field traits ([`ReplicateNumber`], [`ReplicateVec2`], [`ReplicateBool`], [`ReplicateEnum`],
//! [`ReplicateColor`], [`ReplicateText`]) say which Rust types can stand for a wire type, so that
//! the derive's code stays generic: a position may be `[f32; 2]`, `(f32, f32)` or (with the `glam`
//! feature) a `glam::Vec2`, a name a `String` or an `Arc<str>`.
//!
//! ```
//! use tickwire_protocol::replication::{Replicate, ReplicateEnum, SchemaDesc, World};
//! use tickwire_protocol::{EntityId, Tick};
//!
//! #[derive(Clone, Copy, Debug, PartialEq, ReplicateEnum)]
//! enum Team {
//!     Red,
//!     Blue,
//! }
//!
//! #[derive(Debug, PartialEq, Replicate)]
//! struct Runner {
//!     #[replicate(vec2(step = 0.0625), position, moving)]
//!     pos: [f32; 2],
//!     #[replicate(bool)]
//!     it: bool,
//!     #[replicate(enumeration)]
//!     team: Team,
//!     #[replicate(text(max = 24))]
//!     name: String,
//! }
//!
//! let schema = SchemaDesc::builder("tag", 1).kind::<Runner>().build()?;
//! let runner = schema.kind_of::<Runner>().expect("declared above");
//! let ada = Runner { pos: [1.5, -2.0], it: true, team: Team::Blue, name: "ada".into() };
//! let mut world = World::new(Tick(1));
//! ada.push_to(&mut world, EntityId(7), runner);
//! assert_eq!(Runner::read(&world, 0), Some(ada));
//! # Ok::<(), tickwire_protocol::replication::SchemaError>(())
//! ```

use std::sync::Arc;

use super::input_desc::{InputDesc, Intent};
use super::schema::{KindDesc, KindId, Schema, SchemaDesc, SchemaError};
use super::score_column::ScoreColumn;
use super::wire_type::WireType;
use super::world::{EntityWriter, World};
use crate::EntityId;

#[cfg(feature = "derive")]
pub use tickwire_derive::{Replicate, ReplicateEnum};

/// A Rust type that is one entity kind of a game's schema.
///
/// Derive it (`#[derive(Replicate)]`, see the `tickwire-derive` crate for the attributes) or
/// write it by hand: `write` must write exactly the slots `kind_desc` declares, in field order
/// (two for a [`WireType::Vec2`], x then y), each in its type's range.
pub trait Replicate: Sized {
    /// The kind's name in the schema (the same as [`Replicate::kind_desc`]'s).
    const KIND: &'static str;

    /// The slots an entity of this kind holds.
    const SLOTS: usize;

    /// The kind's name and fields.
    fn kind_desc() -> KindDesc;

    /// For a type used as a player's input: when each field counts for the same-intent rule
    /// (see [`InputDesc::same_intent`]), one per field of [`Replicate::kind_desc`]. The derive
    /// reads `intent = "never"` and `intent_when = "field"`; the default is
    /// [`Intent::Always`] for every field.
    fn intent() -> Vec<Intent> {
        vec![Intent::Always; Self::kind_desc().fields.len()]
    }

    /// Quantizes `self` into the entity's slots, in field order.
    fn write(&self, out: &mut EntityWriter<'_>);

    /// Reads entity `i` of `world` back (dequantized), or `None` if it is not this kind's shape
    /// (another number of slots, or a value out of its field's range). It does not look at the
    /// entity's kind: see [`Replicate::read_if_kind`].
    fn read(world: &World, i: usize) -> Option<Self>;

    /// Reads entity `i` of `world` if it is of kind `kind` (this type's [`KindId`], from
    /// [`Schema::kind_of`]) and of this kind's shape. Two kinds of the same number of slots
    /// may read as each other with [`Replicate::read`]; this one tells them apart.
    fn read_if_kind(world: &World, i: usize, kind: KindId) -> Option<Self> {
        if world.entities().get(i)?.kind != kind {
            return None;
        }
        Self::read(world, i)
    }

    /// Appends `self` to `world` as entity `id` of kind `kind` (which must come after every
    /// entity already there; see [`World::push`]).
    fn push_to(&self, world: &mut World, id: EntityId, kind: KindId) {
        self.write(&mut world.push(id, kind));
    }
}

/// A fieldless enum sent as a [`WireType::Enum`]: its variants' names and their indices.
///
/// `#[derive(ReplicateEnum)]` names each variant by its identifier in snake_case (`RedTeam` is
/// `red_team`), or by `#[replicate(name = "...")]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an `enumeration` field",
    note = "an enumeration field is a fieldless enum that derives `ReplicateEnum`"
)]
pub trait ReplicateEnum: Sized {
    /// The variants' names, in index order (2 to 256 of them).
    const VARIANTS: &'static [&'static str];

    /// This value's index into [`ReplicateEnum::VARIANTS`].
    fn index(&self) -> usize;

    /// The value at `index`, if there is one.
    fn from_index(index: usize) -> Option<Self>;

    /// The wire type that names these variants.
    fn wire_type() -> WireType {
        WireType::Enum {
            variants: Self::VARIANTS.iter().map(|&v| v.to_owned()).collect(),
        }
    }
}

/// A number a [`WireType::Fixed`], [`WireType::Angle`] or [`WireType::Int`] field can hold.
///
/// Floats read back whatever the slot stands for; integers read back the nearest integer, or
/// nothing when it does not fit the type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a `fixed`, `angle` or `int` field",
    note = "a number field is `f32`, `f64` or an integer type"
)]
pub trait ReplicateNumber: Sized {
    /// The value as a game value.
    fn to_f64(&self) -> f64;
    /// The value nearest to `v`, if the type holds it.
    fn from_f64(v: f64) -> Option<Self>;
}

impl ReplicateNumber for f64 {
    fn to_f64(&self) -> f64 {
        *self
    }
    fn from_f64(v: f64) -> Option<f64> {
        Some(v)
    }
}

impl ReplicateNumber for f32 {
    fn to_f64(&self) -> f64 {
        f64::from(*self)
    }
    fn from_f64(v: f64) -> Option<f32> {
        Some(v as f32)
    }
}

macro_rules! integer_numbers {
    ($($t:ty),*) => {$(
        impl ReplicateNumber for $t {
            fn to_f64(&self) -> f64 {
                *self as f64
            }
            fn from_f64(v: f64) -> Option<$t> {
                let r = v.round();
                // `as` saturates; the bounds keep a value that does not fit from being clamped.
                (r >= <$t>::MIN as f64 && r <= <$t>::MAX as f64).then_some(r as $t)
            }
        }
    )*};
}

integer_numbers!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

/// A 2D vector a [`WireType::Vec2`] field can hold.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a `vec2` field",
    note = "a vec2 field is `[f32; 2]`, `(f32, f32)`, their `f64` forms, or `glam::Vec2` and `glam::DVec2` with tickwire-protocol's `glam` feature"
)]
pub trait ReplicateVec2: Sized {
    /// The vector's x and y.
    fn xy(&self) -> [f64; 2];
    /// The vector with this x and y.
    fn from_xy(xy: [f64; 2]) -> Self;
}

impl ReplicateVec2 for [f32; 2] {
    fn xy(&self) -> [f64; 2] {
        self.map(f64::from)
    }
    fn from_xy(xy: [f64; 2]) -> [f32; 2] {
        xy.map(|v| v as f32)
    }
}

impl ReplicateVec2 for [f64; 2] {
    fn xy(&self) -> [f64; 2] {
        *self
    }
    fn from_xy(xy: [f64; 2]) -> [f64; 2] {
        xy
    }
}

impl ReplicateVec2 for (f32, f32) {
    fn xy(&self) -> [f64; 2] {
        [f64::from(self.0), f64::from(self.1)]
    }
    fn from_xy([x, y]: [f64; 2]) -> (f32, f32) {
        (x as f32, y as f32)
    }
}

impl ReplicateVec2 for (f64, f64) {
    fn xy(&self) -> [f64; 2] {
        [self.0, self.1]
    }
    fn from_xy([x, y]: [f64; 2]) -> (f64, f64) {
        (x, y)
    }
}

#[cfg(feature = "glam")]
impl ReplicateVec2 for glam::Vec2 {
    fn xy(&self) -> [f64; 2] {
        [f64::from(self.x), f64::from(self.y)]
    }
    fn from_xy([x, y]: [f64; 2]) -> glam::Vec2 {
        glam::Vec2::new(x as f32, y as f32)
    }
}

#[cfg(feature = "glam")]
impl ReplicateVec2 for glam::DVec2 {
    fn xy(&self) -> [f64; 2] {
        [self.x, self.y]
    }
    fn from_xy([x, y]: [f64; 2]) -> glam::DVec2 {
        glam::DVec2::new(x, y)
    }
}

/// A value a [`WireType::Bool`] field can hold.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a `bool` field",
    note = "a bool field is a `bool`"
)]
pub trait ReplicateBool: Sized {
    /// The value as a boolean.
    fn to_bool(&self) -> bool;
    /// The value for a boolean.
    fn from_bool(b: bool) -> Self;
}

impl ReplicateBool for bool {
    fn to_bool(&self) -> bool {
        *self
    }
    fn from_bool(b: bool) -> bool {
        b
    }
}

/// A value a [`WireType::Color`] field can hold: 24-bit RGB, `0xRRGGBB`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a `color` field",
    note = "a color field is a `u32` (`0xRRGGBB`) or a `[u8; 3]`"
)]
pub trait ReplicateColor: Sized {
    /// The colour as `0xRRGGBB`; bits above the 24th are dropped on the wire (so an `0xAARRGGBB`
    /// value loses its alpha).
    fn rgb(&self) -> u32;
    /// The value for the colour `0xRRGGBB`.
    fn from_rgb(rgb: u32) -> Self;
}

impl ReplicateColor for u32 {
    fn rgb(&self) -> u32 {
        *self
    }
    fn from_rgb(rgb: u32) -> u32 {
        rgb
    }
}

impl ReplicateColor for [u8; 3] {
    fn rgb(&self) -> u32 {
        u32::from_be_bytes([0, self[0], self[1], self[2]])
    }
    fn from_rgb(rgb: u32) -> [u8; 3] {
        let [_, r, g, b] = rgb.to_be_bytes();
        [r, g, b]
    }
}

/// A string a [`WireType::Text`] field can hold.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a `text` field",
    note = "a text field is a `String`, an `Arc<str>` or a `Box<str>`"
)]
pub trait ReplicateText: Sized {
    /// The text.
    fn as_text(&self) -> &str;
    /// The text shared, for a world to keep (an `Arc<str>` is shared without a copy, so a name
    /// written every tick allocates nothing).
    fn to_shared(&self) -> Arc<str> {
        Arc::from(self.as_text())
    }
    /// The value for this text.
    fn from_text(text: &str) -> Self;
}

impl ReplicateText for String {
    fn as_text(&self) -> &str {
        self
    }
    fn from_text(text: &str) -> String {
        text.to_owned()
    }
}

impl ReplicateText for Arc<str> {
    fn as_text(&self) -> &str {
        self
    }
    fn to_shared(&self) -> Arc<str> {
        Arc::clone(self)
    }
    fn from_text(text: &str) -> Arc<str> {
        Arc::from(text)
    }
}

impl ReplicateText for Box<str> {
    fn as_text(&self) -> &str {
        self
    }
    fn from_text(text: &str) -> Box<str> {
        Box::from(text)
    }
}

impl SchemaDesc {
    /// Starts a schema for `game` at `version`, to which [`SchemaBuilder::kind`] adds kinds
    /// (their [`KindId`]s follow the order they are added in), [`SchemaBuilder::input`] the
    /// player's input, [`SchemaBuilder::event`] event kinds and [`SchemaBuilder::score`] score
    /// columns.
    pub fn builder(game: impl Into<String>, version: u32) -> SchemaBuilder {
        SchemaBuilder {
            desc: SchemaDesc {
                game: game.into(),
                version,
                ..SchemaDesc::default()
            },
        }
    }
}

/// Puts a schema together from [`Replicate`] types (and hand-written declarations).
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until it is built"]
pub struct SchemaBuilder {
    desc: SchemaDesc,
}

impl SchemaBuilder {
    /// Adds `T`'s kind; its [`KindId`] is the number of kinds added before it.
    pub fn kind<T: Replicate>(self) -> SchemaBuilder {
        self.kind_desc(T::kind_desc())
    }

    /// Adds a kind written by hand.
    pub fn kind_desc(mut self, kind: KindDesc) -> SchemaBuilder {
        self.desc.kinds.push(kind);
        self
    }

    /// Makes `T` the player's input: its fields, and when each counts ([`Replicate::intent`]).
    pub fn input<T: Replicate>(self) -> SchemaBuilder {
        self.input_desc(InputDesc {
            fields: T::kind_desc().fields,
            intent: T::intent(),
        })
    }

    /// Sets the player's input written by hand.
    pub fn input_desc(mut self, input: InputDesc) -> SchemaBuilder {
        self.desc.input = input;
        self
    }

    /// Adds `T` as an event kind; its index ([`Schema::event_of`]) is the number of event kinds
    /// added before it.
    pub fn event<T: Replicate>(self) -> SchemaBuilder {
        self.event_desc(T::kind_desc())
    }

    /// Adds an event kind written by hand.
    pub fn event_desc(mut self, event: KindDesc) -> SchemaBuilder {
        self.desc.events.push(event);
        self
    }

    /// Adds a score column called `name`, worth `weight` in the rating per point; columns are
    /// shown in the order they are added in.
    pub fn score(mut self, name: impl Into<String>, weight: i32) -> SchemaBuilder {
        self.desc.scores.push(ScoreColumn::new(name, weight));
        self
    }

    /// The declaration so far, unchecked.
    pub fn desc(self) -> SchemaDesc {
        self.desc
    }

    /// Checks the declaration and compiles it ([`Schema::new`]); two kinds may not share a name,
    /// so that a kind is found by its name.
    pub fn build(self) -> Result<Schema, SchemaError> {
        let kinds = &self.desc.kinds;
        let repeated = kinds
            .iter()
            .enumerate()
            .find(|&(i, k)| kinds[..i].iter().any(|j| j.name == k.name));
        if let Some((_, k)) = repeated {
            return Err(SchemaError {
                where_: format!("kind {:?}", k.name),
                why: "two kinds share a name",
            });
        }
        Schema::new(self.desc)
    }
}

impl Schema {
    /// The id of `T`'s kind in this schema: the kind named [`Replicate::KIND`], if it declares
    /// exactly what `T` declares (a schema received from a server for another version of the
    /// game gives `None`). It compares the declarations, so look it up once, not per entity.
    pub fn kind_of<T: Replicate>(&self) -> Option<KindId> {
        let id = self.kind(T::KIND)?;
        let declared = self.desc().kinds.get(usize::from(id.0))?;
        (*declared == T::kind_desc()).then_some(id)
    }

    /// The index of `T`'s event kind in this schema (a `GameEventMsg`'s `kind`): the event kind
    /// named [`Replicate::KIND`], if it declares exactly what `T` declares. Look it up once.
    pub fn event_of<T: Replicate>(&self) -> Option<u16> {
        let i = self.event(T::KIND)?;
        let declared = self.desc().events.get(usize::from(i))?;
        (*declared == T::kind_desc()).then_some(i)
    }
}

/// What `#[derive(Replicate)]`'s code calls: one writer and one reader per wire type, generic
/// over the field traits. Not a stable API.
#[doc(hidden)]
pub mod __derive {
    use super::{
        EntityWriter, ReplicateBool, ReplicateColor, ReplicateEnum, ReplicateNumber, ReplicateText,
        ReplicateVec2, WireType,
    };

    /// Writes a [`WireType::Fixed`] field.
    #[inline]
    pub fn put_fixed<T: ReplicateNumber>(out: &mut EntityWriter<'_>, step: f32, v: &T) {
        out.value(crate::replication::wire_type::quantize_fixed(
            v.to_f64(),
            step,
        ));
    }

    /// Reads a [`WireType::Fixed`] field.
    #[inline]
    pub fn get_fixed<T: ReplicateNumber>(step: f32, q: i32) -> Option<T> {
        T::from_f64(WireType::Fixed { step }.dequantize(q))
    }

    /// Writes a [`WireType::Vec2`] field: x then y.
    #[inline]
    pub fn put_vec2<T: ReplicateVec2>(out: &mut EntityWriter<'_>, step: f32, v: &T) {
        let [x, y] = v.xy();
        out.value(crate::replication::wire_type::quantize_fixed(x, step))
            .value(crate::replication::wire_type::quantize_fixed(y, step));
    }

    /// Reads a [`WireType::Vec2`] field.
    #[inline]
    pub fn get_vec2<T: ReplicateVec2>(step: f32, x: i32, y: i32) -> Option<T> {
        let t = WireType::Vec2 { step };
        Some(T::from_xy([t.dequantize(x), t.dequantize(y)]))
    }

    /// Writes a [`WireType::Angle`] field (radians).
    #[inline]
    pub fn put_angle<T: ReplicateNumber>(out: &mut EntityWriter<'_>, bits: u8, v: &T) {
        out.value(crate::replication::wire_type::quantize_angle(
            v.to_f64(),
            bits,
        ));
    }

    /// Reads a [`WireType::Angle`] field, in (-pi, pi].
    #[inline]
    pub fn get_angle<T: ReplicateNumber>(bits: u8, q: i32) -> Option<T> {
        let t = WireType::Angle { bits };
        let (min, max) = t.range();
        (min..=max).contains(&q).then_some(())?;
        T::from_f64(t.dequantize(q))
    }

    /// Writes a [`WireType::Int`] field, clamped to its range.
    #[inline]
    pub fn put_int<T: ReplicateNumber>(out: &mut EntityWriter<'_>, min: i32, max: i32, v: &T) {
        out.value(crate::replication::wire_type::quantize_int(
            v.to_f64(),
            min,
            max,
        ));
    }

    /// Reads a [`WireType::Int`] field.
    #[inline]
    pub fn get_int<T: ReplicateNumber>(min: i32, max: i32, q: i32) -> Option<T> {
        (min..=max).contains(&q).then_some(())?;
        T::from_f64(f64::from(q))
    }

    /// Writes a [`WireType::Bool`] field.
    #[inline]
    pub fn put_bool<T: ReplicateBool>(out: &mut EntityWriter<'_>, v: &T) {
        out.value(i32::from(v.to_bool()));
    }

    /// Reads a [`WireType::Bool`] field.
    #[inline]
    pub fn get_bool<T: ReplicateBool>(q: i32) -> Option<T> {
        match q {
            0 => Some(T::from_bool(false)),
            1 => Some(T::from_bool(true)),
            _ => None,
        }
    }

    /// Writes a [`WireType::Enum`] field: its index (the last variant's, for an index a hand
    /// implementation got wrong, so that the world stays valid).
    #[inline]
    pub fn put_enum<T: ReplicateEnum>(out: &mut EntityWriter<'_>, v: &T) {
        let last = T::VARIANTS.len().saturating_sub(1);
        out.value(i32::try_from(v.index().min(last)).unwrap_or(0));
    }

    /// Reads a [`WireType::Enum`] field.
    #[inline]
    pub fn get_enum<T: ReplicateEnum>(q: i32) -> Option<T> {
        T::from_index(usize::try_from(q).ok()?)
    }

    /// Writes a [`WireType::Color`] field (its low 24 bits).
    #[inline]
    pub fn put_color<T: ReplicateColor>(out: &mut EntityWriter<'_>, v: &T) {
        out.value((v.rgb() & 0xFF_FFFF) as i32);
    }

    /// Reads a [`WireType::Color`] field.
    #[inline]
    pub fn get_color<T: ReplicateColor>(q: i32) -> Option<T> {
        (0..=0xFF_FFFF).contains(&q).then_some(())?;
        Some(T::from_rgb(q as u32))
    }

    /// Writes a [`WireType::Text`] field, cut to its `max` bytes at a character boundary (a
    /// longer text would make every reader refuse the delta).
    #[inline]
    pub fn put_text<T: ReplicateText>(out: &mut EntityWriter<'_>, max: u16, v: &T) {
        let text = v.as_text();
        let max = usize::from(max);
        if text.len() <= max {
            out.text_arc(v.to_shared());
        } else {
            let end = (0..=max)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            out.text(&text[..end]);
        }
    }

    /// Reads a [`WireType::Text`] field.
    #[inline]
    pub fn get_text<T: ReplicateText>(text: &str) -> Option<T> {
        Some(T::from_text(text))
    }
}

//! tickwire-derive: `#[derive(Replicate)]` and `#[derive(ReplicateEnum)]`, which turn a game's
//! Rust types into the entity kinds of its tickwire replication schema.
//!
//! Use them through `tickwire-protocol` (its default `derive` feature re-exports them beside the
//! traits of the same names, as serde does): `use tickwire_protocol::replication::Replicate;`
//! brings both the trait and the derive. A derived struct is one entity kind: the derive writes
//! its `KindDesc` (the kind's fields and their wire types), a writer that quantizes a value into
//! a `World`'s slots, and a reader that turns them back into the struct. It only generates code:
//! the rules of a schema stay in `tickwire-protocol` (`Schema::new` checks them again), and this
//! crate knows nothing of worlds, deltas or IO.
//!
//! ```
//! use tickwire_protocol::replication::{
//!     Baselines, Replicate, ReplicateEnum, SchemaDesc, World, apply_delta, write_delta,
//! };
//! use tickwire_protocol::{EntityId, Tick};
//!
//! #[derive(Clone, Copy, Debug, PartialEq, ReplicateEnum)]
//! enum Team {
//!     Red,
//!     Blue,
//! }
//!
//! #[derive(Debug, PartialEq, Replicate)]
//! #[replicate(kind = "runner")]
//! struct Runner {
//!     #[replicate(vec2(step = 0.0625), position, moving)]
//!     pos: (f32, f32),
//!     #[replicate(angle(bits = 8), interpolate)]
//!     facing: f32,
//!     hp: u8, // an int in 0..=255, from its type
//!     it: bool,
//!     #[replicate(enumeration)]
//!     team: Team,
//!     #[replicate(text(max = 24))]
//!     name: String,
//!     #[replicate(skip)]
//!     local_only: u64, // not sent; read back as its Default
//! }
//!
//! #[derive(Debug, PartialEq, Replicate)]
//! struct Flag {
//!     #[replicate(vec2(step = 0.25), position)]
//!     at: [f32; 2],
//!     #[replicate(color)]
//!     colour: u32,
//! }
//!
//! // Kind ids follow the order the kinds are added in.
//! let schema = SchemaDesc::builder("tag", 1).kind::<Runner>().kind::<Flag>().build()?;
//! let (runner, flag) = (schema.kind_of::<Runner>(), schema.kind_of::<Flag>());
//! assert_eq!((runner.map(|k| k.0), flag.map(|k| k.0)), (Some(0), Some(1)));
//!
//! // The server quantizes its values into a world and writes a delta...
//! let ada = Runner {
//!     pos: (1.5, -2.0),
//!     facing: 0.0,
//!     hp: 90,
//!     it: true,
//!     team: Team::Blue,
//!     name: "ada".into(),
//!     local_only: 0,
//! };
//! let mut world = World::new(Tick(1));
//! ada.push_to(&mut world, EntityId(1), runner.expect("declared"));
//! Flag { at: [0.0, 8.0], colour: 0xff8800 }.push_to(&mut world, EntityId(2), flag.expect("declared"));
//! let mut bytes = Vec::new();
//! write_delta(&schema, Baselines::default(), &world, &mut bytes);
//!
//! // ...and a client applies it and reads its typed values back.
//! let mut seen = World::default();
//! apply_delta(&schema, &bytes, Baselines::default(), &mut seen)?;
//! assert_eq!(Runner::read(&seen, 0), Some(ada));
//! assert_eq!(Flag::read(&seen, 1), Some(Flag { at: [0.0, 8.0], colour: 0xff8800 }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Attributes
//!
//! On the struct, `#[replicate(kind = "name")]` names the kind (default: the type's name in
//! snake_case) and `#[replicate(crate = "path")]` says where `tickwire_protocol` is when a game
//! reaches it through another crate.
//!
//! On a field, one wire type:
//!
//! | attribute | wire type | Rust types |
//! |---|---|---|
//! | `fixed(step = 0.1)` | `Fixed` | floats and integers |
//! | `vec2(step = 0.0625)` | `Vec2` (two slots, x then y) | `[f32; 2]`, `(f32, f32)`, their `f64` forms; `glam::Vec2`/`DVec2` with the protocol's `glam` feature |
//! | `angle(bits = 8)` | `Angle`, radians | floats |
//! | `int(min = 0, max = 255)` | `Int` | integers (and floats) |
//! | `bool` | `Bool` | `bool` |
//! | `enumeration` | `Enum` | a fieldless enum that derives `ReplicateEnum` |
//! | `color` | `Color` (`0xRRGGBB`) | `u32`, `[u8; 3]` |
//! | `text(max = 24)` | `Text` (at most `max` bytes; a longer value is cut at a character boundary) | `String`, `Arc<str>`, `Box<str>` |
//!
//! A field without one takes its type's: `bool` is `bool`; `u8`, `i8`, `u16`, `i16` and `i32` are
//! an `int` over the type's whole range. A number may be a literal (checked here) or a constant of
//! the right type (`f32` for a step, `u8` for bits, `i32` for bounds, `u16` for a text's `max`;
//! checked by `Schema::new`).
//!
//! And any of: `position` (the kind's position, which area of interest follows: a `vec2`),
//! `moving` (predicted from its motion and interpolated: `fixed`, `vec2` or `int`), `predict`
//! (predicted only), `interpolate` (interpolated by clients: `fixed`, `vec2`, `angle` or `int`),
//! `name = "..."` (its name in the schema; default: the field's), or `skip` alone (not
//! replicated; read back as `Default::default()`).
//!
//! A struct that is a player's input (`SchemaBuilder::input`) says, per field, when a change of
//! it is a change of what the player wants (the same-intent rule the server's late inputs and a
//! client's replay follow): by default always; `intent = "never"` for a field that is
//! information only; `intent_when = "fire"` for a field that counts only while the `bool` field
//! called `fire` (its name in the schema) is true in either input, as the arena's aim does. The
//! same struct works as an entity kind or an event, where the intent means nothing.
//!
//! ```
//! use tickwire_protocol::replication::{Intent, Replicate, SchemaDesc};
//!
//! #[derive(Replicate)]
//! struct ArenaInput {
//!     #[replicate(int(min = -1, max = 1))]
//!     move_x: i8,
//!     #[replicate(int(min = -1, max = 1))]
//!     move_y: i8,
//!     #[replicate(angle(bits = 16), intent_when = "fire")]
//!     aim: f32,
//!     fire: bool,
//! }
//!
//! # #[derive(Replicate)]
//! # struct Body { #[replicate(vec2(step = 0.0625), position)] pos: [f32; 2] }
//! let schema = SchemaDesc::builder("arena", 1).kind::<Body>().input::<ArenaInput>().build()?;
//! assert_eq!(schema.desc().input.intent[2], Intent::When(3));
//! # Ok::<(), tickwire_protocol::replication::SchemaError>(())
//! ```
//!
//! A generic struct gets the bound each field needs (`T: ReplicateText` for a `text` field of
//! type `T`, `T: Default` for a skipped one).
//!
//! On an enum that derives `ReplicateEnum`: `#[replicate(crate = "path")]`, and on a variant
//! `#[replicate(name = "...")]` (default: the variant's name in snake_case).

mod attrs;
mod enumeration;
mod names;
mod replicate;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Implements `tickwire_protocol::replication::Replicate` for a struct with named fields: one
/// entity kind of a game's schema. See the crate's documentation for the attributes.
#[proc_macro_derive(Replicate, attributes(replicate))]
pub fn derive_replicate(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    replicate::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `tickwire_protocol::replication::ReplicateEnum` for a fieldless enum, sent as a
/// `WireType::Enum` of its variants' names. See the crate's documentation for the attributes.
#[proc_macro_derive(ReplicateEnum, attributes(replicate))]
pub fn derive_replicate_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    enumeration::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Asserts that `expand` refuses each input with an error containing its text.
#[cfg(test)]
fn assert_refused(
    expand: fn(&DeriveInput) -> syn::Result<proc_macro2::TokenStream>,
    cases: Vec<(DeriveInput, &str)>,
) {
    for (input, want) in cases {
        match expand(&input) {
            Ok(_) => panic!("wanted {want:?}, got no error"),
            Err(e) => assert!(e.to_string().contains(want), "wanted {want:?}, got {e}"),
        }
    }
}

/// Code that must not compile, each for one reason (run by `cargo test --doc -p
/// tickwire-derive`; the messages themselves are checked by the unit tests of `replicate.rs`).
///
/// An unknown attribute:
/// ```compile_fail
/// use tickwire_protocol::replication::Replicate;
/// #[derive(Replicate)]
/// struct A { #[replicate(fixd(step = 0.5))] x: f32 }
/// ```
///
/// A field whose wire type cannot be inferred:
/// ```compile_fail
/// use tickwire_protocol::replication::Replicate;
/// #[derive(Replicate)]
/// struct A { x: f32 }
/// ```
///
/// A position that is not a vector:
/// ```compile_fail
/// use tickwire_protocol::replication::Replicate;
/// #[derive(Replicate)]
/// struct A { #[replicate(fixed(step = 0.5), position)] x: f32 }
/// ```
///
/// A field that cannot be predicted:
/// ```compile_fail
/// use tickwire_protocol::replication::Replicate;
/// #[derive(Replicate)]
/// struct A { #[replicate(angle(bits = 8), moving)] facing: f32 }
/// ```
///
/// A tuple struct, and an enum given to `Replicate`:
/// ```compile_fail
/// use tickwire_protocol::replication::Replicate;
/// #[derive(Replicate)]
/// struct A(f32);
/// ```
/// ```compile_fail
/// use tickwire_protocol::replication::Replicate;
/// #[derive(Replicate)]
/// enum A { B, C }
/// ```
///
/// A Rust type the wire type cannot hold:
/// ```compile_fail
/// use tickwire_protocol::replication::Replicate;
/// #[derive(Replicate)]
/// struct A { #[replicate(vec2(step = 0.5))] x: f32 }
/// ```
///
/// An `intent_when` that names no field, or a field that is not a `bool`:
/// ```compile_fail
/// use tickwire_protocol::replication::Replicate;
/// #[derive(Replicate)]
/// struct A { #[replicate(angle(bits = 8), intent_when = "fire")] aim: f32, shoot: bool }
/// ```
/// ```compile_fail
/// use tickwire_protocol::replication::Replicate;
/// #[derive(Replicate)]
/// struct A { #[replicate(angle(bits = 8), intent_when = "speed")] aim: f32, speed: u8 }
/// ```
///
/// And an input struct, well formed, compiles:
/// ```
/// use tickwire_protocol::replication::Replicate;
/// #[derive(Replicate)]
/// struct A { #[replicate(angle(bits = 8), intent_when = "fire")] aim: f32, fire: bool }
/// ```
///
/// And the same struct, well formed, compiles (so the cases above fail for their own reason):
/// ```
/// use tickwire_protocol::replication::Replicate;
/// #[derive(Replicate)]
/// struct A { #[replicate(vec2(step = 0.5), position, moving)] x: [f32; 2] }
/// ```
#[cfg(doctest)]
#[allow(dead_code)]
struct CompileFail;

//! Replicated data of any game: the schema a game declares, the quantized [`World`] of that
//! schema, the delta format between two such worlds, and records.
//!
//! A game declares its entity kinds and their fields, its players' input, its event kinds and
//! its score columns ([`SchemaDesc`], checked into a [`Schema`]); the server captures each tick's
//! world as [`World`] slots and writes each client a delta body against what it holds
//! ([`write_delta`]); a client that has the schema (sent on join) applies bodies without any code
//! of the game's ([`apply_delta`]). Inputs and events travel as [`Record`]s of their fields
//! ([`write_record`], [`read_record`]).

mod decode;
mod encode;
mod entity_view;
mod input_desc;
mod record;
mod record_view;
mod replicate;
mod schema;
mod score_column;
mod state_step;
mod wire_type;
mod world;

pub use decode::{Applied, apply_delta};
pub use encode::{Baselines, write_delta};
pub use entity_view::EntityView;
pub use input_desc::{InputDesc, Intent};
pub use record::{MAX_RECORD_BYTES, Record, RecordLayout, read_record, write_record};
pub use record_view::RecordView;
pub use replicate::{
    __derive, Replicate, ReplicateBool, ReplicateColor, ReplicateEnum, ReplicateNumber,
    ReplicateText, ReplicateVec2, SchemaBuilder,
};
pub use schema::{
    FieldDesc, KindDesc, KindId, KindLayout, MAX_EVENT_KINDS, MAX_INPUT_FIELDS, MAX_KINDS,
    MAX_SCHEMA_NAME, MAX_SCORE_COLUMNS, MAX_SLOTS, Schema, SchemaDesc, SchemaError, SchemaHash,
    SlotInfo,
};
pub use score_column::ScoreColumn;
pub use state_step::{Picked, StateStep, write_picked};
pub use wire_type::{
    FullCoding, MAX_ANGLE_BITS, MAX_ENUM_VARIANTS, MAX_TEXT_BYTES, SlotCoding, WireType,
};
pub use world::{Entity, EntityWriter, World};

//! The replication format's size choices (a block's width, "all" or a subset, a bitmask or a gap
//! list, prediction) are fixed, so one world has one encoding, which the JS package writes too.
//! The reader does not re-check those choices: a body that makes another choice (written by hand
//! here) still reads as the one world it describes, which the encoder then writes as its own.

use tickwire_protocol::replication::{
    Baselines, FieldDesc, KindDesc, KindId, Schema, SchemaDesc, WireType, World, apply_delta,
    write_delta,
};
use tickwire_protocol::{EntityId, Tick};

/// Packs `(value, bits)` pairs least significant bit first, zero padded to a byte.
fn pack(fields: &[(u32, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut n) = (0u64, 0u32);
    for &(v, bits) in fields {
        acc |= u64::from(v) << n;
        n += bits;
        while n >= 8 {
            out.push(acc as u8);
            acc >>= 8;
            n -= 8;
        }
    }
    if n > 0 {
        out.push(acc as u8);
    }
    out
}

fn one_int() -> Schema {
    Schema::new(SchemaDesc {
        game: "one".into(),
        version: 1,
        kinds: vec![KindDesc::new(
            "k",
            vec![FieldDesc::new("n", WireType::Int { min: 0, max: 255 })],
        )],
        ..SchemaDesc::default()
    })
    .expect("valid")
}

/// A full snapshot at tick 0 of entity 0 (kind 0) holding 5, with its kinds block at width `w`.
fn full_snapshot(kinds_width: u32) -> Vec<u8> {
    let mut fields = vec![
        (0, 6), // tick: varbits(0)
        (0, 1), // no baseline
        (1, 6), // created count: varbits(1)
        (1, 1),
        (0, 6), // id gaps: a block of width 0
        (kinds_width, 6),
    ];
    if kinds_width > 0 {
        fields.push((0, kinds_width)); // kind 0
    }
    fields.extend([(3, 6), (5, 3)]); // the value: a block of width 3 holding 5
    pack(&fields)
}

#[test]
fn the_hand_written_body_is_what_the_encoder_writes() {
    let schema = one_int();
    let mut w = World::new(Tick(0));
    w.push(EntityId(0), KindId(0)).value(5);
    let mut bytes = Vec::new();
    write_delta(&schema, Baselines::default(), &w, &mut bytes);
    assert_eq!(bytes, full_snapshot(0));
}

#[test]
fn a_block_at_another_width_than_the_best_reads_as_the_same_world() {
    let schema = one_int();
    let body = full_snapshot(1);
    let mut out = World::default();
    apply_delta(&schema, &body, Baselines::default(), &mut out).expect("one world");
    let mut w = World::new(Tick(0));
    w.push(EntityId(0), KindId(0)).value(5);
    assert_eq!(out, w);
    let mut again = Vec::new();
    write_delta(&schema, Baselines::default(), &out, &mut again);
    assert_eq!(again, full_snapshot(0));
}

//! The replication format has one encoding per world: `decode.rs` says that the reader "refuses
//! every body an encoder would not write ..., so that decoding then encoding again gives the same
//! bytes", and the JS package mirrors the reader. These tests hold the reader to that with bodies
//! written by hand.
//!
//! KNOWN BUG (found while writing the JS side; ignored until `decode.rs` is fixed): the reader takes
//! a block at any width that holds its values, not only the width `best_width` chooses (nor does
//! it check the encoder's other fixed choices: "all" or a subset for a residual slot, a bitmask or
//! a gap list for a subset, prediction on or off). Such a body decodes to a world whose body is
//! other bytes. In the shared vectors, 100 of the 3,641 single-bit flips of real bodies that both
//! readers accept write back differently. Run with `--ignored` to see it fail.

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
#[ignore = "known bug: decode.rs accepts blocks at widths the encoder would not choose"]
fn a_block_at_another_width_than_the_best_is_refused() {
    let schema = one_int();
    let body = full_snapshot(1);
    let mut out = World::default();
    let read = apply_delta(&schema, &body, Baselines::default(), &mut out);
    let mut again = Vec::new();
    if read.is_ok() {
        write_delta(&schema, Baselines::default(), &out, &mut again);
    }
    assert!(
        read.is_err(),
        "a kinds block at width 1 is accepted ({read:?}) and writes back as other bytes: {body:02x?} -> {again:02x?}"
    );
}

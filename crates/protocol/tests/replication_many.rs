//! Worlds of many entities that cost almost nothing to send (consecutive ids, fields whose blocks
//! are all zeros) must read back like any other.
//!
//! KNOWN BUG (found while writing the JS side; ignored until `decode.rs` is fixed):
//! `read_created` refuses a created count over `max(bits_left * 8, 64)`, but a created entity
//! whose id gap, kind and field blocks are all zeros costs no bits at all, so `write_delta` writes
//! bodies that `apply_delta` refuses ("created count"): here 1000 entities of an all-zero kind in a
//! 6-byte body. The JS package mirrors the refusal. Run with `--ignored` to see it fail.

use tickwire_protocol::replication::{
    Baselines, FieldDesc, KindDesc, KindId, Schema, SchemaDesc, WireType, World, apply_delta,
    write_delta,
};
use tickwire_protocol::{EntityId, Tick};

fn tiles() -> Schema {
    Schema::new(SchemaDesc {
        game: "tiles".into(),
        version: 1,
        kinds: vec![KindDesc::new(
            "tile",
            vec![FieldDesc::new("state", WireType::Int { min: 0, max: 3 })],
        )],
    })
    .expect("valid")
}

fn round_trip(n: u32) -> Result<(), String> {
    let schema = tiles();
    let mut w = World::new(Tick(1));
    for id in 0..n {
        w.push(EntityId(id), KindId(0)).value(0);
    }
    let mut bytes = Vec::new();
    write_delta(&schema, Baselines::default(), &w, &mut bytes);
    let mut back = World::default();
    apply_delta(&schema, &bytes, Baselines::default(), &mut back)
        .map_err(|e| format!("{n} entities in {} bytes: {e}", bytes.len()))?;
    assert_eq!(back, w);
    Ok(())
}

#[test]
fn a_few_entities_that_cost_nothing_read_back() {
    round_trip(60).expect("reads back");
}

#[test]
#[ignore = "known bug: decode.rs refuses a created count its body can hold (bits_left * 8 bound)"]
fn many_entities_that_cost_nothing_read_back() {
    round_trip(1000).expect("reads back");
}

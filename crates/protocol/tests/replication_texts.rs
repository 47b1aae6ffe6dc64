//! Texts over their declared length: the encoder cuts them at a character boundary (`put_text`),
//! so that a game's over-long name costs its tail, never the snapshot. Texts are compared as a
//! client holds them, so a change past the cut is no change at all.

use tickwire_protocol::replication::{
    Baselines, FieldDesc, KindDesc, KindId, Schema, SchemaDesc, WireType, World, apply_delta,
    write_delta,
};
use tickwire_protocol::{EntityId, Tick};

fn names() -> Schema {
    Schema::new(SchemaDesc {
        game: "names".into(),
        version: 1,
        kinds: vec![KindDesc::new(
            "player",
            vec![FieldDesc::new("name", WireType::Text { max_bytes: 4 })],
        )],
        ..SchemaDesc::default()
    })
    .expect("valid")
}

fn named(tick: u32, name: &str) -> World {
    let mut w = World::new(Tick(tick));
    w.push(EntityId(1), KindId(0)).text(name);
    w
}

/// What a client holding `held` reads when the server writes `server` against its own
/// `server_base` (both none: a full snapshot).
fn client_reads(
    schema: &Schema,
    server_base: Option<&World>,
    held: Option<&World>,
    server: &World,
) -> Result<World, String> {
    let mut bytes = Vec::new();
    let sent = Baselines {
        baseline: server_base,
        previous: None,
    };
    write_delta(schema, sent, server, &mut bytes);
    let mut out = World::default();
    let read = Baselines {
        baseline: held,
        previous: None,
    };
    apply_delta(schema, &bytes, read, &mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

#[test]
fn an_over_long_text_is_cut_at_a_character_boundary() {
    let schema = names();
    let held = client_reads(&schema, None, None, &named(1, "aéé")).expect("reads");
    assert_eq!(held.text(0, 0), "aé");
    let next = client_reads(
        &schema,
        Some(&named(1, "aéé")),
        Some(&held),
        &named(2, "bcdéf"),
    );
    assert_eq!(next.expect("reads").text(0, 0), "bcd");
}

#[test]
fn a_change_past_the_cut_of_an_over_long_text_does_not_break_the_snapshot() {
    let schema = names();
    let first = named(1, "abcdef");
    let held = client_reads(&schema, None, None, &first).expect("reads");
    assert_eq!(held.text(0, 0), "abcd");
    let next = client_reads(&schema, Some(&first), Some(&held), &named(2, "abcdXY"));
    assert_eq!(
        next.expect("the client reads the snapshot").text(0, 0),
        "abcd"
    );
}

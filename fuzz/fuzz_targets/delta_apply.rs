//! Any bytes, as a delta body of a fixed schema (the arena's shape, and a schema with every
//! wire type) against a fixed baseline and previous world: applying returns a world or an
//! error, never panics, and what applies is sorted and encodes back to the same bytes.
#![no_main]

use tickwire_protocol::{
    Baselines, EntityId, FieldDesc, KindDesc, KindId, Schema, SchemaDesc, Tick, WireType, World,
    apply_delta, write_delta,
};

fn schemas() -> [Schema; 2] {
    let arena = SchemaDesc {
        game: "arena".into(),
        version: 1,
        kinds: ["player", "bot", "projectile"]
            .into_iter()
            .map(|k| {
                KindDesc::new(
                    k,
                    vec![
                        FieldDesc::new("pos", WireType::Vec2 { step: 1.0 / 16.0 }).moving(),
                        FieldDesc::new("angle", WireType::Angle { bits: 8 }).interpolated(),
                        FieldDesc::new("hp", WireType::Int { min: 0, max: 255 }),
                    ],
                )
                .positioned_by("pos")
            })
            .collect(),
        ..SchemaDesc::default()
    };
    let every = SchemaDesc {
        game: "every".into(),
        version: 1,
        kinds: vec![KindDesc::new(
            "thing",
            vec![
                FieldDesc::new("v", WireType::Fixed { step: 0.5 }).moving(),
                FieldDesc::new("pos", WireType::Vec2 { step: 1.0 }),
                FieldDesc::new("a", WireType::Angle { bits: 8 }),
                FieldDesc::new("n", WireType::Int { min: -3, max: 9 }),
                FieldDesc::new("b", WireType::Bool),
                FieldDesc::new("e", WireType::Enum { variants: vec!["x".into(), "y".into(), "z".into()] }),
                FieldDesc::new("c", WireType::Color),
                FieldDesc::new("t", WireType::Text { max_bytes: 8 }),
            ],
        )],
        ..SchemaDesc::default()
    };
    [
        Schema::new(arena).expect("valid"),
        Schema::new(every).expect("valid"),
    ]
}

fn world(schema: &Schema, tick: u32, shift: i32) -> World {
    let mut w = World::new(Tick(tick));
    for i in 1..=40u32 {
        let kind = KindId((i % schema.layouts().len() as u32) as u16);
        let mut e = w.push(EntityId(i * 3), kind);
        if schema.desc().game == "arena" {
            e.values(&[i as i32 * 100 + shift, -(i as i32) * 50, i as i32, 100]);
        } else {
            e.values(&[shift, i as i32, 7, i as i32 % 256, 2, i as i32 % 2, 1, 0x00ff00]);
            e.text("ab");
        }
    }
    w
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for schema in schemas() {
        let previous = world(&schema, 8, 0);
        let baseline = world(&schema, 10, 7);
        for worlds in [
            Baselines::default(),
            Baselines {
                baseline: Some(&baseline),
                previous: Some(&previous),
            },
        ] {
            let mut out = World::default();
            if apply_delta(&schema, data, worlds, &mut out).is_ok() {
                assert!(out.is_sorted());
                let mut again = Vec::new();
                write_delta(&schema, worlds, &out, &mut again);
                let mut back = World::default();
                assert!(apply_delta(&schema, &again, worlds, &mut back).is_ok());
                assert_eq!(back, out);
            }
        }
    }
});

//! Property tests of the schema-driven delta format: for arbitrary schemas and arbitrary worlds,
//! applying the delta written between two worlds gives the second world exactly, with or without a
//! previous world to predict from; and no byte string makes the reader panic.

use proptest::prelude::*;
use tickwire_protocol::replication::{
    Baselines, FieldDesc, KindDesc, KindId, Schema, SchemaDesc, WireType, World, apply_delta,
    write_delta,
};
use tickwire_protocol::{EntityId, Tick};

fn wire_type() -> impl Strategy<Value = WireType> {
    prop_oneof![
        (1u8..4).prop_map(|s| WireType::Fixed {
            step: 1.0 / f32::from(s)
        }),
        (1u8..4).prop_map(|s| WireType::Vec2 {
            step: 1.0 / f32::from(s)
        }),
        (1u8..=16).prop_map(|bits| WireType::Angle { bits }),
        (-300i32..300, 0i32..600).prop_map(|(min, span)| WireType::Int {
            min,
            max: min + span
        }),
        Just(WireType::Bool),
        (2usize..9).prop_map(|n| WireType::Enum {
            variants: (0..n).map(|i| format!("v{i}")).collect()
        }),
        Just(WireType::Color),
        (1u16..12).prop_map(|max_bytes| WireType::Text { max_bytes }),
    ]
}

fn schema() -> impl Strategy<Value = Schema> {
    prop::collection::vec(
        (
            prop::collection::vec((wire_type(), any::<bool>()), 1..6),
            any::<bool>(),
        ),
        1..4,
    )
    .prop_map(|kinds| {
        let kinds = kinds
            .into_iter()
            .enumerate()
            .map(|(k, (fields, positioned))| {
                let fields: Vec<FieldDesc> = fields
                    .into_iter()
                    .enumerate()
                    .map(|(i, (ty, predict))| {
                        let can = matches!(
                            ty,
                            WireType::Fixed { .. } | WireType::Vec2 { .. } | WireType::Int { .. }
                        );
                        let f = FieldDesc::new(format!("f{i}"), ty);
                        if predict && can { f.moving() } else { f }
                    })
                    .collect();
                let pos = fields
                    .iter()
                    .find(|f| matches!(f.ty, WireType::Vec2 { .. }))
                    .map(|f| f.name.clone());
                let kind = KindDesc::new(format!("k{k}"), fields);
                match pos {
                    Some(p) if positioned => kind.positioned_by(&p),
                    _ => kind,
                }
            })
            .collect();
        Schema::new(SchemaDesc {
            game: "prop".into(),
            version: 1,
            kinds,
            ..SchemaDesc::default()
        })
        .expect("generated schemas are valid")
    })
}

/// A value for slot type `ty` from a random `r`: mostly small, sometimes anywhere in range.
fn value(ty: &WireType, r: u64) -> i32 {
    let small = (r >> 8) % 64 < 48;
    match ty {
        WireType::Fixed { .. } | WireType::Vec2 { .. } => {
            if small {
                (r % 200) as i32 - 100
            } else {
                r as i32
            }
        }
        _ => {
            let (min, max) = ty.range();
            let span = (i64::from(max) - i64::from(min) + 1) as u64;
            (i64::from(min) + (r % span) as i64) as i32
        }
    }
}

const WORDS: [&str; 6] = ["", "ada", "bo", "céline", "zz", "flag!"];

/// A world from a list of (id, kind choice, seeds), holding only kinds of `schema`.
fn world(schema: &Schema, tick: u32, items: &[(u32, u8, Vec<u64>)]) -> World {
    let mut items: Vec<_> = items.to_vec();
    items.sort_by_key(|i| i.0);
    items.dedup_by_key(|i| i.0);
    let kinds = &schema.desc().kinds;
    let mut w = World::new(Tick(tick));
    for (id, k, seeds) in &items {
        let k = usize::from(*k) % kinds.len();
        let mut e = w.push(EntityId(*id), KindId(k as u16));
        let mut s = seeds.iter().cycle();
        for f in &kinds[k].fields {
            for _ in 0..f.ty.slots() {
                let r = *s.next().unwrap_or(&7);
                match &f.ty {
                    WireType::Text { max_bytes } => {
                        let t = WORDS[(r % 6) as usize];
                        let t = if t.len() > usize::from(*max_bytes) {
                            ""
                        } else {
                            t
                        };
                        e.text(t);
                    }
                    ty => {
                        e.value(value(ty, r));
                    }
                }
            }
        }
    }
    w
}

/// `base` changed a little: some entities moved on by `step`-like amounts, others kept.
fn moved(schema: &Schema, base: &World, tick: u32, seeds: &[u64]) -> World {
    let kinds = &schema.desc().kinds;
    let mut w = World::new(Tick(tick));
    for (i, e) in base.entities().iter().enumerate() {
        let r = seeds.get(i % seeds.len().max(1)).copied().unwrap_or(3);
        if r % 11 == 0 {
            continue; // removed
        }
        let fields = &kinds[usize::from(e.kind.0)].fields;
        let old = base.slots(i);
        let mut out = w.push(e.id, e.kind);
        let mut slot = 0;
        for f in fields {
            for _ in 0..f.ty.slots() {
                let v = old[slot];
                let r2 = r.rotate_left(slot as u32 * 7);
                match &f.ty {
                    WireType::Text { .. } => {
                        let t = if r2 % 5 == 0 {
                            WORDS[(r2 % 6) as usize]
                        } else {
                            base.text(i, v)
                        };
                        out.text(if t.len() <= 1 { t } else { base.text(i, v) });
                    }
                    WireType::Fixed { .. } | WireType::Vec2 { .. } => {
                        out.value(if r2 % 3 == 0 {
                            v
                        } else {
                            v.wrapping_add((r2 % 9) as i32 - 4)
                        });
                    }
                    ty => {
                        out.value(if r2 % 4 == 0 { value(ty, r2 >> 3) } else { v });
                    }
                }
                slot += 1;
            }
        }
    }
    w
}

fn round_trip(schema: &Schema, worlds: Baselines<'_>, cur: &World) {
    let mut bytes = Vec::new();
    write_delta(schema, worlds, cur, &mut bytes);
    let mut out = World::default();
    let applied = apply_delta(schema, &bytes, worlds, &mut out);
    assert!(applied.is_ok(), "{applied:?}");
    assert_eq!(&out, cur);
    // The format has one encoding: writing the decoded world again gives the same bytes.
    let mut again = Vec::new();
    write_delta(schema, worlds, &out, &mut again);
    assert_eq!(again, bytes);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn a_full_snapshot_round_trips(
        schema in schema(),
        items in prop::collection::vec((0u32..200, any::<u8>(), prop::collection::vec(any::<u64>(), 1..4)), 0..40),
    ) {
        let cur = world(&schema, 9, &items);
        round_trip(&schema, Baselines::default(), &cur);
    }

    #[test]
    fn a_delta_round_trips_with_and_without_prediction(
        schema in schema(),
        items in prop::collection::vec((0u32..200, any::<u8>(), prop::collection::vec(any::<u64>(), 1..4)), 0..40),
        extra in prop::collection::vec((0u32..220, any::<u8>(), prop::collection::vec(any::<u64>(), 1..4)), 0..8),
        seeds in prop::collection::vec(any::<u64>(), 1..12),
        seeds2 in prop::collection::vec(any::<u64>(), 1..12),
    ) {
        let prev = world(&schema, 10, &items);
        let base = moved(&schema, &prev, 12, &seeds);
        let mut cur = moved(&schema, &base, 14, &seeds2);
        // Add entities that are new (or whose kind changed under an old id).
        if !extra.is_empty() {
            let added = world(&schema, 14, &extra);
            let mut merged = World::new(Tick(14));
            let (a, b) = (cur.entities().to_vec(), added.entities().to_vec());
            let (mut i, mut j) = (0, 0);
            while i < a.len() || j < b.len() {
                let take_b = match (a.get(i), b.get(j)) {
                    (Some(x), Some(y)) if x.id == y.id => { i += 1; true }
                    (Some(x), Some(y)) => y.id < x.id,
                    (None, Some(_)) => true,
                    _ => false,
                };
                if take_b { merged.push_copy(&added, j); j += 1; } else { merged.push_copy(&cur, i); i += 1; }
            }
            cur = merged;
        }
        round_trip(&schema, Baselines { baseline: Some(&base), previous: None }, &cur);
        round_trip(&schema, Baselines { baseline: Some(&base), previous: Some(&prev) }, &cur);
    }

    #[test]
    fn no_bytes_make_the_reader_panic(
        schema in schema(),
        items in prop::collection::vec((0u32..200, any::<u8>(), prop::collection::vec(any::<u64>(), 1..4)), 0..20),
        bytes in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let base = world(&schema, 10, &items);
        let mut out = World::default();
        let worlds = Baselines { baseline: Some(&base), previous: Some(&base) };
        let _ = apply_delta(&schema, &bytes, worlds, &mut out);
        // Truncations and bit flips of a real body fail cleanly too.
        let mut real = Vec::new();
        write_delta(&schema, Baselines { baseline: Some(&base), previous: None }, &moved(&schema, &base, 11, &[5, 8, 13]), &mut real);
        for cut in 0..real.len() {
            let _ = apply_delta(&schema, &real[..cut], worlds, &mut out);
        }
        for (i, b) in bytes.iter().enumerate().take(real.len()) {
            let mut flipped = real.clone();
            flipped[i] ^= b | 1;
            let _ = apply_delta(&schema, &flipped, worlds, &mut out);
        }
    }
}

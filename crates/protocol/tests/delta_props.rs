//! Property tests of the delta against a fixed schema of the arena's shape (position, angle,
//! hit points; several kinds): what a client relies on beyond round trips (those are in
//! `replication_props.rs`, for any schema).

use proptest::prelude::*;
use tickwire_protocol::*;

/// Kinds `a`, `b`, `c`, `d`, each with `pos` (moving), `angle` and `hp`.
fn schema() -> Schema {
    let fields = || {
        vec![
            FieldDesc::new("pos", WireType::Vec2 { step: 1.0 / 16.0 }).moving(),
            FieldDesc::new("angle", WireType::Angle { bits: 8 }).interpolated(),
            FieldDesc::new("hp", WireType::Int { min: 0, max: 255 }),
        ]
    };
    Schema::new(SchemaDesc {
        game: "props".into(),
        version: 1,
        kinds: ["a", "b", "c", "d"]
            .into_iter()
            .map(|k| KindDesc::new(k, fields()).positioned_by("pos"))
            .collect(),
    })
    .expect("valid")
}

/// One entity: id, kind, x, y, angle, hp.
type Item = (u32, u16, i32, i32, u8, u8);

fn build(tick: u32, items: &[Item]) -> World {
    let mut w = World::new(Tick(tick));
    for &(id, kind, x, y, angle, hp) in items {
        w.push(EntityId(id), KindId(kind))
            .values(&[x, y, i32::from(angle), i32::from(hp)]);
    }
    w
}

fn items_of(w: &World) -> Vec<Item> {
    (0..w.len())
        .map(|i| {
            let e = w.entities()[i];
            let s = w.slots(i);
            (e.id.0, e.kind.0, s[0], s[1], s[2] as u8, s[3] as u8)
        })
        .collect()
}

/// A world with ids drawn from a small range, or from the top of the id space.
fn world() -> impl Strategy<Value = World> {
    let ids = prop_oneof![
        prop::collection::btree_set(0u32..300, 0..120),
        prop::collection::btree_set(u32::MAX - 50..=u32::MAX, 0..20),
    ];
    (any::<u32>(), ids, any::<u64>()).prop_map(|(tick, ids, seed)| {
        let items: Vec<Item> = ids
            .into_iter()
            .enumerate()
            .map(|(i, id)| {
                let r = seed.rotate_left(i as u32 * 7) ^ u64::from(id).wrapping_mul(0x9E37);
                (
                    id,
                    (r % 4) as u16,
                    (r >> 8) as i32,
                    ((r >> 40) as i32 % 40_000),
                    (r >> 16) as u8,
                    (r >> 24) as u8,
                )
            })
            .collect();
        build(tick, &items)
    })
}

fn encode(schema: &Schema, worlds: Baselines<'_>, cur: &World) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_delta(schema, worlds, cur, &mut bytes);
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn a_reused_id_is_a_removal_and_a_creation(base in world(), mix in any::<u64>(), dt in 1u32..4) {
        // Some ids come back as another kind of entity: the client must never mix the two.
        let schema = schema();
        let items: Vec<Item> = items_of(&base)
            .into_iter()
            .enumerate()
            .map(|(i, (id, kind, x, y, a, hp))| if (mix >> (i % 64)) & 1 == 1 {
                (id, (kind + 1) % 4, x ^ 5, y, a, hp)
            } else {
                (id, kind, x, y, a, hp)
            })
            .collect();
        let cur = build(base.tick.plus(dt).0, &items);
        let worlds = Baselines { baseline: Some(&base), previous: None };
        let bytes = encode(&schema, worlds, &cur);
        let mut out = World::default();
        let applied = apply_delta(&schema, &bytes, worlds, &mut out).expect("applies");
        prop_assert_eq!(&out, &cur);
        let reborn = (0..cur.len())
            .filter(|&i| base.entities()[i].kind != cur.entities()[i].kind)
            .count();
        prop_assert_eq!(applied.created, reborn);
        prop_assert_eq!(applied.removed, reborn);
    }

    #[test]
    fn unchanged_entities_cost_nothing(base in world(), dt in 1u32..5) {
        let mut cur = base.clone();
        cur.tick = base.tick.plus(dt);
        let worlds = Baselines { baseline: Some(&base), previous: None };
        // Header only: tick, baseline distance, two empty subsets, no creations.
        prop_assert!(encode(&schema(), worlds, &cur).len() <= 16);
    }

    #[test]
    fn a_delta_against_the_wrong_baseline_is_refused(base in world(), other in world()) {
        let schema = schema();
        let mut cur = other.clone();
        cur.tick = base.tick.plus(2);
        let bytes = encode(&schema, Baselines { baseline: Some(&base), previous: None }, &cur);
        let mut wrong = base.clone();
        wrong.tick = base.tick.minus(1);
        let mut out = World::default();
        let refused = matches!(
            apply_delta(&schema, &bytes, Baselines { baseline: Some(&wrong), previous: None }, &mut out),
            Err(CodecError::Baseline { .. })
        );
        prop_assert!(refused);
        let refused = matches!(
            apply_delta(&schema, &bytes, Baselines::default(), &mut out),
            Err(CodecError::Baseline { .. })
        );
        prop_assert!(refused);
    }

    #[test]
    fn random_bytes_never_panic_against_any_world(bytes in prop::collection::vec(any::<u8>(), 0..200), base in world()) {
        every_decoder(&bytes, &base);
    }
}

/// Runs every decoder of the wire on `bytes`: none may panic, whatever the bytes.
fn every_decoder(bytes: &[u8], base: &World) {
    let _ = codec::decode_client(bytes);
    let _ = codec::decode_server(bytes);
    let _ = codec::peek_hello_version(bytes);
    let schema = schema();
    for worlds in [
        Baselines::default(),
        Baselines {
            baseline: Some(base),
            previous: None,
        },
        Baselines {
            baseline: Some(base),
            previous: Some(base),
        },
    ] {
        let mut out = World::default();
        if apply_delta(&schema, bytes, worlds, &mut out).is_ok() {
            assert!(out.is_sorted());
        }
    }
}

/// A small fixed baseline for the fuzzing below: cheap enough for many thousand cases.
fn small_baseline() -> World {
    build(
        1000,
        &[
            (1, 0, 10, -10, 7, 100),
            (2, 1, -300, 300, 7, 100),
            (5, 2, 4_000, -4_000, 7, 100),
        ],
    )
}

/// Arbitrary bytes, often behind a small first byte, so that every message variant and short
/// delta headers are reached, not only the refusal of the first byte.
fn fuzz_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        (0u8..8, prop::collection::vec(any::<u8>(), 0..64)).prop_map(|(first, rest)| {
            let mut b = vec![first];
            b.extend(rest);
            b
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    /// Fuzzing in the normal test command: every decoder on arbitrary bytes.
    #[test]
    fn random_bytes_never_panic(bytes in fuzz_bytes()) {
        every_decoder(&bytes, &small_baseline());
    }
}

//! Property tests: any world survives encode, bytes and apply exactly.

use proptest::prelude::*;
use tickwire_protocol::*;

fn kind() -> impl Strategy<Value = EntityKind> {
    prop_oneof![
        Just(EntityKind::Player),
        Just(EntityKind::Bot),
        Just(EntityKind::Projectile),
        Just(EntityKind::Prop),
    ]
}

fn entity(id: u32) -> impl Strategy<Value = EntityState> {
    (
        kind(),
        any::<i32>(),
        -40_000i32..40_000,
        any::<u8>(),
        any::<u8>(),
    )
        .prop_map(move |(kind, x, y, angle, hp)| EntityState {
            id: EntityId(id),
            kind,
            x,
            y,
            angle,
            hp,
        })
}

/// A world with ids drawn from a small range (so that two worlds share many ids), or from the
/// top of the id space (so that gaps and wrap-around edges are exercised).
fn world() -> impl Strategy<Value = WorldState> {
    let ids = prop_oneof![
        prop::collection::btree_set(0u32..300, 0..120),
        prop::collection::btree_set(u32::MAX - 50..=u32::MAX, 0..20),
    ];
    (any::<u32>(), ids)
        .prop_flat_map(|(tick, ids)| {
            let es: Vec<_> = ids.into_iter().map(entity).collect();
            (Just(tick), es)
        })
        .prop_map(|(tick, entities)| WorldState {
            tick: Tick(tick),
            entities,
        })
}

/// A world and a later version of it: some entities moved a little, some left, some arrived.
fn world_pair() -> impl Strategy<Value = (WorldState, WorldState)> {
    (world(), world(), any::<u64>(), 1u32..1000).prop_map(|(base, other, mix, dt)| {
        let mut cur: Vec<EntityState> = Vec::new();
        for (i, e) in base.entities.iter().enumerate() {
            match (mix >> (i % 60)) & 3 {
                0 => {}
                1 => cur.push(*e),
                _ => cur.push(EntityState {
                    x: e.x.wrapping_add(i as i32 - 7),
                    y: e.y.wrapping_sub(3),
                    angle: e.angle.wrapping_add(i as u8),
                    hp: if i % 5 == 0 { e.hp / 2 } else { e.hp },
                    ..*e
                }),
            }
        }
        for e in other.entities {
            if base.entity(e.id).is_none() && cur.iter().all(|c| c.id != e.id) {
                cur.push(e);
            }
        }
        cur.sort_by_key(|e| e.id);
        let cur = WorldState {
            tick: base.tick.plus(dt),
            entities: cur,
        };
        (base, cur)
    })
}

/// A world before `base`: most entities a little behind where they are in `base`.
fn earlier(base: &WorldState, back: u32, mix: u64) -> WorldState {
    let entities = base
        .entities
        .iter()
        .enumerate()
        .filter(|(i, _)| (mix >> (i % 50)) & 7 != 0)
        .map(|(i, e)| EntityState {
            x: e.x.wrapping_sub((i as i32 % 9) * 3),
            y: e.y.wrapping_add(i as i32 % 4),
            ..*e
        })
        .collect();
    WorldState {
        tick: base.tick.minus(back),
        entities,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn apply_of_encode_is_identity((base, cur) in world_pair(), mix in any::<u64>(), back in 1u32..5) {
        let prev = earlier(&base, back, mix);
        let delta = Delta::encode(Some(&base), &cur);
        for previous in [None, Some(&prev)] {
            let worlds = Baselines { baseline: Some(&base), previous };
            let bytes = delta.to_bytes(worlds);
            let decoded = Delta::read(&bytes, worlds).expect("decode");
            prop_assert_eq!(&decoded, &delta);
            prop_assert_eq!(decoded.apply(Some(&base)).expect("apply"), cur.clone());
        }
        // A full snapshot gives the same world.
        let full = Delta::encode(None, &cur);
        let bytes = full.to_bytes(Baselines::default());
        let back = Delta::read(&bytes, Baselines::default()).expect("decode");
        prop_assert_eq!(back.apply(None).expect("apply"), cur);
    }

    #[test]
    fn a_reused_id_is_a_removal_and_a_creation(base in world(), mix in any::<u64>(), dt in 1u32..4) {
        // Some ids come back as another kind of entity: the client must never mix the two.
        let entities: Vec<EntityState> = base
            .entities
            .iter()
            .enumerate()
            .map(|(i, e)| if (mix >> (i % 64)) & 1 == 1 {
                EntityState { kind: if e.kind == EntityKind::Prop { EntityKind::Bot } else { EntityKind::Prop }, x: e.x ^ 5, ..*e }
            } else {
                *e
            })
            .collect();
        let cur = WorldState { tick: base.tick.plus(dt), entities };
        let delta = Delta::encode(Some(&base), &cur);
        for e in &cur.entities {
            if base.entity(e.id).is_some_and(|b| b.kind != e.kind) {
                prop_assert!(delta.removed.contains(&e.id));
                prop_assert!(delta.created.iter().any(|c| c.id == e.id));
            }
        }
        let worlds = Baselines { baseline: Some(&base), previous: None };
        let back = Delta::read(&delta.to_bytes(worlds), worlds).expect("decode");
        prop_assert_eq!(back.apply(Some(&base)).expect("apply"), cur);
    }

    #[test]
    fn unchanged_entities_cost_nothing(base in world(), dt in 1u32..5) {
        let cur = WorldState { tick: base.tick.plus(dt), entities: base.entities.clone() };
        let delta = Delta::encode(Some(&base), &cur);
        prop_assert!(delta.is_empty());
        let worlds = Baselines { baseline: Some(&base), previous: None };
        // Header only: tick, baseline distance, two empty subsets, empty blocks, no creations.
        prop_assert!(delta.to_bytes(worlds).len() <= 16);
    }

    #[test]
    fn random_bytes_never_panic_against_any_world(bytes in prop::collection::vec(any::<u8>(), 0..200), base in world()) {
        every_decoder(&bytes, &base);
    }

    #[test]
    fn a_delta_against_the_wrong_baseline_is_refused((base, cur) in world_pair()) {
        let delta = Delta::encode(Some(&base), &cur);
        let wrong = WorldState { tick: base.tick.minus(1), entities: base.entities.clone() };
        let refused = matches!(delta.apply(Some(&wrong)), Err(DeltaError::BaselineMismatch { .. }));
        prop_assert!(refused);
        prop_assert!(delta.apply(None).is_err());
        let bytes = delta.to_bytes(Baselines { baseline: Some(&base), previous: None });
        let refused = matches!(
            Delta::read(&bytes, Baselines { baseline: Some(&wrong), previous: None }),
            Err(CodecError::Baseline { .. })
        );
        prop_assert!(refused);
    }
}

/// Runs every decoder of the wire on `bytes`: none may panic, whatever the bytes.
fn every_decoder(bytes: &[u8], base: &WorldState) {
    let _ = codec::decode_client(bytes);
    let _ = codec::decode_server(bytes);
    let _ = codec::peek_hello_version(bytes);
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
        if let Ok(d) = Delta::read(bytes, worlds) {
            let _ = d.apply(worlds.baseline);
        }
        let mut out = WorldState::default();
        let _ = DeltaBody::apply_into(bytes, worlds, &mut out);
    }
}

/// A small fixed baseline for the fuzzing below: cheap enough for many thousand cases.
fn small_baseline() -> WorldState {
    let e = |id, kind, x| EntityState {
        id: EntityId(id),
        kind,
        x,
        y: -x,
        angle: 7,
        hp: 100,
    };
    WorldState {
        tick: Tick(1000),
        entities: vec![
            e(1, EntityKind::Player, 10),
            e(2, EntityKind::Bot, -300),
            e(5, EntityKind::Projectile, 4_000),
        ],
    }
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

/// `cur` moved on from `base` without entities leaving or arriving: the common case a client
/// that keeps up receives. Some entities move, some only turn, some only change hit points.
fn moved_only(base: &WorldState, mix: u64, dt: u32) -> WorldState {
    let entities = base
        .entities
        .iter()
        .enumerate()
        .map(|(i, e)| match (mix >> (i % 60)) & 3 {
            0 => *e,
            1 => EntityState {
                hp: e.hp.wrapping_add(1),
                ..*e
            },
            2 => EntityState {
                angle: e.angle.wrapping_add(3),
                ..*e
            },
            _ => EntityState {
                x: e.x.wrapping_add(i as i32 % 7 - 3),
                y: e.y.wrapping_sub(2),
                ..*e
            },
        })
        .collect();
    WorldState {
        tick: base.tick.plus(dt),
        entities,
    }
}

/// Decodes with both readers and checks they agree: the same world, or both refuse.
fn both_readers_agree(
    bytes: &[u8],
    worlds: Baselines<'_>,
) -> Result<Option<WorldState>, TestCaseError> {
    let general = Delta::read(bytes, worlds)
        .ok()
        .and_then(|d| d.apply(worlds.baseline).ok());
    let mut out = WorldState::default();
    let fused = DeltaBody::apply_into(bytes, worlds, &mut out)
        .ok()
        .map(|_| out);
    prop_assert_eq!(&fused, &general);
    Ok(general)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn apply_into_equals_read_then_apply(
        (base, cur) in world_pair(), mix in any::<u64>(), back in 1u32..5, dt in 1u32..4,
    ) {
        let prev = earlier(&base, back, mix);
        let moved = moved_only(&base, mix.rotate_left(17), dt);
        for target in [&cur, &moved] {
            let delta = Delta::encode(Some(&base), target);
            for previous in [None, Some(&prev)] {
                let worlds = Baselines { baseline: Some(&base), previous };
                let got = both_readers_agree(&delta.to_bytes(worlds), worlds)?;
                prop_assert_eq!(got.as_ref(), Some(target));
            }
        }
        let full = Delta::encode(None, &cur).to_bytes(Baselines::default());
        prop_assert_eq!(both_readers_agree(&full, Baselines::default())?, Some(cur));
    }

    #[test]
    fn apply_into_refuses_what_read_refuses(
        bytes in prop::collection::vec(any::<u8>(), 0..200), base in world(), flip in any::<u16>(), mix in any::<u64>(),
    ) {
        let worlds = Baselines { baseline: Some(&base), previous: Some(&base) };
        both_readers_agree(&bytes, worlds)?;
        // A real body with one bit flipped: mostly well formed, so the deep checks run.
        let moved = moved_only(&base, mix, 1);
        let mut real = Delta::encode(Some(&base), &moved).to_bytes(worlds);
        if !real.is_empty() {
            let bit = usize::from(flip) % (real.len() * 8);
            real[bit / 8] ^= 1 << (bit % 8);
        }
        both_readers_agree(&real, worlds)?;
    }
}

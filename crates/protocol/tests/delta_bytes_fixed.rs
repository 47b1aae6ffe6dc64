//! The delta encoder's bytes, pinned: thousands of deltas between seeded pseudo-random worlds
//! (several schemas, motion large and small, prediction on and off, removals, creations, kind
//! changes, texts) hashed together, against the hash the encoder gave before it was reworked for
//! speed. A rework of `write_delta` that changes any byte of any of them fails here, even where
//! the delta still decodes to the right world (which the property tests check).

use tickwire_protocol::replication::{
    Baselines, FieldDesc, KindDesc, KindId, Picked, Schema, SchemaDesc, StateStep, WireType, World,
    apply_delta, write_delta, write_picked,
};
use tickwire_protocol::{EntityId, Tick};

/// The hash of every delta of [`all_deltas`], as the encoder of `ad8410a` wrote them.
const PINNED: u64 = 0x2f3c_34df_79ee_304a;

/// splitmix64: a fixed sequence from a seed.
struct Seq(u64);

impl Seq {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn schemas() -> Vec<Schema> {
    let build = |kinds: Vec<KindDesc>| {
        Schema::new(SchemaDesc {
            game: "pinned".into(),
            version: 1,
            kinds,
            ..SchemaDesc::default()
        })
        .expect("valid schema")
    };
    // The random walk's body: a predicted position, an angle, a constant int.
    let walker = |name: &str| {
        KindDesc::new(
            name,
            vec![
                FieldDesc::new("pos", WireType::Vec2 { step: 0.0625 }).moving(),
                FieldDesc::new("angle", WireType::Angle { bits: 8 }),
                FieldDesc::new("hp", WireType::Int { min: 0, max: 255 }),
            ],
        )
        .positioned_by("pos")
    };
    let mixed = KindDesc::new(
        "mixed",
        vec![
            FieldDesc::new("x", WireType::Fixed { step: 0.5 }).moving(),
            FieldDesc::new("alive", WireType::Bool),
            FieldDesc::new(
                "team",
                WireType::Enum {
                    variants: (0..5).map(|i| format!("t{i}")).collect(),
                },
            ),
            FieldDesc::new("tint", WireType::Color),
            FieldDesc::new(
                "score",
                WireType::Int {
                    min: -50,
                    max: 5000,
                },
            )
            .moving(),
            FieldDesc::new("spin", WireType::Angle { bits: 13 }),
        ],
    );
    let named = KindDesc::new(
        "named",
        vec![
            FieldDesc::new("name", WireType::Text { max_bytes: 5 }),
            FieldDesc::new("pos", WireType::Vec2 { step: 0.25 }),
            FieldDesc::new("label", WireType::Text { max_bytes: 12 }),
        ],
    );
    vec![
        build(vec![walker("player"), walker("prop")]),
        build(vec![walker("prop")]),
        build(vec![walker("player"), mixed.clone(), walker("prop")]),
        build(vec![mixed, named]),
    ]
}

const WORDS: [&str; 7] = [
    "",
    "ada",
    "bo",
    "céline",
    "zz",
    "flag!",
    "a much longer one",
];

/// A slot value of `ty`: small mostly, anywhere in its range sometimes.
fn value(ty: &WireType, r: &mut Seq) -> i32 {
    match ty {
        WireType::Fixed { .. } | WireType::Vec2 { .. } => {
            if r.below(8) == 0 {
                r.next() as i32
            } else {
                r.below(4000) as i32 - 2000
            }
        }
        _ => {
            let (min, max) = ty.range();
            let span = (i64::from(max) - i64::from(min) + 1) as u64;
            (i64::from(min) + r.below(span) as i64) as i32
        }
    }
}

fn fresh(schema: &Schema, w: &mut World, id: u32, r: &mut Seq) {
    let kinds = &schema.desc().kinds;
    let k = r.below(kinds.len() as u64) as usize;
    let mut e = w.push(EntityId(id), KindId(k as u16));
    for f in &kinds[k].fields {
        for _ in 0..f.ty.slots() {
            match &f.ty {
                WireType::Text { .. } => {
                    e.text(WORDS[r.below(WORDS.len() as u64) as usize]);
                }
                ty => {
                    e.value(value(ty, r));
                }
            }
        }
    }
}

fn first_world(schema: &Schema, n: u32, r: &mut Seq) -> World {
    let mut w = World::new(Tick(100));
    let mut id = r.below(3) as u32;
    for _ in 0..n {
        fresh(schema, &mut w, id, r);
        id += 1 + r.below(4) as u32;
    }
    w
}

/// `base` a tick later: most entities move (by `speed` and a little noise, or jump), some keep
/// still, some go, some come, an id now and then changes kind.
fn next_world(schema: &Schema, base: &World, speed: i32, r: &mut Seq) -> World {
    let kinds = &schema.desc().kinds;
    let mut w = World::new(Tick(base.tick.0 + 1 + r.below(2) as u32));
    let churn = 1 + r.below(30);
    let still = r.below(6);
    let mut last = None;
    for (i, e) in base.entities().iter().enumerate() {
        // Newcomers between old ids.
        if r.below(churn * 3) == 0 {
            let id = e.id.0.saturating_sub(1);
            if id > 0 && last.is_none_or(|l| l < id) && base.find(EntityId(id)).is_none() {
                fresh(schema, &mut w, id, r);
                last = Some(id);
            }
        }
        if r.below(churn * 2) == 0 {
            continue;
        }
        if r.below(churn * 8) == 0 {
            fresh(schema, &mut w, e.id.0, r);
            last = Some(e.id.0);
            continue;
        }
        let old = base.slots(i);
        let moves = r.below(6) >= still;
        let mut out = w.push(e.id, e.kind);
        let mut slot = 0;
        for f in &kinds[usize::from(e.kind.0)].fields {
            for _ in 0..f.ty.slots() {
                let v = old[slot];
                match &f.ty {
                    WireType::Text { .. } => {
                        if moves && r.below(4) == 0 {
                            out.text(WORDS[r.below(WORDS.len() as u64) as usize]);
                        } else {
                            out.text(base.text(i, v));
                        }
                    }
                    WireType::Fixed { .. } | WireType::Vec2 { .. } => {
                        out.value(if !moves {
                            v
                        } else if r.below(40) == 0 {
                            r.next() as i32
                        } else {
                            v.wrapping_add(speed + r.below(5) as i32 - 2)
                        });
                    }
                    WireType::Angle { bits } => {
                        let d = if moves { r.below(9) as i32 - 4 } else { 0 };
                        out.value((v.wrapping_add(d)) & ((1 << bits) - 1));
                    }
                    ty => {
                        out.value(if moves && r.below(3) == 0 {
                            value(ty, r)
                        } else {
                            v
                        });
                    }
                }
                slot += 1;
            }
        }
        last = Some(e.id.0);
    }
    let mut id = last.map_or(0, |l| l + 1);
    for _ in 0..r.below(4) {
        fresh(schema, &mut w, id, r);
        id += 1 + r.below(3) as u32;
    }
    w
}

fn fnv(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Every delta: per schema and seed, a chain of worlds, each written in full, against the one
/// before, and against the one before with the one before that to predict from. Returns the hash
/// and how many were written.
fn all_deltas() -> (u64, usize) {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut count = 0;
    for (si, schema) in schemas().iter().enumerate() {
        for seed in 0..60u64 {
            let mut r = Seq(seed * 1000 + si as u64);
            let n = [0, 1, 3, 20, 100, 300][(seed % 6) as usize];
            let speed = [0, 1, -3, 16, 200][(seed % 5) as usize];
            let mut worlds = vec![first_world(schema, n, &mut r)];
            for _ in 0..4 {
                let next = next_world(schema, worlds.last().expect("a world"), speed, &mut r);
                worlds.push(next);
            }
            for (i, cur) in worlds.iter().enumerate() {
                let mut sets = vec![Baselines::default()];
                if i >= 1 {
                    sets.push(Baselines {
                        baseline: Some(&worlds[i - 1]),
                        previous: None,
                    });
                }
                if i >= 2 {
                    sets.push(Baselines {
                        baseline: Some(&worlds[i - 1]),
                        previous: Some(&worlds[i - 2]),
                    });
                }
                for set in sets {
                    let mut bytes = Vec::new();
                    write_delta(schema, set, cur, &mut bytes);
                    let mut back = World::default();
                    apply_delta(schema, &bytes, set, &mut back).expect("decodes");
                    // Texts arrive cut to their field's size: compare ids and numbers only.
                    assert_eq!(back.len(), cur.len());
                    hash = fnv(hash, &bytes);
                    hash = fnv(hash, &(bytes.len() as u32).to_le_bytes());
                    count += 1;
                }
            }
        }
    }
    (hash, count)
}

#[test]
fn the_encoder_writes_the_bytes_it_always_wrote() {
    let (hash, count) = all_deltas();
    assert!(count > 2000, "{count} deltas");
    assert_eq!(
        hash, PINNED,
        "the bytes changed: {hash:#018x} over {count} deltas"
    );
}

/// Some entities of `state`, as a client's view holds them: every one, about half at random, or
/// those whose ids fall in a window that moves with `shift` (some of them left out now and then).
fn picks(state: &World, how: u64, shift: u32, r: &mut Seq) -> Vec<u32> {
    let ids = state.entities().iter().map(|e| e.id.0);
    ids.enumerate()
        .filter(|&(_, id)| match how {
            0 => true,
            1 => r.below(2) == 0,
            _ => (id + shift) % 40 < 25 && r.below(12) != 0,
        })
        .map(|(i, _)| i as u32)
        .collect()
}

fn made(state: &World, picks: &[u32]) -> World {
    let mut w = World::new(state.tick);
    w.extend_picked(state, picks.iter().map(|&i| i as usize));
    w
}

/// Deltas between views written from a step's shared tables are the bytes of the same views
/// written whole, whatever the views hold (entities entering and leaving them, kinds changing,
/// texts, prediction on and off, a previous view or none).
#[test]
fn views_written_from_a_step_are_the_bytes_of_the_views_written_whole() {
    let mut count = 0;
    for (si, schema) in schemas().iter().enumerate() {
        for seed in 0..40u64 {
            let mut r = Seq(seed * 7919 + si as u64);
            let n = [1, 3, 20, 100, 300][(seed % 5) as usize];
            let speed = [0, 1, -3, 16, 200][(seed % 5) as usize];
            let mut states = vec![first_world(schema, n, &mut r)];
            for _ in 0..4 {
                let next = next_world(schema, states.last().expect("a state"), speed, &mut r);
                states.push(next);
            }
            // Every other chain builds each step on the one before (reusing what it found of
            // their shared state), the others each step afresh: both write the same bytes.
            let mut before: Option<StateStep> = None;
            for i in 1..states.len() {
                let (base, cur) = (&states[i - 1], &states[i]);
                let previous = (i >= 2).then(|| &states[i - 2]);
                let step = match seed % 2 {
                    0 => StateStep::following(before.as_ref(), schema, previous, base, cur),
                    _ => StateStep::new(schema, previous, base, cur),
                }
                .expect("well formed");
                for how in 0..3 {
                    let shift = r.below(6) as u32;
                    let cp = picks(cur, how, shift + 2, &mut r);
                    let bp = picks(base, how, shift + 1, &mut r);
                    let pp = previous.map(|p| picks(p, how, shift, &mut r));
                    let (cw, bw) = (made(cur, &cp), made(base, &bp));
                    let pw = previous.zip(pp.as_ref()).map(|(p, pp)| made(p, pp));
                    for with_previous in [false, true] {
                        let worlds = Baselines {
                            baseline: Some(&bw),
                            previous: pw.as_ref().filter(|_| with_previous),
                        };
                        let mut whole = Vec::new();
                        write_delta(schema, worlds, &cw, &mut whole);
                        let prev = previous
                            .zip(pp.as_deref())
                            .filter(|_| with_previous)
                            .map(|(state, picks)| Picked { state, picks });
                        let mut from_step = Vec::new();
                        let written = write_picked(
                            schema,
                            &step,
                            Picked {
                                state: base,
                                picks: &bp,
                            },
                            prev,
                            Picked {
                                state: cur,
                                picks: &cp,
                            },
                            &mut from_step,
                        );
                        assert!(written, "schema {si} seed {seed} state {i} how {how}");
                        assert_eq!(
                            from_step, whole,
                            "schema {si} seed {seed} state {i} how {how} previous {with_previous}"
                        );
                        count += 1;
                    }
                }
                before = Some(step);
            }
        }
    }
    assert!(count > 2000, "{count} deltas");
}

/// A step is used only with the states it was built over; other worlds are refused, with
/// nothing written, and views whose picks are not increasing indices of their state too.
#[test]
fn a_step_refuses_worlds_it_was_not_built_over() {
    let schema = &schemas()[0];
    let mut r = Seq(5);
    let a = first_world(schema, 50, &mut r);
    let b = next_world(schema, &a, 3, &mut r);
    let c = next_world(schema, &b, 3, &mut r);
    let step = StateStep::new(schema, None, &a, &b).expect("well formed");
    let all = |w: &World| (0..w.len() as u32).collect::<Vec<u32>>();
    let (pa, pb, pc) = (all(&a), all(&b), all(&c));
    let view = |state, picks| Picked { state, picks };
    let mut out = Vec::new();
    let mut write =
        |base, previous, cur| write_picked(schema, &step, base, previous, cur, &mut out);
    assert!(!write(view(&b, &pb), None, view(&c, &pc)));
    // The step has no previous state: a previous view cannot be predicted from.
    let before = view(&a, &pa);
    assert!(!write(view(&a, &pa), Some(before), view(&b, &pb)));
    assert!(!write(view(&a, &[3, 2]), None, view(&b, &pb)));
    let past = [b.len() as u32];
    assert!(!write(view(&a, &pa), None, view(&b, &past)));
    assert!(out.is_empty());
    assert!(write_picked(
        schema,
        &step,
        view(&a, &pa),
        None,
        view(&b, &pb),
        &mut out
    ));
    assert!(!out.is_empty());
}

//! `#[derive(Replicate)]` as a game uses it: a struct of every wire type quantizes into a world
//! and reads back as its quantized self, its derived `KindDesc` is the hand-written one, and a
//! schema built from derived kinds carries deltas whose worlds read back as typed values.

use std::sync::Arc;

use proptest::prelude::*;
use tickwire_protocol::replication::{
    Baselines, FieldDesc, KindDesc, KindId, Replicate, ReplicateEnum, Schema, SchemaDesc, WireType,
    World, apply_delta, write_delta,
};
use tickwire_protocol::{EntityId, Tick};

#[derive(Clone, Copy, Debug, PartialEq, ReplicateEnum)]
enum Team {
    Red,
    #[replicate(name = "azure")]
    Blue,
    GreenSide,
}

/// A constant step, as a game would share it between its rules and its schema.
const SPEED_STEP: f32 = 0.1;

#[derive(Clone, Debug, PartialEq, Replicate)]
#[replicate(kind = "runner")]
struct Every {
    #[replicate(vec2(step = 0.0625), position, moving)]
    pos: glam::Vec2,
    #[replicate(vec2(step = 0.5))]
    aim: (f32, f32),
    #[replicate(angle(bits = 8), interpolate)]
    facing: f32,
    #[replicate(int(min = 0, max = 200))]
    hp: u8,
    lives: i8,
    #[replicate(int(min = -50, max = 50), predict)]
    score: i64,
    it: bool,
    #[replicate(text(max = 8))]
    name: String,
    #[replicate(text(max = 4), name = "tag")]
    label: Arc<str>,
    #[replicate(color)]
    colour: u32,
    #[replicate(color)]
    trim: [u8; 3],
    #[replicate(enumeration)]
    team: Team,
    #[replicate(fixed(step = SPEED_STEP), moving)]
    speed: f32,
    #[replicate(fixed(step = 0.25))]
    timer: f64,
    #[replicate(skip)]
    local_only: u64,
}

fn every() -> Every {
    Every {
        pos: glam::Vec2::new(10.03, -3.3),
        aim: (0.3, 7.74),
        facing: -2.0,
        hp: 250,
        lives: -3,
        score: 7,
        it: true,
        name: "ééééé".into(),
        label: Arc::from("ok"),
        colour: 0x80_12_34_56,
        trim: [1, 2, 3],
        team: Team::GreenSide,
        speed: 3.3,
        timer: 1.1,
        local_only: 99,
    }
}

/// What `every()` is once quantized, worked out by hand from the wire types.
fn every_quantized() -> Every {
    let q = |ty: WireType, v: f64| ty.dequantize(ty.quantize(v));
    let v = every();
    let pos = WireType::Vec2 { step: 0.0625 };
    Every {
        pos: glam::Vec2::new(
            q(pos.clone(), f64::from(v.pos.x)) as f32,
            q(pos, f64::from(v.pos.y)) as f32,
        ),
        aim: (0.5, 7.5),
        facing: q(WireType::Angle { bits: 8 }, -2.0) as f32,
        hp: 200,
        lives: -3,
        score: 7,
        it: true,
        // Eight bytes hold four two-byte characters.
        name: "éééé".into(),
        label: Arc::from("ok"),
        colour: 0x12_34_56,
        trim: [1, 2, 3],
        team: Team::GreenSide,
        speed: q(WireType::Fixed { step: SPEED_STEP }, f64::from(3.3f32)) as f32,
        timer: 1.0,
        local_only: 0,
    }
}

#[test]
fn a_struct_of_every_wire_type_reads_back_as_its_quantized_self() {
    let mut world = World::new(Tick(5));
    every().push_to(&mut world, EntityId(3), KindId(0));
    assert_eq!(world.slots(0).len(), Every::SLOTS);
    assert_eq!(Every::SLOTS, 16);
    let back = Every::read(&world, 0).expect("the kind's shape");
    assert_eq!(back, every_quantized());
    // Reading is exact: what was read writes the same slots again.
    let mut again = World::new(Tick(5));
    back.push_to(&mut again, EntityId(3), KindId(0));
    assert_eq!(again, world);
}

#[test]
fn the_derived_kind_desc_is_the_hand_written_one() {
    let team = WireType::Enum {
        variants: vec!["red".into(), "azure".into(), "green_side".into()],
    };
    let mut score = FieldDesc::new("score", WireType::Int { min: -50, max: 50 });
    score.predict = true;
    let hand = KindDesc::new(
        "runner",
        vec![
            FieldDesc::new("pos", WireType::Vec2 { step: 0.0625 }).moving(),
            FieldDesc::new("aim", WireType::Vec2 { step: 0.5 }),
            FieldDesc::new("facing", WireType::Angle { bits: 8 }).interpolated(),
            FieldDesc::new("hp", WireType::Int { min: 0, max: 200 }),
            FieldDesc::new(
                "lives",
                WireType::Int {
                    min: -128,
                    max: 127,
                },
            ),
            score,
            FieldDesc::new("it", WireType::Bool),
            FieldDesc::new("name", WireType::Text { max_bytes: 8 }),
            FieldDesc::new("tag", WireType::Text { max_bytes: 4 }),
            FieldDesc::new("colour", WireType::Color),
            FieldDesc::new("trim", WireType::Color),
            FieldDesc::new("team", team),
            FieldDesc::new("speed", WireType::Fixed { step: 0.1 }).moving(),
            FieldDesc::new("timer", WireType::Fixed { step: 0.25 }),
        ],
    )
    .positioned_by("pos");
    let derived = Every::kind_desc();
    for (d, h) in derived.fields.iter().zip(&hand.fields) {
        assert_eq!(d, h);
    }
    assert_eq!(derived, hand);
    assert_eq!(Every::KIND, "runner");
    assert_eq!(Team::VARIANTS, ["red", "azure", "green_side"]);
    assert_eq!(Team::from_index(1), Some(Team::Blue));
    assert_eq!(Team::from_index(3), None);
}

#[derive(Clone, Debug, PartialEq, Replicate)]
struct Runner {
    #[replicate(vec2(step = 0.0625), position, moving)]
    pos: [f32; 2],
    it: bool,
    #[replicate(text(max = 24))]
    name: String,
}

#[derive(Clone, Debug, PartialEq, Replicate)]
struct HomeBase {
    #[replicate(vec2(step = 1.0), position)]
    at: [f32; 2],
    #[replicate(enumeration)]
    team: Team,
    #[replicate(color)]
    colour: u32,
}

/// A kind generic over its text, reaching the protocol by an explicit path.
#[derive(Clone, Debug, PartialEq, Replicate)]
#[replicate(crate = "tickwire_protocol", kind = "sign")]
struct Sign<T: Clone> {
    #[replicate(text(max = 16))]
    r#type: T,
    #[replicate(fixed(step = 1), name = "height")]
    h: i64,
}

#[test]
fn generic_kinds_with_raw_names_round_trip() {
    let desc = Sign::<Arc<str>>::kind_desc();
    assert_eq!(desc.name, "sign");
    assert_eq!(desc.fields[0].name, "type");
    assert_eq!(desc.fields[1].name, "height");
    let v = Sign {
        r#type: Box::<str>::from("exit"),
        h: -40,
    };
    let mut world = World::new(Tick(1));
    v.push_to(&mut world, EntityId(1), KindId(0));
    assert_eq!(Sign::<Box<str>>::read(&world, 0), Some(v));
}

fn schema() -> Schema {
    SchemaDesc::builder("flags", 1)
        .kind::<Runner>()
        .kind::<HomeBase>()
        .build()
        .expect("a valid schema")
}

fn runner(x: f32, it: bool, name: &str) -> Runner {
    Runner {
        pos: [x, 2.0],
        it,
        name: name.into(),
    }
}

#[test]
fn a_schema_of_derived_kinds_carries_deltas_that_read_back_typed() {
    let schema = schema();
    let r = schema.kind_of::<Runner>().expect("runner");
    let b = schema.kind_of::<HomeBase>().expect("home base");
    assert_eq!((r, b), (KindId(0), KindId(1)));
    assert_eq!(schema.kind("home_base"), Some(b));

    let base = HomeBase {
        at: [-4.0, 9.0],
        team: Team::Blue,
        colour: 0x00_ff_00,
    };
    let mut w0 = World::new(Tick(10));
    runner(1.0, false, "ada").push_to(&mut w0, EntityId(1), r);
    base.push_to(&mut w0, EntityId(2), b);
    runner(5.0, true, "bo").push_to(&mut w0, EntityId(3), r);

    let mut w1 = World::new(Tick(11));
    runner(1.5, true, "ada").push_to(&mut w1, EntityId(1), r);
    base.push_to(&mut w1, EntityId(2), b);
    runner(5.0, false, "bob").push_to(&mut w1, EntityId(4), r);

    // A full snapshot, then a delta against it.
    let mut bytes = Vec::new();
    write_delta(&schema, Baselines::default(), &w0, &mut bytes);
    let mut held = World::default();
    apply_delta(&schema, &bytes, Baselines::default(), &mut held).expect("full snapshot");
    assert_eq!(held, w0);
    bytes.clear();
    let against = Baselines {
        baseline: Some(&w0),
        previous: None,
    };
    write_delta(&schema, against, &w1, &mut bytes);
    let mut seen = World::default();
    let applied = apply_delta(
        &schema,
        &bytes,
        Baselines {
            baseline: Some(&held),
            previous: None,
        },
        &mut seen,
    )
    .expect("delta");
    assert_eq!(
        (applied.removed, applied.changed, applied.created),
        (1, 1, 1)
    );
    assert_eq!(seen, w1);

    let read: Vec<(u32, Option<Runner>, Option<HomeBase>)> = seen
        .entities()
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let typed = Runner::read_if_kind(&seen, i, r);
            let home = HomeBase::read_if_kind(&seen, i, b);
            (e.id.0, typed, home)
        })
        .collect();
    assert_eq!(
        read,
        vec![
            (1, Some(runner(1.5, true, "ada")), None),
            (2, None, Some(base)),
            (4, Some(runner(5.0, false, "bob")), None),
        ]
    );
}

#[test]
fn a_type_finds_its_kind_only_where_the_schema_declares_its_shape() {
    let schema = schema();
    assert_eq!(schema.kind_of::<Every>(), None);
    // A server's schema for another version of `runner`.
    let mut other = Runner::kind_desc();
    other.fields[1] = FieldDesc::new("it", WireType::Int { min: 0, max: 1 });
    let theirs = SchemaDesc::builder("flags", 2)
        .kind::<HomeBase>()
        .kind_desc(other)
        .build()
        .expect("valid");
    assert_eq!(theirs.kind_of::<HomeBase>(), Some(KindId(0)));
    assert_eq!(theirs.kind_of::<Runner>(), None);
    let twice = SchemaDesc::builder("flags", 1)
        .kind::<Runner>()
        .kind::<Runner>()
        .build();
    let e = twice.expect_err("two kinds of one name");
    assert!(e.to_string().contains("\"runner\""), "{e}");
}

#[test]
fn reading_another_shape_gives_none() {
    let mut world = World::new(Tick(1));
    runner(1.0, true, "ada").push_to(&mut world, EntityId(1), KindId(0));
    world
        .push(EntityId(2), KindId(0))
        .value(0)
        .value(0)
        .value(2)
        .text("x");
    world
        .push(EntityId(3), KindId(1))
        .value(0)
        .value(0)
        .value(5)
        .value(0);
    assert!(Runner::read(&world, 0).is_some());
    // A home base has four slots too: only its kind tells it from a runner.
    assert!(HomeBase::read(&world, 0).is_some());
    assert_eq!(HomeBase::read_if_kind(&world, 0, KindId(1)), None);
    assert!(Runner::read_if_kind(&world, 0, KindId(0)).is_some());
    assert_eq!(Runner::read(&world, 1), None, "a bool of 2");
    assert_eq!(
        HomeBase::read(&world, 2),
        None,
        "an enum index past its variants"
    );
    assert_eq!(Runner::read(&world, 3), None, "past the end");
}

#[test]
fn a_text_too_long_is_cut_so_that_clients_accept_it() {
    let schema = schema();
    let mut world = World::new(Tick(1));
    let long = "ü".repeat(20);
    runner(0.0, false, &long).push_to(&mut world, EntityId(1), KindId(0));
    let mut bytes = Vec::new();
    write_delta(&schema, Baselines::default(), &world, &mut bytes);
    let mut seen = World::default();
    apply_delta(&schema, &bytes, Baselines::default(), &mut seen).expect("a valid text");
    let back = Runner::read(&seen, 0).expect("runner");
    assert_eq!(back.name, "ü".repeat(12));
}

/// Two kinds of one name would make `Schema::kind(name)` ambiguous: `Schema::new` refuses them,
/// as `SchemaBuilder::build` does, so a declaration decoded from the wire cannot carry them.
#[test]
fn schema_new_refuses_two_kinds_of_one_name() {
    let desc = SchemaDesc {
        game: "g".into(),
        version: 1,
        kinds: vec![Runner::kind_desc(), Runner::kind_desc()],
        ..SchemaDesc::default()
    };
    assert!(Schema::new(desc).is_err());
}

/// A text longer than its field's `max_bytes`, written by hand, is cut by the encoder, so one
/// long name never makes a client's snapshot unreadable.
#[test]
fn a_text_over_its_max_written_by_hand_is_still_readable() {
    let schema = schema();
    let mut world = World::new(Tick(1));
    world
        .push(EntityId(1), KindId(0))
        .value(0)
        .value(0)
        .value(0)
        .text(&"x".repeat(25));
    let mut bytes = Vec::new();
    write_delta(&schema, Baselines::default(), &world, &mut bytes);
    let mut seen = World::default();
    assert!(apply_delta(&schema, &bytes, Baselines::default(), &mut seen).is_ok());
}

proptest! {
    /// Whatever a game writes, what a client reads writes exactly the same slots again: the
    /// typed values lose nothing that the wire kept.
    #[test]
    fn what_was_read_writes_the_same_slots(
        x in -1.0e5f32..1.0e5,
        y in -1.0e5f32..1.0e5,
        facing in -10.0f32..10.0,
        hp in any::<u8>(),
        lives in any::<i8>(),
        score in any::<i64>(),
        it in any::<bool>(),
        name in "\\PC{0,12}",
        colour in any::<u32>(),
        team in 0usize..3,
        speed in -1.0e4f32..1.0e4,
        timer in -1.0e6f64..1.0e6,
    ) {
        let v = Every {
            pos: glam::Vec2::new(x, y),
            aim: (y, x),
            facing,
            hp,
            lives,
            score,
            it,
            label: Arc::from(name.as_str()),
            name,
            colour,
            trim: [hp, 0, 255],
            team: Team::from_index(team).expect("in range"),
            speed,
            timer,
            local_only: 1,
        };
        let mut w = World::new(Tick(1));
        v.push_to(&mut w, EntityId(1), KindId(0));
        let back = Every::read(&w, 0).expect("the kind's shape");
        let mut again = World::new(Tick(1));
        back.push_to(&mut again, EntityId(1), KindId(0));
        prop_assert_eq!(again, w);
    }
}

/// A player's input as a game declares it: movement always counts, the aim only for a shot, a
/// client-side note never.
#[derive(Clone, Debug, PartialEq, Replicate)]
struct ShooterInput {
    #[replicate(int(min = -1, max = 1))]
    move_x: i8,
    #[replicate(angle(bits = 16), intent_when = "fire")]
    aim: f32,
    fire: bool,
    #[replicate(text(max = 8), intent = "never")]
    note: String,
}

/// An event kind: who scored, and how.
#[derive(Clone, Debug, PartialEq, Replicate)]
#[replicate(kind = "kill")]
struct Kill {
    #[replicate(int(min = 0, max = 2147483647))]
    killer: u32,
    #[replicate(int(min = 0, max = 2147483647))]
    victim: u32,
    #[replicate(enumeration)]
    team: Team,
}

/// A derived struct is an input, an event and a record alike: the builder takes its fields and
/// intents, `event_of` finds it, and it travels as a record and reads back as itself.
#[test]
fn a_derived_struct_is_an_input_or_an_event() {
    use tickwire_protocol::replication::{Intent, Record, read_record, write_record};
    let schema = SchemaDesc::builder("shooter", 2)
        .kind::<Runner>()
        .input::<ShooterInput>()
        .event::<Kill>()
        .score("kills", 1)
        .score("deaths", -1)
        .build()
        .expect("valid");
    let input = &schema.desc().input;
    assert_eq!(
        input.intent,
        vec![
            Intent::Always,
            Intent::When(2),
            Intent::Always,
            Intent::Never
        ]
    );
    assert_eq!(schema.event_of::<Kill>(), Some(0));
    assert_eq!(schema.event_of::<ShooterInput>(), None);
    assert_eq!(schema.rating(&[5, 2]), 3);

    let shot = ShooterInput {
        move_x: -1,
        aim: 0.5,
        fire: true,
        note: "hi".into(),
    };
    let mut bytes = Vec::new();
    write_record(schema.input(), &Record::of(&shot), &mut bytes);
    let back = read_record(schema.input(), &bytes).expect("reads");
    let read: ShooterInput = back.read().expect("its shape");
    assert_eq!(
        (read.move_x, read.fire, read.note.as_str()),
        (-1, true, "hi")
    );
    assert!((read.aim - 0.5).abs() < 1e-4);
    let aimed_elsewhere = ShooterInput {
        aim: 1.5,
        note: "other".into(),
        ..shot.clone()
    };
    assert!(!input.same_intent(&Record::of(&shot), &Record::of(&aimed_elsewhere)));
    let holding = |s: &ShooterInput| ShooterInput {
        fire: false,
        ..s.clone()
    };
    assert!(input.same_intent(
        &Record::of(&holding(&shot)),
        &Record::of(&holding(&aimed_elsewhere))
    ));

    let kill = Kill {
        killer: 3,
        victim: 9,
        team: Team::GreenSide,
    };
    let layout = schema.event_layout(0).expect("declared");
    let mut bytes = Vec::new();
    write_record(layout, &Record::of(&kill), &mut bytes);
    let back = read_record(layout, &bytes).expect("reads");
    assert_eq!(back.read::<Kill>(), Some(kill));
}

/// An event kind with a position is refused: events are not placed in the world.
#[test]
fn an_event_kind_with_a_position_is_refused() {
    let e = SchemaDesc::builder("g", 1)
        .kind::<Runner>()
        .event::<Runner>()
        .build()
        .expect_err("an event with a position");
    assert!(e.to_string().contains("no position"), "{e}");
}

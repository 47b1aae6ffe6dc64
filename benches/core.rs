//! Core costs: delta encode and apply per entity (one kind of the arena's shape, all moving), one arena world step, and the random-walk
//! scenario's step and snapshot capture at 100, 1,000 and 10,000 entities.
//!
//! Run with `cargo bench --bench core`; criterion prints time per iteration and, through
//! `Throughput::Elements`, entities per second (the per-entity cost is its inverse).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tickwire_protocol::{
    Baselines, EntityId, FieldDesc, KindDesc, KindId, Schema, SchemaDesc, Tick, WireType,
    apply_delta, write_delta,
};
use tickwire_sim::{Map, PlayerInput, World, WorldConfig};

/// One kind of the arena's shape (`pos` moving, `angle`, `hp`): what most games' entities are.
fn schema() -> Schema {
    Schema::new(SchemaDesc {
        game: "props".into(),
        version: 1,
        kinds: vec![
            KindDesc::new(
                "prop",
                vec![
                    FieldDesc::new("pos", WireType::Vec2 { step: 1.0 / 16.0 }).moving(),
                    FieldDesc::new("angle", WireType::Angle { bits: 8 }).interpolated(),
                    FieldDesc::new("hp", WireType::Int { min: 0, max: 255 }),
                ],
            )
            .positioned_by("pos"),
        ],
        ..SchemaDesc::default()
    })
    .expect("valid")
}

/// A world of `n` entities spread over a 1024-unit square.
fn world(n: u32, tick: u32, shift: i32) -> tickwire_protocol::World {
    let mut w = tickwire_protocol::World::new(Tick(tick));
    for i in 0..n {
        w.push(EntityId(i), KindId(0)).values(&[
            ((i * 7919) % 16384) as i32 + shift * ((i % 5) as i32 - 2),
            ((i * 104_729) % 16384) as i32 - shift * ((i % 3) as i32 - 1),
            (i as i32 + shift).rem_euclid(256),
            100,
        ]);
    }
    w
}

fn delta(c: &mut Criterion) {
    let schema = schema();
    let mut g = c.benchmark_group("delta");
    for n in [100u32, 1_000, 10_000] {
        let (prev, base, cur) = (world(n, 98, -20), world(n, 100, 0), world(n, 102, 20));
        let worlds = Baselines {
            baseline: Some(&base),
            previous: Some(&prev),
        };
        let mut bytes = Vec::new();
        write_delta(&schema, worlds, &cur, &mut bytes);
        println!("delta n={n}: {} bytes", bytes.len());
        g.throughput(Throughput::Elements(u64::from(n)));
        g.bench_with_input(BenchmarkId::new("encode_all_moved", n), &n, |b, _| {
            let mut out = Vec::new();
            b.iter(|| {
                out.clear();
                write_delta(&schema, worlds, black_box(&cur), &mut out);
                black_box(out.len())
            })
        });
        g.bench_with_input(BenchmarkId::new("apply_all_moved", n), &n, |b, _| {
            let mut out = tickwire_protocol::World::default();
            b.iter(|| {
                apply_delta(&schema, black_box(&bytes), worlds, &mut out).expect("apply");
                black_box(out.len())
            })
        });
        g.bench_with_input(BenchmarkId::new("encode_full", n), &n, |b, _| {
            let mut out = Vec::new();
            b.iter(|| {
                out.clear();
                write_delta(&schema, Baselines::default(), black_box(&cur), &mut out);
                black_box(out.len())
            })
        });
    }
    g.finish();
}

fn step(c: &mut Criterion) {
    let mut g = c.benchmark_group("arena_step");
    for (players, bots) in [(8u32, 4u32), (32, 64)] {
        let mut w = World::new(
            Map::default_arena(),
            WorldConfig {
                tick_rate: 60,
                bots,
            },
            7,
        );
        let ids: Vec<_> = (0..players)
            .map(|i| w.add_player(&format!("p{i}")).0)
            .collect();
        let inputs: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                (
                    p,
                    PlayerInput {
                        move_x: (i % 3) as i8 - 1,
                        move_y: ((i / 3) % 3) as i8 - 1,
                        aim: i as f32,
                        fire: i % 2 == 0,
                        rewind: 0,
                    },
                )
            })
            .collect();
        g.throughput(Throughput::Elements(u64::from(players + bots)));
        g.bench_function(
            BenchmarkId::new("players_bots", format!("{players}+{bots}")),
            |b| {
                b.iter(|| {
                    w.step(black_box(&inputs));
                })
            },
        );
    }
    g.finish();
}

fn random_walk(c: &mut Criterion) {
    use tickwire_scenarios::{RandomWalkGame, WalkInput};
    use tickwire_server::{Game, PlayerHandle, TickInput};
    let mut g = c.benchmark_group("random_walk");
    for n in [100u32, 1_000, 10_000] {
        let mut game = RandomWalkGame::new(n, 100);
        let players: Vec<PlayerHandle> = (0..10).map(|_| game.add_player("p").0).collect();
        let inputs: Vec<_> = players
            .iter()
            .map(|&p| {
                let walk = WalkInput { dx: 1.5, dy: -2.0 };
                (
                    p,
                    TickInput {
                        record: tickwire_protocol::Record::of(&walk),
                        rewind: 0,
                    },
                )
            })
            .collect();
        g.throughput(Throughput::Elements(u64::from(n)));
        g.bench_with_input(BenchmarkId::new("step_all_moving", n), &n, |b, _| {
            b.iter(|| game.step(black_box(&inputs)))
        });
        let mut state = tickwire_protocol::World::default();
        g.bench_with_input(BenchmarkId::new("capture", n), &n, |b, _| {
            b.iter(|| {
                game.capture(&mut state);
                black_box(state.len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, delta, step, random_walk);
criterion_main!(benches);

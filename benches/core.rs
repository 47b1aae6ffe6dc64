//! Core costs: delta encode/decode/apply per entity, one arena world step, and the random-walk
//! scenario's step and snapshot capture at 100, 1,000 and 10,000 entities.
//!
//! Run with `cargo bench --bench core`; criterion prints time per iteration and, through
//! `Throughput::Elements`, entities per second (the per-entity cost is its inverse).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tickwire_protocol::{
    Baselines, Delta, DeltaBody, EntityId, EntityKind, EntityState, Tick, WorldState,
};
use tickwire_sim::{Map, PlayerInput, World, WorldConfig};

/// A world of `n` entities spread over a 1024-unit square.
fn world(n: u32, tick: u32, shift: i32) -> WorldState {
    WorldState {
        tick: Tick(tick),
        entities: (0..n)
            .map(|i| EntityState {
                id: EntityId(i),
                kind: EntityKind::Prop,
                x: ((i * 7919) % 16384) as i32 + shift * ((i % 5) as i32 - 2),
                y: ((i * 104_729) % 16384) as i32 - shift * ((i % 3) as i32 - 1),
                angle: (i as i32 + shift) as u8,
                hp: 100,
            })
            .collect(),
    }
}

fn delta(c: &mut Criterion) {
    let mut g = c.benchmark_group("delta");
    for n in [100u32, 1_000, 10_000] {
        let base = world(n, 100, 0);
        let cur = world(n, 102, 20);
        g.throughput(Throughput::Elements(u64::from(n)));
        let prev = world(n, 98, -20);
        let worlds = Baselines {
            baseline: Some(&base),
            previous: Some(&prev),
        };
        g.bench_with_input(BenchmarkId::new("encode_all_moved", n), &n, |b, _| {
            b.iter(|| black_box(Delta::encode(Some(&base), &cur).to_bytes(worlds)))
        });
        let bytes = Delta::encode(Some(&base), &cur).to_bytes(worlds);
        g.bench_with_input(BenchmarkId::new("decode_apply_all_moved", n), &n, |b, _| {
            b.iter(|| {
                let d = Delta::read(black_box(&bytes), worlds).expect("decode");
                black_box(d.apply(Some(&base)).expect("apply"))
            })
        });
        g.bench_with_input(BenchmarkId::new("apply_into_all_moved", n), &n, |b, _| {
            let mut out = WorldState::default();
            b.iter(|| {
                DeltaBody::apply_into(black_box(&bytes), worlds, &mut out).expect("apply");
                black_box(&out);
            })
        });
        g.bench_with_input(BenchmarkId::new("encode_full", n), &n, |b, _| {
            b.iter(|| black_box(Delta::encode(None, &cur).to_bytes(Baselines::default())))
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
    use tickwire_scenarios::RandomWalkGame;
    use tickwire_server::{Game, PlayerHandle};
    let mut g = c.benchmark_group("random_walk");
    for n in [100u32, 1_000, 10_000] {
        let mut game = RandomWalkGame::new(n, 100);
        let players: Vec<PlayerHandle> = (0..10).map(|_| game.add_player("p").0).collect();
        let inputs: Vec<_> = players
            .iter()
            .map(|&p| {
                (
                    p,
                    tickwire_protocol::Input {
                        seq: 1,
                        move_x: 1.5,
                        move_y: -2.0,
                        aim: 0.0,
                        fire: false,
                        view_tick: 0,
                    },
                )
            })
            .collect();
        g.throughput(Throughput::Elements(u64::from(n)));
        g.bench_with_input(BenchmarkId::new("step_all_moving", n), &n, |b, _| {
            b.iter(|| game.step(black_box(&inputs)))
        });
        let mut state = WorldState::default();
        g.bench_with_input(BenchmarkId::new("capture", n), &n, |b, _| {
            b.iter(|| {
                game.capture(&mut state);
                black_box(state.entities.len())
            })
        });
    }
    g.finish();
}

/// The arena's entity as a schema: what the schema-driven codec must match.
fn arena_schema() -> tickwire_protocol::replication::Schema {
    use tickwire_protocol::replication::{FieldDesc, KindDesc, Schema, SchemaDesc, WireType};
    let fields = || {
        vec![
            FieldDesc::new("pos", WireType::Vec2 { step: 1.0 / 16.0 }).moving(),
            FieldDesc::new("angle", WireType::Angle { bits: 8 }).interpolated(),
            FieldDesc::new("hp", WireType::Int { min: 0, max: 255 }),
        ]
    };
    let kinds = ["player", "bot", "projectile", "prop"]
        .into_iter()
        .map(|k| KindDesc::new(k, fields()).positioned_by("pos"))
        .collect();
    Schema::new(SchemaDesc {
        game: "arena".into(),
        version: 1,
        kinds,
    })
    .expect("valid")
}

/// `state` as a world of [`arena_schema`].
fn replicated(state: &WorldState) -> tickwire_protocol::replication::World {
    use tickwire_protocol::replication::{KindId, World};
    let mut w = World::new(state.tick);
    for e in &state.entities {
        w.push(e.id, KindId(e.kind as u16)).values(&[
            e.x,
            e.y,
            i32::from(e.angle),
            i32::from(e.hp),
        ]);
    }
    w
}

fn replication(c: &mut Criterion) {
    use tickwire_protocol::replication::{self as r, World};
    let schema = arena_schema();
    let mut g = c.benchmark_group("replication");
    for n in [100u32, 1_000, 10_000] {
        let (prev, base, cur) = (world(n, 98, -20), world(n, 100, 0), world(n, 102, 20));
        let (rp, rb, rc) = (replicated(&prev), replicated(&base), replicated(&cur));
        let worlds = r::Baselines {
            baseline: Some(&rb),
            previous: Some(&rp),
        };
        let mut bytes = Vec::new();
        r::write_delta(&schema, worlds, &rc, &mut bytes);
        let old = Delta::encode(Some(&base), &cur).to_bytes(Baselines {
            baseline: Some(&base),
            previous: Some(&prev),
        });
        println!(
            "replication n={n}: {} bytes (arena format: {} bytes)",
            bytes.len(),
            old.len()
        );
        g.throughput(Throughput::Elements(u64::from(n)));
        g.bench_with_input(BenchmarkId::new("encode_all_moved", n), &n, |b, _| {
            let mut out = Vec::new();
            b.iter(|| {
                out.clear();
                r::write_delta(&schema, worlds, black_box(&rc), &mut out);
                black_box(out.len())
            })
        });
        g.bench_with_input(BenchmarkId::new("apply_all_moved", n), &n, |b, _| {
            let mut out = World::default();
            b.iter(|| {
                r::apply_delta(&schema, black_box(&bytes), worlds, &mut out).expect("apply");
                black_box(out.len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, delta, replication, step, random_walk);
criterion_main!(benches);

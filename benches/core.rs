//! Core costs: delta encode and apply per entity (one kind of the arena's shape, all moving), one arena world step, and the random-walk
//! scenario's step and snapshot capture at 100, 1,000 and 10,000 entities.
//!
//! The delta cases come in two kinds of movement: `all_moved`, every entity moving in a straight
//! line at a constant speed (the encoder's best case: its prediction is exact), and
//! `player_like`, entities moving as players do (a velocity that turns toward a goal at a bounded
//! acceleration, a new goal at random times, now and then standing still). Each prints its delta's
//! size and bits per entity update.
//!
//! Run with `cargo bench --bench core`; criterion prints time per iteration and, through
//! `Throughput::Elements`, entities per second (the per-entity cost is its inverse).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tickwire_protocol::{
    Baselines, EntityId, FieldDesc, KindDesc, KindId, Schema, SchemaDesc, Tick, WireType,
    apply_delta, write_delta,
};
use tickwire_scenarios::Mulberry32;
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

/// Slot units per world unit (positions are sent to 1/16 unit).
const SLOTS_PER_UNIT: f64 = 16.0;

/// One entity moving as a player does: position and velocity in world units (per tick), and the
/// velocity it turns toward.
struct Mover {
    pos: (f64, f64),
    vel: (f64, f64),
    goal: (f64, f64),
}

/// Top speed, units per tick (the random-walk scenario's largest player move).
const TOP_SPEED: f64 = 3.0;
/// Largest change of velocity in one tick, units per tick squared: about a third of a second from
/// standing to top speed at 30 Hz.
const MAX_ACCEL: f64 = 0.3;
/// Chance each tick that an entity picks a new goal: about every 1.5 s at 30 Hz.
const NEW_GOAL_CHANCE: f64 = 1.0 / 45.0;

impl Mover {
    /// A new goal: a random direction at a random speed up to the top one, or (one time in five)
    /// standing still.
    fn new_goal(rng: &mut Mulberry32) -> (f64, f64) {
        if rng.next_f64() < 0.2 {
            return (0.0, 0.0);
        }
        let angle = rng.next_f64() * std::f64::consts::TAU;
        let speed = TOP_SPEED * (0.3 + 0.7 * rng.next_f64());
        (speed * angle.cos(), speed * angle.sin())
    }

    /// One tick: now and then a new goal, the velocity turned toward it by at most
    /// [`MAX_ACCEL`], the position moved and kept inside the 1024-unit square (a wall stops that
    /// axis).
    fn step(&mut self, rng: &mut Mulberry32) {
        if rng.next_f64() < NEW_GOAL_CHANCE {
            self.goal = Mover::new_goal(rng);
        }
        let (dx, dy) = (self.goal.0 - self.vel.0, self.goal.1 - self.vel.1);
        let len = (dx * dx + dy * dy).sqrt();
        let k = if len > MAX_ACCEL {
            MAX_ACCEL / len
        } else {
            1.0
        };
        self.vel = (self.vel.0 + dx * k, self.vel.1 + dy * k);
        for (p, v) in [
            (&mut self.pos.0, &mut self.vel.0),
            (&mut self.pos.1, &mut self.vel.1),
        ] {
            *p += *v;
            if !(0.0..1023.9).contains(p) {
                *p = p.clamp(0.0, 1023.9);
                *v = 0.0;
            }
        }
    }

    /// Its slots: position in slot units, heading in 256 steps, hit points.
    fn values(&self) -> [i32; 4] {
        let heading = self.vel.1.atan2(self.vel.0) / std::f64::consts::TAU * 256.0;
        [
            (self.pos.0 * SLOTS_PER_UNIT).round() as i32,
            (self.pos.1 * SLOTS_PER_UNIT).round() as i32,
            (heading.round() as i32).rem_euclid(256),
            100,
        ]
    }
}

/// Three worlds of `n` entities moving as players do, two ticks apart (one snapshot at 30 Hz
/// ticks and 15 Hz snapshots, as the linear case), after 3 s of movement: previous, baseline,
/// current, labelled ticks 98, 100 and 102 like the linear case's.
fn player_like_worlds(n: u32) -> [tickwire_protocol::World; 3] {
    let mut rng = Mulberry32::new(2024);
    let mut movers: Vec<Mover> = (0..n)
        .map(|_| Mover {
            pos: (rng.next_f64() * 1024.0, rng.next_f64() * 1024.0),
            vel: (0.0, 0.0),
            goal: Mover::new_goal(&mut rng),
        })
        .collect();
    let capture = |movers: &[Mover], tick: u32| {
        let mut w = tickwire_protocol::World::new(Tick(tick));
        for (i, m) in movers.iter().enumerate() {
            w.push(EntityId(i as u32), KindId(0)).values(&m.values());
        }
        w
    };
    let mut worlds = Vec::new();
    for t in 0..=94u32 {
        for m in &mut movers {
            m.step(&mut rng);
        }
        if t >= 90 && t % 2 == 0 {
            worlds.push(capture(&movers, t + 8));
        }
    }
    let [prev, base, cur]: [tickwire_protocol::World; 3] =
        worlds.try_into().expect("three snapshots");
    [prev, base, cur]
}

/// Entities of `cur` whose slots differ from `base`'s (the entity updates a client receives;
/// both worlds hold the same ids in the same order).
fn changed(base: &tickwire_protocol::World, cur: &tickwire_protocol::World) -> usize {
    (0..cur.len().min(base.len()))
        .filter(|&i| base.slots(i) != cur.slots(i))
        .count()
}

/// The `player_like` cases at `n` entities: encode and apply, and the delta's size.
fn player_like(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    schema: &Schema,
    n: u32,
) {
    let [prev, base, cur] = player_like_worlds(n);
    let worlds = Baselines {
        baseline: Some(&base),
        previous: Some(&prev),
    };
    let mut bytes = Vec::new();
    write_delta(schema, worlds, &cur, &mut bytes);
    let updates = changed(&base, &cur);
    println!(
        "delta n={n} player-like: {} bytes, {updates} entities changed, {:.1} bits per entity update",
        bytes.len(),
        bytes.len() as f64 * 8.0 / updates.max(1) as f64
    );
    g.throughput(Throughput::Elements(u64::from(n)));
    g.bench_with_input(BenchmarkId::new("encode_player_like", n), &n, |b, _| {
        let mut out = Vec::new();
        b.iter(|| {
            out.clear();
            write_delta(schema, worlds, black_box(&cur), &mut out);
            black_box(out.len())
        })
    });
    g.bench_with_input(BenchmarkId::new("apply_player_like", n), &n, |b, _| {
        let mut out = tickwire_protocol::World::default();
        b.iter(|| {
            apply_delta(schema, black_box(&bytes), worlds, &mut out).expect("apply");
            black_box(out.len())
        })
    });
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
        println!(
            "delta n={n} all moved (linear): {} bytes, {:.1} bits per entity update",
            bytes.len(),
            bytes.len() as f64 * 8.0 / f64::from(n)
        );
        player_like(&mut g, &schema, n);
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

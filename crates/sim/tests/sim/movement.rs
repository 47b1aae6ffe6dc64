//! The movement rule: acceleration, top speed, diagonals, walls and edges.

use glam::Vec2;
use proptest::prelude::*;
use tickwire_sim::rules::{FRICTION, MAX_SPEED, PLAYER_RADIUS};
use tickwire_sim::{Map, PlayerInput, Wall, move_player};

use crate::support::{map, wall_penetration};

const DT: f32 = 1.0 / 60.0;

fn input(move_x: i8, move_y: i8) -> PlayerInput {
    PlayerInput {
        move_x,
        move_y,
        ..PlayerInput::default()
    }
}

fn open() -> Map {
    map(4000.0, 4000.0, &[], &[(100.0, 100.0)])
}

#[test]
fn accelerates_to_max_speed_and_never_beyond() {
    let map = open();
    for dir in [(1, 0), (0, -1), (1, 1), (-1, 1), (-1, -1)] {
        let (mut pos, mut vel) = (Vec2::new(2000.0, 2000.0), Vec2::ZERO);
        let mut reached_at = None;
        for tick in 0..120 {
            let before = vel.length();
            (pos, vel) = move_player(pos, vel, &input(dir.0, dir.1), DT, &map);
            let speed = vel.length();
            assert!(
                speed <= MAX_SPEED * (1.0 + 1e-6),
                "{dir:?}: speed {speed} at tick {tick}"
            );
            assert!(speed >= before, "{dir:?}: slowed down while accelerating");
            if reached_at.is_none() && (speed - MAX_SPEED).abs() < 1e-3 {
                reached_at = Some(tick);
            }
        }
        let reached_at = reached_at.expect("reached top speed");
        assert!(
            (3..30).contains(&reached_at),
            "{dir:?}: top speed after {reached_at} ticks"
        );
    }
}

#[test]
fn diagonal_speed_equals_straight_speed() {
    let map = open();
    let run = |mx, my| {
        let (mut pos, mut vel) = (Vec2::new(2000.0, 2000.0), Vec2::ZERO);
        let mut speeds = Vec::new();
        for _ in 0..40 {
            (pos, vel) = move_player(pos, vel, &input(mx, my), DT, &map);
            speeds.push(vel.length());
        }
        speeds
    };
    let straight = run(1, 0);
    let diagonal = run(-1, 1);
    for (s, d) in straight.iter().zip(&diagonal) {
        assert!((s - d).abs() < 1e-3, "straight {s} vs diagonal {d}");
    }
}

#[test]
fn friction_stops_a_released_player() {
    let map = open();
    let (mut pos, mut vel) = (Vec2::new(2000.0, 2000.0), Vec2::new(MAX_SPEED, 0.0));
    let ticks_to_stop = (MAX_SPEED / (FRICTION * DT)).ceil() as usize;
    for _ in 0..ticks_to_stop {
        (pos, vel) = move_player(pos, vel, &PlayerInput::default(), DT, &map);
    }
    assert_eq!(vel, Vec2::ZERO);
    let still = pos;
    (pos, _) = move_player(pos, vel, &PlayerInput::default(), DT, &map);
    assert_eq!(pos, still);
}

#[test]
fn pushing_into_a_wall_stays_out_of_it() {
    let wall = Wall {
        x: 500.0,
        y: 300.0,
        w: 40.0,
        h: 400.0,
    };
    let map = map(1000.0, 1000.0, &[wall], &[(100.0, 100.0)]);
    // Straight into the face, then diagonally along it.
    for dir in [(1, 0), (1, 1), (1, -1)] {
        let (mut pos, mut vel) = (Vec2::new(420.0, 500.0), Vec2::ZERO);
        for tick in 0..240 {
            (pos, vel) = move_player(pos, vel, &input(dir.0, dir.1), DT, &map);
            let depth = wall_penetration(&map, pos, PLAYER_RADIUS);
            assert!(
                depth < 1e-3,
                "{dir:?} tick {tick}: {depth} inside the wall at {pos}"
            );
        }
        if dir == (1, 0) {
            assert!(
                (pos.x - (500.0 - PLAYER_RADIUS)).abs() < 1e-3,
                "rests against the wall: {pos}"
            );
            assert!(vel.x.abs() < 1e-3, "no velocity into the wall: {vel}");
        }
    }
}

#[test]
fn wedged_in_a_concave_corner_stays_out_of_both_walls() {
    let walls = [
        Wall {
            x: 300.0,
            y: 300.0,
            w: 200.0,
            h: 40.0,
        },
        Wall {
            x: 460.0,
            y: 340.0,
            w: 40.0,
            h: 200.0,
        },
    ];
    let map = map(1000.0, 1000.0, &walls, &[(100.0, 100.0)]);
    let (mut pos, mut vel) = (Vec2::new(380.0, 450.0), Vec2::ZERO);
    for tick in 0..300 {
        (pos, vel) = move_player(pos, vel, &input(1, -1), DT, &map);
        let depth = wall_penetration(&map, pos, PLAYER_RADIUS);
        assert!(depth < 1e-3, "tick {tick}: {depth} inside a wall at {pos}");
    }
    let corner = Vec2::new(460.0 - PLAYER_RADIUS, 340.0 + PLAYER_RADIUS);
    assert!(pos.distance(corner) < 0.5, "ends in the corner: {pos}");
}

#[test]
fn stays_inside_the_map() {
    let map = map(600.0, 400.0, &[], &[(100.0, 100.0)]);
    for dir in [(-1, -1), (1, 1), (1, -1), (-1, 1)] {
        let (mut pos, mut vel) = (Vec2::new(300.0, 200.0), Vec2::ZERO);
        for _ in 0..300 {
            (pos, vel) = move_player(pos, vel, &input(dir.0, dir.1), DT, &map);
            assert!(
                map.contains_circle(pos, PLAYER_RADIUS),
                "{dir:?}: left the map at {pos}"
            );
        }
        let corner_x = if dir.0 < 0 {
            PLAYER_RADIUS
        } else {
            600.0 - PLAYER_RADIUS
        };
        let corner_y = if dir.1 < 0 {
            PLAYER_RADIUS
        } else {
            400.0 - PLAYER_RADIUS
        };
        assert_eq!(pos, Vec2::new(corner_x, corner_y));
    }
}

/// FNV-1a over the f32 bits of (pos.x, pos.y, vel.x, vel.y) after each tick of
/// [`golden_run`]. The browser client's port of `move_player` must produce the same value.
const GOLDEN_RUN_HASH: u64 = 0x2ed7_a68a_8723_89cb;

/// 600 ticks at 60 Hz from (100, 100) at rest on the bundled arena, with inputs that cycle
/// through every direction and run into walls.
fn golden_run() -> u64 {
    let map = Map::default_arena();
    let (mut pos, mut vel) = (Vec2::new(100.0, 100.0), Vec2::ZERO);
    let mut h = tickwire_sim::Fnv1a::new();
    for tick in 0..600u32 {
        let mx = [1, 1, 0, -1, -1, 0, 1, 0][(tick / 37 % 8) as usize];
        let my = [0, 1, 1, 1, 0, -1, -1, 0][(tick / 53 % 8) as usize];
        (pos, vel) = move_player(pos, vel, &input(mx, my), DT, &map);
        for v in [pos.x, pos.y, vel.x, vel.y] {
            h.f32(v);
        }
    }
    h.finish()
}

#[test]
fn move_player_matches_its_golden_run() {
    // Changing the rule or its order of operations breaks the browser client's prediction,
    // so it must show up here first (and the client's vector must change with it).
    assert_eq!(golden_run(), GOLDEN_RUN_HASH, "got {:#018x}", golden_run());
}

fn open_point(map: &Map) -> impl Strategy<Value = Vec2> + use<> {
    let map = map.clone();
    (
        PLAYER_RADIUS..2000.0 - PLAYER_RADIUS,
        PLAYER_RADIUS..1400.0 - PLAYER_RADIUS,
    )
        .prop_map(|(x, y)| Vec2::new(x, y))
        .prop_filter("starts clear of walls", move |p| {
            !map.circle_hits_wall(*p, PLAYER_RADIUS)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_walks_in_the_arena_never_enter_walls_or_leave(
        start in open_point(&Map::default_arena()),
        moves in prop::collection::vec((-1i8..=1, -1i8..=1, 1usize..40), 1..20),
    ) {
        let map = Map::default_arena();
        let (mut pos, mut vel) = (start, Vec2::ZERO);
        for (mx, my, ticks) in moves {
            for _ in 0..ticks {
                (pos, vel) = move_player(pos, vel, &input(mx, my), DT, &map);
                prop_assert!(wall_penetration(&map, pos, PLAYER_RADIUS) < 1e-2, "in a wall at {}", pos);
                prop_assert!(map.contains_circle(pos, PLAYER_RADIUS), "outside at {}", pos);
                prop_assert!(vel.length() <= MAX_SPEED * (1.0 + 1e-6));
            }
        }
    }
}

//! How long a step takes with about a thousand entities. Timing is not asserted (CI machines
//! vary); run `cargo test -p tickwire-sim --release -- --ignored --nocapture` to see the figure.

use std::time::Instant;

use glam::Vec2;

use tickwire_sim::rules::BOTS_MAX;
use tickwire_sim::{Map, PlayerId, PlayerInput, World, WorldConfig};

#[test]
#[ignore = "a measurement, not a check: run in release with --ignored --nocapture"]
fn step_with_a_thousand_entities() {
    let config = WorldConfig {
        bots: BOTS_MAX,
        ..WorldConfig::default()
    };
    // A wide open field with a spawn grid, so that players spread out and their shots fly for
    // their whole life: about 6 projectiles in flight per player.
    let mut map = Map::default_arena();
    map.width = 8000.0;
    map.height = 8000.0;
    map.walls.drain(..4); // the arena's border walls
    map.spawns = (0..256)
        .map(|i| {
            Vec2::new(
                470.0 + (i % 16) as f32 * 500.0,
                470.0 + (i / 16) as f32 * 500.0,
            )
        })
        .collect();
    map.validate().expect("valid");
    let mut world = World::new(map, config, 77);
    let players: Vec<PlayerId> = (0..200)
        .map(|n| world.add_player(&format!("p{n}")).0)
        .collect();
    let input = |n: usize, tick: u64| PlayerInput {
        move_x: [1, 0, -1][(n + tick as usize / 50) % 3],
        move_y: [0, 1, -1][(n / 3 + tick as usize / 70) % 3],
        aim: n as f32 + tick as f32 * 0.01,
        fire: true,
        rewind: 0,
    };
    let inputs_at = |tick: u64| -> Vec<(PlayerId, PlayerInput)> {
        players
            .iter()
            .enumerate()
            .map(|(n, &p)| (p, input(n, tick)))
            .collect()
    };
    for tick in 0..120 {
        world.step(&inputs_at(tick));
        world.drain_events();
    }
    let ticks = 600;
    let mut entities = 0;
    let mut busiest = std::time::Duration::ZERO;
    let start = Instant::now();
    for tick in 120..120 + ticks {
        let inputs = inputs_at(tick);
        let t = Instant::now();
        world.step(&inputs);
        busiest = busiest.max(t.elapsed());
        world.drain_events();
        entities += world.entity_count();
    }
    let per_step = start.elapsed() / ticks as u32;
    println!(
        "{} entities on average: {per_step:?} per step (slowest {busiest:?})",
        entities / ticks as usize
    );
    assert!(
        entities / ticks as usize >= 1000,
        "the scenario has about a thousand entities"
    );
}

//! Bots fight, and nobody ever ends up in a wall or outside the map.

use tickwire_sim::{GameEvent, Map, PlayerInput, World, WorldConfig};

use crate::support::assert_everyone_placed_legally;

#[test]
fn bots_shoot_and_stay_in_legal_places() {
    let mut world = World::new(Map::default_arena(), WorldConfig::default(), 1234);
    let (player, _) = world.add_player("idle");
    let seconds = 60;
    let mut hits = 0;
    let mut kills = 0;
    for _ in 0..seconds * world.tick_rate() {
        world.step(&[(player, PlayerInput::default())]);
        assert_everyone_placed_legally(&world);
        for event in world.drain_events() {
            match event {
                GameEvent::Hit { .. } => hits += 1,
                GameEvent::Kill { .. } => kills += 1,
                GameEvent::Respawn { .. } => {}
            }
        }
    }
    println!("{hits} hits and {kills} kills in {seconds} s");
    assert!(hits > 0, "no bot hit anything in {seconds} s");
    let scored: u32 = world
        .scores()
        .iter()
        .filter(|s| s.is_bot)
        .map(|s| s.kills)
        .sum();
    let died: u32 = world.scores().iter().map(|s| s.deaths).sum();
    assert_eq!(died, kills);
    assert!(scored <= kills);
}

#[test]
fn bots_are_named_and_scored() {
    let world = World::new(
        Map::default_arena(),
        WorldConfig {
            bots: 3,
            ..WorldConfig::default()
        },
        1,
    );
    let names: Vec<_> = world
        .scores()
        .into_iter()
        .map(|s| (s.name, s.is_bot))
        .collect();
    assert_eq!(
        names,
        [
            ("bot-1".to_string(), true),
            ("bot-2".to_string(), true),
            ("bot-3".to_string(), true)
        ]
    );
}

//! Players join and leave; ids are never reused.

use std::collections::BTreeSet;

use tickwire_sim::{EntityId, EntityKind, Map, PlayerInput, World, WorldConfig};

#[test]
fn remove_player_removes_entity_score_and_projectiles() {
    let mut world = World::new(
        Map::default_arena(),
        WorldConfig {
            bots: 0,
            ..Default::default()
        },
        3,
    );
    let (a, a_e) = world.add_player("a");
    let (b, b_e) = world.add_player("b");
    assert_eq!(world.player_entity(a), Some(a_e));
    world.step(&[(
        a,
        PlayerInput {
            fire: true,
            ..Default::default()
        },
    )]);
    assert!(world.entities().any(|e| e.owner == Some(a_e)));

    world.remove_player(a);
    assert_eq!(world.player_entity(a), None);
    assert!(world.entity(a_e).is_none());
    assert!(
        !world
            .entities()
            .any(|e| e.owner == Some(a_e) || e.id == a_e)
    );
    assert_eq!(
        world.scores().iter().map(|s| s.entity).collect::<Vec<_>>(),
        [b_e]
    );
    // Input for a removed player is ignored, removing twice is harmless.
    world.step(&[(
        a,
        PlayerInput {
            fire: true,
            ..Default::default()
        },
    )]);
    world.remove_player(a);
    assert_eq!(world.player_entity(b), Some(b_e));
}

#[test]
fn ids_are_never_reused() {
    let mut world = World::new(Map::default_arena(), WorldConfig::default(), 3);
    let mut seen: BTreeSet<EntityId> = world.entities().map(|e| e.id).collect();
    let mut players = BTreeSet::new();
    for round in 0..50u32 {
        let (p, e) = world.add_player(&format!("p{round}"));
        assert!(seen.insert(e), "entity id {e:?} reused");
        assert!(players.insert(p), "player id {p:?} reused");
        for _ in 0..5 {
            world.step(&[(
                p,
                PlayerInput {
                    fire: true,
                    aim: round as f32,
                    ..Default::default()
                },
            )]);
            for e in world
                .entities()
                .filter(|e| e.kind == EntityKind::Projectile)
            {
                seen.insert(e.id);
            }
        }
        if round % 2 == 0 {
            world.remove_player(p);
        }
    }
    let ids: Vec<u32> = seen.iter().map(|id| id.0).collect();
    assert!(!ids.contains(&0), "id 0 is never allocated");
    assert_eq!(world.player_count(), 25);
}

#[test]
fn names_are_trimmed_cut_and_defaulted() {
    let mut world = World::new(
        Map::default_arena(),
        WorldConfig {
            bots: 0,
            ..Default::default()
        },
        3,
    );
    let (_, a) = world.add_player("   ");
    let (_, b) = world.add_player(&"x".repeat(100));
    let scores = world.scores();
    assert_eq!(scores[0].entity, a);
    assert_eq!(scores[0].name, "player-1");
    assert_eq!(scores[1].entity, b);
    assert_eq!(
        scores[1].name.chars().count(),
        tickwire_sim::rules::NAME_MAX_CHARS
    );
}

#[test]
fn tick_rate_sets_dt_and_is_clamped() {
    let world = |tick_rate| World::new(Map::default_arena(), WorldConfig { tick_rate, bots: 0 }, 1);
    assert_eq!(world(30).dt(), 1.0 / 30.0);
    assert_eq!(world(0).tick_rate(), tickwire_sim::rules::TICK_RATE_MIN);
    assert_eq!(
        world(1_000_000).tick_rate(),
        tickwire_sim::rules::TICK_RATE_MAX
    );
    let mut w = world(60);
    w.step(&[]);
    w.step(&[]);
    assert_eq!(w.tick(), 2);
}

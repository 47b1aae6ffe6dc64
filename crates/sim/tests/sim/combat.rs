//! Shooting: damage, kills, scores, respawns, walls, owners and the cooldown.

use std::collections::BTreeSet;

use tickwire_sim::rules::{
    FIRE_COOLDOWN_SECS, MAX_HP, PROJECTILE_DAMAGE, RESPAWN_DELAY_SECS, secs_to_ticks,
};
use tickwire_sim::{
    EntityId, EntityKind, GameEvent, PlayerId, PlayerInput, Wall, World, WorldConfig,
};

use crate::support::map;

fn no_bots() -> WorldConfig {
    WorldConfig {
        bots: 0,
        ..WorldConfig::default()
    }
}

fn aim_at(world: &World, from: EntityId, to: EntityId) -> f32 {
    let d = world.entity(to).expect("target").pos - world.entity(from).expect("shooter").pos;
    d.y.atan2(d.x)
}

fn projectiles(world: &World) -> Vec<EntityId> {
    world
        .entities()
        .filter(|e| e.kind == EntityKind::Projectile)
        .map(|e| e.id)
        .collect()
}

/// Two players on a line, 200 apart, in an open room.
fn duel() -> (World, (PlayerId, EntityId), (PlayerId, EntityId)) {
    let map = map(400.0, 200.0, &[], &[(100.0, 100.0), (300.0, 100.0)]);
    let mut world = World::new(map, no_bots(), 5);
    let a = world.add_player("shooter");
    let b = world.add_player("target");
    (world, a, b)
}

#[test]
fn close_range_fire_kills_scores_and_respawns() {
    let (mut world, (shooter, shooter_e), (_, target_e)) = duel();
    let fire = PlayerInput {
        aim: aim_at(&world, shooter_e, target_e),
        fire: true,
        ..Default::default()
    };
    let hits_to_kill = MAX_HP.div_ceil(PROJECTILE_DAMAGE) as usize;

    let mut hits = 0;
    let mut death_tick = None;
    for _ in 0..600 {
        world.step(&[(shooter, fire)]);
        for event in world.drain_events() {
            match event {
                GameEvent::Hit {
                    attacker,
                    victim,
                    damage,
                } => {
                    assert_eq!(
                        (attacker, victim, damage),
                        (shooter_e, target_e, PROJECTILE_DAMAGE)
                    );
                    hits += 1;
                }
                GameEvent::Kill { killer, victim } => {
                    assert_eq!((killer, victim), (shooter_e, target_e));
                    death_tick = Some(world.tick());
                }
                GameEvent::Respawn { .. } => {}
            }
        }
        if death_tick.is_some() {
            break;
        }
    }
    let death_tick = death_tick.expect("the target died");
    assert_eq!(hits, hits_to_kill);
    let victim = world
        .entity(target_e)
        .expect("dead entities stay in the world");
    assert_eq!(victim.hp, 0);
    let scores = world.scores();
    let line = |id| {
        scores
            .iter()
            .find(|s| s.entity == id)
            .expect("on the scoreboard")
    };
    assert_eq!((line(shooter_e).kills, line(shooter_e).deaths), (1, 0));
    assert_eq!((line(target_e).kills, line(target_e).deaths), (0, 1));

    // Dead: does not move and cannot be hit; the shooter stops firing.
    let corpse = victim.pos;
    let respawn_ticks = u64::from(secs_to_ticks(RESPAWN_DELAY_SECS, world.tick_rate()));
    world.step(&[(shooter, PlayerInput::default())]);
    let mut respawned_at = None;
    for _ in 0..respawn_ticks + 5 {
        let e = world.entity(target_e).expect("target");
        if e.hp == 0 {
            assert_eq!(e.pos, corpse);
        }
        world.step(&[]);
        if world
            .drain_events()
            .contains(&GameEvent::Respawn { entity: target_e })
        {
            respawned_at = Some(world.tick());
            break;
        }
    }
    assert_eq!(respawned_at, Some(death_tick + respawn_ticks));
    let e = world.entity(target_e).expect("target");
    assert_eq!(e.hp, MAX_HP);
    assert!(
        world.map().spawns.contains(&e.pos),
        "respawned at a spawn point: {}",
        e.pos
    );
}

#[test]
fn projectiles_vanish_on_walls() {
    let wall = Wall {
        x: 380.0,
        y: 0.0,
        w: 40.0,
        h: 200.0,
    };
    let map = map(800.0, 200.0, &[wall], &[(100.0, 100.0), (700.0, 100.0)]);
    let mut world = World::new(map, no_bots(), 5);
    let (shooter, shooter_e) = world.add_player("shooter");
    let (_, target_e) = world.add_player("target");
    let fire = PlayerInput {
        aim: aim_at(&world, shooter_e, target_e),
        fire: true,
        ..Default::default()
    };
    assert!(world.entity(shooter_e).expect("shooter").pos.x < 380.0);
    let mut seen = BTreeSet::new();
    for _ in 0..60 {
        world.step(&[(shooter, fire)]);
        for id in projectiles(&world) {
            seen.insert(id);
            let p = world.entity(id).expect("listed");
            assert!(
                p.pos.x + p.radius <= 380.0,
                "projectile in or past the wall: {}",
                p.pos
            );
        }
    }
    world.step(&[(shooter, PlayerInput::default())]);
    for _ in 0..60 {
        world.step(&[]);
    }
    assert!(seen.len() >= 3, "shots were fired: {}", seen.len());
    assert!(
        projectiles(&world).is_empty(),
        "all shots vanished at the wall"
    );
    assert_eq!(world.entity(target_e).expect("target").hp, MAX_HP);
    assert!(
        !world
            .drain_events()
            .iter()
            .any(|e| matches!(e, GameEvent::Hit { .. }))
    );
}

#[test]
fn owner_cannot_hit_itself() {
    let map = map(3000.0, 200.0, &[], &[(100.0, 100.0)]);
    let mut world = World::new(map, no_bots(), 5);
    let (p, e) = world.add_player("alone");
    // Run after its own shots, in every direction, for a while.
    for tick in 0..600u32 {
        let input = PlayerInput {
            move_x: 1,
            move_y: 0,
            aim: tick as f32 * 0.3,
            fire: true,
            rewind: 0,
        };
        world.step(&[(p, input)]);
    }
    assert_eq!(world.entity(e).expect("player").hp, MAX_HP);
    assert!(world.drain_events().is_empty());
}

#[test]
fn cooldown_limits_fire_rate() {
    let map = map(4000.0, 200.0, &[], &[(100.0, 100.0)]);
    let mut world = World::new(map, no_bots(), 5);
    let (p, _) = world.add_player("trigger-happy");
    let cooldown = u64::from(secs_to_ticks(FIRE_COOLDOWN_SECS, world.tick_rate()));
    let fire = PlayerInput {
        fire: true,
        ..Default::default()
    };
    let ticks: u64 = 60;
    let mut seen = BTreeSet::new();
    let mut fired_at = Vec::new();
    for _ in 0..ticks {
        world.step(&[(p, fire)]);
        for id in projectiles(&world) {
            if seen.insert(id) {
                fired_at.push(world.tick());
            }
        }
    }
    assert_eq!(fired_at.len() as u64, ticks.div_ceil(cooldown));
    for pair in fired_at.windows(2) {
        assert_eq!(pair[1] - pair[0], cooldown);
    }
}

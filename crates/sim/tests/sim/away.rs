//! Away players (a dropped connection whose seat is held): still, harmless, unhittable, and back
//! as they were.

use tickwire_sim::rules::MAX_HP;
use tickwire_sim::{EntityId, PlayerId, PlayerInput, World, WorldConfig};

use crate::support::map;

fn duel() -> (World, (PlayerId, EntityId), (PlayerId, EntityId)) {
    let map = map(400.0, 200.0, &[], &[(100.0, 100.0), (300.0, 100.0)]);
    let config = WorldConfig {
        bots: 0,
        ..WorldConfig::default()
    };
    let mut world = World::new(map, config, 5);
    let a = world.add_player("shooter");
    let b = world.add_player("away");
    (world, a, b)
}

#[test]
fn an_away_player_stands_still_and_takes_no_damage() {
    let (mut world, (shooter, shooter_e), (away, away_e)) = duel();
    // The away player was running when its connection dropped.
    let run = PlayerInput {
        move_x: 1,
        ..Default::default()
    };
    world.step(&[(away, run)]);
    assert!(world.set_away(away, true));
    let at = world.entity(away_e).expect("away entity").pos;
    let d = at - world.entity(shooter_e).expect("shooter").pos;
    let fire = PlayerInput {
        aim: d.y.atan2(d.x),
        fire: true,
        ..Default::default()
    };
    for _ in 0..600 {
        // Inputs for an away player are not expected, but even one changes nothing.
        world.step(&[(shooter, fire), (away, run)]);
        world.set_away(away, true);
    }
    let e = world.entity(away_e).expect("away entity");
    assert_eq!(e.pos, at, "an away player does not move");
    assert_eq!(e.hp, MAX_HP, "an away player takes no damage");
    let line = world.scores().into_iter().find(|s| s.entity == away_e);
    assert!(line.is_some_and(|s| s.away && s.deaths == 0));

    // Back: it can be hit again.
    assert!(world.set_away(away, false));
    for _ in 0..600 {
        world.step(&[(shooter, fire)]);
    }
    let line = world.scores().into_iter().find(|s| s.entity == away_e);
    assert!(line.is_some_and(|s| !s.away && s.deaths > 0));
}

#[test]
fn away_changes_the_checksum_and_stays_deterministic() {
    let (mut a, _, (pa, _)) = duel();
    let (mut b, _, (pb, _)) = duel();
    a.set_away(pa, true);
    b.set_away(pb, true);
    for _ in 0..120 {
        a.step(&[]);
        b.step(&[]);
        assert_eq!(a.checksum(), b.checksum());
    }
    b.set_away(pb, false);
    assert_ne!(a.checksum(), b.checksum());
    assert!(!a.set_away(PlayerId(999), true));
}

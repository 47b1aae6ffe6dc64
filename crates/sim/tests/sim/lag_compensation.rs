//! Lag compensation: a shot is judged against the world as its shooter saw it, a fixed number
//! of ticks in the past. A target running across the shooter's view at constant speed is hit
//! by a shot aimed at where the shooter saw it, and the same shot judged against the present
//! misses.

use glam::Vec2;
use tickwire_sim::rules::{MAX_SPEED, PROJECTILE_SPEED};
use tickwire_sim::{GameEvent, HISTORY_TICKS, PlayerInput, World, WorldConfig};

use crate::support::map;

/// 150 ms at 60 Hz: what a shooter's view lags behind with a 100 ms round trip and 50 ms of
/// interpolation delay (or a 150 ms round trip and no more).
const REWIND: u16 = 9;

/// Runs the scene and fires one shot with `rewind`; returns whether it hit the runner.
fn shoot(rewind: u16) -> bool {
    let map = map(3000.0, 3000.0, &[], &[(300.0, 300.0), (1100.0, 300.0)]);
    let config = WorldConfig {
        bots: 0,
        ..WorldConfig::default()
    };
    let mut world = World::new(map, config, 9);
    let (shooter, shooter_e) = world.add_player("shooter");
    let (runner, runner_e) = world.add_player("runner");
    let run = PlayerInput {
        move_y: 1,
        ..Default::default()
    };
    let idle = PlayerInput::default();
    // The runner reaches top speed and runs on; where it ended each tick is recorded.
    let mut seen = Vec::new();
    for _ in 0..40 {
        world.step(&[(shooter, idle), (runner, run)]);
        seen.push(world.entity(runner_e).expect("runner").pos);
    }
    let dt = world.dt();
    let velocity = Vec2::new(0.0, MAX_SPEED);
    // What the shooter sees: the runner `REWIND` ticks ago, moving on at the same speed.
    let view = seen[seen.len() - 1 - usize::from(REWIND)];
    let from = world.entity(shooter_e).expect("shooter").pos;
    // Lead the target as seen: the tick at which a shot meets the runner on the shooter's screen.
    let (aim_at, _) = (1..120)
        .map(|k| {
            let at = view + velocity * dt * k as f32;
            let flight = (at - from).length() / (PROJECTILE_SPEED * dt);
            (at, (flight - k as f32).abs())
        })
        .fold(
            (view, f32::MAX),
            |best, c| if c.1 < best.1 { c } else { best },
        );
    let d = aim_at - from;
    let fire = PlayerInput {
        aim: d.y.atan2(d.x),
        fire: true,
        rewind,
        ..Default::default()
    };
    world.step(&[(shooter, fire), (runner, run)]);
    let mut hit = false;
    for _ in 0..120 {
        world.step(&[(shooter, idle), (runner, run)]);
        hit |= world.drain_events().iter().any(|e| {
            matches!(e, GameEvent::Hit { attacker, victim, .. } if *attacker == shooter_e && *victim == runner_e)
        });
    }
    hit
}

#[test]
fn a_shot_aimed_at_what_the_shooter_saw_hits_only_with_lag_compensation() {
    assert!(
        shoot(REWIND + 1),
        "judged against the world the shooter saw: a hit"
    );
    assert!(
        !shoot(0),
        "judged against the present: the runner has moved on, a miss"
    );
}

#[test]
fn rewinds_are_bounded_by_the_history() {
    let i = PlayerInput {
        rewind: u16::MAX,
        ..Default::default()
    }
    .sanitized();
    assert_eq!(usize::from(i.rewind), HISTORY_TICKS);
}

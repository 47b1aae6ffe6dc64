//! The rules, one at a time, on a simulation whose runners are placed by hand.

use super::*;
use crate::field::{HEIGHT, WIDTH};

const RATE: u32 = 30;

/// A simulation with ada (red) and bob (blue).
fn two() -> (FlagSim, PlayerId, PlayerId) {
    let mut sim = FlagSim::new(RATE, 7);
    let ada = sim.join("ada");
    let bob = sim.join("bob");
    assert_eq!(sim.runners[&ada].team, Team::Red);
    assert_eq!(sim.runners[&bob].team, Team::Blue);
    (sim, ada, bob)
}

fn place(sim: &mut FlagSim, id: PlayerId, pos: [f32; 2]) {
    sim.runners.get_mut(&id).expect("a runner").pos = pos;
}

fn carrying(sim: &FlagSim, id: PlayerId) -> Option<Team> {
    sim.runners[&id].carrying
}

/// Moves ada onto the blue flag and steps once: she carries it.
fn ada_takes_blues_flag(sim: &mut FlagSim, ada: PlayerId) {
    place(sim, ada, Team::Blue.base());
    sim.step(&[]);
    assert_eq!(carrying(sim, ada), Some(Team::Blue));
    sim.drain_events();
}

/// A spot in blue's half far from everything.
const BLUE_FIELD: [f32; 2] = [1100.0, 150.0];
/// A spot in red's half far from everything.
const RED_FIELD: [f32; 2] = [500.0, 650.0];

#[test]
fn joining_players_go_to_the_smaller_team_at_their_base() {
    let mut sim = FlagSim::new(RATE, 1);
    let ids: Vec<PlayerId> = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|n| sim.join(n))
        .collect();
    let teams: Vec<Team> = ids.iter().map(|id| sim.runners[id].team).collect();
    assert_eq!(
        teams,
        [Team::Red, Team::Blue, Team::Red, Team::Blue, Team::Red]
    );
    for r in sim.runners.values() {
        assert!(within(r.pos, r.team.base(), BASE_RADIUS), "{r:?}");
    }
    // Two reds leave: the next player joins red, and the teams are even again.
    sim.leave(ids[0]);
    sim.leave(ids[2]);
    let f = sim.join("f");
    assert_eq!(sim.runners[&f].team, Team::Red);
    assert_eq!(sim.team_size(Team::Red), 2);
    assert_eq!(sim.team_size(Team::Blue), 2);
}

#[test]
fn on_a_tie_the_team_behind_gets_the_new_player() {
    let (mut sim, ada, _) = two();
    ada_takes_blues_flag(&mut sim, ada);
    place(&mut sim, ada, Team::Red.base());
    sim.step(&[]);
    assert_eq!(sim.captures(Team::Red), 1);
    let carol = sim.join("carol");
    assert_eq!(sim.runners[&carol].team, Team::Blue);
}

#[test]
fn walking_over_the_enemy_flag_picks_it_up_and_it_follows() {
    let (mut sim, ada, bob) = two();
    place(&mut sim, bob, BLUE_FIELD);
    // Walking onto her own flag does nothing.
    place(&mut sim, ada, Team::Red.base());
    sim.step(&[]);
    assert_eq!(sim.flag(Team::Red).state, FlagState::Home);
    assert_eq!(carrying(&sim, ada), None);

    place(
        &mut sim,
        ada,
        [Team::Blue.base()[0] - FLAG_REACH + 1.0, HEIGHT / 2.0],
    );
    sim.step(&[]);
    assert_eq!(carrying(&sim, ada), Some(Team::Blue));
    assert_eq!(sim.flag(Team::Blue).state, FlagState::Carried(ada));
    assert_eq!(
        sim.drain_events(),
        [FlagEvent::Pickup {
            runner: ada,
            flag: Team::Blue
        }]
    );
    // The flag goes where she goes, at a carrier's speed.
    let before = sim.runners[&ada].pos;
    sim.step(&[(ada, FlagInput::new(-1.0, 0.0))]);
    let after = sim.runners[&ada].pos;
    assert!((before[0] - after[0] - CARRIER_SPEED / RATE as f32).abs() < 1e-3);
    assert_eq!(sim.flag(Team::Blue).pos, after);
}

#[test]
fn a_runner_without_a_flag_runs_at_full_speed_and_stays_on_the_field() {
    let (mut sim, ada, _) = two();
    place(&mut sim, ada, [20.0, 20.0]);
    sim.step(&[(ada, FlagInput::new(1.0, 0.0))]);
    assert!((sim.runners[&ada].pos[0] - 20.0 - SPEED / RATE as f32).abs() < 1e-3);
    for _ in 0..10 {
        sim.step(&[(ada, FlagInput::new(-1.0, -1.0))]);
    }
    assert_eq!(sim.runners[&ada].pos, [RUNNER_RADIUS, RUNNER_RADIUS]);
    place(&mut sim, ada, [WIDTH, HEIGHT]);
    sim.step(&[(ada, FlagInput::new(1.0, 1.0))]);
    assert_eq!(
        sim.runners[&ada].pos,
        [WIDTH - RUNNER_RADIUS, HEIGHT - RUNNER_RADIUS]
    );
}

#[test]
fn bringing_the_flag_home_while_the_own_flag_is_home_captures() {
    let (mut sim, ada, bob) = two();
    place(&mut sim, bob, BLUE_FIELD);
    ada_takes_blues_flag(&mut sim, ada);
    // Not yet home: nothing.
    place(&mut sim, ada, RED_FIELD);
    sim.step(&[]);
    assert_eq!(sim.captures(Team::Red), 0);
    let edge = [Team::Red.base()[0] + BASE_RADIUS - 1.0, HEIGHT / 2.0];
    place(&mut sim, ada, edge);
    sim.step(&[]);
    assert_eq!(sim.captures(Team::Red), 1);
    assert_eq!(sim.captures(Team::Blue), 0);
    assert_eq!(carrying(&sim, ada), None);
    assert_eq!(*sim.flag(Team::Blue), Flag::home(Team::Blue));
    assert_eq!(sim.runners[&ada].stats.captures, 1);
    assert_eq!(
        sim.drain_events(),
        [FlagEvent::Capture {
            runner: ada,
            team: Team::Red
        }]
    );
}

#[test]
fn no_capture_while_the_own_flag_is_away() {
    let (mut sim, ada, bob) = two();
    ada_takes_blues_flag(&mut sim, ada);
    // Bob takes red's flag and keeps it in the middle of his own half.
    place(&mut sim, ada, RED_FIELD);
    place(&mut sim, bob, Team::Red.base());
    sim.step(&[]);
    assert_eq!(carrying(&sim, bob), Some(Team::Red));
    place(&mut sim, bob, BLUE_FIELD);
    place(&mut sim, ada, Team::Red.base());
    for _ in 0..5 {
        sim.step(&[]);
    }
    assert_eq!(sim.captures(Team::Red), 0);
    assert_eq!(carrying(&sim, ada), Some(Team::Blue));
}

#[test]
fn a_defender_tags_a_carrier_in_its_half_who_drops_the_flag_and_respawns() {
    let (mut sim, ada, bob) = two();
    place(&mut sim, bob, BLUE_FIELD);
    ada_takes_blues_flag(&mut sim, ada);
    let spot = [1000.0, 600.0];
    place(&mut sim, ada, spot);
    place(&mut sim, bob, [spot[0] + TAG_REACH - 1.0, spot[1]]);
    sim.step(&[]);
    assert_eq!(carrying(&sim, ada), None);
    assert!(within(sim.runners[&ada].pos, Team::Red.base(), BASE_RADIUS));
    let flag = sim.flag(Team::Blue);
    assert_eq!(flag.pos, spot, "dropped where she stood");
    assert_eq!(
        flag.state,
        FlagState::Dropped {
            ticks_left: RATE * RETURN_SECS as u32 - 1
        }
    );
    assert_eq!(sim.runners[&bob].stats.tags, 1);
    assert_eq!(sim.runners[&ada].stats.tagged, 1);
    assert_eq!(
        sim.drain_events(),
        [FlagEvent::Tag {
            tagger: bob,
            carrier: ada,
            flag: Team::Blue
        }]
    );
}

#[test]
fn a_carrier_back_in_its_own_half_cannot_be_tagged() {
    let (mut sim, ada, bob) = two();
    place(&mut sim, bob, BLUE_FIELD);
    ada_takes_blues_flag(&mut sim, ada);
    place(&mut sim, ada, [WIDTH / 2.0 - 2.0, 300.0]);
    place(&mut sim, bob, [WIDTH / 2.0 + 2.0, 300.0]);
    sim.step(&[]);
    assert_eq!(carrying(&sim, ada), Some(Team::Blue));
    assert!(sim.drain_events().is_empty());
}

#[test]
fn a_dropped_flag_touched_by_its_team_returns_home() {
    let (mut sim, ada, bob) = two();
    place(&mut sim, bob, BLUE_FIELD);
    ada_takes_blues_flag(&mut sim, ada);
    place(&mut sim, ada, [1000.0, 600.0]);
    sim.leave(ada);
    assert_eq!(
        sim.drain_events(),
        [FlagEvent::Drop {
            runner: ada,
            flag: Team::Blue
        }]
    );
    sim.step(&[]);
    assert_eq!(sim.flag(Team::Blue).pos, [1000.0, 600.0]);
    place(&mut sim, bob, [1000.0, 600.0 + FLAG_REACH - 1.0]);
    sim.step(&[]);
    assert_eq!(*sim.flag(Team::Blue), Flag::home(Team::Blue));
    assert_eq!(sim.runners[&bob].stats.returns, 1);
    assert_eq!(
        sim.drain_events(),
        [FlagEvent::Return {
            flag: Team::Blue,
            by: Some(bob)
        }]
    );
}

#[test]
fn a_dropped_flag_left_alone_returns_after_some_seconds() {
    let (mut sim, ada, bob) = two();
    place(&mut sim, bob, BLUE_FIELD);
    ada_takes_blues_flag(&mut sim, ada);
    place(&mut sim, ada, [1000.0, 600.0]);
    sim.set_away(ada, true);
    assert_eq!(carrying(&sim, ada), None);
    let ticks = RATE * RETURN_SECS as u32;
    for _ in 1..ticks {
        sim.step(&[]);
    }
    assert_eq!(sim.flag(Team::Blue).pos, [1000.0, 600.0], "still lying");
    sim.step(&[]);
    assert_eq!(*sim.flag(Team::Blue), Flag::home(Team::Blue));
    let events = sim.drain_events();
    assert_eq!(
        events.last(),
        Some(&FlagEvent::Return {
            flag: Team::Blue,
            by: None
        })
    );
}

#[test]
fn an_enemy_picks_a_dropped_flag_up_again() {
    let (mut sim, ada, bob) = two();
    place(&mut sim, bob, BLUE_FIELD);
    let carol = sim.join("carol");
    ada_takes_blues_flag(&mut sim, ada);
    place(&mut sim, ada, [1000.0, 600.0]);
    sim.leave(ada);
    place(&mut sim, carol, [1000.0, 600.0]);
    sim.step(&[]);
    assert_eq!(carrying(&sim, carol), Some(Team::Blue));
    assert_eq!(sim.flag(Team::Blue).state, FlagState::Carried(carol));
}

#[test]
fn an_away_runner_stands_still_and_takes_no_part() {
    let (mut sim, ada, bob) = two();
    place(&mut sim, bob, BLUE_FIELD);
    place(&mut sim, ada, [Team::Blue.base()[0] - 100.0, HEIGHT / 2.0]);
    sim.set_away(ada, true);
    for _ in 0..30 {
        sim.step(&[(ada, FlagInput::new(1.0, 0.0))]);
    }
    assert_eq!(sim.runners[&ada].pos[0], Team::Blue.base()[0] - 100.0);
    place(&mut sim, ada, Team::Blue.base());
    sim.step(&[]);
    assert_eq!(sim.flag(Team::Blue).state, FlagState::Home);
    sim.set_away(ada, false);
    sim.step(&[]);
    assert_eq!(carrying(&sim, ada), Some(Team::Blue));
}

#[test]
fn a_new_match_clears_scores_and_sends_everyone_home() {
    let (mut sim, ada, bob) = two();
    place(&mut sim, bob, BLUE_FIELD);
    ada_takes_blues_flag(&mut sim, ada);
    place(&mut sim, ada, Team::Red.base());
    sim.step(&[]);
    ada_takes_blues_flag(&mut sim, ada);
    sim.reset_scores();
    assert_eq!(sim.captures(Team::Red), 0);
    assert_eq!(sim.runners[&ada].stats, Stats::default());
    assert_eq!(carrying(&sim, ada), None);
    assert_eq!(*sim.flag(Team::Blue), Flag::home(Team::Blue));
    for r in sim.runners.values() {
        assert!(within(r.pos, r.team.base(), BASE_RADIUS));
    }
}

#[test]
fn the_same_seed_and_inputs_give_the_same_game() {
    let play = || {
        let mut sim = FlagSim::new(RATE, 42);
        let ids: Vec<PlayerId> = (0..6).map(|i| sim.join(&format!("p{i}"))).collect();
        for t in 0..600u32 {
            let inputs: Vec<(PlayerId, FlagInput)> = ids
                .iter()
                .enumerate()
                .map(|(i, &id)| {
                    let a = (t as f32 * 0.05 + i as f32).sin();
                    (id, FlagInput::new(a, (t as f32 * 0.03).cos()))
                })
                .collect();
            sim.step(&inputs);
        }
        let runners: Vec<_> = sim.runners.values().map(|r| (r.pos, r.carrying)).collect();
        (runners, sim.flags, sim.captures, sim.drain_events())
    };
    assert_eq!(play(), play());
    assert_ne!(
        FlagSim::new(RATE, 1).tap_join(),
        FlagSim::new(RATE, 2).tap_join()
    );
}

impl FlagSim {
    /// Where the first player joining this simulation starts.
    fn tap_join(mut self) -> [f32; 2] {
        let id = self.join("x");
        self.runners[&id].pos
    }
}

//! The rules of capture the flag, as a pure fixed-tick simulation: no IO, no clock, no
//! randomness but a generator seeded by the caller, and nothing of the network's shapes (inputs
//! are [`FlagInput`]s, what happened is a list of [`FlagEvent`]s, scores are [`Stats`]).
//!
//! Each tick, in this order:
//! 1. runners move (a runner without an input stands still; a carrier runs a little slower);
//! 2. carried flags follow their carriers;
//! 3. **tags**: a carrier in the half of the flag's team that a defender of that team touches
//!    drops the flag where it stands and respawns at its own base;
//! 4. **captures**: a carrier inside its own base while its own flag is home scores a capture
//!    for its team, and the flag it carried goes home;
//! 5. **touches**: a flag lying out of its base that a runner of its team touches returns home;
//!    a flag that is not carried (home or lying out) that an enemy touches is picked up;
//! 6. a flag left lying for [`RETURN_SECS`] returns home by itself.
//!
//! A player who leaves, or whose connection drops (away), drops the flag it carries where it
//! stands; an away runner stands still and can neither pick up, return nor tag.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::colour::runner_colour;
use crate::field::{
    BASE_RADIUS, CARRIER_SPEED, FLAG_REACH, RETURN_SECS, RUNNER_RADIUS, SPEED, TAG_REACH, Team,
    clamp_to_field, within,
};
use crate::input::FlagInput;

#[cfg(test)]
mod tests;

/// A player of the simulation: numbered from 1 in the order they join, never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PlayerId(pub u32);

/// What a player did, ready to be a scoreboard's columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Enemy flags brought home.
    pub captures: u32,
    /// Enemy carriers tagged.
    pub tags: u32,
    /// Own flags returned from where they lay.
    pub returns: u32,
    /// Times this player was tagged while carrying.
    pub tagged: u32,
}

/// One player's runner.
#[derive(Clone, Debug, PartialEq)]
pub struct Runner {
    /// The player's name.
    pub name: Arc<str>,
    /// Its team, for the runner's life.
    pub team: Team,
    /// Its colour (`0xRRGGBB`), from its name and team.
    pub colour: u32,
    /// Where it is, in world units.
    pub pos: [f32; 2],
    /// The team of the flag it carries (always the other team's), if any.
    pub carrying: Option<Team>,
    /// Its connection dropped: it stands still and takes no part.
    pub away: bool,
    /// Its scores.
    pub stats: Stats,
}

/// Where a flag is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagState {
    /// Resting at its base.
    Home,
    /// Carried by this player.
    Carried(PlayerId),
    /// Lying where its carrier dropped it; it returns home by itself after `ticks_left` ticks.
    Dropped {
        /// Ticks before it returns by itself.
        ticks_left: u32,
    },
}

/// A team's flag.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flag {
    /// Whose flag it is.
    pub team: Team,
    /// Where it is (its carrier's position while carried).
    pub pos: [f32; 2],
    /// Home, carried or dropped.
    pub state: FlagState,
}

impl Flag {
    fn home(team: Team) -> Flag {
        Flag {
            team,
            pos: team.base(),
            state: FlagState::Home,
        }
    }

    /// The carrier, if any.
    pub fn carrier(&self) -> Option<PlayerId> {
        match self.state {
            FlagState::Carried(p) => Some(p),
            _ => None,
        }
    }
}

/// Something that happened, in the order it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagEvent {
    /// `runner` picked up the flag of team `flag`.
    Pickup {
        /// Who.
        runner: PlayerId,
        /// Whose flag.
        flag: Team,
    },
    /// `runner` brought the enemy flag home: a point for `team`.
    Capture {
        /// Who.
        runner: PlayerId,
        /// The team that scored.
        team: Team,
    },
    /// `tagger` touched `carrier` in the tagger's half: the flag of team `flag` was dropped.
    Tag {
        /// The defender.
        tagger: PlayerId,
        /// The carrier, now back at its base.
        carrier: PlayerId,
        /// The flag it dropped.
        flag: Team,
    },
    /// `runner` left or went away while carrying the flag of team `flag`, which lies where it was.
    Drop {
        /// Who.
        runner: PlayerId,
        /// Whose flag.
        flag: Team,
    },
    /// The flag of team `flag` went home: returned `by` a runner of its team, or by itself.
    Return {
        /// Whose flag.
        flag: Team,
        /// The runner who touched it, or `None` when it lay long enough.
        by: Option<PlayerId>,
    },
}

/// One room's game of capture the flag.
#[derive(Clone, Debug)]
pub struct FlagSim {
    tick: u64,
    /// Seconds a tick lasts.
    dt: f32,
    return_ticks: u32,
    runners: BTreeMap<PlayerId, Runner>,
    flags: [Flag; 2],
    captures: [u32; 2],
    next: u32,
    seed: u64,
    events: Vec<FlagEvent>,
}

impl FlagSim {
    /// An empty field with both flags home; `tick_rate` (ticks per second) times the rules,
    /// `seed` places the players at their bases.
    pub fn new(tick_rate: u32, seed: u64) -> FlagSim {
        FlagSim {
            tick: 0,
            dt: 1.0 / tick_rate.max(1) as f32,
            return_ticks: ((RETURN_SECS * tick_rate.max(1) as f32).round() as u32).max(1),
            runners: BTreeMap::new(),
            flags: Team::BOTH.map(Flag::home),
            captures: [0; 2],
            next: 1,
            seed,
            events: Vec::new(),
        }
    }

    /// Ticks run so far.
    pub fn tick(&self) -> u64 {
        self.tick
    }

    /// The runners, by player id.
    pub fn runners(&self) -> &BTreeMap<PlayerId, Runner> {
        &self.runners
    }

    /// One runner.
    pub fn runner(&self, id: PlayerId) -> Option<&Runner> {
        self.runners.get(&id)
    }

    /// The flag of `team`.
    pub fn flag(&self, team: Team) -> &Flag {
        &self.flags[team.slot()]
    }

    /// Captures `team` has scored.
    pub fn captures(&self, team: Team) -> u32 {
        self.captures[team.slot()]
    }

    /// How many runners `team` has (away ones too).
    pub fn team_size(&self, team: Team) -> usize {
        self.runners.values().filter(|r| r.team == team).count()
    }

    /// What happened since the last call, oldest first.
    pub fn drain_events(&mut self) -> Vec<FlagEvent> {
        std::mem::take(&mut self.events)
    }

    /// Adds a player called `name` to the smaller team (on a tie, the one with fewer captures,
    /// then red), at its base.
    pub fn join(&mut self, name: &str) -> PlayerId {
        let (red, blue) = (self.team_size(Team::Red), self.team_size(Team::Blue));
        let team = match red.cmp(&blue) {
            std::cmp::Ordering::Less => Team::Red,
            std::cmp::Ordering::Greater => Team::Blue,
            std::cmp::Ordering::Equal if self.captures(Team::Blue) < self.captures(Team::Red) => {
                Team::Blue
            }
            std::cmp::Ordering::Equal => Team::Red,
        };
        let id = PlayerId(self.next);
        self.next = self.next.saturating_add(1);
        let runner = Runner {
            name: Arc::from(name),
            team,
            colour: runner_colour(name, team),
            pos: self.spawn(team),
            carrying: None,
            away: false,
            stats: Stats::default(),
        };
        self.runners.insert(id, runner);
        id
    }

    /// Removes a player; the flag it carried lies where it stood.
    pub fn leave(&mut self, id: PlayerId) {
        self.drop_flag_of(id);
        self.runners.remove(&id);
    }

    /// Marks a player away (its connection dropped: it drops what it carries and takes no
    /// part) or back.
    pub fn set_away(&mut self, id: PlayerId, away: bool) {
        if away {
            self.drop_flag_of(id);
        }
        if let Some(r) = self.runners.get_mut(&id) {
            r.away = away;
        }
    }

    /// A new match: scores to zero, flags home, every runner back at its base.
    pub fn reset_scores(&mut self) {
        self.captures = [0; 2];
        self.flags = Team::BOTH.map(Flag::home);
        let ids: Vec<PlayerId> = self.runners.keys().copied().collect();
        for id in ids {
            let team = self.runners[&id].team;
            let pos = self.spawn(team);
            if let Some(r) = self.runners.get_mut(&id) {
                r.pos = pos;
                r.carrying = None;
                r.stats = Stats::default();
            }
        }
    }

    /// Runs one tick with these inputs (at most one per player; others stand still).
    pub fn step(&mut self, inputs: &[(PlayerId, FlagInput)]) {
        self.tick += 1;
        self.run(inputs);
        for flag in &mut self.flags {
            if let Some(r) = flag.carrier().and_then(|c| self.runners.get(&c)) {
                flag.pos = r.pos;
            }
        }
        self.tag();
        self.capture();
        for team in Team::BOTH {
            self.touch(team);
        }
        self.count_down();
    }

    /// Step 1: movement.
    fn run(&mut self, inputs: &[(PlayerId, FlagInput)]) {
        let dt = self.dt;
        for (id, input) in inputs {
            let Some(r) = self.runners.get_mut(id).filter(|r| !r.away) else {
                continue;
            };
            let [dx, dy] = input.direction();
            let speed = if r.carrying.is_some() {
                CARRIER_SPEED
            } else {
                SPEED
            };
            r.pos = clamp_to_field([r.pos[0] + dx * speed * dt, r.pos[1] + dy * speed * dt]);
        }
    }

    /// Step 3: a defender touching a carrier in the defender's half.
    fn tag(&mut self) {
        for flag in Team::BOTH {
            let Some(carrier) = self.flags[flag.slot()].carrier() else {
                continue;
            };
            let Some(at) = self.runners.get(&carrier).map(|r| r.pos) else {
                continue;
            };
            if !flag.owns(at) {
                continue;
            }
            // The flag's team defends it; the lowest id within reach tags.
            let tagger = self
                .runners
                .iter()
                .find(|(_, r)| r.team == flag && !r.away && within(r.pos, at, TAG_REACH));
            let Some((&tagger, _)) = tagger else { continue };
            self.flags[flag.slot()].state = FlagState::Dropped {
                ticks_left: self.return_ticks,
            };
            let home = self.spawn(flag.other());
            if let Some(r) = self.runners.get_mut(&carrier) {
                r.carrying = None;
                r.pos = home;
                r.stats.tagged += 1;
            }
            if let Some(r) = self.runners.get_mut(&tagger) {
                r.stats.tags += 1;
            }
            self.events.push(FlagEvent::Tag {
                tagger,
                carrier,
                flag,
            });
        }
    }

    /// Step 4: a carrier home while its own flag is home.
    fn capture(&mut self) {
        for flag in Team::BOTH {
            let team = flag.other();
            let Some(carrier) = self.flags[flag.slot()].carrier() else {
                continue;
            };
            if self.flags[team.slot()].state != FlagState::Home {
                continue;
            }
            let Some(r) = self.runners.get_mut(&carrier) else {
                continue;
            };
            if !within(r.pos, team.base(), BASE_RADIUS) {
                continue;
            }
            r.carrying = None;
            r.stats.captures += 1;
            self.captures[team.slot()] += 1;
            self.flags[flag.slot()] = Flag::home(flag);
            self.events.push(FlagEvent::Capture {
                runner: carrier,
                team,
            });
        }
    }

    /// Step 5: a loose flag touched by its own team (returned) or by an enemy (picked up).
    fn touch(&mut self, flag: Team) {
        let f = self.flags[flag.slot()];
        if f.carrier().is_some() {
            return;
        }
        let toucher = |team: Team| {
            self.runners
                .iter()
                .find(|(_, r)| r.team == team && !r.away && within(r.pos, f.pos, FLAG_REACH))
                .map(|(&id, _)| id)
        };
        if f.state != FlagState::Home
            && let Some(by) = toucher(flag)
        {
            self.flags[flag.slot()] = Flag::home(flag);
            if let Some(r) = self.runners.get_mut(&by) {
                r.stats.returns += 1;
            }
            self.events.push(FlagEvent::Return { flag, by: Some(by) });
        } else if let Some(by) = toucher(flag.other()) {
            self.flags[flag.slot()].state = FlagState::Carried(by);
            if let Some(r) = self.runners.get_mut(&by) {
                r.carrying = Some(flag);
                self.flags[flag.slot()].pos = r.pos;
            }
            self.events.push(FlagEvent::Pickup { runner: by, flag });
        }
    }

    /// Step 6: flags left lying go home.
    fn count_down(&mut self) {
        for flag in Team::BOTH {
            if let FlagState::Dropped { ticks_left } = &mut self.flags[flag.slot()].state {
                if *ticks_left > 1 {
                    *ticks_left -= 1;
                } else {
                    self.flags[flag.slot()] = Flag::home(flag);
                    self.events.push(FlagEvent::Return { flag, by: None });
                }
            }
        }
    }

    /// The flag `id` carries, if any, left lying where it stands.
    fn drop_flag_of(&mut self, id: PlayerId) {
        let Some(r) = self.runners.get_mut(&id) else {
            return;
        };
        let Some(flag) = r.carrying.take() else {
            return;
        };
        self.flags[flag.slot()] = Flag {
            team: flag,
            pos: r.pos,
            state: FlagState::Dropped {
                ticks_left: self.return_ticks,
            },
        };
        self.events.push(FlagEvent::Drop { runner: id, flag });
    }

    /// A spot inside `team`'s base, from the seeded generator.
    fn spawn(&mut self, team: Team) -> [f32; 2] {
        let [cx, cy] = team.base();
        let angle = self.unit() * std::f32::consts::TAU;
        let dist = self.unit().sqrt() * (BASE_RADIUS - RUNNER_RADIUS);
        clamp_to_field([cx + dist * angle.cos(), cy + dist * angle.sin()])
    }

    /// A number in `0..1` from a 64-bit LCG (its top 24 bits).
    fn unit(&mut self) -> f32 {
        self.seed = self
            .seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.seed >> 40) as f32 / (1u32 << 24) as f32
    }
}

//! The game's events and score columns as protocol v5 carries them (records of the game's own
//! fields), declared in its schema ([`crate::views::flag_schema`]): `.event::<CaptureEvent>()`
//! and the other three kinds, and one `.score(name, weight)` per [`SCORE_COLUMNS`] entry. Who
//! hears each event is the `Game` impl's choice (`crate::game`).

use tickwire_protocol::Replicate;

use crate::field::Team;
use crate::sim::{FlagEvent, Stats};
use crate::views::runner_id;

/// `runner` brought the enemy flag home, a point for `team`.
#[derive(Clone, Debug, PartialEq, Replicate)]
#[replicate(kind = "capture")]
pub struct CaptureEvent {
    /// The runner's entity id.
    #[replicate(int(min = 0, max = 2_147_483_647))]
    pub runner: u32,
    /// The team that scored.
    #[replicate(enumeration)]
    pub team: Team,
}

/// `tagger` tagged `carrier`, who dropped the flag of team `flag`.
#[derive(Clone, Debug, PartialEq, Replicate)]
#[replicate(kind = "tag")]
pub struct TagEvent {
    /// The defender's entity id.
    #[replicate(int(min = 0, max = 2_147_483_647))]
    pub tagger: u32,
    /// The carrier's entity id.
    #[replicate(int(min = 0, max = 2_147_483_647))]
    pub carrier: u32,
    /// The flag dropped.
    #[replicate(enumeration)]
    pub flag: Team,
}

/// The flag of team `flag` went home, returned `by` a runner (entity id) or by itself (0).
#[derive(Clone, Debug, PartialEq, Replicate)]
#[replicate(kind = "flag_return")]
pub struct ReturnEvent {
    /// Whose flag.
    #[replicate(enumeration)]
    pub flag: Team,
    /// The returning runner's entity id, 0 when it lay long enough.
    #[replicate(int(min = 0, max = 2_147_483_647))]
    pub by: u32,
}

/// `runner` picked up (`dropped` false) or dropped by leaving (`dropped` true) the flag of `flag`.
#[derive(Clone, Debug, PartialEq, Replicate)]
#[replicate(kind = "flag_carrier")]
pub struct CarrierEvent {
    /// The runner's entity id.
    #[replicate(int(min = 0, max = 2_147_483_647))]
    pub runner: u32,
    /// Whose flag.
    #[replicate(enumeration)]
    pub flag: Team,
    /// Dropped (the runner left or went away) rather than picked up.
    pub dropped: bool,
}

/// One event as the wire carries it.
#[derive(Clone, Debug, PartialEq)]
pub enum EventRecord {
    /// A capture.
    Capture(CaptureEvent),
    /// A tag.
    Tag(TagEvent),
    /// A flag went home.
    Return(ReturnEvent),
    /// A flag picked up or dropped.
    Carrier(CarrierEvent),
}

/// The record of a simulation event, players named by their runner's entity id.
pub fn event_record(event: &FlagEvent) -> EventRecord {
    let id = |p| runner_id(p).0;
    match *event {
        FlagEvent::Capture { runner, team } => EventRecord::Capture(CaptureEvent {
            runner: id(runner),
            team,
        }),
        FlagEvent::Tag {
            tagger,
            carrier,
            flag,
        } => EventRecord::Tag(TagEvent {
            tagger: id(tagger),
            carrier: id(carrier),
            flag,
        }),
        FlagEvent::Return { flag, by } => EventRecord::Return(ReturnEvent {
            flag,
            by: by.map_or(0, id),
        }),
        FlagEvent::Pickup { runner, flag } => EventRecord::Carrier(CarrierEvent {
            runner: id(runner),
            flag,
            dropped: false,
        }),
        FlagEvent::Drop { runner, flag } => EventRecord::Carrier(CarrierEvent {
            runner: id(runner),
            flag,
            dropped: true,
        }),
    }
}

/// The scoreboard's columns, in display order, with their weights in a match's rating: a
/// capture is worth five tags or returns; being tagged costs nothing (it is the price of trying).
pub const SCORE_COLUMNS: [(&str, i32); 4] =
    [("captures", 5), ("tags", 1), ("returns", 1), ("tagged", 0)];

/// A player's values for [`SCORE_COLUMNS`], in order.
pub fn score_columns(stats: &Stats) -> [i32; 4] {
    let v = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    [
        v(stats.captures),
        v(stats.tags),
        v(stats.returns),
        v(stats.tagged),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::PlayerId;

    #[test]
    fn events_are_records_of_entity_ids_without_a_position() {
        for desc in [
            CaptureEvent::kind_desc(),
            TagEvent::kind_desc(),
            ReturnEvent::kind_desc(),
            CarrierEvent::kind_desc(),
        ] {
            assert_eq!(desc.position, None, "{}", desc.name);
        }
        let tag = FlagEvent::Tag {
            tagger: PlayerId(2),
            carrier: PlayerId(1),
            flag: Team::Blue,
        };
        assert_eq!(
            event_record(&tag),
            EventRecord::Tag(TagEvent {
                tagger: runner_id(PlayerId(2)).0,
                carrier: runner_id(PlayerId(1)).0,
                flag: Team::Blue
            })
        );
        let back = FlagEvent::Return {
            flag: Team::Red,
            by: None,
        };
        assert_eq!(
            event_record(&back),
            EventRecord::Return(ReturnEvent {
                flag: Team::Red,
                by: 0
            })
        );
    }

    #[test]
    fn columns_follow_the_stats() {
        let stats = Stats {
            captures: 2,
            tags: 3,
            returns: 1,
            tagged: 4,
        };
        assert_eq!(score_columns(&stats), [2, 3, 1, 4]);
        let names: Vec<_> = SCORE_COLUMNS.iter().map(|c| c.0).collect();
        assert_eq!(names, ["captures", "tags", "returns", "tagged"]);
    }
}

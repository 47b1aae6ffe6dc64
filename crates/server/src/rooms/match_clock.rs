//! `MatchClock`: when a room's match ends, counted in ticks (a room reads no clock), and
//! `MatchOutcome`, what a room hands out when one does.

use std::time::Duration;

use tickwire_protocol::{EntityId, Schema, ScoreEntry};
use tickwire_store::EndedBy;

/// Counts a match's ticks. A length of zero is an endless match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatchClock {
    length_ticks: u64,
    started_tick: u64,
}

impl MatchClock {
    /// A clock for matches of `length` at `tick_rate`; `Duration::ZERO` never ends a match.
    pub fn new(length: Duration, tick_rate: u32) -> MatchClock {
        let ticks = (length.as_secs_f64() * f64::from(tick_rate)).round() as u64;
        MatchClock {
            length_ticks: ticks,
            started_tick: 0,
        }
    }

    /// True when matches end at all.
    pub fn has_matches(&self) -> bool {
        self.length_ticks > 0
    }

    /// A clock whose matches never end.
    pub fn endless() -> MatchClock {
        MatchClock {
            length_ticks: 0,
            started_tick: 0,
        }
    }

    /// True once the match that started at [`MatchClock::started_tick`] has run its length.
    pub fn is_over(&self, tick: u64) -> bool {
        self.length_ticks > 0 && tick.saturating_sub(self.started_tick) >= self.length_ticks
    }

    /// A new match starts at `tick`.
    pub fn restart(&mut self, tick: u64) {
        self.started_tick = tick;
    }

    /// The tick the current match started at.
    pub fn started_tick(&self) -> u64 {
        self.started_tick
    }

    /// A match's length in ticks; 0 for an endless match.
    pub fn length_ticks(&self) -> u64 {
        self.length_ticks
    }

    /// The tick the current match ends at; `None` for an endless match.
    pub fn ends_tick(&self) -> Option<u64> {
        self.has_matches()
            .then(|| self.started_tick + self.length_ticks)
    }
}

/// One line of a finished match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinalScore {
    /// The player's id (a join token's subject, or a guest id); `None` for a bot.
    pub player_id: Option<String>,
    /// Display name.
    pub name: String,
    /// One value per score column of the game's schema, in order.
    pub columns: Vec<i32>,
    /// The line's rating: each column times its weight, summed (`Schema::rating`).
    pub rating: i32,
    /// Ticks the player was in the match.
    pub ticks: u64,
}

/// A match a room has just finished; the room task adds the wall-clock times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchOutcome {
    /// The tick the match started at.
    pub started_tick: u64,
    /// The tick it ended at.
    pub ended_tick: u64,
    /// Every line, players who left during the match included, best rating first.
    pub scores: Vec<FinalScore>,
    /// Whether it ran its length or the server shut down first.
    pub ended_by: EndedBy,
}

/// A player in the room at a match's end, as the room knows it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Present<'a> {
    pub(crate) entity: EntityId,
    pub(crate) player_id: &'a str,
    /// The player's own name (not the game's label for it, such as "(away)").
    pub(crate) name: &'a str,
    pub(crate) joined_tick: u64,
}

/// The lines of a match that ends at `tick` (of `clock`): each scoreboard line (a player's with
/// its id, own name and time in the match, a bot's without), then those of players who left
/// during it, one line per player however often it left and came back (columns and time add
/// up under one line); best rating first (by `schema`'s weights), then by name.
pub(crate) fn final_scores(
    scores: Vec<ScoreEntry>,
    present: &[Present<'_>],
    departed: Vec<FinalScore>,
    (clock, tick): (&MatchClock, u64),
    schema: &Schema,
) -> Vec<FinalScore> {
    let mut lines: Vec<FinalScore> = scores
        .into_iter()
        .map(|s| {
            let player = present.iter().find(|p| p.entity == s.entity && !s.bot);
            FinalScore {
                player_id: player.map(|p| p.player_id.to_owned()),
                ticks: player.map_or(tick.saturating_sub(clock.started_tick()), |p| {
                    tick.saturating_sub(p.joined_tick.max(clock.started_tick()))
                }),
                name: player.map_or(s.name, |p| p.name.to_owned()),
                columns: s.columns,
                rating: 0,
            }
        })
        .collect();
    for line in departed {
        let same = lines
            .iter_mut()
            .find(|l| l.player_id.is_some() && l.player_id == line.player_id);
        match same {
            Some(l) => {
                add_columns(&mut l.columns, &line.columns);
                l.ticks += line.ticks;
            }
            None => lines.push(line),
        }
    }
    for l in &mut lines {
        l.rating = schema.rating(&l.columns);
    }
    lines.sort_by(|a, b| (b.rating, &a.name).cmp(&(a.rating, &b.name)));
    lines
}

/// `into` plus `more`, column by column (saturating; a longer `more` extends `into`).
fn add_columns(into: &mut Vec<i32>, more: &[i32]) {
    if into.len() < more.len() {
        into.resize(more.len(), 0);
    }
    for (a, b) in into.iter_mut().zip(more) {
        *a = a.saturating_add(*b);
    }
}

/// The line of a player who leaves during a match, taken before the game forgets its score
/// (its rating is set with the match's other lines).
pub(crate) fn departed_line(
    scores: &[ScoreEntry],
    leaving: Present<'_>,
    clock: &MatchClock,
    tick: u64,
) -> Option<FinalScore> {
    let s = scores.iter().find(|s| s.entity == leaving.entity)?;
    Some(FinalScore {
        player_id: Some(leaving.player_id.to_owned()),
        name: leaving.name.to_owned(),
        columns: s.columns.clone(),
        rating: 0,
        ticks: tick.saturating_sub(leaving.joined_tick.max(clock.started_tick())),
    })
}

/// The guest id of a player without a join token: `guest:` and the cleaned display name, in
/// lower case. Guests who play under the same name share one record.
pub fn guest_id(name: &str) -> String {
    format!(
        "guest:{}",
        crate::rooms::player_name::clean_name(name).to_lowercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_match_ends_after_its_length_and_restarts() {
        let mut clock = MatchClock::new(Duration::from_secs(2), 30);
        assert!(!clock.is_over(59));
        assert!(clock.is_over(60));
        clock.restart(60);
        assert!(!clock.is_over(119));
        assert!(clock.is_over(120));
        assert!(!MatchClock::endless().is_over(u64::MAX));
        assert!(!MatchClock::new(Duration::ZERO, 60).is_over(1_000_000));
    }

    #[test]
    fn a_player_who_left_and_came_back_has_one_line_under_its_own_name() {
        let clock = MatchClock::new(Duration::from_secs(60), 60);
        let entry = |id: u32, name: &str, kills, deaths, bot| ScoreEntry {
            entity: EntityId(id),
            name: name.into(),
            bot,
            columns: vec![kills, deaths],
        };
        let schema = tickwire_protocol::SchemaDesc {
            game: "g".into(),
            kinds: vec![tickwire_protocol::KindDesc::new("k", Vec::new())],
            scores: vec![
                tickwire_protocol::ScoreColumn::new("kills", 1),
                tickwire_protocol::ScoreColumn::new("deaths", -1),
            ],
            ..Default::default()
        };
        let schema = Schema::new(schema).expect("valid");
        // Ada's first seat: she left while away (the game's label says so).
        let first = Present {
            entity: EntityId(1),
            player_id: "guest:ada",
            name: "ada",
            joined_tick: 0,
        };
        let scores = [entry(1, "ada (away)", 2, 1, false)];
        let departed = departed_line(&scores, first, &clock, 600);
        assert_eq!(departed.as_ref().map(|l| l.name.as_str()), Some("ada"));
        // Her second seat is away at the end too; a bot plays alongside.
        let now = Present {
            entity: EntityId(3),
            player_id: "guest:ada",
            name: "ada",
            joined_tick: 900,
        };
        let end = vec![
            entry(3, "ada (away)", 1, 2, false),
            entry(2, "bot", 5, 0, true),
        ];
        let lines = final_scores(
            end,
            &[now],
            departed.into_iter().collect(),
            (&clock, 1200),
            &schema,
        );
        let ada: Vec<_> = lines.iter().filter(|l| l.player_id.is_some()).collect();
        assert_eq!(ada.len(), 1, "{lines:?}");
        assert_eq!(
            (
                ada[0].name.as_str(),
                &ada[0].columns[..],
                ada[0].rating,
                ada[0].ticks
            ),
            ("ada", &[3, 3][..], 0, 900)
        );
        assert_eq!(lines.len(), 2, "the bot keeps its line: {lines:?}");
        assert_eq!(lines[0].rating, 5, "best rating first: the bot's");
    }

    #[test]
    fn guests_are_named_by_their_cleaned_name() {
        assert_eq!(guest_id("  Ada\u{7} "), "guest:ada");
        assert_eq!(guest_id(""), "guest:player");
    }
}

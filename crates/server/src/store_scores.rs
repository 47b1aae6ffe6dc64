//! STORE BRIDGE (temporary): the server's two conversions between v5's score columns and the
//! store as it is today, which keeps kills and deaths only. Both go when the store keeps a
//! result's columns and rating (`PlayerScore { rating, columns }`, `LeaderboardRow { best,
//! totals }`): `player_score` then copies the columns and rating, and `leaderboard_entry` the
//! row's own best and totals.

use tickwire_protocol::{LeaderboardEntry, MAX_NAME_CHARS, ScoreColumn};
use tickwire_store::{LeaderboardRow, PlayerScore};

use crate::match_clock::FinalScore;

/// STORE BRIDGE: a match line as today's store takes it: its kills and deaths are the columns
/// named `kills` and `deaths` when the schema has them, else 0 (the rating is not stored).
/// `None` for a bot's line, which is not stored.
pub(crate) fn player_score(
    line: &FinalScore,
    columns: &[ScoreColumn],
    tick_rate: u32,
) -> Option<PlayerScore> {
    let column = |name: &str| {
        columns
            .iter()
            .position(|c| c.name == name)
            .and_then(|i| line.columns.get(i))
            .map_or(0, |&v| u32::try_from(v.max(0)).unwrap_or(0))
    };
    Some(PlayerScore {
        player_id: line.player_id.clone()?,
        name: line.name.clone(),
        kills: column("kills"),
        deaths: column("deaths"),
        played_ms: line.ticks.saturating_mul(1000) / u64::from(tick_rate.max(1)),
    })
}

/// STORE BRIDGE: a row of today's store as the wire's leaderboard entry: `best` is the row's
/// most kills in a match, and `totals` holds, for each of the schema's `columns`, the row's
/// kills or deaths when the column is called so, else 0. Numbers saturate.
pub fn leaderboard_entry(row: &LeaderboardRow, columns: &[ScoreColumn]) -> LeaderboardEntry {
    let sat = |v: i64| v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
    LeaderboardEntry {
        rank: u16::try_from(row.rank).unwrap_or(u16::MAX),
        name: row.name.chars().take(MAX_NAME_CHARS).collect(),
        rating: sat(row.rating),
        matches: u32::try_from(row.matches.max(0)).unwrap_or(u32::MAX),
        best: sat(row.best_kills),
        totals: columns
            .iter()
            .map(|c| match c.name.as_str() {
                "kills" => sat(row.kills),
                "deaths" => sat(row.deaths),
                _ => 0,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arena() -> Vec<ScoreColumn> {
        vec![ScoreColumn::new("kills", 1), ScoreColumn::new("deaths", -1)]
    }

    #[test]
    fn lines_go_to_the_store_by_column_name() {
        let line = FinalScore {
            player_id: Some("guest:ada".into()),
            name: "ada".into(),
            columns: vec![4, 2],
            rating: 2,
            ticks: 600,
        };
        let s = player_score(&line, &arena(), 60).expect("a player's line");
        assert_eq!((s.kills, s.deaths, s.played_ms), (4, 2, 10_000));
        let tag = [ScoreColumn::new("tagged", -5)];
        let s = player_score(&line, &tag, 60).expect("a player's line");
        assert_eq!((s.kills, s.deaths), (0, 0), "no such columns: 0");
        let bot = FinalScore {
            player_id: None,
            ..line
        };
        assert!(player_score(&bot, &arena(), 60).is_none());
    }

    #[test]
    fn rows_come_back_with_totals_in_the_schema_order() {
        let row = LeaderboardRow {
            rank: 2,
            player_id: "guest:ada".into(),
            name: "ada".into(),
            rating: 3,
            kills: 9,
            deaths: 6,
            matches: 4,
            best_kills: 5,
        };
        let e = leaderboard_entry(&row, &arena());
        assert_eq!(
            (e.rank, e.rating, e.matches, e.best, e.totals),
            (2, 3, 4, 5, vec![9, 6])
        );
        let odd = [ScoreColumn::new("deaths", -1), ScoreColumn::new("laps", 1)];
        assert_eq!(leaderboard_entry(&row, &odd).totals, vec![6, 0]);
    }
}

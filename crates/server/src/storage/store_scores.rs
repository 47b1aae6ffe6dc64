//! The server's two conversions between a game's score columns and the store: a match line
//! into a stored [`PlayerScore`] (its columns by name and its rating), and a stored
//! [`LeaderboardRow`] into the wire's [`LeaderboardEntry`] (totals in the schema's column order).

use tickwire_protocol::{LeaderboardEntry, MAX_NAME_CHARS, ScoreColumn};
use tickwire_store::{LeaderboardRow, PlayerScore};

use crate::rooms::match_clock::FinalScore;

/// A match line as the store keeps it: each of the schema's `columns` by name, and the line's
/// rating. `None` for a bot's line, which is not stored.
pub(crate) fn player_score(
    line: &FinalScore,
    columns: &[ScoreColumn],
    tick_rate: u32,
) -> Option<PlayerScore> {
    Some(PlayerScore {
        player_id: line.player_id.clone()?,
        name: line.name.clone(),
        rating: i64::from(line.rating),
        columns: columns
            .iter()
            .zip(&line.columns)
            .map(|(c, &v)| (c.name.clone(), i64::from(v)))
            .collect(),
        played_ms: line.ticks.saturating_mul(1000) / u64::from(tick_rate.max(1)),
    })
}

/// A stored row as the wire's leaderboard entry: `totals` holds, for each of the schema's
/// `columns`, the row's total of the column of that name (0 when it has none). Numbers
/// saturate.
pub fn leaderboard_entry(row: &LeaderboardRow, columns: &[ScoreColumn]) -> LeaderboardEntry {
    let sat = |v: i64| v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
    LeaderboardEntry {
        rank: u16::try_from(row.rank).unwrap_or(u16::MAX),
        name: row.name.chars().take(MAX_NAME_CHARS).collect(),
        rating: sat(row.rating),
        matches: u32::try_from(row.matches.max(0)).unwrap_or(u32::MAX),
        best: sat(row.best),
        totals: columns
            .iter()
            .map(|c| {
                row.totals
                    .iter()
                    .find(|(name, _)| *name == c.name)
                    .map_or(0, |(_, v)| sat(*v))
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
    fn lines_go_to_the_store_by_column_name_with_their_rating() {
        let line = FinalScore {
            player_id: Some("guest:ada".into()),
            name: "ada".into(),
            columns: vec![4, 2],
            rating: 2,
            ticks: 600,
        };
        let s = player_score(&line, &arena(), 60).expect("a player's line");
        assert_eq!(
            s.columns,
            vec![("kills".to_owned(), 4), ("deaths".to_owned(), 2)]
        );
        assert_eq!((s.rating, s.played_ms), (2, 10_000));
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
            matches: 4,
            best: 5,
            totals: vec![("deaths".into(), 6), ("kills".into(), 9)],
        };
        let e = leaderboard_entry(&row, &arena());
        assert_eq!(
            (e.rank, e.rating, e.matches, e.best, e.totals),
            (2, 3, 4, 5, vec![9, 6])
        );
        let odd = [ScoreColumn::new("deaths", -1), ScoreColumn::new("laps", 1)];
        assert_eq!(leaderboard_entry(&row, &odd).totals, vec![6, 0]);
        let big = LeaderboardRow {
            rating: i64::MAX,
            best: i64::MIN,
            ..row
        };
        let e = leaderboard_entry(&big, &arena());
        assert_eq!((e.rating, e.best), (i32::MAX, i32::MIN));
    }
}

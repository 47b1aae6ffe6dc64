//! A game's score columns as the store takes and keeps them: the checks a [`PlayerScore`] must
//! pass on the way in ([`InvalidScore`]), the JSON object a column list is stored as (SQLite
//! `TEXT`, PostgreSQL `jsonb`), and adding columns up into totals.

use std::collections::BTreeMap;

use crate::PlayerScore;

/// Most columns one score line has (a game's scoreboard has at most 16).
pub const MAX_COLUMNS: usize = 16;
/// Longest column name, in bytes.
pub const MAX_COLUMN_NAME: usize = 64;
/// Smallest and largest value of one column in one match: the range of the wire's `i32`.
pub const COLUMN_VALUES: std::ops::RangeInclusive<i64> = (i32::MIN as i64)..=(i32::MAX as i64);
/// Largest rating of one score line, either sign: 2^48, far beyond 16 columns of `i32` values
/// with any sensible weights, so that a player's total stays exact over millions of matches
/// (totals saturate rather than overflow in any case).
pub const MAX_LINE_RATING: i64 = 1 << 48;

/// Why a [`PlayerScore`] was refused by [`crate::Store::record`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidScore {
    /// The line has more than [`MAX_COLUMNS`] columns.
    #[error("a score line has {0} columns; at most {MAX_COLUMNS}")]
    TooManyColumns(usize),
    /// A column's name is empty.
    #[error("a score column's name is empty")]
    EmptyName,
    /// A column's name is longer than [`MAX_COLUMN_NAME`] bytes.
    #[error("a score column's name is longer than {MAX_COLUMN_NAME} bytes")]
    LongName,
    /// A column's name holds a control character.
    #[error("a score column's name holds a control character")]
    ControlInName,
    /// Two columns of the line share a name.
    #[error("two score columns of one line share a name")]
    DuplicateName,
    /// A column's value is outside [`COLUMN_VALUES`].
    #[error("a score column's value {0} is outside the range of an i32")]
    ValueOutOfRange(i64),
    /// The line's rating is beyond [`MAX_LINE_RATING`], either sign.
    #[error("a score line's rating {0} is beyond ±2^48")]
    RatingOutOfRange(i64),
}

/// Checks one line: its column count, names and values, and its rating.
pub(crate) fn check(score: &PlayerScore) -> Result<(), InvalidScore> {
    if score.columns.len() > MAX_COLUMNS {
        return Err(InvalidScore::TooManyColumns(score.columns.len()));
    }
    for (i, (name, value)) in score.columns.iter().enumerate() {
        if name.is_empty() {
            return Err(InvalidScore::EmptyName);
        }
        if name.len() > MAX_COLUMN_NAME {
            return Err(InvalidScore::LongName);
        }
        if name.chars().any(char::is_control) {
            return Err(InvalidScore::ControlInName);
        }
        if score.columns[..i].iter().any(|(other, _)| other == name) {
            return Err(InvalidScore::DuplicateName);
        }
        if !COLUMN_VALUES.contains(value) {
            return Err(InvalidScore::ValueOutOfRange(*value));
        }
    }
    if score.rating.unsigned_abs() > MAX_LINE_RATING.unsigned_abs() {
        return Err(InvalidScore::RatingOutOfRange(score.rating));
    }
    Ok(())
}

/// `columns` as a JSON object, in their order: `{"kills":3,"deaths":1}`.
pub(crate) fn to_json(columns: &[(String, i64)]) -> String {
    let mut out = String::from("{");
    for (i, (name, value)) in columns.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(&mut out, name);
        out.push(':');
        out.push_str(&value.to_string());
    }
    out.push('}');
    out
}

fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The columns of a stored JSON object, in name order (by bytes). The text may have been
/// written by hand: what is not an object of whole numbers is left out (and logged), never an
/// error, so that one bad row does not hide a whole leaderboard.
pub(crate) fn from_json(text: &str) -> Vec<(String, i64)> {
    let object = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(object)) => object,
        Ok(_) | Err(_) => {
            tracing::warn!(
                stored = text,
                "stored score columns are not a JSON object; read as none"
            );
            return Vec::new();
        }
    };
    let mut columns: Vec<(String, i64)> = Vec::with_capacity(object.len());
    for (name, value) in object {
        match value.as_i64() {
            Some(v) => columns.push((name, v)),
            None => tracing::warn!(
                column = name,
                %value,
                "a stored score column is not a whole number; left out"
            ),
        }
    }
    columns.sort_by(|a, b| a.0.cmp(&b.0));
    columns
}

/// Adds `columns` into `totals` (kept in name order), saturating.
pub(crate) fn add_into(totals: &mut Vec<(String, i64)>, columns: &[(String, i64)]) {
    for (name, value) in columns {
        match totals.binary_search_by(|(t, _)| t.as_str().cmp(name)) {
            Ok(i) => totals[i].1 = totals[i].1.saturating_add(*value),
            Err(i) => totals.insert(i, (name.clone(), *value)),
        }
    }
}

/// Serializes a column list as a JSON object in its order (`serialize_with`), so that the JSON
/// routes show `{"deaths":2,"kills":7}` rather than pairs.
pub(crate) fn as_object<S: serde::Serializer>(
    columns: &[(String, i64)],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(columns.len()))?;
    for (name, value) in columns {
        map.serialize_entry(name, value)?;
    }
    map.end()
}

/// The lines of a match, one per player: lines that name one player twice (a game that reports
/// a player twice) are added up into the first, columns by name, so that each player's match
/// counts once.
pub(crate) fn one_line_each(players: &[PlayerScore]) -> Vec<PlayerScore> {
    let mut out: Vec<PlayerScore> = Vec::with_capacity(players.len());
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for p in players {
        let Some(&i) = index.get(p.player_id.as_str()) else {
            index.insert(&p.player_id, out.len());
            out.push(p.clone());
            continue;
        };
        let line = &mut out[i];
        line.rating = line.rating.saturating_add(p.rating);
        line.played_ms = line.played_ms.saturating_add(p.played_ms);
        for (name, value) in &p.columns {
            match line.columns.iter_mut().find(|(n, _)| n == name) {
                Some((_, v)) => *v = v.saturating_add(*value),
                None => line.columns.push((name.clone(), *value)),
            }
        }
    }
    out
}

/// A player's running totals in one game: a row of `standings`, read, added to, written back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub(crate) rating: i64,
    pub(crate) matches: i64,
    pub(crate) played_ms: i64,
    pub(crate) best: i64,
    pub(crate) totals: Vec<(String, i64)>,
}

impl Tally {
    /// Adds one match's line (`played_ms` already as stored).
    pub(crate) fn add(&mut self, line: &PlayerScore, played_ms: i64) {
        self.best = if self.matches <= 0 {
            line.rating
        } else {
            self.best.max(line.rating)
        };
        self.rating = self.rating.saturating_add(line.rating);
        self.matches = self.matches.saturating_add(1);
        self.played_ms = self.played_ms.saturating_add(played_ms);
        add_into(&mut self.totals, &line.columns);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: &str, rating: i64, columns: &[(&str, i64)]) -> PlayerScore {
        PlayerScore {
            player_id: id.into(),
            name: id.into(),
            rating,
            columns: columns.iter().map(|(n, v)| (n.to_string(), *v)).collect(),
            played_ms: 10,
        }
    }

    #[test]
    fn json_round_trips_any_valid_name_and_keeps_the_order_written() {
        let columns = vec![
            ("kills".to_string(), 3),
            ("say \"hi\" \\ é".to_string(), -2_147_483_648),
            ("deaths".to_string(), 1),
        ];
        let text = to_json(&columns);
        assert_eq!(
            text,
            r#"{"kills":3,"say \"hi\" \\ é":-2147483648,"deaths":1}"#
        );
        let mut sorted = columns.clone();
        sorted.sort();
        assert_eq!(from_json(&text), sorted);
        assert_eq!(to_json(&[]), "{}");
    }

    #[test]
    fn stored_text_that_is_not_an_object_of_whole_numbers_reads_as_what_it_can() {
        assert_eq!(from_json("not json"), []);
        assert_eq!(from_json("[1,2]"), []);
        assert_eq!(
            from_json(r#"{"b":2,"a":1.5,"c":"x","d":-4}"#),
            [("b".to_string(), 2), ("d".to_string(), -4)]
        );
    }

    #[test]
    fn each_bad_line_is_refused_with_its_reason() {
        let ok = line("p", 2, &[("kills", 3), ("deaths", 1)]);
        assert_eq!(check(&ok), Ok(()));
        let many: Vec<(String, i64)> = (0..17).map(|i| (format!("c{i}"), 0)).collect();
        let long = "x".repeat(MAX_COLUMN_NAME + 1);
        let cases = [
            (
                PlayerScore {
                    columns: many,
                    ..ok.clone()
                },
                InvalidScore::TooManyColumns(17),
            ),
            (line("p", 0, &[("", 1)]), InvalidScore::EmptyName),
            (line("p", 0, &[(&long, 1)]), InvalidScore::LongName),
            (line("p", 0, &[("a\nb", 1)]), InvalidScore::ControlInName),
            (
                line("p", 0, &[("a", 1), ("a", 2)]),
                InvalidScore::DuplicateName,
            ),
            (
                line("p", 0, &[("a", 1 << 31)]),
                InvalidScore::ValueOutOfRange(1 << 31),
            ),
            (
                line("p", i64::MIN, &[]),
                InvalidScore::RatingOutOfRange(i64::MIN),
            ),
        ];
        for (bad, why) in cases {
            assert_eq!(check(&bad), Err(why), "{bad:?}");
        }
        assert_eq!(
            check(&line("p", -MAX_LINE_RATING, &[("a", -(1 << 31))])),
            Ok(())
        );
    }

    #[test]
    fn a_player_named_twice_in_a_match_is_one_line() {
        let lines = one_line_each(&[
            line("a", 2, &[("kills", 3), ("deaths", 1)]),
            line("b", 1, &[("kills", 1)]),
            line("a", -1, &[("deaths", 1), ("assists", 4)]),
        ]);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].rating, 1);
        assert_eq!(lines[0].played_ms, 20);
        assert_eq!(
            lines[0].columns,
            [
                ("kills".to_string(), 3),
                ("deaths".to_string(), 2),
                ("assists".to_string(), 4)
            ]
        );
    }

    #[test]
    fn a_tally_adds_lines_and_keeps_the_best_even_below_zero() {
        let mut tally = Tally::default();
        tally.add(&line("a", -3, &[("kills", 1), ("deaths", 4)]), 100);
        assert_eq!(tally.best, -3);
        tally.add(&line("a", 5, &[("kills", 5), ("assists", 1)]), 100);
        tally.add(&line("a", 1, &[]), 100);
        assert_eq!(
            (tally.rating, tally.matches, tally.played_ms, tally.best),
            (3, 3, 300, 5)
        );
        assert_eq!(
            tally.totals,
            [
                ("assists".to_string(), 1),
                ("deaths".to_string(), 4),
                ("kills".to_string(), 6)
            ]
        );
        tally.rating = i64::MAX - 1;
        tally.add(&line("a", 5, &[]), 0);
        assert_eq!(tally.rating, i64::MAX, "saturates");
    }
}

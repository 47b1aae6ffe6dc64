//! `ScoreColumn`: one column of a game's scoreboard, and the rating its columns add up to.

use serde::{Deserialize, Serialize};

/// One scoreboard column (`kills`, `deaths`, `seconds_it`) and its weight in the rating.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ScoreColumn {
    /// The column's name, as clients show it and the store keeps it.
    pub name: String,
    /// What one point of this column adds to a score line's rating (negative: it takes away).
    pub weight: i32,
}

impl ScoreColumn {
    /// A column called `name` that adds `weight` to the rating per point.
    pub fn new(name: impl Into<String>, weight: i32) -> ScoreColumn {
        ScoreColumn {
            name: name.into(),
            weight,
        }
    }
}

/// A score line's rating: `sum(weight_i * column_i)` over `columns` (missing values are 0,
/// extra ones ignored), saturating at the ends of `i32`.
pub(crate) fn rating(columns: &[ScoreColumn], values: &[i32]) -> i32 {
    // Each product fits in an i64, and 2^64 of them in an i128.
    let sum: i128 = columns
        .iter()
        .zip(values)
        .map(|(c, &v)| i128::from(i64::from(c.weight) * i64::from(v)))
        .sum();
    sum.clamp(i128::from(i32::MIN), i128::from(i32::MAX)) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rating_weighs_each_column() {
        let arena = [ScoreColumn::new("kills", 1), ScoreColumn::new("deaths", -1)];
        assert_eq!(rating(&arena, &[7, 3]), 4);
        assert_eq!(rating(&arena, &[7]), 7);
        assert_eq!(rating(&arena, &[1, 2, 99]), -1);
        let big = [
            ScoreColumn::new("x", i32::MAX),
            ScoreColumn::new("y", i32::MAX),
        ];
        assert_eq!(rating(&big, &[i32::MAX, i32::MAX]), i32::MAX);
    }
}

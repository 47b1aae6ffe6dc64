//! `Database`: where the store lives, as the `--database` setting names it.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// Where the store lives: nowhere, an SQLite file, or a PostgreSQL server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Database {
    /// Storage is off: nothing is stored, and the leaderboard is unavailable.
    Off,
    /// An SQLite file, created when missing.
    Sqlite(PathBuf),
    /// A PostgreSQL connection string (`postgres://user:password@host/db`).
    Postgres(String),
}

impl Default for Database {
    /// The file `tickwire.db` in the working directory.
    fn default() -> Self {
        Database::Sqlite(PathBuf::from("tickwire.db"))
    }
}

impl FromStr for Database {
    type Err = String;

    /// `none` (or `off`) turns storage off; `postgres://…` or `postgresql://…` is a PostgreSQL
    /// server; anything else is the path of an SQLite file.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err("the database must be a file path, a postgres:// URL or none".into());
        }
        if s.eq_ignore_ascii_case("none") || s.eq_ignore_ascii_case("off") {
            return Ok(Database::Off);
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(Database::Postgres(s.to_owned()));
        }
        Ok(Database::Sqlite(PathBuf::from(s)))
    }
}

impl fmt::Display for Database {
    /// As it is written in a setting; a PostgreSQL URL's password is hidden.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Off => f.write_str("none"),
            Database::Sqlite(path) => write!(f, "{}", path.display()),
            Database::Postgres(url) => f.write_str(&hide_password(url)),
        }
    }
}

/// `postgres://user:secret@host/db` as `postgres://user:***@host/db`.
fn hide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_kind() {
        assert_eq!("none".parse::<Database>(), Ok(Database::Off));
        assert_eq!(
            "data/t.db".parse::<Database>(),
            Ok(Database::Sqlite("data/t.db".into()))
        );
        assert!(matches!(
            "postgres://u:p@h/db".parse::<Database>(),
            Ok(Database::Postgres(_))
        ));
        assert!("".parse::<Database>().is_err());
    }

    #[test]
    fn hides_a_password() {
        let db: Database = "postgres://u:secret@h:5432/db".parse().expect("test step");
        assert_eq!(db.to_string(), "postgres://u:***@h:5432/db");
    }
}

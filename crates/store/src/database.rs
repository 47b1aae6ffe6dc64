//! `Database`: where the store lives, as the `--database` setting names it.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// Where the store lives: nowhere, an SQLite file, or a PostgreSQL server. Neither its
/// `Display` nor its `Debug` shows a PostgreSQL password.
#[derive(Clone, PartialEq, Eq)]
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

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Off => f.write_str("Off"),
            Database::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            Database::Postgres(url) => f
                .debug_tuple("Postgres")
                .field(&hide_password(url))
                .finish(),
        }
    }
}

/// `url` with its password hidden: `postgres://user:secret@host/db` as
/// `postgres://user:***@host/db`, and a `password=` query parameter's value as `***`. Anything
/// that is not a `scheme://` URL is returned as it is.
///
/// A password with an `@` in it that was not percent-encoded is hidden whole: the user
/// information runs to the last `@` before the query (tokio-postgres would stop at the first
/// one, and fail to connect).
pub fn hide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let mut out = format!("{scheme}://");
    let place = match rest.find('@') {
        None => rest,
        Some(first) => {
            let query = rest[first..].find('?').map_or(rest.len(), |q| first + q);
            let end = rest[..query].rfind('@').unwrap_or(first);
            let credentials = &rest[..end];
            match credentials.split_once(':') {
                Some((user, _)) => out.push_str(&format!("{user}:***@")),
                None => out.push_str(&format!("{credentials}@")),
            }
            &rest[end + 1..]
        }
    };
    let Some((before, query)) = place.split_once('?') else {
        out.push_str(place);
        return out;
    };
    out.push_str(before);
    out.push('?');
    let params: Vec<String> = query
        .split('&')
        .map(|param| match param.split_once('=') {
            Some((key, _)) if is_password_key(key) => format!("{key}=***"),
            _ => param.to_owned(),
        })
        .collect();
    out.push_str(&params.join("&"));
    out
}

/// Whether a query parameter's name, percent-decoded, is `password`.
fn is_password_key(key: &str) -> bool {
    percent_encoding::percent_decode_str(key)
        .decode_utf8_lossy()
        .eq_ignore_ascii_case("password")
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
        assert_eq!(
            format!("{db:?}"),
            "Postgres(\"postgres://u:***@h:5432/db\")"
        );
        for (url, shown) in [
            ("postgresql://u:p%40ss@h/db", "postgresql://u:***@h/db"),
            (
                "postgres://u@h/db?password=secret",
                "postgres://u@h/db?password=***",
            ),
            (
                "postgres://h/db?sslmode=disable&pass%77ord=secret&application_name=a",
                "postgres://h/db?sslmode=disable&pass%77ord=***&application_name=a",
            ),
            // An `@` in a password that was not percent-encoded.
            ("postgres://u:se@cret@h/db", "postgres://u:***@h/db"),
            (
                "postgres://u:p@h/db?application_name=a@b&password=x",
                "postgres://u:***@h/db?application_name=a@b&password=***",
            ),
            ("postgres://u:@h/db", "postgres://u:***@h/db"),
            ("postgres://u@h:5432/db", "postgres://u@h:5432/db"),
            ("postgres://h", "postgres://h"),
            ("data/tickwire.db", "data/tickwire.db"),
        ] {
            assert_eq!(hide_password(url), shown, "{url}");
        }
    }
}

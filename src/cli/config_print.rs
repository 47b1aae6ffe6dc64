//! `tickwire config`: the effective configuration as a config file. Each option's help (its doc
//! comment, the one place options are documented) as a comment, then its value, then where the
//! value came from.

use std::fmt::Write as _;

use clap::{Arg, ArgMatches};
use tickwire_server::store::hide_password;

use crate::cli::config_file::{CONFIG_ID, options};
use crate::cli::config_file::{is_list, is_switch, key};
use crate::cli::resolve::{Resolved, Source, serve_command};

const HEADER: &str = "\
# tickwire configuration: `tickwire --config FILE` (or TICKWIRE_CONFIG=FILE) reads it.
# Any `tickwire serve` option, under its flag name. A flag beats an environment variable, which
# beats this file, which beats the default. `tickwire config` prints the effective configuration.
";

/// Width of the help comments.
const WIDTH: usize = 100;

/// The effective configuration of `resolved` as TOML: itself a valid config file.
pub fn render(resolved: &Resolved) -> String {
    let Some(matches) = &resolved.options else {
        return String::new();
    };
    let cmd = serve_command();
    let mut out = String::from(HEADER);
    for arg in options(&cmd).filter(|arg| arg.get_id() != CONFIG_ID) {
        let Some(key) = key(arg) else { continue };
        out.push('\n');
        let help = arg.get_long_help().or(arg.get_help());
        for line in wrap(&help.map(ToString::to_string).unwrap_or_default()) {
            let _ = writeln!(out, "# {line}");
        }
        let id = arg.get_id().as_str();
        let source = resolved.sources.get(id).unwrap_or(&Source::Default);
        let _ = match value(arg, &key, matches) {
            Some(value) => writeln!(out, "{key} = {value}  # from: {source}"),
            None => writeln!(out, "# {key} = (not set)  # from: {source}"),
        };
    }
    out
}

/// Whether the option named `key` holds a secret, never printed in clear.
pub fn is_secret(key: &str) -> bool {
    key.ends_with("_secret") || key.ends_with("token") || key.contains("password")
}

/// The option's value as TOML; `None` when it has none.
fn value(arg: &Arg, key: &str, matches: &ArgMatches) -> Option<toml::Value> {
    let id = arg.get_id().as_str();
    if is_switch(arg) {
        return Some(toml::Value::Boolean(matches.get_flag(id)));
    }
    let raw: Vec<String> = match matches.get_raw(id) {
        Some(raw) => raw.map(|v| v.to_string_lossy().into_owned()).collect(),
        None if is_list(arg) => Vec::new(),
        None => return None,
    };
    if is_secret(key) {
        return Some(toml::Value::String("<set>".to_owned()));
    }
    // A URL's password (the database's) is a secret too, whatever the option.
    let raw: Vec<String> = raw.iter().map(|v| hide_password(v)).collect();
    if is_list(arg) {
        return Some(toml::Value::Array(raw.iter().map(|v| typed(v)).collect()));
    }
    raw.first().map(|v| typed(v))
}

/// A flag's string as the TOML value that reads back as the same string: a number when it is
/// one, a string otherwise.
fn typed(raw: &str) -> toml::Value {
    if let Ok(i) = raw.parse::<i64>()
        && i.to_string() == raw
    {
        return toml::Value::Integer(i);
    }
    if let Ok(f) = raw.parse::<f64>()
        && f.is_finite()
        && f.to_string() == raw
    {
        return toml::Value::Float(f);
    }
    toml::Value::String(raw.to_owned())
}

/// `text` in lines of at most `WIDTH - 2` characters (a word longer than that stands alone).
fn wrap(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > WIDTH - 2 {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;
    use std::path::Path;

    use super::*;
    use crate::cli::config_file;
    use crate::cli::resolve::resolve;

    const EXAMPLE: &str = include_str!("../../assets/tickwire.example.toml");

    fn defaults() -> String {
        let args = ["tickwire", "config"].map(OsString::from);
        render(&resolve(&args, &|_| None).expect("in a test"))
    }

    #[test]
    fn the_example_file_is_what_config_prints_for_the_defaults() {
        // Regenerate with: cargo run -- config > assets/tickwire.example.toml
        assert_eq!(EXAMPLE, defaults(), "assets/tickwire.example.toml is stale");
    }

    #[test]
    fn the_example_file_reads_back_with_only_known_keys() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/tickwire.example.toml");
        let values = config_file::read(&path, &serve_command()).expect("in a test");
        assert!(values.len() > 20, "{values:?}");
    }

    #[test]
    fn every_option_but_the_file_itself_is_printed_with_its_help() {
        let out = defaults();
        let cmd = serve_command();
        for arg in options(&cmd).filter(|a| a.get_id() != CONFIG_ID) {
            let key = key(arg).expect("in a test");
            let line = out
                .lines()
                .position(|l| {
                    l.starts_with(&format!("{key} = ")) || l.starts_with(&format!("# {key} = "))
                })
                .unwrap_or_else(|| panic!("{key} missing"));
            assert!(
                out.lines()
                    .nth(line - 1)
                    .expect("in a test")
                    .starts_with("# "),
                "{key} has no help"
            );
        }
        assert!(!out.contains("\nconfig ="));
    }

    #[test]
    fn values_print_as_the_toml_that_reads_back_the_same() {
        assert_eq!(typed("10"), toml::Value::Integer(10));
        assert_eq!(typed("2.5"), toml::Value::Float(2.5));
        assert_eq!(typed("007"), toml::Value::String("007".into()));
        assert_eq!(
            typed("127.0.0.1:80"),
            toml::Value::String("127.0.0.1:80".into())
        );
        assert_eq!(
            typed("18446744073709551615"),
            toml::Value::String("18446744073709551615".into())
        );
    }

    #[test]
    fn a_database_password_is_not_printed_nor_is_the_rest_hidden() {
        let args = [
            "tickwire",
            "config",
            "--database",
            "postgres://game:hunter2@db.internal:5432/tickwire?password=hunter3",
        ]
        .map(OsString::from);
        let out = render(&resolve(&args, &|_| None).expect("in a test"));
        assert!(!out.contains("hunter"), "{out}");
        assert!(
            out.contains(
                "database = \"postgres://game:***@db.internal:5432/tickwire?password=***\"  # from: flag"
            ),
            "{out}"
        );
        // From the environment too; a file path is printed as it is.
        let env = |name: &str| {
            (name == "TICKWIRE_DATABASE").then(|| "postgresql://game:hunter2@db/t".to_owned())
        };
        let args = ["tickwire", "config"].map(OsString::from);
        let out = render(&resolve(&args, &env).expect("in a test"));
        assert!(!out.contains("hunter"), "{out}");
        assert!(out.contains("postgresql://game:***@db/t"), "{out}");
        assert!(defaults().contains("database = \"tickwire.db\"  # from: default"));
    }

    #[test]
    fn secrets_are_not_printed_in_clear() {
        for key in ["join_secret", "admin_token", "token", "db_password"] {
            assert!(is_secret(key), "{key}");
        }
        assert!(!is_secret("tick_rate"));
        assert!(!is_secret("max_token_lifetime"));
        let arg = clap::Arg::new("join_secret").long("join-secret");
        let matches = clap::Command::new("t")
            .arg(arg.clone())
            .try_get_matches_from(["t", "--join-secret", "hunter2"])
            .expect("in a test");
        let value = value(&arg, "join_secret", &matches).expect("in a test");
        assert_eq!(value.to_string(), "\"<set>\"");
    }
}

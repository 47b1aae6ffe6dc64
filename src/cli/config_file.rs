//! The `--config` file: TOML, one key per `serve` option, named as its flag with dashes or
//! underscores (`tick_rate = 30`). Read here into the strings a flag would have taken, each one
//! checked by the option's own clap value parser.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, anyhow};
use clap::{Arg, ArgAction};

/// The option naming the config file, which is not a key of the file.
pub const CONFIG_ID: &str = "config";

/// The arguments of `cmd` that are options (not help or version).
pub fn options(cmd: &clap::Command) -> impl Iterator<Item = &Arg> {
    cmd.get_arguments().filter(|arg| {
        !matches!(
            arg.get_action(),
            ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version
        )
    })
}

/// The file's values by option id, as the strings a flag would have taken.
pub type FileValues = Vec<(String, Vec<String>)>;

/// Reads the config file at `path` against `cmd`'s options. Refuses keys that are no option and
/// values an option would refuse, naming the file and the key.
pub fn read(path: &Path, cmd: &clap::Command) -> anyhow::Result<FileValues> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the config file {shown}"))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| anyhow!("{shown}: {}", e.to_string().trim_end()))?;
    let mut seen = BTreeMap::new();
    table
        .iter()
        .map(|(key, value)| {
            let arg = find(cmd, key).ok_or_else(|| anyhow!("{shown}: unknown key \"{key}\""))?;
            let id = arg.get_id().to_string();
            if let Some(first) = seen.insert(id.clone(), key) {
                anyhow::bail!("{shown}: key \"{key}\" repeats \"{first}\"");
            }
            let values = strings(arg, value)
                .and_then(|values| check(arg, values))
                .map_err(|e| anyhow!("{shown}: key \"{key}\": {e}"))?;
            Ok((id, values))
        })
        .collect()
}

/// The key of an option in the file: its flag name in `snake_case`.
pub fn key(arg: &Arg) -> Option<String> {
    Some(arg.get_long()?.replace('-', "_"))
}

/// Whether `arg` is an on/off switch (a flag without a value).
pub fn is_switch(arg: &Arg) -> bool {
    matches!(arg.get_action(), ArgAction::SetTrue | ArgAction::SetFalse)
}

/// Whether `arg` takes a list of values.
pub fn is_list(arg: &Arg) -> bool {
    matches!(arg.get_action(), ArgAction::Append)
}

/// One line for a clap error: its message, without the `error:` prefix and the hint to `--help`.
pub fn clap_message(e: &clap::Error) -> anyhow::Error {
    let rendered = e.render().to_string();
    let lines: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
        .map(|l| l.strip_prefix("error: ").unwrap_or(l))
        .collect();
    anyhow!("{}", lines.join("; "))
}

/// The option of `cmd` that `key` names (dashes or underscores), if any.
fn find<'a>(cmd: &'a clap::Command, key: &str) -> Option<&'a Arg> {
    let long = key.replace('_', "-");
    options(cmd)
        .filter(|arg| arg.get_id() != CONFIG_ID)
        .find(|arg| arg.get_long() == Some(long.as_str()))
}

/// The strings a flag would have taken for `value`.
fn strings(arg: &Arg, value: &toml::Value) -> anyhow::Result<Vec<String>> {
    match value {
        toml::Value::Array(items) if is_list(arg) => items.iter().map(|v| scalar(arg, v)).collect(),
        toml::Value::Array(_) => anyhow::bail!("takes one value, not a list"),
        value => Ok(vec![scalar(arg, value)?]),
    }
}

fn scalar(arg: &Arg, value: &toml::Value) -> anyhow::Result<String> {
    Ok(match value {
        toml::Value::Boolean(b) if is_switch(arg) => b.to_string(),
        _ if is_switch(arg) => anyhow::bail!("takes true or false, not {value}"),
        toml::Value::Boolean(_) => anyhow::bail!("takes a value, not true or false"),
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(_) | toml::Value::Table(_) => {
            anyhow::bail!("takes a value, not a list or a table")
        }
    })
}

/// `values` if the option's own parser accepts every one of them: the option alone, with them as
/// its default, parsed by clap.
fn check(arg: &Arg, values: Vec<String>) -> anyhow::Result<Vec<String>> {
    clap::Command::new("tickwire")
        .arg(arg.clone().env(None).default_values(values.clone()))
        .try_get_matches_from(["tickwire"])
        .map_err(|e| clap_message(&e))?;
    Ok(values)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::cli::resolve::serve_command;

    /// A config file for one test, removed when dropped.
    pub(crate) struct TempFile(pub PathBuf);

    impl TempFile {
        pub(crate) fn new(name: &str, text: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("tickwire-config-{name}-{}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("in a test");
            let path = dir.join("tickwire.toml");
            std::fs::write(&path, text).expect("in a test");
            TempFile(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(self.0.parent().expect("in a test"));
        }
    }

    fn read_text(name: &str, text: &str) -> anyhow::Result<FileValues> {
        read(&TempFile::new(name, text).0, &serve_command())
    }

    #[test]
    fn keys_take_dashes_or_underscores_and_values_become_flag_strings() {
        let values = read_text(
            "ok",
            "tick_rate = 30\nmax-connections-per-ip = 0\nallowed_origins = [\"null\", \"*\"]\n\
             trust_proxy = true\nheader_timeout = 2.5\nadmin_bind = \"127.0.0.1:9090\"\n",
        )
        .expect("in a test");
        let get = |id: &str| values.iter().find(|(i, _)| i == id).map(|(_, v)| v.clone());
        assert_eq!(get("tick_rate"), Some(vec!["30".to_owned()]));
        assert_eq!(get("max_connections_per_ip"), Some(vec!["0".to_owned()]));
        assert_eq!(
            get("allowed_origins"),
            Some(vec!["null".to_owned(), "*".to_owned()])
        );
        assert_eq!(get("trust_proxy"), Some(vec!["true".to_owned()]));
        assert_eq!(get("header_timeout"), Some(vec!["2.5".to_owned()]));
    }

    #[test]
    fn an_unknown_key_is_named_with_the_file() {
        let e = read_text("unknown", "tick_rat = 30\n")
            .expect_err("must be refused")
            .to_string();
        assert!(
            e.ends_with("tickwire.toml: unknown key \"tick_rat\""),
            "{e}"
        );
        // The file's own name is no key of it.
        let e = read_text("config", "config = \"x.toml\"\n")
            .expect_err("must be refused")
            .to_string();
        assert!(e.contains("unknown key \"config\""), "{e}");
    }

    #[test]
    fn a_value_of_the_wrong_type_names_the_key() {
        for (text, reason) in [
            ("tick_rate = \"fast\"", "invalid value 'fast'"),
            ("tick_rate = true", "takes a value, not true or false"),
            ("trust_proxy = 1", "takes true or false"),
            ("bind = [\"127.0.0.1:1\"]", "takes one value, not a list"),
            ("scenario = \"chess\"", "invalid value 'chess'"),
            ("admin_bind = { port = 1 }", "not a list or a table"),
        ] {
            let e = read_text("type", text)
                .expect_err("must be refused")
                .to_string();
            let key = text.split(' ').next().expect("in a test");
            assert!(e.contains(&format!("key \"{key}\": ")), "{e}");
            assert!(e.contains(reason), "{text}: {e}");
        }
    }

    #[test]
    fn a_key_given_twice_is_refused() {
        let e = read_text("twice", "tick_rate = 30\ntick-rate = 20\n")
            .expect_err("must be refused")
            .to_string();
        assert!(e.contains("repeats"), "{e}");
    }
}

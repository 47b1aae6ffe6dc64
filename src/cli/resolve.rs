//! Where each `serve` option's value comes from: a flag beats an environment variable, which
//! beats the `--config` file, which beats the default. clap stays the one parser: environment and
//! file values become the arguments' default values, so they go through the same value parsers
//! and checks as flags, and every option (today's and tomorrow's) is layered without being named
//! here.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args as _, CommandFactory as _, FromArgMatches as _};

use crate::cli::command_line::Cli;
use crate::cli::config_file::{self, CONFIG_ID, options};
use crate::cli::serve::ServeArgs;

/// The subcommands that take `serve`'s options, as the top level does.
const SERVE_SUBCOMMANDS: [&str; 2] = ["serve", "config"];

/// Where an option's effective value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The command line.
    Flag,
    /// This environment variable.
    Env(String),
    /// The `--config` file.
    File,
    /// Nothing set it: its default, or unset.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("flag"),
            Source::Env(name) => write!(f, "env {name}"),
            Source::File => f.write_str("file"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// The command line with every layer applied.
#[derive(Debug)]
pub struct Resolved {
    pub cli: Cli,
    /// The matches of the command that took `serve`'s options (the top level, `serve` or
    /// `config`); `None` for the other subcommands.
    pub options: Option<ArgMatches>,
    /// By option id (the field name), where its value came from.
    pub sources: BTreeMap<String, Source>,
}

/// `serve`'s options as a command of their own: their names, help, parsers and env variables.
pub fn serve_command() -> clap::Command {
    ServeArgs::augment_args(clap::Command::new("serve"))
}

/// Parses `args` (the program name first) with values from `env` (an environment variable's
/// value by name) and from the `--config` file, if one is named by a flag or by `env`.
pub fn resolve(
    args: &[OsString],
    env: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<Resolved> {
    let mut layers = Layers::from_env(env);
    let first = parse(args, &layers)?;
    let file = serve_matches(&first).and_then(|m| m.get_one::<PathBuf>(CONFIG_ID).cloned());
    let matches = match file {
        Some(path) => {
            layers.add_file(config_file::read(&path, &serve_command())?);
            parse(args, &layers)?
        }
        None => first,
    };
    let cli = Cli::from_arg_matches(&matches).map_err(|e| config_file::clap_message(&e))?;
    let options = serve_matches(&matches).cloned();
    let sources = options
        .as_ref()
        .map(|m| layers.sources(m))
        .unwrap_or_default();
    Ok(Resolved {
        cli,
        options,
        sources,
    })
}

/// The matches holding `serve`'s options, if the command line chose a command that takes them.
fn serve_matches(matches: &ArgMatches) -> Option<&ArgMatches> {
    match matches.subcommand() {
        Some((name, sub)) if SERVE_SUBCOMMANDS.contains(&name) => Some(sub),
        Some(_) => None,
        None => Some(matches),
    }
}

/// The values below the command line, by option id, each with where it came from.
struct Layers(BTreeMap<String, (Vec<String>, Source)>);

impl Layers {
    fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Self {
        let cmd = serve_command();
        let values = options(&cmd)
            .filter_map(|arg| {
                let name = arg.get_env()?.to_str()?;
                let value = env(name)?;
                Some((
                    arg.get_id().to_string(),
                    (vec![value], Source::Env(name.to_owned())),
                ))
            })
            .collect();
        Layers(values)
    }

    /// Adds the file's values of the options no environment variable set.
    fn add_file(&mut self, file: config_file::FileValues) {
        for (id, values) in file {
            self.0.entry(id).or_insert((values, Source::File));
        }
    }

    /// `cmd`'s `serve` options read these layers instead of the process's environment.
    fn apply(&self, cmd: clap::Command) -> clap::Command {
        let ids: Vec<String> = options(&cmd).map(|a| a.get_id().to_string()).collect();
        ids.iter().fold(cmd, |cmd, id| {
            cmd.mut_arg(id, |arg| match self.0.get(id) {
                Some((values, _)) => arg.env(None).default_values(values.clone()),
                None => arg.env(None),
            })
        })
    }

    fn sources(&self, matches: &ArgMatches) -> BTreeMap<String, Source> {
        let cmd = serve_command();
        options(&cmd)
            .map(|arg| {
                let id = arg.get_id().as_str();
                let source = match (matches.value_source(id), self.0.get(id)) {
                    (Some(ValueSource::CommandLine), _) => Source::Flag,
                    (_, Some((_, source))) => source.clone(),
                    (_, None) => Source::Default,
                };
                (id.to_owned(), source)
            })
            .collect()
    }
}

/// Parses `args` with the layers in place of the environment, on every command taking
/// `serve`'s options.
fn parse(args: &[OsString], layers: &Layers) -> anyhow::Result<ArgMatches> {
    let root = layers.apply(Cli::command());
    let cmd = SERVE_SUBCOMMANDS.iter().fold(root, |cmd, name| {
        cmd.mut_subcommand(name, |sub| layers.apply(sub))
    });
    cmd.try_get_matches_from(args)
        .map_err(|e| config_file::clap_message(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::command_line::Command;
    use crate::cli::config_file::tests::TempFile;

    fn args(list: &[&str]) -> Vec<OsString> {
        std::iter::once("tickwire")
            .chain(list.iter().copied())
            .map(OsString::from)
            .collect()
    }

    fn run(list: &[&str], env: &[(&str, &str)]) -> Resolved {
        let env = |name: &str| {
            env.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        resolve(&args(list), &env).expect("in a test")
    }

    fn raw(resolved: &Resolved, id: &str) -> Vec<String> {
        let matches = resolved.options.as_ref().expect("in a test");
        matches
            .get_raw(id)
            .expect("in a test")
            .map(|v| v.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn flag_beats_env_beats_file_beats_default() {
        let file = TempFile::new(
            "layers",
            "tick_rate = 10\nsnapshot_rate = 5\nbots = 2\nallowed_origins = [\"null\"]\n",
        );
        let path = file.0.to_str().expect("in a test");
        let env = [
            ("TICKWIRE_TICK_RATE", "20"),
            ("TICKWIRE_SNAPSHOT_RATE", "10"),
        ];
        for prefix in [&[][..], &["serve"][..], &["config"][..]] {
            let mut list = prefix.to_vec();
            list.extend(["--config", path, "--tick-rate", "30"]);
            let r = run(&list, &env);
            assert_eq!(raw(&r, "tick_rate"), ["30"]);
            assert_eq!(r.sources["tick_rate"], Source::Flag);
            assert_eq!(raw(&r, "snapshot_rate"), ["10"]);
            assert_eq!(
                r.sources["snapshot_rate"],
                Source::Env("TICKWIRE_SNAPSHOT_RATE".into())
            );
            assert_eq!(raw(&r, "bots"), ["2"]);
            assert_eq!(r.sources["bots"], Source::File);
            assert_eq!(raw(&r, "allowed_origins"), ["null"]);
            assert_eq!(r.sources["allowed_origins"], Source::File);
            assert_eq!(raw(&r, "max_rooms"), ["64"]);
            assert_eq!(r.sources["max_rooms"], Source::Default);
            assert_eq!(r.sources["config"], Source::Flag);
        }
    }

    #[test]
    fn the_file_can_be_named_by_the_environment_and_switches_set() {
        let file = TempFile::new("env-file", "trust_proxy = true\necho = true\n");
        let path = file.0.to_str().expect("in a test");
        let r = run(
            &["serve"],
            &[("TICKWIRE_CONFIG", path), ("TICKWIRE_ECHO", "0")],
        );
        assert_eq!(r.sources["config"], Source::Env("TICKWIRE_CONFIG".into()));
        let matches = r.options.as_ref().expect("in a test");
        assert!(matches.get_flag("trust_proxy"));
        assert_eq!(r.sources["trust_proxy"], Source::File);
        // The environment's "0" beats the file's true, read by the same parser as before.
        assert!(!matches.get_flag("echo"));
        assert!(matches!(r.cli.command, Some(Command::Serve(_))));
    }

    #[test]
    fn the_environment_given_is_the_only_one_read() {
        let r = run(&[], &[]);
        assert!(
            r.sources.values().all(|s| *s == Source::Default),
            "{:?}",
            r.sources
        );
        let r = run(&[], &[("TICKWIRE_BOTS", "7")]);
        assert_eq!(raw(&r, "bots"), ["7"]);
        let e = resolve(&args(&[]), &|n| {
            (n == "TICKWIRE_BOTS").then(|| "many".into())
        });
        assert!(
            e.expect_err("must be refused")
                .to_string()
                .contains("invalid value 'many'")
        );
    }

    #[test]
    fn file_errors_name_the_key_and_the_file() {
        let file = TempFile::new("bad-key", "tick_rat = 30\n");
        let path = file.0.to_str().expect("in a test");
        let e = resolve(&args(&["--config", path]), &|_| None)
            .expect_err("must be refused")
            .to_string();
        assert_eq!(e, format!("{path}: unknown key \"tick_rat\""));
        let file = TempFile::new("bad-type", "max_connections = -1\n");
        let path = file.0.to_str().expect("in a test");
        let e = resolve(&args(&["--config", path]), &|_| None)
            .expect_err("must be refused")
            .to_string();
        assert!(
            e.starts_with(&format!(
                "{path}: key \"max_connections\": invalid value '-1'"
            )),
            "{e}"
        );
        let e = resolve(&args(&["--config", "/nonexistent/t.toml"]), &|_| None)
            .expect_err("must be refused");
        assert!(format!("{e:#}").contains("/nonexistent/t.toml"), "{e:#}");
    }

    #[test]
    fn other_subcommands_take_no_file() {
        let r = run(
            &["cert", "--cert", "c.pem", "--key", "k.pem"],
            &[("TICKWIRE_BOTS", "7")],
        );
        assert!(r.options.is_none());
        assert!(r.sources.is_empty());
    }
}

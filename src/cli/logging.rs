//! Logging for every subcommand: to stderr, so that stdout holds only what a person or a script
//! asked for (the URL, a table, JSON).

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per line.
    Json,
}

/// Installs the subscriber; `RUST_LOG` filters (default `info`). Colours only on a terminal.
pub fn init(format: LogFormat) {
    init_at(format, "info");
}

/// As [`init`], with `default` as the filter when `RUST_LOG` is not set (`warn` for a tool whose
/// own progress lines say what it does).
pub fn init_at(format: LogFormat, default: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    // A second call (tests, or a subcommand that already set one up) keeps the first.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

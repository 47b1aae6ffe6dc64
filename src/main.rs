//! `tickwire`: the game server binary. A thin layer over the crates: flags in, a server (or a
//! tool) out. `anyhow` is used here and nowhere else.

mod cli;

use anyhow::Context as _;
use clap::CommandFactory as _;

use cli::command_line::{Cli, Command};

/// The allocator the server runs on (and its benchmarks, so that they measure the same).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One readable line with the causes, each once, not a backtrace.
            eprintln!("tickwire: {}", cli::error_line::error_line(&e));
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Help, --version and usage errors exactly as clap gives them (the help shows the
    // environment variables); the values themselves come from the layering below.
    Cli::command().get_matches_from(&args);
    let resolved = cli::resolve::resolve(&args, &|name| std::env::var(name).ok())?;
    let args = match resolved.cli.command {
        Some(Command::Serve(args)) => *args,
        Some(Command::Config(_)) => {
            print!("{}", cli::config_print::render(&resolved));
            return Ok(());
        }
        Some(Command::Bandwidth(args)) => return cli::bandwidth::run(&args),
        Some(Command::Loadgen(args)) => return cli::loadgen::run(args),
        Some(Command::Bench(args)) => return cli::bench::run(args),
        Some(Command::Cert(args)) => return cli::cert::run(&args),
        Some(Command::Soak(args)) => return cli::soak::run(args),
        Some(Command::Replay(args)) => return cli::replay::run(&args),
        None => resolved.cli.serve,
    };
    cli::logging::init(args.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(cli::serve::serve(args))
}

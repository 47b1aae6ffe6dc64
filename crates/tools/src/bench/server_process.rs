//! The server a benchmark point measures: the `tickwire` binary started as a child process on
//! an ephemeral loopback port, its address read from the line it prints, its log written to a
//! file, and killed (and reaped) when the point is done or the handle is dropped.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// What `tickwire serve` prints on stdout once it listens, before its address.
const SERVING: &str = "tickwire is serving the game at http://";

/// How long a server may take to listen.
const START_LIMIT: Duration = Duration::from_secs(15);

/// Why a server could not be started.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The program could not be run, or its log file not created.
    #[error("cannot start {program}: {why}")]
    Spawn {
        /// The program.
        program: String,
        /// The operating system's answer.
        why: std::io::Error,
    },
    /// It did not print its address in time (it exited, or is stuck); its log says why.
    #[error("the server did not start listening within {secs} s (its log: {log})")]
    NotListening {
        /// The limit, seconds.
        secs: u64,
        /// Its log file.
        log: String,
    },
}

/// A running server, killed and reaped when dropped.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    addr: SocketAddr,
}

impl ServerProcess {
    /// Starts `program serve --bind 127.0.0.1:0 ARGS` with none of this process's `TICKWIRE_*`
    /// variables (a developer's settings must not change what is measured), stderr to `log`, and
    /// waits for the address it prints.
    pub fn start(program: &Path, args: &[String], log: &Path) -> Result<ServerProcess, StartError> {
        let spawn_err = |why| StartError::Spawn {
            program: program.display().to_string(),
            why,
        };
        let log_file = File::create(log).map_err(spawn_err)?;
        let mut cmd = Command::new(program);
        for (name, _) in
            std::env::vars_os().filter(|(n, _)| n.to_string_lossy().starts_with("TICKWIRE_"))
        {
            cmd.env_remove(name);
        }
        cmd.args(["serve", "--bind", "127.0.0.1:0"])
            .args(args)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log_file);
        let mut child = cmd.spawn().map_err(spawn_err)?;
        let (tx, rx) = mpsc::channel();
        if let Some(out) = child.stdout.take() {
            // Reads stdout to its end (the server's exit), handing on the address line.
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    if let Some(addr) = line
                        .strip_prefix(SERVING)
                        .and_then(|rest| rest.split('/').next())
                        .and_then(|a| a.parse::<SocketAddr>().ok())
                    {
                        let _ = tx.send(addr);
                    }
                }
            });
        }
        let mut server = ServerProcess {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        };
        match rx.recv_timeout(START_LIMIT) {
            Ok(addr) => {
                server.addr = addr;
                Ok(server)
            }
            Err(_) => Err(StartError::NotListening {
                secs: START_LIMIT.as_secs(),
                log: log.display().to_string(),
            }),
        }
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Kills it and waits for it to end.
    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

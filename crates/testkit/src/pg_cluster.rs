//! `PgCluster`: a throwaway PostgreSQL server in a temporary directory, on a free loopback port,
//! trusting local connections; stopped and removed when dropped. For tests of the PostgreSQL
//! backend (each its own server, so one can be restarted without disturbing the others) and for
//! trying the backend by hand. Needs PostgreSQL's programs (`initdb`, `pg_ctl`, `psql`): on
//! `PATH`, in `TICKWIRE_PG_BIN`, or in Debian's `/usr/lib/postgresql/*/bin`. As root, the server
//! runs as the `postgres` user (PostgreSQL refuses to run as root).

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

/// The role the cluster is created with (a superuser, trusted without a password).
pub const USER: &str = "tickwire";

/// A running throwaway PostgreSQL server.
#[derive(Debug)]
pub struct PgCluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    run_as: Option<String>,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// The folder of PostgreSQL's programs, if they are installed.
pub fn bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("TICKWIRE_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let complete = |dir: &std::path::Path| {
        ["initdb", "pg_ctl", "psql"]
            .iter()
            .all(|p| dir.join(p).is_file())
    };
    // `initdb` on PATH, followed to where it lives (Debian links a few programs elsewhere).
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .filter_map(|p| std::fs::canonicalize(p.join("initdb")).ok())
            .filter_map(|initdb| initdb.parent().map(std::path::Path::to_path_buf))
            .find(|dir| complete(dir))
    });
    if on_path.is_some() {
        return on_path;
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| complete(bin))
        .collect();
    versions.sort();
    versions.pop()
}

impl PgCluster {
    /// Creates and starts a server; the error says what failed (and its log).
    pub fn start() -> Result<PgCluster, String> {
        let bin = bin_dir().ok_or("PostgreSQL's programs (initdb, pg_ctl) were not found")?;
        let dir = std::env::temp_dir().join(format!(
            "tickwire-pg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let run_as = is_root().then(|| "postgres".to_owned());
        if run_as.is_some() {
            let out = Command::new("chown")
                .arg("postgres:")
                .arg(&dir)
                .output()
                .map_err(|e| format!("chown: {e}"))?;
            check("chown", &out)?;
        }
        let port = free_port()?;
        let cluster = PgCluster {
            dir,
            bin,
            port,
            run_as,
        };
        let data = cluster.data();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )?;
        cluster.pg_ctl_start()?;
        Ok(cluster)
    }

    /// The port it listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL of database `db` on this server.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{db}", self.port)
    }

    /// Runs `sql` with `psql` in database `db`; returns what it printed.
    pub fn psql(&self, db: &str, sql: &str) -> Result<String, String> {
        let port = self.port.to_string();
        let out = Command::new(self.bin.join("psql"))
            .args(["-h", "127.0.0.1", "-p", &port, "-U", USER, "-d", db])
            .args(["-v", "ON_ERROR_STOP=1", "-X", "-q", "-t", "-A", "-c", sql])
            .output()
            .map_err(|e| format!("psql: {e}"))?;
        check("psql", &out)?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// Creates database `db`.
    pub fn create_db(&self, db: &str) -> Result<(), String> {
        self.psql("postgres", &format!("CREATE DATABASE \"{db}\""))
            .map(drop)
    }

    /// Drops database `db` (closing its connections first).
    pub fn drop_db(&self, db: &str) -> Result<(), String> {
        self.psql(
            "postgres",
            &format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)"),
        )
        .map(drop)
    }

    /// Stops the server (fast: clients are disconnected) and starts it again on the same port.
    pub fn restart(&self) -> Result<(), String> {
        self.stop()?;
        self.start_again()
    }

    /// Stops the server the way an operator's fast shutdown does: every client is disconnected
    /// and open transactions are rolled back. Its data stays for [`PgCluster::start_again`].
    pub fn stop(&self) -> Result<(), String> {
        let data = self.data();
        self.run("pg_ctl", &["-D", &data, "-m", "fast", "-w", "stop"])
    }

    /// Starts the stopped server again on the same data and port.
    pub fn start_again(&self) -> Result<(), String> {
        self.pg_ctl_start()
    }

    fn pg_ctl_start(&self) -> Result<(), String> {
        let data = self.data();
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log").display().to_string();
        self.run(
            "pg_ctl",
            &["-D", &data, "-o", &options, "-l", &log, "-w", "start"],
        )
        .map_err(|e| {
            let log = std::fs::read_to_string(self.dir.join("log")).unwrap_or_default();
            format!("{e}\n{log}")
        })
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let path = self.bin.join(program);
        let out = match &self.run_as {
            Some(user) => Command::new("runuser")
                .args(["-u", user, "--"])
                .arg(&path)
                .args(args)
                .current_dir(&self.dir)
                .output(),
            None => Command::new(&path)
                .args(args)
                .current_dir(&self.dir)
                .output(),
        }
        .map_err(|e| format!("{}: {e}", path.display()))?;
        check(program, &out)
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn check(what: &str, out: &Output) -> Result<(), String> {
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "{what} failed ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

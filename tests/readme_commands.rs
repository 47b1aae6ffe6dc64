//! The README's commands, run or checked, and the docs' links.
//!
//! Every ```sh block of the README follows a marker `<!-- readme-test: NAME -->`, and each NAME
//! has a check here that fails when the block's commands change in a way it cannot run:
//!
//! - `play`: `cargo run --release` is this build's `tickwire` with the same arguments, on a
//!   loopback port of its own (in a temporary directory, for its database): it must say where it
//!   serves, answer `/healthz` and serve the page.
//! - `http`: each `curl -s URL` is the same GET to that server.
//! - `tls`: `cert` writes a certificate and key, and the server started with them answers
//!   `/healthz` over TLS to a client that trusts that certificate.
//! - `test-command`: the one command, identical to the one `.ci/run` runs.
//! - `tag`, `docker`, `agones`: not run (building another package takes minutes; there is no
//!   Docker engine or Kubernetes cluster here); the package, Dockerfile and manifests they name
//!   must exist and say what the commands assume.
//!
//! Then every relative link of README.md, CONTRIBUTING.md and docs/*.md must point at a file
//! that exists (and at a heading of it, for `#anchor` links into Markdown), and the README must
//! stay a front door: 250 lines at most.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tickwire_client::rustls::pki_types::pem::PemObject;
use tickwire_client::rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TICKWIRE: &str = env!("CARGO_BIN_EXE_tickwire");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// How long a server may take to say it listens, or to answer.
const LIMIT: Duration = Duration::from_secs(20);
/// The line the server prints once it listens (then the scheme's `://` and its address).
const SERVING: &str = "tickwire is serving the game at ";
/// The README's most lines.
const MAX_README_LINES: usize = 250;
/// The markers the README's blocks may carry, each with its check below.
const MARKERS: [&str; 7] = [
    "play",
    "http",
    "tag",
    "tls",
    "docker",
    "agones",
    "test-command",
];

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The README's ```sh blocks: each marker's name (None for a block without one) and its
/// commands, one a line, comments after ` #` cut off.
fn sh_blocks(readme: &str) -> Vec<(Option<String>, Vec<String>)> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "```sh" {
            let marker = i
                .checked_sub(1)
                .and_then(|p| lines[p].trim().strip_prefix("<!-- readme-test:"))
                .and_then(|m| m.strip_suffix("-->"))
                .map(|m| m.trim().to_owned());
            let mut commands = Vec::new();
            i += 1;
            while i < lines.len() && lines[i].trim() != "```" {
                let line = lines[i].split(" #").next().unwrap_or_default().trim();
                if !line.is_empty() {
                    commands.push(line.to_owned());
                }
                i += 1;
            }
            blocks.push((marker, commands));
        }
        i += 1;
    }
    blocks
}

/// The commands of the block marked `name`.
fn block(name: &str) -> Vec<String> {
    let blocks = sh_blocks(&read("README.md"));
    let found: Vec<_> = blocks
        .into_iter()
        .filter(|(m, _)| m.as_deref() == Some(name))
        .collect();
    assert_eq!(found.len(), 1, "one README block marked {name:?}");
    found.into_iter().next().map(|(_, c)| c).unwrap_or_default()
}

/// The arguments after `cargo run --release [--]`, or a failure naming the command.
fn cargo_run_args(command: &str) -> Vec<String> {
    let rest = command
        .strip_prefix("cargo run --release")
        .unwrap_or_else(|| panic!("not `cargo run --release …`: {command:?}"))
        .trim();
    let rest = match rest.strip_prefix("--") {
        Some(r) => r.trim(),
        None if rest.is_empty() => "",
        None => panic!("arguments for the binary must follow `--`: {command:?}"),
    };
    rest.split_whitespace().map(str::to_owned).collect()
}

/// A `tickwire` process, killed when dropped.
struct Tickwire {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Tickwire {
    /// This build's `tickwire` with `args` in `dir`, its output piped.
    fn start(args: &[String], dir: &Path) -> Tickwire {
        let mut child = Command::new(TICKWIRE)
            .args(args)
            .current_dir(dir)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tickwire");
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().expect("stdout");
        let err = child.stderr.take().expect("stderr");
        for stream in [Box::new(out) as Box<dyn Read + Send>, Box::new(err)] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        Tickwire { child, lines }
    }

    /// The address after `SERVING` and `scheme://` in its output, once it listens.
    fn serving(&self, scheme: &str) -> SocketAddr {
        let prefix = format!("{SERVING}{scheme}://");
        let mut seen = Vec::new();
        loop {
            match self.lines.recv_timeout(LIMIT) {
                Ok(line) => {
                    if let Some(rest) = line.strip_prefix(&prefix) {
                        let addr = rest.split('/').next().unwrap_or_default();
                        return addr
                            .parse()
                            .unwrap_or_else(|_| panic!("an address in {line:?}"));
                    }
                    seen.push(line);
                }
                Err(_) => panic!("no {prefix:?} line within {LIMIT:?}; output:\n{seen:#?}"),
            }
        }
    }
}

impl Drop for Tickwire {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The status and body of a plain HTTP GET of `path` at `addr`.
fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut tcp = TcpStream::connect_timeout(&addr, LIMIT).expect("connect");
    tcp.set_read_timeout(Some(LIMIT)).expect("read timeout");
    write!(
        tcp,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .expect("send the request");
    let mut bytes = Vec::new();
    let _ = tcp.read_to_end(&mut bytes);
    parse_response(&bytes)
}

/// The status and body of an HTTP/1.1 answer (a chunked body unchunked).
fn parse_response(bytes: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("an HTTP answer: {text:?}"));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status line: {head:?}"));
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    if !chunked {
        return (status, body.to_owned());
    }
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    (status, out)
}

/// `curl -s URL` (or `'URL'`) at `http://localhost:8080` or `localhost:8080`: the path.
fn curl_path(command: &str) -> String {
    let url = command
        .strip_prefix("curl -s ")
        .unwrap_or_else(|| panic!("not `curl -s URL`: {command:?}"))
        .trim()
        .trim_matches('\'');
    let url = url.strip_prefix("http://").unwrap_or(url);
    let path = url
        .strip_prefix("localhost:8080")
        .or_else(|| url.strip_prefix("127.0.0.1:8080"))
        .unwrap_or_else(|| panic!("a URL of the server `cargo run --release` starts: {command:?}"));
    assert!(
        path.starts_with('/') && !path.contains(' '),
        "one URL and no other curl options: {command:?}"
    );
    path.to_owned()
}

#[test]
fn every_sh_block_of_the_readme_is_marked_with_a_known_check() {
    let blocks = sh_blocks(&read("README.md"));
    assert!(!blocks.is_empty(), "the README has shell blocks");
    let mut names = BTreeSet::new();
    for (marker, commands) in &blocks {
        let name = marker
            .as_deref()
            .unwrap_or_else(|| panic!("a ```sh block without a readme-test marker: {commands:?}"));
        assert!(MARKERS.contains(&name), "no check for marker {name:?}");
        assert!(names.insert(name), "two blocks marked {name:?}");
        assert!(!commands.is_empty(), "block {name:?} is empty");
    }
    assert_eq!(
        names,
        MARKERS.into_iter().collect(),
        "every check has its block"
    );
}

#[test]
fn play_serves_the_page_and_answers_the_readmes_curl_lines() {
    let play = block("play");
    assert_eq!(play.len(), 1, "one command to play: {play:?}");
    let mut args = cargo_run_args(&play[0]);
    assert!(
        !args.iter().any(|a| a == "--bind"),
        "the README's URLs assume the default bind: {play:?}"
    );
    args.extend(["--bind".to_owned(), "127.0.0.1:0".to_owned()]);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let server = Tickwire::start(&args, dir.path());
    let addr = server.serving("http");

    let (status, body) = get(addr, "/healthz");
    assert_eq!(status, 200, "/healthz: {body}");
    let (status, page) = get(addr, "/");
    assert_eq!(status, 200, "/: {page}");
    assert!(
        page.contains("<canvas") && page.contains("<script"),
        "/ serves the game's page: {page}"
    );

    for command in block("http") {
        let path = curl_path(&command);
        let (status, body) = get(addr, &path);
        assert_eq!(status, 200, "{command}: {body}");
        if path != "/healthz" {
            serde_json::from_str::<serde_json::Value>(&body)
                .unwrap_or_else(|e| panic!("{command}: not JSON ({e}): {body}"));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tls_quick_start_writes_a_certificate_and_serves_https_with_it() {
    let tls = block("tls");
    assert_eq!(
        tls.len(),
        2,
        "make a certificate, then serve with it: {tls:?}"
    );
    let dir = tempfile::tempdir().expect("a temporary directory");

    let cert_args = cargo_run_args(&tls[0]);
    assert_eq!(
        cert_args.first().map(String::as_str),
        Some("cert"),
        "{tls:?}"
    );
    let out = Command::new(TICKWIRE)
        .args(&cert_args)
        .current_dir(dir.path())
        .output()
        .expect("run tickwire cert");
    assert!(out.status.success(), "{}: {out:?}", tls[0]);
    let flag = |args: &[String], name: &str| -> String {
        let at = args.iter().position(|a| a == name);
        at.and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_else(|| panic!("{name} PATH in {args:?}"))
    };
    let cert = dir.path().join(flag(&cert_args, "--cert"));
    assert!(cert.is_file() && dir.path().join(flag(&cert_args, "--key")).is_file());

    let mut serve_args = cargo_run_args(&tls[1]);
    assert_eq!(
        dir.path().join(flag(&serve_args, "--tls-cert")),
        cert,
        "the server uses the certificate just made"
    );
    serve_args.extend(["--bind".to_owned(), "127.0.0.1:0".to_owned()]);
    let server = Tickwire::start(&serve_args, dir.path());
    let addr = server.serving("https");

    let root = CertificateDer::from_pem_file(&cert).expect("the certificate as PEM");
    let config = tickwire_client::tls_config_trusting(root).expect("a client config");
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let name = ServerName::try_from("localhost").expect("a server name");
    let mut stream = tokio::time::timeout(
        LIMIT,
        tokio_rustls::TlsConnector::from(config).connect(name, tcp),
    )
    .await
    .expect("a handshake in time")
    .expect("a handshake with the certificate `cert` made");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .expect("send");
    let mut bytes = Vec::new();
    let _ = tokio::time::timeout(LIMIT, stream.read_to_end(&mut bytes)).await;
    let (status, body) = parse_response(&bytes);
    assert_eq!(status, 200, "/healthz over TLS: {body}");
    drop(server);
}

#[test]
fn the_readmes_test_command_is_the_one_ci_runs() {
    let readme = block("test-command");
    assert_eq!(readme.len(), 1, "one test command: {readme:?}");
    let ci = read(".ci/run");
    let ci_tests: Vec<&str> = ci
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("cargo test"))
        .collect();
    assert_eq!(ci_tests, [readme[0].as_str()], ".ci/run's cargo test lines");
}

#[test]
fn the_tag_quick_start_names_the_example_package_and_its_port() {
    let tag = block("tag");
    assert_eq!(tag, ["cargo run --release -p tickwire-example-tag"]);
    let manifest = read("examples/tag/Cargo.toml");
    assert!(manifest.contains("name = \"tickwire-example-tag\""));
    let main = read("examples/tag/src/main.rs");
    assert!(main.contains("#[tokio::main]"), "the example has a binary");
    let readme = read("README.md");
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release -p tickwire-example-tag"))
        .expect("the tag line");
    assert!(
        line.contains("http://127.0.0.1:8081/") && main.contains("[127, 0, 0, 1], 8081"),
        "the address the README gives is the example's default: {line}"
    );
}

#[test]
fn the_docker_quick_start_names_a_dockerfile_that_serves_the_mapped_port() {
    let docker = block("docker");
    assert_eq!(
        docker,
        [
            "docker build -t tickwire .",
            "docker run --rm -p 8080:8080 tickwire"
        ]
    );
    let dockerfile = read("Dockerfile");
    let instructions: Vec<&str> = dockerfile
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert!(instructions.first().is_some_and(|l| l.starts_with("FROM ")));
    assert!(
        instructions.contains(&"EXPOSE 8080/tcp"),
        "{instructions:#?}"
    );
    assert!(
        instructions.contains(&"ENV TICKWIRE_BIND=0.0.0.0:8080"),
        "the container listens on the port -p maps: {instructions:#?}"
    );
    assert!(instructions.iter().any(|l| l.starts_with("ENTRYPOINT")));
}

#[test]
fn the_agones_quick_start_names_manifests_of_the_right_kinds() {
    let agones = block("agones");
    assert_eq!(agones.len(), 2, "{agones:?}");
    for (command, kind) in agones.iter().zip(["Fleet", "GameServerAllocation"]) {
        assert!(command.starts_with("kubectl "), "{command}");
        let words: Vec<&str> = command.split_whitespace().collect();
        let file = words
            .iter()
            .position(|w| *w == "-f")
            .and_then(|i| words.get(i + 1))
            .unwrap_or_else(|| panic!("-f FILE in {command}"));
        let manifest = read(file);
        assert!(
            manifest.lines().any(|l| l.starts_with("apiVersion: ")),
            "{file}: no apiVersion"
        );
        assert!(
            manifest.lines().any(|l| l == format!("kind: {kind}")),
            "{file}: not a {kind}"
        );
        assert!(!manifest.contains('\t'), "{file}: YAML has no tabs");
    }
}

/// The Markdown files whose links are checked.
fn doc_files() -> Vec<PathBuf> {
    let root = Path::new(ROOT);
    let mut files = vec![root.join("README.md"), root.join("CONTRIBUTING.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// The targets of `[text](target)` links and `![alt](target)` images in `markdown`, outside
/// code blocks and code spans.
fn link_targets(markdown: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Drop code spans, whose brackets are not links.
        let text: String = line.split('`').step_by(2).collect::<Vec<_>>().join("");
        let mut rest = text.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let end = after.find(')').unwrap_or(after.len());
            targets.push(after[..end].trim().to_owned());
            rest = &after[end..];
        }
    }
    targets
}

/// The anchors of `markdown`'s headings, as GitHub makes them.
fn anchors(markdown: &str) -> BTreeSet<String> {
    let mut fenced = false;
    let mut out = BTreeSet::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if fenced || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#').trim();
        let slug: String = title
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        out.insert(slug);
    }
    out
}

#[test]
fn every_relative_link_in_the_docs_points_at_a_file_and_heading_that_exist() {
    let mut broken = Vec::new();
    let files = doc_files();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read a doc");
        let dir = file.parent().expect("a folder");
        for target in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let resolved = if path.is_empty() {
                file.clone()
            } else {
                dir.join(path)
            };
            if !resolved.exists() {
                broken.push(format!("{}: {target}: no such file", file.display()));
                continue;
            }
            if let Some(anchor) = anchor
                && resolved.extension().is_some_and(|e| e == "md")
            {
                let target_text = std::fs::read_to_string(&resolved).expect("read");
                if !anchors(&target_text).contains(anchor) {
                    broken.push(format!("{}: {target}: no such heading", file.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_readme_stays_a_front_door() {
    let lines = read("README.md").lines().count();
    assert!(
        lines <= MAX_README_LINES,
        "README.md has {lines} lines; at most {MAX_README_LINES} (move the rest to docs/)"
    );
}

#[test]
fn the_checkers_read_links_anchors_and_blocks_as_meant() {
    assert_eq!(
        link_targets("see [a](docs/a.md#x) and `[not](a link)` ![i](p.png)"),
        ["docs/a.md#x", "p.png"]
    );
    let slugs = anchors("## TLS: https and wss\n## `/echo`: checking the edge\n");
    assert!(slugs.contains("tls-https-and-wss") && slugs.contains("echo-checking-the-edge"));
    let blocks = sh_blocks("<!-- readme-test: play -->\n```sh\ncargo run   # there\n```\n");
    assert_eq!(
        blocks,
        [(Some("play".to_owned()), vec!["cargo run".to_owned()])]
    );
    assert_eq!(
        parse_response(
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
        ),
        (200, "ok".to_owned())
    );
}

/// The rows of the README's table of headline figures: (figure, command).
fn headline_rows(readme: &str) -> Vec<(String, String)> {
    let start = readme
        .find("| figure | command |")
        .expect("the README's headline table");
    readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").collect();
            let command = cells.get(1)?.trim().trim_matches('`').to_owned();
            Some((cells.first()?.trim().to_owned(), command))
        })
        .collect()
}

/// The number written in bold right before `unit` in `figure` ("**14.1 bits**" for "bits").
fn bold_number(figure: &str, unit: &str) -> f64 {
    figure
        .split("**")
        .skip(1)
        .step_by(2)
        .find_map(|b| b.strip_suffix(unit)?.trim().replace(',', "").parse().ok())
        .unwrap_or_else(|| panic!("no bold figure in {unit:?} in {figure:?}"))
}

/// Runs this build's `tickwire` with `args` to its end; its stdout.
fn run_to_end(args: &[String]) -> String {
    let out = Command::new(TICKWIRE)
        .args(args)
        .output()
        .expect("tickwire runs");
    assert!(out.status.success(), "tickwire {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn each_headline_figure_is_what_its_command_prints() {
    let rows = headline_rows(&read("README.md"));
    assert!(rows.len() >= 3, "the headline table: {rows:?}");
    for (figure, command) in rows {
        if command.starts_with("cargo run --release") {
            let args = cargo_run_args(&command);
            match args.first().map(String::as_str) {
                // The bandwidth report is deterministic (fixed seeds): the random-walk row of
                // 1,050 entities all moving and 50 clients has the README's bits and bytes.
                Some("bandwidth") => {
                    let out = run_to_end(&args);
                    let row = out
                        .lines()
                        .find(|l| l.starts_with("| random-walk | 1050 | 50 | 100 % |"))
                        .unwrap_or_else(|| panic!("no such row in:\n{out}"));
                    let cells: Vec<&str> = row.trim_matches('|').split(" | ").collect();
                    let bytes: f64 = cells[5].trim().parse().expect("bytes/s");
                    let bits: f64 = cells[6].trim().parse().expect("bits");
                    assert_eq!(bits, bold_number(&figure, "bits"), "{row}");
                    assert!(
                        figure.contains(&format!("{:.1} KB/s", bytes / 1000.0)),
                        "{figure:?} against {row}"
                    );
                    assert!(
                        figure.contains(&format!("idle snapshot is {} bytes", cells[7].trim())),
                        "{figure:?} against {row}"
                    );
                }
                // Recording's size is deterministic too (the same match, seed and inputs).
                Some("replay") => {
                    let out = run_to_end(&args);
                    let per_minute: f64 = out
                        .split(" bytes/min/player")
                        .next()
                        .and_then(|s| s.rsplit(' ').next())
                        .and_then(|n| n.parse().ok())
                        .unwrap_or_else(|| panic!("no bytes/min/player in {out}"));
                    let kb = bold_number(&figure, "kB a minute");
                    assert_eq!((per_minute / 1000.0).round(), kb, "{out}");
                    assert!(out.contains("verified: true"), "{out}");
                }
                // A load run takes minutes and its figures are the machine's: the command must
                // be one the binary takes (each flag in its help), and the figure is measured.
                Some("bench") => {
                    let help = run_to_end(&["bench".to_owned(), "--help".to_owned()]);
                    for flag in args.iter().filter(|a| a.starts_with("--")) {
                        let name = flag.split('=').next().unwrap_or(flag);
                        assert!(
                            help.contains(name),
                            "{command}: no {name} in `bench --help`"
                        );
                    }
                }
                other => panic!("a headline command this test does not run: {other:?}"),
            }
        } else if let Some(rest) = command.strip_prefix("cargo bench --bench ") {
            // CI's `cargo test --all-targets` runs every bench once, in criterion's test mode.
            let name = rest.split_whitespace().next().unwrap_or_default();
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("benches/{name}.rs"));
            assert!(path.is_file(), "{command}: no {}", path.display());
            assert!(
                read("Cargo.toml").contains(&format!("name = \"{name}\"")),
                "{command}: not a [[bench]] of Cargo.toml"
            );
        } else if let Some(rest) = command.strip_prefix("cargo test --test e2e -- ") {
            // CI runs the whole e2e binary; the filters must name its modules.
            for filter in rest.split_whitespace().filter(|a| a.ends_with("::")) {
                let module = filter.trim_end_matches("::");
                let path =
                    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/e2e/{module}.rs"));
                assert!(path.is_file(), "{command}: no {}", path.display());
            }
        } else {
            panic!("a headline command this test does not know how to check: {command:?}");
        }
    }
}

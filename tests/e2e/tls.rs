//! TLS: the server serves `wss://` on its port with a certificate from PEM files, refuses plain
//! HTTP there without harm, and takes a new certificate without dropping a connected player.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tickwire_client::rustls::pki_types::{CertificateDer, ServerName};
use tickwire_client::{GameClient, tls_config_trusting};
use tickwire_server::{Server, ServerConfig, TlsFiles};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::{self, LIMIT, arena_config};

/// The name the test certificates are for, and the one clients check.
const NAME: &str = "127.0.0.1";

/// A certificate and key on disk for a test server, removed when dropped.
pub struct TestCert {
    /// The PEM files.
    pub files: TlsFiles,
    dir: PathBuf,
}

impl TestCert {
    /// A fresh directory with a self-signed certificate for `localhost` and `127.0.0.1`.
    pub fn new(test: &str) -> (TestCert, CertificateDer<'static>) {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "tickwire-e2e-tls-{test}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the cert dir");
        let cert = TestCert {
            files: TlsFiles {
                cert: dir.join("cert.pem"),
                key: dir.join("key.pem"),
            },
            dir,
        };
        let der = cert.write_new();
        (cert, der)
    }

    /// Writes a new certificate and key to the same paths; returns the certificate's DER.
    pub fn write_new(&self) -> CertificateDer<'static> {
        let c = rcgen::generate_simple_self_signed(vec!["localhost".to_string(), NAME.to_string()])
            .expect("generate a certificate");
        std::fs::write(&self.files.key, c.signing_key.serialize_pem()).expect("write the key");
        std::fs::write(&self.files.cert, c.cert.pem()).expect("write the cert");
        c.cert.der().clone()
    }
}

impl Drop for TestCert {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An arena server with TLS on an ephemeral loopback port, and its certificate.
pub async fn start_tls(test: &str) -> (Server, TestCert, CertificateDer<'static>) {
    let (cert, der) = TestCert::new(test);
    let server = harness::start_arena(
        ServerConfig {
            tls: Some(cert.files.clone()),
            ..arena_config()
        },
        2,
    )
    .await;
    assert!(server.is_tls());
    (server, cert, der)
}

/// Joins over `wss://` trusting only `root`, failing the test after [`LIMIT`].
async fn join_wss(server: &Server, root: &CertificateDer<'static>, name: &str) -> GameClient {
    let config = tls_config_trusting(root.clone()).expect("client config");
    tokio::time::timeout(
        LIMIT,
        GameClient::join_tls(server.local_addr(), NAME, config, name),
    )
    .await
    .expect("join in time")
    .expect("join over wss")
}

/// Receives `n` snapshots, failing the test after [`LIMIT`].
async fn snapshots(client: &mut GameClient, n: usize) {
    for _ in 0..n {
        tokio::time::timeout(LIMIT, client.next_snapshot())
            .await
            .expect("a snapshot in time")
            .expect("a snapshot");
    }
}

/// The certificate a new TLS connection to `server` is shown (trusting only `root`).
async fn peer_certificate(server: &Server, root: &CertificateDer<'static>) -> Vec<u8> {
    let config = tls_config_trusting(root.clone()).expect("client config");
    let tcp = TcpStream::connect(server.local_addr())
        .await
        .expect("connect");
    let name = ServerName::try_from(NAME).expect("a server name");
    let tls = tokio::time::timeout(
        LIMIT,
        tokio_rustls::TlsConnector::from(config).connect(name, tcp),
    )
    .await
    .expect("handshake in time")
    .expect("handshake");
    let (_, conn) = tls.get_ref();
    conn.peer_certificates()
        .and_then(|chain| chain.first())
        .expect("a peer certificate")
        .to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_joins_over_wss_and_receives_snapshots() {
    let (server, _cert, der) = start_tls("join").await;
    let mut client = join_wss(&server, &der, "secure").await;
    assert!(client.welcome.is_some());
    snapshots(&mut client, 3).await;
    assert!(client.world().is_some_and(|w| !w.is_empty()));
    drop(client);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_on_the_tls_port_fails_cleanly() {
    let (server, _cert, der) = start_tls("plain").await;
    let mut s = TcpStream::connect(server.local_addr())
        .await
        .expect("connect");
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .expect("write");
    // The server answers with a TLS alert at most, then closes: never an HTTP response.
    let mut got = Vec::new();
    let read = tokio::time::timeout(LIMIT, s.read_to_end(&mut got))
        .await
        .expect("the server closes in time");
    assert!(
        read.is_err() || !got.starts_with(b"HTTP/"),
        "plain HTTP got an answer: {:?}",
        String::from_utf8_lossy(&got)
    );
    // The server is undisturbed.
    let mut client = join_wss(&server, &der, "after-plain").await;
    snapshots(&mut client, 2).await;
    drop(client);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_certificate_is_used_while_a_connected_client_stays() {
    let (server, cert, first) = start_tls("reload").await;
    let mut client = join_wss(&server, &first, "stays").await;
    snapshots(&mut client, 2).await;
    assert_eq!(peer_certificate(&server, &first).await, first.to_vec());

    let second = cert.write_new();
    assert_ne!(first, second);
    server.reload_tls().expect("the new pair loads");
    assert_eq!(server.shared().metrics.tls_reloads.get(), 1);

    // The player connected under the old certificate keeps playing.
    snapshots(&mut client, 5).await;
    // A new connection is shown the new certificate.
    assert_eq!(peer_certificate(&server, &second).await, second.to_vec());
    // A bad pair is refused and counted; the new certificate stays in use.
    std::fs::write(&cert.files.key, "not a key").expect("break the key");
    server.reload_tls().expect_err("a bad key is refused");
    assert_eq!(server.shared().metrics.tls_reload_failures.get(), 1);
    assert_eq!(peer_certificate(&server, &second).await, second.to_vec());
    snapshots(&mut client, 2).await;
    drop(client);
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_that_never_finishes_the_tls_handshake_is_cut_off() {
    let (cert, _der) = TestCert::new("tls-stall");
    let server = harness::start_arena(
        ServerConfig {
            tls: Some(cert.files.clone()),
            limits: tickwire_server::Limits {
                header_timeout: Duration::from_millis(500),
                ..tickwire_server::Limits::default()
            },
            ..arena_config()
        },
        0,
    )
    .await;
    // Connects and sends nothing: no ClientHello ever comes.
    let mut stalled = TcpStream::connect(server.local_addr())
        .await
        .expect("connect");
    let started = std::time::Instant::now();
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(LIMIT, stalled.read(&mut buf))
        .await
        .expect("the server closes it in time");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

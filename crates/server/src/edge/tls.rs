//! TLS: the certificate and key read from PEM files, a holder that swaps them on reload while
//! existing connections keep theirs, the watch on the files' modification times, and the
//! handshake with a deadline.
//!
//! rustls with the `ring` provider; PEM is read with rustls' own `pki_types::pem` (not the
//! unmaintained rustls-pemfile). Built with the `tls` feature; without it, `tls_off.rs` stands
//! in and a server configured for TLS refuses to start.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use parking_lot::RwLock;
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::server::TlsStream;

use crate::telemetry::metrics::Metrics;

/// How often the certificate and key files are checked for a new modification time.
pub const WATCH_INTERVAL: Duration = Duration::from_secs(2);

pub use crate::edge::tls_files::TlsFiles;

/// Why a certificate or key could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The certificate file could not be read or is not PEM.
    #[error("TLS certificate {}: {error}", path.display())]
    Cert {
        /// The file.
        path: PathBuf,
        /// What went wrong (in the message, so that it is not repeated as a cause).
        error: rustls::pki_types::pem::Error,
    },
    /// The certificate file holds no certificate.
    #[error("TLS certificate {}: no CERTIFICATE block in the file", path.display())]
    NoCert {
        /// The file.
        path: PathBuf,
    },
    /// The key file could not be read, is not PEM, or holds no private key.
    #[error("TLS key {}: {error}", path.display())]
    Key {
        /// The file.
        path: PathBuf,
        /// What went wrong (in the message, so that it is not repeated as a cause).
        error: rustls::pki_types::pem::Error,
    },
    /// rustls refused the pair: an unsupported key, or a key that does not match the certificate.
    #[error("TLS key {} with certificate {}: {error}", key.display(), cert.display())]
    Pair {
        /// The certificate file.
        cert: PathBuf,
        /// The key file.
        key: PathBuf,
        /// What rustls said.
        error: rustls::Error,
    },
    /// Reloading was asked of a server that serves no TLS.
    #[error("TLS is not configured")]
    NotConfigured,
}

/// Reads `files` and builds the rustls server configuration (HTTP/1.1 over ALPN).
pub fn load(files: &TlsFiles) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let cert_err = |error| TlsError::Cert {
        path: files.cert.clone(),
        error,
    };
    let chain = CertificateDer::pem_file_iter(&files.cert)
        .map_err(cert_err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(cert_err)?;
    if chain.is_empty() {
        return Err(TlsError::NoCert {
            path: files.cert.clone(),
        });
    }
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|error| TlsError::Key {
        path: files.key.clone(),
        error,
    })?;
    let pair_err = |error| TlsError::Pair {
        cert: files.cert.clone(),
        key: files.key.clone(),
        error,
    };
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(pair_err)?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .map_err(pair_err)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The TLS side of a running server: the files, the configuration new handshakes use, and the
/// reload counters.
pub struct Tls {
    files: TlsFiles,
    current: RwLock<Arc<rustls::ServerConfig>>,
    metrics: Arc<Metrics>,
}

impl Tls {
    /// Loads `files`; an error here stops the server at start.
    pub fn new(files: TlsFiles, metrics: Arc<Metrics>) -> Result<Tls, TlsError> {
        let current = RwLock::new(load(&files)?);
        Ok(Tls {
            files,
            current,
            metrics,
        })
    }

    /// Reads the files again. On success new handshakes use the new certificate (connections
    /// already up keep theirs); on failure the old one stays, and the error is logged and counted.
    pub fn reload(&self) -> Result<(), TlsError> {
        match load(&self.files) {
            Ok(config) => {
                *self.current.write() = config;
                self.metrics.tls_reloads.inc();
                tracing::info!(cert = %self.files.cert.display(), "TLS certificate reloaded");
                Ok(())
            }
            Err(e) => {
                self.metrics.tls_reload_failures.inc();
                tracing::error!(error = %e, "TLS reload failed; keeping the previous certificate");
                Err(e)
            }
        }
    }

    /// The TLS handshake on an accepted connection, cut off after `limit` (the server's header
    /// timeout); `None` (logged at debug) when it fails or times out.
    pub async fn handshake(
        &self,
        stream: TcpStream,
        limit: Duration,
    ) -> Option<TlsStream<TcpStream>> {
        let acceptor = TlsAcceptor::from(self.current.read().clone());
        let peer = stream.peer_addr().ok();
        match tokio::time::timeout(limit, acceptor.accept(stream)).await {
            Ok(Ok(tls)) => Some(tls),
            Ok(Err(e)) => {
                tracing::debug!(?peer, error = %e, "TLS handshake failed");
                None
            }
            Err(_) => {
                tracing::debug!(?peer, "TLS handshake timed out");
                None
            }
        }
    }

    /// Reloads whenever the certificate's or the key's modification time changes, checking every
    /// `interval`, until the task is aborted. A half-written pair fails once and is counted; the
    /// next change loads it.
    pub async fn watch(self: Arc<Self>, interval: Duration) {
        let mut seen = self.modified();
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let now = self.modified();
            if now != seen {
                seen = now;
                let _ = self.reload();
            }
        }
    }

    fn modified(&self) -> (Option<SystemTime>, Option<SystemTime>) {
        (mtime(&self.files.cert), mtime(&self.files.key))
    }
}

fn mtime(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory under the system's temp dir.
    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("tickwire-tls-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temp dir");
        dir
    }

    /// A self-signed certificate and its key, as PEM.
    fn pair() -> (String, String) {
        let c = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])
            .expect("generate a certificate");
        (c.cert.pem(), c.signing_key.serialize_pem())
    }

    fn files(dir: &Path, cert: &str, key: &str) -> TlsFiles {
        let files = TlsFiles {
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
        };
        std::fs::write(&files.cert, cert).expect("write the cert");
        std::fs::write(&files.key, key).expect("write the key");
        files
    }

    /// Writes `cert` and `key` to a fresh directory named after `test` and loads them.
    fn load_written(
        test: &str,
        cert: &str,
        key: &str,
    ) -> Result<Arc<rustls::ServerConfig>, TlsError> {
        let dir = temp_dir(test);
        let loaded = load(&files(&dir, cert, key));
        let _ = std::fs::remove_dir_all(&dir);
        loaded
    }

    #[test]
    fn a_good_pair_loads() {
        let (cert, key) = pair();
        load_written("good", &cert, &key).expect("a good pair loads");
    }

    #[test]
    fn a_missing_file_is_named() {
        let missing = TlsFiles {
            cert: PathBuf::from("/nonexistent/tickwire/cert.pem"),
            key: PathBuf::from("/nonexistent/tickwire/key.pem"),
        };
        let e = load(&missing).expect_err("a missing file fails");
        assert!(matches!(e, TlsError::Cert { .. }), "{e:?}");
        assert!(
            e.to_string().contains("/nonexistent/tickwire/cert.pem"),
            "{e}"
        );
    }

    #[test]
    fn a_file_without_a_certificate_is_refused() {
        let (_, key) = pair();
        // The key where the certificate should be: PEM, but no CERTIFICATE block.
        let e = load_written("nocert", &key, &key).expect_err("no certificate fails");
        assert!(matches!(e, TlsError::NoCert { .. }), "{e:?}");
        assert!(e.to_string().contains("cert.pem"), "{e}");
    }

    #[test]
    fn a_key_without_a_key_is_refused() {
        let (cert, _) = pair();
        let e = load_written("nokey", &cert, &cert).expect_err("no key fails");
        assert!(matches!(e, TlsError::Key { .. }), "{e:?}");
        assert!(e.to_string().contains("key.pem"), "{e}");
    }

    #[test]
    fn a_key_that_does_not_match_is_refused() {
        let (cert, _) = pair();
        let (_, other_key) = pair();
        let e = load_written("mismatch", &cert, &other_key).expect_err("a foreign key fails");
        assert!(matches!(e, TlsError::Pair { .. }), "{e:?}");
    }

    #[test]
    fn a_failed_reload_keeps_the_old_certificate_and_is_counted() {
        let (cert, key) = pair();
        let dir = temp_dir("reload");
        let files = files(&dir, &cert, &key);
        let metrics = Arc::new(Metrics::default());
        let tls = Tls::new(files.clone(), metrics.clone()).expect("loads");
        let before = tls.current.read().clone();
        std::fs::write(&files.key, "not a key").expect("break the key");
        assert!(tls.reload().is_err());
        assert!(Arc::ptr_eq(&before, &tls.current.read()));
        let (cert2, key2) = pair();
        std::fs::write(&files.cert, cert2).expect("write");
        std::fs::write(&files.key, key2).expect("write");
        tls.reload().expect("the new pair loads");
        let _ = std::fs::remove_dir_all(&dir);
        assert!(!Arc::ptr_eq(&before, &tls.current.read()));
        assert_eq!(
            (metrics.tls_reloads.get(), metrics.tls_reload_failures.get()),
            (1, 1)
        );
    }

    #[tokio::test]
    async fn a_new_modification_time_reloads() {
        let (cert, key) = pair();
        let dir = temp_dir("watch");
        let files = files(&dir, &cert, &key);
        let metrics = Arc::new(Metrics::default());
        let tls = Arc::new(Tls::new(files.clone(), metrics.clone()).expect("loads"));
        let watch = tokio::spawn(tls.clone().watch(Duration::from_millis(20)));
        tokio::time::sleep(Duration::from_millis(60)).await;
        let (cert2, key2) = pair();
        std::fs::write(&files.key, key2).expect("write");
        std::fs::write(&files.cert, cert2).expect("write");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while metrics.tls_reloads.get() == 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        watch.abort();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            metrics.tls_reloads.get() >= 1,
            "no reload after the files changed"
        );
    }
}

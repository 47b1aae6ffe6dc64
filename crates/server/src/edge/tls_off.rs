//! TLS in a build without the `tls` feature: the same names as `tls.rs`, but a server given a
//! certificate refuses to start, saying which feature it lacks. `Tls` has no values, so the
//! server's TLS paths are never taken.

use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpStream;

use crate::telemetry::metrics::Metrics;

pub use crate::edge::tls_files::TlsFiles;

/// How often the certificate and key files would be checked (unused without TLS).
pub const WATCH_INTERVAL: Duration = Duration::from_secs(2);

/// Why TLS is not available.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The server was given a certificate, but this build has no TLS.
    #[error("this build of tickwire-server has no TLS (its `tls` feature is off)")]
    NotBuilt,
    /// Reloading was asked of a server that serves no TLS.
    #[error("TLS is not configured")]
    NotConfigured,
}

/// The TLS side of a running server, which a build without TLS never has.
pub enum Tls {}

impl Tls {
    /// Always [`TlsError::NotBuilt`].
    pub fn new(_files: TlsFiles, _metrics: Arc<Metrics>) -> Result<Tls, TlsError> {
        Err(TlsError::NotBuilt)
    }

    /// Never called: there is no `Tls`.
    pub fn reload(&self) -> Result<(), TlsError> {
        match *self {}
    }

    /// Never called: there is no `Tls`.
    pub async fn handshake(&self, _stream: TcpStream, _limit: Duration) -> Option<TcpStream> {
        match *self {}
    }

    /// Never called: there is no `Tls`.
    pub async fn watch(self: Arc<Self>, _interval: Duration) {
        match *self {}
    }
}

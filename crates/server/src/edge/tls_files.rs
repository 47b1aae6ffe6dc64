//! `TlsFiles`: where a server's certificate and key are, whether or not this build has TLS.

use std::path::PathBuf;

/// Where the certificate chain and the private key are (PEM files).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first (PEM, one or more `CERTIFICATE` blocks).
    pub cert: PathBuf,
    /// The private key (PEM: PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

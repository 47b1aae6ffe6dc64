//! `tickwire cert`: a self-signed certificate and key for serving over TLS locally, and how to
//! use and trust them.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;

/// Write a self-signed certificate and key for serving over TLS locally.
#[derive(Args, Debug, Clone)]
pub struct CertArgs {
    /// Where to write the certificate (PEM).
    #[arg(long)]
    cert: PathBuf,
    /// Where to write the private key (PEM, mode 0600).
    #[arg(long)]
    key: PathBuf,
    /// A name the certificate is valid for; repeat for more. An IP address becomes an IP SAN.
    /// Default: localhost and 127.0.0.1.
    #[arg(long = "hostname")]
    hostnames: Vec<String>,
    /// Overwrite existing files.
    #[arg(long)]
    force: bool,
}

/// Names a certificate is for when none are given.
const DEFAULT_HOSTNAMES: [&str; 2] = ["localhost", "127.0.0.1"];

/// Writes the certificate and key, then prints how to use and trust them.
pub fn run(args: &CertArgs) -> anyhow::Result<()> {
    let names = write_self_signed(&args.cert, &args.key, &args.hostnames, args.force)?;
    println!("{}", instructions(&args.cert, &args.key, &names));
    Ok(())
}

/// Writes a self-signed certificate for `hostnames` (the defaults when empty) to `cert` and its
/// key to `key` (mode 0600 on Unix). Refuses to replace either file unless `force`. Returns the
/// names the certificate is valid for.
pub fn write_self_signed(
    cert: &Path,
    key: &Path,
    hostnames: &[String],
    force: bool,
) -> anyhow::Result<Vec<String>> {
    if !force {
        for path in [cert, key] {
            anyhow::ensure!(
                !path.exists(),
                "{} already exists; pass --force to overwrite it",
                path.display()
            );
        }
    }
    let names: Vec<String> = if hostnames.is_empty() {
        DEFAULT_HOSTNAMES.iter().map(|n| n.to_string()).collect()
    } else {
        hostnames.to_vec()
    };
    let generated = rcgen::generate_simple_self_signed(names.clone())
        .with_context(|| format!("cannot make a certificate for {names:?}"))?;
    write_file(key, generated.signing_key.serialize_pem().as_bytes(), 0o600)?;
    write_file(cert, generated.cert.pem().as_bytes(), 0o644)?;
    Ok(names)
}

/// Writes `bytes` to `path`, created with `mode` on Unix (and set to it if the file existed).
fn write_file(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        options.mode(mode);
        let mut file = options
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        file.set_permissions(std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("cannot set the mode of {}", path.display()))?;
        file.write_all(bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    #[cfg(not(unix))]
    {
        let _ = mode;
        let mut file = options
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        file.write_all(bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// How to serve with the files and how to make browsers trust the certificate.
fn instructions(cert: &Path, key: &Path, names: &[String]) -> String {
    let (cert, key) = (cert.display(), key.display());
    format!(
        "wrote a self-signed certificate for {names} to {cert} and its key to {key}\n\
         \n\
         serve with it:\n\
         \x20 tickwire --tls-cert {cert} --tls-key {key}\n\
         \x20 (then open https://{first}:8080/; send SIGHUP or replace the files to reload them)\n\
         \n\
         trust it (or accept the browser's warning once):\n\
         \x20 Chromium/Chrome on Linux: certutil -d sql:$HOME/.pki/nssdb -A -t \"C,,\" -n tickwire -i {cert}\n\
         \x20 Firefox: accept the warning (Advanced, Accept the Risk and Continue)\n\
         \x20 Debian/Ubuntu system store: sudo cp {cert} /usr/local/share/ca-certificates/tickwire.crt \
         && sudo update-ca-certificates\n\
         \x20 macOS: sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain {cert}",
        names = names.join(", "),
        first = names.first().map_or("localhost", String::as_str),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_pair_loads_with_the_servers_loader_and_is_not_overwritten() {
        let dir = std::env::temp_dir().join(format!("tickwire-cert-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temp dir");
        let files = tickwire_server::TlsFiles {
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
        };
        let names = write_self_signed(&files.cert, &files.key, &[], false).expect("writes");
        assert_eq!(names, ["localhost", "127.0.0.1"]);
        let loaded = tickwire_server::edge::tls::load(&files);
        #[cfg(unix)]
        let mode = {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::metadata(&files.key)
                .expect("the key exists")
                .permissions()
                .mode()
                & 0o777
        };
        let again = write_self_signed(&files.cert, &files.key, &[], false);
        let forced = write_self_signed(&files.cert, &files.key, &["example.test".into()], true);
        let _ = std::fs::remove_dir_all(&dir);
        loaded.expect("the server loads what tickwire cert wrote");
        #[cfg(unix)]
        assert_eq!(mode, 0o600, "key file mode");
        let refused = again.expect_err("an existing file is not overwritten");
        assert!(refused.to_string().contains("--force"), "{refused}");
        forced.expect("--force overwrites");
    }
}

//! Finds the browser client the `embedded-client` feature embeds: the workspace's `web-client/`
//! (or `TICKWIRE_WEB_CLIENT_DIR`), named to `static_files.rs` as `TICKWIRE_WEB_CLIENT`. A build
//! from the published crate has no client beside it: it embeds an empty folder and says so.

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-env-changed=TICKWIRE_WEB_CLIENT_DIR");
    if std::env::var_os("CARGO_FEATURE_EMBEDDED_CLIENT").is_none() {
        return;
    }
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let wanted = std::env::var_os("TICKWIRE_WEB_CLIENT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../web-client"));
    let dir = match wanted.join("index.html").is_file() {
        true => wanted.canonicalize().unwrap_or(wanted),
        false => {
            let empty = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default())
                .join("no-web-client");
            if let Err(e) = std::fs::create_dir_all(&empty) {
                println!("cargo::error=cannot make {}: {e}", empty.display());
            }
            println!(
                "cargo::warning=no browser client at {} (set TICKWIRE_WEB_CLIENT_DIR): the server \
                 serves no page",
                wanted.display()
            );
            empty
        }
    };
    println!("cargo::rustc-env=TICKWIRE_WEB_CLIENT={}", dir.display());
}

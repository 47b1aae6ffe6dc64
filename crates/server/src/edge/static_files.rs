//! The browser client's files: read from `web-client/` on disk in debug builds (edit and reload),
//! embedded in the binary in release builds (the binary alone is enough to host). Every file
//! and folder under `web-client/` is there (a game's own page too, e.g. `tag/`), but its tests
//! and Markdown; `/` is the server's index page, the arena's `index.html` unless a game names
//! its own (`ServerConfig::index_page`). `build.rs` finds the folder; without the
//! `embedded-client` feature there is no client and no page.

use bytes::Bytes;

#[cfg(feature = "embedded-client")]
#[derive(rust_embed::RustEmbed)]
#[folder = "$TICKWIRE_WEB_CLIENT"]
#[exclude = "test/*"]
#[exclude = "*.md"]
#[exclude = "node_modules/*"]
struct WebClient;

/// Whether this build carries the browser client.
pub const EMBEDDED: bool = cfg!(feature = "embedded-client");

#[cfg(feature = "embedded-client")]
fn client_file(path: &str) -> Option<Vec<u8>> {
    WebClient::get(path).map(|f| f.data.into_owned())
}

#[cfg(not(feature = "embedded-client"))]
fn client_file(_path: &str) -> Option<Vec<u8>> {
    None
}

/// A file of the client: its bytes and content type.
pub struct StaticFile {
    /// File contents.
    pub body: Bytes,
    /// The `Content-Type` to send.
    pub content_type: &'static str,
}

/// The page `/` serves unless the server names another: the arena's.
pub const DEFAULT_INDEX: &str = "index.html";

/// Whether `page` (a path inside `web-client/`, like `tag/index.html`) is an HTML file the
/// client has, and so can be the index page.
pub fn is_page(page: &str) -> bool {
    page.ends_with(".html") && !page.starts_with('/') && lookup(page, DEFAULT_INDEX).is_some()
}

/// The file for a request path (`/` is `index`, a path inside `web-client/`), if the client has it.
pub fn lookup(path: &str, index: &str) -> Option<StaticFile> {
    let path = path.trim_start_matches('/');
    let path = if path.is_empty() { index } else { path };
    if path
        .split('/')
        .any(|seg| seg.is_empty() || seg == ".." || seg.starts_with('.'))
    {
        return None;
    }
    let file = client_file(path)?;
    Some(StaticFile {
        body: Bytes::from(file),
        content_type: content_type(path),
    })
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(all(test, feature = "embedded-client"))]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_the_index_page_named() {
        let arena = lookup("/", DEFAULT_INDEX).expect("the arena's page");
        let tag = lookup("/", "tag/index.html").expect("the tag page");
        assert_ne!(arena.body, tag.body);
        assert_eq!(tag.content_type, "text/html; charset=utf-8");
        assert_eq!(
            lookup("/tag/index.html", DEFAULT_INDEX).map(|f| f.body),
            Some(tag.body)
        );
        // The other files stay where they are, whichever page `/` is.
        assert!(lookup("/netcode/index.js", "tag/index.html").is_some());
    }

    #[test]
    fn only_html_files_of_the_client_can_be_the_index() {
        assert!(is_page("index.html"));
        assert!(is_page("tag/index.html"));
        for bad in [
            "main.js",
            "nope.html",
            "/index.html",
            "../index.html",
            "tag//index.html",
            "",
        ] {
            assert!(!is_page(bad), "{bad:?}");
        }
        let config = crate::ServerConfig {
            index_page: "nope.html".into(),
            ..Default::default()
        };
        assert!(matches!(
            config.validate(),
            Err(crate::ConfigError::IndexPage(page)) if page == "nope.html"
        ));
        assert!(crate::ServerConfig::default().validate().is_ok());
    }
}

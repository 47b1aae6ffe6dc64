//! The browser client's files: read from `web-client/` on disk in debug builds (edit and reload),
//! embedded in the binary in release builds (the binary alone is enough to host).

use bytes::Bytes;

#[derive(rust_embed::RustEmbed)]
#[folder = "../../web-client/"]
#[exclude = "test/*"]
#[exclude = "*.md"]
struct WebClient;

/// A file of the client: its bytes and content type.
pub struct StaticFile {
    /// File contents.
    pub body: Bytes,
    /// The `Content-Type` to send.
    pub content_type: &'static str,
}

/// The file for a request path (`/` is `index.html`), if the client has it.
pub fn lookup(path: &str) -> Option<StaticFile> {
    let path = path.trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    if path
        .split('/')
        .any(|seg| seg == ".." || seg.starts_with('.'))
    {
        return None;
    }
    let file = WebClient::get(path)?;
    Some(StaticFile {
        body: Bytes::from(file.data.into_owned()),
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

//! `add_security_headers`: the headers every page and API answer carries, so that the page
//! cannot be framed by another site, the browser does not guess content types, the page's
//! address does not leak to other sites, and a script injected somehow cannot load or send
//! anything elsewhere.

use hyper::HeaderMap;
use hyper::header::{
    CONTENT_SECURITY_POLICY, HeaderValue, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};

/// The bundled client's policy: its own scripts only (ES modules, no inline script, no
/// `eval`), its one inline `<style>`, the game socket and the API on its own origin, and no
/// framing.
pub(crate) const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers to an answer's `headers` (those it already has stay).
pub(crate) fn add_security_headers(headers: &mut HeaderMap) {
    for (name, value) in [
        (CONTENT_SECURITY_POLICY, CSP),
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (X_FRAME_OPTIONS, "DENY"),
        (REFERRER_POLICY, "no-referrer"),
    ] {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
}

//! `AdminToken`: the bearer token of the admin API, also asked for private room listings.

use hyper::HeaderMap;
use hyper::header::AUTHORIZATION;

/// Shortest admin token accepted, in bytes: anything shorter can be guessed.
pub const MIN_ADMIN_TOKEN_LEN: usize = 16;

/// The admin API's token. Requests carry it as `Authorization: Bearer <token>`. Only its
/// SHA-256 digest is kept, and presented tokens are compared by digest, so the comparison's
/// timing says nothing useful about the token. `Debug` never shows it.
#[derive(Clone)]
pub struct AdminToken {
    digest: Vec<u8>,
}

/// An admin token too short to be safe.
#[derive(Debug, thiserror::Error)]
#[error("the admin token must be at least {MIN_ADMIN_TOKEN_LEN} bytes long (it is {0})")]
pub struct AdminTokenTooShort(pub usize);

impl AdminToken {
    /// The token `token`, if it is long enough.
    pub fn new(token: &str) -> Result<AdminToken, AdminTokenTooShort> {
        if token.len() < MIN_ADMIN_TOKEN_LEN {
            return Err(AdminTokenTooShort(token.len()));
        }
        Ok(AdminToken {
            digest: digest(token.as_bytes()),
        })
    }

    /// True when `headers` carry this token as a bearer token (the scheme in any case, as
    /// RFC 7235 has it), compared in constant time.
    pub fn permits(&self, headers: &HeaderMap) -> bool {
        bearer(headers).is_some_and(|t| {
            crate::auth::secret_eq::digests_eq(&digest(t.as_bytes()), &self.digest)
        })
    }
}

impl std::str::FromStr for AdminToken {
    type Err = AdminTokenTooShort;

    fn from_str(s: &str) -> Result<AdminToken, AdminTokenTooShort> {
        AdminToken::new(s)
    }
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(..)")
    }
}

/// The bearer token `headers` carry in `Authorization`, if any (`Bearer` in any case).
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

fn digest(bytes: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permits_only_its_own_bearer_token() {
        assert!(AdminToken::new("short").is_err());
        let token = AdminToken::new("0123456789abcdef-admin").expect("long enough");
        let mut headers = HeaderMap::new();
        assert!(!token.permits(&headers));
        for (value, ok) in [
            ("Bearer 0123456789abcdef-admin", true),
            ("bearer 0123456789abcdef-admin", true),
            ("BEARER  0123456789abcdef-admin ", true),
            ("Bearer 0123456789abcdef-admiN", false),
            ("Basic 0123456789abcdef-admin", false),
            ("0123456789abcdef-admin", false),
        ] {
            headers.insert(AUTHORIZATION, value.parse().expect("header"));
            assert_eq!(token.permits(&headers), ok, "{value}");
        }
        assert_eq!(format!("{token:?}"), "AdminToken(..)");
    }
}

//! `OriginPolicy`: which web pages may open the game socket.
//!
//! Browsers send an `Origin` header with every WebSocket upgrade and let any page try one, so a
//! page on another site could otherwise play (or flood) on a visitor's behalf. Clients that are
//! not browsers (bots, the load generator) send no `Origin` and are not affected.

use hyper::header::HeaderValue;

/// The pages allowed to open the game socket.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OriginPolicy {
    /// Extra allowed origins, lowercased, as `scheme://host[:port]` (or `null`); `*` allows any.
    allowed: Vec<String>,
}

impl OriginPolicy {
    /// Only pages served by this server itself (the `Origin`'s host and port equal the request's
    /// `Host`), which is what the bundled client needs.
    pub fn same_host() -> OriginPolicy {
        OriginPolicy::default()
    }

    /// Pages of this server plus each of `origins`: `https://game.example.com`,
    /// `http://localhost:5173` for a development server, `null` for a page opened from a
    /// `file://` URL, or `*` for any page at all.
    pub fn allowing<I, S>(origins: I) -> OriginPolicy
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        OriginPolicy {
            allowed: origins
                .into_iter()
                .map(|o| o.as_ref().trim().trim_end_matches('/').to_ascii_lowercase())
                .filter(|o| !o.is_empty())
                .collect(),
        }
    }

    /// Whether an upgrade with these `Origin` and `Host` headers may proceed.
    pub(crate) fn permits(&self, origin: Option<&HeaderValue>, host: Option<&HeaderValue>) -> bool {
        let Some(origin) = origin else {
            return true;
        };
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        let origin = origin.trim().to_ascii_lowercase();
        if self.allowed.iter().any(|a| a == "*" || *a == origin) {
            return true;
        }
        let Some((scheme, authority)) = origin.split_once("://") else {
            return false;
        };
        let host = host
            .and_then(|h| h.to_str().ok())
            .map(str::to_ascii_lowercase);
        host.is_some_and(|h| {
            without_default_port(scheme, authority) == without_default_port(scheme, &h)
        })
    }
}

/// `authority` with the scheme's default port removed (`example.com:443` for https is
/// `example.com`).
fn without_default_port<'a>(scheme: &str, authority: &'a str) -> &'a str {
    let default = match scheme {
        "https" | "wss" => ":443",
        _ => ":80",
    };
    authority.strip_suffix(default).unwrap_or(authority)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn permits(p: &OriginPolicy, origin: Option<&'static str>, host: &'static str) -> bool {
        p.permits(
            origin.map(HeaderValue::from_static).as_ref(),
            Some(&HeaderValue::from_static(host)),
        )
    }

    #[test]
    fn same_host_by_default() {
        let p = OriginPolicy::same_host();
        assert!(permits(&p, None, "example.com"), "no Origin: not a browser");
        assert!(permits(&p, Some("http://127.0.0.1:8080"), "127.0.0.1:8080"));
        assert!(permits(
            &p,
            Some("https://Game.Example.com"),
            "game.example.com:443"
        ));
        assert!(permits(
            &p,
            Some("http://game.example.com"),
            "game.example.com"
        ));
        assert!(!permits(
            &p,
            Some("http://evil.example"),
            "game.example.com"
        ));
        assert!(!permits(
            &p,
            Some("http://127.0.0.1:9999"),
            "127.0.0.1:8080"
        ));
        assert!(!permits(&p, Some("null"), "127.0.0.1:8080"));
    }

    #[test]
    fn listed_origins_and_any() {
        let p = OriginPolicy::allowing(["http://localhost:5173/", "null"]);
        assert!(permits(&p, Some("http://localhost:5173"), "127.0.0.1:8080"));
        assert!(permits(&p, Some("null"), "127.0.0.1:8080"));
        assert!(!permits(
            &p,
            Some("http://localhost:5174"),
            "127.0.0.1:8080"
        ));
        let any = OriginPolicy::allowing(["*"]);
        assert!(permits(
            &any,
            Some("http://anything.example"),
            "127.0.0.1:8080"
        ));
    }
}

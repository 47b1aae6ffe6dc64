//! `Target`: the server a load generator aims at, parsed from a `ws://` URL, and the loopback rule.

use std::net::{IpAddr, SocketAddr};

use http::Uri;

/// The request path when the URL names none.
const DEFAULT_PATH: &str = "/ws";

/// Why a URL cannot be used as a load target.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// The URL is not of the form `ws://HOST[:PORT][/PATH][?QUERY]`.
    #[error("bad URL {url:?}: {why}")]
    BadUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The host is not a loopback address and remote targets were not allowed.
    #[error(
        "refusing to load {host:?}: it is not a loopback address (127.0.0.0/8, ::1, localhost); \
         pass --allow-remote to load a server on another machine you are responsible for"
    )]
    NotLoopback {
        /// The host as given.
        host: String,
    },
    /// The host name did not resolve to any address (that was allowed).
    #[error("cannot resolve {host:?}: {why}")]
    Resolve {
        /// The host as given.
        host: String,
        /// The resolver's answer.
        why: String,
    },
}

/// A parsed `ws://` URL. Nothing is resolved or connected yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The host as written (brackets removed from an IPv6 literal).
    pub host: String,
    /// The port (80 when the URL names none).
    pub port: u16,
    /// The request path, `/ws` when the URL names none.
    pub path: String,
}

impl Target {
    /// Parses `ws://HOST[:PORT][/PATH][?QUERY]` (an [`http::Uri`] with the `ws` scheme). `wss://`
    /// is not supported (the load generator speaks plain WebSockets only), nor is user
    /// information. The path defaults to `/ws` and keeps the query string; a fragment is dropped.
    pub fn parse(url: &str) -> Result<Target, TargetError> {
        let bad = |why| TargetError::BadUrl {
            url: url.to_owned(),
            why,
        };
        const SCHEME: &str = "ws://";
        if !url.starts_with(SCHEME) {
            return Err(bad("only ws:// URLs are supported"));
        }
        let uri: Uri = url.parse().map_err(|_| bad("not a valid URL"))?;
        let authority = uri.authority().ok_or_else(|| bad("no host"))?;
        if authority.as_str().contains('@') {
            return Err(bad("user information is not supported"));
        }
        // With no user information the authority is the host (brackets and all), then the port.
        let written_host = authority.host();
        let host = written_host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(written_host);
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let port = match authority
            .as_str()
            .get(written_host.len()..)
            .unwrap_or_default()
        {
            "" => 80,
            after if after.starts_with(':') => {
                authority.port_u16().ok_or_else(|| bad("bad port"))?
            }
            _ => return Err(bad("junk after ']'")),
        };
        // `Uri` writes an absent path as `/`: tell `ws://h` (the default path) from `ws://h/`.
        let names_path = url
            .get(SCHEME.len() + authority.as_str().len()..)
            .is_some_and(|rest| rest.starts_with('/'));
        let path = match (names_path, uri.query()) {
            (true, _) => uri.path_and_query().map_or("/", |p| p.as_str()).to_owned(),
            (false, Some(query)) => format!("{DEFAULT_PATH}?{query}"),
            (false, None) => DEFAULT_PATH.to_owned(),
        };
        Ok(Target {
            host: host.to_owned(),
            port,
            path,
        })
    }

    /// True when the host is written as a loopback address or is `localhost`.
    pub fn is_loopback(&self) -> bool {
        match self.host.parse::<IpAddr>() {
            Ok(ip) => ip.is_loopback(),
            Err(_) => self.host.eq_ignore_ascii_case("localhost"),
        }
    }

    /// The `Host` header value: the host and port as written in the URL.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// Resolves the host to one socket address. Without `allow_remote`, only loopback hosts are
    /// accepted, and this is checked before any lookup or connection; a name that resolves to a
    /// non-loopback address is refused as well.
    pub async fn resolve(&self, allow_remote: bool) -> Result<SocketAddr, TargetError> {
        if !allow_remote && !self.is_loopback() {
            return Err(TargetError::NotLoopback {
                host: self.host.clone(),
            });
        }
        if let Ok(ip) = self.host.parse::<IpAddr>() {
            return Ok(SocketAddr::new(ip, self.port));
        }
        let resolve_err = |why: String| TargetError::Resolve {
            host: self.host.clone(),
            why,
        };
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((self.host.as_str(), self.port))
            .await
            .map_err(|e| resolve_err(e.to_string()))?
            .collect();
        let pick = if allow_remote {
            addrs.first()
        } else {
            addrs.iter().find(|a| a.ip().is_loopback())
        };
        pick.copied().ok_or_else(|| {
            if addrs.is_empty() {
                resolve_err("no address".into())
            } else {
                TargetError::NotLoopback {
                    host: self.host.clone(),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The host, port and path a URL parses to.
    fn parts(url: &str) -> (String, u16, String) {
        let t = Target::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        (t.host, t.port, t.path)
    }

    #[test]
    fn parses_hosts_ports_and_paths() {
        let expect = |url, host: &str, port, path: &str| {
            assert_eq!(parts(url), (host.into(), port, path.into()), "{url}");
        };
        expect("ws://127.0.0.1:9001/ws", "127.0.0.1", 9001, "/ws");
        expect("ws://localhost", "localhost", 80, "/ws");
        expect("ws://localhost/", "localhost", 80, "/");
        expect("ws://[::1]:8080/game", "::1", 8080, "/game");
        let t = Target::parse("ws://[::1]:8080/game").expect("parses");
        assert_eq!(t.authority(), "[::1]:8080");
    }

    #[test]
    fn keeps_the_query_string() {
        // In the path, after the default one when the URL names none.
        let url = "ws://127.0.0.1:9001/game?room=2&x=y";
        assert_eq!(
            parts(url),
            ("127.0.0.1".into(), 9001, "/game?room=2&x=y".into())
        );
        let url = "ws://127.0.0.1:9001?room=2";
        assert_eq!(parts(url), ("127.0.0.1".into(), 9001, "/ws?room=2".into()));
    }

    #[test]
    fn refuses_bad_urls() {
        for url in [
            "http://127.0.0.1/ws",
            "wss://127.0.0.1/ws",
            "ws://:80/ws",
            "ws://127.0.0.1:notaport/ws",
            "ws://[::1/ws",
            "ws://u@127.0.0.1/ws",
            "WS://127.0.0.1/ws",
            "ws://",
            "ws:///ws",
            "ws://127.0.0.1:/ws",
            "ws://127.0.0.1:70000/ws",
            "ws://[::1]x/ws",
            "ws://[::1]:x/ws",
            "ws://127.0.0.1:1:2/ws",
        ] {
            assert!(Target::parse(url).is_err(), "{url}");
        }
    }

    #[test]
    fn knows_loopback() {
        for url in [
            "ws://127.0.0.1:1/ws",
            "ws://127.9.8.7:1/ws",
            "ws://[::1]:1/ws",
            "ws://LocalHost:1/ws",
        ] {
            assert!(Target::parse(url).expect("parses").is_loopback(), "{url}");
        }
        for url in [
            "ws://10.0.0.1:1/ws",
            "ws://0.0.0.0:1/ws",
            "ws://[::]:1/ws",
            "ws://example.com/ws",
            "ws://localhost.example.com/ws",
        ] {
            assert!(!Target::parse(url).expect("parses").is_loopback(), "{url}");
        }
    }

    #[tokio::test]
    async fn refuses_remote_before_any_lookup() {
        let t = Target::parse("ws://10.0.0.1:1/ws").expect("parses");
        assert!(matches!(
            t.resolve(false).await,
            Err(TargetError::NotLoopback { .. })
        ));
        let t = Target::parse("ws://example.invalid/ws").expect("parses");
        assert!(matches!(
            t.resolve(false).await,
            Err(TargetError::NotLoopback { .. })
        ));
    }
}

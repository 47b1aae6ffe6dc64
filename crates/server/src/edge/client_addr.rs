//! The client's address: the TCP peer, or, behind a trusted reverse proxy (`--trust-proxy`),
//! the address the proxy reports in `Forwarded` (RFC 7239) or `X-Forwarded-For`.
//!
//! Only the rightmost entry is believed: it is the one the nearest proxy (ours) appended; the
//! entries before it come from the client and can say anything.

use std::net::{IpAddr, SocketAddr};

use hyper::HeaderMap;

/// The address a request comes from: `peer` unless `trust_proxy` and the headers name one.
pub(crate) fn client_ip(peer: SocketAddr, headers: &HeaderMap, trust_proxy: bool) -> IpAddr {
    if !trust_proxy {
        return peer.ip();
    }
    forwarded(headers)
        .or_else(|| x_forwarded_for(headers))
        .unwrap_or(peer.ip())
}

/// The last `for=` of the last `Forwarded` element.
fn forwarded(headers: &HeaderMap) -> Option<IpAddr> {
    let last = headers
        .get_all("forwarded")
        .iter()
        .next_back()?
        .to_str()
        .ok()?;
    let element = last.rsplit(',').next()?;
    element.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        key.eq_ignore_ascii_case("for").then(|| node_ip(value))?
    })
}

/// The last address of the last `X-Forwarded-For` header.
fn x_forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()?
        .to_str()
        .ok()?;
    node_ip(last.rsplit(',').next()?)
}

/// An address as a proxy writes it: `192.0.2.7`, `"[2001:db8::1]:4711"`, `192.0.2.7:4711`.
fn node_ip(node: &str) -> Option<IpAddr> {
    let node = node.trim().trim_matches('"');
    if let Ok(ip) = node.parse() {
        return Some(ip);
    }
    if let Ok(addr) = node.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    node.strip_prefix('[')?.split(']').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    const PEER: SocketAddr = SocketAddr::new(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 5000);

    #[test]
    fn without_trust_the_peer_is_the_client() {
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(client_ip(PEER, &h, false), PEER.ip());
    }

    #[test]
    fn the_rightmost_forwarded_entry_is_believed() {
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9")]);
        assert_eq!(
            client_ip(PEER, &h, true),
            "203.0.113.9".parse::<IpAddr>().expect("ip")
        );
        let h = headers(&[(
            "forwarded",
            "for=6.6.6.6, for=\"[2001:db8::1]:4711\";proto=https",
        )]);
        assert_eq!(
            client_ip(PEER, &h, true),
            "2001:db8::1".parse::<IpAddr>().expect("ip")
        );
        let h = headers(&[("forwarded", "proto=https;For=198.51.100.2:80")]);
        assert_eq!(
            client_ip(PEER, &h, true),
            "198.51.100.2".parse::<IpAddr>().expect("ip")
        );
    }

    #[test]
    fn unreadable_headers_fall_back_to_the_peer() {
        let h = headers(&[("x-forwarded-for", "unknown"), ("forwarded", "for=_hidden")]);
        assert_eq!(client_ip(PEER, &h, true), PEER.ip());
        assert_eq!(client_ip(PEER, &HeaderMap::new(), true), PEER.ip());
    }
}

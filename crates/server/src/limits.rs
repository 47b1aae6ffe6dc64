//! `Limits`: how much the server accepts from the network, and for how long it waits.

use std::time::Duration;

/// Limits on connections and timeouts, each with a default that suits a public game server.
/// Every refusal they cause is counted in `/metrics` and answered with a clear status or close
/// code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most TCP connections open at once (players, spectators, page loads, probes); past it a
    /// new connection gets `503` and is closed.
    pub max_connections: usize,
    /// Most connections open at once from one client address; `0` for no limit. Past it a new
    /// connection gets `429` and is closed. Many players behind one NAT share an address, so
    /// keep it well above a household; a load test from one machine sets it to 0.
    pub max_connections_per_ip: usize,
    /// How long a client may take to send a request's headers, counted from the connection (or
    /// the previous request); a client that sends them a byte at a time is cut off.
    pub header_timeout: Duration,
    /// How long a client may take to send `Hello` after the WebSocket upgrade (close 4004).
    pub hello_timeout: Duration,
    /// How long a player may send nothing at all (no input, no ping) before its seat is freed
    /// (close 4006). The browser client pings every second, even in a hidden tab.
    pub idle_timeout: Duration,
    /// How long one write to a client's socket may wait before the client is dropped as too
    /// slow to read.
    pub write_timeout: Duration,
    /// The server is behind a reverse proxy that it trusts: the client's address is the last one
    /// the proxy writes in `Forwarded` or `X-Forwarded-For`, and the per-address limit applies to
    /// it (when a WebSocket session opens) instead of to the proxy's own address.
    pub trust_proxy: bool,
    /// How long a client may take to send a request's body once its headers are in; a body
    /// that never comes (or trickles) is answered 408 and its connection closed.
    pub body_timeout: Duration,
    /// How long an HTTP answer (not a WebSocket session) may take in all, from the headers on.
    pub request_timeout: Duration,
    /// The per-address limits count IPv6 clients by this prefix of their address (64: a /64 is
    /// one client, as an ISP hands out); 128 counts every address apart.
    pub ipv6_prefix: u8,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 10_000,
            max_connections_per_ip: 64,
            header_timeout: Duration::from_secs(10),
            hello_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(10),
            trust_proxy: false,
            body_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            ipv6_prefix: crate::edge::address_group::DEFAULT_IPV6_PREFIX,
        }
    }
}

impl Limits {
    /// The first setting that cannot work, if any.
    pub(crate) fn problem(&self) -> Option<&'static str> {
        let zero = Duration::ZERO;
        if self.max_connections == 0 {
            Some("max connections must be at least 1")
        } else if [
            self.header_timeout,
            self.hello_timeout,
            self.idle_timeout,
            self.write_timeout,
            self.body_timeout,
            self.request_timeout,
        ]
        .contains(&zero)
        {
            Some("every timeout must be longer than zero")
        } else if self.ipv6_prefix > 128 {
            Some("the IPv6 prefix must be at most 128 bits")
        } else {
            None
        }
    }
}

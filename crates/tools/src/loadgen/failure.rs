//! Why a load-generator client failed to join or was closed, in words a person can act on, and
//! the failures of a run grouped by reason with counts.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use tickwire_protocol::close;

/// Why one client could not join (or was closed while it played).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinFailure {
    /// The TCP connect was refused: nothing listens at the address.
    ConnectRefused,
    /// The TCP connect failed otherwise.
    Connect(String),
    /// The connection was reset or closed before the server's answer to the upgrade arrived.
    ResetBeforeAnswer,
    /// The server answered the upgrade with an HTTP status other than 101.
    Http {
        /// The status code.
        status: u16,
        /// The first line of the answer's body (the server says why in it), trimmed.
        body: String,
    },
    /// The server closed the WebSocket (a close frame or a kick) with this code and reason.
    Closed {
        /// The close code.
        code: u16,
        /// The reason the server gave.
        reason: String,
    },
    /// The server sent no `Welcome` within the join time limit.
    Timeout,
    /// Anything else: a broken socket, a message that did not decode.
    Other(String),
}

impl JoinFailure {
    /// The reason, one short line, the key failures are grouped by.
    pub fn reason(&self) -> String {
        match self {
            JoinFailure::ConnectRefused => "TCP connect refused".into(),
            JoinFailure::Connect(e) => format!("TCP connect failed: {e}"),
            JoinFailure::ResetBeforeAnswer => {
                "connection closed before the server answered the upgrade".into()
            }
            JoinFailure::Http { status, body } if body.is_empty() => {
                format!("HTTP {status} at the upgrade")
            }
            JoinFailure::Http { status, body } => format!("HTTP {status} at the upgrade: {body}"),
            JoinFailure::Closed { code, reason } if reason.is_empty() => {
                format!("closed by the server with {code}")
            }
            JoinFailure::Closed { code, reason } => {
                format!("closed by the server with {code}: {reason}")
            }
            JoinFailure::Timeout => "no Welcome within the join time limit".into(),
            JoinFailure::Other(e) => e.clone(),
        }
    }

    /// What to change, when the reason points at a server setting.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            JoinFailure::ConnectRefused => {
                Some("nothing listens there: check that the server runs and the URL's port")
            }
            JoinFailure::ResetBeforeAnswer => Some(
                "a server past its connection limits answers 429 or 503 and closes at once; \
                 check --max-connections and --max-connections-per-ip",
            ),
            JoinFailure::Http { status: 429, .. } => Some(
                "the server's per-address connection limit: every load-generator client comes \
                 from one address, so start the server with --max-connections-per-ip 0 (or a \
                 limit above the client count)",
            ),
            JoinFailure::Http { status: 503, body } if body.contains("connection limit") => {
                Some("the server's total connection limit: raise the server's --max-connections")
            }
            JoinFailure::Closed { code, .. } if *code == close::SERVER_FULL => {
                Some("every room is full: raise the server's --room-capacity or --max-rooms")
            }
            JoinFailure::Timeout => Some(
                "the server (or this machine) is too busy to welcome clients in time: lower \
                 --ramp-per-sec or the client count",
            ),
            _ => None,
        }
    }
}

impl fmt::Display for JoinFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason())
    }
}

impl From<tickwire_client::ClientError> for JoinFailure {
    fn from(e: tickwire_client::ClientError) -> JoinFailure {
        use tickwire_client::ClientError;
        match e {
            ClientError::Connect(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                JoinFailure::ConnectRefused
            }
            ClientError::Connect(io) => JoinFailure::Connect(io.to_string()),
            ClientError::Closed { code, reason } => JoinFailure::Closed { code, reason },
            other => JoinFailure::Other(other.to_string()),
        }
    }
}

/// Failures that share a reason, and how many there were.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureGroup {
    /// The reason ([`JoinFailure::reason`]).
    pub reason: String,
    /// Clients that failed for it.
    pub count: u32,
    /// What to change, when known.
    pub hint: Option<String>,
}

/// Counts failures by reason.
#[derive(Clone, Debug, Default)]
pub struct FailureTally {
    groups: BTreeMap<String, (u32, Option<&'static str>)>,
}

impl FailureTally {
    /// Counts one failure.
    pub fn add(&mut self, failure: &JoinFailure) {
        let entry = self
            .groups
            .entry(failure.reason())
            .or_insert((0, failure.hint()));
        entry.0 += 1;
    }

    /// Failures counted.
    pub fn total(&self) -> u32 {
        self.groups.values().map(|(n, _)| n).sum()
    }

    /// The groups, the most frequent first (ties by reason).
    pub fn groups(&self) -> Vec<FailureGroup> {
        let mut out: Vec<FailureGroup> = self
            .groups
            .iter()
            .map(|(reason, (count, hint))| FailureGroup {
                reason: reason.clone(),
                count: *count,
                hint: hint.map(str::to_owned),
            })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
        out
    }
}

/// The groups as one line: `12 × HTTP 429 at the upgrade: …; 3 × TCP connect refused`.
pub fn summary(groups: &[FailureGroup]) -> String {
    groups
        .iter()
        .map(|g| format!("{} × {}", g.count, g.reason))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_reason_most_frequent_first() {
        let mut t = FailureTally::default();
        let too_many = JoinFailure::Http {
            status: 429,
            body: "too many connections from your address".into(),
        };
        for _ in 0..3 {
            t.add(&too_many);
        }
        t.add(&JoinFailure::ConnectRefused);
        t.add(&JoinFailure::Closed {
            code: close::SERVER_FULL,
            reason: "the server is full".into(),
        });
        t.add(&JoinFailure::Closed {
            code: close::SERVER_FULL,
            reason: "the server is full".into(),
        });
        assert_eq!(t.total(), 6);
        let g = t.groups();
        assert_eq!(g.len(), 3);
        assert_eq!(
            g[0].reason,
            "HTTP 429 at the upgrade: too many connections from your address"
        );
        assert_eq!(g[0].count, 3);
        assert!(
            g[0].hint
                .as_deref()
                .is_some_and(|h| h.contains("--max-connections-per-ip")),
            "{g:?}"
        );
        assert_eq!(
            g[1].reason,
            "closed by the server with 4002: the server is full"
        );
        assert!(
            g[1].hint
                .as_deref()
                .is_some_and(|h| h.contains("--room-capacity"))
        );
        assert_eq!(
            (g[2].reason.as_str(), g[2].count),
            ("TCP connect refused", 1)
        );
        assert_eq!(
            summary(&g),
            "3 × HTTP 429 at the upgrade: too many connections from your address; \
             2 × closed by the server with 4002: the server is full; 1 × TCP connect refused"
        );
    }

    #[test]
    fn client_errors_map_to_reasons() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(
            JoinFailure::from(tickwire_client::ClientError::Connect(refused)),
            JoinFailure::ConnectRefused
        );
        let closed = tickwire_client::ClientError::Closed {
            code: 4014,
            reason: "schema".into(),
        };
        assert_eq!(
            JoinFailure::from(closed).reason(),
            "closed by the server with 4014: schema"
        );
    }
}

//! The network edge: listeners, TLS, the connection gate, client addresses and origins, the
//! WebSocket upgrade's fast path (`http.rs`, `ws_edge.rs`), and the axum router with the
//! answers every other request gets. `tls` is public so that a tool can check a certificate and
//! key with the loader the server uses.

pub(crate) mod address_group;
pub(crate) mod api_router;
pub(crate) mod client_addr;
pub(crate) mod conn_gate;
pub(crate) mod http;
pub(crate) mod listener;
pub(crate) mod origin;
pub(crate) mod query;
pub(crate) mod respond;
pub(crate) mod security_headers;
pub(crate) mod static_files;
#[cfg(feature = "tls")]
pub mod tls;
#[cfg(not(feature = "tls"))]
#[path = "tls_off.rs"]
pub mod tls;
pub(crate) mod tls_files;
pub(crate) mod ws_edge;

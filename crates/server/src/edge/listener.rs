//! `Listener` and `Peer`: which listener a request came in on and from which address, which
//! `http.rs` puts in every request it hands to the router and the handlers read.

use std::net::SocketAddr;

use crate::shared::Shared;

/// Which listener a request came in on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Listener {
    /// The public port: the client, the game socket, health, and the operations endpoints
    /// unless they moved to an admin listener.
    Public,
    /// The admin listener: health and the operations endpoints only.
    Admin,
}

/// The client's address (the TCP peer).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Peer(pub(crate) SocketAddr);

/// Whether `listener` serves the operations routes (metrics, admin, closing rooms) and honours
/// the admin token: the admin listener, or the public port when there is none.
pub(crate) fn ops_here(shared: &Shared, listener: Listener) -> bool {
    match listener {
        Listener::Admin => true,
        Listener::Public => !shared.admin_separate,
    }
}

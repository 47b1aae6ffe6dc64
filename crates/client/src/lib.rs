//! tickwire-client: a headless tickwire client in Rust. Connect, say `Hello`, receive the
//! `Welcome` (with the schema of the game's data), send inputs, and rebuild the world from the
//! server's delta snapshots exactly as the browser client does, by the schema and with no code
//! of the game's. The end-to-end tests, the load generator and your own Rust bot all
//! use it.
//!
//! ```no_run
//! # async fn bot() -> Result<(), tickwire_client::ClientError> {
//! use tickwire_client::GameClient;
//! use tickwire_protocol::Record;
//!
//! let addr = "127.0.0.1:8080".parse().expect("an address");
//! let mut client = GameClient::join(addr, "bot").await?;
//! // An input of the game's fields: here whatever a client that knows nothing of the game
//! // sends (a game's own type goes through `Record::of`).
//! let idle = client.schema().map(|s| s.input().default_record()).unwrap_or_default();
//! for seq in 1..=60 {
//!     client.send_input(seq, 0, &idle).await?;
//!     client.next_snapshot().await?;
//! }
//! println!("the world holds {} entities", client.world().map_or(0, |w| w.len()));
//! let me = client.welcome.as_ref().map(|w| w.entity_id).expect("welcomed");
//! // Fields by name, dequantized through the schema the server sent.
//! println!("I am at {:?}", client.entity(me).and_then(|e| e.vec2("pos")));
//! # Ok(())
//! # }
//! ```
//!
//! Over TLS (`wss://`), [`GameClient::join_tls`] takes the server's name and a
//! [`rustls::ClientConfig`]; [`tls_config_trusting`] makes one that trusts a single certificate,
//! such as the self-signed one of a local server.
//!
//! Inputs, events, the scoreboard's columns and the map's features are the game's too, and read
//! or written by the schema ([`game_data`]: [`game_data::input`], [`game_data::event`],
//! [`game_data::score`], [`game_data::map_features`]; [`GameClient`] has them on its schema).
//!
//! The main types are [`GameClient`] (one connection), [`ClientWorld`] (the world it rebuilds,
//! usable alone by a client with its own socket handling) and [`ClientError`]. It never depends
//! on the server.

mod capped_read;
mod connect;
mod error;
mod game_client;
pub mod game_data;
mod subscriptions;
mod world;

pub use capped_read::CappedRead;
pub use connect::{
    ClientSocket, connect_tcp, connect_tcp_from, tls_config_trusting, tls_handshake,
    websocket_handshake,
};
pub use error::ClientError;
pub use game_client::{GameClient, Received};
/// rustls, as this crate uses it (for building a [`rustls::ClientConfig`] of your own).
pub use tokio_rustls::rustls;
pub use world::ClientWorld;

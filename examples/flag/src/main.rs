//! Serves capture the flag with its own browser page (`web-client/flag/`, at `/`):
//! `cargo run --release -p tickwire-example-flag`, then open the printed address in two windows
//! (or `/?name=ada` to join at once). An optional argument sets the address.

use std::net::SocketAddr;

use tickwire_example_flag::{FlagGames, PAGE};
use tickwire_server::{Server, ServerConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bind: SocketAddr = match std::env::args().nth(1) {
        Some(addr) => addr.parse()?,
        None => SocketAddr::from(([127, 0, 0, 1], 8082)),
    };
    let config = ServerConfig {
        bind,
        index_page: PAGE.to_owned(),
        ..ServerConfig::default()
    };
    let tick_rate = config.tick_rate;
    let server = Server::start(config, FlagGames { tick_rate }).await?;
    println!(
        "capture the flag is being served at http://{}/",
        server.local_addr()
    );
    tokio::signal::ctrl_c().await?;
    server.shutdown().await;
    Ok(())
}

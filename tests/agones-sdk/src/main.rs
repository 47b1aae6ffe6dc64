//! A local Agones SDK server for tickwire's tests: dummy-agones (the SDK's gRPC, and the
//! GameServer as YAML over HTTP on the same port: `GET /` reads it, `POST /` replaces it), with
//! the beta service's Lists added, and a log of every SDK call on stdout, one line each, in the
//! order they arrived (`ready`, `health`, `label game=arena`, `list players add client-1`, ...).
//! The first line is `listening ADDR`.
//!
//! Usage: `agones-sdk-test-server [PORT]` (default 0: any free port on 127.0.0.1).

mod beta;
mod recorder;

use std::net::SocketAddr;

use axum::extract::State;
use axum_yaml::Yaml;
use dummy_agones::AgonesServer;
use dummy_agones::sdk::GameServer;
use dummy_agones::sdk::sdk_server::SdkServer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::args().nth(1) {
        Some(p) => p.parse()?,
        None => 0,
    };
    let agones = AgonesServer::default();
    let grpc = tonic::transport::Server::builder()
        .add_service(SdkServer::new(recorder::Recorder::new(agones.clone())))
        .add_service(beta::s_d_k_server::SDKServer::new(beta::Lists::new(
            agones.clone(),
        )))
        .into_service();
    let yaml = axum::Router::new()
        .route("/", axum::routing::get(load).post(save))
        .with_state(agones)
        .into_make_service();
    let incoming =
        hyper::server::conn::AddrIncoming::bind(&SocketAddr::from(([127, 0, 0, 1], port)))?;
    println!("listening {}", incoming.local_addr());
    hyper::Server::builder(incoming)
        .serve(hybrid_service::hybrid(yaml, grpc))
        .await?;
    Ok(())
}

/// `GET /`: the GameServer as YAML.
async fn load(State(agones): State<AgonesServer>) -> Yaml<GameServer> {
    Yaml(agones.game_server())
}

/// `POST /`: replaces the GameServer (watchers see the change), answers the new one.
async fn save(State(agones): State<AgonesServer>, Yaml(gs): Yaml<GameServer>) -> Yaml<GameServer> {
    recorder::log(&format!(
        "set gameserver state={}",
        gs.status.as_ref().map_or("", |s| s.state.as_str())
    ));
    agones.set_game_server(gs);
    Yaml(agones.game_server())
}

//! `Recorder`: dummy-agones' SDK service with every call logged on stdout, and each health
//! ping (which dummy-agones only traces) logged as a line of its own.

use dummy_agones::AgonesServer;
use dummy_agones::sdk::sdk_server::Sdk;
use dummy_agones::sdk::{Duration, Empty, GameServer, KeyValue};
use tonic::{Request, Response, Status, Streaming};

/// Writes one line of the call log.
pub fn log(line: &str) {
    println!("{line}");
}

/// dummy-agones' SDK service, logging each call.
pub struct Recorder {
    inner: AgonesServer,
}

impl Recorder {
    pub fn new(inner: AgonesServer) -> Recorder {
        Recorder { inner }
    }
}

#[tonic::async_trait]
impl Sdk for Recorder {
    async fn ready(&self, request: Request<Empty>) -> Result<Response<Empty>, Status> {
        log("ready");
        self.inner.ready(request).await
    }

    async fn allocate(&self, request: Request<Empty>) -> Result<Response<Empty>, Status> {
        log("allocate");
        self.inner.allocate(request).await
    }

    async fn shutdown(&self, request: Request<Empty>) -> Result<Response<Empty>, Status> {
        log("shutdown");
        self.inner.shutdown(request).await
    }

    async fn health(&self, request: Request<Streaming<Empty>>) -> Result<Response<Empty>, Status> {
        let mut pings = request.into_inner();
        while let Ok(Some(_)) = pings.message().await {
            log("health");
        }
        Ok(Response::new(Empty {}))
    }

    async fn get_game_server(
        &self,
        request: Request<Empty>,
    ) -> Result<Response<GameServer>, Status> {
        self.inner.get_game_server(request).await
    }

    type WatchGameServerStream = <AgonesServer as Sdk>::WatchGameServerStream;

    async fn watch_game_server(
        &self,
        request: Request<Empty>,
    ) -> Result<Response<Self::WatchGameServerStream>, Status> {
        log("watch");
        self.inner.watch_game_server(request).await
    }

    async fn set_label(&self, request: Request<KeyValue>) -> Result<Response<Empty>, Status> {
        let kv = request.get_ref();
        log(&format!("label {}={}", kv.key, kv.value));
        self.inner.set_label(request).await
    }

    async fn set_annotation(&self, request: Request<KeyValue>) -> Result<Response<Empty>, Status> {
        let kv = request.get_ref();
        log(&format!("annotation {}={}", kv.key, kv.value));
        self.inner.set_annotation(request).await
    }

    async fn reserve(&self, request: Request<Duration>) -> Result<Response<Empty>, Status> {
        log("reserve");
        self.inner.reserve(request).await
    }
}

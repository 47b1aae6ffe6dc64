//! The HTTP routes: the client at `/`, the game socket at `/ws`, health, readiness, metrics and
//! the room list; with `ServerConfig::echo`, the echo socket at `/echo`.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};

use crate::session::{Endpoint, run_session};
use crate::shared::Shared;
use crate::{static_files, ws_edge};

type Body = Full<Bytes>;

/// Answers one HTTP request.
pub(crate) async fn route(
    mut req: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<Body>, Infallible> {
    let path = req.uri().path().to_string();
    Ok(match path.as_str() {
        "/ws" => upgrade(&mut req, shared, Endpoint::Game),
        "/echo" if shared.lobby.config().echo => upgrade(&mut req, shared, Endpoint::Echo),
        "/healthz" => text(StatusCode::OK, "ok\n"),
        "/readyz" => {
            if *shared.shutdown.borrow() {
                text(StatusCode::SERVICE_UNAVAILABLE, "draining\n")
            } else {
                text(StatusCode::OK, "ready\n")
            }
        }
        "/metrics" => typed(
            StatusCode::OK,
            crate::metrics::CONTENT_TYPE,
            shared.metrics.render(),
        ),
        "/rooms" => match serde_json::to_string(&shared.lobby.rooms()) {
            Ok(json) => typed(StatusCode::OK, "application/json", json),
            Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "error\n"),
        },
        _ if req.method() == Method::GET || req.method() == Method::HEAD => {
            match static_files::lookup(&path) {
                Some(file) => Response::builder()
                    .status(StatusCode::OK)
                    .header(CONTENT_TYPE, file.content_type)
                    .header(CACHE_CONTROL, "no-cache")
                    .body(Full::new(file.body))
                    .unwrap_or_else(|_| text(StatusCode::INTERNAL_SERVER_ERROR, "error\n")),
                None => text(StatusCode::NOT_FOUND, "not found\n"),
            }
        }
        _ => text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n"),
    })
}

fn upgrade(req: &mut Request<Incoming>, shared: Arc<Shared>, endpoint: Endpoint) -> Response<Body> {
    if let Err(refusal) = ws_edge::check_upgrade(req) {
        shared.metrics.upgrades_refused.inc();
        tracing::debug!(reason = refusal.reason, "refused a WebSocket upgrade");
        let mut resp = text(refusal.status, &format!("{}\n", refusal.reason));
        if refusal.status == StatusCode::UPGRADE_REQUIRED {
            resp.headers_mut().insert(
                "sec-websocket-version",
                hyper::header::HeaderValue::from_static("13"),
            );
        }
        return resp;
    }
    if *shared.shutdown.borrow() {
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is shutting down\n",
        );
    }
    match fastwebsockets::upgrade::upgrade(req) {
        Ok((response, fut)) => {
            tokio::spawn(async move {
                match fut.await {
                    Ok(ws) => run_session(ws, shared, endpoint).await,
                    Err(e) => tracing::debug!(error = %e, "upgrade did not complete"),
                }
            });
            let (parts, _) = response.into_parts();
            Response::from_parts(parts, Full::new(Bytes::new()))
        }
        Err(e) => text(StatusCode::BAD_REQUEST, &format!("{e}\n")),
    }
}

fn text(status: StatusCode, body: &str) -> Response<Body> {
    typed(status, "text/plain; charset=utf-8", body.to_string())
}

fn typed(status: StatusCode, content_type: &'static str, body: String) -> Response<Body> {
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    resp
}

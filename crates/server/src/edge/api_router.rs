//! `api_router`: every HTTP route but the WebSocket upgrades, on axum, one `Router` per
//! listener. `/ws` and `/echo` stay on the hand-written fast path in `http.rs` (origin, bans,
//! tokens, the connection gate, then fastwebsockets' upgrade); everything else comes here:
//! health, readiness, metrics, the rooms and admin APIs, the storage routes and the browser
//! client's files (gzip-compressed for clients that ask; `/favicon.ico` points at its icon),
//! each request traced.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Extension, Path, Query, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use serde::Deserialize;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::edge::listener::{Listener, Peer, ops_here};
use crate::edge::respond::text;
use crate::edge::static_files;
use crate::ops::{admin, rooms_api};
use crate::recording::replay_http;
use crate::shared::Shared;
use crate::storage::store_http;

/// The routes of `listener`: the public port serves the client's files and, unless there is an
/// admin listener, the operations routes; the admin listener serves health and operations.
pub(crate) fn router(shared: Arc<Shared>, listener: Listener) -> Router {
    let ops = ops_here(&shared, listener);
    let mut routes = Router::new()
        .route("/healthz", any(healthz))
        .route("/readyz", any(readyz))
        .route("/leaderboard", get(leaderboard))
        .route("/players/", get(player))
        .route("/players/{*id}", get(player))
        .route("/matches/recent", get(recent_matches))
        .route("/matches/{id}/replay", get(replay_file))
        .route("/matches/{id}/replay/view", get(replay_view))
        .merge(rooms_api::routes());
    if ops {
        routes = routes
            .route("/metrics", any(metrics))
            .route("/admin/{*rest}", any(admin_api));
    }
    let routes = match listener {
        Listener::Public => routes
            .route("/favicon.ico", get(favicon))
            .fallback(client_file),
        Listener::Admin => routes.fallback(not_found),
    };
    routes
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(shared)
}

/// A `respond.rs` answer as axum's.
fn reply(resp: Response<crate::edge::respond::Body>) -> Response {
    resp.map(axum::body::Body::new)
}

async fn healthz() -> Response {
    reply(text(StatusCode::OK, "ok\n"))
}

async fn readyz(State(shared): State<Arc<Shared>>) -> Response {
    reply(if shared.shutdown.borrow().is_draining() {
        text(StatusCode::SERVICE_UNAVAILABLE, "draining\n")
    } else {
        text(StatusCode::OK, "ready\n")
    })
}

async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    (
        [(CONTENT_TYPE, crate::telemetry::metrics::CONTENT_TYPE)],
        shared.metrics.render(),
    )
        .into_response()
}

/// `?limit=` of `/leaderboard`, checked by `store_http` (so that its refusal names the range).
#[derive(Deserialize)]
struct LeaderboardQuery {
    limit: Option<String>,
}

async fn leaderboard(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<LeaderboardQuery>,
) -> Response {
    answer(store_http::leaderboard(query.limit.as_deref(), &shared).await)
}

async fn player(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    // The id as sent, still percent-encoded: `store_http` decodes it once.
    let raw = uri.path().strip_prefix("/players/").unwrap_or_default();
    answer(store_http::player(raw, &shared).await)
}

/// `?limit=` of `/matches/recent`, checked by `replay_http`.
#[derive(Deserialize)]
struct RecentQuery {
    limit: Option<String>,
}

async fn recent_matches(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<RecentQuery>,
) -> Response {
    reply(replay_http::recent(query.limit.as_deref(), &shared).await)
}

/// `?key=` of a private room's recording.
#[derive(Deserialize)]
struct ReplayQuery {
    key: Option<String>,
}

async fn replay_file(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(query): Query<ReplayQuery>,
    headers: HeaderMap,
) -> Response {
    replay(&shared, &id, &query, &headers, false).await
}

async fn replay_view(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(query): Query<ReplayQuery>,
    headers: HeaderMap,
) -> Response {
    replay(&shared, &id, &query, &headers, true).await
}

/// A recording (`view`: as the viewer stream) of match `id`.
async fn replay(
    shared: &Shared,
    id: &str,
    query: &ReplayQuery,
    headers: &HeaderMap,
    view: bool,
) -> Response {
    let req = replay_http::ReplayRequest {
        id,
        key: query.key.as_deref(),
        headers,
        view,
    };
    reply(replay_http::replay(req, shared).await)
}

fn answer((status, content_type, body): store_http::Answer) -> Response {
    (status, [(CONTENT_TYPE, content_type)], body).into_response()
}

async fn admin_api(
    State(shared): State<Arc<Shared>>,
    Extension(Peer(peer)): Extension<Peer>,
    req: Request,
) -> Response {
    reply(admin::route(req, &shared, peer).await)
}

/// The browser client's files, for `GET` and `HEAD`; `/` is the server's index page.
async fn client_file(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return reply(text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n"));
    }
    match static_files::lookup(uri.path(), &shared.index_page) {
        Some(file) => (
            [
                (CONTENT_TYPE, file.content_type),
                (CACHE_CONTROL, "no-cache"),
            ],
            file.body,
        )
            .into_response(),
        None => reply(text(StatusCode::NOT_FOUND, "not found\n")),
    }
}

/// `/favicon.ico`, which browsers and tools ask for whatever a page links: the client's icon
/// is an SVG (`favicon.svg`, which the pages link), so this points there.
async fn favicon() -> Response {
    (
        StatusCode::MOVED_PERMANENTLY,
        [(LOCATION, "/favicon.svg"), (CACHE_CONTROL, "max-age=86400")],
    )
        .into_response()
}

async fn not_found() -> Response {
    reply(text(StatusCode::NOT_FOUND, "not found\n"))
}

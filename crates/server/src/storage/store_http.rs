//! The storage routes: `GET /leaderboard?limit=N` and `GET /players/{id}`, as JSON.

use hyper::StatusCode;
use percent_encoding::percent_decode_str;
use tickwire_store::MAX_LEADERBOARD;

use crate::shared::Shared;

/// Rows `/leaderboard` returns without `?limit=`.
const DEFAULT_LIMIT: usize = 10;

/// A response: status, content type and body.
pub(crate) type Answer = (StatusCode, &'static str, String);

const JSON: &str = "application/json";
const TEXT: &str = "text/plain; charset=utf-8";

pub(crate) fn plain(status: StatusCode, body: &str) -> Answer {
    (status, TEXT, format!("{body}\n"))
}

pub(crate) fn storage_off() -> Answer {
    plain(
        StatusCode::SERVICE_UNAVAILABLE,
        "storage is off on this server (started with --database none)",
    )
}

/// `GET /leaderboard`: the top players of this server's game, `limit` (the `?limit=`
/// parameter) of them (1 to 100, default 10; more is cut to 100). The store's rows as they
/// are (their column totals an object), so no game's columns are named here.
pub(crate) async fn leaderboard(limit: Option<&str>, shared: &Shared) -> Answer {
    let limit = match limit {
        None => DEFAULT_LIMIT,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n >= 1 => n.min(MAX_LEADERBOARD),
            _ => {
                return plain(
                    StatusCode::BAD_REQUEST,
                    &format!("limit must be a whole number from 1 to {MAX_LEADERBOARD}"),
                );
            }
        },
    };
    let Some(store) = &shared.store else {
        return storage_off();
    };
    match store.leaderboard(shared.lobby.game_name(), limit).await {
        Ok(rows) => json(&rows),
        Err(e) => failed(&e),
    }
}

/// `GET /players/{id}`: everything stored about one player, its standing in every game
/// included (the id percent-encoded, as in `/players/guest%3Aada`).
pub(crate) async fn player(raw_id: &str, shared: &Shared) -> Answer {
    let id = match percent_decode_str(raw_id).decode_utf8() {
        Ok(id) if !id.is_empty() && id.len() <= 256 && !id.contains('/') => id,
        _ => {
            return plain(
                StatusCode::BAD_REQUEST,
                "a player id is 1 to 256 bytes of percent-encoded UTF-8, without '/'",
            );
        }
    };
    let Some(store) = &shared.store else {
        return storage_off();
    };
    match store.player(&id).await {
        Ok(Some(record)) => json(&record),
        Ok(None) => plain(StatusCode::NOT_FOUND, &format!("no such player: {id}")),
        Err(e) => failed(&e),
    }
}

fn json<T: serde::Serialize>(value: &T) -> Answer {
    match serde_json::to_string(value) {
        Ok(body) => (StatusCode::OK, JSON, body),
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "error"),
    }
}

fn failed(e: &tickwire_store::StoreError) -> Answer {
    tracing::warn!(error = %e, "a storage read failed");
    plain(
        StatusCode::SERVICE_UNAVAILABLE,
        "the database could not be read; try again",
    )
}

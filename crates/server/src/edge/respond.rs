//! Small helpers for HTTP answers: plain text, JSON, and reading a bounded JSON body.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{CONNECTION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use hyper::{Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::shared::Shared;

/// The body of every answer.
pub(crate) type Body = Full<Bytes>;

/// Largest JSON request body the API reads.
pub(crate) const MAX_JSON_BODY: usize = 16 * 1024;

/// A plain text answer.
pub(crate) fn text(status: StatusCode, body: &str) -> Response<Body> {
    typed(status, "text/plain; charset=utf-8", body.to_string())
}

/// An answer with `content_type`.
fn typed(status: StatusCode, content_type: &'static str, body: String) -> Response<Body> {
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// `value` as JSON.
pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    match serde_json::to_string(value) {
        Ok(body) => typed(status, "application/json", body),
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "error\n"),
    }
}

/// A JSON error: `{"error": message}`.
pub(crate) fn json_error(status: StatusCode, message: &str) -> Response<Body> {
    json(status, &serde_json::json!({ "error": message }))
}

/// A 429 for an address that guessed secrets wrong too often; it may try again after `wait`.
pub(crate) fn too_many_guesses(shared: &Shared, wait: std::time::Duration) -> Response<Body> {
    shared.metrics.abuse.guesses_refused.inc();
    let secs = wait.as_secs().max(1);
    let mut resp = json_error(
        StatusCode::TOO_MANY_REQUESTS,
        &format!("too many wrong keys or tokens from your address; try again in {secs} s"),
    );
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        resp.headers_mut().insert(RETRY_AFTER, v);
    }
    resp
}

/// A 408 for a request whose body did not come in time; the connection closes after it, which
/// frees its place in the connection limits.
pub(crate) fn body_timed_out(shared: &Shared) -> Response<Body> {
    shared.metrics.abuse.count_timeout("body");
    tracing::debug!("a request body did not come in time");
    let mut resp = json_error(
        StatusCode::REQUEST_TIMEOUT,
        &format!(
            "the request body did not come within {} s",
            shared.limits.body_timeout.as_secs_f64()
        ),
    );
    resp.headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    resp
}

/// Reads a JSON body of at most [`MAX_JSON_BODY`] bytes into `T`, or answers why not: 413 for a
/// larger body, 408 for one that did not come within `Limits::body_timeout`, 400 naming the
/// field that is unknown or of the wrong type otherwise. An empty body reads as `{}`.
pub(crate) async fn read_json<T: DeserializeOwned>(
    body: axum::body::Body,
    shared: &Shared,
) -> Result<T, Response<Body>> {
    let read = Limited::new(body, MAX_JSON_BODY).collect();
    let Ok(read) = tokio::time::timeout(shared.limits.body_timeout, read).await else {
        return Err(body_timed_out(shared));
    };
    let bytes = match read {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            return Err(json_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("the body is over {MAX_JSON_BODY} bytes"),
            ));
        }
        Err(_) => {
            return Err(json_error(
                StatusCode::BAD_REQUEST,
                "the body could not be read",
            ));
        }
    };
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &bytes
    };
    let mut json = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut json).map_err(|e| {
        let at = e.path().to_string();
        let why = e.into_inner();
        let message = if at == "." {
            format!("bad JSON body: {why}")
        } else {
            format!("bad JSON body: {at}: {why}")
        };
        json_error(StatusCode::BAD_REQUEST, &message)
    })
}

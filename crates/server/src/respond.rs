//! Small helpers for HTTP answers: plain text, JSON, and reading a bounded JSON body.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The body of every answer.
pub(crate) type Body = Full<Bytes>;

/// Largest JSON request body the API reads.
pub(crate) const MAX_JSON_BODY: usize = 16 * 1024;

/// A plain text answer.
pub(crate) fn text(status: StatusCode, body: &str) -> Response<Body> {
    typed(status, "text/plain; charset=utf-8", body.to_string())
}

/// An answer with `content_type`.
pub(crate) fn typed(
    status: StatusCode,
    content_type: &'static str,
    body: String,
) -> Response<Body> {
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

/// Reads a JSON body of at most [`MAX_JSON_BODY`] bytes into `T`, or answers why not: 413 for a
/// larger body, 400 naming the field that is unknown or of the wrong type otherwise. An
/// empty body reads as `{}`.
pub(crate) async fn read_json<T: DeserializeOwned>(body: Incoming) -> Result<T, Response<Body>> {
    let bytes = match Limited::new(body, MAX_JSON_BODY).collect().await {
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

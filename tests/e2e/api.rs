//! HTTP JSON helpers for the rooms and admin API tests: one request per connection.

use std::net::SocketAddr;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::LIMIT;

/// The admin token the API tests start their servers with.
pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";

/// Sends `method path` with an optional bearer `token` and JSON `body`; returns the status and
/// the body as JSON (`Value::Null` when it is not JSON).
pub async fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    call_from(None, addr, method, path, token, body).await
}

/// [`call`] from the local address `local` (another loopback address, such as 127.0.0.2, is
/// another client to the server's per-address limits).
pub async fn call_from(
    local: Option<std::net::IpAddr>,
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let body = body.map(Value::to_string).unwrap_or_default();
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut s = tickwire_client::connect_tcp_from(local, addr, None)
        .await
        .expect("connect");
    s.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    tokio::time::timeout(LIMIT, s.read_to_end(&mut response))
        .await
        .expect("response in time")
        .expect("read");
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text.split_once("\r\n\r\n").expect("a response head");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// `GET path`, without a token.
pub async fn get(addr: SocketAddr, path: &str) -> (u16, Value) {
    call(addr, "GET", path, None, None).await
}

/// Creates a private room through `POST /rooms` (without a token) and returns its id and key.
pub async fn create_private_room(addr: SocketAddr) -> (u64, String) {
    let (status, room) = call(
        addr,
        "POST",
        "/rooms",
        None,
        Some(&serde_json::json!({"private": true})),
    )
    .await;
    assert_eq!(status, 201, "{room}");
    let id = room["id"].as_u64().expect("an id");
    let key = room["key"].as_str().expect("a key").to_owned();
    (id, key)
}

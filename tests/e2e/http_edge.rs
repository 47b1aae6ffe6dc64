//! The HTTP side: health, the client page, and strict refusal of bad upgrade requests.

use crate::harness::{http, start};

#[tokio::test]
async fn health_and_page_are_served() {
    let server = start(0).await;
    let addr = server.local_addr();
    let head = http(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let head = http(addr, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let head = http(addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/html"),
        "{head}"
    );
    let head = http(addr, "GET /nope.js HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
    let head = http(addr, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    server.shutdown().await;
}

#[tokio::test]
async fn bad_upgrades_are_refused_never_101() {
    let server = start(0).await;
    let addr = server.local_addr();
    let key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    let up = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
    let cases = [
        // A plain GET with no upgrade headers.
        ("GET /ws HTTP/1.1\r\nHost: x\r\n\r\n".to_string(), "400"),
        // Not GET.
        (
            format!(
                "POST /ws HTTP/1.1\r\nHost: x\r\n{up}{key}Sec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n"
            ),
            "400",
        ),
        // No key.
        (
            format!("GET /ws HTTP/1.1\r\nHost: x\r\n{up}Sec-WebSocket-Version: 13\r\n\r\n"),
            "400",
        ),
        // A malformed key.
        (
            format!(
                "GET /ws HTTP/1.1\r\nHost: x\r\n{up}Sec-WebSocket-Key: abc\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ),
            "400",
        ),
        // Another version.
        (
            format!("GET /ws HTTP/1.1\r\nHost: x\r\n{up}{key}Sec-WebSocket-Version: 8\r\n\r\n"),
            "426",
        ),
    ];
    for (req, status) in cases {
        let head = http(addr, &req).await;
        assert!(
            head.starts_with(&format!("HTTP/1.1 {status}")),
            "{req:?} got {head}"
        );
        if status == "426" {
            assert!(
                head.to_ascii_lowercase()
                    .contains("sec-websocket-version: 13"),
                "{head}"
            );
        }
    }
    server.shutdown().await;
}

/// Every page and API answer carries the security headers: a content security policy (the
/// bundled client's own scripts only, no framing), nosniff, frame and referrer policies.
#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let server = start(0).await;
    let addr = server.local_addr();
    for path in [
        "/",
        "/main.js",
        "/rooms",
        "/healthz",
        "/nope.js",
        "/rooms/99",
    ] {
        let head = http(addr, &format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n"))
            .await
            .to_ascii_lowercase();
        for header in [
            "content-security-policy: default-src 'self'; script-src 'self';",
            "frame-ancestors 'none'",
            "x-content-type-options: nosniff",
            "x-frame-options: deny",
            "referrer-policy: no-referrer",
        ] {
            assert!(head.contains(header), "{path}: no {header} in {head}");
        }
    }
    server.shutdown().await;
}

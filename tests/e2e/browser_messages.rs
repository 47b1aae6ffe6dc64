//! What the page tells a player, in real Chromium: the server's admission check answers what its
//! upgrade would (and `/favicon.ico` points at the icon), a refused join token is shown with the
//! server's reason at once and not retried (the page asks the server's admission check, since
//! its socket cannot see the refusal), and the drain's notice counts down once, in its own words,
//! and goes with the socket, with the scoreboard.

use std::time::Duration;

use serde_json::{Value, json};
use tickwire_server::auth::join_token::JoinSecret;
use tickwire_server::{Server, ServerConfig};

use crate::api::call;
use crate::browser::{artifact, chromium_or_skip, wait_joined};
use crate::cdp::{Chromium, Page};
use crate::harness::{self, LIMIT, arena_config, wait_for};

/// How soon a refusal's reason must show once the page has loaded.
const REASON_WITHIN: Duration = Duration::from_secs(2);
/// How long the test watches for a retry after the refusal.
const NO_RETRY_FOR: Duration = Duration::from_secs(3);

/// The server's count of refused join tokens, of every reason.
fn tokens_refused(server: &Server) -> u64 {
    crate::harness::metric_sum(server, "tickwire_tokens_refused_total{") as u64
}

/// Waits (bounded) until the page's script runs.
async fn loaded(page: &mut Page) {
    wait_for(LIMIT, "the page loads", async || {
        let ready = page
            .try_eval("typeof window.tickwire === 'object'")
            .await
            .unwrap_or(Value::Null);
        (ready == true).then_some(()).ok_or(ready.to_string())
    })
    .await;
}

#[tokio::test]
async fn the_admission_check_answers_what_the_upgrade_would() {
    let server = harness::start_arena(
        ServerConfig {
            join_secret: JoinSecret::new(b"check-secret"),
            ..arena_config()
        },
        0,
    )
    .await;
    let addr = server.local_addr();
    let (status, answer) = call(addr, "GET", "/ws/check", Some("not-a-token"), None).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["ok"], false);
    assert_eq!(answer["status"], 401);
    assert!(
        answer["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("invalid join token")),
        "{answer}"
    );
    let (_, missing) = call(addr, "GET", "/ws/check", None, None).await;
    assert_eq!(
        (missing["status"].clone(), missing["reason"].clone()),
        (json!(401), json!("a join token is required"))
    );
    // The upgrade itself answers the same.
    let head = harness::http(
        addr,
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    )
    .await;
    assert!(head.starts_with("HTTP/1.1 401"), "{head}");
    // A good token (in Authorization, as a page's fetch sends it) is let in; a room that does
    // not run is 404, as at the upgrade.
    use tickwire_server::auth::join_token::{JoinClaims, RoomClaim, sign};
    let secret = JoinSecret::new(b"check-secret").expect("secret");
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        + 300;
    let claims = |room| JoinClaims {
        sub: "p".into(),
        name: "p".into(),
        room,
        exp,
    };
    let good = sign(&claims(RoomClaim::Any), &secret);
    let (_, ok) = call(addr, "GET", "/ws/check", Some(&good), None).await;
    assert_eq!(ok, json!({ "ok": true }));
    let (_, no_room) = call(addr, "GET", "/ws/check?room=77", Some(&good), None).await;
    assert_eq!(
        (no_room["status"].clone(), no_room["reason"].clone()),
        (json!(404), json!("no such room: 77"))
    );
    let wrong = sign(&claims(RoomClaim::Id(9)), &secret);
    let (_, wrong_room) = call(addr, "GET", "/ws/check", Some(&wrong), None).await;
    assert_eq!(wrong_room["status"], 403, "{wrong_room}");
    // The icon browsers ask for whatever the page links is the page's SVG.
    let head = harness::http(addr, "GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(
        head.starts_with("HTTP/1.1 301")
            && head.to_ascii_lowercase().contains("location: /favicon.svg"),
        "{head}"
    );
    let head = harness::http(addr, "GET /favicon.svg HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(
        head.starts_with("HTTP/1.1 200") && head.contains("image/svg+xml"),
        "{head}"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_join_token_is_shown_with_its_reason_and_not_retried() {
    let Some(program) = chromium_or_skip(
        "browser_messages::a_refused_join_token_is_shown_with_its_reason_and_not_retried",
    ) else {
        return;
    };
    let server = harness::start_arena(
        ServerConfig {
            join_secret: JoinSecret::new(b"browser-secret"),
            ..arena_config()
        },
        0,
    )
    .await;
    let mut chrome = Chromium::launch(&program).await;
    let url = format!("http://{}/?name=ada&token=not-a-token", server.local_addr());
    let mut page = chrome.open(&url).await;
    loaded(&mut page).await;
    let shown = wait_for(REASON_WITHIN, "the refusal's reason shows", async || {
        let text = page.eval("window.tickwire.stats().statusText").await;
        let text = text.as_str().unwrap_or_default().to_owned();
        text.contains("invalid join token")
            .then_some(text.clone())
            .ok_or(text)
    })
    .await;
    eprintln!("refused token: the page says {shown:?}");
    // No blind retries: the page asked once and stopped.
    let retried = tokio::time::timeout(NO_RETRY_FOR, async {
        wait_for(NO_RETRY_FOR * 2, "a retry", async || {
            (tokens_refused(&server) > 2)
                .then_some(())
                .ok_or(String::new())
        })
        .await
    })
    .await;
    assert!(
        retried.is_err(),
        "the page kept trying: {} refusals",
        tokens_refused(&server)
    );
    assert!(
        tokens_refused(&server) <= 2,
        "{} refusals",
        tokens_refused(&server)
    );
    assert_eq!(server.shared().metrics.players.get(), 0);
    page.screenshot(&artifact("refused-token.png")).await;
    assert!(page.errors().is_empty(), "{:#?}", page.errors());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drain_notice_counts_down_once_and_goes_with_the_socket() {
    let Some(program) = chromium_or_skip(
        "browser_messages::the_drain_notice_counts_down_once_and_goes_with_the_socket",
    ) else {
        return;
    };
    let server = harness::start_arena(
        ServerConfig {
            shutdown_grace: Duration::from_secs(3),
            ..arena_config()
        },
        1,
    )
    .await;
    let mut chrome = Chromium::launch(&program).await;
    let mut page = chrome
        .open(&format!("http://{}/?name=ada", server.local_addr()))
        .await;
    wait_joined(&mut page, &chrome).await;
    // Errors after the drain are the page's attempts to reach a server that is gone.
    assert!(page.errors().is_empty(), "{:#?}", page.errors());
    let stop = tokio::spawn(server.shutdown());
    let mut seen: Vec<String> = Vec::new();
    let end = wait_for(LIMIT, "the socket closes and the notice goes", async || {
        let v = page
            .eval(
                "({ notice: window.tickwire.panels().notice, connected: window.tickwire.stats().connected, \
                   scores: document.querySelectorAll('#scoreboard .sb-row').length, \
                   status: window.tickwire.stats().statusText })",
            )
            .await;
        if let Some(text) = v["notice"].as_str()
            && seen.last().map(String::as_str) != Some(text)
        {
            seen.push(text.to_owned());
        }
        let over = v["connected"] == false && v["notice"].is_null() && !seen.is_empty();
        over.then_some(v.clone()).ok_or(v.to_string())
    })
    .await;
    assert_eq!(
        end["scores"], 0,
        "the old scoreboard went with the socket: {end}"
    );
    // Each line the server's own words, its one number counting down: 3, 2, 1, 0.
    for text in &seen {
        assert!(
            text.starts_with("The server is restarting; this match ends in ")
                && text.ends_with(" s")
                && !text.contains("left"),
            "{seen:?}"
        );
    }
    assert!(seen.len() >= 2, "the notice counted down: {seen:?}");
    eprintln!(
        "drain: the notice read {seen:?}, then went; the page says {}",
        end["status"]
    );
    stop.await.expect("shutdown");
}

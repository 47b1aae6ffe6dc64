//! Stalls are network, not abuse. A page whose link stalls (the server's link conditioner holding
//! both directions, or the page offline) keeps its seat, entity and score: it is never closed for
//! flooding nor refused its resume, and it says "connection lost, reconnecting" within a second
//! of snapshots stopping and takes it away when they come back. A page that sends its inputs
//! through a stall anyway (an older client) is not taken for a flood: they are owed by the tick
//! clock. A real flood is still closed with 4003, and its seat is held for a resume like a
//! dropped connection's.

use std::time::Duration;

use serde_json::json;
use tickwire_client::{GameClient, Received};
use tickwire_protocol::{ServerMsg, close};
use tickwire_server::CloseReason;
use tickwire_server::LinkSim;
use tickwire_server::{Server, ServerConfig};
use tokio::time::Instant;

use crate::browser::{back_in_seat, chromium_or_skip, die_once, wait_joined};
use crate::cdp::{Chromium, Page};
use crate::harness::{LIMIT, arena_config, arena_on_map, server_frame, start_with, wait_for};
use crate::resume::DUEL_MAP;

/// What the page shows while snapshots are missing (web-client/link_watch.js).
const STALL_TEXT: &str = "Connection lost, reconnecting…";
/// Time the page has, after its join, to score before its link first stalls.
const BEFORE_STALL: Duration = Duration::from_secs(7);

/// A duel server whose sessions stall for `stall` once `BEFORE_STALL` after they start (and again
/// every `stall + BEFORE_STALL`), with 20 ms of latency each way.
async fn stalling_server(stall: Duration) -> Server {
    let config = ServerConfig {
        reconnect_window: Duration::from_secs(20),
        link_sim: LinkSim {
            latency: Duration::from_millis(20),
            jitter: Duration::ZERO,
            stall_every: stall + BEFORE_STALL,
            stall,
        },
        ..arena_config()
    };
    start_with(config, arena_on_map(DUEL_MAP).games()).await
}

/// Waits (up to `limit`) until the page says its connection is lost; returns how long after its
/// last snapshot it noticed.
async fn notice_shown(page: &mut Page, limit: Duration) -> f64 {
    wait_for(limit, "the page says the connection is lost", async || {
        let s = page.eval("window.tickwire.stats()").await;
        if s["linkStalled"] == true && s["statusText"] == STALL_TEXT {
            Ok(s["stallNoticedAfterMs"].as_f64().unwrap_or(f64::NAN))
        } else {
            Err(format!("{s}"))
        }
    })
    .await
}

/// Neither a flood close (4003) nor a refused resume (4010) was sent, and the page's entity is in
/// the server's world.
fn nothing_refused(server: &Server, own: u32, what: &str) {
    let m = &server.shared().metrics;
    assert_eq!(m.closes(CloseReason::Flood), 0, "{what}: no 4003");
    assert_eq!(m.resumes_refused.get(), 0, "{what}: no 4010");
    let frame = server_frame(server).expect("a frame");
    assert!(
        frame.state.find(tickwire_protocol::EntityId(own)).is_some(),
        "{what}: the page's entity is in the server's world"
    );
}

/// One stall of `stall` on a fresh server: the page scores, its link stalls, it says so within a
/// second, and it comes back to the same seat with its score.
async fn ride_out(chrome: &mut Chromium, stall: Duration) {
    let server = stalling_server(stall).await;
    let mut page = chrome
        .open(&format!("http://{}/?name=ada", server.local_addr()))
        .await;
    let own = wait_joined(&mut page, chrome).await;
    let deaths = die_once(&server, &mut page, own).await;
    let noticed = notice_shown(&mut page, BEFORE_STALL + LIMIT).await;
    let shown_at = Instant::now();
    back_in_seat(&mut page, own, deaths, stall + LIMIT).await;
    let m = &server.shared().metrics;
    println!(
        "stall {stall:?}: noticed {noticed:.0} ms after the last snapshot; back {:?} after the notice; \
         seats resumed {}, inputs {} (dropped {})",
        shown_at.elapsed(),
        m.seats_resumed.get(),
        m.inputs.get(),
        m.inputs_dropped.get(),
    );
    assert!(noticed <= 1000.0, "noticed within a second: {noticed} ms");
    nothing_refused(&server, own, &format!("a {stall:?} stall"));
    // The tab stops reconnecting to a server that is gone.
    page.cdp
        .call("Page.navigate", json!({ "url": "about:blank" }))
        .await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_keeps_its_seat_and_score_through_stalls_of_2_5_and_5_s() {
    let Some(program) =
        chromium_or_skip("stall::a_page_keeps_its_seat_and_score_through_stalls_of_2_5_and_5_s")
    else {
        return;
    };
    let mut chrome = Chromium::launch(&program).await;
    for ms in [2_500, 5_000] {
        ride_out(&mut chrome, Duration::from_millis(ms)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_keeps_its_seat_and_score_through_a_15_s_stall() {
    let Some(program) =
        chromium_or_skip("stall::a_page_keeps_its_seat_and_score_through_a_15_s_stall")
    else {
        return;
    };
    let mut chrome = Chromium::launch(&program).await;
    ride_out(&mut chrome, Duration::from_secs(15)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_offline_for_4_s_keeps_its_seat_and_score() {
    let Some(program) = chromium_or_skip("stall::a_page_offline_for_4_s_keeps_its_seat_and_score")
    else {
        return;
    };
    let server = crate::resume::start_duel(Duration::from_secs(20)).await;
    let mut chrome = Chromium::launch(&program).await;
    // The network domain is on before the page opens its socket: DevTools' conditions apply to
    // the connections made while it is on.
    let mut page = chrome.open("about:blank").await;
    page.cdp.call("Network.enable", json!({})).await;
    let url = format!("http://{}/?name=ada", server.local_addr());
    page.cdp.call("Page.navigate", json!({ "url": url })).await;
    let own = wait_joined(&mut page, &chrome).await;
    let deaths = die_once(&server, &mut page, own).await;

    // DevTools' "Offline", as the README suggests trying.
    let offline = |on: bool| json!({ "offline": on, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 });
    page.cdp
        .call("Network.emulateNetworkConditions", offline(true))
        .await;
    let went = Instant::now();
    let noticed = notice_shown(&mut page, LIMIT).await;
    // The notice stays up for the whole time offline.
    wait_for(LIMIT, "4 s offline, the notice up throughout", async || {
        let s = page.eval("window.tickwire.stats()").await;
        assert_eq!(
            s["statusText"], STALL_TEXT,
            "the notice stays while offline"
        );
        (went.elapsed() >= Duration::from_secs(4))
            .then_some(())
            .ok_or_else(|| format!("offline for {:?}", went.elapsed()))
    })
    .await;
    page.cdp
        .call("Network.emulateNetworkConditions", offline(false))
        .await;
    let online = Instant::now();
    back_in_seat(&mut page, own, deaths, LIMIT).await;
    let m = &server.shared().metrics;
    println!(
        "offline 4 s: noticed {noticed:.0} ms after the last snapshot; back {:?} after going online; \
         seats resumed {}, inputs {} (dropped {})",
        online.elapsed(),
        m.seats_resumed.get(),
        m.inputs.get(),
        m.inputs_dropped.get(),
    );
    assert!(noticed <= 1000.0, "noticed within a second: {noticed} ms");
    nothing_refused(&server, own, "4 s offline");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_sends_its_inputs_through_a_5_s_stall_is_not_taken_for_a_flood() {
    let Some(program) = chromium_or_skip(
        "stall::a_page_that_sends_its_inputs_through_a_5_s_stall_is_not_taken_for_a_flood",
    ) else {
        return;
    };
    let stall = Duration::from_secs(5);
    let server = stalling_server(stall).await;
    let mut chrome = Chromium::launch(&program).await;
    let mut page = chrome
        .open(&format!("http://{}/?name=ada", server.local_addr()))
        .await;
    let own = wait_joined(&mut page, &chrome).await;
    // A page that does not notice the stall (an older client): it sends an input every tick
    // into the stall, and they all arrive together when it clears, 300 of them.
    page.eval("window.tickwire.ignoreStalls()").await;
    let m = &server.shared().metrics;
    wait_for(BEFORE_STALL + LIMIT, "the link stalls", async || {
        let stalled = m.netcode.chunks_stalled.get();
        (stalled > 0)
            .then_some(())
            .ok_or(format!("{stalled} chunks stalled"))
    })
    .await;
    let before = m.inputs.get();
    wait_for(stall + LIMIT, "the stall's inputs arrive", async || {
        let inputs = m.inputs.get() - before;
        (inputs >= 250)
            .then_some(())
            .ok_or(format!("{inputs} inputs since the stall began"))
    })
    .await;
    // The page plays on, on the same connection.
    let tick = page.eval("window.tickwire.stats().worldTick").await;
    wait_for(LIMIT, "snapshots come again", async || {
        let s = page.eval("window.tickwire.stats()").await;
        (s["connected"] == true && s["worldTick"].as_u64() > tick.as_u64())
            .then_some(())
            .ok_or(format!("{s}"))
    })
    .await;
    assert_eq!(m.seats_resumed.get(), 0, "the same connection");
    nothing_refused(&server, own, "a page sending through a stall");
    println!(
        "old-style page through a {stall:?} stall: {} inputs arrived at once, none a flood",
        m.inputs.get() - before
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_flood_is_closed_with_4003_and_its_seat_held() {
    let server = crate::resume::start_duel(Duration::from_secs(20)).await;
    let addr = server.local_addr();
    let mut c = tokio::time::timeout(LIMIT, GameClient::join(addr, "flood"))
        .await
        .expect("join in time")
        .expect("join");
    let own = c.welcome.as_ref().expect("welcomed").entity_id;
    let token = c.resume_token().expect("a resume token").to_owned();
    // 1,000 new inputs a second, for at most 5 s.
    let mut every = tokio::time::interval(Duration::from_millis(1));
    let start = Instant::now();
    let mut seq = 0u32;
    while start.elapsed() < Duration::from_secs(5) {
        every.tick().await;
        seq += 1;
        let input = crate::harness::arena_input(seq, tickwire_arena::ArenaInput::default());
        if c.send(&input).await.is_err() {
            break;
        }
    }
    let sent_for = start.elapsed();
    // The Kick message says the code; the close frame may be lost to the socket's reset.
    let mut kick = None;
    let code = loop {
        match tokio::time::timeout(LIMIT, c.recv())
            .await
            .expect("in time")
        {
            Ok(Received::Closed { code, .. }) => break code,
            Ok(Received::Message(ServerMsg::Kick(k))) => kick = Some(k.code),
            Ok(_) => {}
            Err(e) => break kick.unwrap_or_else(|| panic!("no Kick before {e}")),
        }
    };
    assert_eq!(code, close::FLOODING, "a flood is closed with 4003");
    assert_eq!(
        server.shared().metrics.closes(CloseReason::Flood),
        1,
        "counted as a flood"
    );
    println!("flood: {seq} inputs sent in {sent_for:?}, closed with {code}");
    // The flood cost the connection, not the seat: a resume takes it back.
    let back = tokio::time::timeout(LIMIT, GameClient::resume(addr, &token))
        .await
        .expect("resume in time")
        .expect("resumed");
    assert_eq!(
        back.welcome.as_ref().expect("welcomed").entity_id,
        own,
        "the same entity"
    );
    assert_eq!(server.shared().metrics.seats_resumed.get(), 1);
    server.shutdown().await;
}

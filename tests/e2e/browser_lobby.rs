//! The lobby in real Chromium: a page lists the room it plays in and gives its share link, a
//! second page joins that room by the link, and a third creates a private room from the lobby
//! form and plays in it.

use serde_json::Value;

use crate::browser::{chromium_or_skip, wait_joined};
use crate::cdp::{Chromium, Page};
use crate::harness::{self, LIMIT, arena_config, wait_for};

async fn stats(page: &mut Page) -> Value {
    page.eval("window.tickwire.stats()").await
}

async fn room_of(page: &mut Page) -> u64 {
    stats(page).await["room"].as_u64().expect("stats().room")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lobby_lists_a_room_and_its_share_link_joins_it() {
    let Some(program) =
        chromium_or_skip("browser_lobby::the_lobby_lists_a_room_and_its_share_link_joins_it")
    else {
        return;
    };
    let server = harness::start_arena(arena_config(), 0).await;
    let addr = server.local_addr();
    let mut chrome = Chromium::launch(&program).await;

    let mut alice = chrome.open(&format!("http://{addr}/?name=alice")).await;
    wait_joined(&mut alice, &chrome).await;
    let room = room_of(&mut alice).await;

    // M opens the lobby over the game; it lists this room with its player and a share link.
    alice.focus().await;
    alice.key(true, "m", "KeyM", 77).await;
    alice.key(false, "m", "KeyM", 77).await;
    let share = wait_for(LIMIT, "the lobby lists the room", async || {
        let seen = alice
            .eval(&format!(
                "(() => {{ const row = document.querySelector('#lobby-rooms [data-room=\"{room}\"]'); \
                 const link = document.getElementById('lobby-share'); \
                 return {{ open: !document.getElementById('lobby').hidden, \
                 row: row ? row.textContent : null, link: link ? link.href : null }}; }})()"
            ))
            .await;
        match (&seen["open"], seen["row"].as_str(), seen["link"].as_str()) {
            (Value::Bool(true), Some(row), Some(link)) if row.contains("1/32") => {
                Ok(link.to_string())
            }
            _ => Err(seen.to_string()),
        }
    })
    .await;
    assert_eq!(share, format!("http://{addr}/?room={room}"));

    // A second page opens the share link and lands in the same room.
    let mut bob = chrome.open(&format!("{share}&name=bob")).await;
    wait_joined(&mut bob, &chrome).await;
    assert_eq!(room_of(&mut bob).await, room);
    wait_for(LIMIT, "alice's scoreboard shows bob", async || {
        let text = alice
            .eval("document.getElementById('scoreboard').textContent")
            .await;
        let text = text.as_str().unwrap_or_default().to_owned();
        text.contains("bob").then_some(()).ok_or(text)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_room_created_in_the_lobby_is_played_and_not_listed() {
    let Some(program) = chromium_or_skip(
        "browser_lobby::a_private_room_created_in_the_lobby_is_played_and_not_listed",
    ) else {
        return;
    };
    let server = harness::start_arena(arena_config(), 0).await;
    let addr = server.local_addr();
    let mut chrome = Chromium::launch(&program).await;
    // No name in the address: the join form shows, with the lobby beside it.
    let mut page = chrome.open(&format!("http://{addr}/")).await;
    wait_for(LIMIT, "the lobby offers the maps", async || {
        let n = page
            .eval("document.querySelectorAll('#lobby-create select option').length")
            .await;
        (n.as_u64() == Some(2)).then_some(()).ok_or(n.to_string())
    })
    .await;
    page.eval(
        "(() => { const f = document.getElementById('lobby-create'); \
         f.querySelector('select').value = 'duel'; f.querySelector('[name=capacity]').value = '4'; \
         f.querySelector('[name=bots]').value = '1'; f.querySelector('[name=private]').checked = true; \
         f.requestSubmit(); return true; })()",
    )
    .await;
    // The lobby confirms the room with its share link, and the page's address becomes the
    // room's: the name form takes a name and the game starts there.
    let (url, link) = wait_for(LIMIT, "the lobby shows the new room's link", async || {
        let v = page
            .try_eval(
                "({ href: location.href, link: document.getElementById('lobby-created-link')?.value ?? null, \
                   box: document.getElementById('lobby-created')?.textContent ?? '' })",
            )
            .await
            .unwrap_or_default();
        match (v["href"].as_str(), v["link"].as_str()) {
            (Some(href), Some(link))
                if href.contains("room=") && href.contains("key=") && link.contains("key=") && page_ready(&mut page).await =>
            {
                Ok((href.to_owned(), link.to_owned()))
            }
            _ => Err(v.to_string()),
        }
    })
    .await;
    assert!(link.starts_with(&format!("http://{addr}/?room=")), "{link}");
    page.screenshot(&crate::browser::artifact("lobby-created.png"))
        .await;
    page.eval(
        "(() => { document.getElementById('name').value = 'host'; \
         document.getElementById('join-form').requestSubmit(); return true; })()",
    )
    .await;
    wait_joined(&mut page, &chrome).await;
    let room = room_of(&mut page).await;
    assert!(url.contains(&format!("room={room}&")), "{url}");
    // Another page opens the shared link into the same room.
    let mut guest = chrome.open(&format!("{link}&name=guest")).await;
    wait_joined(&mut guest, &chrome).await;
    assert_eq!(room_of(&mut guest).await, room);
    for p in [&page, &guest] {
        assert!(p.errors().is_empty(), "{:#?}", p.errors());
    }
    let info = server
        .shared()
        .lobby
        .rooms(true)
        .into_iter()
        .find(|r| u64::from(r.id) == room)
        .expect("the room runs");
    assert!(info.private);
    assert_eq!((info.map.as_str(), info.capacity), ("duel", 4));
    assert!(
        server
            .shared()
            .lobby
            .rooms(false)
            .iter()
            .all(|r| u64::from(r.id) != room),
        "a private room is in the public list"
    );
}

/// True once the page's script has loaded (its `window.tickwire` exists).
async fn page_ready(page: &mut Page) -> bool {
    page.try_eval("typeof window.tickwire === 'object' && document.readyState === 'complete'")
        .await
        == Some(Value::Bool(true))
}

//! The replay viewer in a real browser, against a real server that records its matches: an
//! arena server with storage in a temporary directory and `--record` on runs its first room's
//! match of just over two minutes with 8 bots and a joined client (so the match is stored), and a
//! private room made by `POST /rooms` (`"private": true, "record": true`) its own. The lobby at
//! `/` lists the public match under "Recent matches"; its Watch link opens the bundled page at
//! `/?replay=ID`, which fetches `/matches/{id}/replay/view` from the server's own handler (which
//! converts the stored recording and caches the stream as `{id}.twview`). The test drives the
//! page's own controls (keys and clicks through CDP): a seek to 2:00 shows exactly the world the
//! re-simulated recording (the server's `/matches/{id}/replay`) captures at that tick, a pause
//! holds the tick, 4x plays four times as fast as 1x, a followed bot stays in the camera's
//! centre, a kill marker lands just before its kill; an unknown match, the private room's
//! recording without its key (and with it), and a cached stream cut short on disk are shown
//! clearly.
//!
//! The match is played in real time (about 2 minutes of the test's wall time, waiting on the
//! room's ticks); libtest runs the other tests of the binary beside it meanwhile.

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{Value, json};
use tickwire_arena::ArenaSettings;
use tickwire_protocol::{Baselines, ServerMsg, World, apply_delta};
use tickwire_replay::read_viewer_stream;
use tickwire_server::RecordingSettings;
use tickwire_server::recording::replay_sim::worlds_at;
use tickwire_server::{Database, Limits, NewGame, Server, ServerConfig};

use crate::api::call;
use crate::arena_entity::arena_entities;
use crate::browser::{artifact, chromium_or_skip};
use crate::cdp::{Chromium, Page};
use crate::harness::{self, LIMIT, arena_config, follow, wait_for};
use crate::recording::{Got, files_in, get_raw, json as json_of};

const RATE: u32 = 60;
const BOTS: u32 = 8;
/// The match: just over two minutes, so that 2:00 is in it.
const MATCH_SECONDS: u64 = 125;
/// Where the test seeks: 2:00.
const SEEK_SECONDS: u64 = 120;
/// How long the page may take to load and index the stream.
const LOAD_LIMIT: Duration = Duration::from_secs(30);
/// The kill markers jump this far before their kill (replay/player.js KILL_LEAD_SECONDS).
const KILL_LEAD_TICKS: i64 = 2 * RATE as i64;

/// The arena as the server runs it (and as its recordings re-simulate).
fn arena_games() -> impl NewGame {
    ArenaSettings::new(None, BOTS, RATE).expect("arena").games()
}

/// An arena server that stores its matches in `dir` and records every room's, with matches of
/// `MATCH_SECONDS` and players who may stay quiet for longer than a match.
fn recording_server(dir: &tempfile::TempDir) -> ServerConfig {
    ServerConfig {
        tick_rate: RATE,
        seed: 0x71e,
        match_length: Duration::from_secs(MATCH_SECONDS),
        database: Database::Sqlite(dir.path().join("tickwire.db")),
        recordings: RecordingSettings {
            record: true,
            ..RecordingSettings::default()
        },
        limits: Limits {
            idle_timeout: Duration::from_secs(10 * MATCH_SECONDS),
            ..Limits::default()
        },
        ..arena_config()
    }
}

/// Waits until the public room has run `tick` ticks, on its frames (the match's wall time, so
/// bounded by `limit` rather than [`LIMIT`]).
async fn until_tick(server: &Server, tick: u32, limit: Duration) {
    let room = server.shared().lobby.rooms(false)[0].id;
    let mut frames = server.shared().lobby.room(room).expect("the room").frames;
    tokio::time::timeout(limit, async {
        loop {
            let now = frames
                .borrow_and_update()
                .as_ref()
                .map_or(0, |f| f.tick().0);
            if now >= tick {
                return;
            }
            frames.changed().await.expect("the room runs");
        }
    })
    .await
    .unwrap_or_else(|_| panic!("the room reaches tick {tick} within {limit:?}"));
}

/// `GET path`, which must answer 200; its body.
async fn get_ok(addr: SocketAddr, path: &str) -> Vec<u8> {
    let got: Got = get_raw(addr, path, "").await;
    assert_eq!(
        got.status,
        200,
        "{path}: {} {}",
        got.head,
        String::from_utf8_lossy(&got.body)
    );
    got.body
}

/// The kill events of a viewer stream, each at the tick of the snapshot after it (the page's
/// rule), and the stream's first and last snapshot ticks.
fn stream_kills(stream: &[u8]) -> (Vec<i64>, i64, i64) {
    let messages = read_viewer_stream(stream, usize::MAX).expect("the stream reads");
    let ServerMsg::Welcome(welcome) = &messages[0] else {
        panic!("the stream starts with a Welcome");
    };
    let schema = &welcome.schema;
    let kill = schema
        .desc()
        .events
        .iter()
        .position(|k| k.name == "kill")
        .expect("the arena has a kill event");
    let (mut kills, mut pending, mut ticks) = (Vec::new(), 0, Vec::new());
    let mut world = World::default();
    for m in &messages[1..] {
        match m {
            ServerMsg::Snapshot(s) => {
                let mut next = World::default();
                let base = Baselines {
                    baseline: s.schema.is_none().then_some(&world),
                    previous: None,
                };
                apply_delta(schema, &s.body.0, base, &mut next).expect("a snapshot applies");
                world = next;
                let tick = i64::from(world.tick.0);
                kills.extend(std::iter::repeat_n(tick, pending));
                pending = 0;
                ticks.push(tick);
            }
            ServerMsg::Event(e) if usize::from(e.kind) == kill => pending += 1,
            _ => {}
        }
    }
    (kills, ticks[0], ticks[ticks.len() - 1])
}

/// Waits `n` of the page's animation frames.
async fn frames(page: &mut Page, n: u32) {
    page.eval(&format!(
        "new Promise((done) => {{ let n = {n}; const f = () => (--n <= 0 ? done(true) : requestAnimationFrame(f)); requestAnimationFrame(f); }})"
    ))
    .await;
}

async fn state(page: &mut Page) -> Value {
    page.eval("window.tickwire.replay.state()").await
}

fn int(v: &Value, key: &str) -> i64 {
    v[key]
        .as_i64()
        .or_else(|| v[key].as_f64().map(|f| f as i64))
        .unwrap_or_else(|| panic!("{key} in {v}"))
}

fn num(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("{key} in {v}"))
}

/// A left click at (`x`, `y`), CSS pixels.
async fn click(page: &mut Page, x: f64, y: f64) {
    for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
        page.cdp
            .call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            )
            .await;
    }
}

/// The centre of the element `selector`.
async fn centre(page: &mut Page, selector: &str) -> (f64, f64) {
    let r = page
        .eval(&format!(
            "(() => {{ const r = document.querySelector('{selector}').getBoundingClientRect(); return {{x: r.left + r.width / 2, y: r.top + r.height / 2, left: r.left, width: r.width}}; }})()"
        ))
        .await;
    (num(&r, "x"), num(&r, "y"))
}

/// Presses and releases a key.
async fn press(page: &mut Page, key: &str, code: &str, vk: u32) {
    page.key(true, key, code, vk).await;
    page.key(false, key, code, vk).await;
}

/// Ticks the replay moves on per second of the page's frames, over `ms`.
async fn rate(page: &mut Page, ms: u32) -> f64 {
    let r = page
        .eval(&format!(
            "new Promise((done) => {{ let t0 = null, k0 = 0; const f = (now) => {{ const s = window.tickwire.replay.state(); \
             if (t0 === null) {{ t0 = now; k0 = s.exactTick; }} \
             if (now - t0 >= {ms}) done({{ticks: s.exactTick - k0, ms: now - t0}}); else requestAnimationFrame(f); }}; requestAnimationFrame(f); }})"
        ))
        .await;
    num(&r, "ticks") / (num(&r, "ms") / 1000.0)
}

/// Opens `/?query` on `server` and waits until the replay has loaded or said why not.
async fn open_replay(page: &mut Page, server: SocketAddr, query: &str) -> Value {
    page.navigate(&format!("http://{server}/?{query}")).await;
    replay_loaded(page).await
}

/// Opens `/?query` on `server`, which must say why it cannot play, in words that contain each of
/// `says`; the page's state.
async fn refused(page: &mut Page, server: SocketAddr, query: &str, says: &[&str]) -> Value {
    let s = open_replay(page, server, query).await;
    assert!(
        s["error"]
            .as_str()
            .is_some_and(|e| says.iter().all(|w| e.contains(w))),
        "{query}: {s}"
    );
    s
}

/// Waits until the page's replay has loaded or said why not; its state.
async fn replay_loaded(page: &mut Page) -> Value {
    wait_for(LOAD_LIMIT, "the replay loads or is refused", async || {
        let s = page
            .try_eval(
                "window.tickwire && window.tickwire.replay ? window.tickwire.replay.state() : null",
            )
            .await
            .unwrap_or(Value::Null);
        if s["loaded"] == true || s["error"].is_string() {
            Ok(s)
        } else {
            Err(format!("state {s}"))
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_match_plays_in_the_browser_with_seek_pause_speed_follow_and_kill_markers() {
    let Some(program) = chromium_or_skip(
        "replay_viewer::a_recorded_match_plays_in_the_browser_with_seek_pause_speed_follow_and_kill_markers",
    ) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let server = harness::start_arena(recording_server(&dir), BOTS).await;
    let addr = server.local_addr();
    // A private room that records its match, with a player of its own (a match with no human
    // player is not stored).
    let asked = json!({"private": true, "record": true, "bots": 2});
    let (status, room) = call(addr, "POST", "/rooms", None, Some(&asked)).await;
    assert_eq!(status, 201, "{room}");
    let (private_room, key) = (
        room["id"].as_u64().expect("an id"),
        room["key"].as_str().expect("a key").to_owned(),
    );
    let c = tickwire_client::GameClient::connect_path(
        addr,
        &format!("/ws?room={private_room}&key={key}"),
    )
    .await
    .expect("connect");
    let friend = tokio::time::timeout(LIMIT, tickwire_client::GameClient::join_with(c, "friend"))
        .await
        .expect("join in time")
        .expect("join");
    // Both players' sessions are read (and kept) in tasks of their own until the server stops.
    let _friend = follow(friend);
    let _ada = follow(harness::join(&server, "ada").await);

    // The public room's first match ends; the writer finishes its file and the row names it.
    let end = u32::try_from(MATCH_SECONDS).expect("seconds") * RATE;
    until_tick(
        &server,
        end,
        Duration::from_secs(MATCH_SECONDS) + Duration::from_secs(60),
    )
    .await;
    let id = wait_for(LIMIT, "the match in /matches/recent", async || {
        let got = get_raw(addr, "/matches/recent", "").await;
        match json_of(&got) {
            Value::Array(list) if !list.is_empty() => list[0]["id"]
                .as_str()
                .map(str::to_owned)
                .ok_or(format!("{list:?}")),
            other => Err(format!("{} {other}", got.status)),
        }
    })
    .await;
    let recordings = dir.path().join("recordings");
    // The private room's match: the other finished file (it started a moment later).
    let private = wait_for(LIMIT, "the private room's recording", async || {
        let other = files_in(&recordings).into_iter().find(|f| *f != id);
        let Some(other) = other else {
            return Err("no file yet".into());
        };
        let got = get_raw(addr, &format!("/matches/{other}/replay?key={key}"), "").await;
        match got.status {
            200 => Ok(other),
            s => Err(format!("{s} {}", String::from_utf8_lossy(&got.body))),
        }
    })
    .await;
    let cached = recordings.join(format!("{id}.twview"));
    assert!(!cached.exists(), "nothing has asked for the stream yet");

    // The lobby at `/` lists the match; its Watch link opens the viewer on it.
    let mut chrome = Chromium::launch(&program).await;
    let mut page = chrome.open(&format!("http://{addr}/")).await;
    let link = format!("#lobby-recent .lobby-row[data-match=\"{id}\"] a.lobby-replay");
    let (wx, wy) = wait_for(LOAD_LIMIT, "the lobby's Watch link", async || {
        let r = page
            .try_eval(&format!(
                "(() => {{ const a = document.querySelector('{link}'); if (!a || a.offsetParent === null) return null; a.scrollIntoView({{block: 'center'}}); \
                 const r = a.getBoundingClientRect(); return {{x: r.left + r.width / 2, y: r.top + r.height / 2, href: a.getAttribute('href')}}; }})()"
            ))
            .await
            .unwrap_or(Value::Null);
        if r.is_object() {
            assert_eq!(r["href"], format!("/?replay={id}"));
            Ok((num(&r, "x"), num(&r, "y")))
        } else {
            Err(format!("{r}"))
        }
    })
    .await;
    click(&mut page, wx, wy).await;
    let loaded = replay_loaded(&mut page).await;
    assert_eq!(loaded["error"], Value::Null, "{loaded}");
    assert_eq!(loaded["loaded"], true, "{loaded}");
    let at = page.eval("location.pathname + location.search").await;
    assert_eq!(at, format!("/?replay={id}"), "the Watch link was followed");
    assert!(
        cached.is_file(),
        "the server converted and cached the stream"
    );
    page.focus().await;

    // What the page was served, and the recording itself, from the server's own routes.
    let stream = get_ok(addr, &format!("/matches/{id}/replay/view")).await;
    let recording = get_ok(addr, &format!("/matches/{id}/replay")).await;
    let (kills, first, last) = stream_kills(&stream);
    assert!(
        last - first >= (MATCH_SECONDS as i64 - 1) * i64::from(RATE),
        "{first}..{last}"
    );
    assert!(!kills.is_empty(), "8 bots kill someone in two minutes");
    let s = state(&mut page).await;
    assert_eq!((int(&s, "firstTick"), int(&s, "lastTick")), (first, last));
    let page_kills: Vec<i64> = s["kills"]
        .as_array()
        .expect("kills")
        .iter()
        .map(|k| k.as_i64().expect("a tick"))
        .collect();
    assert_eq!(
        page_kills, kills,
        "the page's kill markers are the stream's kill events"
    );
    let markers = page
        .eval("document.querySelectorAll('#replay-bar .replay-kill').length")
        .await;
    assert_eq!(markers.as_u64(), Some(kills.len() as u64));
    assert_eq!(s["playing"], true, "it plays at once");

    // Pause (K): the tick holds.
    press(&mut page, "k", "KeyK", 75).await;
    wait_for(LIMIT, "K pauses", async || {
        let s = state(&mut page).await;
        if s["playing"] == false {
            Ok(())
        } else {
            Err(format!("{s}"))
        }
    })
    .await;
    let held = state(&mut page).await["exactTick"].clone();
    frames(&mut page, 30).await;
    assert_eq!(
        state(&mut page).await["exactTick"],
        held,
        "paused, the tick holds"
    );

    // Seek to 2:00 with a click on the seek bar: the snapshot at or before the point clicked.
    let bar = page
        .eval("(() => { const r = document.getElementById('replay-seek').getBoundingClientRect(); return {left: r.left, width: r.width, y: r.top + r.height / 2}; })()")
        .await;
    let target = first + (SEEK_SECONDS * u64::from(RATE)) as i64;
    let frac = (target - first) as f64 / (last - first) as f64;
    // The thumb is 16 px wide (replay.css): its centre runs from 8 px in to 8 px from the end.
    let x = num(&bar, "left") + 8.0 + frac * (num(&bar, "width") - 16.0);
    click(&mut page, x, num(&bar, "y")).await;
    let at = wait_for(LIMIT, "the click seeks near 2:00", async || {
        let s = state(&mut page).await;
        let tick = int(&s, "tick");
        if (tick - target).abs() <= i64::from(RATE) {
            Ok(tick)
        } else {
            Err(format!("{s}"))
        }
    })
    .await;
    frames(&mut page, 3).await;
    let s = state(&mut page).await;
    assert_eq!(s["playing"], false, "a seek keeps the pause");
    assert_eq!(
        num(&s, "exactTick"),
        at as f64,
        "a seek lands on a whole snapshot tick"
    );
    let shown = page.eval("window.tickwire.replay.shown()").await;
    assert_eq!(num(&shown, "tick"), at as f64);
    let captured = {
        let recording = recording.clone();
        tokio::task::spawn_blocking(move || worlds_at(&recording, &arena_games(), &[at as u64]))
            .await
            .expect("re-simulated")
            .expect("the recording re-simulates to the tick")
    };
    let mut want: Vec<(u64, f64, f64)> = arena_entities(&captured[0])
        .filter(|e| e.hp > 0)
        .map(|e| {
            (
                u64::from(e.id.0),
                f64::from(e.x) / 16.0,
                f64::from(e.y) / 16.0,
            )
        })
        .collect();
    let mut got: Vec<(u64, f64, f64)> = shown["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| (e["id"].as_u64().expect("id"), num(e, "x"), num(e, "y")))
        .collect();
    want.sort_by_key(|e| e.0);
    got.sort_by_key(|e| e.0);
    assert!(want.len() >= 8, "the 8 bots at least: {want:?}");
    assert_eq!(
        got.iter().map(|e| e.0).collect::<Vec<_>>(),
        want.iter().map(|e| e.0).collect::<Vec<_>>(),
        "the entities drawn at tick {at} are the re-simulated world's"
    );
    for (g, w) in got.iter().zip(&want) {
        assert!(
            (g.1 - w.1).abs() < 1.0 / 32.0 && (g.2 - w.2).abs() < 1.0 / 32.0,
            "entity {} at tick {at}: drawn at ({}, {}), the recording has ({}, {})",
            g.0,
            g.1,
            g.2,
            w.1,
            w.2
        );
    }
    println!(
        "replay_viewer: seek to tick {at} (2:00 is {target}), {} entities as re-simulated",
        got.len()
    );

    page.screenshot(&artifact("replay_viewer.png")).await;

    // Speeds: from 1:00, 1x and then 4x (its button), measured in the page's own frames.
    let bar = page.eval("(() => { const r = document.getElementById('replay-seek').getBoundingClientRect(); return {left: r.left, width: r.width, y: r.top + r.height / 2}; })()").await;
    click(
        &mut page,
        num(&bar, "left") + 8.0 + 0.4 * (num(&bar, "width") - 16.0),
        num(&bar, "y"),
    )
    .await;
    press(&mut page, " ", "Space", 32).await;
    wait_for(LIMIT, "Space plays", async || {
        let s = state(&mut page).await;
        if s["playing"] == true {
            Ok(())
        } else {
            Err(format!("{s}"))
        }
    })
    .await;
    let one = rate(&mut page, 1500).await;
    let (bx, by) = centre(&mut page, "#replay-bar .replay-speed[data-speed=\"4\"]").await;
    click(&mut page, bx, by).await;
    wait_for(LIMIT, "the 4x button", async || {
        let s = state(&mut page).await;
        if s["speed"] == 4 {
            Ok(())
        } else {
            Err(format!("{s}"))
        }
    })
    .await;
    let four = rate(&mut page, 1500).await;
    println!("replay_viewer: {one:.1} ticks/s at 1x, {four:.1} at 4x");
    assert!(
        (one - f64::from(RATE)).abs() < 0.15 * f64::from(RATE),
        "1x: {one} ticks a second"
    );
    assert!(
        (3.5..4.5).contains(&(four / one)),
        "4x is four times 1x: {four} / {one}"
    );
    let (bx, by) = centre(&mut page, "#replay-bar .replay-speed[data-speed=\"1\"]").await;
    click(&mut page, bx, by).await;

    // Follow (F): the followed entity stays in the camera's centre (stopped at the map's edges).
    press(&mut page, "f", "KeyF", 70).await;
    let followed = wait_for(LIMIT, "F follows a player", async || {
        let s = state(&mut page).await;
        s["follow"].as_u64().ok_or(format!("{s}"))
    })
    .await;
    let track = page
        .eval(&format!(
            "new Promise((done) => {{ const out = []; const f = () => {{ const r = window.tickwire.replay; \
             const e = r.shown().entities.find((e) => e.id === {followed}); const v = r.view(); \
             if (e) out.push({{x: e.x, y: e.y, cx: v.camera.x, cy: v.camera.y, w: v.worldWidth, h: v.worldHeight, mw: v.map.width, mh: v.map.height}}); \
             if (out.length >= 40) done(out); else requestAnimationFrame(f); }}; requestAnimationFrame(f); }})"
        ))
        .await;
    let clamp = |c: f64, view: f64, size: f64| {
        if view >= size {
            size / 2.0
        } else {
            c.clamp(view / 2.0, size - view / 2.0)
        }
    };
    for p in track.as_array().expect("frames") {
        let (ex, ey) = (
            clamp(num(p, "x"), num(p, "w"), num(p, "mw")),
            clamp(num(p, "y"), num(p, "h"), num(p, "mh")),
        );
        assert!(
            (num(p, "cx") - ex).abs() < 1e-6 && (num(p, "cy") - ey).abs() < 1e-6,
            "the camera follows entity {followed}: {p}"
        );
    }
    assert_eq!(state(&mut page).await["follow"].as_u64(), Some(followed));

    // A kill marker (one at least 3 s in): paused, a click lands just before its kill.
    press(&mut page, "k", "KeyK", 75).await;
    // Markers of kills close together overlap (the later on top, as drawn): one that stands
    // alone, 2 s from any other, at least 2 s in.
    let alone = 2 * i64::from(RATE);
    let k = (0..kills.len())
        .find(|&i| {
            kills[i] - first >= alone
                && kills
                    .iter()
                    .enumerate()
                    .all(|(j, &t)| j == i || (t - kills[i]).abs() >= alone)
        })
        .expect("a kill that stands alone");
    let (mx, my) = centre(
        &mut page,
        &format!("#replay-bar .replay-kill[data-kill=\"{k}\"]"),
    )
    .await;
    let hit = page
        .eval(&format!(
            "(() => {{ const e = document.elementFromPoint({mx}, {my}); return e ? e.outerHTML.slice(0, 200) : null; }})()"
        ))
        .await;
    assert!(
        hit.as_str()
            .is_some_and(|h| h.contains(&format!("data-kill=\"{k}\""))),
        "marker {k} is on top at its centre: {hit}"
    );
    click(&mut page, mx, my).await;
    let landed = wait_for(LIMIT, "the kill marker seeks", async || {
        let s = state(&mut page).await;
        let before = kills[k] - int(&s, "tick");
        if s["playing"] == false && before > 0 && before <= KILL_LEAD_TICKS + 2 {
            Ok(int(&s, "tick"))
        } else {
            Err(format!("kill at {}: {s}", kills[k]))
        }
    })
    .await;
    println!(
        "replay_viewer: marker of the kill at {} landed at {landed}",
        kills[k]
    );

    // Refusals and a damaged stream are said plainly.
    let s = refused(
        &mut page,
        addr,
        "replay=404404",
        &["no recording of match 404404"],
    )
    .await;
    let status = page
        .eval("document.getElementById('status').textContent")
        .await;
    assert_eq!(status, s["error"], "the page shows it");
    let private_query = format!("replay={private}");
    refused(&mut page, addr, &private_query, &["needs the room's key"]).await;
    let wrong = format!("{private_query}&key=wrong");
    refused(&mut page, addr, &wrong, &["does not open the recording"]).await;
    let s = open_replay(&mut page, addr, &format!("{private_query}&key={key}")).await;
    assert_eq!(s["loaded"], true, "with the key: {s}");
    // The cached stream, cut short on disk: the server serves what it has cached, and the page
    // says the stream is cut off.
    std::fs::write(&cached, &stream[..stream.len() / 2]).expect("cut the cached stream");
    let cut = format!("replay={id}");
    refused(&mut page, addr, &cut, &["cannot be played", "cut off"]).await;
    // The refusals are logged as errors on purpose; nothing may throw.
    let thrown: Vec<String> = page
        .errors()
        .into_iter()
        .filter(|l| l.starts_with("exception"))
        .collect();
    assert!(thrown.is_empty(), "no exceptions: {thrown:?}");
    drop(chrome);
    server.shutdown().await;
}

//! The replay viewer in a real browser: a 2.5-minute arena match of 8 bots, recorded in-process
//! as fast as it runs by the rooms' own recorder and turned into a viewer stream by
//! `replay_sim::viewer_stream`, is played by the bundled page at `/?replay=ID`, which fetches it
//! from `/matches/{id}/replay/view`. The test drives the page's own controls (keys and clicks
//! through CDP): a seek to 2:00 shows exactly the world the re-simulated recording captures at
//! that tick, a pause holds the tick, 4x plays four times as fast as 1x, a followed bot stays in
//! the camera's centre, a kill marker lands just before its kill; refusals and a damaged stream
//! are shown clearly.
//!
//! Until the server serves recordings itself, a small front on its own port answers
//! `/matches/{id}/replay/view` from the streams made here and passes every other request to the
//! real server (which serves the page); the page's address for the stream is the real one.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tickwire_arena::ArenaSettings;
use tickwire_protocol::{Baselines, ServerMsg, World, apply_delta};
use tickwire_replay::read_viewer_stream;
use tickwire_server::Metrics;
use tickwire_server::recording::replay_sim::{recording_header, viewer_stream, worlds_at};
use tickwire_server::{GameOptions, NewGame, recording::recording_writer};
use tickwire_server::{Room, RoomConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::arena_entity::arena_entities;
use crate::browser::{artifact, chromium_or_skip};
use crate::cdp::{Chromium, Page};
use crate::harness::{self, LIMIT, wait_for};

const RATE: u32 = 60;
/// The match: two and a half minutes.
const MATCH_TICKS: u64 = 150 * RATE as u64;
/// Where the test seeks: 2:00.
const SEEK_SECONDS: u64 = 120;
/// How long the page may take to load and index the stream.
const LOAD_LIMIT: Duration = Duration::from_secs(30);
/// The kill markers jump this far before their kill (replay/player.js KILL_LEAD_SECONDS).
const KILL_LEAD_TICKS: i64 = 2 * RATE as i64;
/// Match ids the front serves: the recording, a private room's (key `KEY`), a damaged stream.
const OPEN: &str = "7";
const PRIVATE: &str = "8";
const KEY: &str = "k3y";
const DAMAGED: &str = "666";

/// Eight bots for `MATCH_TICKS`, recorded by the room's recorder; the file's bytes.
fn record_match() -> Vec<u8> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("match.twr");
    let games = arena_games();
    let game = games
        .new_game_with(
            0x71e,
            &GameOptions {
                map: None,
                bots: Some(8),
                tick_rate: RATE,
            },
        )
        .expect("an arena");
    let metrics = Arc::new(Metrics::default());
    let header = recording_header(game.as_ref(), 0x71e, (RATE, 2), 0);
    let writer = recording_writer::start(&path, header, 1 << 20, metrics.clone())
        .expect("the recording starts");
    let config = RoomConfig {
        tick_rate: RATE,
        ticks_per_snapshot: 2,
        capacity: 8,
        view_radius: None,
        hold_ticks: 0,
        max_rewind_ticks: 12,
    };
    let mut room = Room::new(game, config, metrics).with_recording(writer.recording);
    for _ in 0..MATCH_TICKS {
        room.tick();
    }
    assert!(room.is_recording(), "nothing was lost");
    drop(room);
    writer
        .thread
        .join()
        .expect("the writer thread")
        .expect("the recording is written");
    std::fs::read(&path).expect("the recording")
}

fn arena_games() -> impl NewGame {
    ArenaSettings::new(None, 8, RATE).expect("arena").games()
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

/// A stream the front serves: the key it asks for, if any, and its bytes.
type Streams = Arc<HashMap<&'static str, (Option<&'static str>, Vec<u8>)>>;

/// The front: `GET /matches/{id}/replay/view` from `streams`, anything else passed to `server`,
/// one request a connection.
async fn start_front(server: SocketAddr, streams: Streams) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            tokio::spawn(serve_one(conn, server, streams.clone()));
        }
    });
    addr
}

async fn serve_one(mut conn: TcpStream, server: SocketAddr, streams: Streams) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > 64 << 10 {
            return;
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let target = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
    if let Some(rest) = target.strip_prefix("/matches/") {
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let key = query.strip_prefix("key=");
        let id = path.strip_suffix("/replay/view").unwrap_or("");
        let (status, kind, body) = match streams.get(id) {
            None => (
                404,
                "application/json",
                br#"{"error":"no such match"}"#.to_vec(),
            ),
            Some((Some(want), _)) if key != Some(*want) => (
                403,
                "application/json",
                br#"{"error":"a private room's recording"}"#.to_vec(),
            ),
            Some((_, bytes)) => (200, "application/octet-stream", bytes.clone()),
        };
        let head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        let _ = conn.write_all(head.as_bytes()).await;
        let _ = conn.write_all(&body).await;
        let _ = conn.shutdown().await;
        return;
    }
    let Ok(mut upstream) = TcpStream::connect(server).await else {
        return;
    };
    let end = head
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(head.len(), |p| p + 4);
    let lines: Vec<&str> = text[..end.min(text.len())]
        .split("\r\n")
        .filter(|l| !l.is_empty() && !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    let request = format!("{}\r\nconnection: close\r\n\r\n", lines.join("\r\n"));
    if upstream.write_all(request.as_bytes()).await.is_err() {
        return;
    }
    let _ = tokio::io::copy(&mut upstream, &mut conn).await;
    let _ = conn.shutdown().await;
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

/// Opens `/?replay=id...` and waits until it has loaded or said why not.
async fn open_replay(page: &mut Page, front: SocketAddr, query: &str) -> Value {
    page.navigate(&format!("http://{front}/?{query}")).await;
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
    let recording = tokio::task::spawn_blocking(record_match)
        .await
        .expect("recorded");
    let stream = {
        let recording = recording.clone();
        tokio::task::spawn_blocking(move || viewer_stream(&recording, &arena_games()))
            .await
            .expect("converted")
            .expect("the recording converts")
    };
    let (kills, first, last) = stream_kills(&stream);
    assert!(last - first >= 149 * i64::from(RATE), "{first}..{last}");
    assert!(!kills.is_empty(), "8 bots kill someone in 2.5 minutes");
    let mut damaged = stream.clone();
    let cut = damaged.len() / 2;
    damaged.truncate(cut);
    let streams: Streams = Arc::new(HashMap::from([
        (OPEN, (None, stream.clone())),
        (PRIVATE, (Some(KEY), stream.clone())),
        (DAMAGED, (None, damaged)),
    ]));
    let server = harness::start(0).await;
    let front = start_front(server.local_addr(), streams).await;

    let mut chrome = Chromium::launch(&program).await;
    let mut page = chrome.open("about:blank").await;
    page.focus().await;
    let loaded = open_replay(&mut page, front, &format!("replay={OPEN}")).await;
    assert_eq!(loaded["error"], Value::Null, "{loaded}");
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
    let s = open_replay(&mut page, front, "replay=404404").await;
    assert!(
        s["error"]
            .as_str()
            .is_some_and(|e| e.contains("no recording of match 404404")),
        "{s}"
    );
    let status = page
        .eval("document.getElementById('status').textContent")
        .await;
    assert_eq!(status, s["error"], "the page shows it");
    let s = open_replay(&mut page, front, &format!("replay={PRIVATE}")).await;
    assert!(
        s["error"]
            .as_str()
            .is_some_and(|e| e.contains("needs the room's key")),
        "{s}"
    );
    let s = open_replay(&mut page, front, &format!("replay={PRIVATE}&key={KEY}")).await;
    assert_eq!(s["loaded"], true, "with the key: {s}");
    let s = open_replay(&mut page, front, &format!("replay={DAMAGED}")).await;
    assert!(
        s["error"]
            .as_str()
            .is_some_and(|e| e.contains("cannot be played") && e.contains("cut off")),
        "{s}"
    );
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

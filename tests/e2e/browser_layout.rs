//! The page at every size, in real Chromium: a phone (touch, portrait), a Pixel 7, 800x600,
//! 1920x1080 and 2560x1440, every panel open at once (scoreboard, results, leaderboard, net
//! graph, lobby, a notice, the match timer, the HUD): no two panels overlap and each is on
//! screen, every screen sees the same world width at its pixel ratio, and no page logs an
//! error. On the phone, a drag on the left half moves the player on the server and a tap on the
//! right half fires a shot the server's world holds. Screenshots of each size go to
//! `target/test-artifacts/`.

use std::time::Duration;

use serde_json::{Value, json};
use tickwire_protocol::EntityId;
use tickwire_server::AdminToken;
use tickwire_server::ServerConfig;

use crate::api::{ADMIN_TOKEN, call};
use crate::arena_entity::{PROJECTILE, arena_entity};
use crate::browser::{artifact, chromium_or_skip, wait_joined};
use crate::cdp::{Chromium, Page};
use crate::harness::{self, LIMIT, arena_config, record_frames, server_frame, wait_for};

/// How long a tap is given to become a shot before the thumb taps again: past the arena's fire
/// cooldown (0.25 s), with room for a busy page's input timer.
const TAP_AGAIN: std::time::Duration = std::time::Duration::from_millis(600);

/// One screen the page is tried on.
struct Screen {
    width: u32,
    height: u32,
    scale: f64,
    touch: bool,
}

const SCREENS: [Screen; 5] = [
    Screen {
        width: 360,
        height: 640,
        scale: 3.0,
        touch: true,
    },
    // A Pixel 7.
    Screen {
        width: 412,
        height: 915,
        scale: 2.625,
        touch: true,
    },
    Screen {
        width: 800,
        height: 600,
        scale: 1.0,
        touch: false,
    },
    Screen {
        width: 1920,
        height: 1080,
        scale: 1.0,
        touch: false,
    },
    Screen {
        width: 2560,
        height: 1440,
        scale: 1.0,
        touch: false,
    },
];

/// The page's panels, each of which must have a place of its own.
const PANELS: &str = "['hud', 'netgraph', 'scoreboard', 'results', 'leaderboard', 'lobby', 'notice', \
     'status', 'timer', 'killfeed', 'menu', 'banner', 'spectating', 'touch-help', 'join']";

/// Half a CSS pixel: rounding of fractional layouts.
const SLACK: f64 = 0.5;
/// How far a thumb's drag must move the player on the server, world units.
const MIN_TOUCH_MOVE: f64 = 100.0;

/// A panel's box on screen.
#[derive(Debug)]
struct Panel {
    id: String,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

/// The boxes of the panels on screen (displayed, not empty), and the screen's size.
async fn panels(page: &mut Page) -> (Vec<Panel>, f64, f64) {
    let v = page
        .eval(&format!(
            "(() => {{ const out = []; for (const id of {PANELS}) {{ \
               const el = document.getElementById(id); if (!el) continue; \
               const r = el.getBoundingClientRect(); const st = getComputedStyle(el); \
               if (r.width < 1 || r.height < 1 || st.display === 'none' || st.visibility === 'hidden') continue; \
               out.push({{ id, x: r.left, y: r.top, w: r.width, h: r.height }}); }} \
             return {{ panels: out, width: innerWidth, height: innerHeight }}; }})()"
        ))
        .await;
    let list = v["panels"]
        .as_array()
        .expect("panels")
        .iter()
        .map(|p| Panel {
            id: p["id"].as_str().expect("id").to_owned(),
            x: p["x"].as_f64().expect("x"),
            y: p["y"].as_f64().expect("y"),
            w: p["w"].as_f64().expect("w"),
            h: p["h"].as_f64().expect("h"),
        })
        .collect();
    (
        list,
        v["width"].as_f64().expect("width"),
        v["height"].as_f64().expect("height"),
    )
}

/// Every pair of panels that overlap, and every panel that leaves the screen.
fn layout_faults(panels: &[Panel], width: f64, height: f64) -> Vec<String> {
    let mut faults = Vec::new();
    for (i, a) in panels.iter().enumerate() {
        if a.x < -SLACK || a.y < -SLACK || a.x + a.w > width + SLACK || a.y + a.h > height + SLACK {
            faults.push(format!("{a:?} leaves the {width}x{height} screen"));
        }
        for b in &panels[i + 1..] {
            let dx = (a.x + a.w).min(b.x + b.w) - a.x.max(b.x);
            let dy = (a.y + a.h).min(b.y + b.h) - a.y.max(b.y);
            if dx > SLACK && dy > SLACK {
                faults.push(format!("{a:?} overlaps {b:?}"));
            }
        }
    }
    faults
}

#[test]
fn overlapping_and_off_screen_panels_are_found() {
    let p = |id: &str, x, y, w, h| Panel {
        id: id.into(),
        x,
        y,
        w,
        h,
    };
    let side_by_side = [p("a", 0.0, 0.0, 10.0, 10.0), p("b", 10.0, 0.0, 10.0, 10.0)];
    assert!(layout_faults(&side_by_side, 20.0, 10.0).is_empty());
    let crossing = [p("a", 0.0, 0.0, 10.0, 10.0), p("b", 5.0, 5.0, 10.0, 10.0)];
    assert_eq!(layout_faults(&crossing, 20.0, 20.0).len(), 1);
    assert_eq!(layout_faults(&side_by_side, 15.0, 10.0).len(), 1);
}

/// Opens `url` on a fresh page emulating `screen`.
async fn open_on(chrome: &mut Chromium, screen: &Screen, url: &str) -> Page {
    let mut page = chrome.open("about:blank").await;
    page.emulate(screen.width, screen.height, screen.scale, screen.touch)
        .await;
    page.navigate(url).await;
    page
}

/// Clicks the menu button `which` until its panel is open.
async fn open_panel(page: &mut Page, which: &str) {
    wait_for(LIMIT, &format!("the {which} panel opens"), async || {
        let pressed = page
            .eval(&format!(
                "(() => {{ const b = document.getElementById('menu-{which}'); \
                 if (b.getAttribute('aria-pressed') !== 'true') b.click(); \
                 return b.getAttribute('aria-pressed'); }})()"
            ))
            .await;
        (pressed == "true").then_some(()).ok_or(pressed.to_string())
    })
    .await;
}

/// What the page says of its panels and its view.
async fn page_state(page: &mut Page) -> Value {
    page.eval(
        "({ view: window.tickwire.view(), panels: window.tickwire.panels(), \
           results: window.tickwire.results().visible, \
           lobbyRows: document.querySelectorAll('#lobby-rooms .lobby-row').length, \
           scoreRows: document.querySelectorAll('#scoreboard .sb-row').length, \
           board: !document.getElementById('leaderboard').hidden, \
           graph: !document.getElementById('netgraph').hidden, \
           canvas: [document.getElementById('game').width, document.getElementById('game').height], \
           css: [innerWidth, innerHeight], dpr: devicePixelRatio })",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_lays_out_its_panels_apart_and_sees_the_same_world() {
    let Some(program) = chromium_or_skip(
        "browser_layout::every_screen_lays_out_its_panels_apart_and_sees_the_same_world",
    ) else {
        return;
    };
    // Short matches: the timer runs and the results card comes every few seconds. No bots, so
    // that every projectile in the world is a page's.
    let server = harness::start_arena(
        ServerConfig {
            match_length: Duration::from_secs(4),
            admin_token: Some(AdminToken::new(ADMIN_TOKEN).expect("long enough")),
            ..arena_config()
        },
        0,
    )
    .await;
    let addr = server.local_addr();
    let mut chrome = Chromium::launch(&program).await;
    let mut world_width = None;
    for (n, screen) in SCREENS.iter().enumerate() {
        let size = format!("{}x{}", screen.width, screen.height);
        // The join screen first: the form and the lobby, nothing over them.
        let mut join = open_on(&mut chrome, screen, &format!("http://{addr}/")).await;
        wait_for(LIMIT, "the join screen lists the rooms", async || {
            let n = join
                .eval("document.querySelectorAll('#lobby-create select option').length")
                .await;
            (n.as_u64() >= Some(1)).then_some(()).ok_or(n.to_string())
        })
        .await;
        let (boxes, w, h) = panels(&mut join).await;
        let faults = layout_faults(&boxes, w, h);
        assert!(faults.is_empty(), "join screen {size}: {faults:#?}");
        join.screenshot(&artifact(&format!("join-{size}.png")))
            .await;
        assert!(
            join.errors().is_empty(),
            "join screen {size}: {:#?}",
            join.errors()
        );

        let mut page = open_on(
            &mut chrome,
            screen,
            &format!("http://{addr}/?name=screen-{n}"),
        )
        .await;
        wait_joined(&mut page, &chrome).await;
        for which in ["scores", "board", "net", "rooms"] {
            open_panel(&mut page, which).await;
        }
        let (status, _) = call(
            addr,
            "POST",
            "/admin/notice",
            Some(ADMIN_TOKEN),
            Some(&json!({ "text": "Maintenance tonight: the server restarts for an update; matches are stored", "seconds_left": 600 })),
        )
        .await;
        assert_eq!(status, 200, "the notice is sent");
        // Everything at once: timer, notice, results, leaderboard, net graph, lobby, scores.
        let state = wait_for(LIMIT, &format!("every panel shows at {size}"), async || {
            let s = page_state(&mut page).await;
            let p = &s["panels"];
            let all = p["timer"].is_string()
                && p["notice"].is_string()
                && s["results"] == true
                && s["board"] == true
                && s["graph"] == true
                && s["lobbyRows"].as_u64() >= Some(1)
                && s["scoreRows"].as_u64() >= Some(2);
            all.then_some(s.clone()).ok_or(s.to_string())
        })
        .await;
        let (boxes, w, h) = panels(&mut page).await;
        let faults = layout_faults(&boxes, w, h);
        page.screenshot(&artifact(&format!("layout-{size}.png")))
            .await;
        assert!(faults.is_empty(), "{size}: {faults:#?}");
        let shown: Vec<&str> = boxes.iter().map(|p| p.id.as_str()).collect();
        for id in [
            "hud",
            "netgraph",
            "scoreboard",
            "results",
            "leaderboard",
            "lobby",
            "notice",
            "timer",
        ] {
            assert!(
                shown.contains(&id),
                "{size}: {id} is not on screen: {shown:?}"
            );
        }

        // The same world width on every screen, spanning it, drawn at the pixel ratio.
        let view = &state["view"];
        let width = view["worldWidth"].as_f64().expect("worldWidth");
        assert_eq!(*world_width.get_or_insert(width), width, "{size}: {view}");
        let css = state["css"][0].as_f64().expect("innerWidth");
        let zoom = view["zoom"].as_f64().expect("zoom");
        assert!((zoom * width - css).abs() < 1.0, "{size}: {view}");
        let dpr = state["dpr"].as_f64().expect("dpr");
        assert_eq!(
            state["canvas"][0].as_f64(),
            Some((css * dpr).round()),
            "{size}: {state}"
        );
        assert!(
            (dpr - screen.scale).abs() < 1e-9 && view["touch"] == screen.touch,
            "{size}: {state}"
        );
        eprintln!(
            "layout {size}: {} panels apart, world {width} wide",
            boxes.len()
        );

        if screen.touch && n == 0 {
            touch_moves_and_fires(&mut page, &server, screen).await;
        }
        assert!(page.errors().is_empty(), "{size}: {:#?}", page.errors());
    }
    drop(chrome);
    server.shutdown().await;
}

/// On a phone: a drag on the left half moves the player on the server; a tap on the right half
/// fires a shot that the server's world holds.
async fn touch_moves_and_fires(page: &mut Page, server: &tickwire_server::Server, screen: &Screen) {
    let own = page.eval("window.tickwire.stats().ownEntityId").await;
    let own = EntityId(u32::try_from(own.as_u64().expect("own entity")).expect("u32"));
    // The panels a thumb would not reach through: the lobby goes.
    open_panel(page, "rooms").await;
    page.eval("document.getElementById('menu-rooms').click()")
        .await;
    let frames = record_frames(server);
    let start = wait_for(
        LIMIT,
        "the page's player is alive",
        async || match server_frame(server).and_then(|f| arena_entity(&f.state, own)) {
            Some(e) if e.hp > 0 => Ok(e),
            e => Err(format!("{e:?}")),
        },
    )
    .await;
    let map_width = 2000.0 * 16.0;
    let sign = if f64::from(start.x) > map_width / 2.0 {
        -1.0
    } else {
        1.0
    };
    let (x0, y0) = (
        f64::from(screen.width) * 0.2,
        f64::from(screen.height) * 0.8,
    );
    page.focus().await;
    page.touch("touchStart", &[(1, x0, y0)]).await;
    page.touch("touchMove", &[(1, x0 + sign * 30.0, y0)]).await;
    page.touch("touchMove", &[(1, x0 + sign * 60.0, y0)]).await;
    // The thumb stays down until the server has the player far enough along.
    let moved = wait_for(
        LIMIT,
        "a drag on the left half moves the player",
        async || {
            let now = server_frame(server).and_then(|f| arena_entity(&f.state, own));
            match now {
                Some(e) if sign * f64::from(e.x - start.x) / 16.0 >= MIN_TOUCH_MOVE => Ok(e),
                e => Err(format!("from {start:?} to {e:?}")),
            }
        },
    )
    .await;
    page.touch("touchEnd", &[]).await;
    eprintln!(
        "touch: the drag moved the player from x {} to {} (1/16 units)",
        start.x, moved.x
    );
    let before = frames.lock().keys().next_back().copied().unwrap_or(0);
    let judged_before = shots_judged(server);
    let (tx, ty) = (
        f64::from(screen.width) * 0.8,
        f64::from(screen.height) * 0.45,
    );
    // A shot into a nearby wall lives a few ticks, which a busy machine's recorder can miss:
    // the thumb taps again (every tap a shot of its own) until the server's world shows one,
    // to the recorder or to the page (which confirms its predicted shot when the server's
    // projectile reaches it in a snapshot), or the server counts a firing input it judged.
    let mut taps = 0u32;
    let mut last_tap = None;
    wait_for(LIMIT, "a tap on the right half fires", async || {
        let shot = frames
            .lock()
            .range(before..)
            .any(|(_, f)| f.state.entities().iter().any(|e| e.kind == PROJECTILE));
        if shot {
            return Ok(());
        }
        let st = page
            .eval("(() => { const s = window.tickwire.stats(); return { shots: s.shotsPredicted, confirmed: s.shotsConfirmed, own: s.ownPosition, sent: s.inputsSent }; })()")
            .await;
        if st["confirmed"].as_u64() > Some(0) || shots_judged(server) > judged_before {
            return Ok(());
        }
        // Another tap once the last one was shot, or once it had time to be (a tap taken in
        // the fire cooldown of the one before is no shot).
        let shot_or_late = st["shots"].as_u64() >= Some(u64::from(taps))
            || last_tap.is_none_or(|t: std::time::Instant| t.elapsed() > TAP_AGAIN);
        if shot_or_late {
            taps += 1;
            last_tap = Some(std::time::Instant::now());
            page.touch("touchStart", &[(1 + taps, tx, ty)]).await;
            page.touch("touchEnd", &[]).await;
        }
        Err(format!(
            "no projectile in the server's world after {taps} taps; the page: {st}; console: {:?}",
            page.console()
        ))
    })
    .await;
    let shots = page.eval("window.tickwire.stats().shotsPredicted").await;
    assert!(shots.as_u64() >= Some(1), "the page drew its shot: {shots}");
    eprintln!("touch: {taps} tap(s), the server's world held a shot");
    page.screenshot(&artifact("touch-360x640.png")).await;
}

/// The firing inputs the server has judged (lag compensation counts each:
/// `tickwire_rewound_shots_total`).
fn shots_judged(server: &tickwire_server::Server) -> f64 {
    harness::metric_sum(server, "tickwire_rewound_shots_total")
}

//! Tag's own page in real Chromium, against the tag example served in-process as its binary
//! serves it (`ServerConfig::index_page`): two pages join at `/`, the first is "it" and is
//! steered onto the other with the arrow keys; the other page's `world()` then shows the game's
//! own `it` field moved to its runner, its HUD says so, and its screenshot shows that runner red
//! and the other blue. The arena's page, still at `/index.html`, is refused by the same server
//! and says why. Without a browser the tests skip loudly (fail under CI).

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use tickwire_example_tag::{BASE_HALF, FIELD, PAGE, Tag};
use tickwire_server::{Game, Server, ServerConfig};

use crate::browser::chromium_or_skip;
use crate::cdp::{Chromium, Page};
use crate::harness::{LIMIT, start_with, wait_for};
use crate::png;

/// Where the screenshot is written.
const ARTIFACTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/target/test-artifacts");
/// How long "it" may take to reach the other runner: the field's diagonal at "it"'s speed is
/// under 7 s.
const CHASE_LIMIT: Duration = Duration::from_secs(30);
/// Distance on an axis under which a page stops pressing that axis's key, world units.
const DEAD: f64 = 6.0;
/// How far the tagger runs from the new "it" before the picture is taken, world units.
const ESCAPE: f64 = 120.0;
/// W, A, S, D: key, code, virtual key code.
const KEYS: [(&str, &str, u32); 4] = [
    ("w", "KeyW", 87),
    ("a", "KeyA", 65),
    ("s", "KeyS", 83),
    ("d", "KeyD", 68),
];

/// A runner as a page's `world()` has it (world units).
#[derive(Clone, Debug, PartialEq)]
struct Runner {
    id: u32,
    x: f64,
    y: f64,
    it: bool,
}

/// A page's `stats()`, its runners and its HUD line, from one evaluation.
struct View {
    stats: Value,
    runners: Vec<Runner>,
    hud: String,
}

impl View {
    fn runner(&self, id: u32) -> Option<&Runner> {
        self.runners.iter().find(|r| r.id == id)
    }
}

async fn view(page: &mut Page) -> View {
    let v = page
        .eval("({ stats: window.tickwire.stats(), world: window.tickwire.world() })")
        .await;
    let runners = v["world"]
        .as_array()
        .expect("world() is an array")
        .iter()
        .filter(|e| e["kind"] == "runner")
        .map(|e| Runner {
            id: e["id"].as_u64().expect("id") as u32,
            x: e["x"].as_f64().expect("x"),
            y: e["y"].as_f64().expect("y"),
            it: e["it"].as_bool().expect("it is a boolean"),
        })
        .collect();
    View {
        hud: v["stats"]["hud"].as_str().unwrap_or_default().to_string(),
        stats: v["stats"].clone(),
        runners,
    }
}

/// Waits until the page has joined and holds a world with its own runner; returns its id.
async fn wait_joined(page: &mut Page, chrome: &Chromium) -> u32 {
    wait_for(LIMIT, "the tag page joins", async || {
        let ready = page.try_eval("typeof window.tickwire === 'object'").await;
        if ready != Some(Value::Bool(true)) {
            return Err("no window.tickwire yet".into());
        }
        let v = view(page).await;
        match v.stats["ownEntityId"].as_u64() {
            Some(id) if v.stats["connected"] == true && v.runner(id as u32).is_some() => {
                Ok(id as u32)
            }
            _ => Err(format!(
                "stats: {}\nconsole:\n{}\nbrowser log:\n{}",
                v.stats,
                page.console().join("\n"),
                chrome.log()
            )),
        }
    })
    .await
}

/// The movement keys a page holds, pressed and released as wanted.
#[derive(Default)]
struct Keys([bool; 4]);

impl Keys {
    async fn hold(&mut self, page: &mut Page, want: [bool; 4]) {
        for (i, &(key, code, vk)) in KEYS.iter().enumerate() {
            if want[i] != self.0[i] {
                page.key(want[i], key, code, vk).await;
                self.0[i] = want[i];
            }
        }
    }
}

/// The keys (W, A, S, D) that move from `from` towards `to`.
fn towards(from: &Runner, to: (f64, f64)) -> [bool; 4] {
    let (dx, dy) = (to.0 - from.x, to.1 - from.y);
    [dy < -DEAD, dx < -DEAD, dy > DEAD, dx > DEAD]
}

fn on_base(r: &Runner) -> bool {
    let c = f64::from(FIELD) / 2.0;
    (r.x - c).abs() <= f64::from(BASE_HALF) + 4.0 && (r.y - c).abs() <= f64::from(BASE_HALF) + 4.0
}

/// Tag as `cargo run -p tickwire-example-tag` serves it, on an ephemeral loopback port.
async fn start_tag() -> Server {
    let config = ServerConfig {
        bind: ([127, 0, 0, 1], 0).into(),
        index_page: PAGE.to_owned(),
        shutdown_grace: Duration::from_secs(1),
        reconnect_window: Duration::ZERO,
        ..ServerConfig::default()
    };
    let rate = config.tick_rate;
    start_with(config, move |seed| {
        Box::new(Tag::new(rate, seed)) as Box<dyn Game>
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn it_passes_and_the_other_page_shows_it() {
    let Some(program) = chromium_or_skip("tag_page::it_passes_and_the_other_page_shows_it") else {
        return;
    };
    let server = start_tag().await;
    let mut chrome = Chromium::launch(&program).await;
    let base = format!("http://{}/", server.local_addr());
    let mut ada = chrome.open(&format!("{base}?name=ada")).await;
    let ada_id = wait_joined(&mut ada, &chrome).await;
    let mut bob = chrome.open(&format!("{base}?name=bob")).await;
    let bob_id = wait_joined(&mut bob, &chrome).await;
    // `/` is tag's page: it was welcomed with tag's schema.
    let schema = bob.eval("window.tickwire.schema()").await;
    assert_eq!(schema["game"], "tag", "schema() {schema}");
    assert_eq!(schema["kinds"], serde_json::json!(["runner", "base"]));

    // The first to join is "it"; bob's page shows it on ada's runner, not on its own.
    let before = wait_for(LIMIT, "bob's page sees both runners", async || {
        let v = view(&mut bob).await;
        match (v.runner(ada_id), v.runner(bob_id)) {
            (Some(a), Some(b)) => Ok((a.clone(), b.clone())),
            _ => Err(format!("bob sees {:?}", v.runners)),
        }
    })
    .await;
    assert!(before.0.it && !before.1.it, "at first: {before:?}");

    // Nobody is tagged on the base: bob steps off it if he spawned there.
    let mut keys = Keys::default();
    if on_base(&before.1) {
        bob.focus().await;
        let corner = (f64::from(FIELD) / 2.0 - 3.0 * f64::from(BASE_HALF), 300.0);
        wait_for(CHASE_LIMIT, "bob steps off the base", async || {
            let v = view(&mut bob).await;
            let me = v.runner(bob_id).ok_or("bob's runner is gone")?.clone();
            if !on_base(&me) {
                keys.hold(&mut bob, [false; 4]).await;
                return Ok(());
            }
            keys.hold(&mut bob, towards(&me, corner)).await;
            Err(format!("bob at {me:?}"))
        })
        .await;
    }

    // Ada (it) runs at bob, steered by what her page shows, until bob's page shows bob as it.
    ada.focus().await;
    let mut keys = Keys::default();
    let tagged = wait_for(
        CHASE_LIMIT,
        "ada tags bob, and bob's page shows it",
        async || {
            let seen = view(&mut bob).await;
            if let (Some(a), Some(b)) = (seen.runner(ada_id), seen.runner(bob_id))
                && b.it
                && !a.it
            {
                return Ok((a.clone(), b.clone()));
            }
            let v = view(&mut ada).await;
            let (Some(me), Some(them)) = (v.runner(ada_id), v.runner(bob_id)) else {
                return Err(format!("ada sees {:?}", v.runners));
            };
            keys.hold(&mut ada, towards(me, (them.x, them.y))).await;
            Err(format!(
                "ada sees {:?}; bob sees {:?}",
                v.runners, seen.runners
            ))
        },
    )
    .await;
    eprintln!("tag_page: bob's page shows the tag: {tagged:?}");

    // Ada runs off (bob may tag back after a second), the way with the most room.
    let me = view(&mut ada).await.runner(ada_id).expect("ada").clone();
    let room = [me.y, me.x, f64::from(FIELD) - me.y, f64::from(FIELD) - me.x];
    let way = (0..4)
        .max_by(|&i, &j| room[i].total_cmp(&room[j]))
        .expect("four ways");
    let mut want = [false; 4];
    want[way] = true;
    keys.hold(&mut ada, want).await;
    wait_for(LIMIT, "ada gets away", async || {
        let v = view(&mut ada).await;
        match (v.runner(ada_id), v.runner(bob_id)) {
            (Some(a), Some(b)) if (a.x - b.x).hypot(a.y - b.y) >= ESCAPE => Ok(()),
            _ => Err(format!("ada sees {:?}", v.runners)),
        }
    })
    .await;
    keys.hold(&mut ada, [false; 4]).await;

    // Both pages agree, by field name, HUD and scoreboard (the game's own columns): bob is it and
    // was tagged once, ada never.
    let (ada_view, bob_view) = wait_for(LIMIT, "both pages settle with bob as it", async || {
        let (a, b) = (view(&mut ada).await, view(&mut bob).await);
        let it = |v: &View| {
            (
                v.runner(ada_id).map(|r| r.it),
                v.runner(bob_id).map(|r| r.it),
            )
        };
        let scores = bob.eval("window.tickwire.scores()").await;
        let row = |id: u32| {
            scores
                .as_array()
                .and_then(|rows| rows.iter().find(|r| r["entity"] == id))
                .map(|r| r["byColumn"]["tagged"].as_u64())
        };
        let settled = it(&a) == (Some(false), Some(true))
            && it(&b) == (Some(false), Some(true))
            && a.hud.starts_with("bob is it")
            && b.hud.starts_with("YOU are it")
            && row(ada_id) == Some(Some(0))
            && row(bob_id) == Some(Some(1));
        if settled {
            Ok((a, b))
        } else {
            Err(format!(
                "ada: {:?} {:?}; bob: {:?} {:?}; scores {scores}",
                a.runners, a.hud, b.runners, b.hud
            ))
        }
    })
    .await;
    assert_eq!(ada_view.stats["entities"], 3, "two runners and the base");

    // Bob's page draws what its world holds: once both runners are drawn where the newest
    // snapshot has them (interpolation caught up), its screenshot shows bob red and ada blue.
    let shown = wait_for(LIMIT, "bob's page draws the runners at rest", async || {
        let v = view(&mut bob).await;
        let drawn = bob.eval("window.tickwire.shown().runners").await;
        let at = |r: &Runner| {
            drawn.as_array().and_then(|d| {
                d.iter().find(|s| {
                    s["id"] == r.id
                        && s["x"].as_f64() == Some(r.x)
                        && s["y"].as_f64() == Some(r.y)
                        && s["it"] == r.it
                })
            })
        };
        match (v.runner(ada_id), v.runner(bob_id)) {
            (Some(a), Some(b)) if at(a).is_some() && at(b).is_some() => {
                let xy = |s: &Value| {
                    (
                        s["screenX"].as_f64().expect("x"),
                        s["screenY"].as_f64().expect("y"),
                    )
                };
                Ok((xy(at(a).expect("ada")), xy(at(b).expect("bob"))))
            }
            _ => Err(format!("world {:?}; drawn {drawn}", v.runners)),
        }
    })
    .await;
    let dpr = bob
        .eval("window.devicePixelRatio")
        .await
        .as_f64()
        .unwrap_or(1.0);
    let shot = bob.screenshot_png().await;
    let path = PathBuf::from(ARTIFACTS).join("tag-page.png");
    std::fs::create_dir_all(ARTIFACTS).expect("create the artifacts dir");
    std::fs::write(&path, &shot).expect("write the screenshot");
    let image = png::decode(&shot).expect("the screenshot decodes");
    let pixel = |(x, y): (f64, f64)| {
        image
            .pixel((x * dpr) as usize, (y * dpr) as usize)
            .unwrap_or_else(|| {
                panic!(
                    "({x}, {y}) is off the {}x{} screenshot",
                    image.width, image.height
                )
            })
    };
    let (ada_px, bob_px) = (pixel(shown.0), pixel(shown.1));
    let red = |p: [u8; 4]| p[0] > 200 && p[1] < 90 && p[2] < 90;
    let blue = |p: [u8; 4]| p[2] > 200 && p[0] < 150;
    assert!(
        red(bob_px) && blue(ada_px),
        "in {}: bob (it) at {:?} is {bob_px:?}, ada at {:?} is {ada_px:?}",
        path.display(),
        shown.1,
        shown.0
    );
    eprintln!(
        "tag_page: bob's HUD {:?}; screenshot {}: bob {bob_px:?}, ada {ada_px:?}",
        bob_view.hud,
        path.display()
    );

    drop((ada, bob));
    drop(chrome);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_arena_page_on_a_tag_server_says_it_is_for_another_game() {
    let Some(program) =
        chromium_or_skip("tag_page::the_arena_page_on_a_tag_server_says_it_is_for_another_game")
    else {
        return;
    };
    let server = start_tag().await;
    let mut chrome = Chromium::launch(&program).await;
    // The arena's page is still served at its own path; it names the arena's schema in its
    // Hello, and the tag server refuses it with a reason the page shows.
    let url = format!("http://{}/index.html?name=lost", server.local_addr());
    let mut page = chrome.open(&url).await;
    let text = wait_for(
        LIMIT,
        "the arena page says why it cannot play",
        async || {
            let status = page
                .try_eval("window.tickwire && window.tickwire.stats().statusText")
                .await;
            match status.as_ref().and_then(Value::as_str) {
                Some(t) if t.contains("another game") => Ok(t.to_string()),
                _ => Err(format!(
                    "status {status:?}; console:\n{}",
                    page.console().join("\n")
                )),
            }
        },
    )
    .await;
    assert_eq!(
        server.shared().lobby.rooms(true).len(),
        0,
        "no room was made for it"
    );
    eprintln!("tag_page: the arena page on a tag server: {text:?}");
    drop(page);
    drop(chrome);
    server.shutdown().await;
}

/// A maker of games that is a bare closure (as tag's binary is) does not name itself: the
/// server goes by the name its games give themselves, which their results are stored under, so
/// the room list says `tag` and the leaderboard and the recent matches are read as tag's.
#[tokio::test]
async fn a_closure_that_makes_games_goes_by_their_own_name() {
    let server = start_tag().await;
    let (status, list) = crate::api::get(server.local_addr(), "/rooms").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["game"], "tag", "{list}");
    server.shutdown().await;
}

//! Capture the flag's own page in real Chromium, against the flag example served in-process as
//! its binary serves it (`ServerConfig::index_page`): two pages join at `/` on opposite teams;
//! both draw the two bases from the Welcome's map features (no base is in a snapshot); bob's
//! page steps aside, then ada's runner is steered onto blue's flag with the keys. Ada's page then
//! shows the line the server sent her alone ("You have BLUE's flag"), which bob's page never
//! hears; bob's page's `world()` shows the flag's `carrier` and ada's `carrying` changed, and its
//! screenshot shows the blue flag drawn on ada's runner. Once ada brings it home, the
//! `team_score` entity (no position) and the banner show red's capture, both pages' feeds name
//! ada's capture, and both scoreboards count it in the `captures` column. Without a browser the
//! test skips loudly (fails under CI).

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use tickwire_example_flag::field::BASE_RADIUS;
use tickwire_example_flag::{FlagGame, PAGE, Team};
use tickwire_server::{Game, Server, ServerConfig};

use crate::browser::chromium_or_skip;
use crate::cdp::{Chromium, Page};
use crate::harness::{LIMIT, start_with, wait_for};
use crate::png;

/// Where the screenshot is written.
const ARTIFACTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/target/test-artifacts");
/// How long a walk across the field may take: the whole field's width at a carrier's speed is
/// about 8 s.
const WALK_LIMIT: Duration = Duration::from_secs(40);
/// Distance on an axis under which a page stops pressing that axis's key, world units.
const DEAD: f64 = 6.0;
/// Where bob waits: in his half, well off the line between the bases.
const ASIDE: (f64, f64) = (1300.0, 740.0);
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
    team: String,
    label: String,
    carrying: bool,
}

/// A flag as a page's `world()` has it.
#[derive(Clone, Debug, PartialEq)]
struct Flag {
    x: f64,
    y: f64,
    team: String,
    carrier: u32,
    home: bool,
}

/// A page's `stats()`, runners, flags and team scores, from one evaluation.
struct View {
    stats: Value,
    runners: Vec<Runner>,
    flags: Vec<Flag>,
    /// Captures by team, from the `team_score` entities: (red, blue).
    captures: (Option<u64>, Option<u64>),
}

impl View {
    fn runner(&self, id: u32) -> Option<&Runner> {
        self.runners.iter().find(|r| r.id == id)
    }

    fn flag(&self, team: Team) -> Option<&Flag> {
        self.flags.iter().find(|f| f.team == team.name())
    }
}

/// The string field `k` of `e`.
fn text(e: &Value, k: &str) -> String {
    e[k].as_str().expect("a string").to_string()
}

/// The game's events a page has heard: `[kind, personal, text]` each.
async fn heard(page: &mut Page) -> Vec<(String, bool, String)> {
    let events = page.eval("window.tickwire.events()").await;
    let events = events.as_array().cloned().unwrap_or_default();
    events
        .iter()
        .map(|e| (text(e, "kind"), e["personal"] == true, text(e, "text")))
        .collect()
}

async fn view(page: &mut Page) -> View {
    let v = page
        .eval("({ stats: window.tickwire.stats(), world: window.tickwire.world() })")
        .await;
    let all = v["world"].as_array().expect("world() is an array");
    let of = |kind: &'static str| all.iter().filter(move |e| e["kind"] == kind);
    let runners = of("runner")
        .map(|e| Runner {
            id: e["id"].as_u64().expect("id") as u32,
            x: e["x"].as_f64().expect("x"),
            y: e["y"].as_f64().expect("y"),
            team: text(e, "team"),
            label: text(e, "label"),
            carrying: e["carrying"].as_bool().expect("carrying is a boolean"),
        })
        .collect();
    let flags = of("flag")
        .map(|e| Flag {
            x: e["x"].as_f64().expect("x"),
            y: e["y"].as_f64().expect("y"),
            team: text(e, "team"),
            carrier: e["carrier"].as_u64().expect("carrier is a number") as u32,
            home: e["home"].as_bool().expect("home is a boolean"),
        })
        .collect();
    let captures = |team: &str| {
        of("team_score")
            .find(|e| e["team"] == team)
            .and_then(|e| e["captures"].as_u64())
    };
    View {
        stats: v["stats"].clone(),
        captures: (captures("red"), captures("blue")),
        runners,
        flags,
    }
}

/// Waits until the page has joined and holds a world with its own runner; returns its id.
async fn wait_joined(page: &mut Page, chrome: &Chromium) -> u32 {
    wait_for(LIMIT, "the flag page joins", async || {
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

/// Steers `id`'s runner on `page` with the keys towards `to` until `done` holds of the page's
/// view (or, with `done` None, until it is there); then lets go of the keys.
async fn steer(
    page: &mut Page,
    id: u32,
    what: &str,
    to: impl Fn(&View) -> (f64, f64),
    done: impl Fn(&View) -> bool,
) {
    page.focus().await;
    let mut keys = Keys::default();
    wait_for(WALK_LIMIT, what, async || {
        let v = view(page).await;
        let me = v.runner(id).ok_or("the own runner is gone")?.clone();
        if done(&v) {
            keys.hold(page, [false; 4]).await;
            return Ok(());
        }
        keys.hold(page, towards(&me, to(&v))).await;
        Err(format!("at {me:?}; flags {:?}", v.flags))
    })
    .await;
}

/// Capture the flag as `cargo run -p tickwire-example-flag` serves it, on a loopback port.
async fn start_flag() -> Server {
    let config = ServerConfig {
        bind: ([127, 0, 0, 1], 0).into(),
        index_page: PAGE.to_owned(),
        shutdown_grace: Duration::from_secs(1),
        reconnect_window: Duration::ZERO,
        ..ServerConfig::default()
    };
    let rate = config.tick_rate;
    start_with(config, move |seed| {
        Box::new(FlagGame::new(rate, seed)) as Box<dyn Game>
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_carried_flag_shows_on_the_other_page_and_a_capture_scores() {
    let Some(program) =
        chromium_or_skip("flag_page::a_carried_flag_shows_on_the_other_page_and_a_capture_scores")
    else {
        return;
    };
    let server = start_flag().await;
    let mut chrome = Chromium::launch(&program).await;
    let base = format!("http://{}/", server.local_addr());
    let mut ada = chrome.open(&format!("{base}?name=ada")).await;
    let ada_id = wait_joined(&mut ada, &chrome).await;
    let mut bob = chrome.open(&format!("{base}?name=bob")).await;
    let bob_id = wait_joined(&mut bob, &chrome).await;
    let schema = bob.eval("window.tickwire.schema()").await;
    assert_eq!(schema["game"], "flag", "schema() {schema}");
    assert_eq!(schema["version"], 2, "schema() {schema}");
    assert_eq!(
        schema["kinds"],
        serde_json::json!(["runner", "flag", "team_score", "base"])
    );
    assert_eq!(schema["input"], serde_json::json!(["move_x", "move_y"]));
    assert_eq!(
        schema["events"],
        serde_json::json!(["capture", "tag", "flag_return", "flag_carrier"])
    );
    assert_eq!(
        schema["scores"],
        serde_json::json!(["captures", "tags", "returns", "tagged"])
    );

    // The bases are the map's features, from the Welcome, on both pages; no snapshot holds one.
    for page in [&mut ada, &mut bob] {
        let map = page.eval("window.tickwire.map()").await;
        let bases: Vec<_> = map["bases"]
            .as_array()
            .expect("map().bases is an array")
            .iter()
            .map(|b| {
                (
                    text(b, "team"),
                    b["x"].as_f64(),
                    b["y"].as_f64(),
                    b["radius"].as_f64(),
                )
            })
            .collect();
        let base = |team: Team| {
            let [x, y] = team.base();
            (
                team.name().to_string(),
                Some(f64::from(x)),
                Some(f64::from(y)),
                Some(f64::from(BASE_RADIUS)),
            )
        };
        assert_eq!(bases, [base(Team::Red), base(Team::Blue)], "map() {map}");
        let kinds = page
            .eval("window.tickwire.world().map((e) => e.kind)")
            .await;
        assert!(
            !kinds
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "base")),
            "a base in a snapshot: {kinds}"
        );
    }

    // Bob's page sees both runners on opposite teams, with their labels, blue's flag at home,
    // and the team scores at 0 (entities without a position).
    let before = wait_for(LIMIT, "bob's page sees both runners", async || {
        let v = view(&mut bob).await;
        match (v.runner(ada_id), v.runner(bob_id), v.flag(Team::Blue)) {
            (Some(a), Some(b), Some(f)) => Ok((a.clone(), b.clone(), f.clone(), v.captures)),
            _ => Err(format!("bob sees {:?} {:?}", v.runners, v.flags)),
        }
    })
    .await;
    let (a, b, flag, captures) = before;
    assert_eq!((a.team.as_str(), b.team.as_str()), ("red", "blue"));
    assert_eq!((a.label.as_str(), b.label.as_str()), ("ada", "bob"));
    assert!(
        !a.carrying && flag.carrier == 0 && flag.home,
        "{a:?} {flag:?}"
    );
    assert_eq!(captures, (Some(0), Some(0)));

    // Bob steps aside, out of ada's way (he would tag her on the flag).
    let at = |v: &View, id: u32, to: (f64, f64)| {
        v.runner(id)
            .is_some_and(|r| (r.x - to.0).abs() <= DEAD && (r.y - to.1).abs() <= DEAD)
    };
    steer(
        &mut bob,
        bob_id,
        "bob steps aside",
        |_| ASIDE,
        |v| at(v, bob_id, ASIDE),
    )
    .await;

    // Ada runs onto blue's flag, steered by what her page shows, until her page shows her
    // carrying it; she then stands still.
    let flag_at = |v: &View| v.flag(Team::Blue).map_or((1400.0, 400.0), |f| (f.x, f.y));
    let carrying = |v: &View| v.runner(ada_id).is_some_and(|r| r.carrying);
    steer(
        &mut ada,
        ada_id,
        "ada picks up blue's flag",
        flag_at,
        carrying,
    )
    .await;
    wait_for(LIMIT, "ada's HUD says she carries the flag", async || {
        let hud = view(&mut ada).await.stats["hud"].clone();
        match hud.as_str() {
            Some(h) if h.contains("you carry BLUE's flag") => Ok(()),
            _ => Err(format!("ada's HUD: {hud}")),
        }
    })
    .await;

    // The server told ada alone that she has the flag: her page shows the line to her.
    let mine = wait_for(LIMIT, "ada's page shows the line to her", async || {
        let you = view(&mut ada).await.stats["you"].clone();
        let events = heard(&mut ada).await;
        let personal = events
            .iter()
            .any(|(kind, personal, _)| kind == "flag_carrier" && *personal);
        match you.as_str() {
            Some(t) if personal && t.contains("You have BLUE's flag") => Ok(t.to_string()),
            _ => Err(format!("ada's line {you}; events {events:?}")),
        }
    })
    .await;
    eprintln!("flag_page: ada's page says {mine:?}");

    // Bob's page shows the change by field name: ada carrying, the flag's carrier ada.
    let (carrier, flag) = wait_for(LIMIT, "bob's page shows ada carrying", async || {
        let v = view(&mut bob).await;
        match (v.runner(ada_id), v.flag(Team::Blue)) {
            (Some(a), Some(f)) if a.carrying && f.carrier == ada_id => Ok((a.clone(), f.clone())),
            _ => Err(format!("bob sees {:?} {:?}", v.runners, v.flags)),
        }
    })
    .await;
    assert!(!flag.home, "{flag:?}");
    eprintln!("flag_page: bob's page shows {carrier:?} with {flag:?}");

    // Bob's page draws the blue flag on ada's runner: once ada is drawn where the newest snapshot
    // has her (she stands still), the pennant's middle is blue and next to her.
    let (runner_px, flag_px) = wait_for(LIMIT, "bob's page draws the flag on ada", async || {
        let v = view(&mut bob).await;
        let drawn = bob.eval("window.tickwire.shown()").await;
        let me = v.runner(ada_id).ok_or("no ada")?;
        let xy = |s: &Value| {
            (
                s["screenX"].as_f64().unwrap_or(-1.0),
                s["screenY"].as_f64().unwrap_or(-1.0),
            )
        };
        let runner = drawn["runners"].as_array().and_then(|d| {
            d.iter().find(|s| {
                s["id"] == ada_id && s["x"].as_f64() == Some(me.x) && s["y"].as_f64() == Some(me.y)
            })
        });
        let flag = drawn["flags"].as_array().and_then(|d| {
            d.iter()
                .find(|s| s["team"] == "blue" && s["carrier"] == ada_id && s["onCarrier"] == true)
        });
        match (runner, flag) {
            (Some(r), Some(f)) => Ok((xy(r), xy(f))),
            _ => Err(format!("world {me:?}; drawn {drawn}")),
        }
    })
    .await;
    let dpr = bob
        .eval("window.devicePixelRatio")
        .await
        .as_f64()
        .unwrap_or(1.0);
    let shot = bob.screenshot_png().await;
    let path = PathBuf::from(ARTIFACTS).join("flag-page.png");
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
    let (runner_rgb, flag_rgb) = (pixel(runner_px), pixel(flag_px));
    let blue = |p: [u8; 4]| p[2] > 200 && p[0] < 90;
    let reddish = |p: [u8; 4]| p[0] > 120 && p[0] > p[2];
    let near = (runner_px.0 - flag_px.0).hypot(runner_px.1 - flag_px.1);
    assert!(
        blue(flag_rgb) && reddish(runner_rgb) && near <= 40.0,
        "in {}: the flag at {flag_px:?} is {flag_rgb:?}, ada at {runner_px:?} is {runner_rgb:?}, {near} px apart",
        path.display()
    );
    eprintln!(
        "flag_page: screenshot {}: flag {flag_rgb:?} {near:.1} px from ada {runner_rgb:?}",
        path.display()
    );

    // Ada brings it home: bob's page shows red's capture in the `team_score` entity and the
    // banner, and blue's flag home again.
    let red_base = {
        let [x, y] = Team::Red.base();
        (f64::from(x), f64::from(y))
    };
    steer(
        &mut ada,
        ada_id,
        "ada brings the flag home",
        |_| red_base,
        |v| v.captures.0 == Some(1),
    )
    .await;
    let banner = wait_for(LIMIT, "bob's page shows red's capture", async || {
        let v = view(&mut bob).await;
        let home = v.flag(Team::Blue).is_some_and(|f| f.home && f.carrier == 0);
        let banner = v.stats["teams"].as_str().unwrap_or_default().to_string();
        if v.captures == (Some(1), Some(0)) && home && banner.contains("RED 1") {
            Ok(banner)
        } else {
            Err(format!(
                "captures {:?}, flags {:?}, banner {banner:?}",
                v.captures, v.flags
            ))
        }
    })
    .await;
    eprintln!("flag_page: bob's banner {banner:?}");

    // Both pages heard the capture, named, in their feeds; both scoreboards count it in the
    // `captures` column. Bob never heard ada's pickup: it was hers alone.
    for (who, page) in [("ada", &mut ada), ("bob", &mut bob)] {
        let line = wait_for(LIMIT, "the page's feed names the capture", async || {
            let events = heard(page).await;
            let capture = events.iter().find(|(kind, _, _)| kind == "capture");
            let scores = page.eval("window.tickwire.scores()").await;
            let captures = scores.as_array().and_then(|rows| {
                rows.iter()
                    .find(|r| r["entity"] == ada_id)
                    .map(|r| (r["captures"].as_u64(), r["columns"].clone()))
            });
            match (capture, &captures) {
                (Some((_, false, line)), Some((Some(1), columns)))
                    if line == "ada captured BLUE's flag for RED" =>
                {
                    Ok(format!("{line}; ada's columns {columns}"))
                }
                _ => Err(format!(
                    "{who}: events {events:?}; ada's scores {captures:?}"
                )),
            }
        })
        .await;
        eprintln!("flag_page: {who}'s page: {line}");
    }
    let bob_heard = heard(&mut bob).await;
    assert!(
        !bob_heard
            .iter()
            .any(|(kind, personal, _)| kind == "flag_carrier" || *personal),
        "bob heard {bob_heard:?}"
    );

    drop((ada, bob));
    drop(chrome);
    server.shutdown().await;
}

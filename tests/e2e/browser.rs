//! The real browser plays the real client against the real server: a headless Chromium loads the
//! game page, joins, moves with the keyboard, and holds exactly the server's quantized world.
//! Screenshots go to `target/test-artifacts/`. Without a browser the tests skip loudly, except
//! under CI, where they fail (see [`harness::ci_requires`]).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use tickwire_protocol::EntityId;

use crate::arena_entity::{ArenaEntity, PROJECTILE, arena_entities, arena_entity};
use tickwire_server::{Server, ServerConfig};

use crate::cdp::{Chromium, Page, find_chromium};
use crate::harness::{
    self, Frames, LIMIT, RoomClock, arena_config, record_frames, recorded, server_frame, wait_for,
};

/// Where screenshots are written.
const ARTIFACTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/target/test-artifacts");
/// Players move right (`d`) unless they spawned right of this x (1/16 units): the bundled
/// arena's (assets/maps/arena.json) spawns at x 1900 are next to the right wall; they move left.
const MOVE_LEFT_FROM_X: i32 = 1700 * 16;
/// How long a movement key is held, in the arena's server ticks (1.5 s at 60 Hz).
const HOLD_TICKS: u32 = 90;
/// How far a held key must move a player, in 1/16 units: 100 world units, where 1.5 s at full
/// speed is about 300 and the nearest wall in the chosen direction from any spawn is 146 away.
const MIN_MOVE: i32 = 100 * 16;
/// How long the page may take to load, connect and receive its first snapshot.
const JOIN_LIMIT: Duration = Duration::from_secs(15);
/// One quantization step of a position, in world units.
const POS_STEP: f64 = 1.0 / 16.0;
/// Attempts at a move before giving up (a bot may kill the player during one).
const MOVE_ATTEMPTS: usize = 3;
/// Newest recorded frames in which a player stands still to be at rest (200 ms at 30 Hz).
const STILL_FRAMES: usize = 6;
/// How far the HUD's tick may trail the page's `stats().serverTick`: the HUD is redrawn every
/// 250 ms, 15 ticks at the arena's 60 Hz; twice that.
const HUD_TICK_SLACK: u64 = 30;
/// How far the page's estimate of the server's tick may be from the server's own: 1 s at 60 Hz.
const SERVER_TICK_SLACK: u64 = 60;

/// The browser, or `None` after a loud skip message when there is none (a failure under CI).
pub(crate) fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    let found = find_chromium();
    if found.is_none() {
        harness::ci_requires(
            "Chromium",
            test,
            "install chromium, put chromium, chromium-browser or google-chrome on PATH, or set \
             TICKWIRE_CHROMIUM",
        );
    }
    found
}

/// An entity as `window.tickwire.world()` shows it (and as the server's frame has it).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Seen {
    id: u32,
    kind: String,
    x: i32,
    y: i32,
    angle: u8,
    hp: u8,
}

impl Seen {
    fn from_server(e: &ArenaEntity) -> Seen {
        Seen {
            id: e.id.0,
            kind: e.kind_name().to_owned(),
            x: e.x,
            y: e.y,
            angle: e.angle,
            hp: e.hp,
        }
    }

    fn from_page(v: &Value) -> Seen {
        let int = |k: &str| {
            v[k].as_i64()
                .unwrap_or_else(|| panic!("world() entity without an integer {k}: {v}"))
        };
        Seen {
            id: u32::try_from(int("id")).expect("id is a u32"),
            kind: v["kind"].as_str().expect("kind").to_string(),
            x: i32::try_from(int("x")).expect("x is an i32"),
            y: i32::try_from(int("y")).expect("y is an i32"),
            angle: u8::try_from(int("angle")).expect("angle is a u8"),
            hp: u8::try_from(int("hp")).expect("hp is a u8"),
        }
    }
}

/// What the page shows at one moment: `stats()` and `world()` from one evaluation.
struct View {
    stats: Value,
    world: Vec<Seen>,
}

impl View {
    /// The client's own position (predicted), in world units.
    fn own_position(&self) -> (f64, f64) {
        let p = &self.stats["ownPosition"];
        (
            p["x"].as_f64().expect("ownPosition.x"),
            p["y"].as_f64().expect("ownPosition.y"),
        )
    }

    /// The tick of the world the page holds, if it holds one.
    fn tick(&self) -> Option<u32> {
        self.stats["worldTick"]
            .as_u64()
            .map(|t| u32::try_from(t).expect("worldTick is a u32"))
    }

    fn entity(&self, id: u32) -> Option<&Seen> {
        self.world.iter().find(|e| e.id == id)
    }
}

async fn view(page: &mut Page) -> View {
    let v = page
        .eval("({ stats: window.tickwire.stats(), world: window.tickwire.world() })")
        .await;
    View {
        stats: v["stats"].clone(),
        world: v["world"]
            .as_array()
            .expect("world() is an array")
            .iter()
            .map(Seen::from_page)
            .collect(),
    }
}

/// Waits until the page has joined, knows its entity and predicts its position; returns the
/// own entity id.
pub(crate) async fn wait_joined(page: &mut Page, chrome: &Chromium) -> u32 {
    wait_for(JOIN_LIMIT, "the page joins", async || {
        let ready = page
            .eval("typeof window.tickwire === 'object' && window.tickwire.stats()")
            .await;
        match ready["ownEntityId"].as_u64() {
            Some(id) if ready["connected"] == true && ready["ownPosition"].is_object() => {
                Ok(u32::try_from(id).expect("entity id is a u32"))
            }
            _ => Err(format!(
                "stats: {ready}\nconsole:\n{}\nbrowser log:\n{}",
                page.console().join("\n"),
                chrome.log()
            )),
        }
    })
    .await
}

/// Entity `id` in the server's newest frame, if it is there.
fn newest_state(server: &Server, id: u32) -> Option<ArenaEntity> {
    server_frame(server).and_then(|f| arena_entity(&f.state, EntityId(id)))
}

/// The server's newest state of entity `id`, waiting (bounded) until its frame holds it.
async fn server_entity(server: &Server, id: u32) -> ArenaEntity {
    wait_for(
        LIMIT,
        &format!("the server's frame holds entity {id}"),
        async || newest_state(server, id).ok_or_else(|| "not in the newest frame".to_string()),
    )
    .await
}

/// Waits (bounded) until entity `id` is alive in the server's frame.
async fn alive(server: &Server, id: u32) -> ArenaEntity {
    wait_for(
        LIMIT,
        &format!("entity {id} is alive"),
        async || match newest_state(server, id) {
            Some(e) if e.hp > 0 => Ok(e),
            e => Err(format!("the newest frame has {e:?}")),
        },
    )
    .await
}

/// A movement key, and the sign of x it moves along.
struct MoveKey {
    key: &'static str,
    code: &'static str,
    virtual_key: u32,
    sign: i32,
}

const RIGHT: MoveKey = MoveKey {
    key: "d",
    code: "KeyD",
    virtual_key: 68,
    sign: 1,
};
const LEFT: MoveKey = MoveKey {
    key: "a",
    code: "KeyA",
    virtual_key: 65,
    sign: -1,
};

/// What one held key did, seen by the server and by the moving page.
struct Moved {
    key: &'static MoveKey,
    server_before: ArenaEntity,
    server_after: ArenaEntity,
    client_before: (f64, f64),
    client_after: (f64, f64),
}

/// Whether player `id` died in a recorded frame from `from_tick` on.
fn died_since(frames: &Frames, id: u32, from_tick: u32) -> bool {
    frames
        .lock()
        .range(from_tick..)
        .any(|(_, f)| arena_entity(&f.state, EntityId(id)).is_none_or(|e| e.hp == 0))
}

/// Player `id` as the newest [`STILL_FRAMES`] recorded frames all have it, if it stood still.
fn at_rest(frames: &Frames, id: u32) -> Option<ArenaEntity> {
    let frames = frames.lock();
    let mut newest = frames
        .values()
        .rev()
        .take(STILL_FRAMES)
        .map(|f| arena_entity(&f.state, EntityId(id)));
    let first = newest.next()??;
    let mut count = 1;
    for e in newest {
        if e.is_none_or(|e| (e.x, e.y) != (first.x, first.y)) {
            return None;
        }
        count += 1;
    }
    (count == STILL_FRAMES).then_some(first)
}

/// Holds a movement key on `page` for [`HOLD_TICKS`] server ticks so that its player (`id`) moves right, or left
/// when it stands by the right wall, then waits until the player is at rest on the server and
/// the page predicts it there. A try during which the player died is repeated.
async fn hold_move_key(page: &mut Page, server: &Server, frames: &Frames, id: u32) -> Moved {
    for attempt in 1..=MOVE_ATTEMPTS {
        let server_before = alive(server, id).await;
        let from_tick = server_frame(server).map_or(0, |f| f.tick().0);
        let client_before = view(page).await.own_position();
        let key = if server_before.x > MOVE_LEFT_FROM_X {
            &LEFT
        } else {
            &RIGHT
        };
        page.focus().await;
        page.key(true, key.key, key.code, key.virtual_key).await;
        // The behaviour under test: a key held while the server runs this many ticks moves the
        // player.
        RoomClock::of(server).ticks(HOLD_TICKS).await;
        page.key(false, key.key, key.code, key.virtual_key).await;
        // The last inputs reach the server and their snapshots come back: the player stands
        // still on the server and the page predicts it where the server has it.
        let settled = wait_for(
            LIMIT,
            "the player comes to rest and the page agrees",
            async || {
                if died_since(frames, id, from_tick) {
                    return Ok(None);
                }
                let rest = at_rest(frames, id);
                let client = view(page).await.own_position();
                match rest {
                    Some(s)
                        if (client.0 - f64::from(s.x) / 16.0).abs() <= POS_STEP + 1e-9
                            && (client.1 - f64::from(s.y) / 16.0).abs() <= POS_STEP + 1e-9 =>
                    {
                        Ok(Some((s, client)))
                    }
                    _ => Err(format!("server at rest: {rest:?}; page at {client:?}")),
                }
            },
        )
        .await;
        if let Some((server_after, client_after)) = settled {
            return Moved {
                key,
                server_before,
                server_after,
                client_before,
                client_after,
            };
        }
        eprintln!("attempt {attempt}: the player died while moving; trying again");
    }
    panic!("the player died during each of {MOVE_ATTEMPTS} tries to move");
}

/// Asserts that a held key moved the player clearly, on the server and in the page.
fn assert_moved(m: &Moved) {
    let server_dx = m.server_after.x - m.server_before.x;
    assert!(
        server_dx * m.key.sign > MIN_MOVE,
        "holding {:?} for {HOLD_TICKS} ticks moved the server's player from x {} to {} (1/16 units)",
        m.key.key,
        m.server_before.x,
        m.server_after.x
    );
    let client_dx = m.client_after.0 - m.client_before.0;
    assert!(
        client_dx * f64::from(m.key.sign) > f64::from(MIN_MOVE) / 16.0,
        "holding {:?} for {HOLD_TICKS} ticks moved the page's own player from x {} to {}",
        m.key.key,
        m.client_before.0,
        m.client_after.0
    );
}

fn player_ids(world: impl IntoIterator<Item = Seen>) -> BTreeSet<u32> {
    world
        .into_iter()
        .filter(|e| e.kind == "player")
        .map(|e| e.id)
        .collect()
}

/// The number after `label` in the HUD's text (`ping 3 ms  ·  tick 1234  ·  ...`), if any.
fn hud_figure(text: &str, label: &str) -> Option<u64> {
    text.split('·').find_map(|row| {
        row.trim()
            .strip_prefix(label)?
            .strip_prefix(' ')?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    })
}

pub(crate) fn artifact(name: &str) -> PathBuf {
    PathBuf::from(ARTIFACTS).join(name)
}

/// The README's picture of the game, kept current by [`save_docs_screenshot`].
const DOCS_SCREENSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/screenshot.png");

/// Saves the page as `docs/screenshot.png` once it shows the game in play: its player `own` in
/// the world, the join form and the results card gone, and another player or bot inside the
/// canvas's view of the world (the page's player walks towards the nearest one until then).
/// Written to a temporary file and renamed, so that the file is always a whole PNG.
async fn save_docs_screenshot(page: &mut Page, own: u32) {
    // W, A, S, D: up, left, down, right.
    const KEYS: [(&str, &str, u32); 4] = [
        ("w", "KeyW", 87),
        ("a", "KeyA", 65),
        ("s", "KeyS", 83),
        ("d", "KeyD", 68),
    ];
    let mut held = [false; 4];
    page.focus().await;
    let others = wait_for(
        Duration::from_secs(60),
        "the game in play with another player or bot on screen",
        async || {
            let s = page
                .eval(
                    "({ view: window.tickwire.view(), world: window.tickwire.world(), \
                       join: !document.getElementById('join').hidden, \
                       results: window.tickwire.results().visible })",
                )
                .await;
            let world: Vec<Seen> = s["world"]
                .as_array()
                .map(|w| w.iter().map(Seen::from_page).collect())
                .unwrap_or_default();
            let view = &s["view"];
            let num = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
            let (cx, cy) = (num(&view["camera"]["x"]), num(&view["camera"]["y"]));
            let (half_w, half_h) = (
                num(&view["worldWidth"]) / 2.0 * 0.9,
                num(&view["worldHeight"]) / 2.0 * 0.9,
            );
            let at = |e: &Seen| (f64::from(e.x) / 16.0, f64::from(e.y) / 16.0);
            let me = world.iter().find(|e| e.id == own).map(at);
            let others: Vec<(f64, f64)> = world
                .iter()
                .filter(|e| (e.kind == "player" || e.kind == "bot") && e.id != own)
                .map(at)
                .collect();
            let on_screen = others
                .iter()
                .filter(|(x, y)| (x - cx).abs() < half_w && (y - cy).abs() < half_h)
                .count();
            let playing = s["join"] == false && s["results"] != true && me.is_some();
            // Not yet: walk towards the nearest other one.
            let want = match (me, playing && on_screen == 0) {
                (Some((mx, my)), true) => others
                    .iter()
                    .min_by(|a, b| {
                        let d = |p: &(f64, f64)| (p.0 - mx).hypot(p.1 - my);
                        d(a).total_cmp(&d(b))
                    })
                    .map(|(x, y)| {
                        [
                            *y < my - 20.0,
                            *x < mx - 20.0,
                            *y > my + 20.0,
                            *x > mx + 20.0,
                        ]
                    })
                    .unwrap_or([false; 4]),
                _ => [false; 4],
            };
            for (i, (key, code, vk)) in KEYS.iter().enumerate() {
                if held[i] != want[i] {
                    page.key(want[i], key, code, *vk).await;
                    held[i] = want[i];
                }
            }
            (playing && on_screen > 0)
                .then_some(on_screen)
                .ok_or(s.to_string())
        },
    )
    .await;
    let png = page.screenshot_png().await;
    let path = PathBuf::from(DOCS_SCREENSHOT);
    let partial = path.with_extension("png.partial");
    std::fs::write(&partial, &png).expect("write the docs screenshot");
    std::fs::rename(&partial, &path).expect("move the docs screenshot into place");
    eprintln!(
        "browser: {} ({} bytes, {others} other players on screen)",
        path.display(),
        png.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_joins_moves_and_holds_the_servers_world() {
    let Some(program) =
        chromium_or_skip("browser::the_browser_joins_moves_and_holds_the_servers_world")
    else {
        return;
    };
    let server = harness::start(2).await;
    let mut chrome = Chromium::launch(&program).await;
    let url = format!("http://{}/?name=browser-test", server.local_addr());
    let mut page = chrome.open(&url).await;
    let own = wait_joined(&mut page, &chrome).await;

    // The server agrees that this page's player joined.
    let e = server_entity(&server, own).await;
    assert_eq!(e.kind_name(), "player", "own entity {e:?}");
    let frames = record_frames(&server);

    // A held key moves the player, in the page and on the server.
    let moved = hold_move_key(&mut page, &server, &frames, own).await;
    assert_moved(&moved);

    // At rest, the page's decoded world is exactly the server's view for this player at the
    // page's own tick, in which the player stands where the server has it now, and the page's
    // predicted position is the server's within one quantization step. (A respawn between two
    // reads, or a tick the recorder missed, makes a try fail; another follows.)
    let (v, tick, at_tick, latest) = wait_for(
        LIMIT,
        "the page holds a recorded tick with its player at rest",
        async || {
            let v = view(&mut page).await;
            let tick = v
                .tick()
                .ok_or_else(|| "the page holds no world".to_string())?;
            let latest = server_entity(&server, own).await;
            let frame = recorded(&frames, tick)
                .await
                .ok_or_else(|| format!("the recorder missed tick {tick}"))?;
            let at_tick = frame.view_for(EntityId(own), None).world().clone();
            match arena_entity(&at_tick, EntityId(own)) {
                Some(at) if (at.x, at.y) == (latest.x, latest.y) => Ok((v, tick, at_tick, latest)),
                at => Err(format!(
                    "at tick {tick} the server had {at:?}, now {latest:?}\nconsole:\n{}",
                    page.console().join("\n")
                )),
            }
        },
    )
    .await;
    let server_world: Vec<Seen> = arena_entities(&at_tick)
        .map(|e| Seen::from_server(&e))
        .collect();
    assert_eq!(
        v.world, server_world,
        "the page's world vs the server's view for player {own} at the page's tick {tick}"
    );
    assert_eq!(
        v.stats["entities"].as_u64(),
        Some(at_tick.len() as u64),
        "stats().entities vs the entities of the server's view at the page's tick {tick}"
    );
    let (cx, cy) = v.own_position();
    let (sx, sy) = (f64::from(latest.x) / 16.0, f64::from(latest.y) / 16.0);
    assert!(
        (cx - sx).abs() <= POS_STEP + 1e-9 && (cy - sy).abs() <= POS_STEP + 1e-9,
        "predicted ({cx}, {cy}) vs the server's ({sx}, {sy})"
    );
    let page_own = v.entity(own).expect("own entity in world()");
    assert_eq!((page_own.x, page_own.y), (latest.x, latest.y));
    let newest = server_frame(&server).expect("frame");
    assert_eq!(
        player_ids(v.world.iter().cloned()),
        player_ids(arena_entities(&newest.state).map(|e| Seen::from_server(&e))),
        "players in the page and on the server"
    );
    eprintln!(
        "browser: moved {:?} from x {} to {} (1/16 units); at rest page ({cx}, {cy}), server \
         ({sx}, {sy}); world of {} entities equals the server's view at tick {tick}",
        moved.key.key,
        moved.server_before.x,
        moved.server_after.x,
        v.world.len(),
    );

    // The HUD shows live figures: its tick is the page's estimate of the server's tick (and
    // near the server's own), its entity count the page's (shown to equal the server's above).
    let hud = wait_for(
        LIMIT,
        "the HUD shows the page's tick and entity count",
        async || {
            let h = page
                .eval(
                    "({ hud: document.getElementById('hud').textContent, \
                       stats: window.tickwire.stats() })",
                )
                .await;
            let text = h["hud"].as_str().unwrap_or_default().to_string();
            let shown = (hud_figure(&text, "tick"), hud_figure(&text, "entities"));
            let page_tick = h["stats"]["serverTick"].as_u64();
            let page_entities = h["stats"]["entities"].as_u64();
            let server_tick = server_frame(&server).map(|f| u64::from(f.tick().0));
            match (shown, page_tick, server_tick) {
                ((Some(t), Some(n)), Some(pt), Some(st))
                    if t > 0
                        && t.abs_diff(pt) <= HUD_TICK_SLACK
                        && t.abs_diff(st) <= SERVER_TICK_SLACK
                        && n > 0
                        && Some(n) == page_entities =>
                {
                    Ok(text)
                }
                _ => Err(format!(
                    "HUD {text:?}; stats().serverTick {page_tick:?}, stats().entities \
                     {page_entities:?}; server tick {server_tick:?}"
                )),
            }
        },
    )
    .await;
    eprintln!("browser: HUD {hud:?}");
    page.screenshot(&artifact("browser-play.png")).await;
    save_docs_screenshot(&mut page, own).await;

    drop(page);
    drop(chrome);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_pages_see_each_other_move() {
    let Some(program) = chromium_or_skip("browser::two_pages_see_each_other_move") else {
        return;
    };
    // Everyone sees the whole world, so that the two players see each other wherever they spawn;
    // no bots, so that every projectile in the world is one of ours.
    let server = harness::start_arena(
        ServerConfig {
            view_radius: None,
            ..arena_config()
        },
        0,
    )
    .await;
    let mut chrome = Chromium::launch(&program).await;
    let base = format!("http://{}/", server.local_addr());
    let mut left = chrome.open(&format!("{base}?name=left")).await;
    let mut right = chrome.open(&format!("{base}?name=right")).await;
    let left_id = wait_joined(&mut left, &chrome).await;
    let right_id = wait_joined(&mut right, &chrome).await;
    assert_ne!(left_id, right_id);
    let frames = record_frames(&server);

    // Each page sees the other as a player.
    let sees = |v: &View, id| v.entity(id).is_some_and(|e| e.kind == "player");
    wait_for(LIMIT, "the pages see each other", async || {
        let (l, r) = (view(&mut left).await, view(&mut right).await);
        if sees(&l, right_id) && sees(&r, left_id) {
            Ok(())
        } else {
            Err(format!("left sees {:?}, right sees {:?}", l.world, r.world))
        }
    })
    .await;

    // Left moves; right's world follows.
    let right_before = view(&mut right)
        .await
        .entity(left_id)
        .expect("left in right's world")
        .clone();
    let moved = hold_move_key(&mut left, &server, &frames, left_id).await;
    assert_moved(&moved);
    let right_after = wait_for(
        LIMIT,
        "right sees left where the server has it",
        async || {
            let seen = view(&mut right)
                .await
                .entity(left_id)
                .expect("left in right's world")
                .clone();
            let latest = server_entity(&server, left_id).await;
            if (seen.x - right_before.x) * moved.key.sign > MIN_MOVE
                && (seen.x, seen.y) == (latest.x, latest.y)
            {
                Ok(seen)
            } else {
                Err(format!(
                    "right saw left at x {} -> {}; the server has {}",
                    right_before.x, seen.x, latest.x
                ))
            }
        },
    )
    .await;
    eprintln!(
        "two pages: right saw left move {:?} from x {} to {} (1/16 units), as the server has it",
        moved.key.key, right_before.x, right_after.x
    );

    // Left aims away from the wall it walked into (the camera keeps it at the window's centre)
    // and fires (space); right's world shows the shot in flight, as the server has it.
    left.focus().await;
    let aim_x = if moved.key.sign > 0 { 80 } else { 1200 };
    left.cdp
        .call(
            "Input.dispatchMouseEvent",
            serde_json::json!({"type": "mouseMoved", "x": aim_x, "y": 360}),
        )
        .await;
    left.key(true, " ", "Space", 32).await;
    wait_for(LIMIT, "right sees left's shot", async || {
        let seen = view(&mut right).await;
        if seen.world.iter().any(|e| e.kind == "projectile") {
            Ok(())
        } else {
            Err(format!("right's world: {:?}", seen.world))
        }
    })
    .await;
    left.key(false, " ", "Space", 32).await;
    wait_for(
        LIMIT,
        "the server's recorded frames hold the shots",
        async || {
            let shots = frames
                .lock()
                .values()
                .any(|f| f.state.entities().iter().any(|e| e.kind == PROJECTILE));
            shots
                .then_some(())
                .ok_or_else(|| "no projectile".to_string())
        },
    )
    .await;

    right.focus().await;
    right.screenshot(&artifact("two-players-right.png")).await;
    left.focus().await;
    left.screenshot(&artifact("two-players-left.png")).await;

    drop((left, right));
    drop(chrome);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_plays_over_wss() {
    let Some(program) = chromium_or_skip("browser::the_browser_plays_over_wss") else {
        return;
    };
    let (server, _cert, _) = crate::tls::start_tls("browser").await;
    // The test's certificate is self-signed: only this browser is told to accept it.
    let mut chrome = Chromium::launch_with(&program, &["--ignore-certificate-errors"]).await;
    let url = format!("https://{}/?name=tls", server.local_addr());
    let mut page = chrome.open(&url).await;
    wait_for(
        JOIN_LIMIT,
        "the https page connects over wss and holds a world",
        async || {
            let v = page
                .eval(
                    "({ protocol: location.protocol, stats: typeof window.tickwire === 'object' \
                     && window.tickwire.stats() })",
                )
                .await;
            let stats = &v["stats"];
            if v["protocol"] == "https:"
                && stats["connected"] == true
                && stats["entities"].as_u64().is_some_and(|n| n > 0)
            {
                Ok(())
            } else {
                Err(format!(
                    "page: {v}\nconsole:\n{}\nbrowser log:\n{}",
                    page.console().join("\n"),
                    chrome.log()
                ))
            }
        },
    )
    .await;
    assert!(
        server.shared().metrics.players.get() >= 1,
        "the server counts the page's player"
    );
    drop(page);
    drop(chrome);
    server.shutdown().await;
}

#[test]
fn hud_figures_are_read_by_label() {
    let text = "ping 3 ms  ·  tick 1234  ·  snap/s 30  ·  in 12.5 kbit/s  ·  entities 7  ·  \
                fps 60  ·  interp 100 ms  ·  pred err 0.00   [N] net graph";
    assert_eq!(hud_figure(text, "tick"), Some(1234));
    assert_eq!(hud_figure(text, "entities"), Some(7));
    assert_eq!(hud_figure(text, "ping"), Some(3));
    assert_eq!(hud_figure(text, "snap"), None);
    assert_eq!(hud_figure("tick", "tick"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_with_a_join_token_joins_under_the_tokens_name() {
    use tickwire_server::auth::join_token::{JoinClaims, JoinSecret, RoomClaim, sign};
    let Some(program) =
        chromium_or_skip("browser::a_page_with_a_join_token_joins_under_the_tokens_name")
    else {
        return;
    };
    let secret = JoinSecret::new(b"browser-test-secret").expect("a secret");
    let server = harness::start_arena(
        ServerConfig {
            join_secret: JoinSecret::new(b"browser-test-secret"),
            ..arena_config()
        },
        0,
    )
    .await;
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        + 300;
    let token = sign(
        &JoinClaims {
            sub: "player-77".into(),
            name: "from-token".into(),
            room: RoomClaim::Any,
            exp,
        },
        &secret,
    );
    let mut chrome = Chromium::launch(&program).await;
    // The page's own name would be "typed"; the token's name wins.
    let url = format!("http://{}/?name=typed&token={token}", server.local_addr());
    let mut page = chrome.open(&url).await;
    wait_joined(&mut page, &chrome).await;
    wait_for(LIMIT, "the scoreboard shows the token's name", async || {
        let names = page
            .eval("document.getElementById('scoreboard').textContent")
            .await;
        let text = names.as_str().unwrap_or_default().to_owned();
        (text.contains("from-token") && !text.contains("typed"))
            .then_some(())
            .ok_or(text)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_loses_its_socket_comes_back_to_its_entity_and_score() {
    let Some(program) = chromium_or_skip(
        "browser::a_page_that_loses_its_socket_comes_back_to_its_entity_and_score",
    ) else {
        return;
    };
    let server = crate::resume::start_duel(Duration::from_secs(20)).await;
    // The page goes through a proxy whose connections the test can cut.
    let proxy = crate::cut_proxy::CutProxy::start(server.local_addr()).await;
    let mut chrome = Chromium::launch(&program).await;
    let mut page = chrome
        .open(&format!("http://{}/?name=ada", proxy.addr()))
        .await;
    let own = wait_joined(&mut page, &chrome).await;

    let deaths = die_once(&server, &mut page, own).await;

    // The network drops: no close frame either way.
    assert!(proxy.cut() > 0, "the page had a connection to cut");
    wait_for(LIMIT, "the server holds the seat", async || {
        let held = server.shared().metrics.seats_held.get();
        (held == 1)
            .then_some(())
            .ok_or(format!("{held} seats held"))
    })
    .await;
    // The page reconnects by itself, to the same entity, with its score.
    wait_for(LIMIT, "the server resumes the seat", async || {
        let resumed = server.shared().metrics.seats_resumed.get();
        (resumed == 1)
            .then_some(())
            .ok_or(format!("{resumed} seats resumed"))
    })
    .await;
    back_in_seat(&mut page, own, deaths, LIMIT).await;
    assert_eq!(server.shared().metrics.seats_resumed.get(), 1);
    page.screenshot(&artifact("resumed.png")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spectator_page_watches_the_whole_world_and_follows_a_player() {
    let Some(program) =
        chromium_or_skip("browser::a_spectator_page_watches_the_whole_world_and_follows_a_player")
    else {
        return;
    };
    let server = harness::start(3).await;
    let player = harness::join(&server, "ada").await;
    let ada = player.welcome.as_ref().expect("welcome").entity_id.0;
    let mut chrome = Chromium::launch(&program).await;
    let url = format!("http://{}/?room=1&spectate=1", server.local_addr());
    let mut page = chrome.open(&url).await;
    wait_for(JOIN_LIMIT, "the page spectates the whole world", async || {
        let v = page
            .eval("typeof window.tickwire === 'object' && ({ stats: window.tickwire.stats(), label: document.getElementById('spectating').textContent })")
            .await;
        let whole = server_frame(&server).map_or(0, |f| f.state.len());
        let ok = v["stats"]["spectator"] == true
            && v["stats"]["ownEntityId"].is_null()
            && v["stats"]["entities"].as_u64() == Some(whole as u64)
            && v["label"].as_str().is_some_and(|l| l.starts_with("Spectating"));
        ok.then_some(()).ok_or(format!("{v}, server {whole}"))
    })
    .await;
    // Clicking a name in the scoreboard follows that player.
    page.eval(&format!(
        "document.querySelector('#scoreboard [data-entity=\"{ada}\"]').click()"
    ))
    .await;
    wait_for(LIMIT, "the page follows ada", async || {
        let v = page
            .eval("typeof window.tickwire === 'object' && ({ stats: window.tickwire.stats(), label: document.getElementById('spectating').textContent })")
            .await;
        (v["stats"]["following"] == ada && v["label"].as_str().is_some_and(|l| l.contains("ada")))
            .then_some(())
            .ok_or(format!("{v}"))
    })
    .await;
    let rooms = server.shared().lobby.rooms(true);
    assert_eq!(
        rooms.first().map(|r| (r.players, r.spectators)),
        Some((1, 1))
    );
    page.screenshot(&artifact("spectating.png")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leaderboard_panel_updates_when_a_match_result_is_written() {
    use tickwire_server::store::{EndedBy, MatchRecord, PlayerScore, Write};
    let Some(program) =
        chromium_or_skip("browser::the_leaderboard_panel_updates_when_a_match_result_is_written")
    else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let server = harness::start_arena(
        ServerConfig {
            match_length: Duration::from_secs(2),
            database: tickwire_server::Database::Sqlite(dir.path().join("board.db")),
            ..arena_config()
        },
        1,
    )
    .await;
    let mut chrome = Chromium::launch(&program).await;
    let url = format!("http://{}/?name=lb-page", server.local_addr());
    let mut page = chrome.open(&url).await;
    wait_joined(&mut page, &chrome).await;
    page.focus().await;
    // L opens the panel.
    page.key(true, "l", "KeyL", 76).await;
    page.key(false, "l", "KeyL", 76).await;
    let panel_text = async |page: &mut Page| {
        let v = page
            .eval("document.getElementById('leaderboard').hidden ? null : document.getElementById('leaderboard').textContent")
            .await;
        v.as_str().map(str::to_owned)
    };
    wait_for(LIMIT, "the panel opens", async || {
        panel_text(&mut page).await.ok_or("hidden".to_string())
    })
    .await;

    // The match ends: the results screen shows it, and the stored result reaches the panel.
    wait_for(LIMIT, "the results screen and the page's row", async || {
        let r = page.eval("window.tickwire.results()").await;
        let text = panel_text(&mut page).await.unwrap_or_default();
        (r["visible"] == true && text.contains("lb-page"))
            .then_some(())
            .ok_or(format!("results {r}; panel {text:?}"))
    })
    .await;
    page.screenshot(&artifact("leaderboard-results.png")).await;

    // A result written to the store straight away is pushed to the open page too.
    let store = server.shared().store.clone().expect("storage is on");
    store
        .record(Write::Match(MatchRecord {
            key: "written-by-test-1".into(),
            room: 99,
            game: "arena".into(),
            map: "arena".into(),
            started_ms: 1,
            ended_ms: 2,
            ended_by: EndedBy::Clock,
            players: vec![PlayerScore {
                player_id: "written-by-test".into(),
                name: "top-scorer".into(),
                rating: 500,
                columns: vec![("kills".into(), 500), ("deaths".into(), 0)],
                played_ms: 1000,
            }],
        }))
        .expect("queued");
    wait_for(LIMIT, "the written row in the panel", async || {
        let board = page.eval("window.tickwire.leaderboard()").await;
        let text = panel_text(&mut page).await.unwrap_or_default();
        (board["rows"][0]["name"] == "top-scorer" && text.contains("top-scorer"))
            .then_some(())
            .ok_or(format!("{board}; panel {text:?}"))
    })
    .await;
}

/// Waits (up to `limit`) until the page is back in its seat: snapshots again, the notice gone,
/// the same entity, its deaths and its name on the scoreboard.
pub(crate) async fn back_in_seat(page: &mut Page, own: u32, deaths: u32, limit: Duration) {
    wait_for(limit, "the page is back in its seat", async || {
        let v = page
            .eval("({ stats: window.tickwire.stats(), scores: window.tickwire.scores() })")
            .await;
        let line = v["scores"]
            .as_array()
            .and_then(|a| a.iter().find(|s| s["entity"] == own))
            .cloned()
            .unwrap_or_default();
        let back = v["stats"]["connected"] == true
            && v["stats"]["linkStalled"] == false
            && v["stats"]["statusText"] == ""
            && v["stats"]["ownEntityId"] == own
            && line["deaths"] == deaths
            && line["name"] == "ada";
        back.then_some(())
            .ok_or(format!("{v}\nconsole:\n{}", page.console().join("\n")))
    })
    .await;
}

/// A Rust client ("bob") shoots the page's player `own` (which stands still) until it has died
/// once, leaves, and waits until the page's scoreboard shows the death: a score of its own that
/// a fresh join would not have. Returns its deaths.
pub(crate) async fn die_once(server: &Server, page: &mut Page, own: u32) -> u32 {
    use tickwire_arena::ArenaInput;
    use tickwire_client::{GameClient, Received};
    use tickwire_protocol::ServerMsg;
    let mut bob = tokio::time::timeout(LIMIT, GameClient::join(server.local_addr(), "bob"))
        .await
        .expect("in time")
        .expect("join");
    let target = EntityId(own);
    let mut deaths = 0;
    for seq in 1..=3_000 {
        match tokio::time::timeout(LIMIT, bob.recv()).await {
            Ok(Ok(Received::Message(ServerMsg::Scoreboard(scores)))) => {
                deaths = scores
                    .iter()
                    .find(|s| s.entity == target)
                    .map_or(0, |s| crate::harness::deaths(s) as u32);
            }
            Ok(Ok(Received::Snapshot { .. })) => {}
            Ok(Ok(_)) => continue,
            other => panic!("bob: {:?}", other.map(|r| r.map(|_| ()))),
        }
        if deaths > 0 {
            break;
        }
        let Some(world) = bob.world() else { continue };
        let mine = bob.welcome.as_ref().expect("welcome").entity_id;
        let (Some(me), Some(it)) = (arena_entity(world, mine), arena_entity(world, target)) else {
            continue;
        };
        let aim = ((it.y - me.y) as f32).atan2((it.x - me.x) as f32);
        let input = ArenaInput {
            aim,
            fire: true,
            ..ArenaInput::default()
        };
        let input = crate::harness::arena_input(seq, input);
        bob.send(&input).await.expect("send");
    }
    assert!(deaths > 0, "bob scores on the page's player");
    // Bob leaves (a close, not a drop: his seat is not held).
    let _ = bob.close().await;
    wait_for(LIMIT, "the page's scoreboard shows the death", async || {
        let scores = page.eval("window.tickwire.scores()").await;
        let line = scores
            .as_array()
            .and_then(|a| a.iter().find(|s| s["entity"] == own))
            .cloned();
        match line {
            Some(l) if l["deaths"] == deaths => Ok(()),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    deaths
}

//! The real browser plays the real client against the real server: a headless Chromium loads the
//! game page, joins, moves with the keyboard, and holds exactly the server's quantized world.
//! Screenshots go to `target/test-artifacts/`. Without a browser the tests skip loudly, except
//! under `CI=true`, where they fail.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tickwire_protocol::{EntityId, EntityKind, EntityState, WorldState};
use tickwire_server::snapshot::SnapshotFrame;
use tickwire_server::{Server, ServerConfig};

use crate::cdp::{Chromium, Page, find_chromium};
use crate::harness::{self, LIMIT, arena_config, server_frame};

/// Where screenshots are written.
const ARTIFACTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/target/test-artifacts");
/// Players move right (`d`) unless they spawned right of this x (1/16 units): the bundled
/// arena's (assets/maps/arena.json) spawns at x 1900 are next to the right wall; they move left.
const MOVE_LEFT_FROM_X: i32 = 1700 * 16;
/// How long a movement key is held.
const HOLD: Duration = Duration::from_millis(1500);
/// How far a held key must move a player, in 1/16 units: 100 world units, where 1.5 s at full
/// speed is about 300 and the nearest wall in the chosen direction from any spawn is 146 away.
const MIN_MOVE: i32 = 100 * 16;
/// How long the page may take to load, connect and receive its first snapshot.
const JOIN_LIMIT: Duration = Duration::from_secs(15);
/// One quantization step of a position, in world units.
const POS_STEP: f64 = 1.0 / 16.0;
/// Server frames kept by the recorder (30 s at 30 Hz).
const MAX_RECORDED: usize = 900;
/// Attempts at a move before giving up (a bot may kill the player during one).
const MOVE_ATTEMPTS: usize = 3;

/// The browser, or `None` after a loud skip message when there is none (a failure under CI).
fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    if let Some(p) = find_chromium() {
        return Some(p);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test}: no Chromium found (set TICKWIRE_CHROMIUM, or put chromium, chromium-browser or \
         google-chrome on PATH); CI=true requires the browser tests to run"
    );
    // Straight to the stderr handle: libtest captures `eprintln!` of passing tests.
    let _ = writeln!(
        std::io::stderr(),
        "\n********************************************************************************\n\
         SKIPPED: {test}: no Chromium found (install chromium, or set TICKWIRE_CHROMIUM)\n\
         ********************************************************************************\n"
    );
    None
}

type Frames = Arc<parking_lot::Mutex<BTreeMap<u32, Arc<SnapshotFrame>>>>;

/// Records the first room's frames by tick while a test runs (the newest [`MAX_RECORDED`]).
fn record_frames(server: &Server) -> Frames {
    let frames: Frames = Arc::default();
    let rooms = server.shared().lobby.rooms();
    let mut rx = server
        .shared()
        .lobby
        .room(rooms.first().expect("a room").id)
        .expect("room")
        .frames;
    let out = frames.clone();
    tokio::spawn(async move {
        while rx.changed().await.is_ok() {
            if let Some(f) = rx.borrow_and_update().clone() {
                let mut frames = out.lock();
                frames.insert(f.tick().0, f);
                while frames.len() > MAX_RECORDED {
                    frames.pop_first();
                }
            }
        }
    });
    frames
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
    fn from_server(e: &EntityState) -> Seen {
        Seen {
            id: e.id.0,
            kind: format!("{:?}", e.kind),
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
async fn wait_joined(page: &mut Page, chrome: &Chromium) -> u32 {
    let deadline = tokio::time::Instant::now() + JOIN_LIMIT;
    loop {
        let ready = page
            .eval("typeof window.tickwire === 'object' && window.tickwire.stats()")
            .await;
        if ready["connected"] == true
            && ready["ownPosition"].is_object()
            && let Some(id) = ready["ownEntityId"].as_u64()
        {
            return u32::try_from(id).expect("entity id is a u32");
        }
        if tokio::time::Instant::now() > deadline {
            panic!(
                "the page did not join within {JOIN_LIMIT:?}; stats: {ready}\nconsole:\n{}\n\
                 browser log:\n{}",
                page.console().join("\n"),
                chrome.log()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The server's newest state of entity `id`, waiting (bounded) until its frame holds it.
async fn server_entity(server: &Server, id: u32) -> EntityState {
    let deadline = tokio::time::Instant::now() + LIMIT;
    loop {
        if let Some(e) = server_frame(server).and_then(|f| f.state.entity(EntityId(id)).copied()) {
            return e;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the server's frame never held entity {id}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits (bounded) until entity `id` is alive in the server's frame.
async fn alive(server: &Server, id: u32) -> EntityState {
    let deadline = tokio::time::Instant::now() + LIMIT;
    loop {
        let e = server_entity(server, id).await;
        if e.hp > 0 {
            return e;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "entity {id} did not respawn"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
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
    server_before: EntityState,
    server_after: EntityState,
    client_before: (f64, f64),
    client_after: (f64, f64),
}

/// Holds a movement key on `page` for [`HOLD`] so that its player (`id`) moves right, or left
/// when it stands by the right wall. A try during which the player died is repeated.
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
        tokio::time::sleep(HOLD).await;
        page.key(false, key.key, key.code, key.virtual_key).await;
        // Let the last inputs reach the server and their snapshot come back.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let client_after = view(page).await.own_position();
        let server_after = server_entity(server, id).await;
        let died = frames
            .lock()
            .range(from_tick..)
            .any(|(_, f)| f.state.entity(EntityId(id)).is_none_or(|e| e.hp == 0));
        if !died {
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
        "holding {:?} for {HOLD:?} moved the server's player from x {} to {} (1/16 units)",
        m.key.key,
        m.server_before.x,
        m.server_after.x
    );
    let client_dx = m.client_after.0 - m.client_before.0;
    assert!(
        client_dx * f64::from(m.key.sign) > f64::from(MIN_MOVE) / 16.0,
        "holding {:?} for {HOLD:?} moved the page's own player from x {} to {}",
        m.key.key,
        m.client_before.0,
        m.client_after.0
    );
}

/// The recorded server frame whose view for entity `own` (the whole world, or with area of
/// interest what that player sees) is exactly `world`, if any, with that view.
fn matching_frame(frames: &Frames, own: u32, world: &[Seen]) -> Option<(u32, Arc<WorldState>)> {
    frames.lock().values().rev().find_map(|f| {
        let view = f.view_for(EntityId(own), None).world;
        let same = view.entities.len() == world.len()
            && view
                .entities
                .iter()
                .zip(world)
                .all(|(s, c)| Seen::from_server(s) == *c);
        same.then(|| (f.tick().0, view))
    })
}

fn player_ids(world: impl IntoIterator<Item = Seen>) -> BTreeSet<u32> {
    world
        .into_iter()
        .filter(|e| e.kind == "Player")
        .map(|e| e.id)
        .collect()
}

fn artifact(name: &str) -> PathBuf {
    PathBuf::from(ARTIFACTS).join(name)
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
    assert_eq!(format!("{:?}", e.kind), "Player", "own entity {e:?}");
    let frames = record_frames(&server);

    // A held key moves the player, in the page and on the server.
    let moved = hold_move_key(&mut page, &server, &frames, own).await;
    assert_moved(&moved);

    // At rest, the page's decoded world is exactly the server's view at some tick, in which the
    // player stands where the server has it now, and the page's predicted position is the
    // server's within one quantization step. (A respawn between two reads makes a try fail;
    // another follows.)
    tokio::time::sleep(Duration::from_secs(1)).await;
    let deadline = tokio::time::Instant::now() + LIMIT;
    let (v, matched_tick, matched, latest) = loop {
        let v = view(&mut page).await;
        // Give the recorder a moment to hold the frame the page decoded.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let latest = server_entity(&server, own).await;
        let found = matching_frame(&frames, own, &v.world);
        if let Some((tick, world)) = &found {
            let at = world.entity(EntityId(own)).expect("own entity in own view");
            if (at.x, at.y) == (latest.x, latest.y) {
                break (v, *tick, world.clone(), latest);
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the page's world never equalled a server view with the player at rest; matched \
             tick {:?}, server now {latest:?}, page world {:?}\nconsole:\n{}",
            found.map(|f| f.0),
            v.world,
            page.console().join("\n")
        );
    };
    let (cx, cy) = v.own_position();
    let (sx, sy) = (f64::from(latest.x) / 16.0, f64::from(latest.y) / 16.0);
    assert!(
        (cx - sx).abs() <= POS_STEP + 1e-9 && (cy - sy).abs() <= POS_STEP + 1e-9,
        "predicted ({cx}, {cy}) vs the server's ({sx}, {sy})"
    );
    let page_own = v.entity(own).expect("own entity in world()");
    assert_eq!((page_own.x, page_own.y), (latest.x, latest.y));
    assert_eq!(v.world.len(), matched.entities.len());
    let newest = server_frame(&server).expect("frame");
    assert_eq!(
        player_ids(v.world.iter().cloned()),
        player_ids(newest.state.entities.iter().map(Seen::from_server)),
        "players in the page and on the server"
    );
    assert_eq!(
        v.stats["entities"].as_u64(),
        Some(v.world.len() as u64),
        "stats().entities counts world()"
    );
    eprintln!(
        "browser: moved {:?} from x {} to {} (1/16 units); at rest page ({cx}, {cy}), server \
         ({sx}, {sy}); world of {} entities equals the server's view at tick {}",
        moved.key.key,
        moved.server_before.x,
        moved.server_after.x,
        v.world.len(),
        matched_tick
    );

    // The HUD shows live figures.
    let hud = page
        .eval("document.getElementById('hud').textContent")
        .await;
    assert!(
        hud.as_str().is_some_and(|t| t.contains("tick")),
        "HUD: {hud}"
    );
    page.screenshot(&artifact("browser-play.png")).await;

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
    let deadline = tokio::time::Instant::now() + LIMIT;
    loop {
        let (l, r) = (view(&mut left).await, view(&mut right).await);
        let sees = |v: &View, id| v.entity(id).is_some_and(|e| e.kind == "Player");
        if sees(&l, right_id) && sees(&r, left_id) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the pages never saw each other"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Left moves; right's world follows.
    let right_before = view(&mut right)
        .await
        .entity(left_id)
        .expect("left in right's world")
        .clone();
    let moved = hold_move_key(&mut left, &server, &frames, left_id).await;
    assert_moved(&moved);
    let deadline = tokio::time::Instant::now() + LIMIT;
    let right_after = loop {
        let seen = view(&mut right)
            .await
            .entity(left_id)
            .expect("left in right's world")
            .clone();
        let latest = server_entity(&server, left_id).await;
        if (seen.x - right_before.x) * moved.key.sign > MIN_MOVE
            && (seen.x, seen.y) == (latest.x, latest.y)
        {
            break seen;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "right saw left at x {} -> {}; the server has {}",
            right_before.x,
            seen.x,
            latest.x
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
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
    let deadline = tokio::time::Instant::now() + LIMIT;
    loop {
        let seen = view(&mut right).await;
        if seen.world.iter().any(|e| e.kind == "Projectile") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "right never saw left's shot"
        );
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    left.key(false, " ", "Space", 32).await;
    let shots_on_server = frames.lock().values().any(|f| {
        f.state
            .entities
            .iter()
            .any(|e| e.kind == EntityKind::Projectile)
    });
    assert!(shots_on_server, "the server's frames hold the shots");

    right.focus().await;
    right.screenshot(&artifact("two-players-right.png")).await;
    left.focus().await;
    left.screenshot(&artifact("two-players-left.png")).await;

    drop((left, right));
    drop(chrome);
    server.shutdown().await;
}

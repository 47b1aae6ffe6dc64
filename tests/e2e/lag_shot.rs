//! Lag compensation in a real Chromium: the page stands still and fires one shot across the path
//! of a runner (a client holding one movement key, so it runs at constant top speed), timed so
//! that the shot meets the runner as the page draws it. Over a 150 ms round trip the server hits
//! the runner when it judges the shot against the world the page showed, and misses it when it
//! judges against the present (`--max-rewind-ms 0`).

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tickwire_client::GameClient;
use tickwire_protocol::EntityId;
use tickwire_server::ServerConfig;
use tickwire_server::link_sim::LinkSim;
use tickwire_sim::rules::MAX_HP;

use crate::browser::chromium_or_skip;
use crate::cdp::{Chromium, Page};
use crate::harness::{self, LIMIT, arena_config, server_frame, wait_for};

/// Top speed, units a second (the sim's `MAX_SPEED`).
const RUN_SPEED: f64 = 220.0;
/// Projectile speed, units a second (the sim's `PROJECTILE_SPEED`).
const SHOT_SPEED: f64 = 600.0;
/// A projectile leaves this far from its shooter's centre (player radius, projectile radius,
/// muzzle gap).
const MUZZLE: f64 = 14.0 + 4.0 + 1.0;
/// A projectile hits a player whose centre is this close (player radius plus projectile radius).
const HIT_DISTANCE: f64 = 18.0;

/// One shot's story: where the page drew things, and what the server did.
#[derive(Debug)]
struct Shot {
    /// Closest approach of the shot to the runner as the page drew them, world units.
    on_screen_miss: f64,
    /// The runner's hit points on the server after the shot's flight.
    runner_hp: u8,
    /// The page's render tick when it saw the runner there, and the tick of the world it drew
    /// (what its inputs carry as their view tick): apart when the render timeline ran past the
    /// snapshots.
    render_tick: f64,
    view_tick: f64,
}

/// Runs the scene on a server whose lag compensation reaches back `max_rewind`.
async fn shoot(program: &std::path::Path, max_rewind: Duration) -> Shot {
    // An open field with two spawns 200 units apart across, 500 along.
    let arena = harness::arena_on_map(
        r#"{"name": "range", "width": 1000, "height": 1400, "walls": [],
            "spawns": [{"x": 300, "y": 700}, {"x": 500, "y": 200}]}"#,
    );
    let config = ServerConfig {
        link_sim: LinkSim {
            latency: Duration::from_millis(75),
            ..LinkSim::default()
        },
        max_rewind,
        ..arena_config()
    };
    let server = harness::start_with(config, arena.games()).await;
    let mut chrome = Chromium::launch(program).await;
    let (mut page, shooter) = crate::netcode_feel::join(&mut chrome, &server, "shooter").await;

    let mut runner = tokio::time::timeout(LIMIT, GameClient::join(server.local_addr(), "runner"))
        .await
        .expect("the runner joins in time")
        .expect("join");
    let runner_id = runner.welcome.as_ref().expect("welcome").entity_id.0;
    let (s, r) = wait_for(LIMIT, "both players on the server", async || {
        let pos = |id| {
            let f = server_frame(&server)?;
            let e = crate::arena_entity::arena_entity(&f.state, EntityId(id))?;
            Some((f64::from(e.x) / 16.0, f64::from(e.y) / 16.0))
        };
        match (pos(shooter), pos(runner_id)) {
            (Some(s), Some(r)) => Ok((s, r)),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    // The runner runs past the shooter's line; the shooter aims straight across at it.
    let run_dir = if s.1 > r.1 { 1.0 } else { -1.0 };
    let aim_dir = if r.0 > s.0 { 1.0 } else { -1.0 };
    let runner_task = tokio::spawn(async move {
        let start = Instant::now();
        let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / 60.0));
        let mut seq = 0u32;
        while start.elapsed() < Duration::from_secs(6) {
            tokio::select! {
                _ = tick.tick() => {
                    seq += 1;
                    let run = harness::arena_input(seq, harness::arena_move(0, run_dir as i8));
                    if runner.send(&run).await.is_err() {
                        break;
                    }
                }
                r = runner.recv() => if r.is_err() { break },
            }
        }
    });

    // Aim: the mouse level with the page's own player as the page draws it (the camera stops at
    // the map's edges, so not always the canvas's centre), to the side.
    let at = wait_for(LIMIT, "the page draws its own player", async || {
        let own = page.eval("window.tickwire.view().own").await;
        own.get("x")
            .and_then(Value::as_f64)
            .zip(own.get("y").and_then(Value::as_f64))
            .ok_or_else(|| format!("own player on screen: {own}"))
    })
    .await;
    page.cdp
        .call(
            "Input.dispatchMouseEvent",
            json!({"type": "mouseMoved", "x": at.0 + aim_dir * 200.0, "y": at.1}),
        )
        .await;
    // Fire when the runner, as the page draws it, is where the shot will meet it: the flight
    // time ahead of the shooter's line.
    let flight = ((r.0 - s.0).abs() - MUZZLE) / SHOT_SPEED;
    let fire_y = s.1 - run_dir * RUN_SPEED * flight;
    let seen = wait_drawn_at(&mut page, runner_id, fire_y, run_dir).await;
    page.key(true, " ", "Space", 32).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    page.key(false, " ", "Space", 32).await;
    // Where the shot, as the page predicts it, passes the runner as the page draws it.
    let own = (num(&seen["own"]["x"]), num(&seen["own"]["y"]));
    let drawn = (num(&seen["x"]), num(&seen["y"]));
    let on_screen_miss = closest_approach(own, aim_dir, drawn, run_dir);

    tokio::time::sleep(Duration::from_millis(800)).await;
    let runner_hp = server_frame(&server)
        .and_then(|f| {
            crate::arena_entity::arena_entity(&f.state, EntityId(runner_id)).map(|e| e.hp)
        })
        .expect("the runner on the server");
    runner_task.abort();
    drop(chrome);
    server.shutdown().await;
    Shot {
        on_screen_miss,
        runner_hp,
        render_tick: num(&seen["renderTick"]),
        view_tick: num(&seen["viewTick"]),
    }
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// Waits, frame by frame in the page, until the runner as drawn reaches `y` going `dir`; returns
/// where it was drawn then, the page's own player, and its render and view ticks.
async fn wait_drawn_at(page: &mut Page, runner: u32, y: f64, dir: f64) -> Value {
    let script = format!(
        "new Promise((resolve) => {{
           const until = performance.now() + 10000;
           const frame = () => {{
             const shown = window.tickwire.shown();
             const e = shown.entities.find((e) => e.id === {runner});
             if (e && (e.y - ({y})) * ({dir}) >= 0) {{
               resolve({{ x: e.x, y: e.y, own: window.tickwire.stats().ownPosition,
                 renderTick: shown.renderTick, viewTick: shown.viewTick }});
             }} else if (performance.now() > until) {{
               resolve(null);
             }} else {{
               requestAnimationFrame(frame);
             }}
           }};
           frame();
         }})"
    );
    let seen = page.eval(&script).await;
    assert!(
        seen.is_object(),
        "the runner never reached y {y} on the page"
    );
    seen
}

/// The closest a shot from `from` going straight along x (`aim_dir`) at the shot speed comes to
/// a runner at `at` going along y (`run_dir`) at top speed.
fn closest_approach(from: (f64, f64), aim_dir: f64, at: (f64, f64), run_dir: f64) -> f64 {
    let start = (from.0 + aim_dir * MUZZLE, from.1);
    (0..=1500)
        .map(|ms| {
            let t = f64::from(ms) / 1000.0;
            let shot = (start.0 + aim_dir * SHOT_SPEED * t, start.1);
            let runner = (at.0, at.1 + run_dir * RUN_SPEED * t);
            ((shot.0 - runner.0).powi(2) + (shot.1 - runner.1).powi(2)).sqrt()
        })
        .fold(f64::INFINITY, f64::min)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shot_that_hits_on_screen_hits_on_the_server_only_with_lag_compensation() {
    let Some(program) = chromium_or_skip(
        "lag_shot::a_shot_that_hits_on_screen_hits_on_the_server_only_with_lag_compensation",
    ) else {
        return;
    };
    // A reach of 400 ms: the 150 ms round trip plus the interpolation delay is about 250 ms, and a
    // loaded machine (the whole suite at once, Chromium beside it) adds input queueing on top;
    // the point is compensation against none, not the default bound.
    let judged_as_seen = shoot(&program, Duration::from_millis(400)).await;
    let judged_now = shoot(&program, Duration::ZERO).await;
    println!(
        "lag_shot: 150 ms round trip; with lag compensation (400 ms): on-screen miss distance {:.1} units, \
         runner hp {} (view tick {}, render tick {:.1}); without: on-screen miss distance {:.1} units, \
         runner hp {} (view tick {}, render tick {:.1})",
        judged_as_seen.on_screen_miss,
        judged_as_seen.runner_hp,
        judged_as_seen.view_tick,
        judged_as_seen.render_tick,
        judged_now.on_screen_miss,
        judged_now.runner_hp,
        judged_now.view_tick,
        judged_now.render_tick,
    );
    for shot in [&judged_as_seen, &judged_now] {
        assert!(
            shot.on_screen_miss < HIT_DISTANCE,
            "the shot hits on the page's screen: {shot:?}"
        );
    }
    assert!(
        judged_as_seen.runner_hp < MAX_HP,
        "judged against the world the page showed, the shot hits: {judged_as_seen:?}"
    );
    assert_eq!(
        judged_now.runner_hp, MAX_HP,
        "judged against the present, the same shot misses: {judged_now:?}"
    );
}

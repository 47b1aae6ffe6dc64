//! Movement vectors for the browser client's prediction: `tests/vectors/predict_*.json` at the
//! workspace root, `{"name", "note", "value", "hex"}` with value `{"map", "dt", "start", "inputs",
//! "steps"}`. The JS port of `move_player` must reproduce every step bit for bit. Checked on every
//! run; rewritten only with `TICKWIRE_WRITE_VECTORS=1`.

use std::path::PathBuf;

use glam::Vec2;
use serde_json::{Value, json};
use tickwire_sim::{Map, PlayerInput, move_player};

struct Case {
    name: &'static str,
    note: &'static str,
    map: Map,
    tick_rate: u32,
    start: (Vec2, Vec2),
    inputs: Vec<PlayerInput>,
}

fn scripted(ticks: u32) -> Vec<PlayerInput> {
    const MX: [i8; 8] = [1, 1, 0, -1, -1, 0, 1, 0];
    const MY: [i8; 8] = [0, 1, 1, 1, 0, -1, -1, 0];
    (0..ticks)
        .map(|t| PlayerInput {
            move_x: MX[(t / 37) as usize % 8],
            move_y: MY[(t / 53) as usize % 8],
            aim: 0.0,
            fire: false,
            rewind: 0,
        })
        .collect()
}

fn cases() -> Vec<Case> {
    let arena = Map::default_arena();
    let small = Map::from_json(
        r#"{"name":"box","width":400,"height":300,
            "walls":[{"x":150,"y":100,"w":100,"h":100},{"x":0,"y":0,"w":400,"h":20}],
            "spawns":[{"x":60,"y":60}]}"#,
    )
    .expect("small map");
    vec![
        Case {
            name: "predict_arena_walk",
            note: "The arena at 60 Hz: 600 ticks of scripted 8-direction input from rest, into walls.",
            map: arena.clone(),
            tick_rate: 60,
            start: (Vec2::new(100.0, 100.0), Vec2::ZERO),
            inputs: scripted(600),
        },
        Case {
            name: "predict_corner_30hz",
            note: "A small map at 30 Hz: sliding along a block, pushing into a corner, stopping.",
            map: small,
            tick_rate: 30,
            start: (Vec2::new(60.0, 150.0), Vec2::new(-50.0, 10.0)),
            inputs: (0..120)
                .map(|t| PlayerInput {
                    move_x: if t < 60 {
                        1
                    } else if t < 90 {
                        -1
                    } else {
                        0
                    },
                    move_y: if t % 40 < 20 { 1 } else { -1 },
                    aim: 0.0,
                    fire: false,
                    rewind: 0,
                })
                .collect(),
        },
    ]
}

fn v2(v: Vec2) -> Value {
    json!([v.x, v.y])
}

#[test]
fn predict_vectors_match_the_files() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors");
    let write = std::env::var("TICKWIRE_WRITE_VECTORS").is_ok_and(|v| v == "1");
    for case in cases() {
        let dt = 1.0f32 / case.tick_rate as f32;
        let (mut pos, mut vel) = case.start;
        let mut steps = Vec::new();
        let mut bits = String::new();
        for input in &case.inputs {
            (pos, vel) = move_player(pos, vel, input, dt, &case.map);
            steps.push(json!({"pos": v2(pos), "vel": v2(vel)}));
            for f in [pos.x, pos.y, vel.x, vel.y] {
                for b in f.to_le_bytes() {
                    bits.push_str(&format!("{b:02x}"));
                }
            }
        }
        let map: Value = serde_json::from_str(&case.map.to_json()).expect("map json");
        let file = json!({
            "name": case.name,
            "note": case.note,
            "value": {
                "map": map,
                "tick_rate": case.tick_rate,
                "dt": dt,
                "start": {"pos": v2(case.start.0), "vel": v2(case.start.1)},
                "inputs": case.inputs.iter().map(|i| json!({
                    "move_x": i.move_x, "move_y": i.move_y, "aim": i.aim, "fire": i.fire
                })).collect::<Vec<_>>(),
                "steps": steps,
            },
            "hex": bits,
        });
        let path = dir.join(format!("{}.json", case.name));
        let text = serde_json::to_string_pretty(&file).expect("json") + "\n";
        if write {
            std::fs::write(&path, text).expect("write vector");
            continue;
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run with TICKWIRE_WRITE_VECTORS=1 to create it",
                path.display()
            )
        });
        // Compared as text: the file is written canonically, and text avoids any float parsing.
        assert!(
            on_disk == text,
            "{} differs from what move_player produces; if intended, rerun with TICKWIRE_WRITE_VECTORS=1",
            case.name
        );
    }
}

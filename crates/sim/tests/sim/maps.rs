//! Map loading and validation: the bundled arena works, each kind of bad map says why.

use std::path::Path;

use glam::Vec2;
use tickwire_sim::{BUNDLED_MAPS, DEFAULT_MAP_JSON, Map, MapError};

#[test]
fn bundled_arena_loads_and_validates() {
    let map = Map::from_json(DEFAULT_MAP_JSON).expect("bundled arena is valid");
    map.validate().expect("valid");
    assert_eq!((map.width, map.height), (2000.0, 1400.0));
    assert!(map.walls.len() >= 14, "border plus 10+ interior walls");
    assert!(map.spawns.len() >= 8);
    assert_eq!(Map::default_arena(), map);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("maps/arena.json");
    assert_eq!(Map::load(&path).expect("loads from disk"), map);
    assert_eq!(Map::from_json(&map.to_json()).expect("round trip"), map);
}

fn json(walls: &str, spawns: &str) -> String {
    format!(r#"{{"name":"t","width":1000,"height":800,"walls":[{walls}],"spawns":[{spawns}]}}"#)
}

const WALL: &str = r#"{"x":100,"y":100,"w":200,"h":50}"#;
const SPAWN: &str = r#"{"x":500,"y":500}"#;

#[test]
fn a_good_small_map_is_accepted() {
    Map::from_json(&json(WALL, SPAWN)).expect("valid");
}

#[test]
fn spawn_inside_a_wall_is_rejected() {
    let err = Map::from_json(&json(WALL, r#"{"x":500,"y":500},{"x":150,"y":120}"#))
        .expect_err("bad map is rejected");
    assert!(
        matches!(
            err,
            MapError::SpawnInWall {
                index: 1,
                wall: 0,
                ..
            }
        ),
        "{err}"
    );
    // Touching is not enough room for a player either.
    let err = Map::from_json(&json(WALL, r#"{"x":150,"y":160}"#)).expect_err("bad map is rejected");
    assert!(
        matches!(err, MapError::SpawnInWall { index: 0, .. }),
        "{err}"
    );
}

#[test]
fn bad_sizes_are_rejected() {
    for (w, h) in [("-5", "800"), ("1000", "0"), ("99999", "800")] {
        let text =
            format!(r#"{{"name":"t","width":{w},"height":{h},"walls":[],"spawns":[{SPAWN}]}}"#);
        let err = Map::from_json(&text).expect_err("bad map is rejected");
        assert!(matches!(err, MapError::BadSize { .. }), "{w}x{h}: {err}");
    }
}

#[test]
fn no_spawns_is_rejected() {
    let err = Map::from_json(&json(WALL, "")).expect_err("bad map is rejected");
    assert!(matches!(err, MapError::NoSpawns), "{err}");
}

#[test]
fn spawn_outside_is_rejected() {
    for spawn in [
        r#"{"x":-10,"y":100}"#,
        r#"{"x":995,"y":100}"#,
        r#"{"x":500,"y":2000}"#,
    ] {
        let err = Map::from_json(&json(WALL, spawn)).expect_err("bad map is rejected");
        assert!(
            matches!(err, MapError::SpawnOutside { index: 0, .. }),
            "{spawn}: {err}"
        );
    }
}

#[test]
fn bad_walls_are_rejected() {
    let err = Map::from_json(&json(r#"{"x":900,"y":100,"w":200,"h":50}"#, SPAWN))
        .expect_err("bad map is rejected");
    assert!(
        matches!(err, MapError::WallOutOfBounds { index: 0, .. }),
        "{err}"
    );
    let err = Map::from_json(&json(r#"{"x":-1,"y":100,"w":20,"h":50}"#, SPAWN))
        .expect_err("bad map is rejected");
    assert!(
        matches!(err, MapError::WallOutOfBounds { index: 0, .. }),
        "{err}"
    );
    let err = Map::from_json(&json(
        &format!(r#"{WALL},{{"x":10,"y":10,"w":0,"h":50}}"#),
        SPAWN,
    ))
    .expect_err("bad map is rejected");
    assert!(matches!(err, MapError::WallSize { index: 1, .. }), "{err}");
    let err = Map::from_json(&json(r#"{"x":10,"y":10,"w":20,"h":-3}"#, SPAWN))
        .expect_err("bad map is rejected");
    assert!(matches!(err, MapError::WallSize { index: 0, .. }), "{err}");
}

#[test]
fn too_many_walls_or_spawns_are_rejected() {
    let walls =
        vec![r#"{"x":1,"y":1,"w":1,"h":1}"#; tickwire_sim::rules::MAP_MAX_WALLS + 1].join(",");
    let err = Map::from_json(&json(&walls, SPAWN)).expect_err("bad map is rejected");
    assert!(matches!(err, MapError::TooManyWalls { .. }), "{err}");
    let spawns = vec![SPAWN; tickwire_sim::rules::MAP_MAX_SPAWNS + 1].join(",");
    let err = Map::from_json(&json(WALL, &spawns)).expect_err("bad map is rejected");
    assert!(matches!(err, MapError::TooManySpawns { .. }), "{err}");
}

#[test]
fn unknown_fields_and_broken_json_are_parse_errors() {
    let text = json(WALL, SPAWN).replacen("\"name\"", "\"gravity\":1,\"name\"", 1);
    let err = Map::from_json(&text).expect_err("bad map is rejected");
    assert!(matches!(err, MapError::Parse(_)), "{err}");
    assert!(err.to_string().contains("gravity"), "{err}");
    let err = Map::from_json(&json(r#"{"x":1,"y":1,"w":1,"h":1,"z":3}"#, SPAWN))
        .expect_err("bad map is rejected");
    assert!(matches!(err, MapError::Parse(_)), "{err}");
    let err = Map::from_json(r#"{"name":"t","width":100"#).expect_err("bad map is rejected");
    assert!(matches!(err, MapError::Parse(_)), "{err}");
    let err = Map::from_json(r#"{"name":"t","width":100,"height":100,"walls":[]}"#)
        .expect_err("bad map is rejected");
    assert!(
        err.to_string().contains("spawns"),
        "missing field is named: {err}"
    );
}

#[test]
fn non_finite_numbers_are_rejected() {
    let mut map = Map::default_arena();
    map.walls[3].w = f32::NAN;
    let err = map.validate().expect_err("bad map is rejected");
    assert!(
        matches!(&err, MapError::NonFinite { field } if field == "walls[3].w"),
        "{err}"
    );
    let mut map = Map::default_arena();
    map.spawns[0] = Vec2::new(f32::INFINITY, 5.0);
    let err = map.validate().expect_err("bad map is rejected");
    assert!(
        matches!(&err, MapError::NonFinite { field } if field == "spawns[0].x"),
        "{err}"
    );
}

#[test]
fn missing_file_is_an_io_error_naming_the_path() {
    let err =
        Map::load(Path::new("/nonexistent/tickwire/map.json")).expect_err("bad map is rejected");
    assert!(matches!(err, MapError::Io { .. }), "{err}");
    assert!(
        err.to_string().contains("/nonexistent/tickwire/map.json"),
        "{err}"
    );
}

#[test]
fn oversized_text_is_rejected_before_parsing() {
    let text = " ".repeat(tickwire_sim::rules::MAP_MAX_BYTES + 1);
    assert!(matches!(
        Map::from_json(&text),
        Err(MapError::TooLarge { .. })
    ));
}

#[test]
fn every_bundled_map_is_valid_and_named_as_listed() {
    for (name, json) in BUNDLED_MAPS {
        let map = Map::from_json(json).unwrap_or_else(|e| panic!("bundled map {name}: {e}"));
        assert_eq!(&map.name, name);
        assert_eq!(Map::bundled(name), Some(map));
    }
    assert_eq!(Map::bundled("no-such-map"), None);
}

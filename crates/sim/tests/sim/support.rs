//! Small maps and checks shared by the behaviour modules.

use glam::Vec2;
use tickwire_sim::{Map, Wall, World};

/// An open map of the given size with the given walls and spawns.
pub fn map(width: f32, height: f32, walls: &[Wall], spawns: &[(f32, f32)]) -> Map {
    let map = Map {
        name: "test".into(),
        width,
        height,
        walls: walls.to_vec(),
        spawns: spawns.iter().map(|&(x, y)| Vec2::new(x, y)).collect(),
    };
    map.validate().expect("test map is valid");
    map
}

/// How far a circle sinks into the deepest wall it overlaps (0 when it overlaps none).
pub fn wall_penetration(map: &Map, pos: Vec2, radius: f32) -> f32 {
    map.walls
        .iter()
        .map(|w| {
            let cx = pos.x.clamp(w.x, w.x + w.w);
            let cy = pos.y.clamp(w.y, w.y + w.h);
            let inside = pos.x > w.x && pos.x < w.x + w.w && pos.y > w.y && pos.y < w.y + w.h;
            let d = Vec2::new(pos.x - cx, pos.y - cy).length();
            if inside {
                radius + 1.0
            } else {
                (radius - d).max(0.0)
            }
        })
        .fold(0.0, f32::max)
}

/// Panics if any player or bot overlaps a wall (beyond float slack) or leaves the map.
pub fn assert_everyone_placed_legally(world: &World) {
    let map = world.map();
    for e in world.entities().filter(|e| e.kind.is_actor()) {
        let depth = wall_penetration(map, e.pos, e.radius);
        assert!(
            depth < 0.01,
            "tick {}: {:?} {} units inside a wall at {}",
            world.tick(),
            e.id,
            depth,
            e.pos
        );
        assert!(
            map.contains_circle(e.pos, e.radius - 0.001),
            "tick {}: {:?} outside the map at {}",
            world.tick(),
            e.id,
            e.pos
        );
    }
}

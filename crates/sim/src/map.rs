//! Maps: the arena's size, walls and spawn points, their JSON format and their validation.

use std::path::{Path, PathBuf};

use glam::Vec2;
use serde::{Deserialize, Serialize};

use crate::rules::{MAP_MAX_BYTES, MAP_MAX_SIZE, MAP_MAX_SPAWNS, MAP_MAX_WALLS, PLAYER_RADIUS};

/// The bundled arena map, so that the binary works with no files next to it.
pub const DEFAULT_MAP_JSON: &str = include_str!("../maps/arena.json");

/// Every map built into the binary, by name: the default arena first, then a small map for two to
/// six players.
pub const BUNDLED_MAPS: &[(&str, &str)] = &[
    ("arena", DEFAULT_MAP_JSON),
    ("duel", include_str!("../maps/duel.json")),
];

/// An axis-aligned solid rectangle; `(x, y)` is its top-left corner.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wall {
    /// Left edge, in units.
    pub x: f32,
    /// Top edge, in units.
    pub y: f32,
    /// Width, in units (positive).
    pub w: f32,
    /// Height, in units (positive).
    pub h: f32,
}

impl Wall {
    /// Right edge (`x + w`, rounded to f32).
    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    /// Bottom edge (`y + h`, rounded to f32).
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }

    /// True when a circle overlaps the wall by more than touching.
    pub fn overlaps_circle(&self, center: Vec2, radius: f32) -> bool {
        let cx = center.x.max(self.x).min(self.right());
        let cy = center.y.max(self.y).min(self.bottom());
        let dx = center.x - cx;
        let dy = center.y - cy;
        dx * dx + dy * dy < radius * radius
    }
}

/// A spawn point as written in the JSON file: `{"x": .., "y": ..}`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpawnPoint {
    x: f32,
    y: f32,
}

/// The JSON file format of a map.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MapFile {
    name: String,
    width: f32,
    height: f32,
    walls: Vec<Wall>,
    spawns: Vec<SpawnPoint>,
}

/// An arena: a `width` x `height` rectangle from `(0, 0)`, with solid walls and spawn points.
/// Players can never leave the rectangle.
#[derive(Clone, Debug, PartialEq)]
pub struct Map {
    /// Display name.
    pub name: String,
    /// Width, in units.
    pub width: f32,
    /// Height, in units.
    pub height: f32,
    /// Solid rectangles, in file order (the movement rule resolves them in this order).
    pub walls: Vec<Wall>,
    /// Centres where players and bots appear.
    pub spawns: Vec<Vec2>,
}

/// Why a map could not be loaded or is not valid.
#[derive(Debug, thiserror::Error)]
pub enum MapError {
    /// The map file could not be read.
    #[error("cannot read map file {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The map text is larger than the limit.
    #[error("map is {len} bytes, more than the {max} allowed")]
    TooLarge {
        /// Size of the text, in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The text is not JSON of the map format (syntax error, missing or unknown field, wrong type).
    #[error("map JSON is invalid: {0}")]
    Parse(#[from] serde_json::Error),
    /// A number in the map is NaN or infinite.
    #[error("map field {field} is not a finite number")]
    NonFinite {
        /// Which field, e.g. `walls[3].x`.
        field: String,
    },
    /// The width or height is not positive or larger than the limit.
    #[error("map size {width} x {height} is invalid: each side must be > 0 and <= {max}")]
    BadSize {
        /// The width given.
        width: f32,
        /// The height given.
        height: f32,
        /// The limit on each side.
        max: f32,
    },
    /// The map has more walls than the limit.
    #[error("map has {count} walls, more than the {max} allowed")]
    TooManyWalls {
        /// Walls in the map.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A wall's width or height is zero or negative.
    #[error("wall {index} has size {w} x {h}; both must be > 0")]
    WallSize {
        /// Index of the wall in `walls`.
        index: usize,
        /// The width given.
        w: f32,
        /// The height given.
        h: f32,
    },
    /// A wall reaches outside the map.
    #[error("wall {index} ({x}, {y}, {w} x {h}) reaches outside the {width} x {height} map")]
    WallOutOfBounds {
        /// Index of the wall in `walls`.
        index: usize,
        /// Its left edge.
        x: f32,
        /// Its top edge.
        y: f32,
        /// Its width.
        w: f32,
        /// Its height.
        h: f32,
        /// The map width.
        width: f32,
        /// The map height.
        height: f32,
    },
    /// The map has no spawn point.
    #[error("map has no spawn points; at least one is needed")]
    NoSpawns,
    /// The map has more spawn points than the limit.
    #[error("map has {count} spawn points, more than the {max} allowed")]
    TooManySpawns {
        /// Spawn points in the map.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A player standing on a spawn point would stick out of the map.
    #[error("spawn {index} at ({x}, {y}) is outside the map or closer than {radius} to its edge")]
    SpawnOutside {
        /// Index of the spawn in `spawns`.
        index: usize,
        /// Its x.
        x: f32,
        /// Its y.
        y: f32,
        /// The player radius it must keep from the edge.
        radius: f32,
    },
    /// A player standing on a spawn point would overlap a wall.
    #[error("spawn {index} at ({x}, {y}) is inside wall {wall} (or closer than {radius} to it)")]
    SpawnInWall {
        /// Index of the spawn in `spawns`.
        index: usize,
        /// Its x.
        x: f32,
        /// Its y.
        y: f32,
        /// Index of the wall in `walls`.
        wall: usize,
        /// The player radius it must keep from walls.
        radius: f32,
    },
}

impl Map {
    /// Parses and validates a map from its JSON text.
    pub fn from_json(text: &str) -> Result<Map, MapError> {
        if text.len() > MAP_MAX_BYTES {
            return Err(MapError::TooLarge {
                len: text.len(),
                max: MAP_MAX_BYTES,
            });
        }
        let file: MapFile = serde_json::from_str(text)?;
        let map = Map {
            name: file.name,
            width: file.width,
            height: file.height,
            walls: file.walls,
            spawns: file.spawns.iter().map(|s| Vec2::new(s.x, s.y)).collect(),
        };
        map.validate()?;
        Ok(map)
    }

    /// Reads, parses and validates a map file.
    pub fn load(path: &Path) -> Result<Map, MapError> {
        let io = |source| MapError::Io {
            path: path.to_path_buf(),
            source,
        };
        let len = std::fs::metadata(path).map_err(io)?.len();
        if len > MAP_MAX_BYTES as u64 {
            return Err(MapError::TooLarge {
                len: usize::try_from(len).unwrap_or(usize::MAX),
                max: MAP_MAX_BYTES,
            });
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        Map::from_json(&text)
    }

    /// The bundled arena ([`DEFAULT_MAP_JSON`]).
    pub fn default_arena() -> Map {
        // The bundled file is part of the source tree and a unit test loads and validates it,
        // so parsing it cannot fail in a built crate.
        Map::from_json(DEFAULT_MAP_JSON).expect("bundled arena map is valid (tested)")
    }

    /// The bundled map called `name` (see [`BUNDLED_MAPS`]), or `None`.
    pub fn bundled(name: &str) -> Option<Map> {
        let (_, json) = BUNDLED_MAPS.iter().find(|(n, _)| *n == name)?;
        // Bundled maps are validated by a unit test, as the default arena is.
        Map::from_json(json).ok()
    }

    /// The map in its JSON file format, e.g. for sending to a browser client.
    pub fn to_json(&self) -> String {
        let file = MapFile {
            name: self.name.clone(),
            width: self.width,
            height: self.height,
            walls: self.walls.clone(),
            spawns: self
                .spawns
                .iter()
                .map(|s| SpawnPoint { x: s.x, y: s.y })
                .collect(),
        };
        // Serializing plain structs of strings and finite floats into a String cannot fail;
        // non-finite floats become `null` rather than an error.
        serde_json::to_string(&file).expect("map serialization is infallible")
    }

    /// Checks that the map is usable: finite numbers, a sane size, walls with positive size
    /// inside the map, and at least one spawn point where a player fits without touching a wall
    /// or the edge. [`Map::from_json`] and [`Map::load`] call it.
    pub fn validate(&self) -> Result<(), MapError> {
        self.check_finite()?;
        let side_ok = |v: f32| v > 0.0 && v <= MAP_MAX_SIZE;
        if !side_ok(self.width) || !side_ok(self.height) {
            return Err(MapError::BadSize {
                width: self.width,
                height: self.height,
                max: MAP_MAX_SIZE,
            });
        }
        if self.walls.len() > MAP_MAX_WALLS {
            return Err(MapError::TooManyWalls {
                count: self.walls.len(),
                max: MAP_MAX_WALLS,
            });
        }
        for (index, wall) in self.walls.iter().enumerate() {
            let Wall { x, y, w, h } = *wall;
            if !(w > 0.0 && h > 0.0) {
                return Err(MapError::WallSize { index, w, h });
            }
            if x < 0.0 || y < 0.0 || wall.right() > self.width || wall.bottom() > self.height {
                return Err(MapError::WallOutOfBounds {
                    index,
                    x,
                    y,
                    w,
                    h,
                    width: self.width,
                    height: self.height,
                });
            }
        }
        if self.spawns.is_empty() {
            return Err(MapError::NoSpawns);
        }
        if self.spawns.len() > MAP_MAX_SPAWNS {
            return Err(MapError::TooManySpawns {
                count: self.spawns.len(),
                max: MAP_MAX_SPAWNS,
            });
        }
        let r = PLAYER_RADIUS;
        for (index, s) in self.spawns.iter().enumerate() {
            if s.x < r || s.y < r || s.x > self.width - r || s.y > self.height - r {
                return Err(MapError::SpawnOutside {
                    index,
                    x: s.x,
                    y: s.y,
                    radius: r,
                });
            }
            if let Some(wall) = self.walls.iter().position(|w| w.overlaps_circle(*s, r)) {
                return Err(MapError::SpawnInWall {
                    index,
                    x: s.x,
                    y: s.y,
                    wall,
                    radius: r,
                });
            }
        }
        Ok(())
    }

    fn check_finite(&self) -> Result<(), MapError> {
        let bad = |field: String| Err(MapError::NonFinite { field });
        if !self.width.is_finite() {
            return bad("width".into());
        }
        if !self.height.is_finite() {
            return bad("height".into());
        }
        for (i, w) in self.walls.iter().enumerate() {
            for (name, v) in [("x", w.x), ("y", w.y), ("w", w.w), ("h", w.h)] {
                if !v.is_finite() {
                    return bad(format!("walls[{i}].{name}"));
                }
            }
        }
        for (i, s) in self.spawns.iter().enumerate() {
            for (name, v) in [("x", s.x), ("y", s.y)] {
                if !v.is_finite() {
                    return bad(format!("spawns[{i}].{name}"));
                }
            }
        }
        Ok(())
    }

    /// True when a circle overlaps any wall.
    pub fn circle_hits_wall(&self, center: Vec2, radius: f32) -> bool {
        self.walls.iter().any(|w| w.overlaps_circle(center, radius))
    }

    /// True when a circle lies entirely inside the map rectangle (touching the edge counts).
    pub fn contains_circle(&self, center: Vec2, radius: f32) -> bool {
        center.x >= radius
            && center.y >= radius
            && center.x <= self.width - radius
            && center.y <= self.height - radius
    }
}

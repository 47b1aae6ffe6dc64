//! Every tunable number of the game, in one place.
//!
//! Durations are given in seconds here and turned into whole ticks once per world (see
//! [`secs_to_ticks`]), so that timers count ticks and never accumulate float error.

/// The tick rate used when the caller does not choose one, in ticks per second.
pub const TICK_RATE_DEFAULT: u32 = 60;
/// The lowest tick rate a world accepts; lower values are raised to it. Below it a player could
/// move more than half a thin wall's thickness in one tick and pass through it.
pub const TICK_RATE_MIN: u32 = 10;
/// The highest tick rate a world accepts; higher values are lowered to it.
pub const TICK_RATE_MAX: u32 = 1000;

/// Radius of a player or bot, in world units.
pub const PLAYER_RADIUS: f32 = 14.0;
/// Top speed of a player or bot, in units per second. Never exceeded (up to one f32 rounding).
pub const MAX_SPEED: f32 = 220.0;
/// How fast velocity approaches `direction * MAX_SPEED` while a movement key is held, in
/// units per second squared (top speed after about 0.14 s).
pub const ACCELERATION: f32 = 1600.0;
/// How fast velocity decays toward zero when no movement key is held, in units per second
/// squared (a stop from top speed takes about 0.18 s).
pub const FRICTION: f32 = 1200.0;
/// Scale of each axis when moving diagonally, so that diagonal and straight speeds match:
/// the f32 constant `std::f32::consts::FRAC_1_SQRT_2` (bits `0x3F3504F3`).
pub const DIAGONAL_FACTOR: f32 = std::f32::consts::FRAC_1_SQRT_2;
/// How many times per tick the movement rule pushes a player out of every wall, in map order;
/// two passes settle a player wedged in a concave corner.
pub const COLLISION_PASSES: usize = 2;

/// Hit points of a player or bot at spawn.
pub const MAX_HP: u8 = 100;
/// Minimum time between two shots of one shooter, in seconds.
pub const FIRE_COOLDOWN_SECS: f32 = 0.25;
/// Projectile speed, in units per second; shooters' velocity is not added.
pub const PROJECTILE_SPEED: f32 = 600.0;
/// How long a projectile flies before it vanishes, in seconds.
pub const PROJECTILE_LIFETIME_SECS: f32 = 1.5;
/// Radius of a projectile, in units.
pub const PROJECTILE_RADIUS: f32 = 4.0;
/// Hit points a projectile takes from the player or bot it hits.
pub const PROJECTILE_DAMAGE: u8 = 20;
/// Gap between a shooter's edge and a new projectile's edge, in units: the projectile starts at
/// `pos + dir * (PLAYER_RADIUS + PROJECTILE_RADIUS + MUZZLE_GAP)`.
pub const MUZZLE_GAP: f32 = 1.0;
/// Time a dead player or bot waits before it respawns, in seconds.
pub const RESPAWN_DELAY_SECS: f32 = 2.0;
/// A spawn point is free when no living player or bot is closer to it than this, in units.
pub const SPAWN_CLEAR_DISTANCE: f32 = 150.0;

/// Number of bots in a world when the configuration does not say.
pub const BOTS_DEFAULT: u32 = 4;
/// Most bots a world accepts; more are ignored.
pub const BOTS_MAX: u32 = 64;
/// Bots notice living players and bots closer than this, in units, when a wall does not hide them.
pub const BOT_SIGHT_RANGE: f32 = 500.0;
/// Bots fire at a target closer than this, in units.
pub const BOT_FIRE_RANGE: f32 = 420.0;
/// Bots try to keep about this distance from their target, strafing around it, in units.
pub const BOT_PREFERRED_DISTANCE: f32 = 220.0;
/// Largest random error a bot adds to its aim each tick, in radians (either side).
pub const BOT_AIM_JITTER: f32 = 0.06;
/// A wandering bot picks a new destination after this long, in seconds, even if it never got there.
pub const BOT_WANDER_TIMEOUT_SECS: f32 = 4.0;
/// A wandering bot has reached its destination when closer than this, in units.
pub const BOT_WANDER_REACHED: f32 = 32.0;
/// A fighting bot may switch strafing direction this often, in seconds.
pub const BOT_STRAFE_SECS: f32 = 1.2;

/// Longest player name kept, in characters; longer names are cut.
pub const NAME_MAX_CHARS: usize = 24;
/// Largest map width or height, in units.
pub const MAP_MAX_SIZE: f32 = 16384.0;
/// Most walls a map may have.
pub const MAP_MAX_WALLS: usize = 1024;
/// Most spawn points a map may have.
pub const MAP_MAX_SPAWNS: usize = 256;
/// Largest map file or JSON text accepted, in bytes.
pub const MAP_MAX_BYTES: usize = 1 << 20;
/// Most undrained events a world keeps; older ones are dropped (and counted) past it, so that a
/// caller that never drains cannot grow memory without bound.
pub const EVENTS_MAX_PENDING: usize = 4096;

/// Ticks of positions kept for lag compensation; a shot is never judged further back (half a
/// second at 60 Hz).
pub const HISTORY_TICKS: usize = 32;

/// Turns a duration in seconds into a whole number of ticks (rounded, at least one).
pub fn secs_to_ticks(secs: f32, tick_rate: u32) -> u32 {
    // `as` saturates, so absurd inputs give u32::MAX or 0 rather than wrapping.
    ((secs * tick_rate as f32).round() as u32).max(1)
}

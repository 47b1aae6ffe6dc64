//! `GameInput`: what a tool's client sends each tick, built from the game's schema (the one in
//! the server's `Welcome`): the arena's [`ArenaInput`], the random walk's [`WalkInput`], and for
//! any other game the schema's default record (every number 0, every flag off).

use tickwire_arena::ArenaInput;
use tickwire_protocol::{Record, Replicate, Schema};
use tickwire_scenarios::WalkInput;
use tickwire_sim::Rng;

/// Which input a game takes, as far as the tools know games.
#[derive(Clone, Debug, PartialEq)]
pub enum GameInput {
    /// The arena's: movement, aim, fire.
    Arena,
    /// The `random-walk` scenario's: a movement of up to 3 units on each axis.
    Walk,
    /// Any other game's: its default record, every time.
    Default(Record),
}

impl GameInput {
    /// The input of `schema`'s game, recognised by its input's declaration (not its name).
    pub fn of(schema: &Schema) -> GameInput {
        if takes::<ArenaInput>(schema) {
            GameInput::Arena
        } else if takes::<WalkInput>(schema) {
            GameInput::Walk
        } else {
            GameInput::Default(schema.input().default_record())
        }
    }

    /// An input as the load generator sends it: movement uniform in [-3, 3] on each axis (the
    /// arena reads its sign, beyond half a unit), an aim anywhere, no shot.
    pub fn random(&self, rng: &mut Rng) -> Record {
        let (x, y) = (rng.range_f32(-3.0, 3.0), rng.range_f32(-3.0, 3.0));
        let aim = rng.range_f32(-std::f32::consts::PI, std::f32::consts::PI);
        match self {
            GameInput::Arena => Record::of(&ArenaInput {
                move_x: axis(x),
                move_y: axis(y),
                aim,
                fire: false,
            }),
            GameInput::Walk => Record::of(&WalkInput {
                dx: f64::from(x),
                dy: f64::from(y),
            }),
            GameInput::Default(record) => record.clone(),
        }
    }

    /// An input that does nothing (no movement, no shot).
    pub fn idle(&self) -> Record {
        match self {
            GameInput::Arena => Record::of(&ArenaInput::default()),
            GameInput::Walk => Record::of(&WalkInput::default()),
            GameInput::Default(record) => record.clone(),
        }
    }
}

/// True when `schema`'s input declares exactly `T`'s fields and intents.
fn takes<T: Replicate>(schema: &Schema) -> bool {
    let input = &schema.desc().input;
    input.fields == T::kind_desc().fields && input.intent == T::intent()
}

/// An axis of movement as the arena reads a number: its sign, beyond half a unit.
pub fn axis(v: f32) -> i8 {
    if v > 0.5 {
        1
    } else if v < -0.5 {
        -1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn games_are_known_by_their_input_and_others_get_their_default() {
        let arena = tickwire_arena::arena_schema();
        assert_eq!(GameInput::of(&arena), GameInput::Arena);
        let walk = tickwire_scenarios::random_walk_schema();
        assert_eq!(GameInput::of(&walk), GameInput::Walk);
        let floor = tickwire_scenarios::transport_floor_schema();
        assert_eq!(GameInput::of(&floor), GameInput::Default(Record::new()));

        let mut rng = Rng::new(7);
        let r: ArenaInput = GameInput::Arena
            .random(&mut rng)
            .read()
            .expect("an arena input");
        assert!(!r.fire && (-1..=1).contains(&r.move_x));
        let w: WalkInput = GameInput::Walk
            .random(&mut rng)
            .read()
            .expect("a walk input");
        assert!((-3.0..=3.0).contains(&w.dx) && (-3.0..=3.0).contains(&w.dy));
        assert_eq!(GameInput::Arena.idle().read(), Some(ArenaInput::default()));
    }
}

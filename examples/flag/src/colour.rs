//! A runner's colour: chosen from the player's name (the same name, the same colour, in every
//! room and every run), shaded by team: reds and oranges for red, blues and cyans for blue.

use crate::field::Team;

/// The colour of a runner called `name` on `team`, as `0xRRGGBB`.
pub fn runner_colour(name: &str, team: Team) -> u32 {
    let h = fnv1a(name.as_bytes());
    // Three independent bytes of the hash pick the hue within the team's range, the saturation
    // and the lightness.
    let pick =
        |shift: u32, lo: f32, hi: f32| lo + (((h >> shift) & 0xFF) as f32 / 255.0) * (hi - lo);
    let hue = match team {
        Team::Red => (pick(0, -22.0, 28.0) + 360.0) % 360.0,
        Team::Blue => pick(0, 188.0, 238.0),
    };
    hsl_to_rgb(hue, pick(8, 0.55, 0.9), pick(16, 0.42, 0.62))
}

/// FNV-1a, 32 bits.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// HSL (hue in degrees, saturation and lightness in 0..=1) to `0xRRGGBB`.
fn hsl_to_rgb(hue: f32, sat: f32, light: f32) -> u32 {
    let c = (1.0 - (2.0 * light - 1.0).abs()) * sat;
    let hp = hue / 60.0;
    let x = c * (1.0 - (hp % 2.0 - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = light - c / 2.0;
    let byte = |v: f32| ((v + m).clamp(0.0, 1.0) * 255.0).round() as u32;
    (byte(r) << 16) | (byte(g) << 8) | byte(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgb(c: u32) -> (u32, u32, u32) {
        (c >> 16, (c >> 8) & 0xFF, c & 0xFF)
    }

    #[test]
    fn a_name_keeps_its_colour_and_the_team_shades_it() {
        for name in [
            "ada",
            "bob",
            "grace",
            "linus",
            "ümlaut",
            "a very long name indeed",
        ] {
            let (red, blue) = (
                runner_colour(name, Team::Red),
                runner_colour(name, Team::Blue),
            );
            assert_eq!(red, runner_colour(name, Team::Red), "{name}");
            let (r, g, b) = rgb(red);
            assert!(r > b && r >= g, "{name} on red is {red:06x}");
            let (r, _, b) = rgb(blue);
            assert!(b > r, "{name} on blue is {blue:06x}");
            assert!(red <= 0xFF_FFFF && blue <= 0xFF_FFFF);
        }
        assert_ne!(
            runner_colour("ada", Team::Red),
            runner_colour("bob", Team::Red)
        );
    }

    #[test]
    fn hsl_corners() {
        assert_eq!(hsl_to_rgb(0.0, 1.0, 0.5), 0xFF0000);
        assert_eq!(hsl_to_rgb(240.0, 1.0, 0.5), 0x0000FF);
        assert_eq!(hsl_to_rgb(120.0, 0.0, 1.0), 0xFFFFFF);
    }
}

//! `Mulberry32`: the 32-bit generator the standard benchmark scenarios specify.

/// mulberry32 as `docs/scenarios.md` defines it: 32-bit state, each draw a float
/// in [0, 1) with 32 bits of precision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mulberry32 {
    state: u32,
}

impl Mulberry32 {
    /// A generator seeded with `seed`.
    pub fn new(seed: u32) -> Mulberry32 {
        Mulberry32 { state: seed }
    }

    /// The internal state (for checksums).
    pub fn state(&self) -> u32 {
        self.state
    }

    /// The next draw, in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        self.state = self.state.wrapping_add(0x6D2B_79F5);
        let mut t = self.state;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_sequence() {
        // The first draws for seed 12345, from the reference JavaScript:
        // let a = 12345; function r() { a |= 0; a = a + 0x6D2B79F5 | 0;
        //   let t = Math.imul(a ^ a >>> 15, 1 | a); t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t;
        //   return ((t ^ t >>> 14) >>> 0) / 4294967296; }
        let mut r = Mulberry32::new(12345);
        let draws: Vec<f64> = (0..3).map(|_| r.next_f64()).collect();
        assert_eq!(
            draws,
            [0.9797282677609473, 0.3067522644996643, 0.484205421525985]
        );
    }
}

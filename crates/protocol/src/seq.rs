//! Wrapping arithmetic for ticks and input sequence numbers.
//!
//! Both are `u32` counters that wrap. "a is newer than b" means that going forward from `b` reaches
//! `a` in less than half the number space, the rule RFC 1982 gives for serial numbers.

use crate::Tick;

/// True when `a` comes after `b`, allowing for wrap-around.
pub fn is_newer(a: u32, b: u32) -> bool {
    a != b && a.wrapping_sub(b) < 1 << 31
}

/// How many steps forward from `b` reach `a` (wrapping).
pub fn distance(a: u32, b: u32) -> u32 {
    a.wrapping_sub(b)
}

impl Tick {
    /// The tick `n` steps after this one (wrapping).
    pub fn plus(self, n: u32) -> Tick {
        Tick(self.0.wrapping_add(n))
    }

    /// The tick `n` steps before this one (wrapping).
    pub fn minus(self, n: u32) -> Tick {
        Tick(self.0.wrapping_sub(n))
    }

    /// True when this tick comes after `other`, allowing for wrap-around.
    pub fn is_newer_than(self, other: Tick) -> bool {
        is_newer(self.0, other.0)
    }

    /// How many ticks forward from `earlier` reach this one (wrapping).
    pub fn since(self, earlier: Tick) -> u32 {
        distance(self.0, earlier.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_across_wrap() {
        assert!(is_newer(1, u32::MAX));
        assert!(!is_newer(u32::MAX, 1));
        assert!(is_newer(10, 9));
        assert!(!is_newer(9, 9));
        assert_eq!(Tick(u32::MAX).plus(2), Tick(1));
        assert_eq!(Tick(1).since(Tick(u32::MAX)), 2);
        assert_eq!(Tick(0).minus(1), Tick(u32::MAX));
    }
}

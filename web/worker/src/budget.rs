//! How many instructions to record per slice, so each slice takes about [`TARGET_MS`].

/// The wall time one recording slice should take. The worker reads new messages (such as
/// Stop) only between slices, so this bounds how long the user waits for Stop to act.
pub const TARGET_MS: f64 = 8.0;
/// Small, so that a program that hangs early is cut close to where it hangs (see the page's
/// watchdog); the budget doubles per slice while slices are fast.
const FIRST: u64 = 1_000;
const MIN: u64 = 100;
const MAX: u64 = 5_000_000;

/// An instruction budget that adapts to the measured speed of the last slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    size: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { size: FIRST }
    }
}

impl Budget {
    /// Instructions to record in the next slice.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Scales the budget towards [`TARGET_MS`] after a slice of `size()` instructions took
    /// `elapsed_ms`. It at most doubles or quarters at once, because timer readings are coarse
    /// and one slow instruction should not swing it wildly.
    pub fn update(&mut self, elapsed_ms: f64) {
        let ratio = TARGET_MS / elapsed_ms.max(0.5);
        let scaled = (self.size as f64 * ratio.clamp(0.25, 2.0)) as u64;
        self.size = scaled.clamp(MIN, MAX);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_when_fast_and_shrinks_when_slow() {
        let mut b = Budget::default();
        b.update(0.0);
        assert_eq!(b.size(), 2 * FIRST);
        b.update(TARGET_MS);
        assert_eq!(b.size(), 2 * FIRST);
        b.update(100.0);
        assert_eq!(b.size(), FIRST / 2);
        b.update(TARGET_MS * 2.0);
        assert_eq!(b.size(), FIRST / 4);
    }

    #[test]
    fn stays_within_bounds() {
        let mut b = Budget::default();
        for _ in 0..100 {
            b.update(1e9);
        }
        assert_eq!(b.size(), MIN);
        for _ in 0..100 {
            b.update(0.1);
        }
        assert_eq!(b.size(), MAX);
    }
}

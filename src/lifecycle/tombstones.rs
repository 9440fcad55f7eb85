//! Garbage collection: tombstoning build IDs and clearing the tombstones.

use crate::{BuildId, BuildIdState, Outcome, VersionSets};

impl VersionSets {
    /// Turns every listed build ID that exists into a tombstone (`DELETED`, its state stamped
    /// with the next clock value for `now_ms`, its became-default timestamp kept), as the
    /// server's build-ID scavenger does. Unknown IDs are ignored and nothing moves. No
    /// limits apply and no safety checks are made: the caller decides what is safe to remove.
    ///
    /// Tombstones still count as existing (they cannot be re-added until cleared), are still
    /// routed to and still count towards the limits; they are hidden from
    /// [`response`](Self::response).
    ///
    /// Returns [`Outcome::NoOp`] (and leaves the clock alone) when no listed ID exists.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Update, VersionSets};
    ///
    /// let mut sets = VersionSets::new();
    /// for id in ["1.0", "2.0"] {
    ///     sets.apply(&Update::add_new_default(BuildId::new(id)?), 1, Limits::NONE)?;
    /// }
    /// sets.remove_build_ids(&[BuildId::new("1.0")?], 2);
    /// assert!(sets.contains("1.0"));
    /// assert_eq!(sets.response(0).major_version_sets[0].build_ids, Vec::<BuildId>::new());
    /// sets.clear_tombstones();
    /// assert!(!sets.contains("1.0"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn remove_build_ids(&mut self, build_ids: &[BuildId], now_ms: i64) -> Outcome {
        let found: Vec<_> = build_ids
            .iter()
            .filter_map(|id| self.core.find(id.as_str()).map(|(key, _)| key))
            .collect();
        if found.is_empty() {
            return Outcome::NoOp;
        }
        let t = self.stamp(now_ms);
        for key in found {
            self.core.tombstone(key, t);
        }
        debug_assert_eq!(self.validate(), Ok(()));
        Outcome::Changed
    }

    /// Drops every tombstone, then every set left empty. Survivors keep their order, set IDs
    /// and timestamps (a set whose default was dropped falls back to its previous member
    /// without a new stamp). Cleared build IDs can be added again.
    pub fn clear_tombstones(&mut self) -> Outcome {
        let active = self
            .core
            .members()
            .filter(|(_, m)| m.state() == BuildIdState::Active);
        if active.count() == self.core.member_count() {
            return Outcome::NoOp;
        }
        self.core = self.core.without_tombstones();
        debug_assert_eq!(self.validate(), Ok(()));
        Outcome::Changed
    }
}

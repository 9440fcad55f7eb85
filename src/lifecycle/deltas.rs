//! The build IDs that an update made live or took away.

use crate::{BuildId, BuildIdState, VersionSets};

/// The active build IDs added and removed between two states, each list sorted.
///
/// DIVERGENCE: the server returns them in random (map) order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildIdDeltas {
    /// Active after, and not active (absent or a tombstone) before.
    pub added: Vec<BuildId>,
    /// Active before, and not active after.
    pub removed: Vec<BuildId>,
}

impl VersionSets {
    /// What became active and what stopped being active between `self` and `after` (the
    /// server's `GetBuildIdDeltas`, which it uses to enforce the per-build-ID task-queue
    /// limit).
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Update, VersionSets};
    ///
    /// let before = VersionSets::new();
    /// let mut after = before.clone();
    /// after.apply(&Update::add_new_default(BuildId::new("1.0")?), 1, Limits::NONE)?;
    /// assert_eq!(before.build_id_deltas(&after).added, [BuildId::new("1.0")?]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build_id_deltas(&self, after: &VersionSets) -> BuildIdDeltas {
        let mut deltas = BuildIdDeltas {
            added: newly_active(after, self),
            removed: newly_active(self, after),
        };
        deltas.added.sort();
        deltas.removed.sort();
        deltas
    }
}

/// The build IDs active in `here` and not active in `there`.
fn newly_active(here: &VersionSets, there: &VersionSets) -> Vec<BuildId> {
    here.core
        .members()
        .filter(|(_, member)| member.state() == BuildIdState::Active)
        .filter(|(id, _)| !there.record(id).is_some_and(|r| r.is_active()))
        .map(|(id, _)| id.clone())
        .collect()
}

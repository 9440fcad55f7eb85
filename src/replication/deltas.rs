//! The build IDs that an update made live or took away.

use crate::build_id::{BuildId, BuildIdState};
use crate::core::Core;

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

/// What became active and what stopped being active between `before` and `after`, sorted.
pub(crate) fn build_id_deltas(before: &Core, after: &Core) -> BuildIdDeltas {
    let mut deltas = BuildIdDeltas {
        added: newly_active(after, before),
        removed: newly_active(before, after),
    };
    deltas.added.sort();
    deltas.removed.sort();
    deltas
}

/// The build IDs active in `here` and not active in `there`.
fn newly_active(here: &Core, there: &Core) -> Vec<BuildId> {
    here.members()
        .filter(|entry| entry.member.state() == BuildIdState::Active)
        .filter(|entry| {
            there
                .find(entry.id.as_str())
                .is_none_or(|found| found.member.state() != BuildIdState::Active)
        })
        .map(|entry| entry.id.clone())
        .collect()
}

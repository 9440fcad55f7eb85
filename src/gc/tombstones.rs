//! Tombstoning build IDs and clearing the tombstones.

use crate::build_id::{BuildId, BuildIdState};
use crate::clock::Hlc;
use crate::core::{Core, MemberKey};

/// The handles of the listed build IDs that exist; the unknown ones are left out.
pub(crate) fn existing(core: &Core, build_ids: &[BuildId]) -> Vec<MemberKey> {
    build_ids
        .iter()
        .filter_map(|id| core.find(id.as_str()).map(|found| found.key))
        .collect()
}

/// Turns each of `members` into a tombstone stamped `t`; nothing moves.
pub(crate) fn tombstone(core: &mut Core, members: Vec<MemberKey>, t: Hlc) {
    for key in members {
        core.tombstone(key, t);
    }
}

/// Whether `core` holds any tombstone.
pub(crate) fn any(core: &Core) -> bool {
    core.members()
        .any(|entry| entry.member.state() == BuildIdState::Deleted)
}

/// Drops every tombstone, then every set left empty; survivors keep their order, set IDs
/// and timestamps.
pub(crate) fn clear(core: &mut Core) {
    *core = core.without_tombstones();
}

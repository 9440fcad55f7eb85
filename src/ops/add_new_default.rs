//! Add a new build ID in a new default set (`AddNewBuildIdInNewDefaultSet`): semantics
//! rules `add-new-default.*` (docs/semantics.md).

use super::Plan;
use crate::build_id::BuildId;
use crate::error::UpdateError;
use crate::set::Lookup;

pub(super) fn plan(sets: Lookup<'_>, build_id: &BuildId) -> Result<Plan, UpdateError> {
    let sole_member_of_default_set = sets
        .default_set()
        .is_some_and(|set| set.len() == 1 && set.default_build_id() == build_id);
    if sole_member_of_default_set {
        Ok(Plan::NoOp) // add-new-default.noop-sole-member
    } else if sets.contains(build_id.as_str()) {
        // add-new-default.already-exists: tombstones included
        Err(UpdateError::AlreadyExists {
            build_id: build_id.clone(),
        })
    } else {
        Ok(Plan::AppendSet(build_id.clone())) // add-new-default.append
    }
}

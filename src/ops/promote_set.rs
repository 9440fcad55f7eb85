//! Promote the set of a build ID to the queue's default (`PromoteSetByBuildId`): semantics
//! rules `promote-set.*` (docs/semantics.md). The set keeps its own default; the core
//! moves it to the end in O(1).

use super::{Plan, is_last_set, locate};
use crate::build_id::BuildId;
use crate::core::Core;
use crate::error::UpdateError;

pub(super) fn plan(core: &Core, build_id: &BuildId) -> Result<Plan, UpdateError> {
    let set = locate(core, build_id)
        .ok_or_else(|| UpdateError::NotFound {
            build_id: build_id.clone(),
        })?
        .set;
    Ok(if is_last_set(core, set) {
        Plan::NoOp
    } else {
        Plan::PromoteSet(set)
    })
}

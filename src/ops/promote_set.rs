//! Promote the set of a build ID to the queue's default (`PromoteSetByBuildId`): semantics
//! rules `promote-set.*` (docs/semantics.md). The set keeps its own default; the core
//! moves it to the end in O(1).

use super::Plan;
use crate::{BuildId, UpdateError, VersionSets};

impl VersionSets {
    pub(super) fn plan_promote_set(&self, build_id: &BuildId) -> Result<Plan, UpdateError> {
        let (_, set) = self.locate(build_id).ok_or_else(|| UpdateError::NotFound {
            build_id: build_id.clone(),
        })?;
        Ok(if self.is_last_set(set) {
            Plan::NoOp
        } else {
            Plan::PromoteSet(set)
        })
    }
}

//! Promote a build ID to its set's default (`PromoteBuildIdWithinSet`): semantics rules
//! `promote-within.*` (docs/semantics.md). The set stays where it is; the core
//! moves the build ID to the end of its set in O(1).

use super::Plan;
use crate::{BuildId, UpdateError, VersionSets};

impl VersionSets {
    pub(super) fn plan_promote_within_set(&self, build_id: &BuildId) -> Result<Plan, UpdateError> {
        let (member, set) = self.locate(build_id).ok_or_else(|| UpdateError::NotFound {
            build_id: build_id.clone(),
        })?;
        Ok(if self.core.set(set).last() == member {
            Plan::NoOp
        } else {
            Plan::PromoteWithinSet(member)
        })
    }
}

//! Promote a build ID to its set's default (`PromoteBuildIdWithinSet`): semantics rules
//! `promote-within.*` (docs/semantics.md). The set stays where it is; the core
//! moves the build ID to the end of its set in O(1).

use super::{Plan, locate};
use crate::build_id::BuildId;
use crate::core::Core;
use crate::error::UpdateError;

pub(super) fn plan(core: &Core, build_id: &BuildId) -> Result<Plan, UpdateError> {
    let found = locate(core, build_id).ok_or_else(|| UpdateError::NotFound {
        build_id: build_id.clone(),
    })?;
    Ok(if core.set(found.set).last() == found.member {
        Plan::NoOp
    } else {
        Plan::PromoteWithinSet(found.member)
    })
}

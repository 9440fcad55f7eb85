//! Add a new build ID compatible with an existing one (`AddNewCompatibleBuildId`):
//! semantics rules `add-compatible.*` (docs/semantics.md).

use super::{Located, Plan, QueueDefault, is_last_set, locate};
use crate::build_id::BuildId;
use crate::core::Core;
use crate::error::UpdateError;

pub(super) fn plan(
    core: &Core,
    new: &BuildId,
    existing: &BuildId,
    queue_default: QueueDefault,
) -> Result<Plan, UpdateError> {
    // add-compatible.existing-not-found
    let target = locate(core, existing)
        .ok_or_else(|| UpdateError::CompatibleNotFound {
            existing: existing.clone(),
        })?
        .set;
    match locate(core, new) {
        Some(Located { member, set }) if set == target => {
            // add-compatible.not-default-for-queue, then .not-default-in-set, then
            // .noop-set-default
            if queue_default == QueueDefault::Make && !is_last_set(core, set) {
                Err(UpdateError::NotDefaultForQueue {
                    build_id: new.clone(),
                })
            } else if core.set(set).last() != member {
                Err(UpdateError::NotDefaultInSet {
                    build_id: new.clone(),
                })
            } else {
                Ok(Plan::NoOp)
            }
        }
        // add-compatible.incompatible
        Some(_) => Err(UpdateError::Incompatible {
            build_id: new.clone(),
            existing: existing.clone(),
        }),
        // add-compatible.append, and .make-default when asked
        None => Ok(Plan::AddToSet {
            set: target,
            build_id: new.clone(),
            queue_default,
        }),
    }
}

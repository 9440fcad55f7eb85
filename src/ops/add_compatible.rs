//! Add a new build ID compatible with an existing one (`AddNewCompatibleBuildId`):
//! semantics rules `add-compatible.*` (docs/semantics.md).

use super::Plan;
use crate::{BuildId, UpdateError, VersionSets};

impl VersionSets {
    pub(super) fn plan_add_compatible(
        &self,
        new: &BuildId,
        existing: &BuildId,
        make_default: bool,
    ) -> Result<Plan, UpdateError> {
        // add-compatible.existing-not-found
        let (_, target) = self
            .locate(existing)
            .ok_or_else(|| UpdateError::CompatibleNotFound {
                existing: existing.clone(),
            })?;
        match self.locate(new) {
            Some((member, set)) if set == target => {
                // add-compatible.not-default-for-queue, then .not-default-in-set, then
                // .noop-set-default
                if make_default && !self.is_last_set(set) {
                    Err(UpdateError::NotDefaultForQueue {
                        build_id: new.clone(),
                    })
                } else if self.core.set(set).last() != member {
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
                make_default,
            }),
        }
    }
}

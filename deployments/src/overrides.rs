//! Versioning overrides given at start or by update-options (specification.md section B.12).

use crate::checks::validate_field;
use crate::deployments::Deployments;
use crate::error::Error;
use crate::ids::{Field, VersionKey};
use crate::queue_key::{TaskQueueKey, TaskQueueType};
use crate::routing::Override;
use crate::state::VersionStatus;

impl Deployments {
    /// Check an override for a workflow on `task_queue`. Returns the version to
    /// [`reactivate`](Self::reactivate), if the target is drained or inactive in that
    /// queue (the server's fire-and-forget signal).
    ///
    /// # Errors
    /// A pinned override without a version, a one-time override without a target, the
    /// target's name and build-ID checks, and a target that is not a member of the
    /// queue's workflow type.
    pub fn check_override(
        &self,
        task_queue: &str,
        over: &Override,
    ) -> Result<Option<VersionKey>, Error> {
        let target = match over {
            Override::AutoUpgrade => return Ok(None),
            Override::Pinned(None) => return Err(Error::PinnedOverrideWithoutVersion),
            Override::OneTime(None) => return Err(Error::OneTimeOverrideWithoutTarget),
            Override::Pinned(Some(v)) | Override::OneTime(Some(v)) => v,
        };
        let max = self.limits.max_id_length;
        validate_field(Field::DeploymentName, target.deployment_name(), max)?;
        validate_field(Field::BuildId, target.build_id(), max)?;
        let key = TaskQueueKey::new(task_queue, TaskQueueType::Workflow);
        let data = self.task_queue(&key).and_then(|d| d.version_data(target));
        let Some(data) = data.filter(|d| !d.deleted) else {
            return Err(Error::PinnedVersionNotInTaskQueue {
                deployment_name: target.deployment_name().to_owned(),
                build_id: target.build_id().to_owned(),
                task_queue: task_queue.to_owned(),
            });
        };
        let active = matches!(
            data.status,
            VersionStatus::Current | VersionStatus::Ramping | VersionStatus::Draining
        );
        Ok((!active).then(|| target.clone()))
    }
}

//! Queries to pinned workflows on drained versions (specification.md section E.10,
//! `checkQueryBlackholed`).

use crate::deployments::Deployments;
use crate::error::Error;
use crate::ids::VersionKey;
use crate::queue_key::{TaskQueueKey, TaskQueueType};
use crate::state::VersionStatus;

impl Deployments {
    /// Whether a query to a pinned workflow on `version` in `task_queue` can be answered:
    /// refused when the version is DRAINED in that queue and the queue's **root
    /// partition** has no poller in its history (`root_has_pollers`, an input: the
    /// server looks at that partition only, `query.root-partition-pollers`).
    ///
    /// # Errors
    /// [`Error::QueryBlackholed`].
    pub fn check_query(
        &self,
        task_queue: &str,
        version: &VersionKey,
        root_has_pollers: bool,
    ) -> Result<(), Error> {
        let key = TaskQueueKey::new(task_queue, TaskQueueType::Workflow);
        let drained = self
            .task_queue(&key)
            .and_then(|q| q.version_data(version))
            .is_some_and(|d| !d.deleted && d.status == VersionStatus::Drained);
        if drained && !root_has_pollers {
            return Err(Error::QueryBlackholed {
                build_id: version.build_id().to_owned(),
            });
        }
        Ok(())
    }
}

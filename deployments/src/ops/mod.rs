//! The user-facing writes (specification.md section B.4–B.10), each in its file with its request and
//! response, checks in the server's order. Helpers the writes share are here.

mod create;
mod delete;
mod manager;
mod set_current;
mod set_ramping;

pub use create::{CreateDeployment, CreateVersion};
pub use delete::{DeleteDeployment, DeleteVersion};
pub use manager::{SetManager, SetManagerResponse};
pub use set_current::{SetCurrent, SetCurrentResponse};
pub use set_ramping::{SetRamping, SetRampingResponse};

use crate::checks::validate_field;
use crate::deployments::Deployments;
use crate::error::Error;
use crate::facts::Facts;
use crate::ids::{Field, VersionKey};
use crate::queue_key::TaskQueueKey;
use crate::state::DeploymentInfo;

/// Whether an accepted request changed the state or was a no-op.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// The state changed.
    Changed,
    /// Nothing changed (the server's `errNoChange`, or an idempotent repeat).
    NoOp,
}

named! {
    Outcome, "the trace format's word";
    Changed => "changed",
    NoOp => "noop",
}

/// The manager-identity guard (specification.md section B.0.4).
fn check_manager(d: &DeploymentInfo, identity: &str) -> Result<(), Error> {
    if !d.manager_identity.is_empty() && d.manager_identity != identity {
        return Err(Error::NotManager {
            manager: d.manager_identity.clone(),
            identity: identity.to_owned(),
        });
    }
    Ok(())
}

/// The conflict-token check (specification.md section B.0.3).
fn check_token(d: &DeploymentInfo, token: &[u8]) -> Result<(), Error> {
    if d.conflict_token.accepts(token) {
        Ok(())
    } else {
        Err(Error::ConflictTokenMismatch)
    }
}

impl Deployments {
    /// Start a deployment that does not exist yet, after the namespace cap (an
    /// update-with-start). Returns whether it was started.
    pub(crate) fn start_deployment(
        &mut self,
        name: &str,
        request_id: &str,
        now_ms: u64,
    ) -> Result<bool, Error> {
        if self.deployments.contains_key(name) {
            return Ok(false);
        }
        let limit = self.limits.max_deployments;
        if self.deployments.len() >= limit {
            return Err(Error::TooManyDeployments { limit });
        }
        self.deployments.insert(
            name.to_owned(),
            DeploymentInfo::new(name, now_ms, request_id.to_owned()),
        );
        Ok(true)
    }

    /// `IsVersionMissingTaskQueues` (specification.md section B.4.1): a task queue of `prev` that `new` lacks,
    /// whose current is still `prev`, and that has traffic or backlog.
    fn missing_task_queues(&self, prev: &VersionKey, new: &VersionKey, facts: &impl Facts) -> bool {
        let Some(p) = self.version(prev) else {
            return false;
        };
        let n = self.version(new);
        p.task_queue_pairs().any(|(tq, kind)| {
            if n.is_some_and(|n| n.has_task_queue(tq, kind)) {
                return false;
            }
            let key = TaskQueueKey::new(tq, kind);
            self.task_queue_view(&key).current.as_ref() == Some(prev) && facts.is_busy(&key, prev)
        })
    }

    /// The frontend's version string of set-current / set-ramping, parsed and checked
    /// against the request's deployment name, then the name's own checks.
    fn parse_target(&self, name: &str, version: &str) -> Result<Option<VersionKey>, Error> {
        let target = VersionKey::parse(version).map_err(Error::InvalidVersionString)?;
        if let Some(t) = &target
            && t.deployment_name() != name
        {
            return Err(Error::VersionNameMismatch {
                version: version.to_owned(),
                deployment_name: name.to_owned(),
            });
        }
        validate_field(Field::DeploymentName, name, self.limits.max_id_length)?;
        Ok(target)
    }
}

//! `SetWorkerDeploymentCurrentVersion` (specification.md section B.4).

use super::{Outcome, check_manager, check_token};
use crate::checks::validate_field;
use crate::deployments::Deployments;
use crate::error::{Error, Slot};
use crate::facts::Facts;
use crate::ids::{Field, UNVERSIONED, VersionKey};
use crate::state::{ConflictToken, Ramp, VersionStatus};

/// A set-current request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SetCurrent {
    /// The deployment.
    pub deployment_name: String,
    /// The build ID; empty makes unversioned workers current.
    pub build_id: String,
    /// The deprecated `version` string; when non-empty it wins over the build ID.
    pub version: String,
    /// The token read before the write; empty skips the check.
    pub conflict_token: Vec<u8>,
    /// The caller.
    pub identity: String,
    /// Skip the missing-task-queue check.
    pub ignore_missing_task_queues: bool,
    /// Create the deployment and the version when missing.
    pub allow_no_pollers: bool,
}

impl SetCurrent {
    /// Make `build_id` of `deployment_name` current, as `identity`.
    pub fn new(deployment_name: &str, build_id: &str, identity: &str) -> Self {
        Self {
            deployment_name: deployment_name.to_owned(),
            build_id: build_id.to_owned(),
            identity: identity.to_owned(),
            ..Self::default()
        }
    }
}

/// What an accepted set-current answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCurrentResponse {
    /// Changed or no-op.
    pub outcome: Outcome,
    /// `previous_version` (v31 or `__unversioned__`); on a no-op the *requested* version.
    pub previous_version: String,
    /// The deployment's token after the call.
    pub conflict_token: ConflictToken,
}

impl Deployments {
    /// Set the deployment's current version.
    ///
    /// # Errors
    /// In the server's order: an empty name, a bad version string, a name that does not
    /// match, the name's checks; with `allow_no_pollers` the build ID's checks and the
    /// namespace cap, without it a missing deployment; then (after the no-op rule) the
    /// token, an unknown build ID, the manager, the version cap, and the missing-task-queue
    /// check. With `allow_no_pollers` a deployment or version created before a later
    /// refusal stays, as on the server (`ops.side-effects-stay`).
    ///
    /// # Example
    /// ```
    /// use worker_deployments::{Deployments, Limits, Observed, Outcome, SetCurrent};
    ///
    /// let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
    /// let req = SetCurrent { allow_no_pollers: true, ..SetCurrent::new("D", "b1", "alice") };
    /// let first = ns.set_current(&req, 1_000, &Observed::default())?;
    /// assert_eq!(first.previous_version, "__unversioned__");
    /// let again = ns.set_current(&req, 2_000, &Observed::default())?;
    /// assert_eq!((again.outcome, again.previous_version.as_str()), (Outcome::NoOp, "D.b1"));
    /// # Ok::<(), worker_deployments::Error>(())
    /// ```
    pub fn set_current(
        &mut self,
        req: &SetCurrent,
        now_ms: u64,
        facts: &impl Facts,
    ) -> Result<SetCurrentResponse, Error> {
        let name = req.deployment_name.as_str();
        if name.is_empty() {
            return Err(Error::DeploymentNameEmpty);
        }
        let version_str = if !req.version.is_empty() {
            req.version.clone()
        } else if req.build_id.is_empty() {
            UNVERSIONED.to_owned()
        } else {
            format!("{name}.{}", req.build_id)
        };
        let target = self.parse_target(name, &version_str)?;
        if req.allow_no_pollers {
            if let Some(t) = &target {
                validate_field(Field::BuildId, t.build_id(), self.limits.max_id_length)?;
            }
            self.start_deployment(name, "", now_ms)?;
        }
        let Some(d) = self.deployments.get(name) else {
            return Err(Error::DeploymentNotFound {
                deployment_name: name.to_owned(),
            });
        };
        let target_str = target
            .as_ref()
            .map_or_else(|| UNVERSIONED.to_owned(), VersionKey::v31);
        if d.routing.current_version_string() == target_str
            && d.last_modifier_identity == req.identity
        {
            return Ok(SetCurrentResponse {
                outcome: Outcome::NoOp,
                previous_version: target_str,
                conflict_token: d.conflict_token,
            });
        }
        check_token(d, &req.conflict_token)?;
        let known = target
            .as_ref()
            .is_none_or(|t| d.versions.contains_key(t.build_id()));
        if let Some(t) = &target
            && !known
            && !req.allow_no_pollers
        {
            return Err(Error::BuildIdNotFound {
                build_id: t.build_id().to_owned(),
                deployment_name: name.to_owned(),
            });
        }
        check_manager(d, &req.identity)?;
        let prev = d.routing.current.clone();
        if let Some(t) = &target
            && !known
        {
            self.add_version(t, VersionStatus::Created, now_ms, facts)?;
        }
        if let (Some(p), Some(t)) = (&prev, &target)
            && !req.ignore_missing_task_queues
            && self.missing_task_queues(p, t, facts)
        {
            return Err(Error::MissingTaskQueues {
                slot: Slot::Current,
                version: t.v32(),
            });
        }
        let previous_version = prev
            .as_ref()
            .map_or_else(|| UNVERSIONED.to_owned(), VersionKey::v31);
        if prev != target {
            if let Some(d) = self.deployments.get_mut(name) {
                let rc = &mut d.routing;
                rc.current.clone_from(&target);
                rc.current_changed_ms = Some(now_ms);
                rc.revision += 1;
                // `newCurrentVersion == RampingVersion` on the strings: making unversioned
                // workers current also clears a ramp to unversioned workers.
                if rc.ramping.version_string() == target_str {
                    rc.ramping = Ramp::None;
                    rc.percentage = 0.0;
                    rc.ramping_changed_ms = Some(now_ms);
                    rc.percentage_changed_ms = Some(now_ms);
                }
            }
            for v in [&target, &prev].into_iter().flatten() {
                self.push_routing(name, v.build_id(), now_ms);
            }
        }
        let Some(d) = self.deployments.get_mut(name) else {
            return Err(Error::DeploymentNotFound {
                deployment_name: name.to_owned(),
            });
        };
        d.touch(now_ms, &req.identity);
        let conflict_token = d.conflict_token;
        self.debug_check();
        Ok(SetCurrentResponse {
            outcome: Outcome::Changed,
            previous_version,
            conflict_token,
        })
    }
}

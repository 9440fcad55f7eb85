//! `SetWorkerDeploymentRampingVersion` (specification.md section B.5).

use super::{Outcome, check_manager, check_token};
use crate::checks::validate_field;
use crate::deployments::Deployments;
use crate::error::{Error, Slot};
use crate::facts::Facts;
use crate::ids::{Field, UNVERSIONED, VersionKey};
use crate::state::{ConflictToken, Ramp, VersionStatus};

/// A set-ramping request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SetRamping {
    /// The deployment.
    pub deployment_name: String,
    /// The build ID. Empty with a percentage above 0 ramps unversioned workers; empty
    /// with 0 unsets the ramp. A build ID with 0 is a 0% ramp, not an unset.
    pub build_id: String,
    /// The deprecated `version` string; when non-empty it wins over the build ID.
    pub version: String,
    /// The percentage, float32 in `[0, 100]` (NaN passes, as on the server).
    pub percentage: f32,
    /// The token read before the write; empty skips the check.
    pub conflict_token: Vec<u8>,
    /// The caller.
    pub identity: String,
    /// Skip the missing-task-queue check.
    pub ignore_missing_task_queues: bool,
    /// Create the deployment and the version when missing.
    pub allow_no_pollers: bool,
}

impl SetRamping {
    /// Ramp `build_id` of `deployment_name` at `percentage`, as `identity`.
    pub fn new(deployment_name: &str, build_id: &str, percentage: f32, identity: &str) -> Self {
        Self {
            deployment_name: deployment_name.to_owned(),
            build_id: build_id.to_owned(),
            percentage,
            identity: identity.to_owned(),
            ..Self::default()
        }
    }
}

/// What an accepted set-ramping answers.
#[derive(Debug, Clone, PartialEq)]
pub struct SetRampingResponse {
    /// Changed or no-op.
    pub outcome: Outcome,
    /// `previous_version` (`""`, `__unversioned__` or v31); on a no-op the requested one.
    pub previous_version: String,
    /// `previous_percentage`; on a no-op the requested one.
    pub previous_percentage: f32,
    /// The deployment's token after the call.
    pub conflict_token: ConflictToken,
}

impl Deployments {
    /// Set, change or unset the deployment's ramp.
    ///
    /// # Errors
    /// In the server's order: a percentage outside `[0, 100]`, a bad
    /// version string, a name that does not match, the name's checks, the build ID's
    /// checks and namespace cap (`allow_no_pollers`) or a missing deployment; then (after
    /// the no-op rule) the token, "already current", an unknown build ID, the manager,
    /// the version cap and, for a newly ramping version, the missing-task-queue check.
    ///
    /// # Example
    /// ```
    /// use worker_deployments::{Deployments, Limits, Observed, SetRamping};
    ///
    /// let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
    /// let err = ns
    ///     .set_ramping(&SetRamping::new("D", "b2", 101.0, "alice"), 1_000, &Observed::default())
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), "Percentage must be between 0 and 100 (inclusive)");
    /// ```
    pub fn set_ramping(
        &mut self,
        req: &SetRamping,
        now_ms: u64,
        facts: &impl Facts,
    ) -> Result<SetRampingResponse, Error> {
        // No empty-name check here: the frontend has none for set-ramping, so an empty
        // name fails at the version string's parse (specification.md section B.5.2).
        let name = req.deployment_name.as_str();
        let pct = req.percentage;
        let mut version_str = if !req.version.is_empty() {
            req.version.clone()
        } else if !req.build_id.is_empty() {
            format!("{name}.{}", req.build_id)
        } else if pct > 0.0 {
            UNVERSIONED.to_owned()
        } else {
            String::new()
        };
        if version_str == UNVERSIONED && pct == 0.0 && req.build_id.is_empty() {
            version_str.clear();
        }
        // Two comparisons, not `!(0.0..=100.0).contains(&pct)`: NaN fails both and passes,
        // as on the server (`ramp.nan-accepted`).
        #[allow(clippy::manual_range_contains)]
        if pct < 0.0 || pct > 100.0 {
            return Err(Error::PercentageOutOfRange);
        }
        let ramp = if version_str.is_empty() {
            validate_field(Field::DeploymentName, name, self.limits.max_id_length)?;
            Ramp::None
        } else {
            match self.parse_target(name, &version_str)? {
                None => Ramp::Unversioned,
                Some(t) => Ramp::Version(t),
            }
        };
        if req.allow_no_pollers {
            if let Some(t) = ramp.version() {
                validate_field(Field::BuildId, t.build_id(), self.limits.max_id_length)?;
            }
            self.start_deployment(name, "", now_ms)?;
        }
        let Some(d) = self.deployments.get(name) else {
            return Err(Error::DeploymentNotFound {
                deployment_name: name.to_owned(),
            });
        };
        let ramp_str = ramp.version_string();
        let rc = &d.routing;
        if rc.ramping.version_string() == ramp_str
            && rc.percentage == pct
            && d.last_modifier_identity == req.identity
        {
            return Ok(SetRampingResponse {
                outcome: Outcome::NoOp,
                previous_version: ramp_str,
                previous_percentage: pct,
                conflict_token: d.conflict_token,
            });
        }
        check_token(d, &req.conflict_token)?;
        if ramp_str == rc.current_version_string() && !(ramp == Ramp::Unversioned && pct == 0.0) {
            return Err(Error::AlreadyCurrent { version: ramp_str });
        }
        let known = ramp
            .version()
            .is_none_or(|t| d.versions.contains_key(t.build_id()));
        if let Some(t) = ramp.version()
            && !known
            && !req.allow_no_pollers
        {
            return Err(Error::BuildIdNotFound {
                build_id: t.build_id().to_owned(),
                deployment_name: name.to_owned(),
            });
        }
        check_manager(d, &req.identity)?;
        let prev = rc.ramping.clone();
        let prev_pct = rc.percentage;
        let current = rc.current.clone();
        if let Some(t) = ramp.version()
            && !known
        {
            self.add_version(t, VersionStatus::Created, now_ms, facts)?;
        }
        if let (Some(c), Some(t)) = (&current, ramp.version())
            && prev != ramp
            && !req.ignore_missing_task_queues
            && self.missing_task_queues(c, t, facts)
        {
            return Err(Error::MissingTaskQueues {
                slot: Slot::Ramping,
                version: t.v32(),
            });
        }
        // NaN never equals itself: a NaN ramp is a change every time, as on the server.
        let changed = prev != ramp || prev_pct != pct;
        if changed {
            if let Some(d) = self.deployments.get_mut(name) {
                let rc = &mut d.routing;
                // A new ramping version or an unset stamps the change; a percentage-only
                // change keeps the time the version started ramping.
                if prev != ramp || ramp == Ramp::None {
                    rc.ramping_changed_ms = Some(now_ms);
                }
                rc.ramping = ramp.clone();
                rc.percentage = pct;
                rc.percentage_changed_ms = Some(now_ms);
                rc.revision += 1;
            }
            // The new config goes through the ramping version, or through the current
            // one when the ramp (new or old) is to unversioned workers; a replaced
            // versioned ramp is demoted.
            let via_current = matches!(ramp, Ramp::Unversioned)
                || (matches!(ramp, Ramp::None) && matches!(prev, Ramp::Unversioned));
            let mut pushed: Vec<VersionKey> = Vec::new();
            if let Some(t) = ramp.version() {
                pushed.push(t.clone());
            }
            if via_current && let Some(c) = &current {
                pushed.push(c.clone());
            }
            if let Some(p) = prev.version()
                && prev != ramp
            {
                pushed.push(p.clone());
            }
            for v in pushed {
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
        Ok(SetRampingResponse {
            outcome: Outcome::Changed,
            previous_version: prev.version_string(),
            previous_percentage: prev_pct,
            conflict_token,
        })
    }
}

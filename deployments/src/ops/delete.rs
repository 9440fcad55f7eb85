//! `DeleteWorkerDeploymentVersion` and `DeleteWorkerDeployment` (specification.md section B.6, specification.md section B.7).

use super::{Outcome, check_manager};
use crate::deployments::Deployments;
use crate::error::Error;
use crate::facts::Facts;
use crate::ids::{VersionKey, go_quote};

/// A delete-version request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeleteVersion {
    /// The deployment (`deployment_version.deployment_name`).
    pub deployment_name: String,
    /// The build ID (`deployment_version.build_id`).
    pub build_id: String,
    /// The deprecated `version` string, used when name and build ID are both empty.
    pub version: String,
    /// Delete even while draining.
    pub skip_drainage: bool,
    /// The caller. The server replaces an empty identity with a random request ID; the
    /// model keeps it empty (`delete.empty-identity`).
    pub identity: String,
}

impl DeleteVersion {
    /// Delete `build_id` of `deployment_name`, as `identity`.
    pub fn new(deployment_name: &str, build_id: &str, identity: &str) -> Self {
        Self {
            deployment_name: deployment_name.to_owned(),
            build_id: build_id.to_owned(),
            identity: identity.to_owned(),
            ..Self::default()
        }
    }
}

/// A delete-deployment request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeleteDeployment {
    /// The deployment.
    pub deployment_name: String,
    /// The caller.
    pub identity: String,
}

impl Deployments {
    /// Delete a version. An unknown version is a success (a no-op). `now_ms` is the time
    /// of the writes to the version's task queues, whose clocks it bumps.
    ///
    /// # Errors
    /// A version string that does not parse; a missing deployment (history's message);
    /// the current or ramping version; another manager; a draining version without
    /// `skip_drainage`; a version whose task queues have pollers (`facts`).
    ///
    /// # Example
    /// ```
    /// use worker_deployments::{DeleteVersion, Deployments, Limits, Observed};
    ///
    /// let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
    /// let err = ns.delete_version(&DeleteVersion::new("D", "b1", "me"), 1, &Observed::default());
    /// assert_eq!(
    ///     err.unwrap_err().to_string(),
    ///     "workflow not found for ID: temporal-sys-worker-deployment:D"
    /// );
    /// ```
    pub fn delete_version(
        &mut self,
        req: &DeleteVersion,
        now_ms: u64,
        facts: &impl Facts,
    ) -> Result<Outcome, Error> {
        let text = if req.deployment_name.is_empty() && req.build_id.is_empty() {
            req.version.clone()
        } else {
            format!("{}.{}", req.deployment_name, req.build_id)
        };
        let Ok(Some(key)) = VersionKey::parse(&text) else {
            return Err(Error::InvalidVersionFormat {
                quoted: go_quote(&text),
            });
        };
        let name = key.deployment_name();
        let Some(d) = self.deployments.get(name) else {
            return Err(Error::DeploymentWorkflowNotFound {
                deployment_name: name.to_owned(),
            });
        };
        let Some(v) = d.versions.get(key.build_id()) else {
            return Ok(Outcome::NoOp);
        };
        if d.routing.is_current(key.build_id()) || d.routing.is_ramping(key.build_id()) {
            return Err(Error::DeleteCurrentOrRamping { version: key.v32() });
        }
        check_manager(d, &req.identity)?;
        if !req.skip_drainage && v.is_draining() {
            return Err(Error::DeleteDraining { version: key.v32() });
        }
        if facts.has_pollers(&key) {
            return Err(Error::DeleteHasPollers { version: key.v32() });
        }
        self.remove_version(name, key.build_id(), now_ms);
        if let Some(d) = self.deployments.get_mut(name) {
            // The conflict token stays (specification.md section B.0.3); only the identity moves.
            req.identity.clone_into(&mut d.last_modifier_identity);
        }
        self.debug_check();
        Ok(Outcome::Changed)
    }

    /// Delete a deployment with no versions. A missing deployment is a success.
    ///
    /// # Errors
    /// [`Error::DeploymentHasVersions`].
    ///
    /// # Example
    /// ```
    /// use worker_deployments::{DeleteDeployment, Deployments, Limits, Outcome};
    ///
    /// let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
    /// let req = DeleteDeployment { deployment_name: "D".into(), identity: "me".into() };
    /// assert_eq!(ns.delete_deployment(&req), Ok(Outcome::NoOp));
    /// ```
    pub fn delete_deployment(&mut self, req: &DeleteDeployment) -> Result<Outcome, Error> {
        let Some(d) = self.deployments.get(&req.deployment_name) else {
            return Ok(Outcome::NoOp);
        };
        if !d.versions.is_empty() {
            return Err(Error::DeploymentHasVersions);
        }
        self.deployments.remove(&req.deployment_name);
        self.debug_check();
        Ok(Outcome::Changed)
    }
}

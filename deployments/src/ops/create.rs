//! `CreateWorkerDeployment` and `CreateWorkerDeploymentVersion` (specification.md section B.9, specification.md section B.10).

use super::Outcome;
use crate::checks::validate_field;
use crate::deployments::Deployments;
use crate::error::Error;
use crate::facts::Facts;
use crate::ids::{Field, VersionKey, go_quote};
use crate::state::VersionStatus;

/// A create-deployment request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CreateDeployment {
    /// The deployment.
    pub deployment_name: String,
    /// The caller.
    pub identity: String,
    /// The request ID (the server makes one up when it is missing; the model takes it).
    pub request_id: String,
}

/// A create-version request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CreateVersion {
    /// The deployment.
    pub deployment_name: String,
    /// The build ID.
    pub build_id: String,
    /// The caller.
    pub identity: String,
    /// The request ID.
    pub request_id: String,
}

impl Deployments {
    /// Create a deployment. The same request ID again is a success.
    ///
    /// # Errors
    /// An empty name, the name's checks, an existing deployment made by another request
    /// (or by pollers), the namespace cap.
    ///
    /// # Example
    /// ```
    /// use worker_deployments::{CreateDeployment, Deployments, Limits, Outcome};
    ///
    /// let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
    /// let r1 = CreateDeployment { deployment_name: "D".into(), identity: "me".into(), request_id: "r1".into() };
    /// assert_eq!(ns.create_deployment(&r1, 1)?, Outcome::Changed);
    /// assert_eq!(ns.create_deployment(&r1, 2)?, Outcome::NoOp);
    /// let r2 = CreateDeployment { request_id: "r2".into(), ..r1 };
    /// assert_eq!(
    ///     ns.create_deployment(&r2, 3).unwrap_err().to_string(),
    ///     "Worker Deployment with name \"D\" already exists"
    /// );
    /// # Ok::<(), worker_deployments::Error>(())
    /// ```
    pub fn create_deployment(
        &mut self,
        req: &CreateDeployment,
        now_ms: u64,
    ) -> Result<Outcome, Error> {
        let name = req.deployment_name.as_str();
        if name.is_empty() {
            return Err(Error::DeploymentNameEmpty);
        }
        validate_field(Field::DeploymentName, name, self.limits.max_id_length)?;
        if let Some(d) = self.deployments.get(name) {
            if d.create_request_id == req.request_id {
                return Ok(Outcome::NoOp);
            }
            return Err(Error::DeploymentExists {
                quoted: go_quote(name),
                auto_created: d.auto_created(),
            });
        }
        self.start_deployment(name, &req.request_id, now_ms)?;
        if let Some(d) = self.deployments.get_mut(name) {
            d.touch(now_ms, &req.identity);
        }
        self.debug_check();
        Ok(Outcome::Changed)
    }

    /// Create a version, with status `CREATED` and no task queue. The same request ID
    /// again is a success. Neither the token nor the last modifier changes.
    ///
    /// # Errors
    /// The name's and build ID's checks, a missing deployment, an existing version made
    /// by another request (or by pollers), the version cap when GC frees nothing.
    pub fn create_version(
        &mut self,
        req: &CreateVersion,
        now_ms: u64,
        facts: &impl Facts,
    ) -> Result<Outcome, Error> {
        let max = self.limits.max_id_length;
        validate_field(Field::DeploymentName, &req.deployment_name, max)?;
        validate_field(Field::BuildId, &req.build_id, max)?;
        let key = VersionKey::new(&req.deployment_name, &req.build_id);
        let Some(d) = self.deployments.get(&req.deployment_name) else {
            return Err(Error::DeploymentNotFound {
                deployment_name: req.deployment_name.clone(),
            });
        };
        if let Some(v) = d.versions.get(&req.build_id) {
            if v.create_request_id == req.request_id {
                return Ok(Outcome::NoOp);
            }
            return Err(Error::VersionExists {
                quoted: go_quote(&key.v31()),
            });
        }
        self.add_version(&key, VersionStatus::Created, now_ms, facts)?;
        if let Some(v) = self
            .deployments
            .get_mut(&req.deployment_name)
            .and_then(|d| d.versions.get_mut(&req.build_id))
        {
            req.request_id.clone_into(&mut v.create_request_id);
        }
        self.debug_check();
        Ok(Outcome::Changed)
    }
}

//! The describe calls' checks (specification.md section B.1, specification.md section B.2): what a caller asking about a deployment
//! or a version is told when it does not exist or is named wrongly.

use crate::checks::validate_field;
use crate::deployments::Deployments;
use crate::error::Error;
use crate::ids::{Field, VersionKey, go_quote};
use crate::state::{DeploymentInfo, VersionInfo};

impl Deployments {
    /// `DescribeWorkerDeployment`: the deployment, after the name's checks.
    ///
    /// # Errors
    /// The name's checks; a missing deployment.
    ///
    /// # Example
    /// ```
    /// use worker_deployments::{Deployments, Limits};
    ///
    /// let ns = Deployments::new(Limits::SERVER_DEFAULT);
    /// assert_eq!(ns.describe_deployment("").unwrap_err().to_string(), "WorkerDeploymentName cannot be empty");
    /// ```
    pub fn describe_deployment(&self, name: &str) -> Result<&DeploymentInfo, Error> {
        validate_field(Field::DeploymentName, name, self.limits.max_id_length)?;
        self.deployments
            .get(name)
            .ok_or_else(|| Error::DeploymentNotFound {
                deployment_name: name.to_owned(),
            })
    }

    /// `DescribeWorkerDeploymentVersion`: the deprecated `version` string when non-empty,
    /// else `deployment_version` (as `D.b`), parsed, then both fields' checks.
    ///
    /// # Errors
    /// Neither given; a version string that does not parse; the fields' checks; a
    /// missing version.
    pub fn describe_version(
        &self,
        version: &str,
        deployment_version: Option<&VersionKey>,
    ) -> Result<&VersionInfo, Error> {
        let text = match deployment_version {
            _ if !version.is_empty() => version.to_owned(),
            Some(v) => v.v31(),
            None => return Err(Error::VersionEmpty),
        };
        let Ok(Some(key)) = VersionKey::parse(&text) else {
            return Err(Error::InvalidVersionFormat {
                quoted: go_quote(&text),
            });
        };
        let max = self.limits.max_id_length;
        validate_field(Field::DeploymentName, key.deployment_name(), max)?;
        validate_field(Field::BuildId, key.build_id(), max)?;
        self.version(&key).ok_or(Error::VersionNotFound)
    }
}

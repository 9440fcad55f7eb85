//! `SetWorkerDeploymentManager` (specification.md section B.8).

use super::{Outcome, check_token};
use crate::checks::validate_field;
use crate::deployments::Deployments;
use crate::error::Error;
use crate::ids::Field;
use crate::state::ConflictToken;

/// A set-manager request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SetManager {
    /// The deployment.
    pub deployment_name: String,
    /// The new manager ("" clears it); ignored when `self_manage`.
    pub manager_identity: String,
    /// Make the caller the manager (`self`).
    pub self_manage: bool,
    /// The token read before the write; empty skips the check.
    pub conflict_token: Vec<u8>,
    /// The caller; required.
    pub identity: String,
}

/// What an accepted set-manager answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetManagerResponse {
    /// Changed or no-op.
    pub outcome: Outcome,
    /// `previous_manager_identity`; on a no-op the requested one.
    pub previous_manager_identity: String,
    /// The deployment's token after the call.
    pub conflict_token: ConflictToken,
}

impl Deployments {
    /// Set or clear the deployment's manager identity. Not guarded by the current
    /// manager: anyone may change it.
    ///
    /// # Errors
    /// An empty identity; the name's checks; a missing deployment (history's message);
    /// after the no-op rule, a token mismatch.
    ///
    /// # Example
    /// ```
    /// use worker_deployments::{Deployments, Limits, SetManager};
    ///
    /// let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
    /// let req = SetManager { deployment_name: "D".into(), self_manage: true, ..SetManager::default() };
    /// assert_eq!(ns.set_manager(&req, 1).unwrap_err().to_string(), "Identity is required");
    /// ```
    pub fn set_manager(
        &mut self,
        req: &SetManager,
        now_ms: u64,
    ) -> Result<SetManagerResponse, Error> {
        if req.identity.is_empty() {
            return Err(Error::IdentityRequired);
        }
        let new = if req.self_manage {
            &req.identity
        } else {
            &req.manager_identity
        };
        validate_field(
            Field::DeploymentName,
            &req.deployment_name,
            self.limits.max_id_length,
        )?;
        let Some(d) = self.deployments.get_mut(&req.deployment_name) else {
            return Err(Error::DeploymentWorkflowNotFound {
                deployment_name: req.deployment_name.clone(),
            });
        };
        if &d.manager_identity == new && d.last_modifier_identity == req.identity {
            return Ok(SetManagerResponse {
                outcome: Outcome::NoOp,
                previous_manager_identity: new.clone(),
                conflict_token: d.conflict_token,
            });
        }
        check_token(d, &req.conflict_token)?;
        let previous = std::mem::replace(&mut d.manager_identity, new.clone());
        d.touch(now_ms, &req.identity);
        let conflict_token = d.conflict_token;
        self.debug_check();
        Ok(SetManagerResponse {
            outcome: Outcome::Changed,
            previous_manager_identity: previous,
            conflict_token,
        })
    }
}

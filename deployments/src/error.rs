//! Every error of the model's operations: `Display` is the server's message word for word
//! (specification.md section B, specification.md section C, specification.md section 0.1), [`Error::code`] the gRPC status it comes with.

use crate::code::Code;
use crate::ids::{Field, VersionStringError};

/// Which routing slot a missing-task-queue refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Slot {
    /// The current version (set-current).
    Current,
    /// The ramping version (set-ramping).
    Ramping,
}

named! {
    Slot, "the word of the server's message";
    Current => "current",
    Ramping => "ramping",
}

/// Why an operation was refused. `Display` is the Temporal server's message.
///
/// # Example
/// ```
/// use worker_deployments::{Code, Deployments, Limits, Observed, SetCurrent};
///
/// let mut ns = Deployments::new(Limits::SERVER_DEFAULT);
/// let err = ns
///     .set_current(&SetCurrent::new("D", "b1", "alice"), 1_000, &Observed::default())
///     .unwrap_err();
/// assert_eq!(err.code(), Code::NotFound);
/// assert_eq!(
///     err.to_string(),
///     "no Worker Deployment found with name 'D'; does your Worker Deployment have pollers?"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request names no deployment (frontend check).
    #[error("deployment name cannot be empty")]
    DeploymentNameEmpty,
    /// A name or build ID is empty (specification.md section 0.1 rule 1).
    #[error("{field} cannot be empty")]
    FieldEmpty {
        /// The field.
        field: Field,
    },
    /// A name or build ID is longer than `(max_id_length - 39) / 2` bytes (specification.md section 0.1 rule 2).
    #[error("size of {field} larger than the maximum allowed")]
    FieldTooLong {
        /// The field.
        field: Field,
    },
    /// A deployment name holds `.` (specification.md section 0.1 rule 3).
    #[error("worker deployment name cannot contain '.'")]
    NameContainsDot,
    /// A deployment name holds `:` (specification.md section 0.1 rule 3).
    #[error("worker deployment name cannot contain ':'")]
    NameContainsColon,
    /// A name or build ID starts with `__` (specification.md section 0.1 rule 4).
    #[error("{field} cannot start with '__'")]
    FieldStartsWithUnderscores {
        /// The field.
        field: Field,
    },
    /// The version string of a set-current or set-ramping does not parse.
    #[error("invalid version string: {0}")]
    InvalidVersionString(VersionStringError),
    /// The version string names another deployment than the request.
    #[error(
        "invalid version string '{version}' does not match deployment name '{deployment_name}'"
    )]
    VersionNameMismatch {
        /// The version string.
        version: String,
        /// The request's deployment name.
        deployment_name: String,
    },
    /// The version of a delete-version does not parse (`quoted` is Go's `%q` of it).
    #[error("invalid version string {quoted}, expected format is \"<deployment_name>.<build_id>\"")]
    InvalidVersionFormat {
        /// The version string, quoted as Go's `%q`.
        quoted: String,
    },
    /// A ramp percentage below 0 or above 100 (NaN passes).
    #[error("Percentage must be between 0 and 100 (inclusive)")]
    PercentageOutOfRange,
    /// A set-manager without identity.
    #[error("Identity is required")]
    IdentityRequired,
    /// A versioned poller without a deployment name or a build ID.
    #[error("Deployment name and build id must be set together.")]
    NameAndBuildTogether,
    /// Describe-version without a version.
    #[error("deployment version cannot be empty")]
    VersionEmpty,
    /// A pinned override without a version.
    #[error("must provide version if override is pinned.")]
    PinnedOverrideWithoutVersion,
    /// A one-time override without a target.
    #[error("must provide target deployment version if override is one-time.")]
    OneTimeOverrideWithoutTarget,

    /// The deployment does not exist (describe, set-current, set-ramping, create-version).
    #[error(
        "no Worker Deployment found with name '{deployment_name}'; does your Worker Deployment have pollers?"
    )]
    DeploymentNotFound {
        /// The name asked for.
        deployment_name: String,
    },
    /// The deployment does not exist (delete-version and set-manager pass history's error).
    #[error("workflow not found for ID: temporal-sys-worker-deployment:{deployment_name}")]
    DeploymentWorkflowNotFound {
        /// The name asked for.
        deployment_name: String,
    },
    /// The build ID is not a version of the deployment.
    #[error("build ID '{build_id}' not found in Worker Deployment '{deployment_name}'")]
    BuildIdNotFound {
        /// The build ID.
        build_id: String,
        /// The deployment.
        deployment_name: String,
    },
    /// Describe-version of a missing version.
    #[error("Worker Deployment Version not found")]
    VersionNotFound,

    /// A non-empty conflict token differs from the deployment's.
    #[error("conflict token mismatch")]
    ConflictTokenMismatch,
    /// Another client manages the deployment.
    #[error(
        "ManagerIdentity '{manager}' is set and does not match user identity '{identity}'; to proceed, set your own identity as the ManagerIdentity, remove the ManagerIdentity, or wait for the other client to do so"
    )]
    NotManager {
        /// The deployment's manager identity.
        manager: String,
        /// The caller's identity.
        identity: String,
    },
    /// The new current or ramping version lacks a busy task queue of the current version.
    #[error(
        "proposed {slot} version '{version}' is missing active task queues from the current version; these would become unversioned if it is set as the {slot} version"
    )]
    MissingTaskQueues {
        /// Current or ramping.
        slot: Slot,
        /// The proposed version, v32 (`D:b`).
        version: String,
    },
    /// Set-ramping named the current version.
    #[error("requested ramping version {version} is already current")]
    AlreadyCurrent {
        /// The version string, v31 (`D.b`) or `__unversioned__`.
        version: String,
    },
    /// Delete-version of the current or ramping version.
    #[error("version '{version}' cannot be deleted since it is current or ramping")]
    DeleteCurrentOrRamping {
        /// The version, v32.
        version: String,
    },
    /// Delete-version of a draining version without skip-drainage.
    #[error("version '{version}' cannot be deleted since it is draining")]
    DeleteDraining {
        /// The version, v32.
        version: String,
    },
    /// Delete-version of a version whose task queues have pollers.
    #[error("version '{version}' cannot be deleted since it has active pollers")]
    DeleteHasPollers {
        /// The version, v32.
        version: String,
    },
    /// Delete-deployment of a deployment that still has versions.
    #[error("deployment has versions, can't be deleted")]
    DeploymentHasVersions,
    /// A pinned or one-time override to a version that is not in the workflow's queue.
    #[error(
        "Pinned version '{deployment_name}:{build_id}' is not present in task queue '{task_queue}' of type 'Workflow'"
    )]
    PinnedVersionNotInTaskQueue {
        /// The target's deployment.
        deployment_name: String,
        /// The target's build ID.
        build_id: String,
        /// The workflow's task queue.
        task_queue: String,
    },
    /// A query to a closed workflow pinned to a drained version with no pollers.
    #[error(
        "You are trying to query a closed Workflow that is PINNED to Worker Deployment Version {build_id}, but {build_id} is drained and has no pollers to answer the query. Immediately: You can re-deploy Workers in this Deployment Version to take those queries, or you can workflow update-options to change your workflow to AUTO_UPGRADE. For the future: In your infrastructure, consider waiting longer after the last queried timestamp as reported in Describe Deployment before you sunset Workers. Or mark this workflow as AUTO_UPGRADE."
    )]
    QueryBlackholed {
        /// The pinned version's build ID.
        build_id: String,
    },

    /// Create-deployment of a name that exists with another request ID.
    #[error("Worker Deployment with name {quoted} already exists{}", if *auto_created { " (auto-created from worker polls)" } else { "" })]
    DeploymentExists {
        /// The name, quoted as Go's `%q`.
        quoted: String,
        /// Whether pollers created it.
        auto_created: bool,
    },
    /// Create-version of a version that exists with another request ID.
    #[error("Worker Deployment Version {quoted} already exists")]
    VersionExists {
        /// The v31 string, quoted as Go's `%q`.
        quoted: String,
    },

    /// A new deployment when the namespace holds `limit` of them.
    #[error("reached maximum deployments in namespace ({limit})")]
    TooManyDeployments {
        /// `matching.maxDeployments`.
        limit: usize,
    },
    /// A new version at the deployment's cap when no version could be collected.
    #[error(
        "cannot add version {version} since maximum number of versions ({limit}) have been registered in the deployment"
    )]
    TooManyVersions {
        /// The version, v31.
        version: String,
        /// `matching.maxVersionsInDeployment`.
        limit: usize,
    },
    /// A new task queue of a version at its cap.
    #[error(
        "cannot add task queue {task_queue} since maximum number of task queues ({limit}) have been registered in deployment"
    )]
    TooManyTaskQueues {
        /// The task queue's name.
        task_queue: String,
        /// `matching.maxTaskQueuesInDeploymentVersion`.
        limit: usize,
    },
    /// A new version in a task queue holding more than `limit` versions.
    #[error("exceeding maximum number of Deployment Versions in this task queue (limit = {limit})")]
    TooManyVersionsInTaskQueue {
        /// `matching.maxVersionsInTaskQueue`.
        limit: usize,
    },
}

impl Error {
    /// The gRPC status the server answers with.
    pub const fn code(&self) -> Code {
        match self {
            Self::DeploymentNameEmpty
            | Self::FieldEmpty { .. }
            | Self::FieldTooLong { .. }
            | Self::NameContainsDot
            | Self::NameContainsColon
            | Self::FieldStartsWithUnderscores { .. }
            | Self::InvalidVersionString(_)
            | Self::VersionNameMismatch { .. }
            | Self::InvalidVersionFormat { .. }
            | Self::PercentageOutOfRange
            | Self::IdentityRequired
            | Self::NameAndBuildTogether
            | Self::VersionEmpty
            | Self::PinnedOverrideWithoutVersion
            | Self::OneTimeOverrideWithoutTarget => Code::InvalidArgument,
            Self::DeploymentNotFound { .. }
            | Self::DeploymentWorkflowNotFound { .. }
            | Self::BuildIdNotFound { .. }
            | Self::VersionNotFound => Code::NotFound,
            Self::ConflictTokenMismatch
            | Self::NotManager { .. }
            | Self::MissingTaskQueues { .. }
            | Self::AlreadyCurrent { .. }
            | Self::DeleteCurrentOrRamping { .. }
            | Self::DeleteDraining { .. }
            | Self::DeleteHasPollers { .. }
            | Self::DeploymentHasVersions
            | Self::PinnedVersionNotInTaskQueue { .. }
            | Self::QueryBlackholed { .. } => Code::FailedPrecondition,
            Self::DeploymentExists { .. } | Self::VersionExists { .. } => Code::AlreadyExists,
            Self::TooManyDeployments { .. }
            | Self::TooManyVersions { .. }
            | Self::TooManyTaskQueues { .. }
            | Self::TooManyVersionsInTaskQueue { .. } => Code::ResourceExhausted,
        }
    }
}

//! The errors of the update operations.

use crate::BuildId;
use crate::code::Code;

/// Why an update was refused. `Display` is the Temporal server's message, word for word;
/// [`UpdateError::code`] is the gRPC status it comes with.
///
/// # Example
/// ```
/// use version_sets::{BuildId, Code, Limits, Update, VersionSets};
///
/// let mut sets = VersionSets::new();
/// let err = sets
///     .apply(&Update::promote_set_by_build_id(BuildId::new("1.0")?), 1, Limits::NONE)
///     .unwrap_err();
/// assert_eq!(err.code(), Code::NotFound);
/// assert_eq!(err.to_string(), "targeted version 1.0 not found");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UpdateError {
    /// Add-new-default named a build ID that already exists (tombstones included), other
    /// than as the sole member of the default set.
    #[error("version {build_id} already exists")]
    AlreadyExists {
        /// The build ID to add.
        build_id: BuildId,
    },
    /// Add-compatible with [`QueueDefault::Make`](crate::QueueDefault::Make) named a build ID
    /// already in the target set,
    /// and that set is not the queue's default.
    #[error("version {build_id} already exists and is not default for queue")]
    NotDefaultForQueue {
        /// The build ID to add.
        build_id: BuildId,
    },
    /// Add-compatible named a build ID already in the target set but not its default.
    #[error("version {build_id} already exists and is not default in set")]
    NotDefaultInSet {
        /// The build ID to add.
        build_id: BuildId,
    },
    /// Add-compatible named a build ID that exists in another set.
    #[error(
        "{build_id} requested to be made compatible with {existing} but both versions exist and are incompatible"
    )]
    Incompatible {
        /// The build ID to add.
        build_id: BuildId,
        /// The build ID it was to be compatible with.
        existing: BuildId,
    },
    /// Add-compatible named an existing build ID that is in no set.
    #[error("targeted compatible_version {existing} not found")]
    CompatibleNotFound {
        /// The missing build ID.
        existing: BuildId,
    },
    /// Promote-set or promote-within-set named a build ID that is in no set.
    #[error("targeted version {build_id} not found")]
    NotFound {
        /// The missing build ID.
        build_id: BuildId,
    },
    /// Merge named a primary build ID that is in no set.
    #[error("targeted primary version {build_id} not found")]
    PrimaryNotFound {
        /// The missing build ID.
        build_id: BuildId,
    },
    /// Merge named a secondary build ID that is in no set.
    #[error("targeted secondary version {build_id} not found")]
    SecondaryNotFound {
        /// The missing build ID.
        build_id: BuildId,
    },
    /// The result would hold more sets than [`Limits::max_sets`](crate::Limits::max_sets).
    #[error(
        "update would exceed number of compatible version sets permitted in namespace dynamic config ({count}/{max})"
    )]
    TooManySets {
        /// Sets in the result.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The result would hold more build IDs (tombstones included) than
    /// [`Limits::max_build_ids`](crate::Limits::max_build_ids).
    #[error(
        "update would exceed number of build IDs permitted in namespace dynamic config ({count}/{max})"
    )]
    TooManyBuildIds {
        /// Build IDs in the result, tombstones included.
        count: usize,
        /// The limit.
        max: usize,
    },
}

impl UpdateError {
    /// The gRPC status code the server sends with this error.
    pub const fn code(&self) -> Code {
        match self {
            Self::AlreadyExists { .. }
            | Self::NotDefaultForQueue { .. }
            | Self::NotDefaultInSet { .. }
            | Self::Incompatible { .. } => Code::InvalidArgument,
            Self::CompatibleNotFound { .. }
            | Self::NotFound { .. }
            | Self::PrimaryNotFound { .. }
            | Self::SecondaryNotFound { .. } => Code::NotFound,
            Self::TooManySets { .. } | Self::TooManyBuildIds { .. } => Code::FailedPrecondition,
        }
    }

    /// Whether the error is a limit being exceeded (the operation itself was valid).
    pub const fn is_limit(&self) -> bool {
        matches!(
            self,
            Self::TooManySets { .. } | Self::TooManyBuildIds { .. }
        )
    }
}

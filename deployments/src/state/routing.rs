//! A deployment's routing config (specification.md section A.4).

use crate::ids::{UNVERSIONED, VersionKey};

/// What a routing config ramps to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Ramp {
    /// No ramp (`ramping_version == ""`).
    #[default]
    None,
    /// A ramp to unversioned workers (`ramping_version == "__unversioned__"`).
    Unversioned,
    /// A ramp to a version of the deployment.
    Version(VersionKey),
}

impl Ramp {
    /// The deprecated `ramping_version` string: `""`, `"__unversioned__"` or `D.b`.
    pub fn version_string(&self) -> String {
        match self {
            Self::None => String::new(),
            Self::Unversioned => UNVERSIONED.to_owned(),
            Self::Version(v) => v.v31(),
        }
    }

    /// The `ramping_deployment_version`: the version, if the ramp is to one.
    pub fn version(&self) -> Option<&VersionKey> {
        match self {
            Self::Version(v) => Some(v),
            Self::None | Self::Unversioned => None,
        }
    }
}

/// A deployment's routing config: the current version, the ramp, the percentage, the
/// times each changed and the revision number. Times are Unix milliseconds, `None` unset.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RoutingConfig {
    /// `current_deployment_version`: `None` is unversioned.
    pub current: Option<VersionKey>,
    /// `current_version_changed_time`.
    pub current_changed_ms: Option<u64>,
    /// The ramp.
    pub ramping: Ramp,
    /// `ramping_version_percentage`, float32 (NaN is stored as the server stores it).
    pub percentage: f32,
    /// `ramping_version_changed_time`.
    pub ramping_changed_ms: Option<u64>,
    /// `ramping_version_percentage_changed_time`.
    pub percentage_changed_ms: Option<u64>,
    /// `revision_number`: +1 on each routing change.
    pub revision: i64,
}

impl RoutingConfig {
    /// The deprecated `current_version` string: `D.b` or `"__unversioned__"`.
    pub fn current_version_string(&self) -> String {
        self.current
            .as_ref()
            .map_or_else(|| UNVERSIONED.to_owned(), VersionKey::v31)
    }

    /// Whether `build_id` is this config's current version.
    pub(crate) fn is_current(&self, build_id: &str) -> bool {
        self.current
            .as_ref()
            .is_some_and(|v| v.build_id() == build_id)
    }

    /// Whether `build_id` is this config's ramping version.
    pub(crate) fn is_ramping(&self, build_id: &str) -> bool {
        self.ramping
            .version()
            .is_some_and(|v| v.build_id() == build_id)
    }
}

//! The model's state values: deployments, versions, routing configs, tokens.

mod deployment;
mod routing;
mod token;
mod version;

pub(crate) use deployment::AUTO_CREATE_PREFIX;
pub use deployment::{DeploymentInfo, UpdateState};
pub use routing::{Ramp, RoutingConfig};
pub use token::ConflictToken;
pub use version::{DrainageInfo, DrainageStatus, VersionInfo, VersionStatus};

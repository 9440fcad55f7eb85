//! Dispatch-time questions: where a poller polls, where a task goes, which build runs new
//! work for a versioning intent, and whether a build ID can still get workflows (task
//! reachability).

mod dispatch;
mod reachability;
mod resolve;

pub use dispatch::{DispatchQueue, GuessedSet, NewerBuildExists, StickyWorkerUnavailable};
pub(crate) use dispatch::{add_task, poll, sticky_add, sticky_poll};
pub use reachability::{
    BuildIdReachability, DEFAULT_REACHABILITY_BUILD_IDS, NEW_WORKFLOWS_GRACE_MS, ReachabilityError,
    ReachabilityQuery, ReachabilityType, StatusFilter, TaskReachability, VisibilityQuery,
};
pub(crate) use reachability::{check as check_reachability, reachability};
pub(crate) use resolve::resolve;
pub use resolve::{Resolution, Target, TargetQueue, VersioningIntent};

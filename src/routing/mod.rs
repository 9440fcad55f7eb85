//! Dispatch-time questions: where a poller polls, where a task goes, and which build runs
//! new work for a versioning intent.

mod dispatch;
mod resolve;

pub use dispatch::{DispatchQueue, GuessedSet, NewerBuildExists, StickyWorkerUnavailable};
pub use resolve::{Resolution, Target, TargetQueue, VersioningIntent};

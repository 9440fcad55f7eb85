//! The names a trace gives the model's enums, read by `read` and written by `write`.

use version_sets::{ReachabilityType, TaskReachability, VersioningIntent};

/// A `resolve` step's intents (a trace may also prefix them `VERSIONING_INTENT_`).
pub(crate) const INTENTS: [(&str, VersioningIntent); 3] = [
    ("UNSPECIFIED", VersioningIntent::Unspecified),
    ("COMPATIBLE", VersioningIntent::Compatible),
    ("DEFAULT", VersioningIntent::Default),
];

/// The kinds a `reachability` step asks about (a trace may also prefix them
/// `TASK_REACHABILITY_`).
pub(crate) const KINDS: [(&str, ReachabilityType); 5] = [
    ("UNSPECIFIED", ReachabilityType::Unspecified),
    ("NEW_WORKFLOWS", ReachabilityType::NewWorkflows),
    ("EXISTING_WORKFLOWS", ReachabilityType::ExistingWorkflows),
    ("OPEN_WORKFLOWS", ReachabilityType::OpenWorkflows),
    ("CLOSED_WORKFLOWS", ReachabilityType::ClosedWorkflows),
];

/// The kinds a `reachability` step finds, as its `expect` lists them.
pub(crate) const FOUND: [TaskReachability; 4] = [
    TaskReachability::NewWorkflows,
    TaskReachability::ExistingWorkflows,
    TaskReachability::OpenWorkflows,
    TaskReachability::ClosedWorkflows,
];

/// An intent's name.
pub(crate) fn intent_name(intent: VersioningIntent) -> &'static str {
    INTENTS
        .iter()
        .find(|(_, known)| *known == intent)
        .map_or("UNSPECIFIED", |(name, _)| name)
}

/// The short name of a kind asked about.
pub(crate) fn kind_name(kind: ReachabilityType) -> &'static str {
    KINDS
        .iter()
        .find(|(_, known)| *known == kind)
        .map_or("UNSPECIFIED", |(name, _)| name)
}

/// A kind found, as a trace writes it: the proto name without its prefix.
pub(crate) fn found_name(found: TaskReachability) -> &'static str {
    let name = found.as_str();
    name.strip_prefix("TASK_REACHABILITY_").unwrap_or(name)
}

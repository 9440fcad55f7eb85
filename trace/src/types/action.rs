//! The one table of actions: each action's key, whether its step may give its wall time
//! (`now`), and whether it takes an `expect`. The reader, the writer, the documentation test
//! and the command's `--only` all read it.

/// A kind of step: one of the trace's action keys (docs/trace-format.md). Later versions of
/// the format may add kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ActionKind {
    /// `update`
    Update,
    /// `limits`
    Limits,
    /// `sets`
    Sets,
    /// `resolve`
    Resolve,
    /// `poll`
    Poll,
    /// `start` (v2)
    Start,
    /// `removeBuildIds` (v2)
    RemoveBuildIds,
    /// `clearTombstones` (v2)
    ClearTombstones,
    /// `persistUnknownBuildId` (v2)
    PersistUnknownBuildId,
    /// `mark` (v2)
    Mark,
    /// `deltas` (v2)
    Deltas,
    /// `addTask` (v2)
    AddTask,
    /// `stickyPoll` (v2)
    StickyPoll,
    /// `stickyAdd` (v2)
    StickyAdd,
    /// `view` (v2)
    View,
    /// `mergeReplica` (v2)
    MergeReplica,
    /// `receiveReplica` (v2)
    ReceiveReplica,
    /// `gcPlan` (v2)
    GcPlan,
    /// `reachability` (v2)
    Reachability,
}

/// `timed`: the step stamps a change, so it may give its wall time as `now`.
const TIMED: bool = true;
/// `expects`: the step takes an `expect` (a `sets` step's listing is its expectation).
const EXPECTS: bool = true;

impl ActionKind {
    /// Every kind, in the order messages list them: format v1's, then v2's.
    pub const ALL: [Self; 19] = [
        Self::Update,
        Self::Limits,
        Self::Sets,
        Self::Resolve,
        Self::Poll,
        Self::Start,
        Self::RemoveBuildIds,
        Self::ClearTombstones,
        Self::PersistUnknownBuildId,
        Self::Mark,
        Self::Deltas,
        Self::AddTask,
        Self::StickyPoll,
        Self::StickyAdd,
        Self::View,
        Self::MergeReplica,
        Self::ReceiveReplica,
        Self::GcPlan,
        Self::Reachability,
    ];

    /// The table: key, timed, takes an expectation.
    const fn row(self) -> (&'static str, bool, bool) {
        match self {
            Self::Update => ("update", TIMED, EXPECTS),
            Self::Limits => ("limits", !TIMED, !EXPECTS),
            Self::Sets => ("sets", !TIMED, !EXPECTS),
            Self::Resolve => ("resolve", !TIMED, EXPECTS),
            Self::Poll => ("poll", !TIMED, EXPECTS),
            Self::Start => ("start", !TIMED, !EXPECTS),
            Self::RemoveBuildIds => ("removeBuildIds", TIMED, EXPECTS),
            Self::ClearTombstones => ("clearTombstones", !TIMED, EXPECTS),
            Self::PersistUnknownBuildId => ("persistUnknownBuildId", TIMED, EXPECTS),
            Self::Mark => ("mark", !TIMED, !EXPECTS),
            Self::Deltas => ("deltas", !TIMED, EXPECTS),
            Self::AddTask => ("addTask", !TIMED, EXPECTS),
            Self::StickyPoll => ("stickyPoll", !TIMED, EXPECTS),
            Self::StickyAdd => ("stickyAdd", !TIMED, EXPECTS),
            Self::View => ("view", !TIMED, EXPECTS),
            Self::MergeReplica => ("mergeReplica", !TIMED, EXPECTS),
            Self::ReceiveReplica => ("receiveReplica", TIMED, EXPECTS),
            Self::GcPlan => ("gcPlan", !TIMED, EXPECTS),
            Self::Reachability => ("reachability", !TIMED, EXPECTS),
        }
    }

    /// The action key, e.g. `"removeBuildIds"`.
    pub const fn name(self) -> &'static str {
        self.row().0
    }

    /// Whether the step stamps a change and so may give its wall time as `now`.
    pub const fn timed(self) -> bool {
        self.row().1
    }

    /// Whether the step takes an `expect`.
    pub const fn takes_expect(self) -> bool {
        self.row().2
    }

    /// The kind with this action key.
    ///
    /// # Example
    /// ```
    /// use version_sets_trace::ActionKind;
    ///
    /// assert_eq!(ActionKind::named("gcPlan"), Some(ActionKind::GcPlan));
    /// assert!(ActionKind::named("update").is_some_and(ActionKind::timed));
    /// assert_eq!(ActionKind::named("expect"), None);
    /// ```
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

impl std::fmt::Display for ActionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

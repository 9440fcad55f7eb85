//! [`VersionSets`], the versioning data of one task queue, and everything it can do: every
//! public method is listed here, grouped by what it is for, and each is a short call into
//! the room that does the work (`core`, `ops`, `routing`, `gc`, `replication`, `stored`,
//! `invariants`). This file is the only writer of the clock.
//!
//! Beside it, what holds, builds or (de)serialises a `VersionSets` from the forms of
//! `stored`, which are plain data and know nothing of this type: `forms.rs` (the
//! `TryFrom`/`From` conversions with stored data, [`Rebuilt`] and
//! [`PublicSets::rebuild`](crate::PublicSets::rebuild), whose replay of updates is the
//! facade's own) and, with the `serde` feature, `serde.rs` (`CheckedData`,
//! `TaskQueueUserData`, and `VersionSets` written as its stored form and read only checked).

mod forms;
#[cfg(feature = "serde")]
mod serde;

use std::fmt;

use crate::build_id::BuildId;
use crate::clock::Hlc;
use crate::core::Core;
use crate::error::UpdateError;
use crate::gc::{self, ClusterMode, GcPolicy, GcVerdict};
use crate::hash_key::HashKey;
use crate::invariants::{self, Inconsistency};
use crate::ops::{self, Limits, Outcome, Update};
use crate::replication::{self, BuildIdDeltas};
use crate::routing::{
    self, BuildIdReachability, DispatchQueue, NewerBuildExists, ReachabilityError,
    ReachabilityQuery, Resolution, StickyWorkerUnavailable, TargetQueue, VersioningIntent,
    VisibilityQuery,
};
use crate::set::{BuildIdRecord, CompatibleSet, Lookup, Sets};
use crate::stored::{
    self, BuildIdCompatibility, InvalidData, ListedSet, Loaded, VersionSetData, VersioningData,
};

pub use forms::Rebuilt;
#[cfg(feature = "serde")]
pub use serde::{CheckedData, TaskQueueUserData};

/// The build-ID versioning data of one task queue: an ordered list of compatible sets, the
/// last of which is the queue's default.
///
/// Change it with [`apply`](Self::apply) (and, for garbage collection,
/// [`remove_build_ids`](Self::remove_build_ids) and
/// [`clear_tombstones`](Self::clear_tombstones)); read it with the methods below. Every
/// lookup by build ID costs O(1) however many sets and build IDs the queue holds, and so does
/// every update but a merge of sets, which costs O(size of the two sets).
///
/// The value keeps its own [hybrid logical clock](Hlc), which is at least every timestamp it
/// holds. Each change is stamped with the clock's [`next`](Hlc::next) value for the wall time
/// the caller passes, so a wall clock that jumps backwards cannot make list order and
/// timestamp order disagree. (Loaded data can hold list order that disagrees across
/// clusters, as the server stores it after a failover under clock skew; it keeps that
/// order until a merge-sets or a join sorts it: docs/semantics.md, `model.list-order`.)
///
/// The methods, by what they are for:
/// - **Constructors and getters**: [`new`](Self::new), [`starting_at`](Self::starting_at),
///   [`with_cluster_id`](Self::with_cluster_id), [`cluster_id`](Self::cluster_id),
///   [`clock`](Self::clock), [`sets`](Self::sets), [`set_count`](Self::set_count),
///   [`build_id_count`](Self::build_id_count), [`is_empty`](Self::is_empty),
///   [`default_set`](Self::default_set), [`default_build_id`](Self::default_build_id),
///   [`contains`](Self::contains), [`set_of`](Self::set_of), [`record`](Self::record),
///   [`set_default_of`](Self::set_default_of), [`is_set_default`](Self::is_set_default),
///   [`is_queue_default`](Self::is_queue_default),
///   [`non_default_members`](Self::non_default_members), [`validate`](Self::validate).
/// - **Updates**: [`apply`](Self::apply).
/// - **Dispatch**: [`poll`](Self::poll), [`add_task`](Self::add_task),
///   [`sticky_poll`](Self::sticky_poll), [`sticky_add`](Self::sticky_add),
///   [`resolve`](Self::resolve), [`reachability`](Self::reachability).
/// - **Garbage collection**: [`removable_build_ids`](Self::removable_build_ids),
///   [`gc_verdicts`](Self::gc_verdicts),
///   [`remove_build_ids`](Self::remove_build_ids), [`remove_unused`](Self::remove_unused),
///   [`clear_tombstones`](Self::clear_tombstones).
/// - **Replication**: [`join`](Self::join), [`receive`](Self::receive),
///   [`persist_unknown_build_id`](Self::persist_unknown_build_id),
///   [`build_id_deltas`](Self::build_id_deltas).
/// - **Stored forms**: [`from_data`](Self::from_data), [`to_data`](Self::to_data),
///   [`response`](Self::response), [`from_response`](Self::from_response),
///   [`from_listing`](Self::from_listing).
///
/// Two conventions hold throughout. A question about a build ID takes it as `&str` (any
/// string may be asked about; one no set holds is simply not found), and a change takes the
/// validated [`BuildId`]. A method that stamps or reads the time takes the caller's wall
/// time, `now_ms` (Unix milliseconds), as its second argument, right after what it works on.
///
/// # Example
/// ```
/// use version_sets::{BuildId, Limits, QueueDefault, Update, VersionSets};
///
/// let id = |s: &str| BuildId::new(s);
/// let mut sets = VersionSets::new();
/// sets.apply(&Update::add_new_default(id("1.0")?), 1_000, Limits::SERVER_DEFAULT)?;
/// sets.apply(&Update::add_new_compatible(id("1.1")?, id("1.0")?, QueueDefault::Keep), 2_000, Limits::SERVER_DEFAULT)?;
/// sets.apply(&Update::add_new_default(id("2.0")?), 3_000, Limits::SERVER_DEFAULT)?;
///
/// assert_eq!(sets.default_build_id().map(BuildId::as_str), Some("2.0"));
/// assert_eq!(sets.set_default_of("1.0").map(BuildId::as_str), Some("1.1"));
/// assert!(!sets.is_set_default("1.0"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
pub struct VersionSets {
    pub(crate) core: Core,
    clock: Hlc,
    /// The cluster that stamps this value's changes.
    cluster_id: i64,
}

impl PartialEq for VersionSets {
    fn eq(&self, other: &Self) -> bool {
        self.clock == other.clock
            && self.cluster_id == other.cluster_id
            && self.sets().eq(other.sets())
    }
}

impl Eq for VersionSets {}

impl fmt::Debug for VersionSets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VersionSets")
            .field("sets", &self.core)
            .field("clock", &self.clock)
            .field("cluster_id", &self.cluster_id)
            .finish()
    }
}

/// The result of [`VersionSets::receive`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The joined state, with revived build IDs active again and tombstones cleared.
    pub state: VersionSets,
    /// The build IDs revived, each once, in the order they were first revived: each one
    /// still in use, then its set's default when that had been deleted.
    pub revived: Vec<BuildId>,
}

/// The result of [`VersionSets::remove_unused`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// What is replicated to the other clusters: the state with the tombstones, in a
    /// multi-cluster namespace; `None` in a single-cluster one.
    pub replicated: Option<VersionSets>,
    /// The state kept here, tombstones cleared.
    pub local: VersionSets,
}

/// Constructors and getters.
impl VersionSets {
    /// An empty task queue (no sets) whose clock starts at zero on cluster 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty task queue whose clock starts at `clock`: the cluster ID of every stamp is
    /// `clock.cluster_id`, and every stamp is later than `clock`.
    pub fn starting_at(clock: Hlc) -> Self {
        Self {
            core: Core::default(),
            clock,
            cluster_id: clock.cluster_id,
        }
    }

    /// This value as the replica of cluster `cluster_id`: every later change is stamped with
    /// that cluster ID. Use it on data loaded from storage or received from another cluster,
    /// which otherwise keeps the cluster of its newest stamp.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Hlc, Limits, Update, VersionSets};
    ///
    /// let mut sets = VersionSets::starting_at(Hlc::zero(2)).with_cluster_id(7);
    /// sets.apply(&Update::add_new_default(BuildId::new("1.0")?), 1_000, Limits::NONE)?;
    /// assert_eq!(sets.clock(), Hlc { wall_clock: 1_000, version: 0, cluster_id: 7 });
    /// assert_eq!(sets.cluster_id(), 7);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_cluster_id(mut self, cluster_id: i64) -> Self {
        self.cluster_id = cluster_id;
        self
    }

    /// This value with its hash tables keyed with `key` (rebuilt: O(n)); the copies it
    /// makes of itself (clones, merges, the state without tombstones) keep that key. Nothing
    /// it answers changes: only runs that must repeat bit for bit need it ([`HashKey`] says
    /// why, and where a new value's key comes from).
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, HashKey, Limits, Update, VersionSets};
    ///
    /// let mut sets = VersionSets::new().with_hash_key(HashKey::fixed(42));
    /// sets.apply(&Update::add_new_default(BuildId::new("1.0")?), 1_000, Limits::NONE)?;
    /// assert_eq!(sets.default_build_id().map(|id| id.as_str()), Some("1.0"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_hash_key(mut self, key: HashKey) -> Self {
        self.core.rekey(key);
        self
    }

    /// The cluster whose ID stamps this value's changes.
    pub fn cluster_id(&self) -> i64 {
        self.cluster_id
    }

    /// The clock: at least every timestamp in the data; the next change is stamped later.
    pub fn clock(&self) -> Hlc {
        self.clock
    }

    /// The sets, oldest first; the last is the queue's default set.
    pub fn sets(&self) -> Sets<'_> {
        self.lookup().sets()
    }

    /// The number of sets.
    pub fn set_count(&self) -> usize {
        self.core.set_count()
    }

    /// The number of build IDs, tombstones included (as the limits count them).
    pub fn build_id_count(&self) -> usize {
        self.core.member_count()
    }

    /// Whether the queue has no sets (it is unversioned).
    pub fn is_empty(&self) -> bool {
        self.lookup().is_empty()
    }

    /// The queue's default set: the last one.
    pub fn default_set(&self) -> Option<CompatibleSet<'_>> {
        self.lookup().default_set()
    }

    /// The queue's default build ID: the default of the default set. New workflows go here.
    pub fn default_build_id(&self) -> Option<&BuildId> {
        self.lookup().default_build_id()
    }

    /// Whether `id` is in some set (tombstones included).
    pub fn contains(&self, id: &str) -> bool {
        self.lookup().contains(id)
    }

    /// The set holding `id`, if any.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Update, VersionSets};
    ///
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(BuildId::new("1.0")?), 1, Limits::NONE)?;
    /// let set = sets.set_of("1.0").expect("1.0 was just added");
    /// assert_eq!(set.primary_set_id().as_str(), "0P9ZdLaqUs9WK-pZIYQM");
    /// assert!(sets.set_of("2.0").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_of(&self, id: &str) -> Option<CompatibleSet<'_>> {
        self.lookup().set_of(id)
    }

    /// The record of `id`: its state and timestamps.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, BuildIdState, Limits, Update, VersionSets};
    ///
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(BuildId::new("1.0")?), 1_000, Limits::NONE)?;
    /// let record = sets.record("1.0").expect("1.0 was just added");
    /// assert_eq!(record.state(), BuildIdState::Active);
    /// assert_eq!(record.became_default_timestamp(), sets.clock());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record(&self, id: &str) -> Option<BuildIdRecord<'_>> {
        self.lookup().record(id)
    }

    /// The default of the set holding `id`: where work compatible with `id` goes.
    pub fn set_default_of(&self, id: &str) -> Option<&BuildId> {
        self.set_of(id).map(|set| set.default_build_id())
    }

    /// Whether `id` is the default of its set.
    pub fn is_set_default(&self, id: &str) -> bool {
        self.lookup().is_set_default(id)
    }

    /// Whether `id` is the queue's default build ID.
    pub fn is_queue_default(&self, id: &str) -> bool {
        self.lookup().is_queue_default(id)
    }

    /// Every build ID that is not its set's default, oldest set first: the builds whose
    /// pollers the server refuses with "newer compatible build".
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, QueueDefault, Update, VersionSets};
    ///
    /// let id = |s: &str| BuildId::new(s);
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(id("1.0")?), 1, Limits::NONE)?;
    /// sets.apply(&Update::add_new_compatible(id("1.1")?, id("1.0")?, QueueDefault::Keep), 2, Limits::NONE)?;
    /// let stale: Vec<&str> = sets.non_default_members().map(|r| r.id().as_str()).collect();
    /// assert_eq!(stale, ["1.0"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn non_default_members(&self) -> impl Iterator<Item = BuildIdRecord<'_>> {
        self.lookup().non_default_members()
    }

    /// Checks every invariant of the value: each set non-empty, its set IDs present and
    /// distinct (and the tallies of them in step), list order agreeing with timestamp order
    /// (ties allowed; across clusters only where loaded data disagreed) for the sets and
    /// within each set, every link between sets and build IDs in step, the counts right, and
    /// the clock at least every timestamp. Values built through this crate's API always
    /// pass; the check exists for tests, fuzzing and the `debug_assert!` after every change.
    ///
    /// Runs in time linear in the number of build IDs, without copying the data.
    ///
    /// # Errors
    /// An [`Inconsistency`] listing every finding.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Update, VersionSets};
    ///
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(BuildId::new("1.0")?), 1, Limits::NONE)?;
    /// assert_eq!(sets.validate(), Ok(()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate(&self) -> Result<(), Inconsistency> {
        invariants::validate(&self.core, self.clock)
    }

    /// The read side of the core, which the rooms answer questions with.
    fn lookup(&self) -> Lookup<'_> {
        Lookup::new(&self.core)
    }

    /// An empty queue whose core holds at most `capacity` build IDs: the crate's tests of
    /// what happens at the capacity, which the real one puts out of reach.
    #[cfg(test)]
    pub(crate) fn with_capacity_for_tests(capacity: usize) -> Self {
        Self {
            core: Core::with_capacity_for_tests(capacity),
            ..Self::default()
        }
    }
}

/// Updates.
impl VersionSets {
    /// Applies one update at wall time `now_ms` (Unix milliseconds), under `limits`.
    ///
    /// The checks run in the server's order and the first that matches decides; see each
    /// [`Update`] variant and the [`UpdateError`] variants. The limits are checked on the
    /// result of every successful operation, no-ops included, and count tombstones.
    ///
    /// A change is stamped with `self.clock().next(now_ms)`. `now_ms` is the caller's wall
    /// time rather than a clock value so that the state keeps its own clock: a wall clock
    /// that stands still or goes back still yields a later stamp, and so a change never
    /// makes list order and timestamp order disagree. A no-op changes nothing, not even the clock (the server
    /// rewrites its user data on a no-op; the versioning data is the same either way).
    ///
    /// # Errors
    /// Any [`UpdateError`]; the value is then exactly as it was before the call.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Outcome, Update, VersionSets};
    ///
    /// let mut sets = VersionSets::new();
    /// let add = Update::add_new_default(BuildId::new("deadbeef")?);
    /// assert_eq!(sets.apply(&add, 1_000, Limits::NONE)?, Outcome::Changed);
    /// assert_eq!(sets.apply(&add, 2_000, Limits::NONE)?, Outcome::NoOp);
    ///
    /// let tight = Limits { max_sets: 1, max_build_ids: 0 };
    /// let err = sets.apply(&Update::add_new_default(BuildId::new("cafe")?), 3_000, tight);
    /// assert_eq!(
    ///     err.unwrap_err().to_string(),
    ///     "update would exceed number of compatible version sets permitted in namespace dynamic config (2/1)"
    /// );
    /// assert_eq!(sets.set_count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply(
        &mut self,
        update: &Update,
        now_ms: i64,
        limits: Limits,
    ) -> Result<Outcome, UpdateError> {
        let plan = ops::plan(&self.core, update, limits)?;
        if plan.is_no_op() {
            return Ok(Outcome::NoOp);
        }
        let t = self.stamp(now_ms);
        ops::execute(&mut self.core, plan, t);
        debug_assert_eq!(self.validate(), Ok(()));
        Ok(Outcome::Changed)
    }

    /// [`apply`](Self::apply), with one more check that runs after the queue's own checks
    /// and limits passed and only when the update changes something: `admit`, whose error
    /// leaves the value unchanged (the namespace's limit, checked where the server checks
    /// it, in `updateUserData`).
    pub(crate) fn apply_admitted<E: From<UpdateError>>(
        &mut self,
        update: &Update,
        now_ms: i64,
        limits: Limits,
        admit: impl FnOnce() -> Result<(), E>,
    ) -> Result<Outcome, E> {
        let plan = ops::plan(&self.core, update, limits)?;
        if plan.is_no_op() {
            return Ok(Outcome::NoOp);
        }
        admit()?;
        let t = self.stamp(now_ms);
        ops::execute(&mut self.core, plan, t);
        debug_assert_eq!(self.validate(), Ok(()));
        Ok(Outcome::Changed)
    }
}

/// Dispatch: where work goes, and whether a build ID can still get any.
impl VersionSets {
    /// Where a versioned worker with `build_id` polls (`lookupVersionSetForPoll`).
    ///
    /// # Errors
    /// [`NewerBuildExists`] when `build_id` is in a set but is not its default.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, DispatchQueue, Limits, QueueDefault, Update, VersionSets};
    ///
    /// let id = |s: &str| BuildId::new(s);
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(id("1.0")?), 1, Limits::NONE)?;
    /// sets.apply(&Update::add_new_compatible(id("1.1")?, id("1.0")?, QueueDefault::Keep), 2, Limits::NONE)?;
    ///
    /// assert!(matches!(sets.poll("1.1")?, DispatchQueue::Set(_)));
    /// let refused = sets.poll("1.0").unwrap_err();
    /// assert_eq!(refused.to_string(), r#"Task queue has a newer compatible build: "1.1""#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn poll<'a>(&'a self, build_id: &'a str) -> Result<DispatchQueue<'a>, NewerBuildExists> {
        routing::poll(self.lookup(), build_id)
    }

    /// Where a task goes (`lookupVersionSetForAdd`): `None` means "the queue's default"; a
    /// build ID in a set goes to that set, whatever its position in it.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, DispatchQueue, VersionSets};
    ///
    /// assert_eq!(VersionSets::new().add_task(None), DispatchQueue::Unversioned);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_task<'a>(&'a self, build_id: Option<&'a str>) -> DispatchQueue<'a> {
        routing::add_task(self.lookup(), build_id)
    }

    /// Whether a worker with `build_id` may poll its sticky queue
    /// (`checkVersionForStickyPoll`). Unknown build IDs may.
    ///
    /// # Errors
    /// [`NewerBuildExists`] when `build_id` is in a set but is not its default.
    pub fn sticky_poll(&self, build_id: &str) -> Result<(), NewerBuildExists> {
        routing::sticky_poll(self.lookup(), build_id)
    }

    /// Whether a task for `build_id` may go to that worker's sticky queue
    /// (`checkVersionForStickyAdd`). Unknown build IDs may.
    ///
    /// # Errors
    /// [`StickyWorkerUnavailable`] when `build_id` is in a set but is not its default.
    pub fn sticky_add(&self, build_id: &str) -> Result<(), StickyWorkerUnavailable> {
        routing::sticky_add(self.lookup(), build_id)
    }

    /// Resolves `intent` for new work (an activity, a child workflow or a continue-as-new)
    /// aimed at the task queue these sets belong to.
    ///
    /// `caller` is the issuing workflow's current build ID (`None`, or the empty build ID,
    /// when it is unversioned, as on the server; a string that is no valid build ID cannot
    /// come from the server and is taken as unversioned too); `queue` says whether this queue
    /// is the caller's own. New workflows started
    /// by a client resolve as [`VersioningIntent::Default`]; retries as
    /// [`VersioningIntent::Compatible`].
    ///
    /// # Example
    /// ```
    /// use version_sets::{
    ///     BuildId, Limits, QueueDefault, Target, TargetQueue, Update, VersionSets, VersioningIntent,
    /// };
    ///
    /// let id = |s: &str| BuildId::new(s);
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(id("1.0")?), 1, Limits::NONE)?;
    /// sets.apply(&Update::add_new_compatible(id("1.1")?, id("1.0")?, QueueDefault::Keep), 2, Limits::NONE)?;
    /// sets.apply(&Update::add_new_default(id("2.0")?), 3, Limits::NONE)?;
    ///
    /// let compatible = sets.resolve(VersioningIntent::Compatible, Some("1.0"), TargetQueue::Same);
    /// assert_eq!(compatible.target(), &Target::SetDefault(id("1.1")?));
    /// assert_eq!(compatible.to_string(), "compatible: 1.0 is in set [1.0, 1.1] whose default is 1.1");
    ///
    /// let default = sets.resolve(VersioningIntent::Default, Some("1.0"), TargetQueue::Same);
    /// assert_eq!(default.target(), &Target::SetDefault(id("2.0")?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve<'a>(
        &'a self,
        intent: VersioningIntent,
        caller: Option<&'a str>,
        queue: TargetQueue,
    ) -> Resolution<'a> {
        routing::resolve(self.lookup(), intent, caller, queue)
    }

    /// The reachability of each of the query's build IDs on this task queue at wall time
    /// `now_ms`, in request order; an empty build ID stands for unversioned workers.
    ///
    /// From the sets alone: a build ID that is unknown, deleted, or not its set's default is
    /// unreachable (an empty list, no count made). A set's default gets new workflows when
    /// its set is the queue's default or became it less than
    /// [`NEW_WORKFLOWS_GRACE_MS`](crate::NEW_WORKFLOWS_GRACE_MS) ago (measured from the set's
    /// became-default timestamp, not from when it stopped being the default); unversioned
    /// workers get them when the queue has no sets or became versioned less than that ago. Unless the
    /// query's `kind` is `NewWorkflows`, `workflows_exist` is then asked whether any workflow
    /// matches (on the set's live build IDs, or `unversioned`), and a yes adds `kind`
    /// (`Unspecified` reported as `ExistingWorkflows`).
    ///
    /// # Errors
    /// [`ReachabilityError`], checked before any count, in the server's order: no build IDs,
    /// more than the query's `max_build_ids`, a build ID longer than
    /// [`MAX_BUILD_ID_LEN`](crate::MAX_BUILD_ID_LEN) bytes.
    ///
    /// # Example
    /// ```
    /// use version_sets::{
    ///     BuildId, Limits, ReachabilityQuery, ReachabilityType, TaskReachability, Update, VersionSets,
    /// };
    ///
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(BuildId::new("1.0")?), 0, Limits::NONE)?;
    /// sets.apply(&Update::add_new_default(BuildId::new("2.0")?), 1_000, Limits::NONE)?;
    /// let now = 3_600_000;
    /// let query = ReachabilityQuery {
    ///     build_ids: &["2.0", "1.0"],
    ///     kind: ReachabilityType::OpenWorkflows,
    ///     max_build_ids: 5,
    /// };
    /// let answers = sets.reachability(&query, now, |query| {
    ///     query.build_ids == ["versioned:1.0"]
    /// })?;
    /// assert_eq!(answers[0].reachability, [TaskReachability::NewWorkflows]);
    /// assert_eq!(answers[1].reachability, [TaskReachability::OpenWorkflows]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reachability(
        &self,
        query: &ReachabilityQuery<'_>,
        now_ms: i64,
        workflows_exist: impl FnMut(&VisibilityQuery) -> bool,
    ) -> Result<Vec<BuildIdReachability>, ReachabilityError> {
        routing::reachability(self.lookup(), query, now_ms, workflows_exist)
    }
}

/// Garbage collection: choosing build IDs to remove, tombstoning them and clearing them.
impl VersionSets {
    /// The build IDs the server's build-ID scavenger would remove in a run at wall time
    /// `now_ms`, in its order (sets oldest first, build IDs in stored order).
    ///
    /// For each set, counting its live build IDs: a tombstone is skipped (and not counted);
    /// the set's default is skipped when its set is the queue's default or another build ID
    /// of the set stays, so a set default goes only with its whole set; a build ID that
    /// became default less than `min_since_default_ms` ago, or whose state changed within
    /// the retention, is skipped; the rest are asked `in_use` ("is any workflow still on
    /// this build ID?", the server's visibility count), in that order, and go when unused.
    /// `in_use` is asked only about build IDs that pass every other check.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, GcPolicy, Limits, Retention, Update, VersionSets};
    ///
    /// let id = |s: &str| BuildId::new(s);
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(id("1.0")?), 0, Limits::NONE)?;
    /// sets.apply(&Update::add_new_default(id("2.0")?), 0, Limits::NONE)?;
    /// let policy = GcPolicy {
    ///     min_since_default_ms: GcPolicy::DEFAULT_MIN_SINCE_DEFAULT_MS,
    ///     retention_ms: 86_400_000,
    ///     retention: Retention::Respect,
    /// };
    /// // 2.0 is the queue default, so only 1.0 can go.
    /// let now = 10 * 86_400_000;
    /// assert_eq!(sets.removable_build_ids(&policy, now, |_| false), [id("1.0")?]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn removable_build_ids(
        &self,
        policy: &GcPolicy,
        now_ms: i64,
        in_use: impl FnMut(&BuildId) -> bool,
    ) -> Vec<BuildId> {
        gc::removable_build_ids(self.lookup(), policy, now_ms, in_use)
    }

    /// The scavenger's verdict on every build ID, in its order (that of
    /// [`removable_build_ids`](Self::removable_build_ids)), each with every rule that keeps
    /// it ([`Kept`](crate::Kept)), not only the first: the build IDs whose verdict is
    /// [removable](GcVerdict::removable) are exactly those `removable_build_ids` returns.
    /// `in_use` is asked about every live build ID.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, GcPolicy, Kept, Limits, Retention, Update, VersionSets};
    ///
    /// let id = |s: &str| BuildId::new(s);
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(id("1.0")?), 0, Limits::NONE)?;
    /// sets.apply(&Update::add_new_default(id("2.0")?), 0, Limits::NONE)?;
    /// let policy = GcPolicy {
    ///     min_since_default_ms: GcPolicy::DEFAULT_MIN_SINCE_DEFAULT_MS,
    ///     retention_ms: 86_400_000,
    ///     retention: Retention::Respect,
    /// };
    /// let verdicts = sets.gc_verdicts(&policy, 10 * 86_400_000, |id| id.as_str() == "2.0");
    /// assert!(verdicts[0].removable());
    /// assert_eq!(verdicts[1].kept, [Kept::QueueDefault, Kept::HasWorkflows]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn gc_verdicts(
        &self,
        policy: &GcPolicy,
        now_ms: i64,
        in_use: impl FnMut(&BuildId) -> bool,
    ) -> Vec<GcVerdict> {
        gc::verdicts(self.lookup(), policy, now_ms, in_use)
    }

    /// Turns every listed build ID that exists into a tombstone (`DELETED`, its state stamped
    /// with the next clock value for `now_ms`, its became-default timestamp kept), as the
    /// server's build-ID scavenger does. Unknown IDs are ignored and nothing moves. No
    /// limits apply and no safety checks are made: the caller decides what is safe to remove.
    ///
    /// Tombstones still count as existing (they cannot be re-added until cleared), are still
    /// routed to and still count towards the limits; they are hidden from
    /// [`response`](Self::response).
    ///
    /// Returns [`Outcome::NoOp`] (and leaves the clock alone) when no listed ID exists.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Update, VersionSets};
    ///
    /// let mut sets = VersionSets::new();
    /// for id in ["1.0", "2.0"] {
    ///     sets.apply(&Update::add_new_default(BuildId::new(id)?), 1, Limits::NONE)?;
    /// }
    /// sets.remove_build_ids(&[BuildId::new("1.0")?], 2);
    /// assert!(sets.contains("1.0"));
    /// assert_eq!(sets.response(0).major_version_sets[0].build_ids, Vec::<BuildId>::new());
    /// sets.clear_tombstones();
    /// assert!(!sets.contains("1.0"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn remove_build_ids(&mut self, build_ids: &[BuildId], now_ms: i64) -> Outcome {
        let found = gc::tombstones::existing(&self.core, build_ids);
        if found.is_empty() {
            return Outcome::NoOp;
        }
        let t = self.stamp(now_ms);
        gc::tombstones::tombstone(&mut self.core, found, t);
        debug_assert_eq!(self.validate(), Ok(()));
        Outcome::Changed
    }

    /// Removes build IDs the way the server's scavenger does in a namespace of the given
    /// kind: they become tombstones stamped for wall time `now_ms` (see
    /// [`remove_build_ids`](Self::remove_build_ids)). In a single-cluster namespace the
    /// same update clears them. In a multi-cluster namespace the tombstoned state is what
    /// replicates, and a second local update, stamped once more, clears them here.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, ClusterMode, Update, VersionSets};
    ///
    /// let id = |s: &str| BuildId::new(s);
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(id("1.0")?), 1, Limits::NONE)?;
    /// sets.apply(&Update::add_new_default(id("2.0")?), 2, Limits::NONE)?;
    /// let removal = sets.remove_unused(&[id("1.0")?], 3, ClusterMode::MultiCluster);
    /// let replicated = removal.replicated.expect("multi-cluster namespaces replicate tombstones");
    /// assert!(replicated.record("1.0").is_some_and(|r| !r.is_active()));
    /// assert!(!removal.local.contains("1.0"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn remove_unused(&self, build_ids: &[BuildId], now_ms: i64, mode: ClusterMode) -> Removal {
        let mut tombstoned = self.clone();
        tombstoned.remove_build_ids(build_ids, now_ms);
        let mut local = tombstoned.clone();
        local.clear_tombstones();
        match mode {
            ClusterMode::SingleCluster => Removal {
                replicated: None,
                local,
            },
            ClusterMode::MultiCluster => {
                // The clearing is an update of its own, with a clock of its own.
                local.stamp(now_ms);
                Removal {
                    replicated: Some(tombstoned),
                    local,
                }
            }
        }
    }

    /// Drops every tombstone, then every set left empty. Survivors keep their order, set IDs
    /// and timestamps (a set whose default was dropped falls back to its previous member
    /// without a new stamp). Cleared build IDs can be added again.
    pub fn clear_tombstones(&mut self) -> Outcome {
        if !gc::tombstones::any(&self.core) {
            return Outcome::NoOp;
        }
        gc::tombstones::clear(&mut self.core);
        debug_assert_eq!(self.validate(), Ok(()));
        Outcome::Changed
    }
}

/// Replication between clusters.
impl VersionSets {
    /// Joins a replica of the same task queue with this one, as a receiving cluster does
    /// (the server's `MergeVersioningData`, made a true join).
    ///
    /// - Per build ID, the `(state_update_timestamp, state)` pair with the larger timestamp
    ///   wins (`DELETED` wins a tie); `became_default_timestamp` is the larger of the two.
    /// - Build IDs whose sets share a set ID, or that sit in different sets on the two
    ///   sides, end in one set, transitively; its set IDs are the sorted union (a set of one
    ///   build ID that no other input set joins keeps its list as it is, as the server's
    ///   regrouping does), and its timestamp the largest of the input sets that went into it.
    /// - Sets are ordered by (timestamp, primary set ID), build IDs in a set by
    ///   (became-default timestamp, build ID).
    /// - The result belongs to `self`'s cluster; its clock is the larger of the two clocks,
    ///   so later local changes stamp later than anything joined in.
    ///
    /// It is a join: commutative and associative on the data and the clock
    /// (`a.join(&b)` and `b.join(&a)` differ only in [`cluster_id`](Self::cluster_id)),
    /// and idempotent: `a.join(&a) == a`, and joining with an empty value changes nothing,
    /// for every value in canonical form. Two things are not: sets or build IDs whose
    /// timestamps tie, which the join puts in the order above; and two sets of one value
    /// that share a set ID (a build ID cleared and added again while its hash was still
    /// another set's demoted set ID), which the join puts in one set, as the server's merge
    /// does; set IDs out of sorted order, which a join that sees their set twice sorts (as
    /// the server's does); and list order that disagrees with timestamps, which the join
    /// sorts. Join results are always in canonical form. It costs O(n log n) in the number of build IDs
    /// and set IDs. The crate documentation lists where it differs from the server, and why.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, QueueDefault, Update, VersionSets};
    ///
    /// let id = |s: &str| BuildId::new(s);
    /// let mut base = VersionSets::new().with_cluster_id(1);
    /// base.apply(&Update::add_new_default(id("1.0")?), 1_000, Limits::NONE)?;
    ///
    /// // Two clusters change their copies independently.
    /// let mut here = base.clone();
    /// here.apply(&Update::add_new_compatible(id("1.1")?, id("1.0")?, QueueDefault::Keep), 2_000, Limits::NONE)?;
    /// let mut there = base.clone().with_cluster_id(2);
    /// there.apply(&Update::add_new_default(id("2.0")?), 3_000, Limits::NONE)?;
    ///
    /// let joined = here.join(&there);
    /// assert_eq!(joined.default_build_id().map(BuildId::as_str), Some("2.0"));
    /// assert_eq!(joined.set_default_of("1.0").map(BuildId::as_str), Some("1.1"));
    /// assert_eq!(joined.to_data(), there.join(&here).to_data());
    /// assert_eq!(joined.cluster_id(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn join(&self, other: &Self) -> Self {
        // Both sides read in place and each joined set loaded as it is made: neither side's
        // stored form nor the joined one is ever held whole (`docs/hostile-input.md`,
        // "Whole-queue steps"). The result is what loading `join_data` of both stored forms
        // makes, which `src/replication/join/tests.rs` holds it to.
        self.load_joined(other, |sets, emit| replication::join_sets(sets, emit))
            .0
    }

    /// Applies a replica received from another cluster, as the server does (its
    /// `ApplyTaskQueueUserDataReplicationEvent`):
    ///
    /// 1. every build ID active here and not active in `incoming` (absent or deleted there),
    ///    in sorted order, is checked with `has_workflows` ("does any workflow still use
    ///    this build ID?", the server's visibility query);
    /// 2. the two are [joined](Self::join);
    /// 3. each build ID still in use is revived: `ACTIVE`, its state stamped with the next
    ///    clock value after its joined stamp for wall time `now_ms`, with this cluster's ID,
    ///    its became-default timestamp kept; when its set's default is deleted, that default
    ///    is revived too, or the set would be left with the wrong default;
    /// 4. the tombstones are cleared.
    ///
    /// The result belongs to this cluster, and its clock is at least both clocks and every
    /// revived stamp. (DIVERGENCE: the server's clock does not move past the incoming
    /// timestamps, so a later local change can stamp earlier than replicated data.)
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Update, VersionSets};
    ///
    /// let id = |s: &str| BuildId::new(s);
    /// let mut here = VersionSets::new().with_cluster_id(1);
    /// here.apply(&Update::add_new_default(id("1.0")?), 1_000, Limits::NONE)?;
    /// here.apply(&Update::add_new_default(id("2.0")?), 2_000, Limits::NONE)?;
    /// // The other cluster's scavenger removed 1.0, but workflows here still run on it.
    /// let mut there = here.clone().with_cluster_id(2);
    /// there.remove_build_ids(&[id("1.0")?], 3_000);
    ///
    /// let received = here.receive(&there, 4_000, |build_id| build_id.as_str() == "1.0");
    /// assert_eq!(received.revived, [id("1.0")?]);
    /// assert!(received.state.record("1.0").is_some_and(|r| r.is_active()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn receive(
        &self,
        incoming: &Self,
        now_ms: i64,
        mut has_workflows: impl FnMut(&BuildId) -> bool,
    ) -> Received {
        let still_used: Vec<BuildId> = self
            .build_id_deltas(incoming)
            .removed
            .into_iter()
            .filter(|id| has_workflows(id))
            .collect();
        // As in `join`: both sides read in place, each received set loaded as it is made.
        let (mut state, revival) = self.load_joined(incoming, |sets, emit| {
            replication::receive_sets(sets, &still_used, now_ms, self.cluster_id, emit)
        });
        if let Some(newest) = revival.newest {
            state.raise_clock(newest);
        }
        Received {
            state,
            revived: revival.revived,
        }
    }

    /// The value loaded from the sets `make` hands over, one at a time, from the sets of
    /// both `self` and `other`, with `other`'s clock raised into it; and what `make` returns.
    /// Neither side's stored form nor the joined one is held whole: the loader is made at
    /// the first set, once `make` has built its maps, with room for the larger side (the
    /// join holds at least that, and often little more).
    fn load_joined<R>(
        &self,
        other: &Self,
        make: impl FnOnce(&[CompatibleSet<'_>], &mut dyn FnMut(VersionSetData)) -> R,
    ) -> (Self, R) {
        let sets: Vec<CompatibleSet<'_>> = self.sets().chain(other.sets()).collect();
        let members = |value: &Self| value.sets().map(|set| set.len()).sum::<usize>();
        let mut loader: Option<stored::Loader> = None;
        let made = make(&sets, &mut |set| {
            loader
                .get_or_insert_with(|| {
                    stored::Loader::with_capacity(
                        self.sets().len().max(other.sets().len()),
                        members(self).max(members(other)),
                    )
                })
                .add_set(&set);
        });
        drop(sets);
        let empty = loader.is_none();
        let loaded = loader
            .unwrap_or_else(|| stored::Loader::with_capacity(0, 0))
            .finish();
        let mut value = self.adopt(loaded, empty);
        value.raise_clock(other.clock);
        (value, made)
    }

    /// Records `build_id` so that its guessed set ID survives (Temporal's internal
    /// `PersistUnknownBuildId`, a replication helper).
    ///
    /// If the build ID is in a set, its hash [`SetId::for_build_id`](crate::SetId::for_build_id) joins that set's IDs
    /// when missing, appended at the end as the server does (so the list may no longer be
    /// sorted; the primary set ID stays the first). Otherwise a set of just that build ID is
    /// inserted as the **oldest** set, with all timestamps the zero clock of this value's
    /// cluster, so that any later join lets the real set win; while the clock is below zero,
    /// they are the new clock value instead, since zero would be later than the clock. A queue at its capacity
    /// (see [`Limits`](crate::Limits)) records nothing and answers [`Outcome::NoOp`].
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Update, VersionSets};
    ///
    /// let mut sets = VersionSets::new();
    /// sets.apply(&Update::add_new_default(BuildId::new("1")?), 5, Limits::NONE)?;
    /// sets.persist_unknown_build_id(&BuildId::new("early")?, 6);
    /// assert_eq!(sets.sets().next().map(|set| set.default_build_id().as_str()), Some("early"));
    /// assert_eq!(sets.default_build_id().map(BuildId::as_str), Some("1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn persist_unknown_build_id(&mut self, build_id: &BuildId, now_ms: i64) -> Outcome {
        let t = self.next_stamp(now_ms);
        let outcome = replication::persist_unknown_build_id(&mut self.core, build_id, t);
        if outcome == Outcome::Changed {
            self.raise_clock(t);
            debug_assert_eq!(self.validate(), Ok(()));
        }
        outcome
    }

    /// What became active and what stopped being active between `self` and `after` (the
    /// server's `GetBuildIdDeltas`, which it uses to enforce the per-build-ID task-queue
    /// limit).
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Update, VersionSets};
    ///
    /// let before = VersionSets::new();
    /// let mut after = before.clone();
    /// after.apply(&Update::add_new_default(BuildId::new("1.0")?), 1, Limits::NONE)?;
    /// assert_eq!(before.build_id_deltas(&after).added, [BuildId::new("1.0")?]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build_id_deltas(&self, after: &VersionSets) -> BuildIdDeltas {
        replication::build_id_deltas(&self.core, &after.core)
    }
}

/// Stored forms: Temporal's stored `VersioningData` and the public view.
impl VersionSets {
    /// Loads stored versioning data, checking every invariant.
    ///
    /// Set IDs keep their stored order, sorted or not: the first is the primary set ID, as
    /// on the server (servers 1.22–1.23 stored appended lists). The value's clock becomes the largest timestamp in the data, so that later updates stamp
    /// later than anything loaded, and its cluster is that timestamp's (see
    /// [`with_cluster_id`](Self::with_cluster_id) to load it as another cluster's replica).
    ///
    /// The data is checked and the value built in one pass, in time linear in the size of
    /// the data.
    ///
    /// # Errors
    /// [`InvalidData`] with every violation found, each with its proto-JSON path (e.g.
    /// `versionSets[1].buildIds[0].id`): the first [`InvalidData::MAX_LISTED`] listed in
    /// document order, the rest counted.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildIdData, BuildIdState, Hlc, VersionSetData, VersionSets, VersioningData};
    ///
    /// let t = Some(Hlc { wall_clock: 7, version: 0, cluster_id: 1 });
    /// let record = |id: &str| BuildIdData {
    ///     id: id.into(),
    ///     state: Some(BuildIdState::Active),
    ///     state_update_timestamp: t,
    ///     became_default_timestamp: t,
    /// };
    /// let set = VersionSetData {
    ///     set_ids: vec!["X-zrZv_IbzjZUnhsbWls".into()],
    ///     build_ids: vec![record("0"), record("0")],
    ///     became_default_timestamp: t,
    /// };
    /// let err = VersionSets::from_data(&VersioningData { version_sets: vec![set] }).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "versionSets[0].buildIds[1].id: build ID 0 also appears at versionSets[0].buildIds[0].id"
    /// );
    /// ```
    pub fn from_data(data: &VersioningData) -> Result<Self, InvalidData> {
        stored::load(data).map(Self::loaded)
    }

    /// The stored form of these sets.
    pub fn to_data(&self) -> VersioningData {
        stored::to_data(self.sets())
    }

    /// The public view (`ToBuildIdOrderingResponse`): oldest set first, tombstones hidden,
    /// and when `max_sets > 0` only the newest `max_sets` sets.
    ///
    /// As on the server, a set whose build IDs are all tombstones is still listed, empty,
    /// and counts towards `max_sets`.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, Limits, Update, VersionSets};
    ///
    /// let mut sets = VersionSets::new();
    /// for id in ["0", "1", "2"] {
    ///     sets.apply(&Update::add_new_default(BuildId::new(id)?), 1, Limits::NONE)?;
    /// }
    /// let newest: Vec<_> = sets.response(2).major_version_sets.into_iter()
    ///     .map(|set| set.build_ids.iter().map(|id| id.to_string()).collect::<Vec<_>>())
    ///     .collect();
    /// assert_eq!(newest, [["1"], ["2"]]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn response(&self, max_sets: usize) -> BuildIdCompatibility {
        stored::public_view(self.lookup(), max_sets)
    }

    /// Rebuilds sets from the public response (`GetWorkerBuildIdCompatibility`), which lists
    /// the live build IDs of each set and nothing more: each set, oldest first, is replayed
    /// as a new default set of its first build ID and compatible additions of the others.
    /// The timestamps and set IDs are made up and deleted build IDs are missing, as the
    /// returned [`Provenance`](crate::Provenance) says; a set with no build IDs (all
    /// deleted) is left out, with a [`Note`](crate::Note).
    ///
    /// # Errors
    /// [`InvalidData`] listing each build ID that appears a second time, at
    /// `majorVersionSets[i].buildIds[j]`, naming its first place.
    ///
    /// # Example
    /// ```
    /// use version_sets::{BuildId, BuildIdCompatibility, MajorVersionSet, VersionSets};
    ///
    /// let set = |ids: &[&str]| -> Result<MajorVersionSet, version_sets::BuildIdError> {
    ///     Ok(MajorVersionSet { build_ids: ids.iter().map(|id| BuildId::new(id)).collect::<Result<_, _>>()? })
    /// };
    /// let response = BuildIdCompatibility { major_version_sets: vec![set(&["1.0", "1.1"])?, set(&["2.0"])?] };
    /// let rebuilt = VersionSets::from_response(&response)?;
    /// assert_eq!(rebuilt.sets.response(0), response);
    ///
    /// let repeated = BuildIdCompatibility { major_version_sets: vec![set(&["1.0"])?, set(&["1.0"])?] };
    /// assert_eq!(
    ///     VersionSets::from_response(&repeated).unwrap_err().to_string(),
    ///     "majorVersionSets[1].buildIds[0]: build ID 1.0 also appears at majorVersionSets[0].buildIds[0]"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_response(response: &BuildIdCompatibility) -> Result<Rebuilt, InvalidData> {
        stored::response_sets(response).rebuild()
    }

    /// Rebuilds sets from what `temporal task-queue get-build-ids -o json` prints, as
    /// [`VersionSets::from_response`] does from the response, once each set's
    /// `isDefaultSet` and `defaultForSet` are checked against the listing's order.
    ///
    /// # Errors
    /// [`InvalidData`] listing, set by set, an `isDefaultSet` that is true for a set other
    /// than the last or false for the last, a `defaultForSet` that is not the last of the
    /// set's build IDs, then each build ID that appears a second time (at `[i].buildIds[j]`,
    /// naming its first place).
    ///
    /// # Example
    /// Reading a listing with the `serde` feature, then doing what the `version-sets`
    /// command's `check`, `show`, `poll`, `resolve` and `update` do:
    /// ```
    /// # #[cfg(feature = "serde")]
    /// # {
    /// use version_sets::{
    ///     BuildId, CheckedListing, Limits, ListedSet, Outcome, Target, TargetQueue, Update,
    ///     VersionSets, VersioningIntent,
    /// };
    ///
    /// let printed = r#"[
    ///     {"buildIds": ["1.0", "1.1"], "defaultForSet": "1.1", "isDefaultSet": false},
    ///     {"buildIds": ["2.0"], "defaultForSet": "2.0", "isDefaultSet": true}
    /// ]"#;
    ///
    /// // check: every violation, without building the sets.
    /// let CheckedListing(listing) = serde_json::from_str(printed)?;
    /// assert!(listing.invalid().is_none());
    /// assert_eq!((listing.set_count(), listing.build_id_count()), (2, 3));
    ///
    /// // The sets, and what in them is made up.
    /// let rebuilt = listing.rebuild()?;
    /// assert!(rebuilt.provenance.timestamps_reconstructed());
    /// let mut sets = rebuilt.sets;
    ///
    /// // show: the sets, oldest first, and the queue's default.
    /// let shown: Vec<Vec<&str>> = sets.sets()
    ///     .map(|set| set.build_ids().map(|record| record.id().as_str()).collect())
    ///     .collect();
    /// assert_eq!(shown, [vec!["1.0", "1.1"], vec!["2.0"]]);
    /// assert_eq!(sets.default_build_id().map(BuildId::as_str), Some("2.0"));
    ///
    /// // poll: a worker on 1.0 is told that 1.1 is newer.
    /// assert!(sets.poll("1.0").is_err());
    ///
    /// // resolve: new work for a workflow on 1.0 goes to its set's default.
    /// let resolved = sets.resolve(VersioningIntent::Compatible, Some("1.0"), TargetQueue::Same);
    /// assert_eq!(resolved.target(), &Target::SetDefault(BuildId::new("1.1")?));
    ///
    /// // update: add a build ID, then print the listing's sets again.
    /// let now = sets.clock().wall_clock + 1;
    /// let outcome = sets.apply(&Update::add_new_default(BuildId::new("3.0")?), now, Limits::SERVER_DEFAULT)?;
    /// assert_eq!(outcome, Outcome::Changed);
    /// assert_eq!(sets.set_count(), 3);
    ///
    /// // The same listing as plain data, built by a program rather than read.
    /// let plain: Vec<ListedSet> = serde_json::from_str(printed)?;
    /// assert_eq!(VersionSets::from_listing(&plain)?.sets.set_count(), 2);
    ///
    /// // A listing that contradicts itself is refused, every violation listed.
    /// let broken = r#"[{"buildIds": ["1.0"], "defaultForSet": "1.1", "isDefaultSet": false}]"#;
    /// let CheckedListing(listing) = serde_json::from_str(broken)?;
    /// let violations: Vec<String> = listing.invalid().unwrap().violations().iter().map(|v| v.to_string()).collect();
    /// assert_eq!(violations, [
    ///     "[0].isDefaultSet: is false, but the last set is the queue's default set",
    ///     "[0].defaultForSet: is \"1.1\", but the set's default (the last of buildIds) is \"1.0\"",
    /// ]);
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_listing(listing: &[ListedSet]) -> Result<Rebuilt, InvalidData> {
        stored::listing_sets(listing).rebuild()
    }
}

/// The clock: only these write it.
impl VersionSets {
    /// The stamp the next change at wall time `now_ms` would get, with this value's cluster.
    fn next_stamp(&self, now_ms: i64) -> Hlc {
        Hlc {
            cluster_id: self.cluster_id,
            ..self.clock.next(now_ms)
        }
    }

    /// Stamps a change at wall time `now_ms`: the stamp becomes the clock.
    pub(crate) fn stamp(&mut self, now_ms: i64) -> Hlc {
        self.clock = self.next_stamp(now_ms);
        self.clock
    }

    /// Moves the clock up to `at_least` (never down), so that later changes stamp later than
    /// anything joined in.
    pub(crate) fn raise_clock(&mut self, at_least: Hlc) {
        self.clock = self.clock.max(at_least);
    }

    /// Sets the clock to anything, even behind the data: for the invariant checker's tests.
    #[cfg(test)]
    pub(crate) fn set_clock_for_tests(&mut self, clock: Hlc) {
        self.clock = clock;
    }

    /// The value the loader built: its core, with its clock (the largest stamp loaded).
    fn loaded(Loaded { core, clock, .. }: Loaded) -> Self {
        Self {
            core,
            clock,
            cluster_id: clock.cluster_id,
        }
    }

    /// Loads data that a join (or a revival) built from valid values, as this cluster's
    /// replica, its clock at least this value's.
    ///
    /// Such data always loads: every set has set IDs and build IDs, every record its state
    /// and timestamps, no build ID is in two sets, and both lists are sorted by timestamp.
    /// Should it ever not, this value is kept unchanged rather than a broken value made
    /// (and debug builds stop).
    ///
    /// `loaded` is what loading the data made, `empty` whether the data has no sets.
    pub(crate) fn adopt(&self, loaded: Result<Loaded, InvalidData>, empty: bool) -> Self {
        match loaded.map(Self::loaded) {
            // Empty data loads with the zero clock, which below zero is later than both
            // clocks: the join's clock is then this value's alone.
            Ok(value) if empty => Self {
                clock: self.clock,
                ..value.with_cluster_id(self.cluster_id)
            },
            Ok(value) => {
                let mut value = value.with_cluster_id(self.cluster_id);
                value.raise_clock(self.clock);
                value
            }
            Err(error) => {
                debug_assert!(false, "joined data does not load: {error}");
                self.clone()
            }
        }
    }
}

//! The versioning data of one task queue: its read model, clock and cluster.

use std::fmt;

use crate::core::Core;
use crate::set::Sets;
use crate::{BuildId, BuildIdRecord, CompatibleSet, Hlc};

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
/// timestamp order disagree.
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
    pub(crate) clock: Hlc,
    /// The cluster that stamps this value's changes.
    pub(crate) cluster_id: i64,
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

    /// The cluster whose ID stamps this value's changes.
    pub fn cluster_id(&self) -> i64 {
        self.cluster_id
    }

    /// The stamp the next change at wall time `now_ms` would get, with this value's cluster.
    pub(crate) fn next_stamp(&self, now_ms: i64) -> Hlc {
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
    /// anything merged in.
    pub(crate) fn raise_clock(&mut self, at_least: Hlc) {
        self.clock = self.clock.max(at_least);
    }

    /// The clock: at least every timestamp in the data; the next change is stamped later.
    pub fn clock(&self) -> Hlc {
        self.clock
    }

    /// The sets, oldest first; the last is the queue's default set.
    pub fn sets(&self) -> Sets<'_> {
        Sets::new(&self.core)
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
        self.core.set_count() == 0
    }

    /// The queue's default set: the last one.
    pub fn default_set(&self) -> Option<CompatibleSet<'_>> {
        let (_, newest) = self.core.ends()?;
        Some(CompatibleSet::new(&self.core, newest))
    }

    /// The queue's default build ID: the default of the default set. New workflows go here.
    pub fn default_build_id(&self) -> Option<&BuildId> {
        self.default_set().map(|set| set.default_build_id())
    }

    /// Whether `id` is in some set (tombstones included).
    pub fn contains(&self, id: impl AsRef<str>) -> bool {
        self.core.find(id.as_ref()).is_some()
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
    pub fn set_of(&self, id: impl AsRef<str>) -> Option<CompatibleSet<'_>> {
        let (_, member) = self.core.find(id.as_ref())?;
        Some(CompatibleSet::new(&self.core, member.set()))
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
    pub fn record(&self, id: impl AsRef<str>) -> Option<BuildIdRecord<'_>> {
        let (key, _) = self.core.find(id.as_ref())?;
        let (id, member) = self.core.member(key);
        Some(BuildIdRecord::new(id, member))
    }

    /// The default of the set holding `id`: where work compatible with `id` goes.
    pub fn set_default_of(&self, id: impl AsRef<str>) -> Option<&BuildId> {
        self.set_of(id).map(|set| set.default_build_id())
    }

    /// Whether `id` is the default of its set.
    pub fn is_set_default(&self, id: impl AsRef<str>) -> bool {
        self.set_default_handle(id.as_ref())
            .is_some_and(|(_, is_default)| is_default)
    }

    /// The set of `id` and whether `id` is its default, comparing handles rather than
    /// strings: the dispatch lookups' one hash probe.
    pub(crate) fn set_default_handle(&self, id: &str) -> Option<(CompatibleSet<'_>, bool)> {
        let (key, member) = self.core.find(id)?;
        let set = CompatibleSet::new(&self.core, member.set());
        Some((set, set.default_key() == key))
    }

    /// Whether `id` is the queue's default build ID.
    pub fn is_queue_default(&self, id: impl AsRef<str>) -> bool {
        self.default_build_id()
            .is_some_and(|default| default.as_str() == id.as_ref())
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
        self.sets().flat_map(|set| {
            let defaults = set.len().saturating_sub(1);
            set.build_ids().take(defaults)
        })
    }
}

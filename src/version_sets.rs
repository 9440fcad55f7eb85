//! The versioning data of one task queue, its lookup index and its read model.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::BuildHasherDefault;

use crate::{BuildId, BuildIdRecord, CompatibleSet, Hlc};

/// A fixed-key hasher: the library holds no randomness, and the index is never iterated, so
/// its order cannot leak into results either way.
type FixedState = BuildHasherDefault<DefaultHasher>;

/// Where a build ID sits: the set's position in the list, and its position in the set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Location {
    pub(crate) set: usize,
    pub(crate) member: usize,
}

/// The build-ID versioning data of one task queue: an ordered list of compatible sets, the
/// last of which is the queue's default.
///
/// Change it with [`apply`](Self::apply) (and, for garbage collection,
/// [`remove_build_ids`](Self::remove_build_ids) and
/// [`clear_tombstones`](Self::clear_tombstones)); read it with the methods below. Every
/// lookup by build ID goes through an index kept beside the sets, so it costs O(1) however
/// many sets and build IDs the queue holds.
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
#[derive(Debug, Clone, Default)]
pub struct VersionSets {
    pub(crate) sets: Vec<CompatibleSet>,
    pub(crate) index: HashMap<BuildId, Location, FixedState>,
    pub(crate) clock: Hlc,
    /// The cluster that stamps this value's changes.
    pub(crate) cluster_id: i64,
}

// The index is derived from the sets, so equality is that of the sets and the clock.
impl PartialEq for VersionSets {
    fn eq(&self, other: &Self) -> bool {
        self.sets == other.sets && self.clock == other.clock && self.cluster_id == other.cluster_id
    }
}

impl Eq for VersionSets {}

impl VersionSets {
    /// An empty task queue (no sets) whose clock starts at zero on cluster 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty task queue whose clock starts at `clock`: the cluster ID of every stamp is
    /// `clock.cluster_id`, and every stamp is later than `clock`.
    pub fn starting_at(clock: Hlc) -> Self {
        Self {
            clock,
            cluster_id: clock.cluster_id,
            ..Self::default()
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
    #[allow(dead_code)] // used by the replica merge
    pub(crate) fn raise_clock(&mut self, at_least: Hlc) {
        self.clock = self.clock.max(at_least);
    }

    pub(crate) fn from_sets(sets: Vec<CompatibleSet>, clock: Hlc) -> Self {
        let mut value = Self {
            sets,
            index: HashMap::default(),
            clock,
            cluster_id: clock.cluster_id,
        };
        value.reindex_from(0);
        value
    }

    /// Rebuilds the index entries of the sets from position `start` on (after a set moved or
    /// members were reordered there).
    ///
    /// Entries are overwritten, never removed: callers that drop build IDs start at 0, which
    /// clears the index first.
    pub(crate) fn reindex_from(&mut self, start: usize) {
        if start == 0 {
            self.index.clear();
        }
        for set in start..self.sets.len() {
            self.reindex_set(set);
        }
    }

    /// Rebuilds the index entries of the members of the set at `set`.
    pub(crate) fn reindex_set(&mut self, set: usize) {
        let Some(compatible) = self.sets.get(set) else {
            return;
        };
        for (member, record) in compatible.build_ids.iter().enumerate() {
            self.index
                .insert(record.id.clone(), Location { set, member });
        }
    }

    pub(crate) fn locate(&self, id: impl AsRef<str>) -> Option<Location> {
        self.index.get(id.as_ref()).copied()
    }

    /// The clock: at least every timestamp in the data; the next change is stamped later.
    pub fn clock(&self) -> Hlc {
        self.clock
    }

    /// The sets, oldest first; the last is the queue's default set.
    pub fn sets(&self) -> &[CompatibleSet] {
        &self.sets
    }

    /// The number of sets.
    pub fn set_count(&self) -> usize {
        self.sets.len()
    }

    /// The number of build IDs, tombstones included (as the limits count them).
    pub fn build_id_count(&self) -> usize {
        self.index.len()
    }

    /// Whether the queue has no sets (it is unversioned).
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// The queue's default set: the last one.
    pub fn default_set(&self) -> Option<&CompatibleSet> {
        self.sets.last()
    }

    /// The queue's default build ID: the default of the default set. New workflows go here.
    pub fn default_build_id(&self) -> Option<&BuildId> {
        self.default_set().map(CompatibleSet::default_build_id)
    }

    /// Whether `id` is in some set (tombstones included).
    pub fn contains(&self, id: impl AsRef<str>) -> bool {
        self.index.contains_key(id.as_ref())
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
    pub fn set_of(&self, id: impl AsRef<str>) -> Option<&CompatibleSet> {
        self.sets.get(self.locate(id)?.set)
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
    pub fn record(&self, id: impl AsRef<str>) -> Option<&BuildIdRecord> {
        let at = self.locate(id)?;
        self.sets.get(at.set)?.build_ids.get(at.member)
    }

    /// The default of the set holding `id`: where work compatible with `id` goes.
    pub fn set_default_of(&self, id: impl AsRef<str>) -> Option<&BuildId> {
        self.set_of(id).map(CompatibleSet::default_build_id)
    }

    /// Whether `id` is the default of its set.
    pub fn is_set_default(&self, id: impl AsRef<str>) -> bool {
        self.set_of(id.as_ref())
            .is_some_and(|set| set.default_build_id().as_str() == id.as_ref())
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
    pub fn non_default_members(&self) -> impl Iterator<Item = &BuildIdRecord> {
        self.sets.iter().flat_map(|set| {
            let defaults = set.len().saturating_sub(1);
            set.build_ids().take(defaults)
        })
    }
}

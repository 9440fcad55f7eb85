//! Loading stored data into a core in one pass, and writing sets back as stored data.

use crate::clock::{ListOrder, Placed};
use crate::core::{Builder, Core, MAX_BUILD_IDS, Record, SetKey};
use crate::hash_key::HashKey;
use crate::non_empty::NonEmpty;
use crate::set::Sets;
use crate::{BuildId, BuildIdData, BuildIdState, Hlc, SetId, VersionSetData};
use crate::{InvalidData, Note, Problem, VersioningData, Violation};

/// What loading valid stored data built: the core that holds it, and the clock it needs (its
/// largest timestamp). The facade makes it a [`VersionSets`](crate::VersionSets).
#[derive(Debug)]
pub(crate) struct Loaded {
    pub(crate) core: Core,
    pub(crate) clock: Hlc,
    /// What the caller may pass on: list order that disagrees with timestamps across
    /// clusters (`model.list-order`). Passed on by the JSON readers, which the `serde`
    /// feature builds.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) notes: Vec<Note>,
}

/// Loads stored versioning data, checking every invariant, in one pass: see
/// [`VersionSets::from_data`](crate::VersionSets::from_data).
pub(crate) fn load(data: &VersioningData) -> Result<Loaded, InvalidData> {
    let members = data
        .version_sets
        .iter()
        .map(|set| set.build_ids.len())
        .sum();
    let mut loader = Loader::with_capacity(data.version_sets.len(), members);
    for set in &data.version_sets {
        loader.add_set(set);
    }
    loader.finish()
}

/// The stored form of `sets`.
pub(crate) fn to_data(sets: Sets<'_>) -> VersioningData {
    VersioningData {
        version_sets: sets
            .map(|set| VersionSetData {
                set_ids: set.set_ids().map(|id| id.as_str().to_owned()).collect(),
                build_ids: set
                    .build_ids()
                    .map(|record| BuildIdData {
                        id: record.id().as_str().to_owned(),
                        state: Some(record.state()),
                        state_update_timestamp: Some(record.state_update_timestamp()),
                        became_default_timestamp: Some(record.became_default_timestamp()),
                    })
                    .collect(),
                became_default_timestamp: Some(set.became_default_timestamp()),
            })
            .collect(),
    }
}

/// The state of one pass over stored data: the value being built and what is wrong so far.
/// Once anything is wrong the value is thrown away, but building goes on (with stand-in
/// values) so that repeated build IDs are still found through the index. Sets are added one
/// at a time, so that a reader can hand each over as soon as it is read (`streamed.rs`).
pub(crate) struct Loader {
    builder: Builder,
    /// Where each build ID pushed so far stands, by its position in the index, for naming a
    /// repeat's first occurrence.
    positions: Vec<(usize, usize)>,
    violations: Vec<Violation>,
    /// Violations found past the [`InvalidData::MAX_LISTED`] kept.
    unlisted: usize,
    /// The most build IDs a core may hold: [`MAX_BUILD_IDS`], or less in the crate's tests.
    capacity: usize,
    clock: Option<Hlc>,
    /// The sets' stamps in list order, and the current set's build IDs'.
    set_order: ListOrder,
    member_order: ListOrder,
    /// The first place listed before a later stamp of another cluster, and how many there
    /// are: loaded, and noted.
    disorder: Option<(String, usize)>,
    /// How many sets and build IDs were added, loaded or not.
    sets: usize,
    build_ids: usize,
}

impl Loader {
    /// A loader with room for `sets` sets and `members` build IDs (none when that is more
    /// than a core can hold: such data is refused, not built).
    pub(crate) fn with_capacity(sets: usize, members: usize) -> Self {
        let (sets, members) = if members > MAX_BUILD_IDS {
            (0, 0)
        } else {
            (sets, members)
        };
        Self {
            builder: Builder::with_capacity(sets, members, HashKey::random()),
            positions: Vec::with_capacity(members),
            violations: Vec::new(),
            unlisted: 0,
            capacity: MAX_BUILD_IDS,
            clock: None,
            set_order: ListOrder::default(),
            member_order: ListOrder::default(),
            disorder: None,
            sets: 0,
            build_ids: 0,
        }
    }

    /// A loader for data of unknown size, which grows as sets are added.
    #[cfg(feature = "serde")]
    pub(super) fn streaming() -> Self {
        Self::with_capacity(0, 0)
    }

    /// Checks and loads the next set. Past the core's capacity nothing more is loaded, only
    /// counted: [`Loader::finish`] then reports that alone.
    pub(crate) fn add_set(&mut self, set: &VersionSetData) {
        if let Some(i) = self.next_set(set) {
            self.load_set(i, set, set.set_ids.iter().collect());
        }
    }

    /// As [`Loader::add_set`], for a set the caller no longer needs: each of its set IDs is
    /// dropped as soon as it is converted, so that a set of very many set IDs is not held
    /// twice over.
    #[cfg(feature = "serde")]
    pub(super) fn add_owned_set(&mut self, mut set: VersionSetData) {
        if let Some(i) = self.next_set(&set) {
            let set_ids = std::mem::take(&mut set.set_ids);
            self.load_set(i, &set, set_ids);
        }
    }

    /// Counts the next set, and gives its index when it is to be loaded: past the core's
    /// capacity nothing more is loaded, only counted, and [`Loader::finish`] reports that
    /// alone.
    fn next_set(&mut self, set: &VersionSetData) -> Option<usize> {
        let i = self.sets;
        self.sets += 1;
        self.build_ids = self.build_ids.saturating_add(set.build_ids.len());
        (self.build_ids <= self.capacity).then_some(i)
    }

    fn report(&mut self, path: String, problem: Problem) {
        if self.violations.len() < InvalidData::MAX_LISTED {
            self.violations.push(Violation::new(path, problem));
        } else {
            self.unlisted += 1;
        }
    }

    /// Counts a place listed before a later stamp of another cluster (the first by path).
    fn disordered(&mut self, path: String) {
        match &mut self.disorder {
            Some((_, count)) => *count += 1,
            None => self.disorder = Some((path, 1)),
        }
    }

    /// A present timestamp, which the clock must reach; a missing one is reported.
    fn stamp(&mut self, stamp: Option<Hlc>, path: impl FnOnce() -> String) -> Option<Hlc> {
        match stamp {
            Some(stamp) => {
                self.clock = self.clock.max(Some(stamp));
                Some(stamp)
            }
            None => {
                self.report(path(), Problem::MissingTimestamp);
                None
            }
        }
    }

    /// Checks and loads set `i`, whose set IDs are `set_ids` (in stored order).
    fn load_set<S: AsRef<str> + Ord>(&mut self, i: usize, set: &VersionSetData, set_ids: Vec<S>) {
        let at = |field: &str| format!("versionSets[{i}].{field}");
        // Moved into the core with the set's first build ID, not copied: a set of many
        // IDs would otherwise be held twice while it loads.
        let mut set_ids = Some(self.set_ids(i, set_ids));
        if set.build_ids.is_empty() {
            self.report(at("buildIds"), Problem::NoBuildIds);
        }
        let stamp = self.stamp(set.became_default_timestamp, || {
            at("becameDefaultTimestamp")
        });
        if let Some(stamp) = stamp {
            match self.set_order.place(stamp) {
                Placed::InOrder => {}
                Placed::AcrossClusters { .. } => self.disordered(at("becameDefaultTimestamp")),
                Placed::SameCluster { before } => self.report(
                    at("becameDefaultTimestamp"),
                    Problem::SetOutOfOrder { stamp, before },
                ),
            }
        }
        self.member_order.clear();

        let mut key: Option<SetKey> = None;
        for (j, record) in set.build_ids.iter().enumerate() {
            let at = |field: &str| format!("versionSets[{i}].buildIds[{j}].{field}");
            let id = match BuildId::new(&record.id) {
                Ok(id) => Some(id),
                Err(error) => {
                    self.report(at("id"), Problem::InvalidBuildId(error));
                    None
                }
            };
            // Pushed before the other fields are checked, so that a repeat is reported
            // first, in document order.
            if let Some(id) = id {
                let stand_in = Record {
                    state: record.state.unwrap_or(BuildIdState::Active),
                    state_update_timestamp: record.state_update_timestamp.unwrap_or_default(),
                    became_default_timestamp: record.became_default_timestamp.unwrap_or_default(),
                };
                self.push(&mut key, &mut set_ids, stamp, id, stand_in, (i, j));
            }
            if record.state.is_none() {
                self.report(at("state"), Problem::UnspecifiedState);
            }
            self.stamp(record.state_update_timestamp, || at("stateUpdateTimestamp"));
            if let Some(stamp) = self.stamp(record.became_default_timestamp, || {
                at("becameDefaultTimestamp")
            }) {
                match self.member_order.place(stamp) {
                    Placed::InOrder => {}
                    Placed::AcrossClusters { .. } => {
                        self.disordered(at("becameDefaultTimestamp"));
                    }
                    Placed::SameCluster { before } => self.report(
                        at("becameDefaultTimestamp"),
                        Problem::BuildIdOutOfOrder { stamp, before },
                    ),
                }
            }
        }
    }

    /// The set's IDs, in stored order (the server routes by the first, sorted or not);
    /// problems are reported, and a stand-in keeps the pass going. A repeat is found by
    /// sorting references when the list is not sorted already (the common case costs one
    /// pass).
    fn set_ids<S: AsRef<str> + Ord>(&mut self, i: usize, ids: Vec<S>) -> NonEmpty<SetId> {
        let at = |field: &str| format!("versionSets[{i}].{field}");
        for (k, id) in ids.iter().enumerate() {
            if id.as_ref().is_empty() {
                self.report(at(&format!("setIds[{k}]")), Problem::EmptySetId);
            }
        }
        let ascending = ids.windows(2).all(|pair| matches!(pair, [a, b] if a < b));
        let mut ids = ids;
        if !ascending {
            let mut sorted: Vec<&S> = ids.iter().collect();
            sorted.sort_unstable();
            let count = sorted.len();
            sorted.dedup();
            if sorted.len() != count {
                self.report(at("setIds"), Problem::DuplicateSetId);
                // The stand-in: sorted and distinct, so that the pass can go on.
                ids.sort_unstable();
                ids.dedup();
            }
        }
        // Byte order, as `SetId`s sort: a sorted list stays sorted once converted.
        let converted = ids.into_iter().map(SetId::from_stored).collect();
        match NonEmpty::from_vec(converted) {
            None => {
                self.report(at("setIds"), Problem::NoSetIds);
                NonEmpty::one(SetId::from_stored(""))
            }
            Some(list) => list,
        }
    }

    fn push(
        &mut self,
        key: &mut Option<SetKey>,
        set_ids: &mut Option<NonEmpty<SetId>>,
        stamp: Option<Hlc>,
        id: BuildId,
        record: Record,
        position: (usize, usize),
    ) {
        let pushed = match *key {
            Some(set) => self.builder.push_member(set, id.clone(), record),
            // Taken at the first try: when that fails (a repeated build ID), the data is
            // invalid, and a later member that opens the set instead gets a stand-in, as
            // the load only goes on to report more.
            None => self
                .builder
                .push_set(
                    set_ids
                        .take()
                        .unwrap_or_else(|| NonEmpty::one(SetId::from_stored(""))),
                    stamp.unwrap_or_default(),
                    id.clone(),
                    record,
                )
                .map(|set| *key = Some(set)),
        };
        match pushed {
            Ok(()) => self.positions.push(position),
            Err(first) => {
                let first = match self.positions.get(first.index()) {
                    Some((i, j)) => format!("versionSets[{i}].buildIds[{j}].id"),
                    None => unreachable!("version-sets bug: a build ID pushed without its place"),
                };
                let (i, j) = position;
                self.report(
                    format!("versionSets[{i}].buildIds[{j}].id"),
                    Problem::DuplicateBuildId {
                        build_id: id.as_str().to_owned(),
                        first,
                    },
                );
            }
        }
    }

    /// The core and clock built, or what is wrong with the data: its size alone when it holds
    /// more build IDs than a core can, else every violation.
    pub(crate) fn finish(self) -> Result<Loaded, InvalidData> {
        if self.build_ids > self.capacity {
            let problem = Problem::TooManyBuildIds {
                count: self.build_ids,
                max: self.capacity,
            };
            return Err(InvalidData::new(
                vec![Violation::new("versionSets".to_owned(), problem)],
                0,
            ));
        }
        if !self.violations.is_empty() {
            return Err(InvalidData::new(self.violations, self.unlisted));
        }
        let mut builder = self.builder;
        let mut notes = Vec::new();
        if let Some((path, count)) = self.disorder {
            builder.mark_out_of_timestamp_order();
            notes.push(Note::OutOfTimestampOrder { path, count });
        }
        Ok(Loaded {
            core: builder.finish(),
            clock: self.clock.unwrap_or_default(),
            notes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Loaded, Loader};
    use crate::{BuildIdData, BuildIdState, Hlc, InvalidData, Problem, VersionSetData};
    use crate::{VersioningData, Violation};

    /// Loads `data` into a core that holds at most 64 build IDs.
    fn load_64(data: &VersioningData) -> Result<Loaded, InvalidData> {
        let mut loader = Loader::with_capacity(0, 0);
        loader.capacity = 64;
        for set in &data.version_sets {
            loader.add_set(set);
        }
        loader.finish()
    }

    #[test]
    fn data_past_the_capacity_is_refused_whole() {
        let t = Some(Hlc::zero(1));
        let set = |i: usize| VersionSetData {
            set_ids: vec![format!("s{i}")],
            build_ids: vec![BuildIdData {
                id: i.to_string(),
                state: Some(BuildIdState::Active),
                state_update_timestamp: t,
                became_default_timestamp: t,
            }],
            became_default_timestamp: t,
        };
        let data = |n| VersioningData {
            version_sets: (0..n).map(set).collect(),
        };
        assert!(load_64(&data(64)).is_ok());
        let err = load_64(&data(65)).unwrap_err();
        let problem = Problem::TooManyBuildIds { count: 65, max: 64 };
        assert_eq!(
            err.violations(),
            [Violation::new("versionSets".into(), problem)]
        );
        assert_eq!(
            err.to_string(),
            "versionSets: 65 build IDs, more than the 64 a queue can hold"
        );
    }
}

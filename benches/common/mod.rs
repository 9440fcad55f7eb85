//! What the bench binaries share: the sizes and shapes the README's performance targets name, the stored data of each
//! fixture (the crate and the baseline load the same data), the build IDs the benchmarks aim
//! at, and the few call sites that the core rewrite changes.
//!
//! Fixtures are built through `VersionSets::from_data` rather than through `apply`, so that a
//! 100,000-member set costs O(n) to set up whatever the core's cost per add.

// Each bench binary includes this module and uses a different part of it.
#![allow(dead_code)]

use std::time::Duration;

use criterion::{BatchSize, Criterion};
use version_sets::{BuildId, BuildIdData, BuildIdState, DispatchQueue, Hlc, SetId};
use version_sets::{
    Resolution, TargetQueue, VersionSetData, VersionSets, VersioningData, VersioningIntent,
};

use crate::baseline::Baseline;

/// The numbers of build IDs every benchmark runs at.
pub(crate) const SIZES: [usize; 5] = [10, 100, 1_000, 10_000, 100_000];

/// The wall time updates are applied at: later than every stamp of every fixture.
pub(crate) const NOW_MS: i64 = 1_000_000_000_000;

/// How the build IDs of a fixture are grouped into sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Sets of ten build IDs (the last set may be shorter).
    SetsOf10,
    /// One set holding every build ID.
    OneSet,
    /// One set per build ID.
    Singletons,
}

impl Shape {
    /// Every shape, in the order the table lists them.
    pub(crate) const ALL: [Self; 3] = [Self::SetsOf10, Self::OneSet, Self::Singletons];

    /// The name in benchmark IDs and in the table.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::SetsOf10 => "sets-of-10",
            Self::OneSet => "one-set",
            Self::Singletons => "singletons",
        }
    }

    fn members_per_set(self, size: usize) -> usize {
        match self {
            Self::SetsOf10 => 10,
            Self::OneSet => size.max(1),
            Self::Singletons => 1,
        }
    }
}

/// A task queue of `size` build IDs in the given shape, as stored data, with its build IDs
/// grouped by set (oldest set first, oldest member first).
pub(crate) struct Fixture {
    pub(crate) shape: Shape,
    pub(crate) size: usize,
    pub(crate) data: VersioningData,
    pub(crate) sets: Vec<Vec<BuildId>>,
}

impl Fixture {
    /// Every record is stamped one millisecond after the one before it, in list order, so the
    /// data agrees with its timestamps as loading requires.
    pub(crate) fn new(shape: Shape, size: usize) -> Self {
        let ids: Vec<BuildId> = (0..size).map(build_id).collect();
        let sets: Vec<Vec<BuildId>> = ids
            .chunks(shape.members_per_set(size))
            .map(<[BuildId]>::to_vec)
            .collect();
        let mut tick = 0;
        let version_sets = sets
            .iter()
            .map(|members| {
                let build_ids: Vec<BuildIdData> = members
                    .iter()
                    .map(|id| {
                        tick += 1;
                        BuildIdData {
                            id: id.as_str().to_owned(),
                            state: Some(BuildIdState::Active),
                            state_update_timestamp: Some(stamp(tick)),
                            became_default_timestamp: Some(stamp(tick)),
                        }
                    })
                    .collect();
                VersionSetData {
                    set_ids: vec![SetId::for_build_id(&members[0]).as_str().to_owned()],
                    build_ids,
                    became_default_timestamp: Some(stamp(tick)),
                }
            })
            .collect();
        Self {
            shape,
            size,
            data: VersioningData { version_sets },
            sets,
        }
    }

    /// Every fixture: each shape at each size.
    pub(crate) fn all() -> impl Iterator<Item = Self> {
        Shape::ALL
            .into_iter()
            .flat_map(|shape| SIZES.into_iter().map(move |size| Self::new(shape, size)))
    }

    /// `shape/size`, the parameter part of every benchmark ID.
    pub(crate) fn label(&self) -> String {
        format!("{}/{}", self.shape.name(), self.size)
    }

    /// The crate's value for this data.
    pub(crate) fn state(&self) -> VersionSets {
        VersionSets::from_data(&self.data).expect("fixture data is valid")
    }

    /// The baseline's value for the same data.
    pub(crate) fn baseline(&self) -> Baseline {
        Baseline::from_data(&self.data)
    }

    /// The members of the oldest set.
    pub(crate) fn oldest(&self) -> &[BuildId] {
        &self.sets[0]
    }

    /// The members of the set `back` places before the newest (`0` is the newest, the queue's
    /// default set).
    pub(crate) fn newest(&self, back: usize) -> &[BuildId] {
        &self.sets[self.sets.len() - 1 - back]
    }

    /// The build ID in the middle of the queue (number `size / 2`): what a linear scan finds
    /// after looking at half of the data. Not its set's default, except in singletons.
    pub(crate) fn middle_id(&self) -> &BuildId {
        self.id(self.size / 2)
    }

    /// The queue's default build ID.
    pub(crate) fn queue_default(&self) -> &BuildId {
        self.newest(0).last().expect("sets are not empty")
    }

    /// Build ID number `i` of the fixture (every fixture uses the same first IDs).
    pub(crate) fn id(&self, i: usize) -> &BuildId {
        let per_set = self.sets[0].len();
        &self.sets[i / per_set][i % per_set]
    }
}

/// The `i`-th build ID of a fixture: 15 bytes, the average length of real build IDs.
pub(crate) fn build_id(i: usize) -> BuildId {
    BuildId::new(format!("build-{i:09}")).expect("a valid build ID")
}

/// A build ID that no fixture holds, for adds.
pub(crate) fn fresh_id(i: usize) -> BuildId {
    BuildId::new(format!("fresh-{i:09}")).expect("a valid build ID")
}

/// A build ID that no fixture holds, for lookups that miss.
pub(crate) fn unknown_id() -> BuildId {
    BuildId::new("unknown-000000").expect("a valid build ID")
}

fn stamp(tick: i64) -> Hlc {
    Hlc {
        wall_clock: tick,
        version: 0,
        cluster_id: 1,
    }
}

/// The measurement settings of every timing bench. Short, because the machine is shared and
/// a full run covers hundreds of benchmarks; the command line (`--quick`, `--sample-size`,
/// `--measurement-time`) still overrides them.
pub(crate) fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .nresamples(10_000)
        .without_plots()
        .configure_from_args()
}

/// How many fresh copies of a state `iter_batched` holds at once: about two million build IDs'
/// worth, so that a batch of 100,000-ID states does not fill the memory of a shared machine,
/// while batches of small states stay large enough that timing one iteration costs nothing.
pub(crate) fn batch(size: usize) -> BatchSize {
    BatchSize::NumIterations((2_000_000 / size.max(1)).clamp(1, 1_000) as u64)
}

/// `add_task` for a build ID.
pub(crate) fn add_task<'a>(sets: &'a VersionSets, id: &'a BuildId) -> DispatchQueue<'a> {
    sets.add_task(Some(id.as_str()))
}

/// `resolve` for work on the caller's own task queue.
pub(crate) fn resolve<'a>(
    sets: &'a VersionSets,
    intent: VersioningIntent,
    caller: &'a BuildId,
) -> Resolution<'a> {
    sets.resolve(intent, Some(caller.as_str()), TargetQueue::Same)
}

/// The set ID a dispatch answer names, as text (for checking crate and baseline agree).
pub(crate) fn queue_name(queue: &DispatchQueue<'_>) -> Option<String> {
    queue.set_id().map(|id| id.as_str().to_owned())
}

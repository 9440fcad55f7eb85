//! Fixtures shared by the ported server tests: `init(n, t)` and friends, built through the
//! public stored-data constructor so that timestamps are exactly the server test's.
#![allow(dead_code, unreachable_pub)]

use version_sets::{
    BuildId, BuildIdData, BuildIdState, Hlc, SetId, VersionSetData, VersionSets, VersioningData,
};

#[track_caller]
pub fn id(text: &str) -> BuildId {
    BuildId::new(text).unwrap()
}

/// `H(b)`, the set ID of a build ID.
pub fn h(text: &str) -> String {
    SetId::for_build_id(&id(text)).as_str().to_owned()
}

/// The clock `(wall, 0, 1)`.
pub fn at(wall: i64) -> Hlc {
    Hlc {
        wall_clock: wall,
        version: 0,
        cluster_id: 1,
    }
}

/// `hlc.Zero(1)`, the server tests' `t0`.
pub const T0: Hlc = Hlc::zero(1);

pub fn record(text: &str, state: BuildIdState, sut: Hlc, bdt: Hlc) -> BuildIdData {
    BuildIdData {
        id: text.to_owned(),
        state: Some(state),
        state_update_timestamp: Some(sut),
        became_default_timestamp: Some(bdt),
    }
}

pub fn active(text: &str, t: Hlc) -> BuildIdData {
    record(text, BuildIdState::Active, t, t)
}

pub fn deleted(text: &str, t: Hlc) -> BuildIdData {
    record(text, BuildIdState::Deleted, t, t)
}

pub fn set(set_ids: &[&str], build_ids: Vec<BuildIdData>, bdt: Hlc) -> VersionSetData {
    VersionSetData {
        set_ids: set_ids.iter().map(|s| (*s).to_owned()).collect(),
        build_ids,
        became_default_timestamp: Some(bdt),
    }
}

#[track_caller]
pub fn load(sets: Vec<VersionSetData>) -> VersionSets {
    VersionSets::from_data(&VersioningData { version_sets: sets }).unwrap()
}

/// The server's `mkInitialData(n, t)`: sets `"0"…"n-1"`, one build ID each, all stamped `t`.
pub fn init(n: usize, t: Hlc) -> VersionSets {
    init_stamped(&vec![t; n])
}

/// `init` with set `i` and its one build ID stamped `stamps[i]`.
pub fn init_stamped(stamps: &[Hlc]) -> VersionSets {
    load(
        stamps
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let name = i.to_string();
                set(&[&h(&name)], vec![active(&name, *t)], *t)
            })
            .collect(),
    )
}

/// Every set's build IDs in stored order, tombstones included.
pub fn ids(sets: &VersionSets) -> Vec<Vec<String>> {
    sets.sets()
        .map(|set| set.build_ids().map(|r| r.id().to_string()).collect())
        .collect()
}

/// The public view's build IDs.
pub fn public(sets: &VersionSets, max_sets: usize) -> Vec<Vec<String>> {
    sets.response(max_sets)
        .major_version_sets
        .iter()
        .map(|set| set.build_ids.iter().map(ToString::to_string).collect())
        .collect()
}

#[track_caller]
pub fn set_ids(sets: &VersionSets, index: usize) -> Vec<String> {
    sets.sets()
        .nth(index)
        .unwrap()
        .set_ids()
        .map(|s| s.as_str().to_owned())
        .collect()
}

/// Shorthand for writing expected lists: `lists(&[&["0"], &["1", "1.1"]])`.
pub fn lists(expected: &[&[&str]]) -> Vec<Vec<String>> {
    expected
        .iter()
        .map(|set| set.iter().map(|s| (*s).to_owned()).collect())
        .collect()
}

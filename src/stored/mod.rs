//! Temporal's stored `VersioningData`, field by field, and the validating conversion into a
//! [`VersionSets`]; the public `GetWorkerBuildIdCompatibility` view; what can be wrong with
//! either.

mod invalid;
#[cfg(feature = "serde")]
pub(crate) mod proto_json;
mod response;

pub use invalid::{InvalidData, Problem, Violation};
pub use response::{BuildIdCompatibility, MajorVersionSet};

use crate::non_empty::NonEmpty;
use crate::{BuildId, BuildIdRecord, BuildIdState, CompatibleSet, Hlc, SetId, VersionSets};

/// The versioning data of a task queue as Temporal stores it (the `version_sets` of its
/// internal `VersioningData` proto). Plain data: any value can be built, valid or not;
/// [`VersionSets::from_data`] checks it. With the `serde` feature it reads and writes
/// Temporal's proto-JSON.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct VersioningData {
    /// The sets, oldest first.
    #[cfg_attr(feature = "serde", serde(default))]
    pub version_sets: Vec<VersionSetData>,
}

/// One stored compatible set (`CompatibleVersionSet`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct VersionSetData {
    /// The set's IDs; the first is the primary.
    #[cfg_attr(feature = "serde", serde(default))]
    pub set_ids: Vec<String>,
    /// The build IDs, oldest first; the last is the set's default.
    #[cfg_attr(feature = "serde", serde(default))]
    pub build_ids: Vec<BuildIdData>,
    /// When the set last became the queue's default; `None` when absent from the data.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub became_default_timestamp: Option<Hlc>,
}

/// One stored build ID record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct BuildIdData {
    /// The build ID.
    #[cfg_attr(feature = "serde", serde(default))]
    pub id: String,
    /// `None` stands for `STATE_UNSPECIFIED`, which no valid record has.
    #[cfg_attr(
        feature = "serde",
        serde(default, with = "crate::stored::proto_json::state")
    )]
    pub state: Option<BuildIdState>,
    /// When the record was added or its state last changed.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub state_update_timestamp: Option<Hlc>,
    /// When the build ID last became its set's default.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub became_default_timestamp: Option<Hlc>,
}

impl VersionSets {
    /// Loads stored versioning data, checking every invariant.
    ///
    /// Set IDs that are out of order are sorted (the crate always keeps them sorted). The
    /// value's clock becomes the largest timestamp in the data, so that later updates stamp
    /// later than anything loaded.
    ///
    /// # Errors
    /// [`InvalidData`] listing **every** violation found, each with its proto-JSON path
    /// (e.g. `versionSets[1].buildIds[0].id`).
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
        let violations = check(data, Mode::Load);
        if !violations.is_empty() {
            return Err(InvalidData::new(violations));
        }
        // The newest stamp, whatever its wall time (zero or negative ones included), so that
        // the loaded value keeps that stamp's cluster.
        let mut clock: Option<Hlc> = None;
        let mut sets = Vec::with_capacity(data.version_sets.len());
        for (i, set) in data.version_sets.iter().enumerate() {
            let build = || -> Option<CompatibleSet> {
                let mut set_ids: Vec<SetId> = set.set_ids.iter().map(SetId::from_stored).collect();
                set_ids.sort();
                let mut build_ids = Vec::with_capacity(set.build_ids.len());
                for record in &set.build_ids {
                    build_ids.push(BuildIdRecord {
                        id: BuildId::new(&record.id).ok()?,
                        state: record.state?,
                        state_update_timestamp: record.state_update_timestamp?,
                        became_default_timestamp: record.became_default_timestamp?,
                    });
                }
                Some(CompatibleSet {
                    set_ids: NonEmpty::from_vec(set_ids)?,
                    build_ids: NonEmpty::from_vec(build_ids)?,
                    became_default_timestamp: set.became_default_timestamp?,
                })
            };
            // `check` found nothing, so `build` cannot fail; should it, say where.
            let set = build().ok_or_else(|| {
                InvalidData::new(vec![Violation::new(
                    format!("versionSets[{i}]"),
                    Problem::Unreadable,
                )])
            })?;
            let stamps = set.build_ids().flat_map(|record| {
                [
                    record.state_update_timestamp,
                    record.became_default_timestamp,
                ]
            });
            for stamp in stamps.chain([set.became_default_timestamp]) {
                clock = clock.max(Some(stamp));
            }
            sets.push(set);
        }
        Ok(Self::from_sets(sets, clock.unwrap_or_default()))
    }

    /// The stored form of these sets.
    pub fn to_data(&self) -> VersioningData {
        VersioningData {
            version_sets: self
                .sets
                .iter()
                .map(|set| VersionSetData {
                    set_ids: set.set_ids().map(|id| id.as_str().to_owned()).collect(),
                    build_ids: set
                        .build_ids()
                        .map(|record| BuildIdData {
                            id: record.id.as_str().to_owned(),
                            state: Some(record.state),
                            state_update_timestamp: Some(record.state_update_timestamp),
                            became_default_timestamp: Some(record.became_default_timestamp),
                        })
                        .collect(),
                    became_default_timestamp: Some(set.became_default_timestamp),
                })
                .collect(),
        }
    }

    /// Checks every invariant of the value: each build ID in one set only, no empty set, set
    /// IDs present, sorted and distinct, list order agreeing with timestamp order (ties
    /// allowed), the lookup index in step with the sets, and the clock at least every
    /// timestamp. Values built through this crate's API always pass; the check exists for
    /// tests, fuzzing and `debug_assert!`s after every change.
    ///
    /// # Errors
    /// [`InvalidData`] listing every violation.
    pub fn validate(&self) -> Result<(), InvalidData> {
        let mut violations = check(&self.to_data(), Mode::Validate);
        let mut indexed = 0;
        for (i, set) in self.sets.iter().enumerate() {
            for (j, record) in set.build_ids().enumerate() {
                indexed += 1;
                let path = || format!("versionSets[{i}].buildIds[{j}]");
                if self.locate(record.id.as_str())
                    != Some(crate::version_sets::Location { set: i, member: j })
                {
                    violations.push(Violation::new(path(), Problem::IndexOutOfStep));
                }
                if record.state_update_timestamp > self.clock
                    || record.became_default_timestamp > self.clock
                {
                    violations.push(Violation::new(
                        path(),
                        Problem::ClockBehind { clock: self.clock },
                    ));
                }
            }
            if set.became_default_timestamp > self.clock {
                violations.push(Violation::new(
                    format!("versionSets[{i}].becameDefaultTimestamp"),
                    Problem::ClockBehind { clock: self.clock },
                ));
            }
        }
        if indexed != self.index.len() {
            violations.push(Violation::new(
                "versionSets".to_owned(),
                Problem::IndexOutOfStep,
            ));
        }
        if violations.is_empty() {
            Ok(())
        } else {
            Err(InvalidData::new(violations))
        }
    }
}

impl TryFrom<&VersioningData> for VersionSets {
    type Error = InvalidData;

    fn try_from(data: &VersioningData) -> Result<Self, Self::Error> {
        Self::from_data(data)
    }
}

impl From<&VersionSets> for VersioningData {
    fn from(sets: &VersionSets) -> Self {
        sets.to_data()
    }
}

/// Loading sorts set IDs; a value already loaded must have them sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Load,
    Validate,
}

/// Every violation of the data model's invariants in `data`, in document order.
fn check(data: &VersioningData, mode: Mode) -> Vec<Violation> {
    let mut violations = Vec::new();
    let mut seen: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    let mut previous_set: Option<Hlc> = None;
    for (i, set) in data.version_sets.iter().enumerate() {
        let at = |field: &str| format!("versionSets[{i}].{field}");
        if set.set_ids.is_empty() {
            violations.push(Violation::new(at("setIds"), Problem::NoSetIds));
        }
        for (k, id) in set.set_ids.iter().enumerate() {
            if id.is_empty() {
                violations.push(Violation::new(
                    at(&format!("setIds[{k}]")),
                    Problem::EmptySetId,
                ));
            }
        }
        let mut sorted = set.set_ids.clone();
        sorted.sort();
        if sorted.windows(2).any(|pair| pair.first() == pair.get(1)) {
            violations.push(Violation::new(at("setIds"), Problem::DuplicateSetId));
        } else if mode == Mode::Validate && sorted != set.set_ids {
            violations.push(Violation::new(at("setIds"), Problem::UnsortedSetIds));
        }
        if set.build_ids.is_empty() {
            violations.push(Violation::new(at("buildIds"), Problem::NoBuildIds));
        }
        match set.became_default_timestamp {
            None => violations.push(Violation::new(
                at("becameDefaultTimestamp"),
                Problem::MissingTimestamp,
            )),
            Some(stamp) => {
                if let Some(before) = previous_set.filter(|before| stamp < *before) {
                    violations.push(Violation::new(
                        at("becameDefaultTimestamp"),
                        Problem::SetOutOfOrder { stamp, before },
                    ));
                }
                previous_set = Some(stamp);
            }
        }
        let mut previous_build: Option<Hlc> = None;
        for (j, record) in set.build_ids.iter().enumerate() {
            let at = |field: &str| format!("versionSets[{i}].buildIds[{j}].{field}");
            match BuildId::new(&record.id) {
                Err(error) => {
                    violations.push(Violation::new(at("id"), Problem::InvalidBuildId(error)))
                }
                Ok(_) => match seen.get(record.id.as_str()) {
                    Some(first) => violations.push(Violation::new(
                        at("id"),
                        Problem::DuplicateBuildId {
                            build_id: record.id.clone(),
                            first: first.clone(),
                        },
                    )),
                    None => {
                        seen.insert(&record.id, at("id"));
                    }
                },
            }
            if record.state.is_none() {
                violations.push(Violation::new(at("state"), Problem::UnspecifiedState));
            }
            if record.state_update_timestamp.is_none() {
                violations.push(Violation::new(
                    at("stateUpdateTimestamp"),
                    Problem::MissingTimestamp,
                ));
            }
            match record.became_default_timestamp {
                None => violations.push(Violation::new(
                    at("becameDefaultTimestamp"),
                    Problem::MissingTimestamp,
                )),
                Some(stamp) => {
                    if let Some(before) = previous_build.filter(|before| stamp < *before) {
                        violations.push(Violation::new(
                            at("becameDefaultTimestamp"),
                            Problem::BuildIdOutOfOrder { stamp, before },
                        ));
                    }
                    previous_build = Some(stamp);
                }
            }
        }
    }
    violations
}

#[cfg(test)]
mod tests;

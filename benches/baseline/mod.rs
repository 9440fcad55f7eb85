//! The baseline every figure is compared with: the server's approach, written plainly.
//!
//! Temporal's matching service keeps a task queue's `VersioningData` as a list of sets, each a
//! list of build-ID records. It finds a build ID by scanning the sets in order, and the members
//! of each (`findVersion`), and it updates by deep-copying the data, changing the copy and
//! storing the copy in place of the old data (`UpdateVersionSets` on cloned user data). This
//! module does exactly that, with the crate's own field types (`Hlc`, `BuildIdState`) and the
//! crate's rules for each operation, so that both sides do the same work per operation and a
//! ratio measures the data structure alone. Each bench checks, before timing, that both sides
//! give the same answers.

// Each bench binary includes this module and uses a different part of it.
#![allow(dead_code)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE;
use sha2::{Digest as _, Sha256};
use version_sets::{BuildIdData, BuildIdState, Hlc, Limits, Outcome, QueueDefault, Update};
use version_sets::{TargetQueue, VersionSetData, VersioningData, VersioningIntent};

/// One build ID of a set, with the fields of the stored record.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    id: String,
    state: BuildIdState,
    state_update_timestamp: Hlc,
    became_default_timestamp: Hlc,
}

impl Record {
    fn active(id: &str, t: Hlc) -> Self {
        Self {
            id: id.to_owned(),
            state: BuildIdState::Active,
            state_update_timestamp: t,
            became_default_timestamp: t,
        }
    }
}

/// One compatible set: its set IDs and its records, oldest first.
#[derive(Debug, Clone)]
pub(crate) struct Set {
    set_ids: Vec<String>,
    build_ids: Vec<Record>,
    became_default_timestamp: Hlc,
}

impl Set {
    fn default_build_id(&self) -> &str {
        self.build_ids
            .last()
            .map_or("", |record| record.id.as_str())
    }

    fn primary_set_id(&self) -> &str {
        self.set_ids.first().map_or("", String::as_str)
    }
}

/// A task queue's sets, oldest first, and the clock that stamps changes.
#[derive(Debug, Clone)]
pub(crate) struct Baseline {
    sets: Vec<Set>,
    clock: Hlc,
}

/// Why an update failed (the benchmarks only make updates that succeed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refused {
    NotFound(String),
    AlreadyExists(String),
    Incompatible(String),
    NotDefaultInSet(String),
    NotDefaultForQueue(String),
    TooManySets,
    TooManyBuildIds,
}

/// Where a poll or a task goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Dispatch<'a> {
    Unversioned,
    Set(&'a str),
    Guessed(String),
}

impl Dispatch<'_> {
    /// The set ID the work is queued under, as text.
    pub(crate) fn queue_name(&self) -> Option<String> {
        match self {
            Self::Unversioned => None,
            Self::Set(id) => Some((*id).to_owned()),
            Self::Guessed(id) => Some(id.clone()),
        }
    }
}

/// Where new work goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    SetDefault(String),
    ExactBuildId(String),
    Unversioned,
    Rejected,
}

/// The server's `hashBuildId`: the first 20 characters of the URL-safe base64 of SHA-256.
fn hash_build_id(id: &str) -> String {
    let mut text = URL_SAFE.encode(Sha256::digest(id.as_bytes()));
    text.truncate(20);
    text
}

impl Baseline {
    /// Loads stored data as the server holds it: as it is (the benches only load valid data).
    pub(crate) fn from_data(data: &VersioningData) -> Self {
        let mut clock = Hlc::default();
        let sets = data
            .version_sets
            .iter()
            .map(|set| {
                let became = set.became_default_timestamp.unwrap_or_default();
                clock = clock.max(became);
                Set {
                    set_ids: set.set_ids.clone(),
                    build_ids: set
                        .build_ids
                        .iter()
                        .map(|record| {
                            let updated = record.state_update_timestamp.unwrap_or_default();
                            let default = record.became_default_timestamp.unwrap_or_default();
                            clock = clock.max(updated).max(default);
                            Record {
                                id: record.id.clone(),
                                state: record.state.unwrap_or(BuildIdState::Active),
                                state_update_timestamp: updated,
                                became_default_timestamp: default,
                            }
                        })
                        .collect(),
                    became_default_timestamp: became,
                }
            })
            .collect();
        Self { sets, clock }
    }

    /// The stored form, for checking that the baseline and the crate agree.
    pub(crate) fn to_data(&self) -> VersioningData {
        VersioningData {
            version_sets: self
                .sets
                .iter()
                .map(|set| VersionSetData {
                    set_ids: set.set_ids.clone(),
                    build_ids: set
                        .build_ids
                        .iter()
                        .map(|record| BuildIdData {
                            id: record.id.clone(),
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

    /// `findVersion`: the set and member positions of `id`, by a scan from the oldest set.
    fn find(&self, id: &str) -> Option<(usize, usize)> {
        self.sets.iter().enumerate().find_map(|(s, set)| {
            set.build_ids
                .iter()
                .position(|record| record.id == id)
                .map(|m| (s, m))
        })
    }

    /// `lookupVersionSetForPoll`.
    pub(crate) fn poll(&self, id: &str) -> Result<Dispatch<'_>, String> {
        match self.find(id) {
            None => Ok(Dispatch::Guessed(hash_build_id(id))),
            Some((s, m)) => {
                let set = &self.sets[s];
                if m + 1 == set.build_ids.len() {
                    Ok(Dispatch::Set(set.primary_set_id()))
                } else {
                    Err(set.default_build_id().to_owned())
                }
            }
        }
    }

    /// `lookupVersionSetForAdd`.
    pub(crate) fn add_task(&self, id: Option<&str>) -> Dispatch<'_> {
        match id {
            None => self.sets.last().map_or(Dispatch::Unversioned, |set| {
                Dispatch::Set(set.primary_set_id())
            }),
            Some(id) => match self.find(id) {
                Some((s, _)) => Dispatch::Set(self.sets[s].primary_set_id()),
                None => Dispatch::Guessed(hash_build_id(id)),
            },
        }
    }

    /// Where new work with `intent` goes, by the SDKs' rule and the lookups above.
    pub(crate) fn resolve(
        &self,
        intent: VersioningIntent,
        caller: Option<&str>,
        same_task_queue: bool,
    ) -> Target {
        let queue = if same_task_queue {
            TargetQueue::Same
        } else {
            TargetQueue::Other
        };
        let use_compatible = intent.use_compatible(queue);
        if use_compatible && !same_task_queue {
            Target::Rejected
        } else if use_compatible {
            match caller {
                None => Target::Unversioned,
                Some(caller) => match self.find(caller) {
                    Some((s, _)) => Target::SetDefault(self.sets[s].default_build_id().to_owned()),
                    None => Target::ExactBuildId(caller.to_owned()),
                },
            }
        } else {
            match self.sets.last() {
                None => Target::Unversioned,
                Some(set) => Target::SetDefault(set.default_build_id().to_owned()),
            }
        }
    }

    /// One update: checks against the current data, then deep copy, change the copy, check
    /// the limits on it, and swap it in.
    pub(crate) fn apply(
        &mut self,
        update: &Update,
        now_ms: i64,
        limits: Limits,
    ) -> Result<Outcome, Refused> {
        let t = self.clock.next(now_ms);
        let mut next = self.sets.clone();
        let outcome = self.change(&mut next, update, t)?;
        if limits.max_sets > 0 && next.len() > limits.max_sets {
            return Err(Refused::TooManySets);
        }
        let build_ids: usize = next.iter().map(|set| set.build_ids.len()).sum();
        if limits.max_build_ids > 0 && build_ids > limits.max_build_ids {
            return Err(Refused::TooManyBuildIds);
        }
        if outcome == Outcome::Changed {
            self.sets = next;
            self.clock = t;
        }
        Ok(outcome)
    }

    /// The operation's checks (against `self`, which equals `next` so far) and effect on
    /// `next`.
    fn change(&self, next: &mut Vec<Set>, update: &Update, t: Hlc) -> Result<Outcome, Refused> {
        let last = self.sets.len().wrapping_sub(1);
        let not_found = |id: &str| Refused::NotFound(id.to_owned());
        match update {
            Update::AddNewBuildIdInNewDefaultSet(id) => match self.find(id.as_str()) {
                Some((s, _)) if s == last && self.sets[s].build_ids.len() == 1 => Ok(Outcome::NoOp),
                Some(_) => Err(Refused::AlreadyExists(id.as_str().to_owned())),
                None => {
                    next.push(Set {
                        set_ids: vec![hash_build_id(id.as_str())],
                        build_ids: vec![Record::active(id.as_str(), t)],
                        became_default_timestamp: t,
                    });
                    Ok(Outcome::Changed)
                }
            },
            Update::AddNewCompatibleBuildId {
                new_build_id,
                existing_compatible_build_id,
                queue_default,
            } => {
                let make_set_default = *queue_default == QueueDefault::Make;
                let (target, _) = self
                    .find(existing_compatible_build_id.as_str())
                    .ok_or_else(|| not_found(existing_compatible_build_id.as_str()))?;
                let new = new_build_id.as_str();
                match self.find(new) {
                    Some((s, m)) if s == target => {
                        if make_set_default && s != last {
                            Err(Refused::NotDefaultForQueue(new.to_owned()))
                        } else if m + 1 != self.sets[s].build_ids.len() {
                            Err(Refused::NotDefaultInSet(new.to_owned()))
                        } else {
                            Ok(Outcome::NoOp)
                        }
                    }
                    Some(_) => Err(Refused::Incompatible(new.to_owned())),
                    None => {
                        next[target].build_ids.push(Record::active(new, t));
                        if make_set_default {
                            promote_set(next, target, t);
                        }
                        Ok(Outcome::Changed)
                    }
                }
            }
            Update::PromoteSetByBuildId(id) => {
                let (s, _) = self
                    .find(id.as_str())
                    .ok_or_else(|| not_found(id.as_str()))?;
                if s == last {
                    Ok(Outcome::NoOp)
                } else {
                    promote_set(next, s, t);
                    Ok(Outcome::Changed)
                }
            }
            Update::PromoteBuildIdWithinSet(id) => {
                let (s, m) = self
                    .find(id.as_str())
                    .ok_or_else(|| not_found(id.as_str()))?;
                let members = &mut next[s].build_ids;
                if m + 1 == members.len() {
                    Ok(Outcome::NoOp)
                } else {
                    let mut record = members.remove(m);
                    record.became_default_timestamp = t;
                    members.push(record);
                    Ok(Outcome::Changed)
                }
            }
            Update::MergeSets {
                primary_set_build_id,
                secondary_set_build_id,
            } => {
                let (primary, _) = self
                    .find(primary_set_build_id.as_str())
                    .ok_or_else(|| not_found(primary_set_build_id.as_str()))?;
                let (secondary, _) = self
                    .find(secondary_set_build_id.as_str())
                    .ok_or_else(|| not_found(secondary_set_build_id.as_str()))?;
                if primary == secondary {
                    Ok(Outcome::NoOp)
                } else {
                    merge_sets(next, primary, secondary, t);
                    Ok(Outcome::Changed)
                }
            }
        }
    }
}

/// Stamps the set at `s` and moves it to the end, where it is the queue's default.
fn promote_set(sets: &mut Vec<Set>, s: usize, t: Hlc) {
    let mut set = sets.remove(s);
    set.became_default_timestamp = t;
    sets.push(set);
}

/// The crate's merge rule: the primary's default is stamped `t` so that it ends last, the
/// members are ordered by timestamp (ties: the older set's first), and the merged set takes
/// the place of the later of the two sets, with the later set timestamp.
fn merge_sets(sets: &mut Vec<Set>, primary: usize, secondary: usize, t: Hlc) {
    if let Some(default) = sets[primary].build_ids.last_mut() {
        default.became_default_timestamp = t;
    }
    let (older, newer) = (primary.min(secondary), primary.max(secondary));
    let newer_set = sets.remove(newer);
    let older_set = sets.remove(older);
    let mut set_ids = older_set.set_ids;
    set_ids.extend(newer_set.set_ids);
    set_ids.sort();
    set_ids.dedup();
    let mut build_ids = older_set.build_ids;
    build_ids.extend(newer_set.build_ids);
    build_ids.sort_by_key(|record| record.became_default_timestamp);
    sets.insert(
        newer - 1,
        Set {
            set_ids,
            build_ids,
            became_default_timestamp: older_set
                .became_default_timestamp
                .max(newer_set.became_default_timestamp),
        },
    );
}

//! `apply`: the checks and effects of the five update operations.
//!
//! Every operation is planned first, with all checks (the limits included) made against the
//! unchanged value, and only then carried out. So a failed update cannot leave a trace.

mod merge_sets;
mod update;

pub use update::{Limits, Outcome, QueueDefault, Update};

use crate::{BuildId, BuildIdRecord, CompatibleSet, Hlc, UpdateError, VersionSets};

/// What an update will do, decided before anything changes. Positions are set positions.
#[derive(Debug)]
enum Plan {
    NoOp,
    AppendSet(BuildId),
    AddToSet {
        set: usize,
        build_id: BuildId,
        make_default: bool,
    },
    PromoteSet(usize),
    PromoteWithinSet {
        set: usize,
        member: usize,
    },
    Merge {
        primary: usize,
        secondary: usize,
    },
}

impl VersionSets {
    /// Applies one update at wall time `now_ms` (Unix milliseconds), under `limits`.
    ///
    /// The checks run in the server's order and the first that matches decides; see each
    /// [`Update`] variant and the [`UpdateError`] variants. The limits are checked on the
    /// result of every successful operation, no-ops included, and count tombstones.
    ///
    /// A change is stamped with `self.clock().next(now_ms)`. `now_ms` is the caller's wall
    /// time rather than a clock value so that the state keeps its own clock: a wall clock
    /// that stands still or goes back still yields a later stamp, and so list order and
    /// timestamp order always agree. A no-op changes nothing, not even the clock (the server
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
        let plan = self.plan(update)?;
        self.check_limits(&plan, limits)?;
        if let Plan::NoOp = plan {
            return Ok(Outcome::NoOp);
        }
        let t = self.stamp(now_ms);
        self.execute(plan, t);
        debug_assert_eq!(self.validate(), Ok(()));
        Ok(Outcome::Changed)
    }

    fn plan(&self, update: &Update) -> Result<Plan, UpdateError> {
        match update {
            Update::AddNewBuildIdInNewDefaultSet(build_id) => self.plan_add_new_default(build_id),
            Update::AddNewCompatibleBuildId {
                new_build_id,
                existing_compatible_build_id,
                make_set_default,
            } => self.plan_add_compatible(
                new_build_id,
                existing_compatible_build_id,
                *make_set_default,
            ),
            Update::PromoteSetByBuildId(build_id) => {
                let at = self.locate(build_id).ok_or_else(|| UpdateError::NotFound {
                    build_id: build_id.clone(),
                })?;
                Ok(if self.is_last_set(at.set) {
                    Plan::NoOp
                } else {
                    Plan::PromoteSet(at.set)
                })
            }
            Update::PromoteBuildIdWithinSet(build_id) => {
                let at = self.locate(build_id).ok_or_else(|| UpdateError::NotFound {
                    build_id: build_id.clone(),
                })?;
                Ok(if self.is_set_default(build_id) {
                    Plan::NoOp
                } else {
                    Plan::PromoteWithinSet {
                        set: at.set,
                        member: at.member,
                    }
                })
            }
            Update::MergeSets {
                primary_set_build_id,
                secondary_set_build_id,
            } => {
                let primary = self.locate(primary_set_build_id).ok_or_else(|| {
                    UpdateError::PrimaryNotFound {
                        build_id: primary_set_build_id.clone(),
                    }
                })?;
                let secondary = self.locate(secondary_set_build_id).ok_or_else(|| {
                    UpdateError::SecondaryNotFound {
                        build_id: secondary_set_build_id.clone(),
                    }
                })?;
                Ok(if primary.set == secondary.set {
                    Plan::NoOp
                } else {
                    Plan::Merge {
                        primary: primary.set,
                        secondary: secondary.set,
                    }
                })
            }
        }
    }

    fn plan_add_new_default(&self, build_id: &BuildId) -> Result<Plan, UpdateError> {
        let sole_member_of_default_set = self
            .default_set()
            .is_some_and(|set| set.len() == 1 && set.default_build_id() == build_id);
        if sole_member_of_default_set {
            Ok(Plan::NoOp)
        } else if self.contains(build_id) {
            Err(UpdateError::AlreadyExists {
                build_id: build_id.clone(),
            })
        } else {
            Ok(Plan::AppendSet(build_id.clone()))
        }
    }

    fn plan_add_compatible(
        &self,
        new: &BuildId,
        existing: &BuildId,
        make_default: bool,
    ) -> Result<Plan, UpdateError> {
        let target = self
            .locate(existing)
            .ok_or_else(|| UpdateError::CompatibleNotFound {
                existing: existing.clone(),
            })?;
        match self.locate(new) {
            Some(at) if at.set == target.set => {
                if make_default && !self.is_last_set(at.set) {
                    Err(UpdateError::NotDefaultForQueue {
                        build_id: new.clone(),
                    })
                } else if !self.is_set_default(new) {
                    Err(UpdateError::NotDefaultInSet {
                        build_id: new.clone(),
                    })
                } else {
                    Ok(Plan::NoOp)
                }
            }
            Some(_) => Err(UpdateError::Incompatible {
                build_id: new.clone(),
                existing: existing.clone(),
            }),
            None => Ok(Plan::AddToSet {
                set: target.set,
                build_id: new.clone(),
                make_default,
            }),
        }
    }

    /// Checks the limits against the counts the plan will leave, sets first.
    fn check_limits(&self, plan: &Plan, limits: Limits) -> Result<(), UpdateError> {
        let (sets, build_ids) = (self.set_count(), self.build_id_count());
        let (sets, build_ids) = match plan {
            Plan::AppendSet(_) => (sets + 1, build_ids + 1),
            Plan::AddToSet { .. } => (sets, build_ids + 1),
            Plan::Merge { .. } => (sets.saturating_sub(1), build_ids),
            Plan::NoOp | Plan::PromoteSet(_) | Plan::PromoteWithinSet { .. } => (sets, build_ids),
        };
        if limits.max_sets > 0 && sets > limits.max_sets {
            return Err(UpdateError::TooManySets {
                count: sets,
                max: limits.max_sets,
            });
        }
        if limits.max_build_ids > 0 && build_ids > limits.max_build_ids {
            return Err(UpdateError::TooManyBuildIds {
                count: build_ids,
                max: limits.max_build_ids,
            });
        }
        Ok(())
    }

    fn execute(&mut self, plan: Plan, t: Hlc) {
        match plan {
            Plan::NoOp => {}
            Plan::AppendSet(build_id) => {
                self.sets.push(CompatibleSet::new(build_id, t));
                self.reindex_from(self.sets.len().saturating_sub(1));
            }
            Plan::AddToSet {
                set,
                build_id,
                make_default,
            } => {
                if let Some(target) = self.sets.get_mut(set) {
                    target.build_ids.push(BuildIdRecord::active(build_id, t));
                }
                self.reindex_set(set);
                if make_default {
                    self.promote_set(set, t);
                }
            }
            Plan::PromoteSet(set) => self.promote_set(set, t),
            Plan::PromoteWithinSet { set, member } => {
                if let Some(target) = self.sets.get_mut(set) {
                    if let Some(record) = target.build_ids.get_mut(member) {
                        record.became_default_timestamp = t;
                    }
                    target.build_ids.move_to_end(member);
                }
                self.reindex_set(set);
            }
            Plan::Merge { primary, secondary } => self.merge_sets(primary, secondary, t),
        }
    }

    /// Stamps the set at `set` and moves it to the end: it becomes the queue's default.
    fn promote_set(&mut self, set: usize, t: Hlc) {
        if set < self.sets.len() {
            let mut promoted = self.sets.remove(set);
            promoted.became_default_timestamp = t;
            self.sets.push(promoted);
            self.reindex_from(set);
        }
    }

    fn is_last_set(&self, set: usize) -> bool {
        set + 1 == self.sets.len()
    }
}

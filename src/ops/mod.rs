//! `apply`: the checks and effects of the five update operations.
//!
//! Every operation is planned first, with all checks (the limits included) made against the
//! unchanged value, and only then carried out. So a failed update cannot leave a trace. A
//! plan holds the handles of the sets and build IDs it changes, found once while checking.

mod add_compatible;
mod add_new_default;
mod merge_sets;
mod promote_set;
mod promote_within_set;
mod update;

pub use update::{Limits, Outcome, QueueDefault, Update};

use crate::core::{CAPACITY, MemberKey, SetKey};
use crate::{BuildId, Hlc, UpdateError, VersionSets};

/// What an update will do, decided before anything changes.
#[derive(Debug)]
enum Plan {
    NoOp,
    AppendSet(BuildId),
    AddToSet {
        set: SetKey,
        build_id: BuildId,
        make_default: bool,
    },
    PromoteSet(SetKey),
    PromoteWithinSet(MemberKey),
    Merge {
        primary: SetKey,
        secondary: SetKey,
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
            Update::PromoteSetByBuildId(build_id) => self.plan_promote_set(build_id),
            Update::PromoteBuildIdWithinSet(build_id) => self.plan_promote_within_set(build_id),
            Update::MergeSets {
                primary_set_build_id,
                secondary_set_build_id,
            } => self.plan_merge_sets(primary_set_build_id, secondary_set_build_id),
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
        // Whatever the configured limit, a queue holds at most the core's capacity.
        let max_build_ids = match limits.max_build_ids {
            0 => CAPACITY,
            max => max.min(CAPACITY),
        };
        if build_ids > max_build_ids {
            return Err(UpdateError::TooManyBuildIds {
                count: build_ids,
                max: max_build_ids,
            });
        }
        Ok(())
    }

    fn execute(&mut self, plan: Plan, t: Hlc) {
        match plan {
            Plan::NoOp => {}
            Plan::AppendSet(build_id) => self.core.push_new_set(build_id, t),
            Plan::AddToSet {
                set,
                build_id,
                make_default,
            } => {
                self.core.push_member(set, build_id, t);
                if make_default {
                    self.core.promote_set(set, t);
                }
            }
            Plan::PromoteSet(set) => self.core.promote_set(set, t),
            Plan::PromoteWithinSet(member) => self.core.promote_member(member, t),
            Plan::Merge { primary, secondary } => self.core.merge_sets(primary, secondary, t),
        }
    }

    /// The handle of `id` and of its set.
    pub(super) fn locate(&self, id: &BuildId) -> Option<(MemberKey, SetKey)> {
        let (key, member) = self.core.find(id.as_str())?;
        Some((key, member.set()))
    }

    pub(super) fn is_last_set(&self, set: SetKey) -> bool {
        self.core.ends().is_some_and(|(_, newest)| newest == set)
    }
}

#[cfg(test)]
mod tests {
    use crate::{BuildId, Limits, Update, UpdateError, VersionSets};

    /// In the crate's own tests the core holds 64 build IDs; the limits cannot lift that.
    #[test]
    fn no_limit_lifts_the_capacity() {
        let mut sets = VersionSets::new();
        for i in 0..64 {
            let id = BuildId::new(i.to_string()).unwrap();
            sets.apply(&Update::add_new_default(id), i, Limits::NONE)
                .unwrap();
        }
        for limits in [
            Limits::NONE,
            Limits {
                max_sets: 0,
                max_build_ids: 1_000,
            },
        ] {
            let one_more = Update::add_new_default(BuildId::new("64").unwrap());
            assert_eq!(
                sets.apply(&one_more, 64, limits),
                Err(UpdateError::TooManyBuildIds { count: 65, max: 64 })
            );
        }
        let within = Limits {
            max_sets: 0,
            max_build_ids: 50,
        };
        let err = sets.apply(
            &Update::add_new_default(BuildId::new("64").unwrap()),
            64,
            within,
        );
        assert_eq!(
            err,
            Err(UpdateError::TooManyBuildIds { count: 65, max: 50 })
        );
        assert_eq!(sets.build_id_count(), 64);
    }
}

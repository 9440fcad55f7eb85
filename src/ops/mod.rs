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
#[cfg(feature = "serde")]
mod proto_json;
mod update;

pub use update::{Limits, Outcome, QueueDefault, Update};

use crate::build_id::BuildId;
use crate::clock::Hlc;
use crate::core::{Core, MemberKey, SetKey};
use crate::error::UpdateError;
use crate::set::Lookup;

/// What an update will do, decided before anything changes.
#[derive(Debug)]
pub(crate) enum Plan {
    NoOp,
    AppendSet(BuildId),
    AddToSet {
        set: SetKey,
        build_id: BuildId,
        queue_default: QueueDefault,
    },
    PromoteSet(SetKey),
    PromoteWithinSet(MemberKey),
    MergeSets {
        primary: SetKey,
        secondary: SetKey,
    },
}

/// Plans `update` against `core`: every check, the limits included (on the result of every
/// successful operation, no-ops included), made before anything changes.
pub(crate) fn plan(core: &Core, update: &Update, limits: Limits) -> Result<Plan, UpdateError> {
    let plan = match update {
        Update::AddNewBuildIdInNewDefaultSet(build_id) => {
            add_new_default::plan(Lookup::new(core), build_id)
        }
        Update::AddNewCompatibleBuildId {
            new_build_id,
            existing_compatible_build_id,
            queue_default,
        } => add_compatible::plan(
            core,
            new_build_id,
            existing_compatible_build_id,
            *queue_default,
        ),
        Update::PromoteSetByBuildId(build_id) => promote_set::plan(core, build_id),
        Update::PromoteBuildIdWithinSet(build_id) => promote_within_set::plan(core, build_id),
        Update::MergeSets {
            primary_set_build_id,
            secondary_set_build_id,
        } => merge_sets::plan(core, primary_set_build_id, secondary_set_build_id),
    }?;
    check_limits(core, &plan, limits)?;
    Ok(plan)
}

impl Plan {
    /// Whether the update is already in effect.
    pub(crate) fn is_no_op(&self) -> bool {
        matches!(self, Self::NoOp)
    }
}

/// Checks the limits against the counts the plan will leave, sets first.
fn check_limits(core: &Core, plan: &Plan, limits: Limits) -> Result<(), UpdateError> {
    let (sets, build_ids) = (core.set_count(), core.member_count());
    let (sets, build_ids) = match plan {
        Plan::AppendSet(_) => (sets + 1, build_ids + 1),
        Plan::AddToSet { .. } => (sets, build_ids + 1),
        Plan::MergeSets { primary, secondary } => {
            (core.set_count_after_merge(*primary, *secondary), build_ids)
        }
        Plan::NoOp | Plan::PromoteSet(_) | Plan::PromoteWithinSet { .. } => (sets, build_ids),
    };
    if limits.max_sets > 0 && sets > limits.max_sets {
        return Err(UpdateError::TooManySets {
            count: sets,
            max: limits.max_sets,
        });
    }
    // Whatever the configured limit, a queue holds at most the core's capacity.
    let capacity = core.capacity();
    let max_build_ids = match limits.max_build_ids {
        0 => capacity,
        max => max.min(capacity),
    };
    if build_ids > max_build_ids {
        return Err(UpdateError::TooManyBuildIds {
            count: build_ids,
            max: max_build_ids,
        });
    }
    Ok(())
}

/// Carries out a plan, every change stamped `t`.
pub(crate) fn execute(core: &mut Core, plan: Plan, t: Hlc) {
    match plan {
        Plan::NoOp => {}
        Plan::AppendSet(build_id) => core.push_new_set(build_id, t),
        Plan::AddToSet {
            set,
            build_id,
            queue_default,
        } => {
            core.push_member(set, build_id, t);
            if queue_default == QueueDefault::Make {
                core.promote_set(set, t);
            }
        }
        Plan::PromoteSet(set) => core.promote_set(set, t),
        Plan::PromoteWithinSet(member) => core.promote_member(member, t),
        Plan::MergeSets { primary, secondary } => {
            core.merge_sets(primary, secondary, t);
            // The server's merge-sets merges the whole data: sets that share a set ID join,
            // and every set of two or more gets its set IDs sorted.
            core.rejoin_shared();
            core.sort_set_ids_of_joined_sets();
        }
    }
}

/// The handles of `id` and of its set.
struct Located {
    member: MemberKey,
    set: SetKey,
}

fn locate(core: &Core, id: &BuildId) -> Option<Located> {
    let found = core.find(id.as_str())?;
    Some(Located {
        member: found.key,
        set: found.member.set(),
    })
}

fn is_last_set(core: &Core, set: SetKey) -> bool {
    core.ends().is_some_and(|ends| ends.newest == set)
}

#[cfg(test)]
mod tests {
    use crate::{BuildId, Limits, Update, UpdateError, VersionSets};

    /// A queue whose core holds 64 build IDs: the limits cannot lift that.
    #[test]
    fn no_limit_lifts_the_capacity() {
        let mut sets = VersionSets::with_capacity_for_tests(64);
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

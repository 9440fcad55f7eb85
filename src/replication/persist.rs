//! Persisting a build ID that pollers used before any update named it.

use crate::build_id::BuildId;
use crate::clock::Hlc;
use crate::core::Core;
use crate::ops::Outcome;
use crate::set_id::SetId;

/// Records `build_id` in `core` so that its guessed set ID survives
/// (`PersistUnknownBuildId`); a new set is stamped with the zero clock of `t`'s cluster, or
/// with `t` when that is earlier (`model.persist-negative-clock` in docs/semantics.md).
/// Answers whether anything changed; the caller then moves its clock to `t`.
pub(crate) fn persist_unknown_build_id(core: &mut Core, build_id: &BuildId, t: Hlc) -> Outcome {
    let guessed = SetId::for_build_id(build_id);
    match core.find(build_id.as_str()) {
        Some(found) => {
            let set = found.member.set();
            if core.append_set_id(set, guessed) {
                Outcome::Changed
            } else {
                Outcome::NoOp
            }
        }
        // At the core's capacity there is no room for another build ID: the guess is
        // not recorded, as when it cannot be (a poller's build ID is then routed by its
        // guessed set ID all the same).
        None if core.member_count() >= core.capacity() => Outcome::NoOp,
        None => {
            // The server stamps zero so that any later join lets the real set win. Below
            // zero, that stamp would be later than the clock and than the next change to
            // the set: `t` is the latest stamp that keeps the invariants.
            let zero = Hlc::zero(t.cluster_id).min(t);
            // Loaded data may hold stamps below this cluster's zero; never sort before them.
            let set_stamp = core.ends().map_or(zero, |ends| {
                zero.min(core.set(ends.oldest).became_default_timestamp())
            });
            core.push_oldest_set(build_id.clone(), zero, set_stamp);
            Outcome::Changed
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{BuildId, Hlc, Limits, Outcome, QueueDefault, Update, VersionSets};

    #[test]
    fn at_capacity_nothing_is_recorded() {
        let id = |i: i64| BuildId::new(i.to_string()).unwrap();
        let mut sets = VersionSets::with_capacity_for_tests(64);
        for i in 0..63 {
            sets.apply(&Update::add_new_default(id(i)), i, Limits::NONE)
                .unwrap();
        }
        assert_eq!(sets.persist_unknown_build_id(&id(63), 63), Outcome::Changed);
        let full = sets.clone();
        assert_eq!(sets.persist_unknown_build_id(&id(64), 64), Outcome::NoOp);
        assert_eq!(sets, full);
    }

    /// Issue 18, finding 4: below zero the zero stamp was later than the clock, and the
    /// next build ID added to the set sorted before it.
    #[test]
    fn divergence_below_zero_the_stamp_is_the_clock() {
        let id = |s: &str| BuildId::new(s).unwrap();
        let mut sets = VersionSets::starting_at(Hlc {
            wall_clock: -10,
            version: 0,
            cluster_id: 1,
        });
        sets.apply(&Update::add_new_default(id("1.0")), -9, Limits::NONE)
            .unwrap();
        assert_eq!(
            sets.persist_unknown_build_id(&id("x"), -5),
            Outcome::Changed
        );
        assert_eq!(sets.validate(), Ok(()));
        let persisted = sets.sets().next().unwrap();
        // Sorted before the oldest set, which became default at -9.
        assert_eq!(persisted.became_default_timestamp().wall_clock, -9);
        let add = Update::add_new_compatible(id("y"), id("x"), QueueDefault::Keep);
        assert_eq!(sets.apply(&add, -4, Limits::NONE), Ok(Outcome::Changed));
        assert_eq!(sets.validate(), Ok(()));
    }
}

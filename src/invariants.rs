//! The one invariant checker: [`VersionSets::validate`](crate::VersionSets::validate), and
//! what it finds.

use std::fmt;

use crate::clock::{Hlc, ListOrder, Placed};
use crate::code::Code;
use crate::core::{Core, MemberIndex, MemberKey};
use crate::set_id::SetId;

/// A broken invariant in a [`VersionSets`](crate::VersionSets): only a bug in this crate can
/// produce one, since every public way of making or changing a value keeps the invariants.
/// `Display` names the first finding and how many more there are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Inconsistency {
    findings: Vec<Finding>,
}

impl Inconsistency {
    /// `INTERNAL`: an inconsistency is a bug in this crate, not a problem with any input.
    pub const fn code(&self) -> Code {
        Code::Internal
    }

    /// Every finding, in the order the check walks the value (never empty).
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }
}

impl fmt::Display for Inconsistency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.findings.split_first() {
            None => f.write_str("inconsistent version sets"),
            Some((first, [])) => write!(f, "inconsistent version sets: {first}"),
            Some((first, rest)) => write!(
                f,
                "inconsistent version sets: {first} (and {} more)",
                rest.len()
            ),
        }
    }
}

/// One broken invariant and where: `Display` is `PLACE: WHAT`, e.g.
/// `versionSets[1]: the link to the previous set is wrong`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Finding {
    /// Where, as a path into the stored form.
    pub place: Place,
    /// What is wrong there.
    pub broken: Broken,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.broken)
    }
}

/// Where a [`Finding`] is, as a path into the stored form (`Display`: `versionSets`,
/// `versionSets[1]`, `versionSets[1].buildIds[0]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Place {
    /// The list of sets as a whole.
    Sets,
    /// A set, by its place in the list (oldest first).
    Set {
        /// The set's place, from 0.
        set: usize,
    },
    /// A build ID, by its set's place and its own place in that set.
    BuildId {
        /// The set's place, from 0.
        set: usize,
        /// The build ID's place in the set, from 0.
        build_id: usize,
    },
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sets => f.write_str("versionSets"),
            Self::Set { set } => write!(f, "versionSets[{set}]"),
            Self::BuildId { set, build_id } => {
                write!(f, "versionSets[{set}].buildIds[{build_id}]")
            }
        }
    }
}

/// Which invariant a [`Finding`] breaks; `Display` says it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum Broken {
    /// The list of sets is longer than the number of sets: it loops.
    #[error("the list of sets runs past the number of sets (a cycle)")]
    SetCycle,
    /// A set's link back does not name the set before it.
    #[error("the link to the previous set is wrong")]
    SetLink,
    /// A set's timestamp is earlier than one before it of its own cluster, or of another
    /// when the core does not know that its order may disagree with timestamps.
    #[error("the set became default earlier than the set before it")]
    SetOutOfOrder,
    /// A set's place number does not grow along the list.
    #[error("the set's place number is not above the set before it")]
    SetPlace,
    /// A set's timestamp is later than the clock.
    #[error("the set's timestamp is later than the clock")]
    SetTimestampLate,
    /// A set ID is the empty string.
    #[error("a set ID is empty")]
    EmptySetId,
    /// A set's IDs repeat one, or are marked sorted when they are not (or the reverse).
    #[error("the set IDs are not distinct, or their order is not the one kept")]
    SetIdsBroken,
    /// A set's list of build IDs is longer than its count.
    #[error("the set holds more build IDs than it counts")]
    MembersPastCount,
    /// A build ID's record names another set than the one that lists it.
    #[error("the build ID points at another set")]
    MemberSet,
    /// A build ID's link back does not name the build ID before it.
    #[error("the link to the previous build ID is wrong")]
    MemberLink,
    /// A build ID's timestamp is earlier than one before it in its set, as for
    /// [`Broken::SetOutOfOrder`].
    #[error("the build ID became default earlier than the one before it")]
    MemberOutOfOrder,
    /// A build ID's timestamp is later than the clock.
    #[error("a timestamp is later than the clock")]
    MemberTimestampLate,
    /// A set's count or default disagrees with its list of build IDs.
    #[error("the set's count or default is out of step with its build IDs")]
    SetCount,
    /// A set's ordered index disagrees with its list of build IDs.
    #[error("the set's index is out of step with its build IDs")]
    SetIndex,
    /// The list of sets disagrees with the sets held.
    #[error("the list of sets is out of step with the sets held")]
    SetList,
    /// The index holds build IDs that no set lists.
    #[error("the index holds build IDs that no set lists")]
    UnlistedBuildIds,
    /// The counts of set IDs' holders, or of sets whose IDs are not sorted, disagree with
    /// the sets.
    #[error("the tallies of set IDs are out of step with the sets")]
    SetIdTally,
}

/// Checks every invariant of a value made of `core` and `clock`: see
/// [`VersionSets::validate`](crate::VersionSets::validate).
pub(crate) fn validate(core: &Core, clock: Hlc) -> Result<(), Inconsistency> {
    let mut findings = Vec::new();
    let mut found = |place: Place, broken: Broken| {
        findings.push(Finding { place, broken });
    };
    let late = |stamp: Hlc| stamp > clock;

    let (mut sets, mut members) = (0, 0);
    let mut previous_set = None;
    let mut previous_order = None;
    // List order agrees with timestamps within each cluster always, and across clusters
    // unless the core knows it may not (`model.list-order`).
    let disordered = core.is_out_of_timestamp_order();
    let out_of_order = |placed: Placed| match placed {
        Placed::InOrder => false,
        Placed::AcrossClusters { .. } => !disordered,
        Placed::SameCluster { .. } => true,
    };
    let mut set_order = ListOrder::default();
    let mut member_order = ListOrder::default();
    let mut cursor = core.ends().map(|ends| ends.oldest);
    while let Some(key) = cursor {
        let at = Place::Set { set: sets };
        let node = core.set(key);
        if sets >= core.set_count() {
            found(at, Broken::SetCycle);
            break;
        }
        if node.prev() != previous_set {
            found(at, Broken::SetLink);
        }
        let stamp = node.became_default_timestamp();
        if out_of_order(set_order.place(stamp)) {
            found(at, Broken::SetOutOfOrder);
        }
        if previous_order.is_some_and(|before| node.order() <= before) {
            found(at, Broken::SetPlace);
        }
        previous_order = Some(node.order());
        if late(stamp) {
            found(at, Broken::SetTimestampLate);
        }
        let ids = node.set_ids();
        if ids.iter().any(|id| id.as_str().is_empty()) {
            found(at, Broken::EmptySetId);
        }
        // Sorted or not (the server keeps an appended list as it is), but never a repeat.
        let ascending = ids.iter().zip(ids.iter().skip(1)).all(|(a, b)| a < b);
        let distinct = ascending || {
            let mut seen: Vec<&SetId> = ids.iter().collect();
            seen.sort_unstable();
            seen.windows(2).all(|pair| matches!(pair, [a, b] if a < b))
        };
        if !distinct || ascending != ids.is_sorted() {
            found(at, Broken::SetIdsBroken);
        }

        let mut in_set = 0;
        let mut previous_member = None;
        member_order.clear();
        let mut member_cursor = Some(node.first());
        while let Some(member_key) = member_cursor {
            let at = Place::BuildId {
                set: sets,
                build_id: in_set,
            };
            let member = core.member(member_key).member;
            if in_set >= node.len() {
                found(at, Broken::MembersPastCount);
                break;
            }
            if member.set() != key {
                found(at, Broken::MemberSet);
            }
            if member.prev() != previous_member {
                found(at, Broken::MemberLink);
            }
            let became_default = member.became_default_timestamp();
            if out_of_order(member_order.place(became_default)) {
                found(at, Broken::MemberOutOfOrder);
            }
            if late(became_default) || late(member.state_update_timestamp()) {
                found(at, Broken::MemberTimestampLate);
            }
            previous_member = Some(member_key);
            member_cursor = member.next();
            in_set += 1;
        }
        if in_set != node.len() || previous_member != Some(node.last()) {
            found(at, Broken::SetCount);
        }
        if let Some(index) = node.index() {
            if !index_agrees(core, node.first(), node.len(), index) {
                found(at, Broken::SetIndex);
            }
        }
        members += in_set;
        previous_set = Some(key);
        cursor = node.next();
        sets += 1;
    }
    if sets != core.set_count() || previous_set != core.ends().map(|ends| ends.newest) {
        found(Place::Sets, Broken::SetList);
    }
    if members != core.member_count() {
        found(Place::Sets, Broken::UnlistedBuildIds);
    }
    if !core.set_id_tallies_agree() {
        found(Place::Sets, Broken::SetIdTally);
    }
    if findings.is_empty() {
        Ok(())
    } else {
        Err(Inconsistency { findings })
    }
}

/// Whether `index` holds exactly the `len` members of the list from `first`, in list order,
/// each under its own timestamp and tie number.
fn index_agrees(core: &Core, first: MemberKey, len: usize, index: &MemberIndex) -> bool {
    let mut cursor = Some(first);
    let in_step = index.entries().all(|entry| {
        let listed = cursor == Some(entry.key);
        cursor = cursor.and_then(|key| core.member(key).member.next());
        listed
            && entry.own
            && core.member(entry.key).member.became_default_timestamp() == entry.stamp
    });
    let counts = index.counts();
    in_step && cursor.is_none() && counts.places == len && counts.ties == len
}

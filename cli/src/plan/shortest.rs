//! The fewest operations that turn one state into another for dispatch, or why none do.
//!
//! "For dispatch": the result answers every dispatch question as TARGET does (each build
//! ID's poll and task, and a new workflow's task: the same sets, the same set defaults,
//! the same queue default). The order of the sets, and of the build IDs within a set
//! other than its default, is not matched: dispatch does not read it.
//!
//! Why the steps are the fewest (each T-set of TARGET is built from the S-sets of STATE it
//! holds, k of them, and the build IDs STATE lacks, n of them; d is its default):
//! - each new build ID takes one add, and nothing else adds one; each of the k S-sets but
//!   one takes a merge, and nothing else joins two sets; no step serves two T-sets;
//! - one more step (promote-id-in-set) when d is old and either not its S-set's default or
//!   the only S-set's default with new build IDs to add there (an add makes the new build
//!   ID the default; only promote-id-in-set makes an old build ID a set's default again);
//!   with k >= 2 the new build IDs go to another S-set first, merged in under d;
//! - one more step (promote-set) when TARGET's default T-set gains no build ID (an add, with
//!   --set-as-default where needed, would make it the queue's default for free) and the
//!   queue's default is elsewhere when its turn comes: STATE's default set is in another
//!   T-set, or a T-set made of new build IDs only had to be created (add-new-default makes
//!   the new set the queue's default).
//!
//! The steps are only proposed here; `super` applies them to the model and compares the
//! result with TARGET, and the BFS test (`cli/tests/cli/plan.rs`) checks the counts.

use std::collections::{HashMap, HashSet};

use version_sets::{BuildId, QueueDefault, Update, VersionSets};

use crate::render::shown;

/// A state as the planner reads it: each set's build IDs in order (the default last), the
/// sets oldest first (the queue's default set last), and which build IDs are deleted.
struct Layout {
    sets: Vec<Vec<String>>,
    deleted: HashSet<String>,
}

impl Layout {
    fn of(state: &VersionSets) -> Self {
        let mut deleted = HashSet::new();
        let sets = state
            .sets()
            .map(|set| {
                set.build_ids()
                    .map(|record| {
                        let id = record.id().to_string();
                        if !record.is_active() {
                            deleted.insert(id.clone());
                        }
                        id
                    })
                    .collect()
            })
            .collect();
        Self { sets, deleted }
    }

    /// The index of the set holding each build ID.
    fn index(&self) -> HashMap<&str, usize> {
        self.sets
            .iter()
            .enumerate()
            .flat_map(|(index, set)| set.iter().map(move |id| (id.as_str(), index)))
            .collect()
    }
}

/// `[a, b, c]`.
fn listed(ids: &[String]) -> String {
    let ids: Vec<String> = ids.iter().map(|id| shown(id).into_owned()).collect();
    format!("[{}]", ids.join(", "))
}

fn id(text: &str) -> Result<BuildId, String> {
    BuildId::new(text).map_err(|error| format!("{}: {error}", shown(text)))
}

/// The proposed steps from `state` to `target`.
///
/// # Errors
/// Why no sequence of operations exists: a build ID would have to be removed, deleted or
/// restored, or a set split.
pub(crate) fn steps(state: &VersionSets, target: &VersionSets) -> Result<Vec<Update>, String> {
    let (from, to) = (Layout::of(state), Layout::of(target));
    let (from_index, to_index) = (from.index(), to.index());
    for set in &from.sets {
        for member in set {
            if !to_index.contains_key(member.as_str()) {
                return Err(format!(
                    "{} is in STATE and not in TARGET, and no operation removes a build ID",
                    shown(member)
                ));
            }
            if from.deleted.contains(member) != to.deleted.contains(member) {
                let (here, there) = if from.deleted.contains(member) {
                    ("deleted", "active")
                } else {
                    ("active", "deleted")
                };
                return Err(format!(
                    "{} is {here} in STATE and {there} in TARGET, and no operation deletes or restores a build ID",
                    shown(member)
                ));
            }
        }
        let mut targets = set
            .iter()
            .filter_map(|member| to_index.get(member.as_str()).map(|index| (member, index)));
        let first = targets.next();
        let split = first.and_then(|(first, first_index)| {
            targets
                .find(|(_, index)| *index != first_index)
                .map(|(other, _)| (first, other))
        });
        if let Some((first, other)) = split {
            return Err(format!(
                "STATE's set {} would have to be split ({} and {} are in different sets of TARGET), and no operation splits a set",
                listed(set),
                shown(first),
                shown(other)
            ));
        }
    }
    for member in &to.deleted {
        if !from_index.contains_key(member.as_str()) {
            return Err(format!(
                "{} is deleted in TARGET and not in STATE, and no operation deletes a build ID",
                shown(member)
            ));
        }
    }

    let last = to.sets.len().checked_sub(1);
    // TARGET's sets in the order their steps run: those built on sets of STATE (merges
    // first, so the set count stays low), then those of new build IDs only, and the queue's
    // default set last, so that whatever makes it the queue's default comes after every
    // add-new-default.
    let mut order: Vec<usize> = Vec::new();
    let is_new_only = |index: usize| {
        to.sets.get(index).is_some_and(|set| {
            set.iter()
                .all(|member| !from_index.contains_key(member.as_str()))
        })
    };
    order.extend((0..to.sets.len()).filter(|&i| Some(i) != last && !is_new_only(i)));
    order.extend((0..to.sets.len()).filter(|&i| Some(i) != last && is_new_only(i)));
    order.extend(last);

    // The S-sets inside each T-set, in STATE's order (found in one pass: a queue may hold
    // many sets).
    let mut parts_of: Vec<Vec<&Vec<String>>> = vec![Vec::new(); to.sets.len()];
    for part in &from.sets {
        let index = part
            .first()
            .and_then(|member| to_index.get(member.as_str()));
        if let Some(parts) = index.and_then(|&index| parts_of.get_mut(index)) {
            parts.push(part);
        }
    }
    let mut updates = Vec::new();
    for index in order {
        let (Some(set), Some(parts)) = (to.sets.get(index), parts_of.get(index)) else {
            continue;
        };
        let new: Vec<&String> = set
            .iter()
            .filter(|member| !from_index.contains_key(member.as_str()))
            .collect();
        let queue_default = if Some(index) == last {
            QueueDefault::Make
        } else {
            QueueDefault::Keep
        };
        build(set, parts, &new, queue_default, &mut updates)?;
    }
    Ok(updates)
}

/// The steps that build one T-set `set` from its S-sets `parts` and its `new` build IDs.
fn build(
    set: &[String],
    parts: &[&Vec<String>],
    new: &[&String],
    queue_default: QueueDefault,
    updates: &mut Vec<Update>,
) -> Result<(), String> {
    let Some(default) = set.last() else {
        return Ok(());
    };
    // The S-set that holds the default, if it is old, and the others.
    let home = parts.iter().position(|part| part.contains(default));
    let Some(home) = home else {
        // The default is new: the other new build IDs join the newest S-set (or the
        // default's new set, when there is none), the S-sets merge into it, the default
        // comes last. The newest as primary keeps the listing's order the server's would
        // be after the same history (a merge puts the primary's default last).
        let others: Vec<&String> = new
            .iter()
            .copied()
            .filter(|member| *member != default)
            .collect();
        let anchor = match parts.last().and_then(|part| part.last()) {
            Some(anchor) => anchor.clone(),
            None => {
                let Some((first, rest)) = others.split_first() else {
                    // The default alone: a new set.
                    updates.push(Update::add_new_default(id(default)?));
                    return Ok(());
                };
                updates.push(Update::add_new_default(id(first)?));
                for member in rest {
                    updates.push(Update::add_new_compatible(
                        id(member)?,
                        id(first)?,
                        QueueDefault::Keep,
                    ));
                }
                updates.push(Update::add_new_compatible(
                    id(default)?,
                    id(first)?,
                    QueueDefault::Keep,
                ));
                return Ok(());
            }
        };
        for member in others {
            updates.push(Update::add_new_compatible(
                id(member)?,
                id(&anchor)?,
                QueueDefault::Keep,
            ));
        }
        for part in parts.iter().rev().skip(1) {
            if let Some(other) = part.last() {
                updates.push(Update::merge_sets(id(&anchor)?, id(other)?));
            }
        }
        updates.push(Update::add_new_compatible(
            id(default)?,
            id(&anchor)?,
            queue_default,
        ));
        return Ok(());
    };
    let is_home_default = parts
        .get(home)
        .and_then(|part| part.last())
        .is_some_and(|last| last == default);
    // The S-set that takes the new build IDs: another than the default's when there is one,
    // so that merging it in under the default needs no promotion.
    let guest = (0..parts.len()).find(|&i| i != home).unwrap_or(home);
    if !is_home_default && guest != home {
        updates.push(Update::promote_build_id_within_set(id(default)?));
    }
    let guest_member = parts
        .get(guest)
        .and_then(|part| part.last())
        .cloned()
        .unwrap_or_else(|| default.clone());
    for (number, member) in new.iter().enumerate() {
        // Only the last add may make the set the queue's default: the queue's default set
        // is built last, so nothing after it moves the queue's default away.
        let make = if number + 1 == new.len() {
            queue_default
        } else {
            QueueDefault::Keep
        };
        updates.push(Update::add_new_compatible(
            id(member)?,
            id(&guest_member)?,
            make,
        ));
    }
    // The guest first: merged into the default's set, the queue's default stays with it.
    let mut merged: Vec<usize> = vec![guest];
    merged.extend((0..parts.len()).filter(|&i| i != home && i != guest));
    for index in merged {
        if index == home {
            continue;
        }
        if let Some(other) = parts.get(index).and_then(|part| part.last()) {
            updates.push(Update::merge_sets(id(default)?, id(other)?));
        }
    }
    if guest == home && (!is_home_default || !new.is_empty()) {
        updates.push(Update::promote_build_id_within_set(id(default)?));
    }
    Ok(())
}

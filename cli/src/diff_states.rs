//! `version-sets diff A B`: two states of a task queue compared for dispatch: how the sets
//! changed, and what each change means for pollers, new workflows and existing workflows'
//! tasks, each answer the model's `poll` and `add_task` on either side.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::{Value, json};
use version_sets::{DispatchQueue, Provenance, VersionSets};

use super::{Output, Status, state};

/// Compare two states of a task queue for dispatch.
///
/// A and B may each be any shape `show` accepts. Sets are told apart by their build IDs,
/// never by set IDs (which the public forms lack), and nothing rests on timestamps. Prints
/// what changed in the sets (sets added, removed and merged, build IDs added, removed,
/// moved, deleted and revived), the defaults (the queue's, each set's), then what that
/// means: where new workflows go, which pollers' answers change (accepted, refused because
/// a newer compatible build exists, or an unknown build ID polling its own queue), and
/// where the tasks of workflows already on each build ID go, before and after. When one
/// side is a public form (which shows no deleted build IDs), the other side's deleted build
/// IDs are left out, with a note. Data with worker-versioning rules is refused (exit 2):
/// the server routes by them before the sets. With -o json: {"sameForDispatch", "sets": {"added":
/// [SET], "removed": [SET], "merged": [{"from": [SET, ...], "into": SET}], "moved":
/// [{"buildId", "from": SET, "to": SET}], "buildIdsAdded": [{"buildId", "set": SET}],
/// "buildIdsRemoved": [{"buildId", "set": SET}], "deleted": [ID], "revived": [ID]},
/// "defaults": {"queueDefault": {"before", "after"} | null, "setDefaults": [{"set": SET,
/// "before", "after"}]}, "newWorkflows": {"before", "after"} | null, "pollers":
/// [{"buildId", "before", "after"}], "tasks": [{"buildId", "before", "after"}]}, SET a
/// list of build IDs, each poller answer {"answer": "accepted" | "newerBuildExists" |
/// "unknownBuildId", "defaultBuildId"}, each task answer {"answer": "set" |
/// "unknownBuildId" | "unversioned", "defaultBuildId"} (the build that runs it).
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  version-sets diff before.json after.json")]
pub(crate) struct Args {
    /// The state before (any shape `show` accepts), or - for standard input
    #[arg(value_name = "A")]
    before: PathBuf,
    /// The state after (any shape `show` accepts), or - for standard input
    #[arg(value_name = "B")]
    after: PathBuf,
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    if args.before.as_os_str() == "-" && args.after.as_os_str() == "-" {
        output.diagnostic("A and B cannot both be standard input");
        return Status::BadInput;
    }
    let Some(before) = state::open_examined(&args.before, output) else {
        return Status::BadInput;
    };
    let Some(after) = state::open_examined(&args.after, output) else {
        return Status::BadInput;
    };
    // Where the data has rules, the server routes new workflows and unknown build IDs by
    // them before the sets, as `poll` and `add-task` refuse to answer.
    for (path, opened) in [(&args.before, &before), (&args.after, &after)] {
        if !opened.rules.is_empty() {
            output.diagnostic(state::decided_by_rules(path, &opened.rules));
            return Status::BadInput;
        }
    }
    let before_state = comparable(&before, &after, &args.before, &args.after, output);
    let after_state = comparable(&after, &before, &args.after, &args.before, output);
    let diff = Diff::of(&before_state, &after_state);
    if output.json() {
        output.document(&diff.json());
    } else {
        for line in diff.text() {
            output.line(line);
        }
    }
    if diff.same_for_dispatch() {
        Status::Ok
    } else {
        Status::Failed
    }
}

/// `side` as it can be compared with `other`: without its deleted build IDs when `other`
/// is a public form, which shows none (said in a note).
fn comparable(
    side: &state::Opened,
    other: &state::Opened,
    side_path: &std::path::Path,
    other_path: &std::path::Path,
    output: &mut Output<'_>,
) -> VersionSets {
    let mut sets = side.state.clone();
    let deleted: usize = sets
        .sets()
        .map(|set| set.build_ids().filter(|r| !r.is_active()).count())
        .sum();
    if deleted > 0 && other.provenance.tombstones_missing() && side.provenance == Provenance::Exact
    {
        sets.clear_tombstones();
        output.diagnostic(format_args!(
            "{}: note: {} is a {}, which shows no deleted build IDs; {}'s {deleted} deleted build ID{} {} left out",
            super::input::name_of(side_path),
            super::input::name_of(other_path),
            other.shape,
            super::input::name_of(side_path),
            if deleted == 1 { "" } else { "s" },
            if deleted == 1 { "is" } else { "are" },
        ));
    }
    sets
}

/// A set, by its build IDs in stored order.
type Members = Vec<String>;

/// Where a poller with a build ID polls, or why it is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Poll {
    Accepted,
    NewerBuildExists(String),
    UnknownBuildId,
}

/// Where a task goes: the build that runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Task {
    Set(String),
    UnknownBuildId,
    Unversioned,
}

/// What changed between two states.
#[derive(Debug, Default)]
struct Diff {
    sets_added: Vec<Members>,
    sets_removed: Vec<Members>,
    merged: Vec<(Vec<Members>, Members)>,
    moved: Vec<(String, Members, Members)>,
    ids_added: Vec<(String, Members)>,
    ids_removed: Vec<(String, Members)>,
    deleted: Vec<String>,
    revived: Vec<String>,
    queue_default: Option<(Option<String>, Option<String>)>,
    set_defaults: Vec<(Members, String, String)>,
    new_workflows: Option<(Task, Task)>,
    pollers: Vec<(String, Poll, Poll)>,
    tasks: Vec<(String, Task, Task)>,
}

/// Each set's build IDs, oldest set first.
fn members(sets: &VersionSets) -> Vec<Members> {
    sets.sets()
        .map(|set| set.build_ids().map(|r| r.id().to_string()).collect())
        .collect()
}

/// The index of the set holding each build ID.
fn index(sets: &[Members]) -> BTreeMap<&str, usize> {
    sets.iter()
        .enumerate()
        .flat_map(|(i, set)| set.iter().map(move |id| (id.as_str(), i)))
        .collect()
}

fn poll(sets: &VersionSets, id: &str) -> Poll {
    match sets.poll(id) {
        Ok(DispatchQueue::Guessed(_)) => Poll::UnknownBuildId,
        Ok(_) => Poll::Accepted,
        Err(newer) => Poll::NewerBuildExists(newer.default_build_id.to_string()),
    }
}

fn task(sets: &VersionSets, id: Option<&str>) -> Task {
    match sets.add_task(id) {
        DispatchQueue::Set(set) => Task::Set(set.default_build_id().to_string()),
        DispatchQueue::Guessed(_) => Task::UnknownBuildId,
        DispatchQueue::Unversioned => Task::Unversioned,
    }
}

impl Diff {
    fn of(before: &VersionSets, after: &VersionSets) -> Self {
        let mut diff = Self::default();
        let (old, new) = (members(before), members(after));
        let (old_index, new_index) = (index(&old), index(&new));
        let homes = diff.sets(&old, &new, &old_index, &new_index);
        diff.build_ids(before, after, &old, &new, &old_index, &new_index);
        diff.defaults(before, after, &old, &new, &homes);
        diff.dispatch(before, after, &old, &new);
        diff
    }

    /// Sets added, removed and merged, and build IDs moved between sets. Returns each old
    /// set's home: the new set holding most of its build IDs (the earliest on a tie), none
    /// when its build IDs are all gone or it was merged whole into another.
    fn sets(
        &mut self,
        old: &[Members],
        new: &[Members],
        old_index: &BTreeMap<&str, usize>,
        new_index: &BTreeMap<&str, usize>,
    ) -> Vec<Option<usize>> {
        // Where each old set's build IDs are now, and where each new set's were.
        let targets = |set: &Members| -> BTreeSet<usize> {
            set.iter()
                .filter_map(|id| new_index.get(id.as_str()).copied())
                .collect()
        };
        let sources = |set: &Members| -> BTreeSet<usize> {
            set.iter()
                .filter_map(|id| old_index.get(id.as_str()).copied())
                .collect()
        };
        for set in new {
            if sources(set).is_empty() {
                self.sets_added.push(set.clone());
            }
        }
        // An old set is whole in a new set when every one of its build IDs still there is.
        let whole_in: Vec<Option<usize>> = old
            .iter()
            .map(|set| {
                let targets = targets(set);
                (targets.len() == 1)
                    .then(|| targets.first().copied())
                    .flatten()
            })
            .collect();
        let mut merged_into = BTreeSet::new();
        for (j, set) in new.iter().enumerate() {
            let whole: Vec<Members> = old
                .iter()
                .zip(&whole_in)
                .filter(|(_, into)| **into == Some(j))
                .map(|(set, _)| set.clone())
                .collect();
            if whole.len() > 1 {
                self.merged.push((whole, set.clone()));
                merged_into.insert(j);
            }
        }
        // A build ID away from its old set's home moved.
        let mut homes = Vec::with_capacity(old.len());
        for (i, set) in old.iter().enumerate() {
            let targets = targets(set);
            if targets.is_empty() {
                self.sets_removed.push(set.clone());
                homes.push(None);
                continue;
            }
            let count = |j: usize| {
                set.iter()
                    .filter(|id| new_index.get(id.as_str()) == Some(&j))
                    .count()
            };
            let Some(home) = targets
                .iter()
                .copied()
                .max_by_key(|&j| (count(j), std::cmp::Reverse(j)))
            else {
                homes.push(None);
                continue;
            };
            let merged = merged_into.contains(&home) && whole_in.get(i) == Some(&Some(home));
            homes.push((!merged).then_some(home));
            for id in set {
                let Some(&j) = new_index.get(id.as_str()) else {
                    continue;
                };
                if j != home {
                    if let Some(to) = new.get(j) {
                        self.moved.push((id.clone(), set.clone(), to.clone()));
                    }
                }
            }
        }
        homes
    }

    /// Build IDs added, removed, deleted and revived.
    fn build_ids(
        &mut self,
        before: &VersionSets,
        after: &VersionSets,
        old: &[Members],
        new: &[Members],
        old_index: &BTreeMap<&str, usize>,
        new_index: &BTreeMap<&str, usize>,
    ) {
        for set in new {
            let added_set = set.iter().all(|id| !old_index.contains_key(id.as_str()));
            for id in set {
                if !old_index.contains_key(id.as_str()) && !added_set {
                    self.ids_added.push((id.clone(), set.clone()));
                }
            }
        }
        for set in old {
            let removed_set = set.iter().all(|id| !new_index.contains_key(id.as_str()));
            for id in set {
                if !new_index.contains_key(id.as_str()) && !removed_set {
                    self.ids_removed.push((id.clone(), set.clone()));
                }
            }
        }
        for set in new {
            for id in set {
                let active = |sets: &VersionSets| sets.record(id).map(|r| r.is_active());
                match (active(before), active(after)) {
                    (Some(true), Some(false)) => self.deleted.push(id.clone()),
                    (Some(false), Some(true)) => self.revived.push(id.clone()),
                    _ => {}
                }
            }
        }
    }

    /// The queue's default, and the default of each set that has a home (not merged).
    fn defaults(
        &mut self,
        before: &VersionSets,
        after: &VersionSets,
        old: &[Members],
        new: &[Members],
        homes: &[Option<usize>],
    ) {
        let (was, is) = (
            before.default_build_id().map(ToString::to_string),
            after.default_build_id().map(ToString::to_string),
        );
        if was != is {
            self.queue_default = Some((was, is));
        }
        for (set, home) in old.iter().zip(homes) {
            let Some(now) = home.and_then(|j| new.get(j)) else {
                continue;
            };
            if let (Some(was), Some(is)) = (set.last(), now.last()) {
                if was != is {
                    self.set_defaults
                        .push((now.clone(), was.clone(), is.clone()));
                }
            }
        }
    }

    /// What pollers, new workflows and existing workflows' tasks get, on either side.
    fn dispatch(
        &mut self,
        before: &VersionSets,
        after: &VersionSets,
        old: &[Members],
        new: &[Members],
    ) {
        let (was, is) = (task(before, None), task(after, None));
        if was != is {
            self.new_workflows = Some((was, is));
        }
        let mut seen = BTreeSet::new();
        let ids: Vec<&String> = old
            .iter()
            .chain(new)
            .flatten()
            .filter(|id| seen.insert(id.as_str()))
            .collect();
        for id in ids {
            let (was, is) = (poll(before, id), poll(after, id));
            if was != is {
                self.pollers.push((id.clone(), was, is));
            }
            let (was, is) = (task(before, Some(id)), task(after, Some(id)));
            if was != is {
                self.tasks.push((id.clone(), was, is));
            }
        }
    }

    fn same_for_dispatch(&self) -> bool {
        self.new_workflows.is_none() && self.pollers.is_empty() && self.tasks.is_empty()
    }

    fn text(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let mut section = |title: &str, items: Vec<String>| {
            if !items.is_empty() {
                lines.push(format!("{title}:"));
                lines.extend(items.into_iter().map(|item| format!("  {item}")));
            }
        };
        let mut sets = Vec::new();
        sets.extend(
            self.sets_added
                .iter()
                .map(|set| format!("set added {}", list(set))),
        );
        sets.extend(
            self.sets_removed
                .iter()
                .map(|set| format!("set removed {}", list(set))),
        );
        sets.extend(self.merged.iter().map(|(from, into)| {
            let from: Vec<String> = from.iter().map(|set| list(set)).collect();
            format!("sets merged {} into {}", from.join(" + "), list(into))
        }));
        sets.extend(
            self.moved
                .iter()
                .map(|(id, from, to)| format!("{id} moved from {} to {}", list(from), list(to))),
        );
        sets.extend(
            self.ids_added
                .iter()
                .map(|(id, set)| format!("{id} added to {}", list(set))),
        );
        sets.extend(
            self.ids_removed
                .iter()
                .map(|(id, set)| format!("{id} removed from {}", list(set))),
        );
        sets.extend(
            self.deleted
                .iter()
                .map(|id| format!("{id} deleted (a tombstone)")),
        );
        sets.extend(
            self.revived
                .iter()
                .map(|id| format!("{id} revived (no longer deleted)")),
        );
        section("sets", sets);
        let mut defaults = Vec::new();
        if let Some((was, is)) = &self.queue_default {
            defaults.push(format!(
                "queue default: {} -> {}",
                was.as_deref().unwrap_or("none"),
                is.as_deref().unwrap_or("none")
            ));
        }
        defaults.extend(
            self.set_defaults
                .iter()
                .map(|(set, was, is)| format!("default of {}: {was} -> {is}", list(set))),
        );
        section("defaults", defaults);
        if let Some((was, is)) = &self.new_workflows {
            section(
                "new workflows",
                vec![format!("{} -> {}", task_text(was), task_text(is))],
            );
        }
        section(
            "pollers",
            self.pollers
                .iter()
                .map(|(id, was, is)| format!("{id}: {} -> {}", poll_text(was), poll_text(is)))
                .collect(),
        );
        section(
            "tasks of workflows already on a build ID",
            self.tasks
                .iter()
                .map(|(id, was, is)| format!("on {id}: {} -> {}", task_text(was), task_text(is)))
                .collect(),
        );
        lines.push(
            if self.same_for_dispatch() {
                "same for dispatch"
            } else {
                "different for dispatch"
            }
            .to_owned(),
        );
        lines
    }

    fn json(&self) -> Value {
        let pair = |was: Value, is: Value| json!({ "before": was, "after": is });
        json!({
            "sameForDispatch": self.same_for_dispatch(),
            "sets": {
                "added": self.sets_added,
                "removed": self.sets_removed,
                "merged": self.merged.iter().map(|(from, into)| json!({ "from": from, "into": into })).collect::<Vec<_>>(),
                "moved": self.moved.iter().map(|(id, from, to)| json!({ "buildId": id, "from": from, "to": to })).collect::<Vec<_>>(),
                "buildIdsAdded": self.ids_added.iter().map(|(id, set)| json!({ "buildId": id, "set": set })).collect::<Vec<_>>(),
                "buildIdsRemoved": self.ids_removed.iter().map(|(id, set)| json!({ "buildId": id, "set": set })).collect::<Vec<_>>(),
                "deleted": self.deleted,
                "revived": self.revived,
            },
            "defaults": {
                "queueDefault": self.queue_default.as_ref().map(|(was, is)| pair(json!(was), json!(is))),
                "setDefaults": self.set_defaults.iter().map(|(set, was, is)| json!({ "set": set, "before": was, "after": is })).collect::<Vec<_>>(),
            },
            "newWorkflows": self.new_workflows.as_ref().map(|(was, is)| pair(task_json(was), task_json(is))),
            "pollers": self.pollers.iter().map(|(id, was, is)| json!({ "buildId": id, "before": poll_json(was), "after": poll_json(is) })).collect::<Vec<_>>(),
            "tasks": self.tasks.iter().map(|(id, was, is)| json!({ "buildId": id, "before": task_json(was), "after": task_json(is) })).collect::<Vec<_>>(),
        })
    }
}

/// `[a, b]`.
fn list(set: &[String]) -> String {
    format!("[{}]", set.join(", "))
}

fn poll_text(poll: &Poll) -> String {
    match poll {
        Poll::Accepted => "accepted".to_owned(),
        Poll::NewerBuildExists(default) => format!("refused (newer compatible build {default})"),
        Poll::UnknownBuildId => "unknown build ID (polls its own queue)".to_owned(),
    }
}

fn poll_json(poll: &Poll) -> Value {
    match poll {
        Poll::Accepted => json!({ "answer": "accepted", "defaultBuildId": null }),
        Poll::NewerBuildExists(default) => {
            json!({ "answer": "newerBuildExists", "defaultBuildId": default })
        }
        Poll::UnknownBuildId => json!({ "answer": "unknownBuildId", "defaultBuildId": null }),
    }
}

fn task_text(task: &Task) -> String {
    match task {
        Task::Set(default) => format!("run on {default}"),
        Task::UnknownBuildId => "unknown build ID (its own queue)".to_owned(),
        Task::Unversioned => "unversioned".to_owned(),
    }
}

fn task_json(task: &Task) -> Value {
    match task {
        Task::Set(default) => json!({ "answer": "set", "defaultBuildId": default }),
        Task::UnknownBuildId => json!({ "answer": "unknownBuildId", "defaultBuildId": null }),
        Task::Unversioned => json!({ "answer": "unversioned", "defaultBuildId": null }),
    }
}

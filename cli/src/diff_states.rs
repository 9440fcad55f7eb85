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
/// the server routes by them before the sets. A set of more than 8 build IDs is cut short in
/// text. With -o json: {"sameForDispatch", "setsBefore": [[ID, ...], ...], "setsAfter": [[ID,
/// ...], ...], "sets": {"added": [N], "removed": [N], "merged": [{"from": [N, ...], "into":
/// N}], "moved": [{"buildId", "from": N, "to": N}], "buildIdsAdded": [{"buildId", "set": N}],
/// "buildIdsRemoved": [{"buildId", "set": N}], "deleted": [ID], "revived": [ID]},
/// "defaults": {"queueDefault": {"before", "after"} | null, "setDefaults": [{"set": N,
/// "before", "after"}]}, "newWorkflows": {"before", "after"} | null, "pollers": [{"buildId",
/// "before", "after"}], "tasks": [{"buildId", "before", "after"}]}, N a set's position
/// (1-based, oldest first) in setsBefore (for removed, from and buildIdsRemoved) or else in
/// setsAfter, each poller answer
/// {"answer": "accepted" | "newerBuildExists" | "unknownBuildId", "defaultBuildId"}, each
/// task answer {"answer": "set" | "unknownBuildId" | "unversioned", "defaultBuildId"} (the
/// build that runs it).
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
    let Some(before) = state::open(&args.before, output) else {
        return Status::BadInput;
    };
    let Some(after) = state::open(&args.after, output) else {
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
    let mut sets = side.sets.clone();
    let deleted: usize = sets
        .sets()
        .map(|set| set.build_ids().filter(|r| !r.is_active()).count())
        .sum();
    if deleted > 0
        && !other.facts.tombstones_known()
        && side.facts.provenance() == Provenance::Exact
    {
        sets.clear_tombstones();
        output.diagnostic(format_args!(
            "{}: note: {} is a {}, which shows no deleted build IDs; {}'s {deleted} deleted build ID{} {} left out",
            super::input::name_of(side_path),
            super::input::name_of(other_path),
            other.facts.shape(),
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

/// What changed between two states. A set is named by its index among the sets before
/// (`old`) or after (`new`), so that nothing is copied per build ID: the sets are written
/// once, in JSON, or cut short in text ([`MAX_SHOWN`]).
#[derive(Debug, Default)]
struct Diff {
    old: Vec<Members>,
    new: Vec<Members>,
    /// New sets.
    sets_added: Vec<usize>,
    /// Old sets.
    sets_removed: Vec<usize>,
    /// Old sets merged whole into a new one.
    merged: Vec<(Vec<usize>, usize)>,
    /// A build ID, its old set and its new set.
    moved: Vec<(String, usize, usize)>,
    /// A build ID and its new set.
    ids_added: Vec<(String, usize)>,
    /// A build ID and its old set.
    ids_removed: Vec<(String, usize)>,
    deleted: Vec<String>,
    revived: Vec<String>,
    queue_default: Option<(Option<String>, Option<String>)>,
    /// A new set, its old default and its default.
    set_defaults: Vec<(usize, String, String)>,
    new_workflows: Option<(Task, Task)>,
    pollers: Vec<(String, Poll, Poll)>,
    tasks: Vec<(String, Task, Task)>,
}

/// The most build IDs a set shows in text; the rest are counted.
const MAX_SHOWN: usize = 8;

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
        diff.old = old;
        diff.new = new;
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
        for (j, set) in new.iter().enumerate() {
            if set.iter().all(|id| !old_index.contains_key(id.as_str())) {
                self.sets_added.push(j);
            }
        }
        // How many of each old set's build IDs each new set holds, in one pass over them.
        let tallies: Vec<BTreeMap<usize, usize>> = old
            .iter()
            .map(|set| {
                let mut tally = BTreeMap::new();
                for j in set.iter().filter_map(|id| new_index.get(id.as_str())) {
                    *tally.entry(*j).or_insert(0_usize) += 1;
                }
                tally
            })
            .collect();
        // An old set is whole in a new set when every one of its build IDs still there is;
        // a new set that two or more old sets are whole in is their merge.
        let mut whole_in: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, tally) in tallies.iter().enumerate() {
            if let (1, Some(&j)) = (tally.len(), tally.keys().next()) {
                whole_in.entry(j).or_default().push(i);
            }
        }
        let mut merged_into = BTreeSet::new();
        for (&j, sources) in &whole_in {
            if sources.len() > 1 {
                self.merged.push((sources.clone(), j));
                merged_into.insert(j);
            }
        }
        // An old set's home is the new set holding most of its build IDs (the earliest on a
        // tie); a build ID elsewhere moved.
        let mut homes = Vec::with_capacity(old.len());
        for (i, (set, tally)) in old.iter().zip(&tallies).enumerate() {
            let Some(home) = tally
                .iter()
                .max_by_key(|(j, count)| (**count, std::cmp::Reverse(**j)))
                .map(|(j, _)| *j)
            else {
                self.sets_removed.push(i);
                homes.push(None);
                continue;
            };
            let merged = tally.len() == 1 && merged_into.contains(&home);
            homes.push((!merged).then_some(home));
            for id in set {
                let Some(&j) = new_index.get(id.as_str()) else {
                    continue;
                };
                if j != home {
                    self.moved.push((id.clone(), i, j));
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
        for (j, set) in new.iter().enumerate() {
            let added_set = set.iter().all(|id| !old_index.contains_key(id.as_str()));
            for id in set {
                if !old_index.contains_key(id.as_str()) && !added_set {
                    self.ids_added.push((id.clone(), j));
                }
            }
        }
        for (i, set) in old.iter().enumerate() {
            let removed_set = set.iter().all(|id| !new_index.contains_key(id.as_str()));
            for id in set {
                if !new_index.contains_key(id.as_str()) && !removed_set {
                    self.ids_removed.push((id.clone(), i));
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
        // Each new set once, from the first old set whose home it is.
        let mut told = BTreeSet::new();
        for (set, home) in old.iter().zip(homes) {
            let Some((j, now)) = home.and_then(|j| Some((j, new.get(j)?))) else {
                continue;
            };
            if let (Some(was), Some(is)) = (set.last(), now.last()) {
                if was != is && told.insert(j) {
                    self.set_defaults.push((j, was.clone(), is.clone()));
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
        let (was, is) = (
            |i: &usize| self.shown_old(*i),
            |j: &usize| self.shown_new(*j),
        );
        let mut sets = Vec::new();
        sets.extend(
            self.sets_added
                .iter()
                .map(|j| format!("set added {}", is(j))),
        );
        sets.extend(
            self.sets_removed
                .iter()
                .map(|i| format!("set removed {}", was(i))),
        );
        sets.extend(self.merged.iter().map(|(from, into)| {
            let from: Vec<String> = from.iter().map(was).collect();
            format!("sets merged {} into {}", from.join(" + "), is(into))
        }));
        sets.extend(
            self.moved
                .iter()
                .map(|(id, from, to)| format!("{id} moved from {} to {}", was(from), is(to))),
        );
        sets.extend(
            self.ids_added
                .iter()
                .map(|(id, j)| format!("{id} added to {}", is(j))),
        );
        sets.extend(
            self.ids_removed
                .iter()
                .map(|(id, i)| format!("{id} removed from {}", was(i))),
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
                .map(|(j, was, is)| format!("default of {}: {was} -> {is}", self.shown_new(*j))),
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

    /// A set before, as text shows it.
    fn shown_old(&self, i: usize) -> String {
        self.old.get(i).map_or_else(String::new, |set| list(set))
    }

    /// A set after, as text shows it.
    fn shown_new(&self, j: usize) -> String {
        self.new.get(j).map_or_else(String::new, |set| list(set))
    }

    fn json(&self) -> Value {
        let pair = |was: Value, is: Value| json!({ "before": was, "after": is });
        // Sets by position, 1-based, oldest first (as `show` numbers them).
        let at = |index: &usize| index + 1;
        json!({
            "sameForDispatch": self.same_for_dispatch(),
            "setsBefore": self.old,
            "setsAfter": self.new,
            "sets": {
                "added": self.sets_added.iter().map(at).collect::<Vec<_>>(),
                "removed": self.sets_removed.iter().map(at).collect::<Vec<_>>(),
                "merged": self.merged.iter().map(|(from, into)| json!({ "from": from.iter().map(at).collect::<Vec<_>>(), "into": at(into) })).collect::<Vec<_>>(),
                "moved": self.moved.iter().map(|(id, from, to)| json!({ "buildId": id, "from": at(from), "to": at(to) })).collect::<Vec<_>>(),
                "buildIdsAdded": self.ids_added.iter().map(|(id, set)| json!({ "buildId": id, "set": at(set) })).collect::<Vec<_>>(),
                "buildIdsRemoved": self.ids_removed.iter().map(|(id, set)| json!({ "buildId": id, "set": at(set) })).collect::<Vec<_>>(),
                "deleted": self.deleted,
                "revived": self.revived,
            },
            "defaults": {
                "queueDefault": self.queue_default.as_ref().map(|(was, is)| pair(json!(was), json!(is))),
                "setDefaults": self.set_defaults.iter().map(|(set, was, is)| json!({ "set": at(set), "before": was, "after": is })).collect::<Vec<_>>(),
            },
            "newWorkflows": self.new_workflows.as_ref().map(|(was, is)| pair(task_json(was), task_json(is))),
            "pollers": self.pollers.iter().map(|(id, was, is)| json!({ "buildId": id, "before": poll_json(was), "after": poll_json(is) })).collect::<Vec<_>>(),
            "tasks": self.tasks.iter().map(|(id, was, is)| json!({ "buildId": id, "before": task_json(was), "after": task_json(is) })).collect::<Vec<_>>(),
        })
    }
}

/// `[a, b]`; past [`MAX_SHOWN`] build IDs, `[a, b, ... and 12 more]`.
fn list(set: &[String]) -> String {
    let shown: Vec<&str> = set.iter().take(MAX_SHOWN).map(String::as_str).collect();
    match set.len().checked_sub(MAX_SHOWN) {
        Some(more) if more > 0 => format!("[{}, ... and {more} more]", shown.join(", ")),
        _ => format!("[{}]", shown.join(", ")),
    }
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

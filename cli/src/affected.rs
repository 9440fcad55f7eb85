//! Who a change affects: the model's dispatch answers (`poll`, `add_task`, `resolve`) for
//! every build ID, asked of the state before and after. `update --dry-run` and `apply
//! --dry-run` print the answers that change; `plan` checks its result against TARGET with
//! the same answers.
//!
//! Every answer here is one the library gives: this module asks and compares, and holds
//! no rule of its own about where work goes.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use serde_json::{Value, json};
use version_sets::{DispatchQueue, Target, TargetQueue, VersionSets, VersioningIntent};

use super::render::shown;

/// What a poller with a build ID gets (`VersionSets::poll`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Poll {
    /// Accepted: the build ID is its set's default.
    Accepted,
    /// Refused: the set has this newer default.
    Refused(String),
    /// The build ID is in no set: it polls a queue of its own.
    Unknown,
}

/// Where a task goes (`VersionSets::add_task`), and which build ID's workers take it.
#[derive(Debug, Clone)]
pub(crate) enum Task {
    /// A set's queue: which set (its members, interned across the two states compared, so
    /// that comparing two answers costs no more than comparing two numbers), its build IDs
    /// in the set's order, and its default, which polls it.
    Set {
        members: usize,
        listed: Rc<[String]>,
        runs_on: String,
    },
    /// The build ID is in no set: the task waits on that build ID's own queue.
    OwnQueue(String),
    /// No sets: unversioned workers take it.
    Unversioned,
}

impl PartialEq for Task {
    /// Dispatch does not read the order of a set's build IDs, only which they are and
    /// which is the default.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Self::Set {
                    members, runs_on, ..
                },
                Self::Set {
                    members: others,
                    runs_on: other_runs_on,
                    ..
                },
            ) => members == others && runs_on == other_runs_on,
            (Self::OwnQueue(id), Self::OwnQueue(other)) => id == other,
            (Self::Unversioned, Self::Unversioned) => true,
            _ => false,
        }
    }
}

impl Eq for Task {}

impl Hash for Task {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Self::Set {
                members, runs_on, ..
            } => (0_u8, members, runs_on).hash(state),
            Self::OwnQueue(id) => (1_u8, id).hash(state),
            Self::Unversioned => 2_u8.hash(state),
        }
    }
}

/// The intents a workflow's new work (activities, children, continue-as-new) may state.
const INTENTS: [VersioningIntent; 3] = [
    VersioningIntent::Compatible,
    VersioningIntent::Unspecified,
    VersioningIntent::Default,
];

/// One state, asked the dispatch questions. Each set's members are copied and interned
/// once, so that asking about every build ID costs time linear in the state, whatever the
/// size of its sets.
struct Asker<'a> {
    state: &'a VersionSets,
    /// By each set's default: its interned members and its build IDs in order.
    sets: HashMap<String, (usize, Rc<[String]>)>,
}

impl<'a> Asker<'a> {
    /// `interned` numbers each set of members, the same number for the same members in
    /// either state.
    fn new(state: &'a VersionSets, interned: &mut HashMap<Vec<String>, usize>) -> Self {
        let mut sets = HashMap::new();
        for set in state.sets() {
            let listed: Rc<[String]> = set
                .build_ids()
                .map(|record| record.id().to_string())
                .collect();
            let mut key = listed.to_vec();
            key.sort_unstable();
            let next = interned.len();
            let members = *interned.entry(key).or_insert(next);
            sets.insert(set.default_build_id().to_string(), (members, listed));
        }
        Self { state, sets }
    }

    /// The model's answer to `poll`.
    fn poll(&self, id: &str) -> Poll {
        match self.state.poll(id) {
            Ok(DispatchQueue::Set(_) | DispatchQueue::Unversioned) => Poll::Accepted,
            Ok(DispatchQueue::Guessed(_)) => Poll::Unknown,
            Err(refused) => Poll::Refused(refused.default_build_id.to_string()),
        }
    }

    /// The model's answer to `add_task` (`None`: a task for the queue's default, as a new
    /// workflow's first task is).
    fn task(&self, id: Option<&str>) -> Task {
        match self.state.add_task(id) {
            DispatchQueue::Set(set) => {
                let runs_on = set.default_build_id().to_string();
                // Every set the model answers with is one of `state.sets()`, listed above
                // by its default; the fallback is never taken.
                let (members, listed) = self
                    .sets
                    .get(&runs_on)
                    .cloned()
                    .unwrap_or_else(|| (usize::MAX, Rc::from(Vec::new())));
                Task::Set {
                    members,
                    listed,
                    runs_on,
                }
            }
            DispatchQueue::Guessed(guess) => Task::OwnQueue(guess.build_id().to_owned()),
            DispatchQueue::Unversioned => Task::Unversioned,
        }
    }

    /// The model's answer to `resolve` for work issued on this queue by a workflow on `id`.
    fn resolve(&self, intent: VersioningIntent, id: &str) -> Target {
        self.state
            .resolve(intent, Some(id), TargetQueue::Same)
            .into_target()
    }
}

/// Every build ID of `states`, each once, in the order the first state lists them, then
/// the ones only later states hold.
fn build_ids(states: &[&VersionSets]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for state in states {
        for set in state.sets() {
            for record in set.build_ids() {
                let id = record.id().to_string();
                if seen.insert(id.clone()) {
                    ids.push(id);
                }
            }
        }
    }
    ids
}

/// What a group of workflows is told apart by: its tasks' answers before and after, and
/// each intent's.
type GroupKey = (Task, Task, Vec<(Target, Target)>);

/// Two states, to be compared for dispatch.
pub(crate) struct Pair<'a> {
    before: Asker<'a>,
    after: Asker<'a>,
}

impl<'a> Pair<'a> {
    pub(crate) fn new(before: &'a VersionSets, after: &'a VersionSets) -> Self {
        let mut interned = HashMap::new();
        Self {
            before: Asker::new(before, &mut interned),
            after: Asker::new(after, &mut interned),
        }
    }

    /// Whether a new workflow's task goes to the same place in both.
    pub(crate) fn same_new_workflows(&self) -> bool {
        self.before.task(None) == self.after.task(None)
    }

    /// Whether the two give the same answer to every dispatch question: every build ID's
    /// poll and task, and a new workflow's task. The first question they answer
    /// differently when they do not, in words (the first state "here", the second
    /// "in TARGET").
    pub(crate) fn same_for_dispatch(&self) -> Result<(), String> {
        let (a, b) = (&self.before, &self.after);
        if !self.same_new_workflows() {
            return Err(format!(
                "new workflows: {} here, {} in TARGET",
                task_text(&a.task(None)),
                task_text(&b.task(None))
            ));
        }
        for id in build_ids(&[a.state, b.state]) {
            let (poll_a, poll_b) = (a.poll(&id), b.poll(&id));
            if poll_a != poll_b {
                return Err(format!(
                    "poller {}: {} here, {} in TARGET",
                    shown(&id),
                    poll_text(&poll_a),
                    poll_text(&poll_b)
                ));
            }
            let (task_a, task_b) = (a.task(Some(&id)), b.task(Some(&id)));
            if task_a != task_b {
                return Err(format!(
                    "workflows on {}: {} here, {} in TARGET",
                    shown(&id),
                    task_text(&task_a),
                    task_text(&task_b)
                ));
            }
        }
        Ok(())
    }

    /// Who a change from the first state to the second affects: every question, for every
    /// build ID either holds.
    pub(crate) fn affected(&self) -> Affected {
        let (before, after) = (&self.before, &self.after);
        let ids = build_ids(&[before.state, after.state]);
        let pollers = ids
            .iter()
            .map(|id| {
                let change = Change {
                    before: before.poll(id),
                    after: after.poll(id),
                };
                (id.clone(), change)
            })
            .collect();
        // Build IDs whose workflows get the same answers to every question are one group
        // (the members of a set, as it turns out, but that is the answers' doing, not
        // assumed here), found by hash so that many groups cost no more than a few.
        let mut workflows: Vec<Workflows> = Vec::new();
        let mut groups: HashMap<GroupKey, usize> = HashMap::new();
        for id in ids {
            let tasks = Change {
                before: before.task(Some(&id)),
                after: after.task(Some(&id)),
            };
            let intents: Vec<Change<Target>> = INTENTS
                .iter()
                .map(|intent| Change {
                    before: before.resolve(*intent, &id),
                    after: after.resolve(*intent, &id),
                })
                .collect();
            let key = (
                tasks.before.clone(),
                tasks.after.clone(),
                intents
                    .iter()
                    .map(|change| (change.before.clone(), change.after.clone()))
                    .collect(),
            );
            match groups.get(&key).and_then(|&index| workflows.get_mut(index)) {
                Some(group) => group.ids.push(id),
                None => {
                    groups.insert(key, workflows.len());
                    workflows.push(Workflows {
                        ids: vec![id],
                        tasks,
                        intents,
                    });
                }
            }
        }
        Affected {
            pollers,
            new_workflows: Change {
                before: before.task(None),
                after: after.task(None),
            },
            workflows,
        }
    }
}

/// A before/after pair of answers.
struct Change<T> {
    before: T,
    after: T,
}

impl<T: PartialEq> Change<T> {
    fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// The existing workflows of one or more build IDs that every question answers alike.
struct Workflows {
    ids: Vec<String>,
    tasks: Change<Task>,
    /// Each intent's target, in [`INTENTS`] order.
    intents: Vec<Change<Target>>,
}

/// Who a change from `before` to `after` affects.
pub(crate) struct Affected {
    pollers: Vec<(String, Change<Poll>)>,
    new_workflows: Change<Task>,
    workflows: Vec<Workflows>,
}

fn poll_text(answer: &Poll) -> String {
    match answer {
        Poll::Accepted => "accepted".to_owned(),
        Poll::Refused(newer) => format!("refused (newer compatible build {})", shown(newer)),
        Poll::Unknown => "unknown build ID (polls its own queue)".to_owned(),
    }
}

fn task_text(answer: &Task) -> String {
    match answer {
        Task::Set {
            listed, runs_on, ..
        } => {
            let mut text = format!("run on {} (set [", shown(runs_on));
            for (index, member) in listed.iter().enumerate() {
                let separator = if index == 0 { "" } else { ", " };
                let _ = write!(text, "{separator}{}", shown(member));
            }
            text.push_str("])");
            text
        }
        Task::OwnQueue(_) => "unknown build ID (its own queue)".to_owned(),
        Task::Unversioned => "unversioned (no sets)".to_owned(),
    }
}

/// A target as `resolve` prints it.
fn target_text(target: &Target) -> String {
    match target {
        Target::SetDefault(id) => format!("set default {}", shown(id.as_str())),
        Target::ExactBuildId(id) => format!("exact build ID {}", shown(id.as_str())),
        Target::Unversioned => "unversioned".to_owned(),
        Target::Rejected => "rejected".to_owned(),
    }
}

/// A target as `resolve -o json` prints it.
fn target_json(target: &Target) -> Value {
    match target {
        Target::SetDefault(id) => json!({"setDefault": id.as_str()}),
        Target::ExactBuildId(id) => json!({"exactBuildId": id.as_str()}),
        Target::Unversioned => json!("unversioned"),
        Target::Rejected => json!("rejected"),
    }
}

fn poll_json(answer: &Poll) -> Value {
    match answer {
        Poll::Accepted => json!({"answer": "accepted", "newerBuildId": null}),
        Poll::Refused(newer) => json!({"answer": "newerBuildExists", "newerBuildId": newer}),
        Poll::Unknown => json!({"answer": "unknownBuildId", "newerBuildId": null}),
    }
}

/// A task's answer in `add-task -o json`'s words (`set` for a new workflow's task too).
fn task_json(answer: &Task) -> Value {
    match answer {
        Task::Set {
            listed, runs_on, ..
        } => {
            json!({"answer": "set", "buildIds": listed.as_ref(), "runsOn": runs_on})
        }
        Task::OwnQueue(id) => json!({"answer": "unknownBuildId", "buildIds": null, "runsOn": id}),
        Task::Unversioned => json!({"answer": "unversioned", "buildIds": null, "runsOn": null}),
    }
}

fn change_json<T>(change: &Change<T>, each: impl Fn(&T) -> Value) -> Value
where
    T: PartialEq,
{
    json!({"before": each(&change.before), "after": each(&change.after), "changed": change.changed()})
}

impl Affected {
    /// Whether any answer changes.
    fn any(&self) -> bool {
        self.new_workflows.changed()
            || self.pollers.iter().any(|(_, change)| change.changed())
            || self.workflows.iter().any(Workflows::changed)
    }

    /// The lines of the text report: only the answers that change.
    ///
    /// Only changes, not every answer with a marker: the diff above already shows the whole
    /// state, and on a queue of dozens of build IDs a full table hides the two lines an
    /// operator is looking for (who is refused now, whose tasks move) among lines that say
    /// "same". The last line counts what was left out, so silence is never ambiguous.
    pub(crate) fn lines(&self) -> Vec<String> {
        if !self.any() {
            return vec!["who is affected: nobody (every dispatch answer is the same)".to_owned()];
        }
        let mut lines =
            vec!["who is affected (the answers that change, before -> after):".to_owned()];
        let mut unchanged = 0_usize;
        for (id, change) in &self.pollers {
            if change.changed() {
                lines.push(format!(
                    "  poller {}: {} -> {}",
                    shown(id),
                    poll_text(&change.before),
                    poll_text(&change.after)
                ));
            } else {
                unchanged += 1;
            }
        }
        if self.new_workflows.changed() {
            lines.push(format!(
                "  new workflows: {} -> {}",
                task_text(&self.new_workflows.before),
                task_text(&self.new_workflows.after)
            ));
        }
        // An intent whose answers change alike for every build ID's workflows is one line,
        // not one per group (the default intent, as it turns out: found, not assumed).
        let shared: Vec<bool> = (0..INTENTS.len())
            .map(|index| {
                let mut changes = self
                    .workflows
                    .iter()
                    .filter_map(|group| group.intents.get(index));
                let first = changes.next();
                first.is_some_and(|first| {
                    first.changed()
                        && changes.all(|change| {
                            change.before == first.before && change.after == first.after
                        })
                })
            })
            .collect();
        let mut shared_lines: Vec<(Vec<&str>, &Change<Target>)> = Vec::new();
        for ((intent, is_shared), change) in INTENTS.iter().zip(&shared).zip(
            self.workflows
                .first()
                .map(|group| &group.intents)
                .into_iter()
                .flatten(),
        ) {
            if *is_shared {
                join_intents(&mut shared_lines, intent_word(*intent), change);
            }
        }
        for (words, change) in shared_lines {
            lines.push(format!(
                "  any workflow's new work with intent {}: {} -> {}",
                words.join(" or "),
                target_text(&change.before),
                target_text(&change.after)
            ));
        }
        let mut unchanged_workflows = 0_usize;
        for group in &self.workflows {
            let own_change = group.tasks.changed()
                || group
                    .intents
                    .iter()
                    .zip(&shared)
                    .any(|(change, is_shared)| change.changed() && !is_shared);
            if !own_change {
                unchanged_workflows += group.ids.len();
                continue;
            }
            let ids: Vec<String> = group.ids.iter().map(|id| shown(id).into_owned()).collect();
            lines.push(format!(
                "  workflows on {}: {}",
                ids.join(", "),
                if group.tasks.changed() {
                    format!(
                        "{} -> {}",
                        task_text(&group.tasks.before),
                        task_text(&group.tasks.after)
                    )
                } else {
                    format!("{} (unchanged)", task_text(&group.tasks.after))
                }
            ));
            // Intents whose work goes to the same places are one line.
            let mut shown_intents: Vec<(Vec<&str>, &Change<Target>)> = Vec::new();
            for ((intent, change), is_shared) in INTENTS.iter().zip(&group.intents).zip(&shared) {
                if change.changed() && !is_shared {
                    join_intents(&mut shown_intents, intent_word(*intent), change);
                }
            }
            for (words, change) in shown_intents {
                lines.push(format!(
                    "    new work they start with intent {}: {} -> {}",
                    words.join(" or "),
                    target_text(&change.before),
                    target_text(&change.after)
                ));
            }
        }
        lines.push(format!(
            "  unchanged: {unchanged} poller(s), the workflows of {unchanged_workflows} build ID(s) otherwise"
        ));
        lines
    }

    /// The JSON report: every answer, each with `changed`.
    pub(crate) fn json(&self) -> Value {
        let pollers: Vec<Value> = self
            .pollers
            .iter()
            .map(|(id, change)| {
                let mut value = change_json(change, poll_json);
                if let Some(object) = value.as_object_mut() {
                    object.insert("buildId".to_owned(), json!(id));
                }
                value
            })
            .collect();
        let workflows: Vec<Value> = self
            .workflows
            .iter()
            .map(|group| {
                let intents: serde_json::Map<String, Value> = INTENTS
                    .iter()
                    .zip(&group.intents)
                    .map(|(intent, change)| {
                        (intent.as_str().to_owned(), change_json(change, target_json))
                    })
                    .collect();
                json!({
                    "buildIds": group.ids,
                    "tasks": change_json(&group.tasks, task_json),
                    "intents": intents,
                    "changed": group.changed(),
                })
            })
            .collect();
        json!({
            "pollers": pollers,
            "newWorkflows": change_json(&self.new_workflows, task_json),
            "existingWorkflows": workflows,
        })
    }
}

impl Workflows {
    fn changed(&self) -> bool {
        self.tasks.changed() || self.intents.iter().any(Change::changed)
    }
}

/// Adds `intent` to the line of `lines` whose change is `change`, or a new line: intents
/// whose work goes to the same places are one line.
fn join_intents<'a>(
    lines: &mut Vec<(Vec<&'static str>, &'a Change<Target>)>,
    intent: &'static str,
    change: &'a Change<Target>,
) {
    match lines
        .iter_mut()
        .find(|(_, seen)| seen.before == change.before && seen.after == change.after)
    {
        Some((words, _)) => words.push(intent),
        None => lines.push((vec![intent], change)),
    }
}

/// How the text names an intent: `resolve --intent`'s word.
fn intent_word(intent: VersioningIntent) -> &'static str {
    match intent {
        VersioningIntent::Compatible => "compatible",
        VersioningIntent::Unspecified => "unspecified",
        VersioningIntent::Default => "default",
    }
}

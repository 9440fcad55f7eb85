//! `version-sets poll`, `add-task` and `sticky`: the dispatch questions the server asks, on
//! a real state, each answer explained.

use std::path::PathBuf;

use serde_json::{Value, json};
use version_sets::{BuildId, DispatchQueue, VersionSets};

use super::{Output, Status, Style, state};

/// Whether a worker with a build ID may poll the queue, and where it polls.
///
/// Answers as the server's lookupVersionSetForPoll does: a build ID that is its set's
/// default polls that set's queue; one that is in a set but not its default is refused
/// (OUT_OF_RANGE, "Task queue has a newer compatible build"); an unknown build ID polls the
/// queue its own set ID would have. With `-o json`: {"buildId", "answer": "accepted" | "newerBuildExists" | "unknownBuildId", "setId",
/// "set": {"position", "setId", "defaultBuildId"} | null, "reason", "error": {"code",
/// "message"} | null}.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  version-sets poll state.json --build-id 1.0")]
pub(crate) struct PollArgs {
    /// The task queue's state, or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// The polling worker's build ID
    #[arg(long)]
    build_id: BuildId,
}

/// Where a task is queued: the queue's default set, a build ID's set, or unversioned.
///
/// Answers as the server's lookupVersionSetForAdd does: without --build-id the task goes to
/// the queue's default set (unversioned when there are no sets); a build ID in a set sends
/// it to that set, whatever its place in the set; an unknown build ID to the queue its own
/// set ID would have. With `-o json`: {"buildId", "answer": "defaultSet" |
/// "set" | "unknownBuildId" | "unversioned", "setId", "set": {"position", "setId",
/// "defaultBuildId"} | null, "reason"}.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  version-sets add-task state.json --build-id 1.1")]
pub(crate) struct AddTaskArgs {
    /// The task queue's state, or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// The build ID the task must run on; leave out for "the queue's default"
    #[arg(long)]
    build_id: Option<BuildId>,
}

/// Whether a worker's sticky queue may be polled, and may be given tasks.
///
/// Answers as the server's checkVersionForStickyPoll and checkVersionForStickyAdd do: both
/// are refused for a build ID that is in a set but not its default (OUT_OF_RANGE for the
/// poll; UNAVAILABLE, "sticky worker unavailable", for the task, which goes back to the
/// normal queue). Unknown build IDs are allowed. With `-o json`: {"buildId", "stickyPoll": {"allowed", "error"}, "stickyAdd": {"allowed",
/// "error"}, "reason"}, each error {"code", "message"} or null.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  version-sets sticky state.json --build-id 1.0 -o json")]
pub(crate) struct StickyArgs {
    /// The task queue's state, or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// The sticky worker's build ID
    #[arg(long)]
    build_id: BuildId,
}

/// A set as the answers describe it, copied out of the state.
struct SetView {
    /// 1-based, oldest first.
    position: usize,
    /// `[a, b, c]`.
    members: String,
    primary_set_id: String,
    default_build_id: String,
}

// `sets()` is a slice today and an iterator after the core rewrite; `into_iter()` is the
// call that compiles on both, so clippy's preference for `iter()` on a slice is waived.
#[allow(clippy::into_iter_on_ref)]
impl SetView {
    /// The set holding `id`, if any.
    fn of(state: &VersionSets, id: &str) -> Option<Self> {
        let index = state.sets().into_iter().position(|set| set.contains(id))?;
        Self::at(state, index)
    }

    /// The queue's default set (the last), if any.
    fn default(state: &VersionSets) -> Option<Self> {
        Self::at(state, state.sets().len().checked_sub(1)?)
    }

    fn at(state: &VersionSets, index: usize) -> Option<Self> {
        let set = state.sets().nth(index)?;
        let ids: Vec<String> = set
            .build_ids()
            .map(|record| record.id().to_string())
            .collect();
        Some(Self {
            position: index + 1,
            members: format!("[{}]", ids.join(", ")),
            primary_set_id: set.primary_set_id().to_string(),
            default_build_id: set.default_build_id().to_string(),
        })
    }

    /// `set 2 [2.0, 2.1] (set ID XYZ)`.
    fn text(&self) -> String {
        format!(
            "set {} {} (set ID {})",
            self.position, self.members, self.primary_set_id
        )
    }

    fn json(&self) -> Value {
        json!({
            "position": self.position,
            "setId": self.primary_set_id,
            "defaultBuildId": self.default_build_id,
        })
    }
}

/// A string field of a JSON object, or `""`.
fn field<'a>(object: &'a Value, key: &str) -> &'a str {
    object.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The set ID a queue is known by, as text (`null` when unversioned).
fn queue_set_id(queue: &DispatchQueue<'_>) -> Value {
    queue
        .set_id()
        .map_or(Value::Null, |id| Value::String(id.to_string()))
}

pub(crate) fn poll(args: &PollArgs, output: &mut Output<'_>) -> Status {
    let Some((state, rules)) = state::open_routed(&args.state, output) else {
        return Status::BadInput;
    };
    let id = &args.build_id;
    let set = SetView::of(&state, id.as_str());
    // A build ID in a set is answered by the sets first; any other, by the rules.
    if set.is_none() && !rules.is_empty() {
        output.diagnostic(state::decided_by_rules(&args.state, &rules));
        return Status::BadInput;
    }
    let (answer, reason, error, status) = match (state.poll(id.as_str()), &set) {
        (Ok(queue), Some(set)) => (
            "accepted",
            format!(
                "{id} is the default of {}, so it polls that set's queue",
                set.text()
            ),
            Value::Null,
            (Status::Ok, queue_set_id(&queue)),
        ),
        (Ok(queue), None) => (
            "unknownBuildId",
            format!(
                "{id} is in no set of this queue; it polls the queue its own set ID would have ({}), in case the build ID is added",
                queue_set_id(&queue).as_str().unwrap_or_default()
            ),
            Value::Null,
            (Status::Ok, queue_set_id(&queue)),
        ),
        (Err(refused), set) => (
            "newerBuildExists",
            format!(
                "{id} is in {}, whose default is {}; only the set's default may poll",
                set.as_ref().map_or_else(String::new, SetView::text),
                refused.default_build_id
            ),
            json!({"code": refused.code().to_string(), "message": refused.to_string()}),
            (Status::Failed, Value::Null),
        ),
    };
    let (status, set_id) = status;
    if output.json() {
        output.document(&json!({
            "buildId": id.as_str(),
            "answer": answer,
            "setId": set_id,
            "set": set.as_ref().map_or(Value::Null, SetView::json),
            "reason": reason,
            "error": error,
        }));
    } else {
        let verdict = match status {
            Status::Ok => output.paint(
                format_args!(
                    "accepted: polls set ID {}",
                    set_id.as_str().unwrap_or_default()
                ),
                Style::Good,
            ),
            _ => output.paint(
                format_args!(
                    "refused: {}: {}",
                    field(&error, "code"),
                    field(&error, "message")
                ),
                Style::Bad,
            ),
        };
        output.line(verdict);
        output.line(format_args!("because {reason}"));
    }
    status
}

pub(crate) fn add_task(args: &AddTaskArgs, output: &mut Output<'_>) -> Status {
    let Some((state, rules)) = state::open_routed(&args.state, output) else {
        return Status::BadInput;
    };
    let id = args.build_id.as_ref();
    // A task for a build ID in a set goes by the sets; one for the queue's default goes by
    // the assignment rules first, and one for a build ID in no set by the redirect rules.
    if !rules.is_empty() && id.is_none_or(|id| SetView::of(&state, id.as_str()).is_none()) {
        output.diagnostic(state::decided_by_rules(&args.state, &rules));
        return Status::BadInput;
    }
    let queue = state.add_task(id.map(BuildId::as_str));
    let set = match id {
        Some(id) => SetView::of(&state, id.as_str()),
        None => SetView::default(&state),
    };
    let (answer, reason) = match (&queue, id, &set) {
        (DispatchQueue::Unversioned, _, _) => (
            "unversioned",
            "the queue has no sets, so a task with no build ID goes to the unversioned queue"
                .to_owned(),
        ),
        (DispatchQueue::Set(_), None, Some(set)) => (
            "defaultSet",
            format!(
                "a task with no build ID goes to the queue's default set, {}, to run on its default {}",
                set.text(),
                set.default_build_id
            ),
        ),
        (DispatchQueue::Set(_), Some(id), Some(set)) => (
            "set",
            format!(
                "{id} is in {}, so the task goes to that set, to run on its default {}",
                set.text(),
                set.default_build_id
            ),
        ),
        (_, id, _) => (
            "unknownBuildId",
            format!(
                "{} is in no set of this queue, so the task goes to the queue its own set ID would have ({})",
                id.map_or("the build ID", BuildId::as_str),
                queue_set_id(&queue).as_str().unwrap_or_default()
            ),
        ),
    };
    if output.json() {
        output.document(&json!({
            "buildId": id.map(BuildId::as_str),
            "answer": answer,
            "setId": queue_set_id(&queue),
            "set": set.as_ref().map_or(Value::Null, SetView::json),
            "reason": reason,
        }));
    } else {
        let verdict = match queue.set_id() {
            Some(set_id) => format!("{}: set ID {set_id}", answer_words(answer)),
            None => answer_words(answer).to_owned(),
        };
        let verdict = output.paint(verdict, Style::Strong);
        output.line(verdict);
        output.line(format_args!("because {reason}"));
    }
    Status::Ok
}

/// How the text output names an `add-task` answer.
fn answer_words(answer: &str) -> &str {
    match answer {
        "defaultSet" => "default set",
        "unknownBuildId" => "unknown build ID",
        other => other,
    }
}

pub(crate) fn sticky(args: &StickyArgs, output: &mut Output<'_>) -> Status {
    let Some(state) = state::open(&args.state, output) else {
        return Status::BadInput;
    };
    let id = &args.build_id;
    let poll = state.sticky_poll(id.as_str()).map_err(
        |refused| json!({"code": refused.code().to_string(), "message": refused.to_string()}),
    );
    let add = state.sticky_add(id.as_str()).map_err(
        |refused| json!({"code": refused.code().to_string(), "message": refused.to_string()}),
    );
    let reason = match SetView::of(&state, id.as_str()) {
        None => {
            format!("{id} is in no set of this queue, and unknown build IDs may use sticky queues")
        }
        Some(set) if set.default_build_id == id.as_str() => {
            format!("{id} is the default of {}", set.text())
        }
        Some(set) => format!(
            "{id} is in {}, whose default is {}; the sticky worker must make way for it",
            set.text(),
            set.default_build_id
        ),
    };
    let status = if poll.is_ok() && add.is_ok() {
        Status::Ok
    } else {
        Status::Failed
    };
    if output.json() {
        let check = |result: &Result<(), Value>| match result {
            Ok(()) => json!({"allowed": true, "error": null}),
            Err(error) => json!({"allowed": false, "error": error}),
        };
        output.document(&json!({
            "buildId": id.as_str(),
            "stickyPoll": check(&poll),
            "stickyAdd": check(&add),
            "reason": reason,
        }));
    } else {
        for (what, result) in [("sticky poll", &poll), ("sticky add", &add)] {
            let verdict = match result {
                Ok(()) => output.paint("allowed", Style::Good),
                Err(error) => output.paint(
                    format_args!(
                        "refused: {}: {}",
                        field(error, "code"),
                        field(error, "message")
                    ),
                    Style::Bad,
                ),
            };
            output.line(format_args!("{what}: {verdict}"));
        }
        output.line(format_args!("because {reason}"));
    }
    status
}

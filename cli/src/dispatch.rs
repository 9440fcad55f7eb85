//! `version-sets poll`, `add-task` and `sticky`: the dispatch questions the server asks, on
//! a real state, each answer explained.

use std::path::PathBuf;

use serde_json::{Value, json};
use version_sets::{BuildId, DispatchQueue};

use super::state::{self, Opened};
use super::{Output, Status, Style};

/// Whether a worker with a build ID may poll the queue, and where it polls.
///
/// Answers as the server's lookupVersionSetForPoll does: a build ID that is its set's
/// default polls that set's queue; one that is in a set but not its default is refused
/// (OUT_OF_RANGE, "Task queue has a newer compatible build"); an unknown build ID polls the
/// queue its own set ID would have. The public response and the listing carry no set IDs:
/// from them a set's ID is printed as unknown, with why, and a build ID in no set is refused
/// (they leave out deleted build IDs, which stay in their sets) unless
/// --assume-not-deleted. With `-o json`: {"buildId", "answer": "accepted" |
/// "newerBuildExists" | "unknownBuildId", "setId", "setIdUnknown": null | why, "set":
/// {"position", "setId", "defaultBuildId"} | null, "reason", "error": {"code", "message"} |
/// null, "assumed": null | what the answer assumed}, a set ID that is not known null.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  version-sets poll state.json --build-id 1.0")]
pub(crate) struct PollArgs {
    /// The task queue's state, or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// The polling worker's build ID
    #[arg(long)]
    build_id: BuildId,
    /// Answer from the public response or a listing, which leave out deleted build IDs, as
    /// if the build ID, in no set there, was never deleted from the queue
    #[arg(long)]
    assume_not_deleted: bool,
}

/// Where a task is queued: the queue's default set, a build ID's set, or unversioned.
///
/// Answers as the server's lookupVersionSetForAdd does: without --build-id the task goes to
/// the queue's default set (unversioned when there are no sets); a build ID in a set sends
/// it to that set, whatever its place in the set; an unknown build ID to the queue its own
/// set ID would have. From the public response or a listing, as for `poll`: a set's ID is
/// unknown, and a build ID in no set is refused unless --assume-not-deleted. With `-o
/// json`: {"buildId", "answer": "defaultSet" | "set" | "unknownBuildId" | "unversioned",
/// "setId", "setIdUnknown": null | why, "set": {"position", "setId", "defaultBuildId"} |
/// null, "reason", "assumed": null | what the answer assumed}.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  version-sets add-task state.json --build-id 1.1")]
pub(crate) struct AddTaskArgs {
    /// The task queue's state, or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// The build ID the task must run on; leave out for "the queue's default"
    #[arg(long)]
    build_id: Option<BuildId>,
    /// Answer from the public response or a listing, which leave out deleted build IDs, as
    /// if the build ID, in no set there, was never deleted from the queue
    #[arg(long)]
    assume_not_deleted: bool,
}

/// Whether a worker's sticky queue may be polled, and may be given tasks.
///
/// Answers as the server's checkVersionForStickyPoll and checkVersionForStickyAdd do: both
/// are refused for a build ID that is in a set but not its default (OUT_OF_RANGE for the
/// poll; UNAVAILABLE, "sticky worker unavailable", for the task, which goes back to the
/// normal queue). Unknown build IDs are allowed (refused from the public response or a
/// listing, which leave out deleted build IDs, unless --assume-not-deleted). With `-o
/// json`: {"buildId", "stickyPoll": {"allowed", "error"}, "stickyAdd": {"allowed",
/// "error"}, "reason", "setIdUnknown": null | why, "assumed": null | what the answer
/// assumed}, each error {"code", "message"} or null.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  version-sets sticky state.json --build-id 1.0 -o json")]
pub(crate) struct StickyArgs {
    /// The task queue's state, or - for standard input
    #[arg(value_name = "STATE")]
    state: PathBuf,
    /// The sticky worker's build ID
    #[arg(long)]
    build_id: BuildId,
    /// Answer from the public response or a listing, which leave out deleted build IDs, as
    /// if the build ID, in no set there, was never deleted from the queue
    #[arg(long)]
    assume_not_deleted: bool,
}

/// A set as the answers describe it, copied out of the state.
struct SetView {
    /// 1-based, oldest first.
    position: usize,
    /// `[a, b, c]`.
    members: String,
    /// `None` when the input carries no set IDs.
    primary_set_id: Option<String>,
    default_build_id: String,
}

// `sets()` is a slice today and an iterator after the core rewrite; `into_iter()` is the
// call that compiles on both, so clippy's preference for `iter()` on a slice is waived.
#[allow(clippy::into_iter_on_ref)]
impl SetView {
    /// The set holding `id`, if any.
    fn of(opened: &Opened, id: &str) -> Option<Self> {
        let index = opened
            .sets
            .sets()
            .into_iter()
            .position(|set| set.contains(id))?;
        Self::at(opened, index)
    }

    /// The queue's default set (the last), if any.
    fn default(opened: &Opened) -> Option<Self> {
        Self::at(opened, opened.sets.sets().len().checked_sub(1)?)
    }

    fn at(opened: &Opened, index: usize) -> Option<Self> {
        let state = &opened.sets;
        let set = state.sets().nth(index)?;
        let ids: Vec<String> = set
            .build_ids()
            .map(|record| record.id().to_string())
            .collect();
        Some(Self {
            position: index + 1,
            members: format!("[{}]", ids.join(", ")),
            primary_set_id: opened
                .facts
                .set_ids_known()
                .then(|| set.primary_set_id().to_string()),
            default_build_id: set.default_build_id().to_string(),
        })
    }

    /// `set 2 [2.0, 2.1] (set ID XYZ)`, or `(set ID unknown)`.
    fn text(&self) -> String {
        format!(
            "set {} {} (set ID {})",
            self.position,
            self.members,
            self.primary_set_id.as_deref().unwrap_or("unknown")
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

/// Opens a dispatch question's STATE and refuses what the sets cannot answer: a build ID
/// in no set, when the server decides it by its rules, or when the input leaves out the
/// deleted build IDs (a deleted build ID stays in its set, and is answered from it) and the
/// user did not choose to assume it is none of them; with the assumption the answer then
/// rests on.
fn open_for(
    path: &std::path::Path,
    build_id: Option<&BuildId>,
    rules_decide_default: bool,
    assume_not_deleted: bool,
    output: &mut Output<'_>,
) -> Option<(Opened, Option<String>)> {
    let opened = state::open(path, output)?;
    let in_no_set = build_id.is_some_and(|id| SetView::of(&opened, id.as_str()).is_none());
    if !opened.rules.is_empty() && (in_no_set || (build_id.is_none() && rules_decide_default)) {
        output.diagnostic(state::decided_by_rules(path, &opened.rules));
        return None;
    }
    let assumed = match build_id.filter(|_| in_no_set) {
        Some(id) => match opened.facts.absent(id.as_str(), assume_not_deleted) {
            Ok(assumed) => assumed,
            Err(refusal) => {
                output.diagnostic(refusal);
                return None;
            }
        },
        None => None,
    };
    Some((opened, assumed))
}

/// Why the answer gives no set ID, when a set's ID is part of it and the input has none.
fn set_id_unknown(opened: &Opened, set: Option<&SetView>) -> Option<String> {
    (set.is_some() && !opened.facts.set_ids_known()).then(|| opened.facts.set_id_unknown())
}

pub(crate) fn poll(args: &PollArgs, output: &mut Output<'_>) -> Status {
    let id = &args.build_id;
    // A build ID in a set is answered by the sets first; any other, by the rules.
    let Some((opened, assumed)) = open_for(
        &args.state,
        Some(id),
        false,
        args.assume_not_deleted,
        output,
    ) else {
        return Status::BadInput;
    };
    let set = SetView::of(&opened, id.as_str());
    let unknown = set_id_unknown(&opened, set.as_ref());
    let set_id = |queue: &DispatchQueue<'_>| {
        if unknown.is_some() {
            Value::Null
        } else {
            queue_set_id(queue)
        }
    };
    let (answer, reason, error, status) = match (opened.sets.poll(id.as_str()), &set) {
        (Ok(queue), Some(set)) => (
            "accepted",
            format!(
                "{id} is the default of {}, so it polls that set's queue",
                set.text()
            ),
            Value::Null,
            (Status::Ok, set_id(&queue)),
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
            "setIdUnknown": unknown,
            "set": set.as_ref().map_or(Value::Null, SetView::json),
            "reason": reason,
            "error": error,
            "assumed": assumed,
        }));
    } else {
        let verdict = match status {
            Status::Ok => output.paint(
                format_args!(
                    "accepted: polls set ID {}",
                    set_id.as_str().unwrap_or("unknown")
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
        if let Some(unknown) = &unknown {
            output.line(format_args!("set ID unknown: {unknown}"));
        }
        if let Some(assumed) = &assumed {
            output.line(format_args!("assumed: {assumed}"));
        }
    }
    status
}

pub(crate) fn add_task(args: &AddTaskArgs, output: &mut Output<'_>) -> Status {
    let id = args.build_id.as_ref();
    // A task for a build ID in a set goes by the sets; one for the queue's default goes by
    // the assignment rules first, and one for a build ID in no set by the redirect rules.
    let Some((opened, assumed)) = open_for(&args.state, id, true, args.assume_not_deleted, output)
    else {
        return Status::BadInput;
    };
    let queue = opened.sets.add_task(id.map(BuildId::as_str));
    let set = match id {
        Some(id) => SetView::of(&opened, id.as_str()),
        None => SetView::default(&opened),
    };
    let unknown = set_id_unknown(&opened, set.as_ref());
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
    let set_id = if unknown.is_some() {
        None
    } else {
        queue.set_id()
    };
    if output.json() {
        output.document(&json!({
            "buildId": id.map(BuildId::as_str),
            "answer": answer,
            "setId": set_id.map(|id| id.to_string()),
            "setIdUnknown": unknown,
            "set": set.as_ref().map_or(Value::Null, SetView::json),
            "reason": reason,
            "assumed": assumed,
        }));
    } else {
        let verdict = match (set_id, &unknown) {
            (Some(set_id), _) => format!("{}: set ID {set_id}", answer_words(answer)),
            (None, Some(_)) => format!("{}: set ID unknown", answer_words(answer)),
            (None, None) => answer_words(answer).to_owned(),
        };
        let verdict = output.paint(verdict, Style::Strong);
        output.line(verdict);
        output.line(format_args!("because {reason}"));
        if let Some(unknown) = &unknown {
            output.line(format_args!("set ID unknown: {unknown}"));
        }
        if let Some(assumed) = &assumed {
            output.line(format_args!("assumed: {assumed}"));
        }
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
    let id = &args.build_id;
    // Sticky queues are not routed by rules: a build ID in no set is answered by the sets.
    let Some((opened, _)) = open_for(&args.state, None, false, false, output) else {
        return Status::BadInput;
    };
    let assumed = if SetView::of(&opened, id.as_str()).is_none() {
        match opened.facts.absent(id.as_str(), args.assume_not_deleted) {
            Ok(assumed) => assumed,
            Err(refusal) => {
                output.diagnostic(refusal);
                return Status::BadInput;
            }
        }
    } else {
        None
    };
    let state = &opened.sets;
    let poll = state.sticky_poll(id.as_str()).map_err(
        |refused| json!({"code": refused.code().to_string(), "message": refused.to_string()}),
    );
    let add = state.sticky_add(id.as_str()).map_err(
        |refused| json!({"code": refused.code().to_string(), "message": refused.to_string()}),
    );
    let set = SetView::of(&opened, id.as_str());
    let unknown = set_id_unknown(&opened, set.as_ref());
    let reason = match set {
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
            "setIdUnknown": unknown,
            "assumed": assumed,
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
        if let Some(unknown) = &unknown {
            output.line(format_args!("set ID unknown: {unknown}"));
        }
        if let Some(assumed) = &assumed {
            output.line(format_args!("assumed: {assumed}"));
        }
    }
    status
}

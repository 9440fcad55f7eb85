//! `version-sets reachability STATE BUILD_ID... --now ... --open ...`: can these builds
//! still get work, on one task queue or across a namespace's (`--queue`)?

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use version_sets::{
    DEFAULT_REACHABILITY_BUILD_IDS, DEFAULT_REACHABILITY_TASK_QUEUE_SCAN,
    NamespaceReachabilityError, NamespaceReachabilityQuery, ReachabilityError, ReachabilityQuery,
    ReachabilityType, StatusFilter, TaskReachability, VisibilityQuery,
};

use super::namespace::{self, parse_queue};
use super::state::{self, Facts, Opened};
use super::time;
use super::workflows::read_ids;
use super::{Output, Status};

/// Report whether build IDs can still get new or existing workflows on a task queue.
///
/// Prints one line per BUILD_ID, in request order: `BUILD_ID: REACHABILITY, ...` or
/// `BUILD_ID: unreachable`; an empty BUILD_ID ("") stands for unversioned workers and
/// prints as `(unversioned)`. The sets decide most of it; whether workflows exist comes
/// from --open (build IDs with open workflows) and --closed (build IDs with closed
/// ones): comma-separated lists or files with one per line. In them, the word
/// `unversioned` stands for unversioned workflows and `unprocessed` for workflows that
/// have not run a task yet; `versioned:ID` is the same as `ID`. With -o json:
/// `{"buildIdReachability": [{"buildId": ID, "reachability": [KIND, ...]}, ...]}`, KIND as the
/// server spells it (`TASK_REACHABILITY_NEW_WORKFLOWS`), in request order. The public
/// response and the listing carry no timestamps: from them an answer that rests on the
/// server's 5-minute grace for new workflows (a set's default once its set is no longer
/// the queue's, or "" on a versioned queue) is refused, naming the build IDs to leave out.
///
/// With --queue NAME=PATH (repeated), STATE is left out and every positional is a
/// BUILD_ID: the namespace is asked, as GetWorkerTaskReachability is. Each build ID is
/// looked up on the --task-queue queues, or, without them, on the queues whose data holds
/// it, in name order; the first --max-task-queue-scan are examined (--open and --closed
/// hold for every queue), the rest reported not examined. Prints `BUILD_ID on QUEUE:
/// REACHABILITY, ...` per queue (`unreachable`, or `TASK_REACHABILITY_UNSPECIFIED (not
/// examined)`), or `BUILD_ID: in no task queue`; with -o json the server's response:
/// `{"buildIdReachability": [{"buildId": ID, "taskQueueReachability": [{"taskQueue": Q,
/// "reachability": [KIND, ...]}, ...]}, ...]}`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets reachability state.json 2.0 1.0 --now 2024-11-19T07:06:40Z --open 1.0\n  version-sets reachability --queue orders=orders.json --queue payments=payments.json 1.0 --now 1732000000000"
)]
pub(crate) struct Args {
    /// The task queue's state (any shape `show` accepts), or - for standard input; left
    /// out with --queue
    // A string, not a path: with --queue it is a build ID, and "" is one.
    #[arg(value_name = "STATE", required_unless_present = "queues")]
    state: Option<String>,
    /// The build IDs to report on ("" for unversioned workers)
    #[arg(value_name = "BUILD_ID")]
    build_ids: Vec<String>,
    /// The time to answer for: an RFC 3339 time (2024-11-19T07:06:40Z), or Unix
    /// milliseconds (at least 100000000000; MSms for any) [default: the current time]
    #[arg(long, value_name = "TIME", allow_negative_numbers = true, value_parser = time::parse_now)]
    now: Option<i64>,
    /// Build IDs with open workflows
    #[arg(long, value_name = "IDS|FILE", default_value = "")]
    open: String,
    /// Build IDs with closed workflows
    #[arg(long, value_name = "IDS|FILE", default_value = "")]
    closed: String,
    /// The kind of reachability asked about
    #[arg(long = "type", value_enum, default_value_t = Kind::Existing)]
    kind: Kind,
    /// The most build IDs one request may name (0 to 18446744073709551615)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_REACHABILITY_BUILD_IDS)]
    max_build_ids: usize,
    /// A task queue of the namespace and its state's file (repeat for each queue)
    #[arg(long = "queue", value_name = "NAME=PATH", value_parser = parse_queue)]
    queues: Vec<(String, PathBuf)>,
    /// With --queue: a task queue to look in (repeat for each; none: the queues each build
    /// ID is in)
    #[arg(long = "task-queue", value_name = "NAME", requires = "queues")]
    task_queues: Vec<String>,
    /// With --queue: the most task queues examined per build ID (0 to 18446744073709551615)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_REACHABILITY_TASK_QUEUE_SCAN)]
    max_task_queue_scan: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Kind {
    /// Reported as existing
    Unspecified,
    /// Only whether new workflows go there (no count)
    New,
    /// Open or closed workflows
    Existing,
    /// Open workflows
    Open,
    /// Closed workflows
    Closed,
}

/// The search-attribute value an entry of --open or --closed stands for.
fn attribute(entry: &str) -> String {
    match entry {
        "unversioned" | "unprocessed" => entry.to_owned(),
        _ if entry.starts_with("versioned:") => entry.to_owned(),
        _ => format!("versioned:{entry}"),
    }
}

/// Whether a workflow described by `present` matches `query`.
fn matches(present: &BTreeSet<String>, query: &VisibilityQuery) -> bool {
    query.build_ids.iter().any(|value| present.contains(value))
        || (query.unprocessed && present.contains("unprocessed"))
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    let stdin_state = args.state.as_deref() == Some("-")
        || args.queues.iter().any(|(_, path)| path.as_os_str() == "-");
    if stdin_state && (args.open == "-" || args.closed == "-") {
        output.diagnostic("STATE and --open or --closed cannot both be standard input");
        return Status::BadInput;
    }
    if !args.queues.is_empty() {
        return run_namespace(args, output);
    }
    let Some(path) = &args.state else {
        return Status::BadInput;
    };
    let Some(Opened {
        sets: state, facts, ..
    }) = state::open(Path::new(path), output)
    else {
        return Status::BadInput;
    };
    let Some((open, closed)) = workflows(args, output) else {
        return Status::BadInput;
    };
    let ids: Vec<&str> = args.build_ids.iter().map(String::as_str).collect();
    let request = ReachabilityQuery {
        build_ids: &ids,
        kind: kind(args.kind),
        max_build_ids: args.max_build_ids,
    };
    let now = time::now(args.now, facts.newest_ms(state.clock().wall_clock), output);
    let answers = state.reachability(&request, now, |query| exists(&open, &closed, query));
    let answers = match answers {
        Ok(answers) => answers,
        Err(error) => {
            let lift = lifted_by(&error);
            output.diagnostic(format_args!("{}: {error}{lift}", error.code()));
            return Status::BadInput;
        }
    };
    if !facts.timestamps_known() {
        // The grace is the one time rule, and each answer reads one timestamp: an answer
        // that differs between every timestamp recent and none recent rests on it.
        let at = |now| {
            state
                .reachability(&request, now, |query| exists(&open, &closed, query))
                .unwrap_or_default()
        };
        let (all_recent, none_recent) = (at(i64::MIN), at(i64::MAX));
        let timed: Vec<&str> = all_recent
            .iter()
            .zip(&none_recent)
            .filter(|(recent, old)| recent.reachability != old.reachability)
            .map(|(answer, _)| answer.build_id.as_str())
            .collect();
        if !timed.is_empty() {
            output.diagnostic(grace_refusal(&facts, &timed, None));
            return Status::BadInput;
        }
    }
    if output.json() {
        let answers: Vec<serde_json::Value> = answers
            .iter()
            .map(|answer| {
                serde_json::json!({ "buildId": answer.build_id, "reachability": words(&answer.reachability) })
            })
            .collect();
        output.document(&serde_json::json!({ "buildIdReachability": answers }));
        return Status::Ok;
    }
    for answer in answers {
        output.line(format_args!(
            "{}: {}",
            shown(&answer.build_id),
            found(Some(&answer.reachability))
        ));
    }
    Status::Ok
}

/// `reachability --queue ...`: the namespace is asked.
fn run_namespace(args: &Args, output: &mut Output<'_>) -> Status {
    let Some((namespace, facts)) = namespace::open_with_facts(&args.queues, output) else {
        return Status::BadInput;
    };
    let Some((open, closed)) = workflows(args, output) else {
        return Status::BadInput;
    };
    // With --queue there is no STATE: a first positional is a build ID.
    let ids: Vec<&str> = (args.state.as_deref().into_iter())
        .chain(args.build_ids.iter().map(String::as_str))
        .collect();
    let task_queues: Vec<&str> = args.task_queues.iter().map(String::as_str).collect();
    let request = NamespaceReachabilityQuery {
        build_ids: &ids,
        task_queues: &task_queues,
        kind: kind(args.kind),
        max_build_ids: args.max_build_ids,
        max_task_queue_scan: args.max_task_queue_scan,
    };
    let now = time::now(args.now, namespace::newest_ms(&namespace, &facts), output);
    let answers = namespace.reachability(&request, now, |_, query| exists(&open, &closed, query));
    let answers = match answers {
        Ok(answers) => answers,
        Err(error) => {
            let lift = match &error {
                NamespaceReachabilityError::Query(error) => lifted_by(error),
                _ => "",
            };
            output.diagnostic(format_args!("{}: {error}{lift}", error.code()));
            return Status::BadInput;
        }
    };
    if facts.values().any(|facts| !facts.timestamps_known()) {
        // As for one queue: an answer on a queue whose timestamps are made up that differs
        // between every timestamp recent and none recent rests on them.
        let at = |now| {
            namespace
                .reachability(&request, now, |_, query| exists(&open, &closed, query))
                .unwrap_or_default()
        };
        let (all_recent, none_recent) = (at(i64::MIN), at(i64::MAX));
        let mut timed: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (recent, old) in all_recent.iter().zip(&none_recent) {
            for (queue, other) in recent.task_queues.iter().zip(&old.task_queues) {
                let made_up = facts
                    .get(&queue.task_queue)
                    .is_some_and(|facts| !facts.timestamps_known());
                if made_up && queue.reachability != other.reachability {
                    timed
                        .entry(&queue.task_queue)
                        .or_default()
                        .push(recent.build_id.as_str());
                }
            }
        }
        let refusal = timed
            .iter()
            .find_map(|(queue, ids)| Some(grace_refusal(facts.get(*queue)?, ids, Some(queue))));
        if let Some(refusal) = refusal {
            output.diagnostic(refusal);
            return Status::BadInput;
        }
    }
    if output.json() {
        let answers: Vec<serde_json::Value> = answers
            .iter()
            .map(|answer| {
                let queues: Vec<serde_json::Value> = answer
                    .task_queues
                    .iter()
                    .map(|queue| {
                        let kinds = match &queue.reachability {
                            Some(found) => words(found),
                            None => vec![ReachabilityType::Unspecified.as_str()],
                        };
                        serde_json::json!({ "taskQueue": queue.task_queue, "reachability": kinds })
                    })
                    .collect();
                serde_json::json!({ "buildId": answer.build_id, "taskQueueReachability": queues })
            })
            .collect();
        output.document(&serde_json::json!({ "buildIdReachability": answers }));
        return Status::Ok;
    }
    for answer in answers {
        let name = shown(&answer.build_id);
        if answer.task_queues.is_empty() {
            output.line(format_args!("{name}: in no task queue"));
        }
        for queue in &answer.task_queues {
            output.line(format_args!(
                "{name} on {}: {}",
                queue.task_queue,
                found(queue.reachability.as_deref())
            ));
        }
    }
    Status::Ok
}

/// The build IDs with open and with closed workflows, as search-attribute values.
fn workflows(args: &Args, output: &mut Output<'_>) -> Option<(BTreeSet<String>, BTreeSet<String>)> {
    let read = |value: &str| -> Result<BTreeSet<String>, String> {
        Ok(read_ids(value)?.iter().map(|e| attribute(e)).collect())
    };
    match (read(&args.open), read(&args.closed)) {
        (Ok(open), Ok(closed)) => Some((open, closed)),
        (Err(error), _) | (_, Err(error)) => {
            output.diagnostic(error);
            None
        }
    }
}

/// Whether the visibility store holds a workflow matching `query`.
fn exists(open: &BTreeSet<String>, closed: &BTreeSet<String>, query: &VisibilityQuery) -> bool {
    let open = matches(open, query);
    let closed = matches(closed, query);
    match query.status {
        StatusFilter::Any => open || closed,
        StatusFilter::Running => open,
        StatusFilter::Closed => closed,
    }
}

fn kind(kind: Kind) -> ReachabilityType {
    match kind {
        Kind::Unspecified => ReachabilityType::Unspecified,
        Kind::New => ReachabilityType::NewWorkflows,
        Kind::Existing => ReachabilityType::ExistingWorkflows,
        Kind::Open => ReachabilityType::OpenWorkflows,
        Kind::Closed => ReachabilityType::ClosedWorkflows,
    }
}

/// The kinds as the server spells them.
fn words(found: &[TaskReachability]) -> Vec<&'static str> {
    found.iter().map(|r| r.as_str()).collect()
}

/// A build ID as a line shows it: `(unversioned)` for the empty one.
fn shown(build_id: &str) -> &str {
    if build_id.is_empty() {
        "(unversioned)"
    } else {
        build_id
    }
}

/// `KIND, ...`, `unreachable`, or, for a queue not examined, the server's
/// `TASK_REACHABILITY_UNSPECIFIED` with why.
fn found(reachability: Option<&[TaskReachability]>) -> String {
    match reachability {
        None => format!("{} (not examined)", ReachabilityType::Unspecified),
        Some([]) => "unreachable".to_owned(),
        Some(found) => words(found).join(", "),
    }
}

/// The option that lifts a refusal, after the server's message (which names none): the
/// limit on build IDs per request is the command's --max-build-ids.
fn lifted_by(error: &ReachabilityError) -> &'static str {
    match error {
        ReachabilityError::TooManyBuildIds { .. } => " (--max-build-ids raises the limit)",
        _ => "",
    }
}

/// The refusal of answers that rest on the grace for new workflows, whose timestamps the
/// data (of `queue`, when a namespace is asked) does not carry.
fn grace_refusal(facts: &Facts, build_ids: &[&str], queue: Option<&str>) -> String {
    let list = |name: fn(&str) -> &str| -> String {
        let names: Vec<&str> = build_ids.iter().map(|id| name(id)).collect();
        names.join(" and ")
    };
    let verb = if build_ids.len() == 1 { "gets" } else { "get" };
    let on = queue.map_or_else(String::new, |queue| format!(" on task queue {queue}"));
    facts.refusal(
        &format!("whether {} still {verb} new workflows{on}", list(shown)),
        "the time a set became the queue's default (the server's 5-minute grace for new workflows)",
        Some(&format!(
            "leave {} out",
            list(|id| if id.is_empty() { "\"\"" } else { id })
        )),
    )
}

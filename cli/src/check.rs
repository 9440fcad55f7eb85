//! `version-sets check STATE...`: validate versioning data and report every violation.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::namespace::{self, parse_queue};
use super::state::{self, Need, Traces};
use super::{Output, Status, Style, file_error, input};

/// Validate versioning data and report every violation.
///
/// Accepts every shape `show` does except traces: Temporal's stored VersioningData in
/// proto-JSON (an object with versionSets), the same wrapped as TaskQueueUserData (an object
/// with versioningData), a GetWorkerBuildIdCompatibility response (an object with
/// majorVersionSets) and what `temporal task-queue get-build-ids -o json` prints (an array
/// of objects with buildIds, defaultForSet and isDefaultSet, or null). Prints each violation
/// as `FILE: PATH: problem`, with PATH a JSON path such as versionSets[1].buildIds[0].id,
/// and each valid file as `FILE: ok (...)`. Past the first 1000 violations of a file, the
/// rest are counted in one line. With `-o json`: {"files": [{"file", "shape", "valid",
/// "sets", "buildIds", "violations": [{"path", "problem"}], "unlisted", "notes"}]}, a file
/// that cannot be read as one of the shapes listed as {"file", "error": {"message"}}.
///
/// With --queue NAME=PATH (repeated), the task queues of one namespace are read (each as
/// a STATE that must be valid) and the namespace's build ID -> task queue mapping is
/// checked against --task-queues-per-build-id (the server's limit.taskQueuesPerBuildId,
/// 20 by default): each build ID in more task queues than that is a violation, printed as
/// `namespace: build ID ID is in N task queues, more than limit.taskQueuesPerBuildId (L):
/// Q1, Q2, ...`; else `namespace: ok (N task queues, no build ID in more than L)`. The
/// server refuses an update that would add a build ID to one more queue than the limit, so
/// such a namespace comes only from a limit lowered later or from replication. With -o
/// json, beside "files": "namespace": {"taskQueues", "limit", "overLimit": [{"buildId",
/// "taskQueues"}]}.
///
/// A file that cannot be read as one of the shapes is reported on standard error as `FILE:
/// PATH: problem`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  version-sets check stored.json response.json\n  version-sets check --queue orders=orders.json --queue payments=payments.json --task-queues-per-build-id 20"
)]
pub(crate) struct Args {
    /// Files to check, or - for standard input
    #[arg(required_unless_present = "queues", value_name = "STATE")]
    states: Vec<PathBuf>,
    /// A task queue of the namespace and its state's file (repeat for each queue)
    #[arg(long = "queue", value_name = "NAME=PATH", value_parser = parse_queue)]
    queues: Vec<(String, PathBuf)>,
    /// With --queue: the most task queues one build ID may be in (0 to 18446744073709551615; 0: no limit)
    #[arg(
        long,
        value_name = "N",
        default_value_t = version_sets::DEFAULT_TASK_QUEUES_PER_BUILD_ID,
        requires = "queues"
    )]
    task_queues_per_build_id: usize,
}

pub(crate) fn run(args: &Args, output: &mut Output<'_>) -> Status {
    let every_path: Vec<PathBuf> = (args.states.iter().cloned())
        .chain(args.queues.iter().map(|(_, path)| path.clone()))
        .collect();
    if let Err(error) = input::stdin_once(&every_path) {
        output.diagnostic(error);
        return Status::BadInput;
    }
    let mut status = Status::Ok;
    let mut files = Vec::new();
    for path in &args.states {
        let input = match input::read(path) {
            Ok(input) => input,
            Err(error) => {
                if output.json() {
                    files.push(file_error(&input::name_of(path), &error));
                }
                output.diagnostic(error);
                status = status.max(Status::BadInput);
                continue;
            }
        };
        let examined = match state::examine(&input, Traces::Refused, Need::Findings) {
            Ok(examined) => examined,
            Err(error) => {
                if output.json() {
                    files.push(file_error(&input.name, &error));
                }
                output.diagnostic(error);
                status = status.max(Status::BadInput);
                continue;
            }
        };
        for note in &examined.notes {
            output.diagnostic(note);
        }
        let valid = examined.findings.is_empty() && examined.counts.is_some();
        if !valid {
            status = status.max(Status::Failed);
        }
        if output.json() {
            let violations: Vec<Value> = examined
                .findings
                .iter()
                .map(|finding| json!({"path": finding.path, "problem": finding.problem}))
                .collect();
            files.push(json!({
                "file": input.name,
                "shape": examined.shape,
                "valid": valid,
                "sets": examined.counts.map(|counts| counts.sets),
                "buildIds": examined.counts.map(|counts| counts.build_ids),
                "violations": violations,
                "unlisted": examined.unlisted,
                "notes": examined.notes,
            }));
            continue;
        }
        for finding in &examined.findings {
            let finding = output.paint(finding, Style::Bad);
            output.line(format_args!("{}: {finding}", input.name));
        }
        if examined.unlisted > 0 {
            let more = format!(
                "and {} more violations, not listed (only the first {} are)",
                examined.unlisted,
                version_sets::InvalidData::MAX_LISTED
            );
            let more = output.paint(&more, Style::Bad);
            output.line(format_args!("{}: {more}", input.name));
        }
        if let (Some(counts), true) = (examined.counts, valid) {
            let ok = output.paint("ok", Style::Good);
            output.line(format_args!(
                "{}: {ok} ({}: {}, {})",
                input.name,
                examined.shape,
                count(counts.sets, "set"),
                count(counts.build_ids, "build ID")
            ));
        }
    }
    let mut document = serde_json::Map::new();
    document.insert("files".to_owned(), json!(files));
    if !args.queues.is_empty() {
        let Some(found) = check_namespace(args, output) else {
            return Status::BadInput;
        };
        if !found.is_empty() {
            status = status.max(Status::Failed);
        }
        document.insert(
            "namespace".to_owned(),
            json!({
                "taskQueues": args.queues.len(),
                "limit": args.task_queues_per_build_id,
                "overLimit": found
                    .iter()
                    .map(|(id, queues)| json!({ "buildId": id, "taskQueues": queues }))
                    .collect::<Vec<_>>(),
            }),
        );
    }
    if output.json() && (!files.is_empty() || !args.queues.is_empty()) {
        output.document(&Value::Object(document));
    }
    status
}

/// The build IDs of the --queue namespace in more task queues than the limit, each with
/// its queues, printed unless the output is JSON; `None` when a queue cannot be read.
fn check_namespace(args: &Args, output: &mut Output<'_>) -> Option<Vec<(String, Vec<String>)>> {
    let namespace = namespace::open(&args.queues, output)?;
    let limit = args.task_queues_per_build_id;
    let over: Vec<(String, Vec<String>)> = if limit == 0 {
        Vec::new()
    } else {
        namespace
            .over_limit(limit)
            .into_iter()
            .map(|(id, queues)| {
                let queues = queues.into_iter().map(str::to_owned).collect();
                (id.as_str().to_owned(), queues)
            })
            .collect()
    };
    if output.json() {
        return Some(over);
    }
    for (id, queues) in &over {
        let problem = format!(
            "build ID {id} is in {} task queues, more than limit.taskQueuesPerBuildId ({limit}): {}",
            queues.len(),
            queues.join(", ")
        );
        let problem = output.paint(&problem, Style::Bad);
        output.line(format_args!("namespace: {problem}"));
    }
    if over.is_empty() {
        let ok = output.paint("ok", Style::Good);
        let bound = if limit == 0 {
            "no limit".to_owned()
        } else {
            format!("no build ID in more than {limit}")
        };
        output.line(format_args!(
            "namespace: {ok} ({}, {bound})",
            count(args.queues.len(), "task queue")
        ));
    }
    Some(over)
}

/// `1 set`, `2 sets`: a count with its noun.
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
